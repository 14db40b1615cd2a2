package sandbox_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/internal/sandbox"
	"github.com/takedownwatch/takedownwatch/internal/sandbox/sandboxtest"
)

func TestConditionalGet(t *testing.T) {
	// A frozen clock is the hard case: every change happens "at the same
	// second", and If-Modified-Since must still see the edit.
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	sb := sandboxtest.New(t, sandbox.Options{Clock: func() time.Time { return now }})
	tests := []struct {
		name string
		url  func(a *sandbox.Account, id string) string
	}{
		{"rss", func(a *sandbox.Account, _ string) string { return a.FeedURL() }},
		{"atom", func(a *sandbox.Account, _ string) string { return a.AtomURL() }},
		{"home", func(a *sandbox.Account, _ string) string { return a.HomeURL() }},
		{"permalink", func(a *sandbox.Account, id string) string { return a.PostURL(id) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newClient(t)
			a := sb.AddAccount(0, tc.name)
			id := a.Publish(sandbox.Post{Title: "t", HTML: "<p>v1</p>"})
			u := tc.url(a, id)

			resp, _ := fetch(t, c, u, nil)
			etag, lm := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
			if resp.StatusCode != http.StatusOK || !strings.HasPrefix(etag, `"`) || lm == "" {
				t.Fatalf("first GET: status %d, ETag %q, Last-Modified %q", resp.StatusCode, etag, lm)
			}
			for _, h := range []http.Header{{"If-None-Match": {etag}}, {"If-Modified-Since": {lm}}} {
				resp, body := fetch(t, c, u, h)
				if resp.StatusCode != http.StatusNotModified || body != "" {
					t.Errorf("GET with %v: status %d, body %q; want 304", h, resp.StatusCode, body)
				}
			}

			a.Edit(id, "<p>v2</p>")
			for _, h := range []http.Header{{"If-None-Match": {etag}}, {"If-Modified-Since": {lm}}} {
				resp, body := fetch(t, c, u, h)
				if resp.StatusCode != http.StatusOK || !strings.Contains(body, "v2") {
					t.Errorf("GET after Edit with %v: status %d; want 200 with v2", h, resp.StatusCode)
				}
				if got := resp.Header.Get("ETag"); got == etag {
					t.Errorf("ETag unchanged after Edit: %s", got)
				}
			}

			// A change of the account that leaves these bytes alone
			// keeps the validators.
			before, _ := fetch(t, c, u, nil)
			a.SetMedia("unused.bin", 1, "")
			after, _ := fetch(t, c, u, nil)
			if before.Header.Get("ETag") != after.Header.Get("ETag") {
				t.Errorf("ETag changed without a change: %s, %s", before.Header.Get("ETag"), after.Header.Get("ETag"))
			}
		})
	}
}

func TestFeed_Items(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	c := newClient(t)
	a := sb.AddAccount(0, "alice")
	a.SetMedia("photo.jpg", 1234, "image/jpeg")
	published := time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC)
	id := a.Publish(sandbox.Post{
		Title:     "Statement",
		HTML:      `<p>Tom &amp; Jerry <b>said</b></p>`,
		Published: published,
		Media:     []string{"photo.jpg", "https://cdn.example/v.mp4"},
	})

	_, body := fetch(t, c, a.FeedURL(), nil)
	items := parseRSS(t, body).Channel.Items
	if len(items) != 1 {
		t.Fatalf("RSS items = %d, want 1", len(items))
	}
	it := items[0]
	for _, f := range []struct{ name, got, want string }{
		{"title", it.Title, "Statement"},
		{"link", it.Link, a.PostURL(id)},
		{"guid", it.GUID.Value, a.PostURL(id)},
		{"guid isPermaLink", it.GUID.IsPermaLink, "true"},
		{"pubDate", it.PubDate, "Tue, 03 Feb 2026 04:05:06 +0000"},
		{"description", it.Description, `<p>Tom &amp; Jerry <b>said</b></p>`},
	} {
		if f.got != f.want {
			t.Errorf("RSS %s = %q, want %q", f.name, f.got, f.want)
		}
	}
	wantEnc := []string{
		fmt.Sprintf("%s 1234 image/jpeg", a.MediaURL("photo.jpg")),
		"https://cdn.example/v.mp4 0 video/mp4",
	}
	var gotEnc []string
	for _, e := range it.Enclosures {
		gotEnc = append(gotEnc, fmt.Sprintf("%s %d %s", e.URL, e.Length, e.Type))
	}
	if fmt.Sprint(gotEnc) != fmt.Sprint(wantEnc) {
		t.Errorf("RSS enclosures = %v, want %v", gotEnc, wantEnc)
	}

	_, body = fetch(t, c, a.AtomURL(), nil)
	entries := parseAtom(t, body).Entries
	if len(entries) != 1 {
		t.Fatalf("Atom entries = %d, want 1", len(entries))
	}
	e := entries[0]
	if want := "tag:sandbox.invalid,2026:host0/alice/posts/" + id; e.ID != want {
		t.Errorf("Atom id = %q, want %q", e.ID, want)
	}
	if e.Published != "2026-02-03T04:05:06Z" || e.Content != `<p>Tom &amp; Jerry <b>said</b></p>` {
		t.Errorf("Atom entry = %+v", e)
	}
	var alternate string
	gotEnc = nil
	for _, l := range e.Links {
		switch l.Rel {
		case "alternate":
			alternate = l.Href
		case "enclosure":
			gotEnc = append(gotEnc, fmt.Sprintf("%s %d %s", l.Href, l.Length, l.Type))
		}
	}
	if alternate != a.PostURL(id) {
		t.Errorf("Atom alternate = %q, want %q", alternate, a.PostURL(id))
	}
	if fmt.Sprint(gotEnc) != fmt.Sprint(wantEnc) {
		t.Errorf("Atom enclosures = %v, want %v", gotEnc, wantEnc)
	}
}

func TestFeed_Listing(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	c := newClient(t)
	a := sb.AddAccount(0, "alice")
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 25 {
		// Out of order on purpose: listings sort by publish time.
		n := (i * 7) % 25
		a.Publish(sandbox.Post{ID: fmt.Sprint(n), HTML: "post", Published: start.Add(time.Duration(n) * time.Hour)})
	}
	tests := []struct {
		name   string
		script func()
		want   int // items, the newest being post 24
	}{
		{"default window", func() {}, sandbox.DefaultListingLimit},
		{"limit 5", func() { a.SetListingLimit(5) }, 5},
		{"unlimited", func() { a.SetListingLimit(0) }, 25},
		{"empty", func() { a.EmptyListing(true) }, 0},
		{"empty off", func() { a.EmptyListing(false); a.SetListingLimit(3) }, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.script()
			_, body := fetch(t, c, a.FeedURL(), nil)
			items := parseRSS(t, body).Channel.Items
			_, body = fetch(t, c, a.AtomURL(), nil)
			entries := parseAtom(t, body).Entries
			_, home := fetch(t, c, a.HomeURL(), nil)
			if len(items) != tc.want || len(entries) != tc.want {
				t.Fatalf("RSS %d items, Atom %d entries; want %d", len(items), len(entries), tc.want)
			}
			if got := strings.Count(home, `<li class="item">`); got != tc.want {
				t.Errorf("home lists %d posts, want %d", got, tc.want)
			}
			for i, it := range items {
				if want := a.PostURL(fmt.Sprint(24 - i)); it.Link != want {
					t.Errorf("item %d = %s, want %s", i, it.Link, want)
				}
			}
		})
	}
}

func TestFeed_Hostile(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	c := newClient(t)
	a := sb.AddAccount(0, "alice")
	hostile := "<script>alert('x')</script>]]><![CDATA[ & &bogus; \xff\xfe bad utf8 \x00\x01\x0b\x1f ctl \uFFFE \"quoted\" </description></item>"
	id := a.Publish(sandbox.Post{Title: "T\x00itle \xc3", HTML: hostile, Media: []string{"x\x01.jpg"}})

	_, body := fetch(t, c, a.FeedURL(), nil)
	items := parseRSS(t, body).Channel.Items
	if len(items) != 1 || !strings.Contains(items[0].Description, "<script>alert('x')</script>]]>") {
		t.Errorf("RSS items = %+v", items)
	}
	_, body = fetch(t, c, a.AtomURL(), nil)
	if entries := parseAtom(t, body).Entries; len(entries) != 1 || !strings.Contains(entries[0].Content, "\uFFFD") {
		t.Errorf("Atom entries = %+v", entries)
	}
	// The permalink passes the bytes through untouched: hostile is hostile.
	_, page := fetch(t, c, a.PostURL(id), nil)
	if !strings.Contains(page, `<article class="post">`+hostile+`</article>`) {
		t.Errorf("permalink altered the post:\n%q", page)
	}
}
