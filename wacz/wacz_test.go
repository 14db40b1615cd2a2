package wacz_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/archive"
	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/archive/warc"
	"github.com/takedownwatch/takedownwatch/wacz"
	"github.com/takedownwatch/takedownwatch/wacz/wacztest"
)

// seed archives a few answers of every kind a package carries, each in a
// WARC file of its own (a rotation after every exchange): a page, its
// identical revisit, a 304 revisit, a 451 with its blocked-by link, an
// image, and a document archived as a resource record.
func seed(t *testing.T) (string, []*store.Capture) {
	t.Helper()
	dir := t.TempDir()
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	a, err := archive.OpenWriter(t.Context(), archive.Options{DataDir: dir, MaxWARCSize: 1, Clock: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	page := []byte("<!DOCTYPE html><title>Statement</title><p>We reject the new law.</p>")
	html := http.Header{"Content-Type": {"text/html; charset=utf-8"}}
	exchanges := []*warc.Exchange{
		{URL: "https://www.gov.example/news/1?b=2&a=1", StatusCode: 200, Header: html, Body: page, Date: t0},
		{URL: "https://www.gov.example/news/1?b=2&a=1", StatusCode: 200, Header: html, Body: page, Date: t0.Add(time.Hour)},
		{URL: "https://www.gov.example/news/1?b=2&a=1", StatusCode: 304, Header: http.Header{}, Date: t0.Add(2 * time.Hour)},
		{URL: "https://gov.example:8443/news/2", StatusCode: 451, Date: t0.Add(3 * time.Hour),
			Header: http.Header{"Content-Type": {"text/plain"}, "Link": {`<https://authority.example>; rel="blocked-by"`}}, Body: []byte("withheld")},
		{URL: "http://127.0.0.2:8080/media/cabinet.jpg", StatusCode: 200, Date: t0.Add(4 * time.Hour),
			Header: http.Header{"Content-Type": {"image/jpeg"}}, Body: bytes.Repeat([]byte{0xff, 0xd8, 0x00}, 4000)},
	}
	var caps []*store.Capture
	for _, ex := range exchanges {
		c, err := a.Record(t.Context(), ex, archive.Meta{Kind: "permalink"})
		if err != nil {
			t.Fatal(err)
		}
		caps = append(caps, c)
	}
	c, err := a.RecordResource(t.Context(), "https://gov.example/reports/1.csv", "text/csv", []byte("id,url\n1,https://gov.example/news/2\n"), archive.Meta{Kind: "report"})
	if err != nil {
		t.Fatal(err)
	}
	caps = append(caps, c)
	return filepath.Join(dir, archive.WARCDir), caps
}

func capture(c *store.Capture) wacz.Capture {
	return wacz.Capture{File: c.WARCFile, RecordID: c.RecordID,
		Record:  wacz.Span{Offset: c.WARCOffset, Length: c.WARCLength},
		Request: wacz.Span{Offset: c.RequestOffset, Length: c.RequestLength}}
}

func TestWriter_PackageChecksOut(t *testing.T) {
	warcDir, caps := seed(t)
	out := filepath.Join(t.TempDir(), "evidence.wacz")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	w, err := wacz.NewWriter(f, wacz.Options{WARCDir: warcDir, TempDir: t.TempDir(), Title: "Evidence <test> & co",
		Description: "Two posts.", Software: "takedownwatch test",
		Extra: []wacz.Property{{Name: "selection", Value: map[string]string{"state": "removed"}}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range caps {
		if err := w.Add(capture(c)); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []*store.Capture{caps[0], caps[3]} {
		if err := w.AddPage(wacz.Page{ID: "p" + c.RecordID, URL: c.URL, TS: c.At, Title: "Opposition: statement", Text: "We reject the new law.", Status: c.Status}); err != nil {
			t.Fatal(err)
		}
	}
	sum, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}

	p := wacztest.Open(t, out)
	files := len(caps) // one WARC file each, so one warcinfo each
	if sum.Captures != len(caps) || sum.Records != files+2*(len(caps)-1)+1 || sum.Indexed != len(caps) || sum.Pages != 2 {
		t.Errorf("summary %+v, want %d captures, %d records, %d indexed, 2 pages", sum, len(caps), files+2*(len(caps)-1)+1, len(caps))
	}
	if len(p.Index) != len(caps) || len(p.Pages) != 2 {
		t.Errorf("%d index lines, %d pages", len(p.Index), len(p.Pages))
	}
	if p.Datapackage.Title != "Evidence <test> & co" || p.PagesHeader["title"] != "Evidence <test> & co" {
		t.Errorf("title %q, pages header %v", p.Datapackage.Title, p.PagesHeader)
	}
	if !strings.Contains(string(p.Files[wacz.PackagePath]), `"selection": {`) {
		t.Errorf("datapackage.json lacks the extra property:\n%s", p.Files[wacz.PackagePath])
	}
	keys := map[string]bool{}
	for _, l := range p.Index {
		keys[l.Key] = true
	}
	for _, want := range []string{"example,gov)/news/1?a=1&b=2", "example,gov:8443)/news/2", "2,0,0,127:8080)/media/cabinet.jpg", "example,gov)/reports/1.csv"} {
		if !keys[want] {
			t.Errorf("index lacks key %q: %v", want, keys)
		}
	}
	p.IndexWithWarcio(t)
}

// TestWriter_CopiesRecordsExactly: the package's WARC file is the source
// records' bytes, concatenated, so their digests and signatures hold.
func TestWriter_CopiesRecordsExactly(t *testing.T) {
	warcDir, caps := seed(t)
	var buf bytes.Buffer
	w, err := wacz.NewWriter(&buf, wacz.Options{WARCDir: warcDir, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	var want []byte
	for _, c := range caps[:2] {
		if err := w.Add(capture(c)); err != nil {
			t.Fatal(err)
		}
		for _, pos := range []warc.Position{{File: c.WARCFile}, {File: c.WARCFile, Offset: c.WARCOffset, Length: c.WARCLength},
			{File: c.WARCFile, Offset: c.RequestOffset, Length: c.RequestLength}} {
			if pos.Length == 0 { // the warcinfo record, at the start of the file
				rec, err := warc.ReadAt(warcDir, pos)
				if err != nil {
					t.Fatal(err)
				}
				pos.Length = rec.Length
			}
			raw, err := warc.ReadRaw(warcDir, pos)
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, raw...)
		}
	}
	if err := w.AddPage(wacz.Page{ID: "1", URL: caps[0].URL, TS: caps[0].At}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Close(); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "x.wacz")
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	p := wacztest.Open(t, out)
	got, err := os.ReadFile(filepath.Join(p.WARCDir, "data.warc.gz"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("data.warc.gz is %d bytes, not the %d bytes of the source records", len(got), len(want))
	}
}

// TestWriter_RefusesDamagedRecord: a record whose bytes changed is never
// passed on as evidence.
func TestWriter_RefusesDamagedRecord(t *testing.T) {
	warcDir, caps := seed(t)
	c := caps[3]
	path := filepath.Join(warcDir, c.WARCFile)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// The member rewritten with one payload byte changed: a valid gzip
	// member whose record no longer matches its digests.
	plain := gunzip(t, b[c.WARCOffset:c.WARCOffset+c.WARCLength])
	i := bytes.LastIndex(plain, []byte("withheld"))
	plain[i] = 'W'
	member := gzipBytes(t, plain)
	b = append(append(append([]byte{}, b[:c.WARCOffset]...), member...), b[c.WARCOffset+c.WARCLength:]...)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	c.WARCLength = int64(len(member))
	w, err := wacz.NewWriter(&bytes.Buffer{}, wacz.Options{WARCDir: warcDir, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	err = w.Add(wacz.Capture{File: c.WARCFile, Record: wacz.Span{Offset: c.WARCOffset, Length: c.WARCLength}})
	if err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("Add of a damaged record: %v, want an error saying so", err)
	}
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func gzipBytes(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A record whose HTTP block does not parse (an older archive's request
// line with a space in its URL) is whole: it goes into the package as it
// is, where it stopped the whole export before.
func TestWriter_TakesMalformedButWholeRecords(t *testing.T) {
	dir := t.TempDir()
	a, err := archive.OpenWriter(t.Context(), archive.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	c, err := a.Record(t.Context(), &warc.Exchange{URL: `https://gov.example/p?a="><x y='1'>"`, StatusCode: 200,
		Header: http.Header{"Content-Type": {"text/plain"}}, Body: []byte("kept"), Date: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)},
		archive.Meta{Kind: "permalink"})
	if err != nil {
		t.Fatal(err)
	}
	w, err := wacz.NewWriter(&bytes.Buffer{}, wacz.Options{WARCDir: filepath.Join(dir, archive.WARCDir), TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	if err := w.Add(capture(c)); err != nil {
		t.Errorf("Add of a malformed but whole record: %v", err)
	}
}
