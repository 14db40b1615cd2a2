package fetch

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/takedownwatch/takedownwatch/monitor"
)

// With the guard on, a host the configuration does not name is fetched
// only when it is on the public internet: a feed's link or redirect to
// the daemon's own machine or network is refused before any request,
// and nothing is archived of it; configured hosts are fetched wherever
// they are.
func TestClient_Fetch_Guard(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Path == "/to-localhost" {
			// the same server under another name: not configured
			http.Redirect(w, r, strings.Replace(srvURL(r), "127.0.0.1", "localhost", 1)+"/secret", http.StatusFound)
			return
		}
		w.Write([]byte("internal secret"))
	}))
	defer srv.Close()

	a := newArchive(t)
	untrusting := newClient(t, testConfig(), a, WithTrustedHosts("feeds.example:443"))
	for _, u := range []string{srv.URL + "/secret", "http://[::1]:1/x", "http://169.254.169.254/latest/meta-data/",
		// IPv4 in inet_aton's other forms, which a proxy's resolver may read as its loopback
		"http://2130706433/", "http://0x7f.1/", "http://127.1/", "http://0177.0.0.1/"} {
		_, err := untrusting.Fetch(t.Context(), &monitor.FetchRequest{URL: u})
		var fe *monitor.FetchError
		if !errors.Is(err, ErrPrivateAddress) || !errors.As(err, &fe) || fe.Transient {
			t.Errorf("Fetch(%s): %v, want a refusal (a FetchError, not transient)", u, err)
		}
	}
	if hits.Load() != 0 || countCaptures(t, a) != 0 {
		t.Fatalf("%d requests reached the server, %d captures, want none", hits.Load(), countCaptures(t, a))
	}

	trusting := newClient(t, testConfig(), a, WithTrustedHosts(strings.TrimPrefix(srv.URL, "http://")))
	resp, err := trusting.Fetch(t.Context(), &monitor.FetchRequest{URL: srv.URL + "/secret"})
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("a configured host: %v", err)
	}
	// a configured host's redirect to a host it does not name is refused
	// at that hop; the hop before is archived
	_, err = trusting.Fetch(t.Context(), &monitor.FetchRequest{URL: srv.URL + "/to-localhost"})
	if !errors.Is(err, ErrPrivateAddress) || hits.Load() != 2 {
		t.Errorf("redirect to localhost: %v after %d requests, want a refusal after 2", err, hits.Load())
	}

	// the port is part of what is trusted: another port of the same host
	// (another service of the machine) is not
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("admin page")) }))
	defer other.Close()
	if _, err := trusting.Fetch(t.Context(), &monitor.FetchRequest{URL: other.URL + "/"}); !errors.Is(err, ErrPrivateAddress) {
		t.Errorf("another port of a trusted host: %v, want a refusal", err)
	}

	// without the guard (tests, tools) every address is fetched
	open := newClient(t, testConfig(), a)
	if _, err := open.Fetch(t.Context(), &monitor.FetchRequest{URL: srv.URL + "/secret"}); err != nil {
		t.Errorf("no guard: %v", err)
	}
}

func srvURL(r *http.Request) string { return "http://" + r.Host }

// A name that resolved to a public address when checked and to a private
// one when dialled (DNS rebinding) is refused at the dial.
func TestGuardedDial(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	dial := guardedDial(&net.Dialer{})
	marked := context.WithValue(t.Context(), guardKey{}, true)
	if _, err := dial(marked, "tcp", ln.Addr().String()); !errors.Is(err, ErrPrivateAddress) {
		t.Errorf("a guarded dial to %s: %v, want a refusal", ln.Addr(), err)
	}
	c, err := dial(t.Context(), "tcp", ln.Addr().String())
	if err != nil {
		t.Fatalf("an unguarded dial: %v", err)
	}
	c.Close()
}

func TestPrivate(t *testing.T) {
	for s, want := range map[string]bool{
		"127.0.0.1": true, "10.1.2.3": true, "172.16.0.1": true, "192.168.1.1": true, "169.254.169.254": true,
		"100.64.0.1": true, "0.0.0.0": true, "::1": true, "fe80::1": true, "fc00::1": true, "::ffff:127.0.0.1": true,
		"8.8.8.8": false, "2001:4860:4860::8888": false, "203.0.113.7": false,
		"255.255.255.255": true, "198.18.0.1": true, "192.0.0.8": true, "240.0.0.1": true,
		"64:ff9b::7f00:1": true, "64:ff9b::808:808": false, // NAT64 of 127.0.0.1, of 8.8.8.8
		"2002:7f00:1::": true, "2002:a00:1::": true, "2002:808:808::": false, // 6to4 of 127.0.0.1, 10.0.0.1, 8.8.8.8
		"::7f00:1": true, "::808:808": false, // IPv4-compatible
	} {
		if got := private(netip.MustParseAddr(s)); got != want {
			t.Errorf("private(%s) = %v, want %v", s, got, want)
		}
	}
}
