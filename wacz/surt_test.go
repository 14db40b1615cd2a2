package wacz

import "testing"

func TestSURT(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"https://www.example.org/index.html", "org,example)/index.html"},
		{"http://www2.Example.ORG/A/B?z=1&a=2&m", "org,example)/a/b?a=2&m&z=1"},
		{"http://WWW.example.org/", "org,example,www)/"}, // as warcio and wabac key it
		{"https://example.org", "org,example)/"},
		{"https://example.org:443/x", "org,example)/x"},
		{"http://127.0.0.2:41841/pm-office/feed.rss", "2,0,0,127:41841)/pm-office/feed.rss"},
		{"https://t.me/s/channel/44#frag", "me,t)/s/channel/44"},
		{"https://km.example/ព័ត៌មាន", "example,km)/%E1%9E%96%E1%9F%90%E1%9E%8F%E1%9F%8C%E1%9E%98%E1%9E%B6%E1%9E%93"},
		{"urn:uuid:1234", "urn:uuid:1234"},
	} {
		if got := SURT(c.in); got != c.want {
			t.Errorf("SURT(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
