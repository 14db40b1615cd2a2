package fetch

import (
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/takedownwatch/takedownwatch/monitor"
)

func TestClient_Fetch_Redirects(t *testing.T) {
	var loops atomic.Int32
	mux := http.NewServeMux()
	var base string
	redirect := func(code int, loc func() string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", loc())
			w.WriteHeader(code)
		}
	}
	mux.HandleFunc("/a/start", redirect(http.StatusMovedPermanently, func() string { return "next" }))
	mux.HandleFunc("/a/next", redirect(http.StatusFound, func() string { return "/b?x=1" }))
	mux.HandleFunc("/b", redirect(http.StatusTemporaryRedirect, func() string { return base + "/final#frag" }))
	mux.HandleFunc("/final", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("done")) })
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		loops.Add(1)
		http.Redirect(w, r, "/loop", http.StatusFound)
	})
	mux.HandleFunc("/bare", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusFound) })
	mux.HandleFunc("/app", redirect(http.StatusFound, func() string { return "intent://open" }))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	base = srv.URL

	a := newArchive(t)
	c := newClient(t, testConfig(), a, WithMaxRedirects(3))

	t.Run("chain", func(t *testing.T) {
		resp, err := c.Fetch(t.Context(), &monitor.FetchRequest{URL: base + "/a/start", Kind: monitor.KindPermalink})
		if err != nil {
			t.Fatalf("Fetch: %v", err)
		}
		wantHops := []monitor.Hop{
			{URL: base + "/a/start", StatusCode: 301, Location: "next"},
			{URL: base + "/a/next", StatusCode: 302, Location: "/b?x=1"},
			{URL: base + "/b?x=1", StatusCode: 307, Location: base + "/final#frag"},
		}
		if len(resp.Hops) != len(wantHops) {
			t.Fatalf("hops = %+v, want %d", resp.Hops, len(wantHops))
		}
		for i, h := range resp.Hops {
			want := wantHops[i]
			want.CaptureID = h.CaptureID
			if h != want {
				t.Errorf("hop %d = %+v, want %+v", i, h, want)
			}
			got := capture(t, a, h.CaptureID)
			if got.URL != h.URL || got.Status != h.StatusCode || got.RecordType != "response" {
				t.Errorf("hop %d archived as %s %d %q, want %s %d response", i, got.URL, got.Status, got.RecordType, h.URL, h.StatusCode)
			}
		}
		if resp.URL != base+"/final" || resp.StatusCode != 200 || string(resp.Body) != "done" {
			t.Errorf("final = %s %d %q, want %s/final 200 done", resp.URL, resp.StatusCode, resp.Body, base)
		}
		ev := resp.Evidence()
		seen := map[int64]bool{}
		for _, id := range ev {
			seen[id] = true
		}
		if len(ev) != 4 || len(seen) != 4 || seen[0] {
			t.Errorf("evidence = %v, want 4 distinct capture ids", ev)
		}
	})

	t.Run("loop", func(t *testing.T) {
		before := countCaptures(t, a)
		_, err := c.Fetch(t.Context(), &monitor.FetchRequest{URL: base + "/loop"})
		var fe *monitor.FetchError
		if !errors.As(err, &fe) || fe.Transient || !errors.Is(err, ErrTooManyRedirects) {
			t.Fatalf("Fetch error = %v, want a non-transient FetchError with ErrTooManyRedirects", err)
		}
		// Three redirects followed, the fourth refused: four answers.
		if n := loops.Load(); n != 4 {
			t.Errorf("server saw %d requests, want 4", n)
		}
		if n := countCaptures(t, a) - before; n != 4 {
			t.Errorf("%d captures archived, want 4 (every hop)", n)
		}
		if fe.CaptureID == 0 || capture(t, a, fe.CaptureID).Status != http.StatusFound {
			t.Errorf("FetchError.CaptureID = %d, want the last redirect's capture", fe.CaptureID)
		}
	})

	// A redirect that cannot be followed is the final answer: the caller
	// decides what a 302 to nowhere means.
	for _, path := range []string{"/bare", "/app"} {
		t.Run("unfollowable "+path, func(t *testing.T) {
			resp, err := c.Fetch(t.Context(), &monitor.FetchRequest{URL: base + path})
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			if resp.StatusCode != http.StatusFound || len(resp.Hops) != 0 {
				t.Errorf("got %d with %d hops, want the 302 itself", resp.StatusCode, len(resp.Hops))
			}
		})
	}
}

// listenOn starts an httptest server on one loopback address, so two
// servers can have different host names.
func listenOn(t *testing.T, addr string, h http.Handler) *httptest.Server {
	t.Helper()
	ln, err := net.Listen("tcp4", addr+":0")
	if err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	srv := httptest.NewUnstartedServer(h)
	_ = srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

func TestClient_Fetch_RedirectDropsCredentials(t *testing.T) {
	var mu sync.Mutex
	auth := map[string]string{}
	record := func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auth[r.Host+r.URL.Path] = r.Header.Get("Authorization")
		mu.Unlock()
	}
	other := listenOn(t, "127.0.0.3", http.HandlerFunc(record))
	origin := listenOn(t, "127.0.0.2", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		record(w, r)
		switch r.URL.Path {
		case "/same":
			http.Redirect(w, r, "/here", http.StatusFound)
		case "/away":
			http.Redirect(w, r, other.URL+"/there", http.StatusFound)
		}
	}))
	c := newClient(t, testConfig(), newArchive(t))
	header := http.Header{"Authorization": {"Bearer abcdefgh12345678"}}
	for _, path := range []string{"/same", "/away"} {
		if _, err := c.Fetch(t.Context(), &monitor.FetchRequest{URL: origin.URL + path, Header: header}); err != nil {
			t.Fatalf("Fetch %s: %v", path, err)
		}
	}
	ou, _ := url.Parse(origin.URL)
	xu, _ := url.Parse(other.URL)
	tests := []struct {
		target string
		want   string
	}{
		{ou.Host + "/same", "Bearer abcdefgh12345678"},
		{ou.Host + "/here", "Bearer abcdefgh12345678"},
		{ou.Host + "/away", "Bearer abcdefgh12345678"},
		{xu.Host + "/there", ""},
	}
	mu.Lock()
	defer mu.Unlock()
	for _, tc := range tests {
		if got := auth[tc.target]; got != tc.want {
			t.Errorf("%s got Authorization %q, want %q", tc.target, got, tc.want)
		}
	}
}

func TestLeavesOrigin(t *testing.T) {
	tests := []struct {
		origin, next string
		want         bool
	}{
		{"https://example.org/a", "https://example.org/b", false},
		{"https://example.org/a", "https://EXAMPLE.org:8443/b", false},
		{"https://example.org/a", "https://cdn.example.org/b", false},
		{"https://example.org/a", "https://badexample.org/b", true},
		{"https://www.example.org/a", "https://example.org/b", true},
		{"https://example.org/a", "http://example.org/b", true},
		{"http://example.org/a", "https://example.org/b", false},
		{"http://[::1]:80/a", "http://[::1]:81/b", false},
		{"http://example.org/a", "http://[::1]/b", true},
	}
	for _, tc := range tests {
		o, _ := url.Parse(tc.origin)
		n, _ := url.Parse(tc.next)
		if got := leavesOrigin(o, n); got != tc.want {
			t.Errorf("leavesOrigin(%s, %s) = %v, want %v", tc.origin, tc.next, got, tc.want)
		}
	}
}
