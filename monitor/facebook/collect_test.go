package facebook

import (
	"context"
	"encoding/csv"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/fetchtest"
	"github.com/takedownwatch/takedownwatch/internal/sandbox"
	"github.com/takedownwatch/takedownwatch/internal/sandbox/sandboxtest"
	"github.com/takedownwatch/takedownwatch/internal/testtool"
	"github.com/takedownwatch/takedownwatch/monitor"
	"github.com/takedownwatch/takedownwatch/monitor/normalize"
)

func collect(t *testing.T, c *Client, f monitor.Fetcher, src *config.Source, opt monitor.CollectOptions) *monitor.Listing {
	t.Helper()
	l, err := c.Collect(t.Context(), src, f, opt)
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	return l
}

func TestClient_Collect(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	a := sb.AddAccount(0, "gov")
	a.SetMetric("likes", 407137)
	a.SetMetric("followers", 512000)
	a.SetMedia("photo.jpg", 1234, "image/jpeg")
	published := time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC)
	posts := []struct {
		post      sandbox.Post
		wantText  string
		wantMedia func() []string
	}{
		{sandbox.Post{ID: "statement", Published: published, Title: "not shown by Facebook",
			HTML:  `<p>Tom &amp; Jerry <b>said</b></p><script>alert("x")</script><p>twice</p>`,
			Media: []string{"photo.jpg", "https://cdn.example/v.mp4", "photo.jpg"}},
			"Tom & Jerry said\ntwice", func() []string { return []string{a.MediaURL("photo.jpg"), "https://cdn.example/v.mp4"} }},
		{sandbox.Post{ID: "khmer", Published: published.Add(time.Hour), HTML: "<p>ចាប់ដៃរួមគ្នា\u200bធ្វើកិច្ច&nbsp;&nbsp;ធំមួយ</p>"},
			"ចាប់ដៃរួមគ្នា\u200bធ្វើកិច្ច ធំមួយ", nil},
		{sandbox.Post{ID: "photo-only", Published: published.Add(2 * time.Hour), Media: []string{"photo.jpg"}},
			"", func() []string { return []string{a.MediaURL("photo.jpg")} }},
	}
	for _, p := range posts {
		a.Publish(p.post)
	}
	f := fetchtest.New(t)
	c := New()
	l := collect(t, c, f, source(a), monitor.CollectOptions{})
	if len(l.Items) != len(posts) || len(l.Captures) != 2 || l.NotModified || l.Cursor != a.FacebookPageID() {
		t.Fatalf("listing: %d items, captures %v, cursor %q; want %d items, 2 captures, cursor %s",
			len(l.Items), l.Captures, l.Cursor, len(posts), a.FacebookPageID())
	}
	if got := f.Kinds(); !slices.Equal(got, []string{monitor.KindAccount, monitor.KindListing}) {
		t.Errorf("request kinds %v", got)
	}
	wantMetrics := []monitor.Metric{{Name: "followers", Value: 512000}, {Name: "likes", Value: 407137}}
	if !slices.Equal(l.Metrics, wantMetrics) {
		t.Errorf("metrics %v, want %v", l.Metrics, wantMetrics)
	}
	for i, p := range posts {
		it := l.Items[len(posts)-1-i] // newest first
		var wantMedia []string
		if p.wantMedia != nil {
			wantMedia = p.wantMedia()
		}
		if it.PlatformID != a.FacebookPostID(p.post.ID) || it.URL != a.FacebookPostURL(p.post.ID) ||
			!it.Published.Equal(p.post.Published) || it.Title != "" || it.Text != p.wantText || !slices.Equal(it.Media, wantMedia) {
			t.Errorf("post %s:\n got %+v\nwant id %s, url %s, published %v, text %q, media %v", p.post.ID, it,
				a.FacebookPostID(p.post.ID), a.FacebookPostURL(p.post.ID), p.post.Published, p.wantText, wantMedia)
		}
		if it.Text != normalize.Plain(it.Text) {
			t.Errorf("post %s: text is not normalized", p.post.ID)
		}
	}
	// The token went in a header, never in a URL.
	for _, r := range f.Requests() {
		if leaks(r.URL) || r.Header.Get("Authorization") != "Bearer "+testToken {
			t.Errorf("request %s, Authorization %q", r.URL, r.Header.Get("Authorization"))
		}
	}

	// With the id kept, the Page is read by id.
	f2 := fetchtest.New(t)
	l2 := collect(t, c, f2, source(a), monitor.CollectOptions{Cursor: l.Cursor})
	if len(l2.Items) != len(posts) || !strings.Contains(f2.URLs()[0], "/graph/v19.0/"+a.FacebookPageID()+"?") {
		t.Errorf("collection by kept id: %d items, requests %v", len(l2.Items), f2.URLs())
	}
}

func TestClient_Collect_Edits(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	a := sb.AddAccount(0, "bob")
	id := a.Publish(sandbox.Post{HTML: "<p>We will hold elections in May.</p>"})
	a.Publish(sandbox.Post{HTML: "<p>Unrelated.</p>"})
	f, src, c := fetchtest.New(t), source(a), New()
	digest := func() string {
		t.Helper()
		for _, it := range collect(t, c, f, src, monitor.CollectOptions{}).Items {
			if it.PlatformID == a.FacebookPostID(id) {
				return normalize.Digest(it.Text)
			}
		}
		t.Fatalf("post %s not listed", id)
		return ""
	}
	prev := digest()
	for _, s := range []struct {
		html    string
		newText bool
	}{
		{"<p>We will hold <b>elections</b> in May.</p>", false},
		{"<div>  We will hold elections\n\n in&nbsp;May.<br></div>", false},
		{"<p>We will not hold elections in May.</p>", true},
	} {
		a.Edit(id, s.html)
		if got := digest(); (got != prev) != s.newText {
			t.Errorf("edit to %q: digest changed = %v, want %v", s.html, got != prev, s.newText)
		}
		prev = digest()
	}
}

// TestClient_Collect_Paging reads a backfill across pages, through the
// empty page Graph sends past the end, and counts only pages with posts.
func TestClient_Collect_Paging(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	a := sb.AddAccount(0, "gov")
	a.SetListingLimit(0)
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 250 {
		a.Publish(sandbox.Post{HTML: "<p>post</p>", Published: start.Add(time.Duration(i) * time.Minute)})
	}
	tests := []struct {
		pages, items, requests int
	}{
		{1, 100, 2},
		{2, 200, 3},
		{3, 250, 4},
		// Past the end: the empty page with next, then the one without.
		{9, 250, 6},
	}
	for _, tc := range tests {
		f := fetchtest.New(t)
		l := collect(t, New(), f, source(a), monitor.CollectOptions{Pages: tc.pages})
		if len(l.Items) != tc.items || len(f.URLs()) != tc.requests {
			t.Errorf("%d pages: %d items in %d requests, want %d in %d", tc.pages, len(l.Items), len(f.URLs()), tc.items, tc.requests)
		}
		for _, u := range f.URLs() {
			if leaks(u) {
				t.Errorf("followed %s with the token in it", u)
			}
		}
	}

	// An empty listing is Graph's empty page with next: followed, and
	// without posts in the end.
	a.EmptyListing(true)
	f := fetchtest.New(t)
	if l := collect(t, New(), f, source(a), monitor.CollectOptions{}); len(l.Items) != 0 || len(f.URLs()) != 3 {
		t.Errorf("empty listing: %d items in %d requests, want 0 in 3", len(l.Items), len(f.URLs()))
	}
}

// TestClient_Collect_Paging_Routes follows Graph's paging links as real
// answers write them: empty pages in the middle, a foreign origin, the
// token inside.
func TestClient_Collect_Paging_Routes(t *testing.T) {
	const base = "https://graph.example/v19.0"
	src := &config.Source{ID: "gov", URL: "https://www.facebook.com/gov", APIBase: base, Token: testToken}
	first := base + "/1/posts?fields=" + url.QueryEscape(postFields) + "&limit=100"
	post := func(id string) string {
		return `{"id":"1_` + id + `","message":"m` + id + `","created_time":"2026-01-01T00:00:0` + id + `+0000","permalink_url":"https://www.facebook.com/gov/posts/` + id + `"}`
	}
	r := routes(map[string]answer{
		base + "/gov?fields=" + url.QueryEscape(pageFields): {Code: 200, Body: `{"id":"1","username":"gov"}`},
		first:                     {Code: 200, Body: `{"data":[` + post("1") + `],"paging":{"next":"` + base + `/1/posts?access_token=` + testToken + `&after=A"}}`},
		base + "/1/posts?after=A": {Code: 200, Body: `{"data":[],"paging":{"cursors":{"after":"B"},"next":"` + base + `/1/posts?after=B&appsecret_proof=x"}}`},
		base + "/1/posts?after=B": {Code: 200, Body: `{"data":[` + post("2") + `,` + post("1") + `],"paging":{"next":"https://evil.example/v19.0/1/posts?after=C"}}`},
	})
	l := collect(t, New(), r, src, monitor.CollectOptions{Pages: 5})
	var ids []string
	for _, it := range l.Items {
		ids = append(ids, it.PlatformID)
	}
	if !slices.Equal(ids, []string{"1_1", "1_2"}) || len(r.URLs()) != 4 || len(l.Captures) != 4 {
		t.Errorf("items %v from %v", ids, r.URLs())
	}
	for _, u := range r.URLs() {
		if leaks(u) || strings.Contains(u, "evil") || strings.Contains(u, "appsecret_proof") {
			t.Errorf("fetched %s", u)
		}
	}

	// Empty pages with next forever: bounded.
	loop := routes(map[string]answer{
		base + "/gov?fields=" + url.QueryEscape(pageFields): {Code: 200, Body: `{"id":"1","username":"gov"}`},
		first:                     {Code: 200, Body: `{"data":[],"paging":{"next":"` + base + `/1/posts?after=A"}}`},
		base + "/1/posts?after=A": {Code: 200, Body: `{"data":[],"paging":{"next":"` + base + `/1/posts?after=A"}}`},
	})
	if l := collect(t, New(), loop, src, monitor.CollectOptions{Pages: 100}); len(l.Items) != 0 || len(loop.URLs()) != 2+maxEmptyPages {
		t.Errorf("endless empty pages: %d items in %d requests", len(l.Items), len(loop.URLs()))
	}
}

func TestClient_Collect_Errors(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	a := sb.AddAccount(0, "gov")
	a.Publish(sandbox.Post{HTML: "<p>x</p>"})
	errOf := func(t *testing.T, src *config.Source, opt monitor.CollectOptions) error {
		t.Helper()
		l, err := New().Collect(t.Context(), src, fetchtest.New(t), opt)
		if err == nil {
			t.Fatalf("listing %+v, want an error", l)
		}
		if leaks(err.Error()) {
			t.Errorf("error holds the token: %v", err)
		}
		return err
	}
	t.Run("no token", func(t *testing.T) {
		if err := errOf(t, noToken(source(a)), monitor.CollectOptions{}); !errors.Is(err, ErrNoToken) ||
			err.Error() != "facebook: no token: set token_env, or follow the page through a feed bridge (see README)" {
			t.Errorf("%v", err)
		}
	})
	t.Run("expired token", func(t *testing.T) {
		sb.SetGraphToken("another-token")
		defer sb.SetGraphToken("")
		err := errOf(t, source(a), monitor.CollectOptions{})
		var ge *GraphError
		if !errors.As(err, &ge) || !ge.Paused() || !strings.Contains(err.Error(), "token expired or invalidated (code 190): Error validating access token: Session has expired on") {
			t.Errorf("%v", err)
		}
		if _, ok := accountGone(err); ok {
			t.Errorf("a bad token is an account answer: %v", err)
		}
	})
	t.Run("rate limited", func(t *testing.T) {
		sb.FailGraph(1, 4)
		err := errOf(t, source(a), monitor.CollectOptions{})
		if !strings.Contains(err.Error(), "facebook: source gov-fb: page gov: rate limited (code 4): (#4) Application request limit reached") {
			t.Errorf("%v", err)
		}
	})
	t.Run("usage at 100", func(t *testing.T) {
		sb.SetGraphUsage(100, 0)
		defer sb.SetGraphUsage(1, 0)
		f := fetchtest.New(t)
		_, err := New().Collect(t.Context(), source(a), f, monitor.CollectOptions{})
		if err == nil || !strings.Contains(err.Error(), "rate limited: a usage header is at 100%") || len(f.URLs()) != 1 {
			t.Errorf("%v after %v", err, f.URLs())
		}
	})
	t.Run("5xx", func(t *testing.T) {
		a.FailNext(1, sandbox.Status(503))
		err := errOf(t, source(a), monitor.CollectOptions{})
		var ge *GraphError
		if !errors.As(err, &ge) || ge.kind() != kindTransient {
			t.Errorf("%v", err)
		}
		if _, ok := accountGone(err); ok {
			t.Errorf("a 503 is an account answer: %v", err)
		}
	})
	t.Run("malformed", func(t *testing.T) {
		a.FailNext(2, sandbox.Malformed())
		var pe *monitor.ParseError
		if err := errOf(t, source(a), monitor.CollectOptions{}); !errors.As(err, &pe) || pe.CaptureID == 0 {
			t.Errorf("%v", err)
		}
	})
	t.Run("unknown page", func(t *testing.T) {
		src := source(a)
		src.URL = strings.Replace(src.URL, "/gov", "/nobody", 1)
		err := errOf(t, src, monitor.CollectOptions{})
		if d, ok := accountGone(err); !ok || !strings.HasPrefix(d, "code 803: (#803) Some of the aliases you requested do not exist: nobody") {
			t.Errorf("%v", err)
		}
	})
	t.Run("bad url", func(t *testing.T) {
		src := source(a)
		src.URL = "https://www.facebook.com/groups/123"
		if err := errOf(t, src, monitor.CollectOptions{}); !strings.Contains(err.Error(), "a groups URL, not a Page") {
			t.Errorf("%v", err)
		}
	})
	t.Run("suspended", func(t *testing.T) {
		b := sb.AddAccount(0, "opp")
		b.Suspend()
		for _, cursor := range []string{"", b.FacebookPageID()} {
			err := errOf(t, source(b), monitor.CollectOptions{Cursor: cursor})
			if d, ok := accountGone(err); !ok || !strings.HasPrefix(d, "code 100/33: Unsupported get request. Object with ID 'opp' does not exist") {
				t.Errorf("cursor %q: %v", cursor, err)
			}
		}
	})
}

// accountGone is the detail of an account-level removal-class answer in
// err, as the pipeline reads it.
func accountGone(err error) (string, bool) {
	var ag *monitor.AccountGoneError
	if errors.As(err, &ag) {
		return ag.Detail, true
	}
	var se *monitor.StatusError
	if errors.As(err, &se) && (se.StatusCode == 404 || se.StatusCode == 410) {
		return se.Error(), true
	}
	return "", false
}

func TestClient_Collect_Answers(t *testing.T) {
	const base = "https://graph.example/v19.0"
	src := &config.Source{ID: "gov", URL: "https://www.facebook.com/gov", APIBase: base + "/", Token: testToken}
	pageURL := base + "/gov?fields=" + url.QueryEscape(pageFields)
	postsURL := base + "/1/posts?fields=" + url.QueryEscape(postFields) + "&limit=100"
	tests := []struct {
		name    string
		page    answer
		posts   answer
		check   func(t *testing.T, l *monitor.Listing, err error)
		wantReq int
	}{
		{"404 without a Graph error is no account answer", answer{Code: 404, Body: "<html>Not Found</html>"}, answer{},
			func(t *testing.T, l *monitor.Listing, err error) {
				if _, gone := accountGone(err); err == nil || gone || !strings.Contains(err.Error(), "without a Graph error (is api_base https://graph.example/v19.0 right?)") {
					t.Errorf("%v", err)
				}
			}, 1},
		{"502", answer{Code: 502, Body: "bad gateway"}, answer{},
			func(t *testing.T, l *monitor.Listing, err error) {
				var se *monitor.StatusError
				if !errors.As(err, &se) || se.StatusCode != 502 {
					t.Errorf("%v", err)
				}
			}, 1},
		{"cut", answer{Code: 200, Body: `{"id":"1"}`}, answer{Code: 200, Body: `{"data":[`},
			func(t *testing.T, l *monitor.Listing, err error) {
				var pe *monitor.ParseError
				if !errors.As(err, &pe) || pe.CaptureID != 2 {
					t.Errorf("%v", err)
				}
			}, 2},
		{"posts 100/33 after the Page answered", answer{Code: 200, Body: `{"id":"1"}`}, answer{Code: 400, Body: `{"error":{"message":"Unsupported get request.","code":100,"error_subcode":33}}`},
			func(t *testing.T, l *monitor.Listing, err error) {
				if _, gone := accountGone(err); err == nil || gone {
					t.Errorf("%v", err)
				}
			}, 2},
		{"unpublished, hidden and expired left out", answer{Code: 200, Body: `{"id":"1","username":"GOV","fan_count":"3"}`},
			answer{Code: 200, Body: `{"data":[{"id":"1_1","is_published":false,"created_time":"2026-01-01T00:00:00+0000"},{"id":"1_2","is_published":true,"created_time":"2026-01-01T00:00:00+0000"},` +
				`{"id":"1_3","is_hidden":true,"created_time":"2026-01-01T00:00:00+0000"},{"id":"1_4","is_expired":true,"created_time":"2026-01-01T00:00:00+0000"}]}`},
			func(t *testing.T, l *monitor.Listing, err error) {
				if err != nil || len(l.Items) != 1 || l.Items[0].PlatformID != "1_2" || l.Items[0].URL != "https://www.facebook.com/1/posts/2" ||
					!slices.Equal(l.Metrics, []monitor.Metric{{Name: "likes", Value: 3}}) {
					t.Errorf("%+v %v", l, err)
				}
			}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := routes(map[string]answer{pageURL: tc.page, postsURL: tc.posts})
			l, err := New().Collect(t.Context(), src, r, monitor.CollectOptions{})
			tc.check(t, l, err)
			if len(r.URLs()) != tc.wantReq {
				t.Errorf("requests %v", r.URLs())
			}
		})
	}
	t.Run("archive failure", func(t *testing.T) {
		disk := errors.New("archive: disk full")
		f := monitor.FetcherFunc(func(context.Context, *monitor.FetchRequest) (*monitor.FetchResponse, error) { return nil, disk })
		if _, err := New().Collect(t.Context(), src, f, monitor.CollectOptions{}); !errors.Is(err, disk) {
			t.Errorf("%v", err)
		}
	})
}

// TestClient_Collect_StaleCursor: a kept id of another Page (the url was
// changed) or of a Page gone under it gives way to the url's name.
func TestClient_Collect_StaleCursor(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	a, b := sb.AddAccount(0, "gov"), sb.AddAccount(0, "opp")
	a.Publish(sandbox.Post{HTML: "<p>x</p>"})
	f := fetchtest.New(t)
	l := collect(t, New(), f, source(a), monitor.CollectOptions{Cursor: b.FacebookPageID()})
	if l.Cursor != a.FacebookPageID() || len(l.Items) != 1 || len(f.URLs()) != 3 {
		t.Errorf("cursor %s, %d items, requests %v", l.Cursor, len(l.Items), f.URLs())
	}
	f = fetchtest.New(t)
	l = collect(t, New(), f, source(a), monitor.CollectOptions{Cursor: "999999999999999"})
	if l.Cursor != a.FacebookPageID() || len(f.URLs()) != 3 {
		t.Errorf("unknown kept id: cursor %s, requests %v", l.Cursor, f.URLs())
	}
}

func TestResolve(t *testing.T) {
	tests := []struct {
		url, apiBase string
		want         target
		wantErr      string
	}{
		{"https://www.facebook.com/hunsencambodia", "", target{DefaultAPIBase, "hunsencambodia", "https://www.facebook.com"}, ""},
		{"https://m.facebook.com/Nintendo/posts/", "http://127.0.0.2:8080/graph/v19.0/", target{"http://127.0.0.2:8080/graph/v19.0", "Nintendo", "https://m.facebook.com"}, ""},
		{"https://www.facebook.com/profile.php?id=100012241140363&rc=p", "", target{DefaultAPIBase, "100012241140363", "https://www.facebook.com"}, ""},
		{"https://www.facebook.com/people/Clare-Roche/100020635422861", "", target{DefaultAPIBase, "100020635422861", "https://www.facebook.com"}, ""},
		{"https://www.facebook.com/pages/Some-Page/123456", "", target{DefaultAPIBase, "123456", "https://www.facebook.com"}, ""},
		{"https://www.facebook.com/p/Some-Name-100063486369524/", "", target{DefaultAPIBase, "100063486369524", "https://www.facebook.com"}, ""},
		{"https://www.facebook.com/fr-fr.facebook.com/naat.ouhafs.92?rc=p", "", target{DefaultAPIBase, "naat.ouhafs.92", "https://www.facebook.com"}, ""},
		{"https://www.facebook.com/groups/159674260852951", "", target{}, "a groups URL, not a Page"},
		{"https://www.facebook.com/", "", target{}, "no Page in its path"},
		{"https://www.facebook.com/profile.php", "", target{}, "profile.php without a numeric id"},
		{"facebook.com/gov", "", target{}, "not an absolute http(s) URL"},
		{"https://www.facebook.com/gov", "graph.facebook.com", target{}, "api_base"},
	}
	for _, tc := range tests {
		got, err := resolve(&config.Source{ID: "s", URL: tc.url, APIBase: tc.apiBase})
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("resolve(%s): %+v, %v; want error %q", tc.url, got, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("resolve(%s) = %+v, %v; want %+v", tc.url, got, err, tc.want)
		}
	}
}

// TestResolve_Fixtures reads every URL form minet knows: a Page's resolve,
// a post's PostIDFromURL.
func TestResolve_Fixtures(t *testing.T) {
	dir := filepath.Join(testtool.Fixtures(t, "facebook"), "html")
	rows := func(name string) [][]string {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		recs, err := csv.NewReader(f).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return recs[1:]
	}
	posts, pages := 0, 0
	for _, rec := range rows("minet_fburls_url_forms.csv") {
		u := rec[0]
		owner, id, isPost := PostIDFromURL(u)
		_, err := resolve(&config.Source{ID: "s", URL: u})
		switch {
		case !strings.Contains(u, "facebook.com"):
			if isPost {
				t.Errorf("%s: a post of %s", u, owner)
			}
		case isPost:
			posts++
			if id == "" || strings.ContainsAny(id, "/?&") {
				t.Errorf("%s: post id %q", u, id)
			}
		case err == nil:
			pages++
		case !strings.Contains(u, "/groups/") && !strings.Contains(u, "/photo"):
			t.Errorf("%s: neither a post nor a Page: %v", u, err)
		}
	}
	if posts < 15 || pages < 5 {
		t.Errorf("%d posts and %d Pages among minet's URL forms", posts, pages)
	}
	for _, rec := range rows("minet_fbpost_problematic_links_dead.csv") {
		if _, id, ok := PostIDFromURL(rec[0]); !ok || id == "" || strings.Contains(id, "amp") {
			t.Errorf("%s: %q, %v", rec[0], id, ok)
		}
	}
	for _, tc := range []struct{ url, owner, id string }{
		{"https://www.facebook.com/nih.gov/posts/10158819522801830", "nih.gov", "10158819522801830"},
		{"https://www.facebook.com/permalink.php?story_fbid=3725489204159777&id=102745626434171", "102745626434171", "3725489204159777"},
		{"https://www.facebook.com/groups/801598686872970/permalink/1321595254873308/", "801598686872970", "1321595254873308"},
		{"https://www.facebook.com/260769680665568/photos/a.305266056215930/524959150913285", "260769680665568", "524959150913285"},
		{"https://www.facebook.com/lacombe.carole55/videos/3586872241411061", "lacombe.carole55", "3586872241411061"},
		{"https://www.facebook.com/watch/?v=311658803718223", "", "311658803718223"},
		{"https://m.facebook.com/story.php?story_fbid=591368902357865&amp%3Bid=100005131420124&amp%3B_rdr", "100005131420124", "591368902357865"},
		{"https://www.facebook.com/gov/posts/pfbid02cKkwzzYPFTwnVfJRRQbZ6MjvtYy2K9AsNehmgnjT3VNrPPDehwXcTHVFNsrad6EXl", "gov", "pfbid02cKkwzzYPFTwnVfJRRQbZ6MjvtYy2K9AsNehmgnjT3VNrPPDehwXcTHVFNsrad6EXl"},
	} {
		if owner, id, ok := PostIDFromURL(tc.url); !ok || owner != tc.owner || id != tc.id {
			t.Errorf("PostIDFromURL(%s) = %q, %q, %v; want %q, %q", tc.url, owner, id, ok, tc.owner, tc.id)
		}
	}
	for _, u := range []string{"https://www.facebook.com/gov", "https://lemonde.fr/path", "https://www.facebook.com/gov/posts/", "not a url"} {
		if o, id, ok := PostIDFromURL(u); ok {
			t.Errorf("PostIDFromURL(%s) = %q, %q", u, o, id)
		}
	}
}
