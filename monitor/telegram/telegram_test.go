package telegram

import (
	"context"
	"errors"
	"slices"
	"strconv"
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

func source(a *sandbox.Account) *config.Source {
	return &config.Source{ID: a.Name() + "-tg", Actor: a.Name(), Platform: "telegram", URL: a.TelegramURL(), Vantage: "direct"}
}

func collect(t *testing.T, f monitor.Fetcher, src *config.Source, pages int) *monitor.Listing {
	t.Helper()
	l, err := New().Collect(t.Context(), src, f, monitor.CollectOptions{Pages: pages})
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	return l
}

func ids(items []monitor.Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.PlatformID)
	}
	return out
}

func TestCollector_Collect(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	a := sb.AddAccount(0, "ministry")
	a.SetMedia("photo.jpg", 1234, "image/jpeg")
	a.SetMetric("subscribers", 1234567)
	a.SetMetric("followers", 5) // not Telegram's: not shown
	published := time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC)
	posts := []struct {
		post      sandbox.Post
		wantText  string
		wantMedia func(a *sandbox.Account) []string
	}{
		{
			post: sandbox.Post{ID: "statement", Title: "ignored: Telegram has no titles", Published: published,
				HTML:  `<p>Tom &amp; Jerry <b>said</b></p><script>alert("x")</script><p>twice</p>`,
				Media: []string{"photo.jpg", "https://cdn.example/v.mp4", "photo.jpg", "https://cdn.example/doc.pdf"}},
			wantText: "Tom & Jerry said\ntwice",
			wantMedia: func(a *sandbox.Account) []string {
				return []string{a.MediaURL("photo.jpg"), "https://cdn.example/v.mp4"}
			},
		},
		{
			post:     sandbox.Post{ID: "khmer", Published: published.Add(time.Hour), HTML: "<p>ចាប់ដៃរួមគ្នា\u200bធ្វើកិច្ច&nbsp;&nbsp;ធំមួយ</p>"},
			wantText: "ចាប់ដៃរួមគ្នា\u200bធ្វើកិច្ច ធំមួយ",
		},
		{
			post: sandbox.Post{ID: "escaped", Published: published.Add(2 * time.Hour), HTML: "&lt;p&gt;double &amp;amp; escaped&lt;/p&gt;"},
			// Telegram escapes what its author typed once: the reader
			// sees the markup, and so does the archive
			wantText: "<p>double &amp; escaped</p>",
		},
		{
			post:     sandbox.Post{ID: "nfd", Published: published.Add(3 * time.Hour), HTML: "Cafe\u0301 Ha\u0300 No\u0323\u0302i"},
			wantText: "Caf\u00e9 H\u00e0 N\u1ED9i",
		},
		{
			post:     sandbox.Post{ID: "42", Published: published.Add(4 * time.Hour), HTML: "<p>one<br>two</p>"},
			wantText: "one\ntwo",
		},
	}
	for _, p := range posts {
		a.Publish(p.post)
	}
	l := collect(t, fetchtest.New(t), source(a), 1)
	if len(l.Captures) != 1 || l.NotModified || l.Cursor != "" {
		t.Errorf("listing: captures %v, not modified %v, cursor %q; want 1 capture", l.Captures, l.NotModified, l.Cursor)
	}
	if want := []monitor.Metric{{Name: monitor.MetricSubscribers, Value: 1230000}}; !slices.Equal(l.Metrics, want) {
		t.Errorf("metrics %v, want %v (Telegram shows 1.23M)", l.Metrics, want)
	}
	if got, want := ids(l.Items), []string{"ministry/42", "ministry/nfd", "ministry/escaped", "ministry/khmer", "ministry/statement"}; !slices.Equal(got, want) {
		t.Fatalf("items %v, want %v (newest first)", got, want)
	}
	for i, p := range posts {
		it := l.Items[len(posts)-1-i]
		var wantMedia []string
		if p.wantMedia != nil {
			wantMedia = p.wantMedia(a)
		}
		if it.URL != a.TelegramPostURL(p.post.ID) || !it.Published.Equal(p.post.Published) || it.Title != "" ||
			it.Text != p.wantText || it.Text != normalize.Plain(it.Text) || !slices.Equal(it.Media, wantMedia) {
			t.Errorf("post %s:\n got %+v\nwant url %s, published %v, text %q, media %v",
				p.post.ID, it, a.TelegramPostURL(p.post.ID), p.post.Published, p.wantText, wantMedia)
		}
	}
}

func TestCollector_Collect_Pages(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	a := sb.AddAccount(0, "archive")
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for i := range 25 {
		a.Publish(sandbox.Post{HTML: "<p>n" + strconv.Itoa(i+1) + "</p>", Published: start.Add(time.Duration(i) * time.Minute)})
	}
	a.SetListingLimit(10)
	newest := func(n int) []string {
		var out []string
		for i := 25; i > 25-n; i-- {
			out = append(out, "archive/"+strconv.Itoa(i))
		}
		return out
	}
	tests := []struct {
		name      string
		pages     int
		want      []string
		wantFetch int
	}{
		{"zero pages reads one", 0, newest(10), 1},
		{"one page", 1, newest(10), 1},
		{"two pages", 2, newest(20), 2},
		{"every page", 3, newest(25), 3},
		{"more pages than there are", 9, newest(25), 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := fetchtest.New(t)
			l := collect(t, f, source(a), tt.pages)
			if got := ids(l.Items); !slices.Equal(got, tt.want) {
				t.Errorf("items %v, want %v", got, tt.want)
			}
			if len(f.URLs()) != tt.wantFetch || len(l.Captures) != tt.wantFetch {
				t.Errorf("fetched %v (captures %v), want %d pages", f.URLs(), l.Captures, tt.wantFetch)
			}
			for i, u := range f.URLs() {
				if i > 0 && !strings.HasPrefix(u, a.TelegramURL()+"?before=") {
					t.Errorf("page %d: %s, want a ?before= page of %s", i+1, u, a.TelegramURL())
				}
			}
		})
	}

	// A later page that fails ends the backfill with what was read; a
	// first page that fails is an error.
	a.FailNext(1, sandbox.Status(500))
	l, err := New().Collect(t.Context(), source(a), fetchtest.New(t), monitor.CollectOptions{Pages: 3})
	if err == nil {
		t.Fatalf("first page failing: %d items, want an error", len(l.Items))
	}
	a.FailNext(1, sandbox.Slow(0)) // the first page goes through …
	a.FailNext(1, sandbox.Status(503))
	l = collect(t, fetchtest.New(t), source(a), 3)
	if got := ids(l.Items); !slices.Equal(got, newest(10)) || len(l.Captures) != 2 {
		t.Errorf("second page failing: items %v, captures %v; want the first page and both captures", got, l.Captures)
	}
}

func TestCollector_Collect_Listing(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	a := sb.AddAccount(0, "glitchy")
	a.SetMetric("subscribers", 12)
	var posts []string
	for i := range 5 {
		posts = append(posts, a.Publish(sandbox.Post{HTML: "<p>post " + strconv.Itoa(i) + "</p>"}))
	}
	f, src := fetchtest.New(t), source(a)
	if got := collect(t, f, src, 1); len(got.Items) != 5 {
		t.Fatalf("%d items, want 5", len(got.Items))
	}

	l := collect(t, f, src, 1)
	if !l.NotModified || len(l.Items) != 0 || len(l.Captures) != 1 || !f.Last(t).Conditional {
		t.Errorf("unchanged page: %+v, want NotModified after a conditional request", l)
	}

	a.Edit(posts[2], "<p>post 2, <i>corrected</i></p>")
	l = collect(t, f, src, 1)
	if l.NotModified || l.Items[2].Text != "post 2, corrected" {
		t.Errorf("after an edit: %+v, want the new text", l.Items)
	}

	// Removals, hidden posts and an empty listing: what the preview shows.
	a.Delete(posts[0], sandbox.RedirectHome)
	a.Withhold(posts[1], "")
	a.Restrict(posts[3], sandbox.Forbidden403)
	a.HideFromListing(posts[4], true)
	if got := ids(collect(t, f, src, 1).Items); !slices.Equal(got, []string{"glitchy/" + posts[2]}) {
		t.Errorf("items %v, want only post %s", got, posts[2])
	}
	a.EmptyListing(true)
	l = collect(t, f, src, 2)
	if len(l.Items) != 0 || len(l.Metrics) != 1 || l.Metrics[0].Value != 12 {
		t.Errorf("empty listing: %d items, metrics %v; want none and subscribers 12", len(l.Items), l.Metrics)
	}
}

func TestCollector_Collect_Errors(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	a := sb.AddAccount(0, "erring")
	a.Publish(sandbox.Post{HTML: "<p>x</p>"})
	gone := sb.AddAccount(0, "suspended")
	gone.Publish(sandbox.Post{HTML: "<p>y</p>"})
	gone.Suspend()

	statusOf := func(code int) func(t *testing.T, err error) {
		return func(t *testing.T, err error) {
			var se *monitor.StatusError
			if !errors.As(err, &se) || se.StatusCode != code || se.CaptureID == 0 {
				t.Errorf("err = %v (%T), want a StatusError %d with its capture", err, err, code)
			}
		}
	}
	parseErr := func(want string) func(t *testing.T, err error) {
		return func(t *testing.T, err error) {
			var pe *monitor.ParseError
			if !errors.As(err, &pe) || pe.CaptureID == 0 || !strings.Contains(err.Error(), want) {
				t.Errorf("err = %v (%T), want a ParseError with its capture saying %q", err, err, want)
			}
		}
	}
	accountGone := func(detail string) func(t *testing.T, err error) {
		return func(t *testing.T, err error) {
			var ag *monitor.AccountGoneError
			if !errors.As(err, &ag) || ag.Detail != detail || ag.CaptureID != 7 {
				t.Errorf("err = %v (%T), want AccountGoneError %q of capture 7", err, err, detail)
			}
		}
	}
	stub := []byte(`<html><head><title>Telegram: Contact @erring</title></head><body><div class="tgme_page_wrap"><div class="tgme_page">` +
		`<div class="tgme_page_description">If you have <strong>Telegram</strong>, you can contact <a class="tgme_username_link" href="tg://resolve?domain=erring">@erring</a> right away.</div>` +
		`</div></div></body></html>`)
	tests := []struct {
		name  string
		src   *config.Source
		f     func(t *testing.T) monitor.Fetcher
		setup func()
		check func(t *testing.T, err error)
	}{
		{"suspended: redirected to the account's page, 410", source(gone), func(t *testing.T) monitor.Fetcher { return fetchtest.New(t) }, nil, statusOf(410)},
		{"unknown channel: redirected to its page, 404",
			&config.Source{ID: "nobody", URL: strings.Replace(a.TelegramURL(), "/s/erring", "/s/nobody", 1)},
			func(t *testing.T) monitor.Fetcher { return fetchtest.New(t) }, nil, statusOf(404)},
		{"503", source(a), func(t *testing.T) monitor.Fetcher { return fetchtest.New(t) },
			func() { a.FailNext(1, sandbox.Status(503)) }, statusOf(503)},
		{"malformed page", source(a), func(t *testing.T) monitor.Fetcher { return fetchtest.New(t) },
			func() { a.FailNext(1, sandbox.Malformed()) }, parseErr("not a Telegram channel preview")},
		{"connection reset", source(a), func(t *testing.T) monitor.Fetcher { return fetchtest.New(t) },
			func() { a.FailNext(2, sandbox.Reset()) }, func(t *testing.T, err error) {
				if !monitor.IsTransient(err) || !strings.HasPrefix(err.Error(), "telegram: source erring-tg: ") {
					t.Errorf("err = %v, want a transient fetch error naming the source", err)
				}
			}},
		{"channel not found page", source(a), func(*testing.T) monitor.Fetcher { return serve(200, stub) }, nil, accountGone("channel not found")},
		{"blocked channel page", source(a), func(*testing.T) monitor.Fetcher {
			return serve(200, []byte(`<div class="tgme_page"><div class="tgme_page_title">X</div><div class="tgme_page_description">This channel can't be displayed because it violated Telegram's Terms of Service.</div></div>`))
		}, nil, accountGone("This channel can't be displayed because it violated Telegram's Terms of Service.")},
		{"a group's page is no loss", source(a), func(*testing.T) monitor.Fetcher {
			return serve(200, []byte(`<div class="tgme_page"><div class="tgme_page_title">Group</div><div class="tgme_page_extra">5 members</div></div>`))
		}, nil, parseErr("shows no preview")},
		{"truncated page", source(a), func(*testing.T) monitor.Fetcher {
			return monitor.FetcherFunc(func(_ context.Context, req *monitor.FetchRequest) (*monitor.FetchResponse, error) {
				return &monitor.FetchResponse{URL: req.URL, StatusCode: 200, Body: []byte("<div"), Truncated: true, Capture: &store.Capture{ID: 7}}, nil
			})
		}, nil, parseErr("cut at the size cap")},
		{"not a channel URL", &config.Source{ID: "bad", URL: "https://t.me/joinchat/abc"}, func(*testing.T) monitor.Fetcher { return serve(200, nil) }, nil,
			func(t *testing.T, err error) {
				if err == nil || !strings.Contains(err.Error(), "names no channel") {
					t.Errorf("err = %v, want a bad URL error", err)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Cleanup(a.ClearFailures)
			if tt.setup != nil {
				tt.setup()
			}
			l, err := New().Collect(t.Context(), tt.src, tt.f(t), monitor.CollectOptions{Pages: 1})
			if err == nil {
				t.Fatalf("Collect = %d items, want an error", len(l.Items))
			}
			tt.check(t, err)
		})
	}
}

func TestChannelOf(t *testing.T) {
	tests := []struct {
		url, base, channel string
	}{
		{"https://t.me/s/durov", "https://t.me", "durov"},
		{"https://t.me/s/durov/", "https://t.me", "durov"},
		{"https://t.me/durov", "https://t.me", "durov"},
		{"https://t.me/@durov", "https://t.me", "durov"},
		{"https://t.me/s/durov/123", "", ""},
		{"http://127.0.0.2:8080/s/acc", "http://127.0.0.2:8080", "acc"},
		{"https://t.me/s/", "", ""},
		{"https://t.me/+AbCdEf", "", ""},
		{"https://t.me/joinchat/AbCdEf", "", ""},
		{"t.me/s/durov", "", ""},
		{"ftp://t.me/s/durov", "", ""},
	}
	for _, tt := range tests {
		base, channel, err := channelOf(tt.url)
		if base != tt.base || channel != tt.channel || (err == nil) != (tt.base != "") {
			t.Errorf("channelOf(%q) = %q, %q, %v; want %q, %q", tt.url, base, channel, err, tt.base, tt.channel)
		}
	}
}
