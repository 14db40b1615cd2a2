package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/takedownwatch/takedownwatch/archive"
	"github.com/takedownwatch/takedownwatch/archive/store"
)

// TestDemo_StoryIsDetected runs the demo's story at its fastest and
// checks what a newcomer is promised: it listens, archives, and reports the
// edit, the deletions, the withholding and its lifting.
func TestDemo_StoryIsDetected(t *testing.T) {
	dir := t.TempDir()
	var out, logs bytes.Buffer
	err := run(t.Context(), []string{"demo", "--data", dir, "--listen", "127.0.0.1:0", "--interval", "1s", "--duration", "13s"}, &out, &logs)
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, logs.String())
	}
	if !strings.Contains(out.String(), "listening on http://127.0.0.1:") {
		t.Errorf("demo did not say where it listens:\n%s", out.String())
	}
	for _, want := range []string{"cycle done", "story 8/8", "edited=1"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("logs lack %q:\n%s", want, logs.String())
		}
	}
	a, err := archive.OpenReader(context.Background(), filepath.Join(dir, "data"))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	types, reasons := map[string]int{}, map[string]int{}
	if err := a.Store.EachEvent(t.Context(), store.Filter{}, func(e *store.EventRow) error {
		types[e.Type]++
		if e.Type == store.EventRemoved {
			reasons[e.Reason]++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if types["new"] < 9 || types["edited"] != 1 || types["restored"] != 1 {
		t.Errorf("events %v, want at least 9 new, 1 edited, 1 restored", types)
	}
	if reasons["deleted"] != 2 || reasons["withheld_legal"] != 1 {
		t.Errorf("removals by reason %v, want 2 deleted and 1 withheld_legal", reasons)
	}
	// The config it leaves links to the address it listened on (port 0
	// picked one), and a second demo in the same directory is refused:
	// its sandbox would tell the story afresh, on other ports.
	cfgText, err := os.ReadFile(filepath.Join(dir, "takedownwatch.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`).FindStringSubmatch(out.String())
	if m == nil || !strings.Contains(string(cfgText), "base_url: "+m[1]+"\n") {
		t.Errorf("the demo's config does not link to where it listened (%v):\n%s", m, cfgText)
	}
	if _, errOut, code := runCLI(t, "demo", "--data", dir, "--listen", "127.0.0.1:0"); code != 2 || !strings.Contains(errOut, "already holds a demo's archive") {
		t.Errorf("a second demo in %s: exit %d, %s", dir, code, errOut)
	}
	// The config the demo leaves behind works for the read commands.
	if out, _, code := runCLI(t, "verify", "--config", filepath.Join(dir, "takedownwatch.yaml")); code != 0 {
		t.Errorf("verify with the demo's config: %s", out)
	}
	// So does the Khmer search it suggests, typed without the U+200B the
	// post has between its words.
	const suggested = "takedownwatch search រាជរដ្ឋាភិបាលកម្ពុជា --config "
	if !strings.Contains(out.String(), suggested) {
		t.Errorf("demo does not suggest %q:\n%s", suggested, out.String())
	}
	res, errOut, code := runCLI(t, "search", "រាជរដ្ឋាភិបាលកម្ពុជា", "--json", "--config", filepath.Join(dir, "takedownwatch.yaml"))
	if code != 0 || !strings.HasPrefix(res, `{"total":1,`) {
		t.Errorf("the suggested search: exit %d, %s%s; want one hit", code, res, errOut)
	}
	// Part of it whose last cluster the post writes with a vowel joined
	// (ដ្ឋ of ដ្ឋា) finds nothing, and says what the word with * finds.
	res, errOut, code = runCLI(t, "search", "រាជរដ្ឋ", "--config", filepath.Join(dir, "takedownwatch.yaml"))
	if code != 0 || !strings.HasPrefix(res, "0 result(s)") || !strings.Contains(res, "\nរាជរដ្ឋ* (its last letter with more signs, as a compound may write it) finds 1\n") {
		t.Errorf("a search the word with * would answer: exit %d, %s%s", code, res, errOut)
	}
}

// A busy port fails the demo before --data holds anything, so the same
// command runs once the port is free (a second run refuses an archive).
func TestDemo_BusyPortLeavesNoArchive(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	data := filepath.Join(t.TempDir(), "demo")
	_, errOut, code := runCLI(t, "demo", "--data", data, "--listen", l.Addr().String(), "--duration", "1s")
	if code == 0 || !strings.Contains(errOut, "--listen") {
		t.Fatalf("demo on a busy port: exit %d %s", code, errOut)
	}
	if _, err := os.Stat(data); !os.IsNotExist(err) {
		t.Errorf("the failed demo left %s: %v", data, err)
	}
}
