package canon

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzURL: URL never panics, is idempotent, and Key reads the same post
// from a URL and from its canonical form.
func FuzzURL(f *testing.F) {
	for _, group := range equivalent {
		for _, u := range group {
			f.Add(u)
		}
	}
	for _, s := range []string{
		"", "%", "%%41", "https://", "https://[::1", "http://a%2Fb.com/x", "at://x/app.bsky.feed.post/",
		"https://t.me/s/", "https://facebook.com/photo/?fbid=", "//", "x.y", "a.b:99999999999999999999/",
		"https://example.org/%2E%2E/%2e/..", "https://example.org/?&amp;&amp;amp;=", "https://ex ample.org/",
		"https://éxample.org/ü?ü=ü#ü", "https://twitter.com/#!/a/status/1", "http://[fe80::1%25en0]/",
		"https://xn--/", "https://a..b/", "HTTPS://WWW.M.MOBILE.example.org/", "https://facebook.com/groups/x?view=permalink&id=1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := URL(in)
		if again := URL(got); again != got {
			t.Fatalf("URL(%q) = %q, URL of that = %q", in, got, again)
		}
		if utf8.ValidString(in) && !utf8.ValidString(got) {
			t.Fatalf("URL(%q) = %q: invalid UTF-8", in, got)
		}
		if _, canonical := parse(strings.TrimSpace(in)); canonical && strings.ContainsAny(got, " #") {
			t.Fatalf("URL(%q) = %q holds a space or fragment", in, got)
		}
		p, id, ok := Key(in)
		p2, id2, ok2 := Key(got)
		if p != p2 || id != id2 || ok != ok2 {
			t.Fatalf("Key(%q) = %q %q %v; Key(URL) = Key(%q) = %q %q %v", in, p, id, ok, got, p2, id2, ok2)
		}
		if ok && (p == "" || id == "") {
			t.Fatalf("Key(%q) = %q %q true", in, p, id)
		}
	})
}
