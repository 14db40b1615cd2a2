package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/archive"
	"github.com/takedownwatch/takedownwatch/archive/warc"
)

// A memento of a 451 keeps the archived Link header, whose rel="blocked-by"
// (RFC 7725) names who demanded the block, beside Memento's own links.
func TestMemento_KeepsTheArchivedLink(t *testing.T) {
	e := newEvidence(t, Options{})
	const u = "https://party.example/news/withheld"
	at := e.t0.Add(5 * time.Hour)
	if _, err := e.a.Record(t.Context(), &warc.Exchange{URL: u, StatusCode: 451, Date: at,
		Header: http.Header{"Link": {`<https://authority.example/orders/2026-114>; rel="blocked-by"`}, "Content-Type": {"text/html"}},
		Body:   []byte("Unavailable For Legal Reasons")}, archive.Meta{Kind: "permalink"}); err != nil {
		t.Fatal(err)
	}
	resp, body := rawGet(t, e.srv, "/memento/"+at.UTC().Format("20060102150405")+"/"+u, nil)
	if resp.StatusCode != 451 || resp.Header.Get("Memento-Datetime") == "" {
		t.Fatalf("memento: %d %v\n%s", resp.StatusCode, resp.Header, body)
	}
	if got := resp.Header.Get("X-Archive-Link"); !strings.Contains(got, `<https://authority.example/orders/2026-114>; rel="blocked-by"`) {
		t.Errorf("X-Archive-Link %q; Link %q", got, resp.Header.Values("Link"))
	}
}

// A URL written with the other scheme finds the same page's mementos, and
// a memento redirect to the nearest copy carries the original and TimeMap
// links, as a TimeGate's does.
func TestMemento_LookAlikesAndRedirectLinks(t *testing.T) {
	e := newEvidence(t, Options{})
	other := "http://" + strings.TrimPrefix(e.pageURL, "https://")
	resp, body := rawGet(t, e.srv, "/timemap/link/"+other, nil)
	if resp.StatusCode != 200 || !strings.Contains(body, `memento"`) {
		t.Errorf("timemap of %s: %d\n%s", other, resp.StatusCode, body)
	}
	resp, _ = rawGet(t, e.srv, "/memento/20260101000000/"+e.pageURL, nil)
	if resp.StatusCode != http.StatusFound || !strings.Contains(resp.Header.Get("Link"), `rel="timemap"`) {
		t.Errorf("inexact memento: %d, Link %q", resp.StatusCode, resp.Header.Get("Link"))
	}
}

// An archived URL holding ">" (older archives kept a feed's links raw)
// cannot close its <…> in a Link header or a TimeMap and add relations of
// a hostile source's choosing: it is written percent-encoded.
func TestMemento_ArchivedURLCannotForgeLinks(t *testing.T) {
	e := newEvidence(t, Options{})
	const u = `https://party.example/p/a>;rel="first memento",<http://evil.example/`
	at := e.t0.Add(5 * time.Hour)
	if _, err := e.a.Record(t.Context(), &warc.Exchange{URL: u, StatusCode: 200, Date: at,
		Header: http.Header{"Content-Type": {"text/plain"}}, Body: []byte("hi")}, archive.Meta{Kind: "permalink"}); err != nil {
		t.Fatal(err)
	}
	esc := strings.ReplaceAll(url.QueryEscape(u), "+", "%20")
	for _, path := range []string{"/timegate/" + esc, "/timemap/link/" + esc, "/memento/" + at.UTC().Format("20060102150405") + "/" + esc} {
		resp, body := rawGet(t, e.srv, path, nil)
		if resp.StatusCode >= 400 {
			t.Fatalf("%s: %d\n%s", path, resp.StatusCode, body)
		}
		for _, got := range append(resp.Header.Values("Link"), resp.Header.Get("Location"), body) {
			if strings.Contains(got, "<http://evil.example/") || strings.Contains(got, `a>;`) || strings.Contains(got, `"first memento",<`) {
				t.Errorf("%s: the archived URL broke out of its link:\n%s", path, got)
			}
		}
		if !strings.Contains(strings.Join(resp.Header.Values("Link"), " ")+body, `a%3E;rel=%22first%20memento%22,%3Chttp://evil.example/`) {
			t.Errorf("%s: no encoded original in %q %q", path, resp.Header.Values("Link"), body)
		}
	}
	// the links it wrote lead back to the capture
	resp, _ := rawGet(t, e.srv, "/timegate/"+esc, nil)
	loc := resp.Header.Get("Location")
	resp, body := rawGet(t, e.srv, strings.TrimPrefix(loc, e.srv.URL), nil)
	if resp.StatusCode != 200 || body != "hi" {
		t.Errorf("the TimeGate's own redirect %s: %d %q", loc, resp.StatusCode, body)
	}
}

// A permalink with credentials in it is archived with them redacted; asked
// for as its publisher wrote it, the TimeMap finds that capture.
func TestMemento_RedactedURLFound(t *testing.T) {
	e := newEvidence(t, Options{})
	const u = "https://party.example/p/7?token=abc123&lang=en"
	at := e.t0.Add(6 * time.Hour)
	if _, err := e.a.Record(t.Context(), &warc.Exchange{URL: u, StatusCode: 200, Date: at,
		Header: http.Header{"Content-Type": {"text/plain"}}, Body: []byte("hi")}, archive.Meta{Kind: "permalink"}); err != nil {
		t.Fatal(err)
	}
	resp, body := rawGet(t, e.srv, "/timemap/link/"+u, nil)
	if resp.StatusCode != 200 || !strings.Contains(body, "token=REDACTED") {
		t.Errorf("timemap of %s: %d\n%s", u, resp.StatusCode, body)
	}
}
