package feed

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/fetchtest"
	"github.com/takedownwatch/takedownwatch/internal/sandbox"
	"github.com/takedownwatch/takedownwatch/internal/sandbox/sandboxtest"
	"github.com/takedownwatch/takedownwatch/monitor"
	"github.com/takedownwatch/takedownwatch/monitor/normalize"
)

// feedURLs are the two feed flavours every sandbox account serves.
var feedURLs = []struct {
	name string
	url  func(*sandbox.Account) string
	// id is the PlatformID the flavour gives post id.
	id func(a *sandbox.Account, id string) string
}{
	{"rss", (*sandbox.Account).FeedURL, (*sandbox.Account).PostURL},
	{"atom", (*sandbox.Account).AtomURL, func(a *sandbox.Account, id string) string {
		return fmt.Sprintf("tag:sandbox.invalid,2026:host%d/%s/posts/%s", a.Host(), a.Name(), id)
	}},
}

func source(a *sandbox.Account, url string) *config.Source {
	return &config.Source{ID: a.Name() + "-feed", Actor: a.Name(), Platform: "feed", URL: url, Vantage: "direct"}
}

func collect(t *testing.T, f monitor.Fetcher, src *config.Source) *monitor.Listing {
	t.Helper()
	l, err := New().Collect(t.Context(), src, f, monitor.CollectOptions{})
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	return l
}

func byURL(items []monitor.Item) map[string]monitor.Item {
	m := make(map[string]monitor.Item, len(items))
	for _, it := range items {
		m[it.URL] = it
	}
	return m
}

func TestCollector_Collect(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	published := time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC)
	posts := []struct {
		post      sandbox.Post
		wantTitle string
		wantText  string
		wantMedia func(a *sandbox.Account) []string
	}{
		{
			post: sandbox.Post{
				ID: "statement", Title: "Tom & Jerry", Published: published,
				HTML:  `<p>Tom &amp; Jerry <b>said</b></p><script>alert("x")</script><p>twice</p>`,
				Media: []string{"photo.jpg", "https://cdn.example/v.mp4", "photo.jpg"},
			},
			wantTitle: "Tom & Jerry",
			wantText:  "Tom & Jerry said\ntwice",
			wantMedia: func(a *sandbox.Account) []string {
				return []string{a.MediaURL("photo.jpg"), "https://cdn.example/v.mp4"}
			},
		},
		{
			post: sandbox.Post{
				ID: "hostile", Published: published.Add(time.Hour),
				HTML: "<p onclick=x>Hello<br>world</p><style>p{}</style><!-- c --><iframe src=x>f</iframe>" +
					"<img src=x onerror=alert(1)>]]><![CDATA[ a bogus comment> &bogus; \xff \x00\x01 end",
			},
			wantText: "Hello\nworld\n]]> &bogus; \uFFFD \uFFFD\uFFFD end",
		},
		{
			post: sandbox.Post{
				ID: "khmer", Title: "សេចក្តីថ្លែងការណ៍", Published: published.Add(2 * time.Hour),
				HTML: "<p>ចាប់ដៃរួមគ្នា\u200bធ្វើកិច្ច&nbsp;&nbsp;ធំមួយ</p>",
			},
			wantTitle: "សេចក្តីថ្លែងការណ៍",
			wantText:  "ចាប់ដៃរួមគ្នា\u200bធ្វើកិច្ច ធំមួយ",
		},
		{
			post: sandbox.Post{
				ID: "escaped", Published: published.Add(3 * time.Hour),
				HTML: "&lt;p&gt;double &amp;amp; escaped&lt;/p&gt;&lt;p&gt;markup&lt;/p&gt;",
			},
			wantText: "double & escaped\nmarkup",
		},
		{
			post: sandbox.Post{
				ID: "nfd", Title: "Cafe\u0301", Published: published.Add(4 * time.Hour),
				HTML: "Cafe\u0301 Ha\u0300 No\u0323\u0302i",
			},
			wantTitle: "Caf\u00e9",
			wantText:  "Caf\u00e9 H\u00e0 N\u1ED9i",
		},
	}
	for _, fl := range feedURLs {
		t.Run(fl.name, func(t *testing.T) {
			a := sb.AddAccount(0, "alice-"+fl.name)
			a.SetMedia("photo.jpg", 1234, "image/jpeg")
			for _, p := range posts {
				a.Publish(p.post)
			}
			l := collect(t, fetchtest.New(t), source(a, fl.url(a)))
			if len(l.Items) != len(posts) || len(l.Captures) != 1 || l.NotModified {
				t.Fatalf("listing: %d items, captures %v, not modified %v; want %d items, 1 capture",
					len(l.Items), l.Captures, l.NotModified, len(posts))
			}
			items := byURL(l.Items)
			for _, p := range posts {
				it, ok := items[a.PostURL(p.post.ID)]
				if !ok {
					t.Errorf("post %s: no item with URL %s", p.post.ID, a.PostURL(p.post.ID))
					continue
				}
				var wantMedia []string
				if p.wantMedia != nil {
					wantMedia = p.wantMedia(a)
				}
				if it.PlatformID != fl.id(a, p.post.ID) || !it.Published.Equal(p.post.Published) ||
					it.Title != p.wantTitle || it.Text != p.wantText || !slices.Equal(it.Media, wantMedia) {
					t.Errorf("post %s:\n got %+v\nwant id %s, published %v, title %q, text %q, media %v",
						p.post.ID, it, fl.id(a, p.post.ID), p.post.Published, p.wantTitle, p.wantText, wantMedia)
				}
			}
			// Newest first, as the sandbox lists them.
			if l.Items[0].URL != a.PostURL("nfd") {
				t.Errorf("first item %s, want the newest post", l.Items[0].URL)
			}
		})
	}
}

func TestCollector_Collect_Edits(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	for _, fl := range feedURLs {
		t.Run(fl.name, func(t *testing.T) {
			a := sb.AddAccount(0, "bob-"+fl.name)
			id := a.Publish(sandbox.Post{Title: "Notice", HTML: "<p>We will hold elections in May.</p>"})
			keep := a.Publish(sandbox.Post{Title: "Other", HTML: "<p>Unrelated.</p>"})
			f, src := fetchtest.New(t), source(a, fl.url(a))

			digest := func(l *monitor.Listing) string {
				t.Helper()
				it, ok := byURL(l.Items)[a.PostURL(id)]
				if !ok {
					t.Fatalf("post %s missing from %+v", id, l.Items)
				}
				return normalize.Digest(it.Text)
			}
			first := digest(collect(t, f, src))

			l := collect(t, f, src)
			if !l.NotModified || len(l.Items) != 0 || len(l.Captures) != 1 {
				t.Errorf("unchanged feed: %+v, want NotModified with its capture", l)
			}
			if got := f.Last(t); !got.Conditional {
				t.Errorf("request not conditional: %+v", got)
			}

			steps := []struct {
				html    string
				newText bool
			}{
				{"<p>We will hold <b>elections</b> in May.</p>", false},
				{"<div>We will hold elections\n\n in&nbsp;May.</div>", false},
				{"<p>We will hold elections</p><p>in May.</p>", false},
				{"<p>We will not hold elections in May.</p>", true},
			}
			prev := first
			for _, s := range steps {
				a.Edit(id, s.html)
				got := digest(collect(t, f, src))
				if (got != prev) != s.newText {
					t.Errorf("edit to %q: digest changed = %v, want %v", s.html, got != prev, s.newText)
				}
				prev = got
			}

			a.Delete(id, sandbox.Gone404)
			l = collect(t, f, src)
			if _, ok := byURL(l.Items)[a.PostURL(id)]; ok || len(l.Items) != 1 || l.Items[0].URL != a.PostURL(keep) {
				t.Errorf("after delete: items %+v, want only %s", l.Items, keep)
			}
		})
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
		{"suspended", func(a *sandbox.Account) { a.Suspend() }, wantStatus(410)},
		{"malformed", func(a *sandbox.Account) { a.FailNext(1, sandbox.Malformed()) }, func(t *testing.T, err error) {
			var pe *monitor.ParseError
			if !errors.As(err, &pe) || pe.CaptureID == 0 || !strings.HasPrefix(err.Error(), "parse: feed: XML syntax error on line 3") {
				t.Errorf("err = %v (%T), want a ParseError with its capture about XML syntax", err, err)
			}
		}},
		{"reset", func(a *sandbox.Account) { a.FailNext(2, sandbox.Reset()) }, func(t *testing.T, err error) {
			var fe *monitor.FetchError
			if !errors.As(err, &fe) || !monitor.IsTransient(err) || !strings.Contains(err.Error(), "carol-reset-feed") {
				t.Errorf("err = %v (%T), want a transient FetchError naming the source", err, err)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := sb.AddAccount(0, "carol-"+tc.name)
			a.Publish(sandbox.Post{HTML: "hi"})
			tc.script(a)
			l, err := New().Collect(t.Context(), source(a, a.FeedURL()), fetchtest.New(t), monitor.CollectOptions{})
			if l != nil || err == nil {
				t.Fatalf("Collect = %+v, %v; want an error", l, err)
			}
			tc.check(t, err)
		})
	}
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

func TestCollector_Collect_Request(t *testing.T) {
	var got *monitor.FetchRequest
	f := monitor.FetcherFunc(func(_ context.Context, req *monitor.FetchRequest) (*monitor.FetchResponse, error) {
		got = req
		return &monitor.FetchResponse{URL: req.URL, StatusCode: 200, Body: []byte(`<rss><channel></channel></rss>`)}, nil
	})
	src := &config.Source{ID: "gov-feed", Platform: "feed", URL: "https://gov.example/rss", Vantage: "proxy-kh"}
	if _, err := New(WithMaxBody(1<<20)).Collect(t.Context(), src, f, monitor.CollectOptions{}); err != nil {
		t.Fatal(err)
	}
	if got.URL != src.URL || got.Kind != monitor.KindListing || got.SourceID != "gov-feed" ||
		got.Vantage != "proxy-kh" || !got.Conditional || got.MaxBody != 1<<20 {
		t.Errorf("request = %+v", got)
	}
	for _, typ := range []string{"application/rss+xml", "application/atom+xml", "application/feed+json"} {
		if !strings.Contains(got.Header.Get("Accept"), typ) {
			t.Errorf("Accept %q lacks %s", got.Header.Get("Accept"), typ)
		}
	}
}

func TestCollector_Collect_Answers(t *testing.T) {
	src := &config.Source{ID: "s", URL: "http://feeds.example/a"}
	final := "http://feeds.example/b"
	hops := []monitor.Hop{{URL: src.URL, StatusCode: 301, Location: final, CaptureID: 4}}
	answer := func(r monitor.FetchResponse) monitor.FetcherFunc {
		return monitor.FetcherFunc(func(context.Context, *monitor.FetchRequest) (*monitor.FetchResponse, error) {
			r.Hops, r.Capture = hops, &store.Capture{ID: 5}
			return &r, nil
		})
	}
	fetchErr := &monitor.FetchError{URL: src.URL, Transient: true, Err: errors.New("timeout")}
	tests := []struct {
		name  string
		f     monitor.Fetcher
		check func(t *testing.T, l *monitor.Listing, err error)
	}{
		{"not modified", answer(monitor.FetchResponse{URL: final, StatusCode: 304, NotModified: true}),
			func(t *testing.T, l *monitor.Listing, err error) {
				if err != nil || !l.NotModified || !slices.Equal(l.Captures, []int64{4, 5}) || l.Items != nil {
					t.Errorf("got %+v, %v; want NotModified with captures [4 5]", l, err)
				}
			}},
		{"ok after redirect", answer(monitor.FetchResponse{URL: final, StatusCode: 200,
			Body: []byte(`<rss><channel><item><link>/p/1</link></item></channel></rss>`)}),
			func(t *testing.T, l *monitor.Listing, err error) {
				if err != nil || len(l.Items) != 1 || l.Items[0].URL != "http://feeds.example/p/1" || !slices.Equal(l.Captures, []int64{4, 5}) {
					t.Errorf("got %+v, %v; want one item resolved against the final URL", l, err)
				}
			}},
		{"status", answer(monitor.FetchResponse{URL: final, StatusCode: 451}),
			func(t *testing.T, l *monitor.Listing, err error) {
				var se *monitor.StatusError
				if !errors.As(err, &se) || se.URL != final || se.StatusCode != 451 || se.CaptureID != 5 {
					t.Errorf("got %+v, %v; want StatusError 451 of %s, capture 5", l, err, final)
				}
			}},
		{"truncated", answer(monitor.FetchResponse{URL: final, StatusCode: 200, Truncated: true,
			Body: []byte(`<rss><channel><item><title>cut`)}),
			func(t *testing.T, l *monitor.Listing, err error) {
				var pe *monitor.ParseError
				if !errors.As(err, &pe) || pe.CaptureID != 5 || !strings.Contains(err.Error(), "max_body") {
					t.Errorf("got %+v, %v; want a ParseError about the size cap", l, err)
				}
			}},
		{"fetch error", monitor.FetcherFunc(func(context.Context, *monitor.FetchRequest) (*monitor.FetchResponse, error) {
			return nil, fetchErr
		}), func(t *testing.T, l *monitor.Listing, err error) {
			if !errors.Is(err, fetchErr) || !monitor.IsTransient(err) || !strings.HasPrefix(err.Error(), "feed: source s: ") {
				t.Errorf("got %+v, %v; want the fetch error wrapped", l, err)
			}
		}},
		{"html page", answer(monitor.FetchResponse{URL: final, StatusCode: 200,
			Header: http.Header{"Content-Type": {"text/html"}}, Body: []byte("<!DOCTYPE html><html><body>Log in</body></html>")}),
			func(t *testing.T, l *monitor.Listing, err error) {
				var pe *monitor.ParseError
				if !errors.As(err, &pe) || !strings.Contains(err.Error(), "not an RSS, Atom or JSON feed") {
					t.Errorf("got %+v, %v; want a ParseError saying it is no feed", l, err)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l, err := New().Collect(t.Context(), src, tc.f, monitor.CollectOptions{})
			tc.check(t, l, err)
		})
	}
}
