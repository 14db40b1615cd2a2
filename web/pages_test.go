package web

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/archive"
	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/archive/warc"
	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/feeds"
)

const hostileText = `<img src=x onerror=alert(1)> "quoted" & <script>alert(2)</script>`

// evidence is an archive with captures behind its posts, for the pages,
// captures and Memento.
type evidence struct {
	a                 *archive.Archive
	postID, hostileID string
	pageURL           string
	firstCap, goneCap *store.Capture
	srv               *httptest.Server
	t0                time.Time
}

func newEvidence(t *testing.T, o Options) *evidence {
	t.Helper()
	ctx := t.Context()
	a, err := archive.OpenWriter(ctx, archive.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	e := &evidence{a: a, t0: time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC), pageURL: "https://party.example/news/1?lang=en"}
	rec := func(at time.Time, status int, body string) *store.Capture {
		c, err := a.Record(ctx, &warc.Exchange{URL: e.pageURL, StatusCode: status, Date: at,
			Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, Body: []byte(body)}, archive.Meta{Kind: "permalink"})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	e.firstCap = rec(e.t0, 200, "<html><script>alert('archived')</script><p>We call for a rally</p></html>")
	rec(e.t0.Add(time.Hour), 200, "<html><script>alert('archived')</script><p>We call for a rally</p></html>") // a revisit
	e.goneCap = rec(e.t0.Add(3*time.Hour), 404, "gone")
	err = a.Store.Write(ctx, func(tx *store.Tx) error {
		must := func(err error) {
			if err != nil {
				t.Fatal(err)
			}
		}
		must(tx.UpsertActor(store.Actor{ID: "opp", Name: "Opposition <b>Party</b>", Affiliation: "opposition"}))
		must(tx.UpsertSource(store.Source{ID: "opp-site", ActorID: "opp", Platform: "feed", URL: "https://party.example/feed", Schedule: "@hourly", Vantage: "direct"}))
		must(tx.SourceAttempt("opp-site", e.t0, "", fmt.Errorf("token expired <script>")))
		p := &store.Post{Platform: "feed", PlatformID: "1", SourceID: "opp-site", PostURL: e.pageURL, CanonicalURL: e.pageURL, FirstSeen: e.t0, LastSeenLive: e.t0.Add(time.Hour), Published: e.t0}
		must(tx.InsertPost(p))
		v1 := &store.Version{PostID: p.ID, Digest: "a", Text: "We call for a rally", FirstSeen: e.t0, LastSeen: e.t0, CaptureID: e.firstCap.ID}
		must(tx.AddVersion(v1))
		v2 := &store.Version{PostID: p.ID, Digest: "b", Text: "We call for a peaceful rally", FirstSeen: e.t0.Add(time.Hour), LastSeen: e.t0.Add(time.Hour)}
		must(tx.AddVersion(v2))
		must(tx.AddEvent(&store.Event{Type: "new", At: e.t0, PostID: p.ID, SourceID: "opp-site"}))
		must(tx.AddEvent(&store.Event{Type: "edited", At: e.t0.Add(time.Hour), PostID: p.ID, SourceID: "opp-site", Diff: "-We call for a rally\n+We call for a peaceful rally\n"}))
		rm := &store.Event{Type: "removed", At: e.t0.Add(4 * time.Hour), PostID: p.ID, SourceID: "opp-site", Reason: "deleted", Detail: "404",
			LastSeenLive: e.t0.Add(time.Hour), FirstSeenMissing: e.t0.Add(3 * time.Hour), Evidence: []int64{e.goneCap.ID}}
		must(tx.AddEvent(rm))
		p.CurrentVersion, p.State, p.Reason, p.Detail, p.FirstSeenMissing, p.RemovalEvent = v2.ID, "removed", "deleted", "404", e.t0.Add(3*time.Hour), rm.ID
		must(tx.UpdatePost(p))
		e.postID = p.ID
		h := &store.Post{Platform: "feed", PlatformID: "2", SourceID: "opp-site", PostURL: "javascript:alert(3)", CanonicalURL: "x", FirstSeen: e.t0, LastSeenLive: e.t0}
		must(tx.InsertPost(h))
		hv := &store.Version{PostID: h.ID, Digest: "h", Text: hostileText, Title: hostileText, FirstSeen: e.t0, LastSeen: e.t0}
		must(tx.AddVersion(hv))
		h.CurrentVersion = hv.ID
		must(tx.UpdatePost(h))
		must(tx.AddEvent(&store.Event{Type: "new", At: e.t0, PostID: h.ID, SourceID: "opp-site"}))
		e.hostileID = h.ID
		must(tx.AddMetrics("opp-site", e.t0, 0, []store.MetricValue{{Name: "followers", Value: 100}}))
		return tx.AddMetrics("opp-site", e.t0.Add(time.Hour), 0, []store.MetricValue{{Name: "followers", Value: 150}})
	})
	if err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(nil)
	t.Cleanup(e.srv.Close)
	o.Store, o.WARCDir, o.Site = a.Store, a.WARCDir(), feeds.Site{BaseURL: e.srv.URL}
	e.srv.Config.Handler = New(o)
	return e
}

// rawGet sends a request line exactly as given (no client-side cleaning
// of "//" or dot segments) and returns the response.
func rawGet(t *testing.T, srv *httptest.Server, target string, header http.Header) (*http.Response, string) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n", target, strings.TrimPrefix(srv.URL, "http://"))
	for k, vs := range header {
		for _, v := range vs {
			fmt.Fprintf(conn, "%s: %s\r\n", k, v)
		}
	}
	fmt.Fprint(conn, "\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

func TestRoutes(t *testing.T) {
	e := newEvidence(t, Options{Search: fakeSearch{ids: []string{}}})
	e2 := e
	ids := map[string]string{"{post}": e.postID, "{hostile}": e.hostileID, "{cap}": fmt.Sprint(e.firstCap.ID), "{gone}": fmt.Sprint(e.goneCap.ID)}
	tests := []struct {
		path   string
		status int
		ctype  string
		want   string
	}{
		{"/", 200, "text/html; charset=utf-8", "Latest changes"},
		{"/?q=rally&state=removed", 200, "text/html; charset=utf-8", "result"},
		{"/?state=bogus", 400, "text/html; charset=utf-8", "state: unknown value"},
		{"/?q=invalid((", 400, "text/html; charset=utf-8", "cannot parse"},
		{"/?since=yesterday", 400, "text/html; charset=utf-8", "since"},
		{"/?q=x&since=2026-02-01&until=2026-02-01", 400, "text/html; charset=utf-8", "since: must be before until"},
		{"/?q=x&actor=opp", 200, "text/html; charset=utf-8", "result"},
		{"/?q=x&actor=nobody", 400, "text/html; charset=utf-8", "actor: no actor &#34;nobody&#34; in the archive"},
		{"/api/search?q=x&actor=nobody", 400, "application/json; charset=utf-8", `actor: no actor \"nobody\" in the archive`},
		{"/api/search?q=x&removed_since=2026-03-01&removed_until=2026-02-01", 400, "application/json; charset=utf-8", "removed_since: must be before removed_until"},
		{"/?offset=-1&q=x", 400, "text/html; charset=utf-8", "offset"},
		{"/posts/{post}", 200, "text/html; charset=utf-8", "peaceful"},
		// the actor's name isolated: a bidi control in it cannot reorder the badge beside it
		{"/posts/{post}", 200, "text/html; charset=utf-8", "<h1><bdi>Opposition &lt;b&gt;Party&lt;/b&gt;</bdi> <span class=\"badge"},
		{"/posts/nope", 404, "text/html; charset=utf-8", "No post"},
		{"/posts/{hostile}", 200, "text/html; charset=utf-8", "&lt;img src=x onerror=alert(1)&gt;"},
		{"/actors/opp", 200, "text/html; charset=utf-8", "Removals by reason"},
		{"/actors/nope", 404, "text/html; charset=utf-8", "No actor"},
		{"/actors/opp/metrics.svg", 200, "image/svg+xml", "<svg"},
		{"/actors/nope/metrics.svg", 404, "", ""},
		{"/sources", 200, "text/html; charset=utf-8", "token expired &lt;script&gt;"},
		{"/reports", 200, "text/html; charset=utf-8", "No reports."},
		{"/reports?never_archived=1", 200, "text/html; charset=utf-8", "No reports naming a URL never archived."},
		{"/reports?offset=-1", 400, "text/html; charset=utf-8", "offset"},
		{"/reports?offset=x", 400, "text/html; charset=utf-8", "offset"},
		{"/api/posts/{post}", 200, "application/json; charset=utf-8", `"state":"removed"`},
		{"/api/posts/nope", 404, "application/json; charset=utf-8", `"error"`},
		{"/api/events", 200, "application/json; charset=utf-8", `"type":"new"`},
		{"/api/events?after=2&limit=1", 200, "application/json; charset=utf-8", `"id":"3"`},
		{"/api/events?after=abc", 400, "application/json; charset=utf-8", "after"},
		{"/api/events?limit=0", 400, "application/json; charset=utf-8", "limit"},
		{"/api/events?limit=9999", 400, "application/json; charset=utf-8", "limit"},
		{"/api/actors", 200, "application/json; charset=utf-8", `"deleted":1`},
		{"/api/sources", 200, "application/json; charset=utf-8", `"consecutive_failures":1`},
		{"/api/search?q=rally", 200, "application/json; charset=utf-8", `"total":0`},
		{"/api/search?limit=999", 400, "application/json; charset=utf-8", "limit"},
		{"/api/search?sort=sideways", 400, "application/json; charset=utf-8", "sort"},
		{"/captures/{cap}", 200, "text/plain; charset=utf-8", "We call for a rally"},
		{"/captures/{cap}?download=1", 200, "application/octet-stream", "<script>"},
		{"/captures/{cap}.warc", 200, "application/warc", ""},
		{"/captures/abc", 404, "application/json; charset=utf-8", ""},
		{"/captures/99999", 404, "application/json; charset=utf-8", ""},
		{"/captures/{cap}.zip", 404, "application/json; charset=utf-8", ""},
		{"/metrics", 200, "text/plain; version=0.0.4; charset=utf-8; escaping=underscores", "takedownwatch_archive_up 1"},
		{"/static/style.css", 200, "text/css; charset=utf-8", "badge"},
		{"/no/such/page", 404, "", ""},
		{"/feeds/removals.atom", 200, "application/atom+xml; charset=utf-8", "Removed — deleted"},
	}
	for _, tt := range tests {
		path := tt.path
		for k, v := range ids {
			path = strings.ReplaceAll(path, k, v)
		}
		t.Run(path, func(t *testing.T) {
			resp, body := rawGet(t, e2.srv, path, nil)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d\n%s", resp.StatusCode, tt.status, body)
			}
			if tt.ctype != "" && resp.Header.Get("Content-Type") != tt.ctype {
				t.Errorf("Content-Type %q, want %q", resp.Header.Get("Content-Type"), tt.ctype)
			}
			if !strings.Contains(body, tt.want) {
				t.Errorf("body lacks %q:\n%.2000s", tt.want, body)
			}
			for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"} {
				if resp.Header.Get(h) == "" {
					t.Errorf("no %s header", h)
				}
			}
		})
	}
}

func TestPages_NothingArchivedRunsInOurOrigin(t *testing.T) {
	e := newEvidence(t, Options{})
	_, body := rawGet(t, e.srv, "/posts/"+e.hostileID, nil)
	for _, bad := range []string{"<img src=x", "<script>alert", `href="javascript:`} {
		if strings.Contains(body, bad) {
			t.Errorf("post page carries %q", bad)
		}
	}
	for _, path := range []string{fmt.Sprintf("/captures/%d", e.firstCap.ID), "/memento/" + e.firstCap.At.Format(mementoStamp) + "/" + e.pageURL} {
		resp, _ := rawGet(t, e.srv, path, nil)
		if !strings.HasPrefix(resp.Header.Get("Content-Security-Policy"), "sandbox") {
			t.Errorf("%s served without a sandbox CSP: %q", path, resp.Header.Get("Content-Security-Policy"))
		}
	}
}

func TestAuth(t *testing.T) {
	tests := []struct {
		name        string
		admin, read string
		method      string
		path        string
		auth        string
		want        int
	}{
		{"write without admin token configured", "", "", http.MethodPost, "/api/reports", "Bearer anything", 401},
		{"write without token", "s3cret-admin", "", http.MethodPost, "/api/reports", "", 401},
		{"write with wrong token", "s3cret-admin", "", http.MethodPost, "/api/reports", "Bearer wrong", 401},
		{"write with the token, no sink", "s3cret-admin", "", http.MethodPost, "/api/reports", "Bearer s3cret-admin", 503},
		{"public read", "s3cret-admin", "", http.MethodGet, "/api/events", "", 200},
		{"private read without token", "s3cret-admin", "r3ad", http.MethodGet, "/api/events", "", 401},
		{"private read with token", "s3cret-admin", "r3ad", http.MethodGet, "/api/events", "Bearer r3ad", 200},
		{"private read with admin token", "s3cret-admin", "r3ad", http.MethodGet, "/feeds/events.rss", "Bearer s3cret-admin", 200},
		{"private health stays open", "s3cret-admin", "r3ad", http.MethodGet, "/healthz", "", 200},
		{"private memento", "", "r3ad", http.MethodGet, "/timemap/link/https://x.example/", "", 401},
		{"private read with the read token as basic password", "s3cret-admin", "r3ad", http.MethodGet, "/feeds/events.rss", basic("reader", "r3ad"), 200},
		{"private page with the read token as basic password", "s3cret-admin", "r3ad", http.MethodGet, "/api/events", basic("", "r3ad"), 200},
		{"private read with a wrong basic password", "s3cret-admin", "r3ad", http.MethodGet, "/feeds/events.rss", basic("reader", "wrong"), 401},
		{"admin token never as basic password", "s3cret-admin", "r3ad", http.MethodGet, "/feeds/events.rss", basic("reader", "s3cret-admin"), 401},
		{"write with the admin token as basic password", "s3cret-admin", "", http.MethodPost, "/api/reports", basic("admin", "s3cret-admin"), 401},
		{"write with the read token as basic password", "s3cret-admin", "r3ad", http.MethodPost, "/api/reports", basic("reader", "r3ad"), 401},
		{"write to a feed", "s3cret-admin", "r3ad", http.MethodPost, "/feeds/events.rss", "", 405},
		{"write to a feed with the admin token", "s3cret-admin", "", http.MethodDelete, "/feeds.opml", "Bearer s3cret-admin", 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEvidence(t, Options{AdminToken: config.Secret(tt.admin), ReadToken: config.Secret(tt.read)})
			req, _ := http.NewRequest(tt.method, e.srv.URL+tt.path, strings.NewReader(`{"reporter":"x"}`))
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.want)
			}
		})
	}
}

var linkRE = regexp.MustCompile(`<([^>]+)>; rel="([^"]+)"(?:; type="[^"]+")?(?:; (?:datetime|from)="([^"]+)")?`)

// TestMemento_Walk goes TimeMap → TimeGate → memento with the raw
// original URL in the path, as RFC 7089 clients do.
func TestMemento_Walk(t *testing.T) {
	e := newEvidence(t, Options{})
	resp, body := rawGet(t, e.srv, "/timemap/link/"+e.pageURL, nil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/link-format" {
		t.Fatalf("timemap: %d %s\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	var mementos []string
	rels := map[string]string{}
	for _, m := range linkRE.FindAllStringSubmatch(body, -1) {
		rels[m[2]] = m[1]
		if strings.Contains(m[2], "memento") {
			mementos = append(mementos, m[1])
			if _, err := http.ParseTime(m[3]); err != nil {
				t.Errorf("memento datetime %q: %v", m[3], err)
			}
		}
	}
	if rels["original"] != e.pageURL || rels["timegate"] != e.srv.URL+"/timegate/"+e.pageURL || rels["self"] == "" {
		t.Errorf("timemap links %v", rels)
	}
	if len(mementos) != 3 {
		t.Fatalf("%d mementos, want one per capture (3, the revisit included):\n%s", len(mementos), body)
	}
	if _, ok := rels["first memento"]; !ok {
		t.Errorf("no first memento: %v", rels)
	}

	// Just after the first capture: the gate sends to the first memento.
	resp, _ = rawGet(t, e.srv, "/timegate/"+e.pageURL, http.Header{"Accept-Datetime": {httpDate(e.t0.Add(10 * time.Minute))}})
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Vary") != "accept-datetime" {
		t.Fatalf("timegate: %d vary %q", resp.StatusCode, resp.Header.Get("Vary"))
	}
	loc := resp.Header.Get("Location")
	if loc != mementos[0] {
		t.Errorf("timegate went to %s, want %s", loc, mementos[0])
	}
	if !strings.Contains(resp.Header.Get("Link"), `rel="original"`) || !strings.Contains(resp.Header.Get("Link"), `rel="timemap"`) {
		t.Errorf("timegate Link %q", resp.Header.Get("Link"))
	}
	resp, body = rawGet(t, e.srv, strings.TrimPrefix(loc, e.srv.URL), nil)
	if resp.StatusCode != 200 || !strings.Contains(body, "We call for a rally") {
		t.Fatalf("memento: %d %s", resp.StatusCode, body)
	}
	if md, err := http.ParseTime(resp.Header.Get("Memento-Datetime")); err != nil || !md.Equal(e.t0) {
		t.Errorf("Memento-Datetime %q", resp.Header.Get("Memento-Datetime"))
	}
	link := resp.Header.Get("Link")
	for _, rel := range []string{`rel="original"`, `rel="timegate"`, `rel="timemap"`} {
		if !strings.Contains(link, rel) {
			t.Errorf("memento Link %q lacks %s", link, rel)
		}
	}
	// The revisit's memento serves the payload it stands for.
	resp, body = rawGet(t, e.srv, strings.TrimPrefix(mementos[1], e.srv.URL), nil)
	if resp.StatusCode != 200 || !strings.Contains(body, "We call for a rally") {
		t.Errorf("revisit memento: %d %q", resp.StatusCode, body)
	}
	// The last one is the archived 404, served as such.
	resp, _ = rawGet(t, e.srv, strings.TrimPrefix(mementos[2], e.srv.URL), nil)
	if resp.StatusCode != 404 || resp.Header.Get("Memento-Datetime") == "" {
		t.Errorf("404 memento: %d", resp.StatusCode)
	}

	for _, tt := range []struct {
		target string
		header http.Header
		want   int
	}{
		{"/timegate/" + e.pageURL, http.Header{"Accept-Datetime": {"last tuesday"}}, 400},
		{"/timegate/javascript:alert(1)", nil, 400},
		{"/timegate/https://never.example/archived", nil, 404},
		{"/timemap/link/not-a-url", nil, 400},
		{"/memento/2026/" + e.pageURL, nil, 400},
		{"/memento/" + e.t0.Add(time.Minute).Format(mementoStamp) + "/" + e.pageURL, nil, 302},
		{"/timegate/https%3A%2F%2Fparty.example%2Fnews%2F1%3Flang%3Den", nil, 302},
	} {
		resp, body := rawGet(t, e.srv, tt.target, tt.header)
		if resp.StatusCode != tt.want {
			t.Errorf("%s: %d, want %d: %s", tt.target, resp.StatusCode, tt.want, body)
		}
		if loc := resp.Header.Get("Location"); loc != "" && !strings.HasPrefix(loc, e.srv.URL+"/memento/") {
			t.Errorf("%s redirects outside the archive: %s", tt.target, loc)
		}
	}
}

// countingSink records what reached it.
type countingSink struct{ calls int }

func (c *countingSink) PostReports(context.Context, []byte) (any, error) {
	c.calls++
	return map[string]int{"stored": 1}, nil
}

func TestAPIReports_NothingStoredWithoutTheToken(t *testing.T) {
	sink := &countingSink{}
	e := newEvidence(t, Options{AdminToken: config.Secret("s3cret-admin"), Reports: sink})
	for _, auth := range []string{"", "Bearer wrong", "Basic czNjcmV0LWFkbWlu", "Bearer s3cret-admin "} {
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/api/reports", strings.NewReader(`{"reporter":"x"}`))
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		wantOK := auth == "Bearer s3cret-admin " // surrounding spaces are not part of a token
		if wantOK && resp.StatusCode != http.StatusCreated || !wantOK && resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("auth %q: status %d", auth, resp.StatusCode)
		}
	}
	if sink.calls != 1 {
		t.Errorf("the sink was reached %d times, want once (the right token only)", sink.calls)
	}
}

// What an outdated index leaves out is said above the results, escaped;
// a current one says nothing.
func TestSearchPage_Notice(t *testing.T) {
	const notice = "The search index was made before <Thai> was indexed"
	srv, _ := newTestServer(t, fakeSearch{ids: []string{store.PostID("feed", "1")}, notice: notice})
	_, body := get(t, srv.URL+"/?q=rally", nil)
	if !strings.Contains(body, `<p class="error">The search index was made before &lt;Thai&gt; was indexed</p>`) {
		t.Errorf("no escaped notice above the results:\n%s", body)
	}
	_, body = get(t, srv.URL+"/api/search?q=rally", nil)
	var res struct {
		Total  int    `json:"total"`
		Notice string `json:"notice"`
	}
	if err := json.Unmarshal([]byte(body), &res); err != nil {
		t.Fatalf("/api/search: %v\n%s", err, body)
	}
	if res.Notice != notice || res.Total != 1 {
		t.Errorf("/api/search: notice %q, total %d; want %q, 1", res.Notice, res.Total, notice)
	}

	srv, _ = newTestServer(t, fakeSearch{ids: []string{store.PostID("feed", "1")}})
	if _, body := get(t, srv.URL+"/?q=rally", nil); strings.Contains(body, `class="error"`) {
		t.Errorf("a notice without one:\n%s", body)
	}
	if _, body := get(t, srv.URL+"/api/search?q=rally", nil); strings.Contains(body, `"notice"`) {
		t.Errorf("/api/search: a notice without one:\n%s", body)
	}
}

// A Khmer word that found nothing links the same word with *, keeping the
// page's filters, and says how many posts that finds; a search that found
// something, or whose wider word finds nothing, says nothing of it.
func TestSearchPage_Wider(t *testing.T) {
	srv, _ := newTestServer(t, fakeSearch{wider: "រដ្ឋ*", widerN: 2})
	_, body := get(t, srv.URL+"/?q="+url.QueryEscape("រដ្ឋ")+"&state=removed&offset=20", nil)
	want := `<a href="/?q=` + url.QueryEscape("រដ្ឋ*") + `&amp;state=removed">រដ្ឋ*</a> finds 2 posts.`
	if !strings.Contains(body, want) {
		t.Errorf("no link to the wider word (%s):\n%s", want, body)
	}
	// a client that reads JSON learns it too
	_, body = get(t, srv.URL+"/api/search?q="+url.QueryEscape("រដ្ឋ"), nil)
	var res struct {
		Total uint64
		Wider *struct {
			Q     string
			Total uint64
		}
	}
	if err := json.Unmarshal([]byte(body), &res); err != nil {
		t.Fatalf("/api/search: %v\n%s", err, body)
	}
	if res.Total != 0 || res.Wider == nil || res.Wider.Q != "រដ្ឋ*" || res.Wider.Total != 2 {
		t.Errorf("/api/search: want total 0 and wider {រដ្ឋ* 2}:\n%s", body)
	}
	for _, s := range []Searcher{fakeSearch{ids: []string{store.PostID("feed", "1")}, wider: "រដ្ឋ*", widerN: 2}, fakeSearch{}} {
		srv, _ := newTestServer(t, s)
		if _, body := get(t, srv.URL+"/?q="+url.QueryEscape("រដ្ឋ"), nil); strings.Contains(body, `class="wider"`) {
			t.Errorf("a wider word where there is none to offer:\n%s", body)
		}
		if _, body := get(t, srv.URL+"/api/search?q="+url.QueryEscape("រដ្ឋ"), nil); strings.Contains(body, `"wider"`) {
			t.Errorf("/api/search: a wider word where there is none to offer:\n%s", body)
		}
	}
}

// A query whose wildcard found nothing says why, on the page (escaped)
// and in JSON.
func TestSearchPage_Hint(t *testing.T) {
	srv, _ := newTestServer(t, fakeSearch{hint: "mini?ter is matched against <stems>: try mini*"})
	_, body := get(t, srv.URL+"/?q="+url.QueryEscape("mini?ter"), nil)
	if want := `<p class="wider">mini?ter is matched against &lt;stems&gt;: try mini*.</p>`; !strings.Contains(body, want) {
		t.Errorf("no hint %s:\n%s", want, body)
	}
	_, body = get(t, srv.URL+"/api/search?q="+url.QueryEscape("mini?ter"), nil)
	var res struct{ Hint string }
	if err := json.Unmarshal([]byte(body), &res); err != nil || res.Hint != "mini?ter is matched against <stems>: try mini*" {
		t.Errorf("/api/search: hint %q (%v):\n%s", res.Hint, err, body)
	}
}

// Each hit of /api/search carries its post's URL, looked up for the whole
// page at once; a hit whose post the store lacks has none.
func TestAPISearch_PostURLs(t *testing.T) {
	ids := []string{store.PostID("feed", "3"), "p-missing", store.PostID("feed", "1")}
	srv, _ := newTestServer(t, fakeSearch{ids: ids})
	_, body := get(t, srv.URL+"/api/search?q=rally", nil)
	var res struct {
		Hits []struct {
			PostID  string `json:"post_id"`
			PostURL string `json:"post_url"`
		} `json:"hits"`
	}
	if err := json.Unmarshal([]byte(body), &res); err != nil {
		t.Fatalf("/api/search: %v\n%s", err, body)
	}
	want := []string{"https://x/3", "", "https://x/1"}
	if len(res.Hits) != len(want) {
		t.Fatalf("%d hits, want %d:\n%s", len(res.Hits), len(want), body)
	}
	for i, h := range res.Hits {
		if h.PostID != ids[i] || h.PostURL != want[i] {
			t.Errorf("hit %d: %s %q, want %s %q", i, h.PostID, h.PostURL, ids[i], want[i])
		}
	}
}
