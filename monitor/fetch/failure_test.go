package fetch

import (
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/sandbox"
	"github.com/takedownwatch/takedownwatch/internal/sandbox/sandboxtest"
	"github.com/takedownwatch/takedownwatch/monitor"
)

// closedAddr returns a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

// Network failures are archived as failure captures and reported as
// transient: they are never evidence that a post is gone.
func TestClient_Fetch_NetworkFailures(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{Hosts: 1})
	feed := addFeed(sb, 0, "alice").FeedURL()
	short := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000")
		_, _ = w.Write([]byte("only this"))
	}))
	t.Cleanup(short.Close)

	tests := []struct {
		name    string
		url     string
		fail    *sandbox.Failure // on the sandbox host, for every request
		timeout time.Duration
		want    string // in the capture's error
	}{
		// The Reset doc: the transport retries an idempotent request once
		// on a reused connection; failing every request covers both tries.
		{"connection reset", feed, ptr(sandbox.Reset()), 0, ""},
		{"timeout", feed, ptr(sandbox.Slow(5 * time.Second)), 200 * time.Millisecond, "timeout"},
		{"connection refused", "http://" + closedAddr(t) + "/feed", nil, 0, "refused"},
		{"body cut short", short.URL, nil, 0, "cut off after 9 bytes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.fail != nil {
				sb.FailHost(0, -1, *tc.fail)
				t.Cleanup(sb.ClearFailures)
			}
			cfg := testConfig()
			if tc.timeout > 0 {
				cfg.Timeout = config.Duration(tc.timeout)
			}
			a := newArchive(t)
			c := newClient(t, cfg, a)
			start := time.Now()
			resp, err := c.Fetch(t.Context(), &monitor.FetchRequest{URL: tc.url, Kind: monitor.KindPermalink})
			took := time.Since(start)
			var fe *monitor.FetchError
			if !errors.As(err, &fe) || !fe.Transient {
				t.Fatalf("Fetch = %v, %v; want a transient FetchError", resp, err)
			}
			if fe.CaptureID == 0 {
				t.Fatalf("FetchError has no capture")
			}
			got := capture(t, a, fe.CaptureID)
			if got.Status != 0 || got.Error == "" || got.HasRecord() || got.URL != tc.url || got.Vantage != config.Direct {
				t.Errorf("capture = status %d, error %q, record %v, url %s, vantage %q; want a failure capture of %s", got.Status, got.Error, got.HasRecord(), got.URL, got.Vantage, tc.url)
			}
			if !strings.Contains(got.Error, tc.want) {
				t.Errorf("capture error %q lacks %q", got.Error, tc.want)
			}
			if tc.timeout > 0 && took > tc.timeout+time.Second {
				t.Errorf("Fetch took %s with a %s timeout", took, tc.timeout)
			}
			t.Logf("took %s: %v", took, err)
			if n := countCaptures(t, a); n != 1 {
				t.Errorf("%d captures, want 1", n)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
