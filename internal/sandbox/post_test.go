package sandbox_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/internal/sandbox"
	"github.com/takedownwatch/takedownwatch/internal/sandbox/sandboxtest"
)

func TestAccount_Removals(t *testing.T) {
	const blockedBy = "https://lumendatabase.org/notices/123"
	tests := []struct {
		name   string
		script func(a *sandbox.Account, id string)
		status int
		// header returns the headers the answer must carry (value "" means absent).
		header func(a *sandbox.Account, host string) map[string]string
		body   string
	}{
		{
			name:   "gone404",
			script: func(a *sandbox.Account, id string) { a.Delete(id, sandbox.Gone404) },
			status: http.StatusNotFound,
		},
		{
			name:   "gone410",
			script: func(a *sandbox.Account, id string) { a.Delete(id, sandbox.Gone410) },
			status: http.StatusGone,
			body:   "deleted",
		},
		{
			name:   "soft404",
			script: func(a *sandbox.Account, id string) { a.Delete(id, sandbox.Soft404) },
			status: http.StatusOK,
			body:   sandbox.UnavailableText,
		},
		{
			name:   "redirect-home",
			script: func(a *sandbox.Account, id string) { a.Delete(id, sandbox.RedirectHome) },
			status: http.StatusFound,
			header: func(a *sandbox.Account, _ string) map[string]string {
				return map[string]string{"Location": a.HomeURL()}
			},
		},
		{
			name:   "withheld",
			script: func(a *sandbox.Account, id string) { a.Withhold(id, blockedBy) },
			status: http.StatusUnavailableForLegalReasons,
			header: func(*sandbox.Account, string) map[string]string {
				return map[string]string{"Link": "<" + blockedBy + `>; rel="blocked-by"`}
			},
			body: "withheld in your country due to a legal demand",
		},
		{
			name:   "withheld-unattributed",
			script: func(a *sandbox.Account, id string) { a.Withhold(id, "") },
			status: http.StatusUnavailableForLegalReasons,
			header: func(*sandbox.Account, string) map[string]string { return map[string]string{"Link": ""} },
			body:   sandbox.WithheldText,
		},
		{
			name:   "forbidden",
			script: func(a *sandbox.Account, id string) { a.Restrict(id, sandbox.Forbidden403) },
			status: http.StatusForbidden,
		},
		{
			name:   "login-redirect",
			script: func(a *sandbox.Account, id string) { a.Restrict(id, sandbox.LoginRedirect) },
			status: http.StatusFound,
			header: func(a *sandbox.Account, host string) map[string]string {
				return map[string]string{"Location": host + "/login?next=%2F" + a.Name() + "%2Fposts%2F1"}
			},
		},
	}
	sb := sandboxtest.New(t, sandbox.Options{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newClient(t)
			a := sb.AddAccount(0, tc.name)
			id := a.Publish(sandbox.Post{Title: "One", HTML: "<p>first</p>"})
			keep := a.Publish(sandbox.Post{Title: "Two", HTML: "<p>second</p>"})

			tc.script(a, id)
			resp, body := fetch(t, c, a.PostURL(id), nil)
			if resp.StatusCode != tc.status {
				t.Errorf("status = %d, want %d", resp.StatusCode, tc.status)
			}
			if tc.header != nil {
				for k, want := range tc.header(a, sb.Hosts()[0]) {
					if got := resp.Header.Get(k); got != want {
						t.Errorf("%s = %q, want %q", k, got, want)
					}
				}
			}
			if !strings.Contains(body, tc.body) {
				t.Errorf("body lacks %q:\n%s", tc.body, body)
			}
			if strings.Contains(body, "first") {
				t.Errorf("body still shows the post:\n%s", body)
			}
			if got, want := rssLinks(t, c, a), []string{a.PostURL(keep)}; !slices.Equal(got, want) {
				t.Errorf("feed links = %v, want %v", got, want)
			}

			a.Restore(id)
			resp, body = fetch(t, c, a.PostURL(id), nil)
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, `<article class="post"><p>first</p></article>`) {
				t.Errorf("after Restore: status %d, body:\n%s", resp.StatusCode, body)
			}
			if got, want := rssLinks(t, c, a), []string{a.PostURL(keep), a.PostURL(id)}; !slices.Equal(got, want) {
				t.Errorf("feed links after Restore = %v, want %v", got, want)
			}
		})
	}
}

func TestLogin(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	c := newClient(t)
	a := sb.AddAccount(0, "alice")
	id := a.Publish(sandbox.Post{HTML: "private"})
	a.Restrict(id, sandbox.LoginRedirect)
	resp, _ := fetch(t, c, a.PostURL(id), nil)
	loc, err := resp.Location()
	if err != nil {
		t.Fatalf("Location: %v", err)
	}
	resp, body := fetch(t, c, loc.String(), nil)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("login status = %d, want 200", resp.StatusCode)
	}
	for _, want := range []string{`<form class="login" method="post"`, `type="password"`, `value="/alice/posts/1"`} {
		if !strings.Contains(body, want) {
			t.Errorf("login page lacks %s:\n%s", want, body)
		}
	}
}

func TestAccount_Suspend(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	c := newClient(t)
	a := sb.AddAccount(0, "alice")
	id := a.Publish(sandbox.Post{HTML: "<p>hi</p>", Media: []string{"a.jpg"}})
	a.SetMedia("a.jpg", 10, "image/jpeg")
	urls := []string{a.HomeURL(), a.FeedURL(), a.AtomURL(), a.PostURL(id), a.MediaURL("a.jpg")}

	a.Suspend()
	for _, u := range urls {
		resp, body := fetch(t, c, u, nil)
		if resp.StatusCode != http.StatusGone || !strings.Contains(body, sandbox.SuspendedText) {
			t.Errorf("suspended %s: status %d, body:\n%s", u, resp.StatusCode, body)
		}
	}
	a.Unsuspend()
	for _, u := range urls {
		if resp, _ := fetch(t, c, u, nil); resp.StatusCode != http.StatusOK {
			t.Errorf("unsuspended %s: status %d", u, resp.StatusCode)
		}
	}
}

func TestAccount_Edit(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	c := newClient(t)
	a := sb.AddAccount(0, "alice")
	id := a.Publish(sandbox.Post{HTML: "<p>before</p>"})
	a.Edit(id, "<p>after</p>")
	_, page := fetch(t, c, a.PostURL(id), nil)
	if !strings.Contains(page, `<article class="post"><p>after</p></article>`) {
		t.Errorf("permalink after Edit:\n%s", page)
	}
	_, feed := fetch(t, c, a.FeedURL(), nil)
	if got := parseRSS(t, feed).Channel.Items[0].Description; got != "<p>after</p>" {
		t.Errorf("feed description = %q, want <p>after</p>", got)
	}
	if p, _ := a.Post(id); p.HTML != "<p>after</p>" {
		t.Errorf("Post(%q).HTML = %q", id, p.HTML)
	}
}

func TestAccount_Publish_IDs(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	a := sb.AddAccount(0, "alice")
	if got := a.Publish(sandbox.Post{ID: "2"}); got != "2" {
		t.Errorf("Publish with ID 2 = %q", got)
	}
	var got []string
	for range 3 {
		got = append(got, a.Publish(sandbox.Post{}))
	}
	if want := []string{"1", "3", "4"}; !slices.Equal(got, want) {
		t.Errorf("assigned IDs = %v, want %v", got, want)
	}
	if b := sb.AddAccount(0, "alice"); b != a {
		t.Error("AddAccount of an existing name made a new account")
	}
}

func TestAccount_ScriptPanics(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	a := sb.AddAccount(0, "alice")
	tests := []struct {
		name string
		fn   func()
	}{
		{"edit unknown post", func() { a.Edit("nope", "") }},
		{"delete bad mode", func() { a.Publish(sandbox.Post{ID: "x"}); a.Delete("x", 0) }},
		{"account on missing host", func() { sb.AddAccount(1, "bob") }},
		{"reserved account name", func() { sb.AddAccount(0, "login") }},
		{"post id with slash", func() { a.Publish(sandbox.Post{ID: "a/b"}) }},
		{"zero failure", func() { a.FailNext(1, sandbox.Failure{}) }},
		{"zero post failure", func() { a.Publish(sandbox.Post{ID: "y"}); a.FailPost("y", 1, sandbox.Failure{}) }},
		{"fail unknown post", func() { a.FailPost("nope", 1, sandbox.Status(500)) }},
		{"hide unknown post", func() { a.HideFromListing("nope", true) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			tc.fn()
		})
	}
}

func TestAccount_Publish_Replace(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	sb := sandboxtest.New(t, sandbox.Options{Clock: func() time.Time { return now }})
	c := newClient(t)
	a := sb.AddAccount(0, "alice")
	id := a.Publish(sandbox.Post{HTML: "<p>v1</p>"})
	a.Delete(id, sandbox.Gone410)
	resp, _ := fetch(t, c, a.PostURL(id), nil)
	if resp.StatusCode != http.StatusGone {
		t.Fatalf("deleted: status %d", resp.StatusCode)
	}
	a.Restore(id)
	resp, _ = fetch(t, c, a.PostURL(id), nil)
	lm := resp.Header.Get("Last-Modified")

	a.Publish(sandbox.Post{ID: id, HTML: "<p>v2</p>"})
	resp, body := fetch(t, c, a.PostURL(id), http.Header{"If-Modified-Since": {lm}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "v2") {
		t.Errorf("republished: status %d, body:\n%s", resp.StatusCode, body)
	}
}

func TestAccount_Status(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		script func(a *sandbox.Account, id string)
		want   sandbox.PostStatus
		status int // of the permalink
	}{
		{"live", func(*sandbox.Account, string) {}, sandbox.PostStatus{Live: true, InListing: true}, http.StatusOK},
		{"gone404", func(a *sandbox.Account, id string) { a.Delete(id, sandbox.Gone404) }, sandbox.PostStatus{Deleted: sandbox.Gone404}, http.StatusNotFound},
		{"gone410", func(a *sandbox.Account, id string) { a.Delete(id, sandbox.Gone410) }, sandbox.PostStatus{Deleted: sandbox.Gone410}, http.StatusGone},
		{"soft404", func(a *sandbox.Account, id string) { a.Delete(id, sandbox.Soft404) }, sandbox.PostStatus{Deleted: sandbox.Soft404}, http.StatusOK},
		{"redirect", func(a *sandbox.Account, id string) { a.Delete(id, sandbox.RedirectHome) }, sandbox.PostStatus{Deleted: sandbox.RedirectHome}, http.StatusFound},
		{"withheld", func(a *sandbox.Account, id string) { a.Withhold(id, "") }, sandbox.PostStatus{Withheld: true}, http.StatusUnavailableForLegalReasons},
		{"forbidden", func(a *sandbox.Account, id string) { a.Restrict(id, sandbox.Forbidden403) }, sandbox.PostStatus{Restricted: sandbox.Forbidden403}, http.StatusForbidden},
		{"login-redirect", func(a *sandbox.Account, id string) { a.Restrict(id, sandbox.LoginRedirect) }, sandbox.PostStatus{Restricted: sandbox.LoginRedirect}, http.StatusFound},
		{"restored", func(a *sandbox.Account, id string) { a.Delete(id, sandbox.Gone410); a.Restore(id) }, sandbox.PostStatus{Live: true, InListing: true}, http.StatusOK},
		{"restricted then deleted", func(a *sandbox.Account, id string) {
			a.Restrict(id, sandbox.Forbidden403)
			a.Delete(id, sandbox.Gone410)
		}, sandbox.PostStatus{Deleted: sandbox.Gone410}, http.StatusGone},
		{"hidden", func(a *sandbox.Account, id string) { a.HideFromListing(id, true) }, sandbox.PostStatus{Live: true, Hidden: true}, http.StatusOK},
		{"hidden and deleted", func(a *sandbox.Account, id string) {
			a.HideFromListing(id, true)
			a.Delete(id, sandbox.Gone404)
		}, sandbox.PostStatus{Deleted: sandbox.Gone404, Hidden: true}, http.StatusNotFound},
		{"unhidden", func(a *sandbox.Account, id string) { a.HideFromListing(id, true); a.HideFromListing(id, false) }, sandbox.PostStatus{Live: true, InListing: true}, http.StatusOK},
		{"outside window", func(a *sandbox.Account, _ string) { a.SetListingLimit(1) }, sandbox.PostStatus{Live: true}, http.StatusOK},
		{"window grows", func(a *sandbox.Account, _ string) { a.SetListingLimit(1); a.SetListingLimit(2) }, sandbox.PostStatus{Live: true, InListing: true}, http.StatusOK},
		{"empty listing", func(a *sandbox.Account, _ string) { a.EmptyListing(true) }, sandbox.PostStatus{Live: true}, http.StatusOK},
		{"suspended", func(a *sandbox.Account, _ string) { a.Suspend() }, sandbox.PostStatus{Live: true}, http.StatusGone},
		{"unsuspended", func(a *sandbox.Account, _ string) { a.Suspend(); a.Unsuspend() }, sandbox.PostStatus{Live: true, InListing: true}, http.StatusOK},
		{"republished", func(a *sandbox.Account, id string) {
			a.HideFromListing(id, true)
			a.Withhold(id, "")
			a.Publish(sandbox.Post{ID: id, HTML: "again", Published: start})
		}, sandbox.PostStatus{Live: true, InListing: true}, http.StatusOK},
	}
	sb := sandboxtest.New(t, sandbox.Options{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newClient(t)
			a := sb.AddAccount(0, tc.name)
			// The post under test is the older of two.
			id := a.Publish(sandbox.Post{HTML: "target", Published: start})
			a.Publish(sandbox.Post{HTML: "newer", Published: start.Add(time.Hour)})
			tc.script(a, id)

			got, ok := a.Status(id)
			if !ok || got != tc.want {
				t.Errorf("Status(%q) = %+v, %v; want %+v, true", id, got, ok, tc.want)
			}
			// Status tells what is served.
			resp, _ := fetch(t, c, a.PostURL(id), nil)
			if resp.StatusCode != tc.status {
				t.Errorf("permalink status = %d, want %d", resp.StatusCode, tc.status)
			}
			resp, body := fetch(t, c, a.FeedURL(), nil)
			listed := false
			if resp.StatusCode == http.StatusOK {
				for _, it := range parseRSS(t, body).Channel.Items {
					listed = listed || it.Link == a.PostURL(id)
				}
			}
			if listed != got.InListing {
				t.Errorf("feed lists the post: %v, Status says InListing %v", listed, got.InListing)
			}
		})
	}
	a := sb.AddAccount(0, "nobody")
	if got, ok := a.Status("1"); ok || got != (sandbox.PostStatus{}) {
		t.Errorf("Status of an unpublished post = %+v, %v; want zero, false", got, ok)
	}
}

func TestAccount_HideFromListing(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	c := newClient(t)
	a := sb.AddAccount(0, "alice")
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 3 {
		a.Publish(sandbox.Post{HTML: fmt.Sprintf("<p>post %d</p>", i+1), Published: start.Add(time.Duration(i) * time.Hour)})
	}
	a.SetListingLimit(2)
	tests := []struct {
		name   string
		script func()
		want   []string // post ids listed, newest first
	}{
		{"window", func() {}, []string{"3", "2"}},
		{"newest hidden, older fills in", func() { a.HideFromListing("3", true) }, []string{"2", "1"}},
		{"two hidden", func() { a.HideFromListing("2", true) }, []string{"1"}},
		{"hidden survives restore", func() { a.Delete("2", sandbox.Gone410); a.Restore("2") }, []string{"1"}},
		{"shown again", func() { a.HideFromListing("3", false); a.HideFromListing("2", false) }, []string{"3", "2"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.script()
			var want []string
			for _, id := range tc.want {
				want = append(want, a.PostURL(id))
			}
			if got := rssLinks(t, c, a); !slices.Equal(got, want) {
				t.Errorf("RSS links = %v, want %v", got, want)
			}
			_, body := fetch(t, c, a.AtomURL(), nil)
			var atom []string
			for _, e := range parseAtom(t, body).Entries {
				for _, l := range e.Links {
					if l.Rel == "alternate" {
						atom = append(atom, l.Href)
					}
				}
			}
			if !slices.Equal(atom, want) {
				t.Errorf("Atom links = %v, want %v", atom, want)
			}
			_, home := fetch(t, c, a.HomeURL(), nil)
			if got := strings.Count(home, `<li class="item">`); got != len(want) {
				t.Errorf("home lists %d posts, want %d", got, len(want))
			}
			// Hidden or not, every permalink stays live.
			for i := range 3 {
				id := fmt.Sprint(i + 1)
				resp, page := fetch(t, c, a.PostURL(id), nil)
				if article := fmt.Sprintf(`<article class="post"><p>post %d</p></article>`, i+1); resp.StatusCode != http.StatusOK || !strings.Contains(page, article) {
					t.Errorf("permalink %s: status %d, body:\n%s", id, resp.StatusCode, page)
				}
			}
		})
	}
}

func TestPermalink_Page(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	c := newClient(t)
	a := sb.AddAccount(0, "alice")
	id := a.Publish(sandbox.Post{Title: "Statement", HTML: "<p>We said <b>this</b>.</p>"})
	resp, body := fetch(t, c, a.PostURL(id), nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for _, want := range []string{
		`<link rel="canonical" href="` + a.PostURL(id) + `">`,
		`<article class="post"><p>We said <b>this</b>.</p></article>`,
		`<title>Statement</title>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("permalink lacks %s:\n%s", want, body)
		}
	}
	// Pages that stand in for a post carry neither its text nor its canonical link.
	a.Delete(id, sandbox.Soft404)
	_, body = fetch(t, c, a.PostURL(id), nil)
	if strings.Contains(body, "canonical") || strings.Contains(body, "We said") {
		t.Errorf("soft-404 page shows the post:\n%s", body)
	}
}
