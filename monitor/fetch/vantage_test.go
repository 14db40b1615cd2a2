package fetch

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/sandbox"
	"github.com/takedownwatch/takedownwatch/internal/sandbox/sandboxtest"
	"github.com/takedownwatch/takedownwatch/monitor"
)

// forwardProxy is a plain HTTP forward proxy that counts what it carried.
type forwardProxy struct {
	used atomic.Int32
	tr   *http.Transport
	auth string // "user:password" it wants, "" for none
}

func (p *forwardProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !r.URL.IsAbs() {
		http.Error(w, "not a proxy request", http.StatusBadRequest)
		return
	}
	if p.auth != "" && r.Header.Get("Proxy-Authorization") != "Basic "+base64.StdEncoding.EncodeToString([]byte(p.auth)) {
		w.Header().Set("Proxy-Authenticate", `Basic realm="proxy"`)
		http.Error(w, "proxy credentials wanted", http.StatusProxyAuthRequired)
		return
	}
	p.used.Add(1)
	out, err := http.NewRequestWithContext(r.Context(), r.Method, r.URL.String(), nil)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	out.Header = r.Header.Clone()
	out.Header.Del("Proxy-Connection")
	resp, err := p.tr.RoundTrip(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, vs := range resp.Header {
		w.Header()[k] = vs
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}

func TestClient_Fetch_Vantage(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{Hosts: 1})
	feed := addFeed(sb, 0, "alice").FeedURL()
	proxy := &forwardProxy{tr: &http.Transport{}}
	t.Cleanup(proxy.tr.CloseIdleConnections)
	ps := httptest.NewServer(proxy)
	t.Cleanup(ps.Close)

	cfg := testConfig()
	cfg.Proxies = map[string]string{"kh-mobile": ps.URL}
	a := newArchive(t)
	c := newClient(t, cfg, a)

	tests := []struct {
		vantage     string
		wantVantage string
		proxied     int32
	}{
		{"", config.Direct, 0},
		{config.Direct, config.Direct, 0},
		{"kh-mobile", "kh-mobile", 1},
	}
	for _, tc := range tests {
		t.Run("vantage="+tc.vantage, func(t *testing.T) {
			before, origin := proxy.used.Load(), sb.Requests(feed)
			resp, err := c.Fetch(t.Context(), &monitor.FetchRequest{URL: feed, Vantage: tc.vantage})
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d, want 200", resp.StatusCode)
			}
			if got := proxy.used.Load() - before; got != tc.proxied {
				t.Errorf("proxy carried %d requests, want %d", got, tc.proxied)
			}
			if got := sb.Requests(feed) - origin; got != 1 {
				t.Errorf("origin saw %d requests, want 1", got)
			}
			if got := capture(t, a, resp.Capture.ID).Vantage; got != tc.wantVantage {
				t.Errorf("capture vantage %q, want %q", got, tc.wantVantage)
			}
		})
	}

	t.Run("unknown", func(t *testing.T) {
		before := countCaptures(t, a)
		_, err := c.Fetch(t.Context(), &monitor.FetchRequest{URL: feed, Vantage: "nowhere"})
		if !errors.Is(err, ErrUnknownVantage) || monitor.IsTransient(err) {
			t.Errorf("Fetch error = %v, want ErrUnknownVantage, not transient", err)
		}
		if n := countCaptures(t, a) - before; n != 0 {
			t.Errorf("%d captures for a fetch never made", n)
		}
	})
}

// The failure capture of a fetch through a proxy names the proxy too: it
// may be the proxy that failed.
func TestClient_Fetch_VantageFailure(t *testing.T) {
	cfg := testConfig()
	cfg.Proxies = map[string]string{"dead": "http://" + closedAddr(t)}
	a := newArchive(t)
	c := newClient(t, cfg, a)
	_, err := c.Fetch(t.Context(), &monitor.FetchRequest{URL: "http://example.invalid/feed", Vantage: "dead"})
	var fe *monitor.FetchError
	if !errors.As(err, &fe) || !fe.Transient {
		t.Fatalf("Fetch error = %v, want a transient FetchError", err)
	}
	if got := capture(t, a, fe.CaptureID).Vantage; got != "dead" {
		t.Errorf("failure capture vantage %q, want dead", got)
	}
}

// A proxy's credentials may come from the environment
// (fetch.proxy_auth_env) rather than its URL in the config: the fetch
// through it is authenticated, and the password reaches no WARC record.
func TestClient_Fetch_ProxyAuthFromEnv(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{Hosts: 1})
	feed := addFeed(sb, 0, "alice").FeedURL()
	const pass = "kh-proxy-pass-8c1f2a"
	proxy := &forwardProxy{tr: &http.Transport{}, auth: "watcher:" + pass}
	t.Cleanup(proxy.tr.CloseIdleConnections)
	ps := httptest.NewServer(proxy)
	t.Cleanup(ps.Close)
	cfg := testConfig()
	cfg.Proxies = map[string]string{"kh": ps.URL}
	a := newArchive(t, pass)
	without := newClient(t, cfg, a)
	if resp, err := without.Fetch(t.Context(), &monitor.FetchRequest{URL: feed, Vantage: "kh"}); err != nil || resp.StatusCode != http.StatusProxyAuthRequired {
		t.Fatalf("without credentials: %v %+v, want the proxy's 407", err, resp)
	}
	cfg.ProxyAuth = map[string]config.Secret{"kh": config.Secret("watcher:" + pass)}
	with := newClient(t, cfg, a)
	resp, err := with.Fetch(t.Context(), &monitor.FetchRequest{URL: feed, Vantage: "kh"})
	if err != nil || resp.StatusCode != http.StatusOK || proxy.used.Load() != 1 {
		t.Fatalf("with credentials from the environment: %v, status %d, proxied %d", err, resp.StatusCode, proxy.used.Load())
	}
	for name, b := range warcBytes(t, a.WARCDir()) {
		if bytes.Contains(b, []byte(pass)) {
			t.Errorf("%s holds the proxy's password", name)
		}
	}
}
