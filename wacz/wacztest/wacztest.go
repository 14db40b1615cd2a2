// Package wacztest opens WACZ files in tests and checks them as a receiver
// would, with the standard library's ZIP and SHA-256 and the archive's WARC
// reader: every digest and byte count of datapackage.json, and every index
// line against the record it points to.
package wacztest

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/archive/warc"
	"github.com/takedownwatch/takedownwatch/internal/testtool"
	"github.com/takedownwatch/takedownwatch/wacz"
)

// Package is an opened, checked WACZ.
type Package struct {
	Path string
	// Files are the bytes of every file but the WARC files, by path.
	Files map[string][]byte
	// WARCDir holds the package's WARC files, extracted (archive/NAME is
	// WARCDir/NAME).
	WARCDir     string
	Datapackage Datapackage
	Index       []Line
	PagesHeader map[string]any
	Pages       []map[string]any
}

// Datapackage is what the checks read of datapackage.json.
type Datapackage struct {
	Profile     string          `json:"profile"`
	WACZVersion string          `json:"wacz_version"`
	Title       string          `json:"title"`
	Description string          `json:"description"`
	Created     string          `json:"created"`
	Software    string          `json:"software"`
	Resources   []wacz.Resource `json:"resources"`
}

// Line is one CDXJ line.
type Line struct {
	Key, Timestamp string
	Fields         map[string]string
}

// Open reads the WACZ at path and fails t on anything wrong with it.
func Open(t testing.TB, file string) *Package {
	t.Helper()
	zr, err := zip.OpenReader(file)
	if err != nil {
		t.Fatalf("open WACZ: %v", err)
	}
	defer zr.Close()
	p := &Package{Path: file, Files: map[string][]byte{}, WARCDir: t.TempDir()}
	type seen struct {
		hash  string
		bytes int64
	}
	got := map[string]seen{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		h := sha256.New()
		var dst io.Writer = h
		var buf bytes.Buffer
		var out *os.File
		if dir, name := path.Split(f.Name); dir == "archive/" {
			if f.Method != zip.Store {
				t.Errorf("%s is compressed again (method %d): WACZ stores WARC files", f.Name, f.Method)
			}
			if out, err = os.Create(filepath.Join(p.WARCDir, name)); err != nil {
				t.Fatal(err)
			}
			dst = io.MultiWriter(h, out)
		} else {
			dst = io.MultiWriter(h, &buf)
		}
		n, err := io.Copy(dst, rc) // archive/zip checks each file's CRC-32 at its end
		rc.Close()
		if out != nil {
			out.Close()
		}
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		got[f.Name] = seen{"sha256:" + hex.EncodeToString(h.Sum(nil)), n}
		if out == nil {
			p.Files[f.Name] = buf.Bytes()
		}
	}

	pkg, ok := p.Files[wacz.PackagePath]
	if !ok {
		t.Fatalf("no %s", wacz.PackagePath)
	}
	if err := json.Unmarshal(pkg, &p.Datapackage); err != nil {
		t.Fatalf("%s: %v", wacz.PackagePath, err)
	}
	dp := p.Datapackage
	if dp.Profile != "data-package" || dp.WACZVersion != wacz.Version {
		t.Errorf("datapackage.json: profile %q, wacz_version %q", dp.Profile, dp.WACZVersion)
	}
	if _, err := time.Parse(time.RFC3339, dp.Created); err != nil {
		t.Errorf("datapackage.json: created %q: %v", dp.Created, err)
	}
	listed := map[string]bool{}
	for _, r := range dp.Resources {
		listed[r.Path] = true
		g, ok := got[r.Path]
		switch {
		case !ok:
			t.Errorf("datapackage.json lists %s, which the ZIP lacks", r.Path)
		case g.hash != r.Hash:
			t.Errorf("%s: hash %s, datapackage.json says %s", r.Path, g.hash, r.Hash)
		case g.bytes != r.Bytes:
			t.Errorf("%s: %d bytes, datapackage.json says %d", r.Path, g.bytes, r.Bytes)
		}
		if r.Name != path.Base(r.Path) {
			t.Errorf("resource %s named %q", r.Path, r.Name)
		}
	}
	for name := range got {
		if name != wacz.PackagePath && name != wacz.DigestPath && !listed[name] {
			t.Errorf("%s is in the ZIP but not in datapackage.json", name)
		}
	}
	for _, need := range []string{wacz.IndexPath, wacz.PagesPath} {
		if !listed[need] {
			t.Errorf("datapackage.json lacks %s", need)
		}
	}
	if d, ok := p.Files[wacz.DigestPath]; ok {
		var digest struct{ Path, Hash string }
		if err := json.Unmarshal(d, &digest); err != nil {
			t.Errorf("%s: %v", wacz.DigestPath, err)
		}
		sum := sha256.Sum256(pkg)
		if want := "sha256:" + hex.EncodeToString(sum[:]); digest.Path != wacz.PackagePath || digest.Hash != want {
			t.Errorf("%s says %s %s, want %s %s", wacz.DigestPath, digest.Path, digest.Hash, wacz.PackagePath, want)
		}
	}

	// Every record of every WARC file reads back with intact digests.
	warcs, _ := filepath.Glob(filepath.Join(p.WARCDir, "*"))
	if len(warcs) == 0 {
		t.Error("no WARC file in archive/")
	}
	for _, f := range warcs {
		err := warc.Scan(f, func(r *warc.Record) error {
			for _, pr := range r.Problems {
				t.Errorf("%s@%d (%s): %v", filepath.Base(f), r.Offset, r.Type, pr)
			}
			return nil
		})
		if err != nil {
			t.Errorf("scan %s: %v", f, err)
		}
	}

	p.readIndex(t)
	p.readPages(t)
	return p
}

// readIndex parses the CDXJ and checks its order and every line against
// the record at its offset.
func (p *Package) readIndex(t testing.TB) {
	t.Helper()
	text := string(p.Files[wacz.IndexPath])
	if text == "" {
		t.Error("empty index")
		return
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if !slices.IsSorted(lines) {
		t.Error("index lines are not sorted")
	}
	for _, raw := range lines {
		key, rest, _ := strings.Cut(raw, " ")
		ts, js, _ := strings.Cut(rest, " ")
		l := Line{Key: key, Timestamp: ts}
		if err := json.Unmarshal([]byte(js), &l.Fields); err != nil {
			t.Errorf("index line %q: %v", raw, err)
			continue
		}
		p.Index = append(p.Index, l)
		f := l.Fields
		if len(ts) != 14 {
			t.Errorf("index line %q: timestamp %q is not 14 digits", raw, ts)
		}
		if want := wacz.SURT(f["url"]); key != want {
			t.Errorf("index line %q: key %q, want %q", raw, key, want)
		}
		off, err1 := strconv.ParseInt(f["offset"], 10, 64)
		n, err2 := strconv.ParseInt(f["length"], 10, 64)
		if err1 != nil || err2 != nil || f["filename"] == "" {
			t.Errorf("index line %q: bad offset, length or filename", raw)
			continue
		}
		rec, err := warc.ReadAt(p.WARCDir, warc.Position{File: f["filename"], Offset: off, Length: n})
		if err != nil {
			t.Errorf("index line %q: %v", raw, err)
			continue
		}
		for _, pr := range rec.Problems {
			t.Errorf("index line %q points at a record with a problem: %v", raw, pr)
		}
		mime, status, digest := rec.Header.Get("Content-Type"), strconv.Itoa(rec.StatusCode), rec.PayloadDigest
		switch rec.Type {
		case "revisit":
			mime = "warc/revisit"
		case "resource":
			mime, status = rec.ContentType, ""
		}
		mime, _, _ = strings.Cut(mime, ";")
		if rec.TargetURI != f["url"] || rec.Date.UTC().Format("20060102150405") != ts ||
			digest != f["digest"] || status != f["status"] || strings.TrimSpace(mime) != f["mime"] {
			t.Errorf("index line %q points at a %s record of %s at %s (payload %s, status %d, %s)",
				raw, rec.Type, rec.TargetURI, rec.Date.Format(time.RFC3339), rec.PayloadDigest, rec.StatusCode, mime)
		}
	}
}

// readPages parses the page list; each page must be in the index.
func (p *Package) readPages(t testing.TB) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(string(p.Files[wacz.PagesPath]), "\n"), "\n")
	if err := json.Unmarshal([]byte(lines[0]), &p.PagesHeader); err != nil || p.PagesHeader["format"] != "json-pages-1.0" || p.PagesHeader["id"] != "pages" {
		t.Errorf("pages.jsonl header %q (%v)", lines[0], err)
	}
	urls := map[string]bool{}
	for _, l := range p.Index {
		urls[l.Fields["url"]] = true
	}
	for _, raw := range lines[1:] {
		var pg map[string]any
		if err := json.Unmarshal([]byte(raw), &pg); err != nil {
			t.Errorf("page %q: %v", raw, err)
			continue
		}
		p.Pages = append(p.Pages, pg)
		u, _ := pg["url"].(string)
		ts, _ := pg["ts"].(string)
		if _, err := time.Parse(time.RFC3339, ts); err != nil || !urls[u] {
			t.Errorf("page %q: ts not RFC 3339 or url not in the index", raw)
		}
	}
}

// IndexWithWarcio indexes the package's WARC files with webrecorder's
// warcio (npm), a reader that shares no code with ours, and checks that
// it reads them without error and finds what our index says: the same
// lines, with the same fields (warcio writes digests without their
// algorithm). It skips (fails in CI) without warcio.
func (p *Package) IndexWithWarcio(t testing.TB) {
	t.Helper()
	warcio := testtool.Tool(t, "warcio", "npm install --prefix .ci/tools warcio@2.4.11")
	warcs, _ := filepath.Glob(filepath.Join(p.WARCDir, "*"))
	var got []string
	for _, f := range warcs {
		cmd := exec.Command(warcio, "cdx-index", filepath.Base(f))
		cmd.Dir = p.WARCDir
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil || stderr.Len() > 0 {
			t.Fatalf("warcio cdx-index %s: %v\n%s", filepath.Base(f), err, stderr.String())
		}
		for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if l != "" {
				got = append(got, l)
			}
		}
	}
	norm := func(key, ts string, f map[string]string) string {
		d := f["digest"]
		if i := strings.IndexByte(d, ':'); i >= 0 {
			d = d[i+1:]
		}
		return strings.Join([]string{key, ts, f["url"], f["mime"], f["status"], d, f["length"], f["offset"], f["filename"]}, " ")
	}
	var theirs, ours []string
	for _, raw := range got {
		key, rest, _ := strings.Cut(raw, " ")
		ts, js, _ := strings.Cut(rest, " ")
		var f map[string]string
		if err := json.Unmarshal([]byte(js), &f); err != nil {
			t.Fatalf("warcio line %q: %v", raw, err)
		}
		theirs = append(theirs, norm(key, ts, f))
	}
	for _, l := range p.Index {
		ours = append(ours, norm(l.Key, l.Timestamp, l.Fields))
	}
	slices.Sort(theirs)
	slices.Sort(ours)
	if !slices.Equal(theirs, ours) {
		t.Errorf("warcio's index differs from ours:\nwarcio:\n%s\nours:\n%s", strings.Join(theirs, "\n"), strings.Join(ours, "\n"))
	}
}
