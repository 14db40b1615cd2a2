package bluesky

import (
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

func TestClient_Collect(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	a := sb.AddAccount(0, "gov")
	a.SetMedia("flag.png", 2048, "image/png")
	a.SetMetric("followers", 1200)
	a.SetMetric("following", 30)
	a.SetMetric("posts", 456)
	published := time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC)
	posts := []struct {
		post      sandbox.Post
		wantText  string
		wantMedia func() []string
	}{
		{
			post: sandbox.Post{ID: "statement", Published: published,
				HTML: `<p>Tom &amp; Jerry <b>said</b></p><p>twice</p>`, Media: []string{"flag.png", "https://cdn.example/v.mp4"}},
			wantText:  "Tom & Jerry said\ntwice",
			wantMedia: func() []string { return []string{a.MediaURL("flag.png")} },
		},
		{
			post:     sandbox.Post{ID: "khmer", Published: published.Add(time.Hour), HTML: "<p>ចាប់ដៃរួមគ្នា\u200bធ្វើកិច្ច&nbsp;&nbsp;ធំមួយ</p>"},
			wantText: "ចាប់ដៃរួមគ្នា\u200bធ្វើកិច្ច ធំមួយ",
		},
		{
			post:     sandbox.Post{ID: "nfd", Published: published.Add(2 * time.Hour), HTML: "Cafe\u0301 Ha\u0300 No\u0323\u0302i"},
			wantText: "Caf\u00e9 H\u00e0 N\u1ED9i",
		},
		{
			// A Bluesky post is plain text: what looks like markup is
			// what the post says.
			post:     sandbox.Post{ID: "markup", Published: published.Add(3 * time.Hour), HTML: "<p>I &lt;3 &lt;b&gt;free&lt;/b&gt; press &amp;amp; &lt;img src=x onerror=alert(1)&gt;</p>"},
			wantText: "I <3 <b>free</b> press &amp; <img src=x onerror=alert(1)>",
		},
	}
	for _, p := range posts {
		a.Publish(p.post)
	}
	f := fetchtest.New(t)
	l, err := New().Collect(t.Context(), source(a), f, monitor.CollectOptions{Pages: 1})
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	if l.Cursor != a.BlueskyDID() {
		t.Errorf("Cursor %q, want the DID %s", l.Cursor, a.BlueskyDID())
	}
	wantMetrics := []monitor.Metric{{Name: "followers", Value: 1200}, {Name: "following", Value: 30}, {Name: "posts", Value: 456}}
	if !slices.Equal(l.Metrics, wantMetrics) {
		t.Errorf("Metrics %v, want %v", l.Metrics, wantMetrics)
	}
	if want := []string{"app.bsky.actor.getProfile", "com.atproto.sync.getRepoStatus", "app.bsky.feed.getAuthorFeed"}; !slices.Equal(methods(f), want) {
		t.Errorf("asked %v, want %v", methods(f), want)
	}
	if got := lastCall(f, "getAuthorFeed").Header.Get("Atproto-Accept-Labelers"); !strings.Contains(got, sandbox.BlueskyGeoLabeler) {
		t.Errorf("atproto-accept-labelers %q does not name the geographic labelers", got)
	}
	if len(l.Items) != len(posts) || len(l.Captures) != 2 {
		t.Fatalf("%d items, %d captures; want %d and 2 (profile, feed)", len(l.Items), len(l.Captures), len(posts))
	}
	for i, p := range posts {
		it := l.Items[len(posts)-1-i] // newest first
		if it.PlatformID != a.BlueskyPostURI(p.post.ID) || it.URL != a.BlueskyPostURL(p.post.ID) {
			t.Errorf("%s: PlatformID %q URL %q, want %q %q", p.post.ID, it.PlatformID, it.URL, a.BlueskyPostURI(p.post.ID), a.BlueskyPostURL(p.post.ID))
		}
		if !it.Published.Equal(p.post.Published) || it.Title != "" {
			t.Errorf("%s: published %v title %q", p.post.ID, it.Published, it.Title)
		}
		if it.Text != p.wantText || normalize.Plain(it.Text) != it.Text {
			t.Errorf("%s: text %q, want %q", p.post.ID, it.Text, p.wantText)
		}
		var wantMedia []string
		if p.wantMedia != nil {
			wantMedia = p.wantMedia()
		}
		if !slices.Equal(it.Media, wantMedia) {
			t.Errorf("%s: media %v, want %v", p.post.ID, it.Media, wantMedia)
		}
	}
}

func TestClient_Collect_Pages(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	a := sb.AddAccount(0, "gov")
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var ids []string // newest first
	for i := range 7 {
		ids = append([]string{a.Publish(sandbox.Post{HTML: fmt.Sprintf("<p>post %d</p>", i), Published: at.Add(time.Duration(i) * time.Minute)})}, ids...)
	}
	c := New(WithPageSize(3))
	tests := []struct {
		pages     int
		want      int
		feedCalls int
	}{
		{0, 3, 1},
		{1, 3, 1},
		{2, 6, 2},
		{5, 7, 3}, // the third page has no cursor: the end
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("pages %d", tt.pages), func(t *testing.T) {
			f := fetchtest.New(t)
			l, err := c.Collect(t.Context(), source(a), f, monitor.CollectOptions{Pages: tt.pages})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, it := range l.Items {
				got = append(got, it.PlatformID)
			}
			var want []string
			for _, id := range ids[:tt.want] {
				want = append(want, a.BlueskyPostURI(id))
			}
			if !slices.Equal(got, want) {
				t.Errorf("items %v, want %v", got, want)
			}
			calls := 0
			for _, m := range methods(f) {
				if m == "app.bsky.feed.getAuthorFeed" {
					calls++
				}
			}
			if calls != tt.feedCalls {
				t.Errorf("%d getAuthorFeed calls, want %d", calls, tt.feedCalls)
			}
		})
	}
}

func TestClient_Collect_KeptDID(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	a := sb.AddAccount(0, "gov")
	b := sb.AddAccount(0, "opp")
	a.Publish(sandbox.Post{HTML: "<p>a</p>"})
	b.Publish(sandbox.Post{HTML: "<p>b</p>"})
	c := New()

	// The kept DID is the actor, and the listing is the DID's.
	f := fetchtest.New(t)
	l, err := c.Collect(t.Context(), source(a), f, monitor.CollectOptions{Cursor: a.BlueskyDID()})
	if err != nil {
		t.Fatal(err)
	}
	if got := lastCall(f, "getProfile").URL; !strings.Contains(got, "actor="+strings.ReplaceAll(a.BlueskyDID(), ":", "%3A")) {
		t.Errorf("profile asked as %s, want by DID", got)
	}
	if len(l.Items) != 1 || l.Cursor != a.BlueskyDID() {
		t.Errorf("items %+v, cursor %s", l.Items, l.Cursor)
	}

	// The source's URL now names another account: that one is followed.
	f = fetchtest.New(t)
	l, err = c.Collect(t.Context(), source(b), f, monitor.CollectOptions{Cursor: a.BlueskyDID()})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Items) != 1 || l.Items[0].PlatformID != b.BlueskyPostURI("1") || l.Cursor != b.BlueskyDID() {
		t.Errorf("after the URL changed: items %+v, cursor %s; want opp's", l.Items, l.Cursor)
	}

	// A handle that resolves nowhere (the account renamed itself) keeps
	// the DID.
	src := source(a)
	src.URL = a.BlueskyAPIBase() + "/profile/old-name.sandbox.test"
	l, err = c.Collect(t.Context(), src, fetchtest.New(t), monitor.CollectOptions{Cursor: a.BlueskyDID()})
	if err != nil || l.Cursor != a.BlueskyDID() || len(l.Items) != 1 {
		t.Errorf("renamed account: %v, %+v", err, l)
	}
}

func TestClient_Collect_Listing(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	a := sb.AddAccount(0, "gov")
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var ids []string
	for i := range 5 {
		ids = append(ids, a.Publish(sandbox.Post{HTML: fmt.Sprintf("<p>post %d</p>", i), Published: at.Add(time.Duration(i) * time.Minute)}))
	}
	a.Delete(ids[0], sandbox.Gone404)
	a.Withhold(ids[1], "")
	a.Restrict(ids[2], sandbox.Forbidden403)
	a.HideFromListing(ids[3], true)
	l, err := New().Collect(t.Context(), source(a), fetchtest.New(t), monitor.CollectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Items) != 1 || l.Items[0].PlatformID != a.BlueskyPostURI(ids[4]) {
		t.Errorf("items %+v, want only %s", l.Items, ids[4])
	}
	a.EmptyListing(true)
	l, err = New().Collect(t.Context(), source(a), fetchtest.New(t), monitor.CollectOptions{})
	if err != nil || len(l.Items) != 0 || l.Cursor != a.BlueskyDID() {
		t.Errorf("empty listing: %v, %+v", err, l)
	}
}

func TestClient_Collect_Errors(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	tests := []struct {
		name     string
		noCursor bool // the first collection: no DID kept
		setup    func(a *sandbox.Account, src *config.Source)
		// check the error.
		check func(t *testing.T, err error)
	}{
		{"suspended, DID kept", false, func(a *sandbox.Account, _ *config.Source) { a.Suspend() }, func(t *testing.T, err error) {
			var ag *monitor.AccountGoneError
			if !errors.As(err, &ag) || ag.Detail != "suspended" || ag.CaptureID == 0 {
				t.Errorf("err %v (%T), want account gone: suspended (the repository's word)", err, err)
			}
		}},
		{"suspended, DID not known yet", true, func(a *sandbox.Account, _ *config.Source) { a.Suspend() }, func(t *testing.T, err error) {
			var ag *monitor.AccountGoneError
			if !errors.As(err, &ag) || ag.Detail != "takendown" || ag.CaptureID == 0 {
				t.Errorf("err %v (%T), want account gone: takendown (the AppView's word)", err, err)
			}
		}},
		{"unknown handle", true, func(_ *sandbox.Account, src *config.Source) {
			src.URL = strings.Replace(src.URL, "/profile/", "/profile/nobody-", 1)
		}, func(t *testing.T, err error) {
			var se *monitor.StatusError
			var ag *monitor.AccountGoneError
			if !errors.As(err, &se) || se.StatusCode != http.StatusBadRequest || errors.As(err, &ag) || !strings.Contains(err.Error(), "Profile not found") {
				t.Errorf("err %v, want a 400 StatusError saying Profile not found", err)
			}
		}},
		{"503", false, func(a *sandbox.Account, _ *config.Source) { a.FailNext(1, sandbox.Status(503)) }, func(t *testing.T, err error) {
			var se *monitor.StatusError
			if !errors.As(err, &se) || se.StatusCode != 503 {
				t.Errorf("err %v, want a 503 StatusError", err)
			}
		}},
		{"malformed", false, func(a *sandbox.Account, _ *config.Source) { a.FailNext(1, sandbox.Malformed()) }, func(t *testing.T, err error) {
			var pe *monitor.ParseError
			if !errors.As(err, &pe) || pe.CaptureID == 0 {
				t.Errorf("err %v, want a ParseError with its capture", err)
			}
		}},
		{"feed fails after the profile", false, func(a *sandbox.Account, _ *config.Source) {
			a.FailNext(2, sandbox.Slow(0)) // profile and repo status go through
			a.FailNext(1, sandbox.Status(502))
		}, func(t *testing.T, err error) {
			var se *monitor.StatusError
			if !errors.As(err, &se) || se.StatusCode != 502 || !strings.Contains(se.URL, "getAuthorFeed") {
				t.Errorf("err %v, want a 502 StatusError of the feed", err)
			}
		}},
		{"no XRPC at api_base", false, func(_ *sandbox.Account, src *config.Source) { src.APIBase += "/nowhere" }, func(t *testing.T, err error) {
			var se *monitor.StatusError
			if err == nil || errors.As(err, &se) {
				t.Errorf("err %v: a 404 from a wrong api_base must not read as the account's 404", err)
			}
		}},
		{"not a profile URL", false, func(a *sandbox.Account, src *config.Source) { src.URL = a.HomeURL() }, func(t *testing.T, err error) {
			if err == nil || !strings.Contains(err.Error(), "not a profile URL") {
				t.Errorf("err %v", err)
			}
		}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := sb.AddAccount(0, fmt.Sprintf("acc%d", i))
			a.Publish(sandbox.Post{HTML: "<p>x</p>"})
			src := source(a)
			tt.setup(a, src)
			opt := monitor.CollectOptions{Cursor: a.BlueskyDID()}
			if tt.noCursor {
				opt.Cursor = ""
			}
			l, err := New().Collect(t.Context(), src, fetchtest.New(t), opt)
			if l != nil {
				t.Errorf("listing %+v with error %v", l, err)
			}
			tt.check(t, err)
		})
	}
}
