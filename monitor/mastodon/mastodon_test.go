package mastodon

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/fetchtest"
	"github.com/takedownwatch/takedownwatch/internal/sandbox"
	"github.com/takedownwatch/takedownwatch/internal/sandbox/sandboxtest"
	"github.com/takedownwatch/takedownwatch/monitor"
	"github.com/takedownwatch/takedownwatch/monitor/normalize"
)

func source(a *sandbox.Account) *config.Source {
	return &config.Source{ID: a.Name() + "-masto", Actor: a.Name(), Platform: "mastodon", URL: a.MastodonURL(), Vantage: "direct"}
}

func collect(t *testing.T, f monitor.Fetcher, src *config.Source, opt monitor.CollectOptions) *monitor.Listing {
	t.Helper()
	l, err := New().Collect(t.Context(), src, f, opt)
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	return l
}

// sandboxBase is the scheme and host of a's instance.
func sandboxBase(a *sandbox.Account) string {
	u := a.MastodonURL()
	return u[:strings.LastIndex(u, "/@")]
}

func TestCollector_Collect(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	a := sb.AddAccount(0, "alice")
	a.SetMetric("followers", 1036)
	a.SetMetric("following", 138)
	a.SetMetric("posts", 280)
	a.SetMedia("photo.jpg", 1234, "image/jpeg")
	published := time.Date(2026, 2, 3, 4, 5, 6, 789_000_000, time.UTC)
	posts := []struct {
		post      sandbox.Post
		wantText  string
		wantMedia func() []string
	}{
		{sandbox.Post{ID: "statement", Published: published, Title: "not shown by Mastodon",
			HTML:  `<p>Tom &amp; Jerry <b>said</b></p><script>alert("x")</script><p>twice</p>`,
			Media: []string{"photo.jpg", "https://cdn.example/v.mp4", "photo.jpg"}},
			"Tom & Jerry said\ntwice", func() []string { return []string{a.MediaURL("photo.jpg"), "https://cdn.example/v.mp4"} }},
		{sandbox.Post{ID: "khmer", Published: published.Add(time.Hour), HTML: "<p>ចាប់ដៃរួមគ្នា\u200bធ្វើកិច្ច&nbsp;&nbsp;ធំមួយ</p>"},
			"ចាប់ដៃរួមគ្នា\u200bធ្វើកិច្ច ធំមួយ", nil},
		{sandbox.Post{ID: "nfd", Published: published.Add(2 * time.Hour), HTML: "Cafe\u0301 \xff"},
			"Caf\u00e9 \uFFFD", nil},
	}
	for _, p := range posts {
		a.Publish(p.post)
	}
	f := fetchtest.New(t)
	l := collect(t, f, source(a), monitor.CollectOptions{})
	if len(l.Items) != len(posts) || len(l.Captures) != 2 || l.NotModified || l.Cursor != a.MastodonID() {
		t.Fatalf("listing: %d items, captures %v, cursor %q; want %d items, 2 captures, cursor %s",
			len(l.Items), l.Captures, l.Cursor, len(posts), a.MastodonID())
	}
	if got := f.Kinds(); !slices.Equal(got, []string{monitor.KindAccount, monitor.KindListing}) {
		t.Errorf("request kinds %v", got)
	}
	wantMetrics := []monitor.Metric{{Name: "followers", Value: 1036}, {Name: "following", Value: 138}, {Name: "posts", Value: 280}}
	if !slices.Equal(l.Metrics, wantMetrics) {
		t.Errorf("metrics %v, want %v", l.Metrics, wantMetrics)
	}
	for i, p := range posts {
		it := l.Items[len(posts)-1-i] // newest first
		var wantMedia []string
		if p.wantMedia != nil {
			wantMedia = p.wantMedia()
		}
		if it.PlatformID != a.MastodonStatusID(p.post.ID) || it.URL != a.MastodonStatusURL(p.post.ID) ||
			!it.Published.Equal(p.post.Published) || it.Title != "" || it.Text != p.wantText || !slices.Equal(it.Media, wantMedia) {
			t.Errorf("post %s:\n got %+v\nwant id %s, url %s, published %v, text %q, media %v", p.post.ID, it,
				a.MastodonStatusID(p.post.ID), a.MastodonStatusURL(p.post.ID), p.post.Published, p.wantText, wantMedia)
		}
		if it.Text != normalize.Plain(it.Text) {
			t.Errorf("post %s: text is not normalized", p.post.ID)
		}
	}
}

func TestCollector_Collect_Edits(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	a := sb.AddAccount(0, "bob")
	id := a.Publish(sandbox.Post{HTML: "<p>We will hold elections in May.</p>"})
	keep := a.Publish(sandbox.Post{HTML: "<p>Unrelated.</p>"})
	f, src := fetchtest.New(t), source(a)
	digest := func() string {
		t.Helper()
		for _, it := range collect(t, f, src, monitor.CollectOptions{}).Items {
			if it.PlatformID == a.MastodonStatusID(id) {
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
		{"<div>We will hold elections\n\n in&nbsp;May.</div>", false},
		{"<p>We will not hold elections in May.</p>", true},
	} {
		a.Edit(id, s.html)
		if got := digest(); (got != prev) != s.newText {
			t.Errorf("edit to %q: digest changed = %v, want %v", s.html, got != prev, s.newText)
		} else {
			prev = got
		}
	}
	for _, hide := range []func(){
		func() { a.HideFromListing(id, true) },
		func() { a.HideFromListing(id, false); a.Delete(id, sandbox.Soft404) },
	} {
		hide()
		l := collect(t, f, src, monitor.CollectOptions{})
		if len(l.Items) != 1 || l.Items[0].PlatformID != a.MastodonStatusID(keep) {
			t.Errorf("listing %+v, want only %s", l.Items, keep)
		}
	}
}

func TestCollector_Collect_Cursor(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	a := sb.AddAccount(0, "carol")
	other := sb.AddAccount(0, "dave")
	a.SetMetric("followers", 7)
	a.Publish(sandbox.Post{HTML: "<p>one</p>"})
	other.Publish(sandbox.Post{HTML: "<p>not carol's</p>"})
	lookup := sandboxBase(a) + "/api/v1/accounts/lookup"
	byID := sandboxBase(a) + "/api/v1/accounts/" + a.MastodonID()
	src := source(a)

	tests := []struct {
		name    string
		script  func()
		cursor  string
		lookups int // lookups the collection makes
		byID    int // GETs of the account by id
	}{
		{"kept id", func() {}, a.MastodonID(), 0, 0},
		{"empty listing asks the account", func() { a.EmptyListing(true) }, a.MastodonID(), 0, 1},
		{"unknown id looks up again", func() { a.EmptyListing(false) }, "123", 1, 0},
		{"another account's id looks up again", func() {}, other.MastodonID(), 1, 0},
		{"bad cursor is ignored", func() {}, "../x", 1, 0},
		{"no cursor", func() {}, "", 1, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.script()
			sb.ResetStats()
			l := collect(t, fetchtest.New(t), src, monitor.CollectOptions{Cursor: tc.cursor})
			if l.Cursor != a.MastodonID() {
				t.Errorf("cursor %q, want %s", l.Cursor, a.MastodonID())
			}
			if got := sb.Requests(lookup); got != tc.lookups {
				t.Errorf("%d lookups, want %d", got, tc.lookups)
			}
			if got := sb.Requests(byID); got != tc.byID {
				t.Errorf("%d account GETs, want %d", got, tc.byID)
			}
			if !slices.Contains(l.Metrics, monitor.Metric{Name: "followers", Value: 7}) {
				t.Errorf("metrics %v lack followers 7", l.Metrics)
			}
			for _, it := range l.Items {
				if it.Text != "one" {
					t.Errorf("item %+v is not carol's", it)
				}
			}
		})
	}

	a.Suspend()
	for _, cursor := range []string{a.MastodonID(), ""} {
		_, err := New().Collect(t.Context(), src, fetchtest.New(t), monitor.CollectOptions{Cursor: cursor})
		var gone *monitor.AccountGoneError
		if !errors.As(err, &gone) || gone.Detail != "suspended" || gone.CaptureID == 0 {
			t.Errorf("cursor %q: suspended account: err %v (%T), want AccountGoneError suspended with its capture", cursor, err, err)
		}
	}
}

func TestCollector_Collect_Pages(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	a := sb.AddAccount(0, "erin")
	a.SetListingLimit(0) // no window: paging reaches every post
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 100 {
		a.Publish(sandbox.Post{HTML: fmt.Sprintf("<p>post %d</p>", i), Published: start.Add(time.Duration(i) * time.Minute)})
	}
	for _, tc := range []struct{ pages, items, captures int }{
		{0, 40, 2}, {1, 40, 2}, {2, 80, 3}, {3, 100, 4}, {5, 100, 4}, // the third page is short: no next
	} {
		l := collect(t, fetchtest.New(t), source(a), monitor.CollectOptions{Pages: tc.pages})
		if len(l.Items) != tc.items || len(l.Captures) != tc.captures {
			t.Errorf("pages %d: %d items, %d captures; want %d, %d", tc.pages, len(l.Items), len(l.Captures), tc.items, tc.captures)
		}
		for i := 1; i < len(l.Items); i++ {
			if !l.Items[i].Published.Before(l.Items[i-1].Published) {
				t.Fatalf("pages %d: item %d not older than the one before", tc.pages, i)
			}
		}
	}
	// The window caps the listing whatever the pages.
	a.SetListingLimit(50)
	if l := collect(t, fetchtest.New(t), source(a), monitor.CollectOptions{Pages: 5}); len(l.Items) != 50 {
		t.Errorf("window of 50: %d items", len(l.Items))
	}

	// A later page failing fails the collection, but not as an answer
	// about the account.
	a.SetListingLimit(0)
	a.FailNext(1, sandbox.Slow(0)) // the lookup
	a.FailNext(1, sandbox.Slow(0)) // page 1
	a.FailNext(1, sandbox.Status(404))
	_, err := New().Collect(t.Context(), source(a), fetchtest.New(t), monitor.CollectOptions{Pages: 3})
	var se *monitor.StatusError
	if err == nil || errors.As(err, &se) || !strings.Contains(err.Error(), "page 2 of the statuses answered 404") {
		t.Errorf("failing page 2: err %v (%T), want a plain error naming the page", err, err)
	}
}

func TestCollector_Collect_Errors(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	tests := []struct {
		name   string
		script func(a *sandbox.Account)
		check  func(t *testing.T, err error)
	}{
		{"503", func(a *sandbox.Account) { a.FailNext(1, sandbox.Status(503)) }, wantStatus(503)},
		{"429", func(a *sandbox.Account) { a.FailNext(1, sandbox.TooMany(time.Second)) }, wantStatus(429)},
		{"statuses 500", func(a *sandbox.Account) { a.FailNext(1, sandbox.Slow(0)); a.FailNext(1, sandbox.Status(500)) }, wantStatus(500)},
		{"suspended", func(a *sandbox.Account) { a.Suspend() }, func(t *testing.T, err error) {
			var gone *monitor.AccountGoneError
			if !errors.As(err, &gone) || gone.Detail != "suspended" || gone.CaptureID == 0 {
				t.Errorf("err = %v (%T), want AccountGoneError suspended with its capture", err, err)
			}
		}},
		{"malformed", func(a *sandbox.Account) { a.FailNext(1, sandbox.Malformed()) }, func(t *testing.T, err error) {
			var pe *monitor.ParseError
			if !errors.As(err, &pe) || pe.CaptureID == 0 || !strings.HasPrefix(err.Error(), "parse: mastodon: not an account") {
				t.Errorf("err = %v (%T), want a ParseError with its capture", err, err)
			}
		}},
		{"reset", func(a *sandbox.Account) { a.FailNext(2, sandbox.Reset()) }, func(t *testing.T, err error) {
			if !monitor.IsTransient(err) || !strings.Contains(err.Error(), "-reset-masto") {
				t.Errorf("err = %v (%T), want a transient FetchError naming the source", err, err)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := sb.AddAccount(0, "frank-"+strings.ReplaceAll(tc.name, " ", "-"))
			a.Publish(sandbox.Post{HTML: "hi"})
			tc.script(a)
			l, err := New().Collect(t.Context(), source(a), fetchtest.New(t), monitor.CollectOptions{})
			if l != nil || err == nil {
				t.Fatalf("Collect = %+v, %v; want an error", l, err)
			}
			tc.check(t, err)
		})
	}
	t.Run("unknown account", func(t *testing.T) {
		src := &config.Source{ID: "ghost", URL: sb.Hosts()[0] + "/@ghost"}
		_, err := New().Collect(t.Context(), src, fetchtest.New(t), monitor.CollectOptions{})
		wantStatus(404)(t, err)
	})
}

func wantStatus(code int) func(t *testing.T, err error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var se *monitor.StatusError
		if !errors.As(err, &se) || se.StatusCode != code || se.CaptureID == 0 || se.URL == "" {
			t.Errorf("err = %v (%T), want a StatusError %d with URL and capture", err, err, code)
		}
	}
}

// A hand-made instance: boosts, private statuses, content warnings, media
// without a local copy, statuses without url, pages on another origin.
func TestCollector_Collect_Shapes(t *testing.T) {
	const base = "https://social.example"
	acct := `{"id":"42","username":"gov","acct":"gov","url":"https://social.example/@gov","followers_count":10,"following_count":2,"statuses_count":3}`
	status := func(id, extra string) string {
		return `{"id":"` + id + `","created_at":"2026-05-01T10:00:0` + id[len(id)-1:] + `.000Z","visibility":"public","spoiler_text":"",` +
			`"uri":"https://social.example/users/gov/statuses/` + id + `","url":"https://social.example/@gov/` + id + `",` +
			`"content":"<p>post ` + id + `</p>","reblog":null,"account":` + acct + `,"media_attachments":[]` + extra + `}`
	}
	page1 := "[" + strings.Join([]string{
		status("9", `,"spoiler_text":" Vote & count: a < b "`),
		status("8", `,"reblog":{"id":"1"}`),
		status("7", `,"visibility":"private"`),
		status("6", `,"visibility":"direct"`),
		status("5", `,"url":null,"visibility":"unlisted","media_attachments":[{"url":null,"remote_url":"https://cdn.example/a.png"},{"url":"/relative.png"},{"url":"https://social.example/m/b.png"}]`),
		status("4", `,"url":null,"uri":"tag:x"`),
	}, ",") + "]"
	statuses := base + "/api/v1/accounts/42/statuses?limit=40&exclude_reblogs=true"
	r := routes(map[string]answer{
		base + "/api/v1/accounts/lookup?acct=gov": {Code: 200, Body: acct},
		statuses: {Code: 200, Body: page1, Header: http.Header{"Link": {
			`<https://elsewhere.example/api/v1/accounts/42/statuses?max_id=4>; rel="next", <` + base + `/x?min_id=9>; rel="prev"`}}},
	})
	src := &config.Source{ID: "gov", URL: base + "/@gov", Token: "s3cret"}
	l := collect(t, r, src, monitor.CollectOptions{Pages: 3})
	type row struct{ id, url, title, text, media string }
	var got []row
	for _, it := range l.Items {
		got = append(got, row{it.PlatformID, it.URL, it.Title, it.Text, strings.Join(it.Media, " ")})
	}
	want := []row{
		{"9", base + "/@gov/9", "Vote & count: a < b", "Vote & count: a < b\npost 9", ""},
		{"5", base + "/users/gov/statuses/5", "", "post 5", "https://cdn.example/a.png " + base + "/m/b.png"},
		{"4", base + "/@gov/4", "", "post 4", ""},
	}
	if !slices.Equal(got, want) {
		t.Errorf("items\n got %+v\nwant %+v", got, want)
	}
	if urls := r.URLs(); len(urls) != 2 {
		t.Errorf("requests %v: a next link to another origin must not be followed", urls)
	}
	for _, req := range r.Requests() {
		if req.Header.Get("Authorization") != "Bearer s3cret" || req.Header.Get("Accept") != "application/json" || req.SourceID != "gov" {
			t.Errorf("request %+v", req)
		}
	}
}

func TestCollector_Collect_Request(t *testing.T) {
	var got []monitor.FetchRequest
	f := monitor.FetcherFunc(func(_ context.Context, req *monitor.FetchRequest) (*monitor.FetchResponse, error) {
		got = append(got, *req)
		body := `[]`
		if strings.Contains(req.URL, "lookup") {
			body = `{"id":"1","username":"x"}`
		}
		return &monitor.FetchResponse{URL: req.URL, StatusCode: 200, Body: []byte(body)}, nil
	})
	src := &config.Source{ID: "x", URL: "https://mastodon.example/@x@other.example", APIBase: "http://127.0.0.1:9/api/v1/", Vantage: "proxy-kh"}
	l, err := New(WithMaxBody(1<<20)).Collect(t.Context(), src, f, monitor.CollectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wantURLs := []string{
		"http://127.0.0.1:9/api/v1/accounts/lookup?acct=x%40other.example",
		"http://127.0.0.1:9/api/v1/accounts/1/statuses?limit=40&exclude_reblogs=true",
	}
	if len(got) != 2 || l.Cursor != "1" || len(l.Items) != 0 {
		t.Fatalf("requests %+v, listing %+v", got, l)
	}
	for i, req := range got {
		if req.URL != wantURLs[i] || req.Vantage != "proxy-kh" || req.MaxBody != 1<<20 || req.Header.Get("Authorization") != "" {
			t.Errorf("request %d = %+v, want URL %s", i, req, wantURLs[i])
		}
	}
}

func TestResolve(t *testing.T) {
	tests := []struct {
		url, apiBase string
		base, acct   string // "" base: an error
	}{
		{"https://mastodon.social/@Gargron", "", "https://mastodon.social", "Gargron"},
		{"https://mastodon.social/@Gargron/", "", "https://mastodon.social", "Gargron"},
		{"https://mastodon.social/@Gargron/with_replies", "", "https://mastodon.social", "Gargron"},
		{"https://mastodon.social/@gov@kh.social", "", "https://mastodon.social", "gov@kh.social"},
		{"https://mastodon.social/web/@gov", "", "https://mastodon.social", "gov"},
		{"https://mastodon.social/users/gov", "", "https://mastodon.social", "gov"},
		{"http://127.0.0.2:8080/@gov?x=1#y", "", "http://127.0.0.2:8080", "gov"},
		{"https://ex.social/@gov", "https://api.ex.social", "https://api.ex.social", "gov"},
		{"https://ex.social/@gov", "https://api.ex.social/api/v1", "https://api.ex.social", "gov"},
		{"https://ex.social/@gov", "https://ex.social/prefix/", "https://ex.social/prefix", "gov"},
		{"https://ex.social/@gov", "ftp://x", "", ""},
		{"https://ex.social/gov", "", "", ""},
		{"https://ex.social/@", "", "", ""},
		{"https://ex.social/@gov@", "", "", ""},
		{"https://ex.social/@@x", "", "", ""},
		{"https://ex.social/users", "", "", ""},
		{"https://ex.social/", "", "", ""},
		{"mailto:gov@ex.social", "", "", ""},
		{"/@gov", "", "", ""},
		{"%zz", "", "", ""},
	}
	for _, tc := range tests {
		got, err := resolve(&config.Source{ID: "s", URL: tc.url, APIBase: tc.apiBase})
		if tc.base == "" {
			if err == nil || !strings.HasPrefix(err.Error(), "mastodon: source s: ") {
				t.Errorf("resolve(%q, %q) = %+v, %v; want an error naming the source", tc.url, tc.apiBase, got, err)
			}
			continue
		}
		if err != nil || got.base != tc.base || got.acct != tc.acct {
			t.Errorf("resolve(%q, %q) = %+v, %v; want base %s acct %s", tc.url, tc.apiBase, got, err, tc.base, tc.acct)
		}
	}
}
