package mastodon

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/testtool"
	"github.com/takedownwatch/takedownwatch/monitor"
	"github.com/takedownwatch/takedownwatch/monitor/normalize"
)

// fixtureSeeds returns every recorded answer body and every recorded Link
// header, read when the fuzz test starts. Without the fixtures (a user's
// own clone) the inline seeds still run; in CI they must be there.
func fixtureSeeds(f *testing.F) (bodies [][]byte, links []string) {
	f.Helper()
	dir := filepath.Join(testtool.Root(f), "..", "shared", "fixtures", "mastodon")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			testtool.Missing(f, "fixture folder "+dir, "it sits beside the repository in development checkouts")
		}
		return nil, nil
	}
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range names {
		if strings.HasSuffix(name, ".meta.json") {
			links = append(links, readMeta(f, name).Header.Values("Link")...)
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatalf("seed: %v", err)
		}
		bodies = append(bodies, b)
	}
	return bodies, links
}

// inlineStatuses cover what the recorded answers lack: boosts, content
// warnings, numeric ids, null urls, remote-only media, markup in text.
var inlineStatuses = []string{
	``, `null`, `[]`, `{}`, `[null]`, `[{}]`, `{"error":"Record not found"}`,
	`[{"id":1,"created_at":"2026-01-01T00:00:00Z","content":"<p>a &amp; b</p>","spoiler_text":"cw <b>","url":null,"uri":"https://x/1"}]`,
	`[{"id":"2","created_at":"bad","content":"","reblog":{"id":"1"},"visibility":"direct","media_attachments":[{"url":null,"remote_url":"//x"},{"url":"https://m/1.png"},{"url":"https://m/1.png"}]}]`,
	`[{"id":"3","created_at":"2026-01-01T00:00:00.123+07:00","text":"plain <source>","account":{"id":"9","username":"u","suspended":true,"followers_count":1e3}}]`,
}

func FuzzParseStatuses(f *testing.F) {
	bodies, _ := fixtureSeeds(f)
	for _, b := range bodies {
		f.Add(b)
	}
	for _, s := range inlineStatuses {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		list, err := parseStatuses(body)
		if err != nil {
			if list != nil || !strings.HasPrefix(err.Error(), "mastodon: ") {
				t.Fatalf("parseStatuses = %d statuses, %q: want none and a mastodon: error", len(list), err)
			}
			return
		}
		for _, s := range list {
			checkItem(t, s.item("https://fallback.invalid/@u/"+url.PathEscape(string(s.ID))))
			if a := s.Account; a != nil {
				for _, m := range a.metrics() {
					if m.Name != monitor.MetricFollowers && m.Name != monitor.MetricFollowing && m.Name != monitor.MetricPosts {
						t.Fatalf("metric %q", m.Name)
					}
				}
			}
		}
	})
}

// checkItem holds an item to what the pipeline relies on.
func checkItem(t *testing.T, it monitor.Item) {
	t.Helper()
	if it.PlatformID == "" {
		t.Fatal("empty PlatformID")
	}
	// The title is a content warning, plain text; the text is HTML.
	for _, c := range []struct {
		s    string
		norm func(string) string
	}{{it.Title, normalize.Plain}, {it.Text, normalize.Plain}} {
		if !utf8.ValidString(c.s) {
			t.Fatalf("invalid UTF-8 in %q", c.s)
		}
		if c.norm(c.s) != c.s {
			t.Fatalf("%q is not normalized", c.s)
		}
	}
	if absolute(it.URL) == "" {
		t.Fatalf("URL %q is not an absolute http(s) URL", it.URL)
	}
	seen := map[string]bool{}
	for _, m := range it.Media {
		if absolute(m) == "" || seen[m] {
			t.Fatalf("media %q not an absolute http(s) URL, or repeated", m)
		}
		seen[m] = true
	}
}

// FuzzParseStatus reads bodies as a check's 200 answer: the verdict is
// live, restricted or no verdict, never a removal.
func FuzzParseStatus(f *testing.F) {
	bodies, _ := fixtureSeeds(f)
	for _, b := range bodies {
		f.Add(b)
	}
	for _, s := range inlineStatuses {
		f.Add([]byte(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		s, err := parseStatus(body)
		if err == nil {
			checkItem(t, s.item("https://fallback.invalid/@u/1"))
		} else if s != nil || !strings.HasPrefix(err.Error(), "mastodon: ") {
			t.Fatalf("parseStatus = %v, %q: want nil and a mastodon: error", s, err)
		}
		a := classify("https://x.example/@u/1", &monitor.FetchResponse{URL: "https://x.example/api/v1/statuses/1", StatusCode: 200, Body: body})
		switch a.Class {
		case monitor.ClassLive, monitor.ClassRestricted, monitor.ClassTransient:
		default:
			t.Fatalf("a 200 answer classified %+v", a)
		}
		if (err == nil) != (a.Class != monitor.ClassTransient) {
			t.Fatalf("parse error %v but class %s", err, a.Class)
		}
	})
}

func FuzzParseAccount(f *testing.F) {
	bodies, _ := fixtureSeeds(f)
	for _, b := range bodies {
		f.Add(b)
	}
	for _, s := range []string{``, `{}`, `{"id":"1"}`, `{"id":2,"username":"u","suspended":true,"limited":true}`,
		`{"id":"3","username":"u","followers_count":"12","statuses_count":-1}`, `{"id":"4","username":"u","followers_count":1e400}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		a, err := parseAccount(body)
		if err != nil {
			if a != nil || !strings.HasPrefix(err.Error(), "mastodon: ") {
				t.Fatalf("parseAccount = %v, %q: want nil and a mastodon: error", a, err)
			}
			return
		}
		if a.ID == "" || a.Username == "" || len(a.metrics()) > 3 {
			t.Fatalf("account %+v", a)
		}
	})
}

// FuzzNextLink reads Link headers; a next link is followed only on the
// API's own origin.
func FuzzNextLink(f *testing.F) {
	_, links := fixtureSeeds(f)
	for _, l := range links {
		f.Add(l)
	}
	for _, l := range []string{``, `<>`, `<a>; rel=next`, `<https://a.example/x?max_id=1>; rel="prev next"`,
		`<https://b.example/1>; title="a, b"; rel="next", <https://a.example/2>; rel="next"`,
		`<https://a.example/1>; rel="next`, `<<>>;;,,rel=`, `<https://a.example/1>; rel="\"next"`} {
		f.Add(l)
	}
	r := &run{t: target{base: "https://a.example", acct: "u"}}
	f.Fuzz(func(t *testing.T, link string) {
		next := nextLink(http.Header{"Link": {link}})
		if next != "" && !strings.Contains(link, next) {
			t.Fatalf("next %q is not in %q", next, link)
		}
		if u := r.sameOrigin("https://a.example/api/v1/accounts/1/statuses", next); u != "" {
			p, err := url.Parse(u)
			if err != nil || p.Scheme != "https" || !strings.EqualFold(p.Host, "a.example") {
				t.Fatalf("followed %q off the API's origin", u)
			}
		}
	})
}

// FuzzResolve reads sources' url and api_base keys.
func FuzzResolve(f *testing.F) {
	for _, s := range [][2]string{
		{"https://fosstodon.org/@schochastics", ""}, {"https://m.example/@u@kh.example/", ""},
		{"https://m.example/users/u", "https://api.example/api/v1/"}, {"https://m.example/web/@u", "http://[::1]:8/"},
		{"https://m.example/@", ""}, {"//@u", ""}, {"https://m.example/@u", "https://%zz"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, rawURL, apiBase string) {
		tg, err := resolve(&config.Source{ID: "s", URL: rawURL, APIBase: apiBase})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "mastodon: source s: ") {
				t.Fatalf("error %q does not name the source", err)
			}
			return
		}
		b, err := url.Parse(tg.base)
		if err != nil || (b.Scheme != "http" && b.Scheme != "https") || b.Host == "" || strings.HasSuffix(tg.base, "/") {
			t.Fatalf("base %q", tg.base)
		}
		if tg.username() == "" {
			t.Fatalf("acct %q has no user name", tg.acct)
		}
	})
}
