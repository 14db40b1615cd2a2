package sandbox_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/internal/sandbox"
	"github.com/takedownwatch/takedownwatch/internal/sandbox/sandboxtest"
)

var (
	pressBase  = regexp.MustCompile(`<base href="([^"]+)">`)
	pressTitle = regexp.MustCompile(`<h2 class="title"><a href="([^"]+)">`)
	pressDate  = regexp.MustCompile(`<p class="date">([^<]*)</p>`)
	pressNext  = regexp.MustCompile(`<a rel="next" href="([^"]+)">`)
)

// pressPage is what a browser makes of a press page: absolute permalinks,
// dates, and the absolute URL of the next page ("" on the last).
func pressPage(t *testing.T, body string) (links, dates []string, next string) {
	t.Helper()
	m := pressBase.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no <base> in\n%s", body)
	}
	base, err := url.Parse(m[1])
	if err != nil {
		t.Fatal(err)
	}
	abs := func(ref string) string {
		u, err := url.Parse(ref)
		if err != nil {
			t.Fatal(err)
		}
		return base.ResolveReference(u).String()
	}
	for _, m := range pressTitle.FindAllStringSubmatch(body, -1) {
		links = append(links, abs(m[1]))
	}
	for _, m := range pressDate.FindAllStringSubmatch(body, -1) {
		dates = append(dates, m[1])
	}
	if m := pressNext.FindStringSubmatch(body); m != nil {
		next = abs(m[1])
	}
	return links, dates, next
}

func TestPress_Pages(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	c := newClient(t)
	a := sb.AddAccount(0, "ministry")
	start := time.Date(2026, 11, 28, 9, 30, 0, 0, time.UTC)
	for i := range 25 {
		n := (i * 7) % 25 // out of order: pages sort by publish time
		a.Publish(sandbox.Post{ID: fmt.Sprint(n), Title: "Release " + fmt.Sprint(n), HTML: "<p>text</p>",
			Published: start.Add(time.Duration(n) * time.Hour)})
	}
	a.SetListingLimit(10)
	ids := func(from, to int) []string { // newest first: 24 … 0
		var out []string
		for n := 24 - from; n > 24-to; n-- {
			out = append(out, a.PostURL(fmt.Sprint(n)))
		}
		return out
	}
	tests := []struct {
		page      string
		wantLinks []string
		wantNext  string
	}{
		{"", ids(0, 10), a.PressURL() + "?page=2"},
		{"?page=1", ids(0, 10), a.PressURL() + "?page=2"},
		{"?page=2", ids(10, 20), a.PressURL() + "?page=3"},
		{"?page=3", ids(20, 25), ""},
		{"?page=4", nil, ""},
	}
	for _, tc := range tests {
		t.Run("page"+tc.page, func(t *testing.T) {
			resp, body := fetch(t, c, a.PressURL()+tc.page, nil)
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
				t.Fatalf("status %d, type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			links, dates, next := pressPage(t, body)
			if !slices.Equal(links, tc.wantLinks) || next != tc.wantNext {
				t.Errorf("links %v\nnext %q\nwant %v\nnext %q", links, next, tc.wantLinks, tc.wantNext)
			}
			if len(dates) != len(links) {
				t.Fatalf("%d dates for %d links", len(dates), len(links))
			}
			for i, d := range dates {
				got, err := time.Parse(sandbox.PressDateLayout, d)
				id := strings.TrimPrefix(links[i], a.HomeURL()+"/posts/")
				want, _ := a.Post(id)
				if err != nil || !got.Equal(want.Published) {
					t.Errorf("date %q of %s = %v, %v; want %v", d, id, got, err, want.Published)
				}
			}
		})
	}
	// Every link is a permalink that answers.
	links, _, _ := pressPage(t, func() string { _, b := fetch(t, c, a.PressURL(), nil); return b }())
	if resp, _ := fetch(t, c, links[0], nil); resp.StatusCode != http.StatusOK {
		t.Errorf("GET %s: %d", links[0], resp.StatusCode)
	}
}

func TestPress_States(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	c := newClient(t)
	tests := []struct {
		name       string
		script     func(a *sandbox.Account)
		query      string
		wantStatus int
		wantLinks  int
		wantText   string
	}{
		{"window", func(a *sandbox.Account) { a.SetListingLimit(3) }, "", 200, 3, `rel="next"`},
		{"unlimited window is one page", func(a *sandbox.Account) { a.SetListingLimit(0) }, "", 200, 5, "Page 1</span></nav>"},
		{"deleted, withheld, restricted and hidden posts are left out", func(a *sandbox.Account) {
			a.Delete("1", sandbox.Gone404)
			a.Withhold("2", "")
			a.Restrict("3", sandbox.Forbidden403)
			a.HideFromListing("4", true)
		}, "", 200, 1, ">Release 5<"},
		{"empty listing", func(a *sandbox.Account) { a.EmptyListing(true) }, "", 200, 0, "No press releases found."},
		{"suspended", func(a *sandbox.Account) { a.Suspend() }, "", http.StatusGone, 0, sandbox.SuspendedText},
		{"bad page", func(*sandbox.Account) {}, "?page=0", http.StatusNotFound, 0, ""},
		{"garbage page", func(*sandbox.Account) {}, "?page=x", http.StatusNotFound, 0, ""},
		{"failure queue applies", func(a *sandbox.Account) { a.FailNext(1, sandbox.Status(503)) }, "", 503, 0, ""},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := sb.AddAccount(0, fmt.Sprintf("party%d", i))
			for n := 1; n <= 5; n++ {
				a.Publish(sandbox.Post{ID: fmt.Sprint(n), Title: fmt.Sprint("Release ", n), HTML: "<p>x</p>",
					Published: time.Date(2026, 1, n, 0, 0, 0, 0, time.UTC)})
			}
			tc.script(a)
			resp, body := fetch(t, c, a.PressURL()+tc.query, nil)
			if resp.StatusCode != tc.wantStatus {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.wantStatus)
			}
			if got := strings.Count(body, `<article class="press-release">`); got != tc.wantLinks {
				t.Errorf("%d releases, want %d", got, tc.wantLinks)
			}
			if !strings.Contains(body, tc.wantText) {
				t.Errorf("body lacks %q:\n%s", tc.wantText, body)
			}
		})
	}
}

func TestPress_ConditionalGet(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	c := newClient(t)
	a := sb.AddAccount(0, "ministry")
	id := a.Publish(sandbox.Post{Title: "t", HTML: "<p>v1</p>"})
	resp, _ := fetch(t, c, a.PressURL(), nil)
	etag := resp.Header.Get("ETag")
	if resp, _ := fetch(t, c, a.PressURL(), http.Header{"If-None-Match": {etag}}); resp.StatusCode != http.StatusNotModified {
		t.Errorf("unchanged page: status %d, want 304", resp.StatusCode)
	}
	a.Edit(id, "<p>v2</p>")
	resp, body := fetch(t, c, a.PressURL(), http.Header{"If-None-Match": {etag}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "v2") {
		t.Errorf("after Edit: status %d; want 200 with v2", resp.StatusCode)
	}
}
