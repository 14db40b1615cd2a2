package archive

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/takedownwatch/takedownwatch/archive/warc"
	"github.com/takedownwatch/takedownwatch/internal/testtool"
)

// TestWARC_IndependentReader reads our files with webrecorder's warcio, a
// reader that shares no code with ours.
func TestWARC_IndependentReader(t *testing.T) {
	warcio := testtool.Tool(t, "warcio", "npm install --prefix .ci/tools warcio@2.4.11")
	dir := t.TempDir()
	a := openTest(t, dir)
	page := &warc.Exchange{URL: "https://gov.example/news/1?utm_source=x", StatusCode: 200,
		Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, Body: []byte("<p>សួស្តី</p>")}
	first, err := a.Record(t.Context(), page, Meta{Kind: "permalink"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Record(t.Context(), page, Meta{Kind: "permalink"}); err != nil {
		t.Fatal(err)
	}
	gone := &warc.Exchange{URL: "https://gov.example/news/2", StatusCode: 451,
		Header: http.Header{"Content-Type": {"text/plain"}, "Link": {`<https://authority.example>; rel="blocked-by"`}}, Body: []byte("withheld")}
	if _, err := a.Record(t.Context(), gone, Meta{Kind: "permalink"}); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, WARCDir, first.WARCFile)

	out, err := exec.Command(warcio, "index", file, "-f", "warc-type,warc-target-uri").CombinedOutput()
	if err != nil {
		t.Fatalf("warcio index: %v\n%s", err, out)
	}
	var types []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var rec map[string]string
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("warcio index line %q: %v", line, err)
		}
		types = append(types, rec["warc-type"])
		if rec["warc-type"] != "warcinfo" && !strings.HasPrefix(rec["warc-target-uri"], "https://gov.example/news/") {
			t.Errorf("record %v has target %q", rec["warc-type"], rec["warc-target-uri"])
		}
	}
	if got, want := strings.Join(types, " "), "warcinfo response request revisit request response request"; got != want {
		t.Errorf("warcio sees %q, want %q", got, want)
	}

	out, err = exec.Command(warcio, "cdx-index", file).CombinedOutput()
	if err != nil {
		t.Fatalf("warcio cdx-index: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 3 {
		t.Fatalf("cdx-index: %d lines, want 3:\n%s", len(lines), out)
	}
	want := []struct{ status, mime, digest string }{
		{"200", "text/html", strings.TrimPrefix(warc.PayloadDigest(page.Body), "sha256:")},
		{"200", "warc/revisit", strings.TrimPrefix(warc.PayloadDigest(page.Body), "sha256:")},
		{"451", "text/plain", strings.TrimPrefix(warc.PayloadDigest(gone.Body), "sha256:")},
	}
	for i, line := range lines {
		_, js, ok := strings.Cut(line, " {")
		if !ok {
			t.Fatalf("cdx line %q", line)
		}
		var rec map[string]string
		if err := json.Unmarshal([]byte("{"+js), &rec); err != nil {
			t.Fatal(err)
		}
		got := fmt.Sprintf("%s %s %s", rec["status"], rec["mime"], rec["digest"])
		if w := fmt.Sprintf("%s %s %s", want[i].status, want[i].mime, want[i].digest); got != w {
			t.Errorf("cdx line %d: %s, want %s", i, got, w)
		}
	}
}
