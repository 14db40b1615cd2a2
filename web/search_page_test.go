package web

import (
	"net/url"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"

	"github.com/takedownwatch/takedownwatch/archive/store"
)

// A facet narrows the search from its first page (a link that kept the
// page's offset could land past the narrower search's end), and names an
// actor by name.
func TestSearchPage_FacetLinksStartAtTheFirstPage(t *testing.T) {
	srv, _ := newTestServer(t, fakeSearch{ids: []string{store.PostID("feed", "1")}})
	resp, body := get(t, srv.URL+"/?q=rally&offset=20", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if !strings.Contains(body, `href="/?actor=opp&amp;q=rally">Opposition</a>`) || strings.Contains(body, "actor=opp&amp;offset") {
		t.Errorf("the actor facet's link keeps the offset or is missing:\n%s", body)
	}
	if !strings.Contains(body, "← previous results") {
		t.Errorf("page 2 has no link back")
	}
}

// A query that is not UTF-8 is refused as such, and not shown back as
// bytes the page cannot show.
func TestSearch_InvalidUTF8(t *testing.T) {
	srv, _ := newTestServer(t, fakeSearch{ids: []string{store.PostID("feed", "1")}})
	for _, path := range []string{"/?q=%FF%FE", "/api/search?q=%FF%FE", "/api/search?q=x&actor=%C3"} {
		resp, body := get(t, srv.URL+path, nil)
		if resp.StatusCode != 400 || !strings.Contains(body, "not valid UTF-8") || strings.Contains(body, "\xff") {
			t.Errorf("%s: %d\n%s", path, resp.StatusCode, body)
		}
	}
}

// A saved search's feed tells the removal of a post it found even when the
// post went with its account (an account_gone event, which names no post,
// stands for it in the other feeds).
func TestSavedSearchFeed_PostRemovedWithItsAccount(t *testing.T) {
	srv, _ := newTestServer(t, fakeSearch{ids: []string{store.PostID("feed", "3")}})
	resp, body := get(t, srv.URL+"/feeds/search.rss?q=budget&state=removed", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	f, err := gofeed.NewParser().ParseString(body)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Items) != 1 || !strings.Contains(f.Items[0].Title+f.Items[0].Description, "Budget approved") {
		t.Fatalf("items %d, want the removal of the post found:\n%s", len(f.Items), body)
	}
}

// An address that names nothing gets the site's 404 page (the API's in
// JSON), not the mux's bare text.
func TestNotFound(t *testing.T) {
	srv, _ := newTestServer(t, nil)
	for path, ctype := range map[string]string{"/nope": "text/html; charset=utf-8", "/api/nope": "application/json; charset=utf-8"} {
		resp, body := get(t, srv.URL+path, nil)
		if resp.StatusCode != 404 || resp.Header.Get("Content-Type") != ctype || (ctype[:9] == "text/html" && !strings.Contains(body, "<nav")) {
			t.Errorf("%s: %d %s\n%s", path, resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
	}
}

// A facet followed is a filter the form has no field for: the form carries
// it (a new search keeps it) and the page shows it with a link that drops
// it.
func TestSearchPage_KeepsFacetFilters(t *testing.T) {
	srv, _ := newTestServer(t, fakeSearch{ids: []string{store.PostID("feed", "1")}})
	_, body := get(t, srv.URL+"/?q=rally&reason=deleted&platform=feed&offset=20", nil)
	for _, want := range []string{
		`<input type="hidden" name="reason" value="deleted">`,
		`<input type="hidden" name="platform" value="feed">`,
		`reason: deleted <a href="/?platform=feed&amp;q=rally"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q:\n%s", want, body)
		}
	}
}

// The query's length is counted in characters: a Khmer paragraph of 700
// letters (2,100 bytes) is a query; past 2,000 characters the error says
// the limit.
func TestSearch_QueryLengthInCharacters(t *testing.T) {
	para := strings.Repeat("ក", 700)
	if _, err := ParseSearch(url.Values{"q": {para}}, 20); err != nil {
		t.Errorf("700 Khmer letters: %v", err)
	}
	_, err := ParseSearch(url.Values{"q": {strings.Repeat("ក", 2001)}}, 20)
	if err == nil || !strings.Contains(err.Error(), "2001 characters, at most 2000") {
		t.Errorf("2001 letters: %v", err)
	}
}
