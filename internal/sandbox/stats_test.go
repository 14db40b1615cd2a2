package sandbox_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/internal/sandbox"
	"github.com/takedownwatch/takedownwatch/internal/sandbox/sandboxtest"
)

func TestStats_MaxInFlight(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{Hosts: 2})
	a := sb.AddAccount(0, "alice")
	c := newClient(t)

	// Hold four requests in the server at once, then let them go.
	const n = 4
	sb.FailHost(0, -1, sandbox.Slow(time.Minute))
	ctx, cancel := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() { _, _, _ = do(ctx, c, a.FeedURL(), nil) })
	}
	waitRequests(t, sb, 0, n)
	got := sb.Stats(0)
	cancel()
	wg.Wait()
	if got.Requests != n || got.MaxInFlight != n || len(got.Arrivals) != n {
		t.Errorf("concurrent: Stats = %d requests, %d max in flight, %d arrivals; want %d each",
			got.Requests, got.MaxInFlight, len(got.Arrivals), n)
	}

	sb.ClearFailures()
	sb.ResetStats()
	for range 3 {
		fetch(t, c, a.FeedURL(), nil)
	}
	got = sb.Stats(0)
	if got.Requests != 3 || got.MaxInFlight != 1 || len(got.Arrivals) != 3 {
		t.Errorf("sequential: Stats = %+v; want 3 requests, 1 in flight", got)
	}
	for i := 1; i < len(got.Arrivals); i++ {
		if got.Arrivals[i].Before(got.Arrivals[i-1]) {
			t.Errorf("arrivals out of order: %v", got.Arrivals)
		}
	}
	if other := sb.Stats(1); other.Requests != 0 {
		t.Errorf("host 1 saw %d requests, want 0", other.Requests)
	}
}

func TestStats_Requests(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{Hosts: 2})
	c := newClient(t)
	a0 := sb.AddAccount(0, "alice")
	a1 := sb.AddAccount(1, "alice")
	fetch(t, c, a0.FeedURL(), http.Header{"User-Agent": {"first/1.0"}})
	fetch(t, c, a0.FeedURL()+"?page=2", http.Header{"User-Agent": {"second/1.0"}})
	fetch(t, c, a1.FeedURL(), http.Header{"User-Agent": {"third/1.0"}, "If-None-Match": {`"x"`}})

	tests := []struct {
		target string
		count  int
		ua     string
	}{
		{a0.FeedURL(), 2, "second/1.0"},
		{a1.FeedURL(), 1, "third/1.0"},
		{"/alice/feed.rss", 3, "third/1.0"},
		{"/alice/feed.atom", 0, ""},
		{"http://127.0.0.9:1/alice/feed.rss", 0, ""},
	}
	for _, tc := range tests {
		if got := sb.Requests(tc.target); got != tc.count {
			t.Errorf("Requests(%s) = %d, want %d", tc.target, got, tc.count)
		}
		if got := sb.LastRequest(tc.target).Get("User-Agent"); got != tc.ua {
			t.Errorf("LastRequest(%s) User-Agent = %q, want %q", tc.target, got, tc.ua)
		}
	}
	if got := sb.LastRequest(a1.FeedURL()).Get("If-None-Match"); got != `"x"` {
		t.Errorf("LastRequest If-None-Match = %q", got)
	}
	sb.ResetStats()
	if got := sb.Requests("/alice/feed.rss"); got != 0 {
		t.Errorf("after ResetStats: %d requests", got)
	}
}
