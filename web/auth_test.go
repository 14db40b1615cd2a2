package web

import (
	"encoding/base64"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/takedownwatch/takedownwatch/config"
)

// basic is an Authorization header of HTTP Basic.
func basic(user, password string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
}

// TestAuth_BasicInTheURL: feed readers send the read token only as the
// password of user:password in the feed's URL (HTTP Basic); the admin
// token never works that way.
func TestAuth_BasicInTheURL(t *testing.T) {
	srv, _ := newFeedServer(t, Options{AdminToken: "s3cret-admin", ReadToken: "r3ad"})
	host := strings.TrimPrefix(srv.URL, "http://")
	tests := []struct {
		userinfo, path string
		want           int
	}{
		{"reader:r3ad", "/feeds/events.rss", 200},
		{":r3ad", "/feeds/actors/opp.atom", 200},
		{"anyone:r3ad", "/feeds.opml", 200},
		{"reader:r3ad", "/api/events", 200},
		{"reader:r3ad", "/sources", 200},
		{"reader:wrong", "/feeds/events.rss", 401},
		{"reader:r3a", "/feeds/events.rss", 401},
		{"r3ad:", "/feeds/events.rss", 401},
		{"reader:s3cret-admin", "/feeds/events.rss", 401},
		{"reader:s3cret-admin", "/api/events", 401},
	}
	for _, tt := range tests {
		resp, body := get(t, "http://"+tt.userinfo+"@"+host+tt.path, nil)
		if resp.StatusCode != tt.want {
			t.Errorf("%s@…%s: %d, want %d", tt.userinfo, tt.path, resp.StatusCode, tt.want)
		}
		if tt.want != 401 {
			continue
		}
		challenges := resp.Header.Values("WWW-Authenticate")
		if !slices.Contains(challenges, `Basic realm="takedownwatch"`) || !slices.ContainsFunc(challenges, func(c string) bool { return strings.HasPrefix(c, "Bearer ") }) {
			t.Errorf("%s@…%s: challenges %q, want Basic and Bearer", tt.userinfo, tt.path, challenges)
		}
		user, password, _ := strings.Cut(tt.userinfo, ":")
		for _, secret := range []string{user, password} {
			if secret != "" && strings.Contains(body+strings.Join(challenges, " "), secret) {
				t.Errorf("%s@…%s: the 401 echoes %q: %s", tt.userinfo, tt.path, secret, body)
			}
		}
	}
}

// TestAuth_WritesKeepBearer: writes take the admin token as a bearer token
// only, so their 401 offers no Basic challenge a browser would prompt for.
func TestAuth_WritesKeepBearer(t *testing.T) {
	srv, _ := newFeedServer(t, Options{AdminToken: "s3cret-admin", ReadToken: "r3ad"})
	for _, auth := range []string{"", basic("admin", "s3cret-admin"), basic("reader", "r3ad")} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/reports", strings.NewReader(`{"reporter":"x"}`))
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Values("WWW-Authenticate"); resp.StatusCode != 401 || !slices.Equal(got, []string{`Bearer realm="takedownwatch"`}) {
			t.Errorf("POST with %q: %d, challenges %q; want 401 with the Bearer challenge alone", auth, resp.StatusCode, got)
		}
	}
}

// TestAuth_PrivateNotShared: what needs the read token must not be kept by
// a shared cache and handed to whoever asks next; public feeds may be.
func TestAuth_PrivateNotShared(t *testing.T) {
	for _, tt := range []struct {
		read, auth, want string
	}{
		{"", "", "public"},
		{"r3ad", "Bearer r3ad", "private"},
		{"r3ad", "bearer r3ad", "private"}, // the scheme's name is case-insensitive
		{"r3ad", basic("reader", "r3ad"), "private"},
	} {
		srv, _ := newFeedServer(t, Options{ReadToken: config.Secret(tt.read)})
		for _, path := range []string{"/feeds/events.rss", "/feeds/removals.json", "/feeds.opml"} {
			h := http.Header{}
			if tt.auth != "" {
				h.Set("Authorization", tt.auth)
			}
			resp, _ := get(t, srv.URL+path, h)
			cc := resp.Header.Get("Cache-Control")
			if resp.StatusCode != 200 || !strings.HasPrefix(cc, tt.want+",") || strings.Contains(cc, "public") != (tt.want == "public") {
				t.Errorf("read token %q: %s: %d, Cache-Control %q; want %s", tt.read, path, resp.StatusCode, cc, tt.want)
			}
			// A 304 renews what a cache holds, so it says the same.
			h.Set("If-None-Match", resp.Header.Get("ETag"))
			resp, _ = get(t, srv.URL+path, h)
			if got := resp.Header.Get("Cache-Control"); resp.StatusCode != 304 || got != cc {
				t.Errorf("read token %q: %s revalidated: %d, Cache-Control %q; want 304, %q", tt.read, path, resp.StatusCode, got, cc)
			}
		}
	}
}
