package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/sirupsen/logrus"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/feeds"
	"github.com/takedownwatch/takedownwatch/internal/testtool"
)

// seed writes actors, sources, posts and events the feeds read.
func seed(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "meta.db"), false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	t0 := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	err = st.Write(t.Context(), func(tx *store.Tx) error {
		for _, a := range []store.Actor{{ID: "gov", Name: "Government", Affiliation: "government"}, {ID: "opp", Name: "Opposition", Affiliation: "opposition"}} {
			if err := tx.UpsertActor(a); err != nil {
				return err
			}
			if err := tx.UpsertSource(store.Source{ID: a.ID + "-src", ActorID: a.ID, Platform: "feed", URL: "https://x/" + a.ID, Schedule: "@hourly", Vantage: "direct"}); err != nil {
				return err
			}
		}
		add := func(src, id, text string, events ...store.Event) {
			p := &store.Post{Platform: "feed", PlatformID: id, SourceID: src, PostURL: "https://x/" + id, CanonicalURL: "https://x/" + id, FirstSeen: t0, LastSeenLive: t0, State: "live"}
			if err := tx.InsertPost(p); err != nil {
				t.Fatal(err)
			}
			v := &store.Version{PostID: p.ID, Digest: "d" + id, Text: text, FirstSeen: t0, LastSeen: t0}
			if err := tx.AddVersion(v); err != nil {
				t.Fatal(err)
			}
			for _, e := range events {
				e.PostID, e.SourceID = p.ID, src
				if err := tx.AddEvent(&e); err != nil {
					t.Fatal(err)
				}
			}
		}
		add("opp-src", "1", "Join the rally on Sunday", store.Event{Type: "new", At: t0},
			store.Event{Type: "removed", At: t0.Add(2 * time.Hour), Reason: "withheld_legal", Detail: "451"})
		add("opp-src", "2", "We reject the law", store.Event{Type: "new", At: t0},
			store.Event{Type: "removed", At: t0.Add(3 * time.Hour), Reason: "deleted", Detail: "404", LikelyCorrection: true})
		add("gov-src", "3", "Budget approved", store.Event{Type: "new", At: t0})
		gone := &store.Event{Type: "account_gone", At: t0.Add(4 * time.Hour), SourceID: "gov-src", Detail: "suspended"}
		if err := tx.AddEvent(gone); err != nil {
			return err
		}
		return tx.AddEvent(&store.Event{Type: "removed", At: t0.Add(4 * time.Hour), SourceID: "gov-src", PostID: store.PostID("feed", "3"),
			Reason: "account_gone", ParentID: gone.ID})
	})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// fakeSearch stands in for the index: it finds the posts it was given,
// with notice as the result's Notice.
type fakeSearch struct {
	ids    []string
	notice string
	wider  string // Result.Wider when ids is empty, with widerTotal
	widerN uint64
	hint   string // Result.Hint when ids is empty
}

func (f fakeSearch) Notice() string { return f.notice }

func (f fakeSearch) PostIDs(context.Context, string, []string, int) ([]string, error) {
	return f.ids, nil
}

func (f fakeSearch) Search(_ context.Context, q SearchQuery) (*SearchResult, error) {
	if q.Q == "invalid((" {
		return nil, &QueryError{"cannot parse the query"}
	}
	res := &SearchResult{Total: uint64(len(f.ids)), Facets: map[string][]store.Count{"actor": {{Term: "opp", Count: len(f.ids)}}}, Notice: f.notice}
	if len(f.ids) == 0 {
		res.Wider, res.WiderTotal, res.Hint = f.wider, f.widerN, f.hint
	}
	for _, id := range f.ids {
		res.Hits = append(res.Hits, SearchHit{PostID: id, Version: 1, Snippet: "Join the <mark>rally</mark> <script>x</script>", Actor: "opp", State: "removed", Reason: "withheld_legal", Platform: "feed"})
	}
	return res, nil
}

func newTestServer(t *testing.T, search Searcher) (*httptest.Server, *store.Store) {
	t.Helper()
	return newFeedServer(t, Options{Search: search})
}

// newFeedServer serves the seeded archive with o, its store, site,
// platforms and log filled in.
func newFeedServer(t *testing.T, o Options) (*httptest.Server, *store.Store) {
	t.Helper()
	st := seed(t)
	srv := httptest.NewUnstartedServer(nil)
	srv.Start()
	t.Cleanup(srv.Close)
	o.Store, o.Site, o.Platforms, o.Log = st, feeds.Site{BaseURL: srv.URL}, []string{"feed"}, logrus.NewEntry(logrus.New())
	srv.Config.Handler = New(o)
	return srv, st
}

func get(t *testing.T, url string, header http.Header) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

func TestFeeds_HTTP(t *testing.T) {
	srv, _ := newTestServer(t, fakeSearch{ids: []string{store.PostID("feed", "1")}})
	tests := []struct {
		path       string
		status     int
		ctype      string
		items      int
		wantInBody string
	}{
		{"/feeds/events.rss", 200, "application/rss+xml; charset=utf-8", 6, ""},
		{"/feeds/removals.atom", 200, "application/atom+xml; charset=utf-8", 2, "Account gone (suspended): Government — 1 posts removed with it"},
		{"/feeds/removals.json?corrections=1", 200, "application/feed+json; charset=utf-8", 3, ""},
		{"/feeds/actors/opp.rss", 200, "application/rss+xml; charset=utf-8", 4, ""},
		{"/feeds/affiliations/government.json", 200, "application/feed+json; charset=utf-8", 2, ""},
		{"/feeds/platforms/feed.atom", 200, "application/atom+xml; charset=utf-8", 6, ""},
		{"/feeds/reasons/withheld_legal.rss", 200, "application/rss+xml; charset=utf-8", 1, "withheld for legal reasons"},
		{"/feeds/reasons/account_gone.rss", 200, "application/rss+xml; charset=utf-8", 1, ""},
		{"/feeds/search.rss?q=rally&state=removed", 200, "application/rss+xml; charset=utf-8", 1, "rally"},
		{"/feeds/events.rss?limit=2", 200, "application/rss+xml; charset=utf-8", 2, ""},
		{"/feeds/events.rss?limit=abc", 400, "", 0, ""},
		{"/feeds/search.rss?q=rally&state=gone", 400, "", 0, ""},
		{"/feeds/events.xml", 404, "", 0, ""},
		{"/feeds/actors/nobody.rss", 404, "", 0, ""},
		{"/feeds/affiliations/aliens.rss", 404, "", 0, ""},
		{"/feeds/.rss", 404, "", 0, ""},
	}
	p := gofeed.NewParser()
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, body := get(t, srv.URL+tt.path, nil)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			if tt.status != 200 {
				return
			}
			if got := resp.Header.Get("Content-Type"); got != tt.ctype {
				t.Errorf("Content-Type %q, want %q", got, tt.ctype)
			}
			if resp.Header.Get("ETag") == "" || resp.Header.Get("Last-Modified") == "" || resp.Header.Get("Cache-Control") == "" {
				t.Errorf("validators missing: %v", resp.Header)
			}
			f, err := p.ParseString(body)
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Items) != tt.items {
				t.Errorf("%d items, want %d", len(f.Items), tt.items)
			}
			if !strings.Contains(body, tt.wantInBody) {
				t.Errorf("body lacks %q", tt.wantInBody)
			}
		})
	}
}

func TestFeeds_ConditionalGet(t *testing.T) {
	srv, _ := newTestServer(t, nil)
	resp, _ := get(t, srv.URL+"/feeds/removals.rss", nil)
	etag, modified := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	for _, h := range []http.Header{{"If-None-Match": {etag}}, {"If-Modified-Since": {modified}}} {
		resp, body := get(t, srv.URL+"/feeds/removals.rss", h)
		if resp.StatusCode != http.StatusNotModified || body != "" {
			t.Errorf("%v: status %d, want 304", h, resp.StatusCode)
		}
	}
	if resp, _ := get(t, srv.URL+"/feeds/search.rss?q=x", nil); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("saved search without an index: %d, want 503", resp.StatusCode)
	}
}

// TestFeeds_LastModifiedWithinTheSecond: Last-Modified counts whole
// seconds, so a feed whose newest event lies in the current second may
// still change within it; a client holding only that date would miss the
// change. Such an answer goes out with its ETag alone, and If-Modified-Since
// answers 304 only once the second is over.
func TestFeeds_LastModifiedWithinTheSecond(t *testing.T) {
	var mu sync.Mutex
	var now time.Time
	setNow := func(t time.Time) { mu.Lock(); now = t; mu.Unlock() }
	srv, st := newFeedServer(t, Options{Clock: func() time.Time { mu.Lock(); defer mu.Unlock(); return now }})
	second := time.Date(2026, 4, 3, 9, 0, 0, 0, time.UTC)
	edit := func(at time.Time) {
		t.Helper()
		err := st.Write(t.Context(), func(tx *store.Tx) error {
			return tx.AddEvent(&store.Event{Type: store.EventEdited, At: at, PostID: store.PostID("feed", "1"), SourceID: "opp-src", Diff: "-a\n+b\n"})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	const path = "/feeds/events.rss"
	sameSecond := second.Format(http.TimeFormat)

	edit(second.Add(200 * time.Millisecond))
	setNow(second.Add(300 * time.Millisecond))
	first, _ := get(t, srv.URL+path, nil)
	if first.StatusCode != 200 || first.Header.Get("ETag") == "" {
		t.Fatalf("first GET: %d, ETag %q", first.StatusCode, first.Header.Get("ETag"))
	}
	if lm := first.Header.Get("Last-Modified"); lm != "" {
		t.Errorf("Last-Modified %q for a feed changed in the current second, want none", lm)
	}

	edit(second.Add(500 * time.Millisecond))
	setNow(second.Add(600 * time.Millisecond))
	for _, h := range []http.Header{{"If-Modified-Since": {sameSecond}}, {"If-None-Match": {first.Header.Get("ETag")}}} {
		if resp, _ := get(t, srv.URL+path, h); resp.StatusCode != 200 {
			t.Errorf("%v after a second event in the same second: %d, want 200", h, resp.StatusCode)
		}
	}

	setNow(second.Add(1500 * time.Millisecond))
	later, _ := get(t, srv.URL+path, nil)
	etag := later.Header.Get("ETag")
	if lm := later.Header.Get("Last-Modified"); lm != sameSecond {
		t.Fatalf("Last-Modified %q once the second is over, want %q", lm, sameSecond)
	}
	for _, c := range []struct {
		h    http.Header
		want int
	}{
		{http.Header{"If-Modified-Since": {sameSecond}}, 304},
		{http.Header{"If-Modified-Since": {second.Add(-time.Second).Format(http.TimeFormat)}}, 200},
		// If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2).
		{http.Header{"If-None-Match": {first.Header.Get("ETag")}, "If-Modified-Since": {sameSecond}}, 200},
		{http.Header{"If-None-Match": {etag}, "If-Modified-Since": {second.Add(-time.Hour).Format(http.TimeFormat)}}, 304},
	} {
		if resp, _ := get(t, srv.URL+path, c.h); resp.StatusCode != c.want {
			t.Errorf("%v: %d, want %d", c.h, resp.StatusCode, c.want)
		}
	}
}

// TestFeeds_EmptyHasValidator: an empty feed has no newest event to date
// it, but renders the same bytes each time, so its ETag answers 304.
func TestFeeds_EmptyHasValidator(t *testing.T) {
	srv, _ := newTestServer(t, nil)
	const path = "/feeds/affiliations/civil_society.rss"
	resp, body := get(t, srv.URL+path, nil)
	if resp.StatusCode != 200 || resp.Header.Get("ETag") == "" {
		t.Fatalf("empty feed: %d, ETag %q\n%s", resp.StatusCode, resp.Header.Get("ETag"), body)
	}
	if resp, _ := get(t, srv.URL+path, http.Header{"If-None-Match": {resp.Header.Get("ETag")}}); resp.StatusCode != 304 {
		t.Errorf("empty feed with its ETag: %d, want 304", resp.StatusCode)
	}
}

// TestFeeds_WriteMethods: nothing is ever written to a feed (a page, a
// memento), so a write answers 405 whatever token it carries; a 401 would
// suggest a token helps.
func TestFeeds_WriteMethods(t *testing.T) {
	for _, o := range []struct {
		name string
		opts Options
		auth string
	}{
		{"public", Options{}, ""},
		{"private, no token", Options{AdminToken: "s3cret-admin", ReadToken: "r3ad"}, ""},
		{"private, admin token", Options{AdminToken: "s3cret-admin", ReadToken: "r3ad"}, "Bearer s3cret-admin"},
	} {
		srv, _ := newFeedServer(t, o.opts)
		for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch} {
			for _, path := range []string{"/feeds/events.rss", "/feeds/actors/opp.atom", "/feeds.opml", "/timemap/link/https://x.example/",
				"/posts/x", "/api/search"} {
				req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader("x"))
				if o.auth != "" {
					req.Header.Set("Authorization", o.auth)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, HEAD" {
					t.Errorf("%s: %s %s: %d, Allow %q; want 405, Allow GET, HEAD", o.name, method, path, resp.StatusCode, resp.Header.Get("Allow"))
				}
			}
		}
	}
}

func TestFeeds_OPML(t *testing.T) {
	srv, _ := newTestServer(t, nil)
	resp, body := get(t, srv.URL+"/feeds.opml", nil)
	if resp.StatusCode != 200 || !strings.Contains(body, `xmlUrl="`+srv.URL+`/feeds/actors/opp.rss"`) {
		t.Fatalf("opml: %d\n%s", resp.StatusCode, body)
	}
	for _, want := range []string{"/feeds/events.rss", "/feeds/removals.rss", "/feeds/affiliations/civil_society.rss", "/feeds/platforms/feed.rss", "/feeds/reasons/account_gone.rss"} {
		if !strings.Contains(body, want) {
			t.Errorf("opml lacks %s", want)
		}
	}
}

// TestFeeds_Newsboat has Debian's newsboat read a served feed headless and
// import the OPML list.
func TestFeeds_Newsboat(t *testing.T) {
	newsboat := testtool.Tool(t, "newsboat", "apt-get install newsboat")
	srv, _ := newTestServer(t, nil)
	dir := t.TempDir()
	urls := filepath.Join(dir, "urls")
	if err := os.WriteFile(urls, []byte(srv.URL+"/feeds/events.atom\n"+srv.URL+"/feeds/removals.rss\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) string {
		cmd := exec.Command(newsboat, args...)
		cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_CONFIG_HOME="+dir, "XDG_DATA_HOME="+dir)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("newsboat %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	out := run("-u", urls, "-c", filepath.Join(dir, "cache.db"), "-x", "reload", "print-unread")
	// The removals are events too, with the same ids: newsboat counts each
	// article once.
	if !strings.Contains(out, "6 unread articles") {
		t.Errorf("newsboat: %q, want 6 unread articles", out)
	}
	_, opml := get(t, srv.URL+"/feeds.opml", nil)
	opmlPath := filepath.Join(dir, "feeds.opml")
	os.WriteFile(opmlPath, []byte(opml), 0o644)
	imported := filepath.Join(dir, "imported")
	run("-u", imported, "-c", filepath.Join(dir, "cache2.db"), "-i", opmlPath)
	got, _ := os.ReadFile(imported)
	if !strings.Contains(string(got), srv.URL+"/feeds/actors/gov.rss") || strings.Count(string(got), "\n") < 10 {
		t.Errorf("newsboat imported:\n%s", got)
	}
}

// TestFeeds_RenderedOncePerEvent: a feed is built once per newest event
// and query string, served from memory until an event arrives; saved
// searches, which depend on the index, are built every time.
func TestFeeds_RenderedOncePerEvent(t *testing.T) {
	srv, st := newTestServer(t, fakeSearch{ids: []string{store.PostID("feed", "1")}})
	h := srv.Config.Handler.(*Handler)
	items := func(path string) int {
		t.Helper()
		resp, body := get(t, srv.URL+path, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
		}
		f, err := gofeed.NewParser().ParseString(body)
		if err != nil {
			t.Fatal(err)
		}
		return len(f.Items)
	}
	renders := func(want int64, after string) {
		t.Helper()
		if got := h.feeds.computed.Load(); got != want {
			t.Errorf("after %s: %d feeds rendered, want %d", after, got, want)
		}
	}
	before := items("/feeds/events.rss")
	items("/feeds/events.rss")
	renders(1, "the same feed twice")
	items("/feeds/events.atom")
	if n := items("/feeds/events.rss?limit=2"); n != 2 {
		t.Errorf("limit=2 from a cache holding the full feed: %d items", n)
	}
	renders(3, "another format and another query")

	err := st.Write(t.Context(), func(tx *store.Tx) error {
		return tx.AddEvent(&store.Event{Type: store.EventEdited, At: time.Date(2026, 4, 2, 9, 0, 0, 0, time.UTC),
			PostID: store.PostID("feed", "1"), SourceID: "opp-src", Diff: "-a\n+b\n"})
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := items("/feeds/events.rss"); n != before+1 {
		t.Errorf("after a new event the feed has %d items, want %d", n, before+1)
	}
	renders(4, "a new event")

	items("/feeds/search.rss?q=rally")
	items("/feeds/search.rss?q=rally")
	renders(6, "a saved search twice")
}
