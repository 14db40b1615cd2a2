package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/sandbox"
	"github.com/takedownwatch/takedownwatch/internal/sandbox/sandboxtest"
	"github.com/takedownwatch/takedownwatch/monitor"
)

// TestClient_Fetch_Politeness is the project's acceptance point: 500
// sources over 4 hosts fetched by 64 goroutines, and no host ever sees
// more than per_host_concurrency requests at once or two arrivals closer
// than per_host_interval.
//
// The gaps are checked without slack. The client counts the interval
// from the moment the host began to answer the previous request, which
// the host did after stamping its arrival, on the same clock; spacing
// counted from sends alone lost up to 17 ms of a 20 ms interval on a busy
// 2-CPU machine, where the server's goroutine is sometimes scheduled late.
func TestClient_Fetch_Politeness(t *testing.T) {
	const (
		hosts    = 4
		sources  = 500
		workers  = 64
		interval = 20 * time.Millisecond
	)
	sb := sandboxtest.New(t, sandbox.Options{Hosts: hosts})
	feeds := make([]string, sources)
	for i := range feeds {
		feeds[i] = addFeed(sb, i%hosts, fmt.Sprintf("acct%03d", i)).FeedURL()
	}
	cfg := testConfig()
	cfg.PerHostConcurrency = 2
	cfg.PerHostInterval = config.Duration(interval)
	// In memory: under -race the real archive takes over 10 ms a capture
	// (SQLite in pure Go), and 500 of them would time the archive, not
	// the spacing. Every other test archives for real.
	rec := &memRecorder{}
	c := newClient(t, cfg, rec)

	start := time.Now()
	work := make(chan string)
	errs := make(chan error, sources)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for feed := range work {
				resp, err := c.Fetch(t.Context(), &monitor.FetchRequest{URL: feed, Kind: monitor.KindListing})
				if err == nil && resp.StatusCode != http.StatusOK {
					err = fmt.Errorf("%s: status %d", feed, resp.StatusCode)
				}
				if err != nil {
					errs <- err
				}
			}
		})
	}
	for _, f := range feeds {
		work <- f
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	elapsed := time.Since(start)

	perHost := sources / hosts
	for h := range hosts {
		st := sb.Stats(h)
		if st.Requests != perHost {
			t.Errorf("host %d: %d requests, want %d", h, st.Requests, perHost)
		}
		if st.MaxInFlight > cfg.PerHostConcurrency {
			t.Errorf("host %d: %d requests in flight at once, want at most %d", h, st.MaxInFlight, cfg.PerHostConcurrency)
		}
		arr := slices.Clone(st.Arrivals)
		slices.SortFunc(arr, func(a, b time.Time) int { return a.Compare(b) })
		minGap := time.Duration(1<<63 - 1)
		for i := 1; i < len(arr); i++ {
			gap := arr[i].Sub(arr[i-1])
			minGap = min(minGap, gap)
			if gap < interval {
				t.Errorf("host %d: arrivals %d and %d only %s apart, want at least %s", h, i-1, i, gap, interval)
			}
		}
		t.Logf("host %d: %d requests, max in flight %d, smallest gap %s", h, st.Requests, st.MaxInFlight, minGap)
	}
	if got := rec.urls(); len(got) != sources {
		t.Errorf("%d distinct URLs archived, want %d", len(got), sources)
	}
	// Each host is a queue of perHost requests an interval apart.
	if floor := time.Duration(perHost-1) * interval; elapsed < floor {
		t.Errorf("took %s, less than the %s spacing alone needs", elapsed, floor)
	}
	t.Logf("%d fetches over %d hosts in %s", sources, hosts, elapsed)
}

// Without spacing, the concurrency limit alone must bind: requests held
// in the server pile up to exactly the limit.
func TestClient_Fetch_PerHostConcurrency(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{Hosts: 2})
	a0 := addFeed(sb, 0, "alice")
	a1 := addFeed(sb, 1, "bob")
	sb.FailHost(0, -1, sandbox.Slow(50*time.Millisecond))
	sb.FailHost(1, -1, sandbox.Slow(50*time.Millisecond))
	cfg := testConfig()
	cfg.PerHostConcurrency = 3
	c := newClient(t, cfg, newArchive(t))
	var wg sync.WaitGroup
	for i := range 24 {
		feed := a0.FeedURL()
		if i%2 == 1 {
			feed = a1.FeedURL()
		}
		wg.Go(func() {
			if _, err := c.Fetch(t.Context(), &monitor.FetchRequest{URL: feed}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for h := range 2 {
		if got := sb.Stats(h).MaxInFlight; got != cfg.PerHostConcurrency {
			t.Errorf("host %d: max in flight %d, want exactly %d", h, got, cfg.PerHostConcurrency)
		}
	}
}

func TestClient_Fetch_RetryAfter(t *testing.T) {
	t.Run("waited out", func(t *testing.T) {
		t.Parallel()
		sb := sandboxtest.New(t, sandbox.Options{Hosts: 2})
		feed := addFeed(sb, 0, "alice").FeedURL()
		other := addFeed(sb, 1, "bob").FeedURL()
		a := newArchive(t)
		c := newClient(t, testConfig(), a)
		sb.FailHost(0, 1, sandbox.TooMany(time.Second))

		resp, err := c.Fetch(t.Context(), &monitor.FetchRequest{URL: feed})
		if err != nil {
			t.Fatalf("first Fetch: %v", err)
		}
		// The 429 is an answer like any other: archived and returned.
		if resp.StatusCode != http.StatusTooManyRequests || capture(t, a, resp.Capture.ID).Status != http.StatusTooManyRequests {
			t.Fatalf("first answer %d, want an archived 429", resp.StatusCode)
		}
		// Another host is not held up.
		t0 := time.Now()
		if _, err := c.Fetch(t.Context(), &monitor.FetchRequest{URL: other}); err != nil {
			t.Fatalf("other host: %v", err)
		}
		if d := time.Since(t0); d > 500*time.Millisecond {
			t.Errorf("a fetch to another host took %s", d)
		}
		if resp, err = c.Fetch(t.Context(), &monitor.FetchRequest{URL: feed}); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("second Fetch: %v, want 200", err)
		}
		arr := sb.Stats(0).Arrivals
		if len(arr) != 2 {
			t.Fatalf("host saw %d requests, want 2", len(arr))
		}
		if gap := arr[1].Sub(arr[0]); gap < time.Second {
			t.Errorf("second request arrived %s after the 429's, want at least 1s", gap)
		}
	})

	// A host that asks for more than the caller can wait gets no request.
	failFast := []struct {
		name    string
		opts    []Option
		timeout time.Duration // of the caller's context; 0: none
	}{
		{"beyond MaxRetryWait", []Option{WithMaxRetryWait(100 * time.Millisecond)}, 0},
		{"beyond the caller's deadline", nil, 300 * time.Millisecond},
	}
	for _, tc := range failFast {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sb := sandboxtest.New(t, sandbox.Options{Hosts: 1})
			feed := addFeed(sb, 0, "alice").FeedURL()
			a := newArchive(t)
			c := newClient(t, testConfig(), a, tc.opts...)
			sb.FailHost(0, 1, sandbox.TooMany(time.Second))
			if _, err := c.Fetch(t.Context(), &monitor.FetchRequest{URL: feed}); err != nil {
				t.Fatalf("first Fetch: %v", err)
			}
			ctx := t.Context()
			if tc.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.timeout)
				defer cancel()
			}
			t0 := time.Now()
			_, err := c.Fetch(ctx, &monitor.FetchRequest{URL: feed})
			took := time.Since(t0)
			var fe *monitor.FetchError
			var ra *RetryAfterError
			if !errors.As(err, &fe) || !fe.Transient || !errors.As(err, &ra) {
				t.Fatalf("Fetch error = %v, want a transient FetchError with a RetryAfterError", err)
			}
			if took > 50*time.Millisecond {
				t.Errorf("failing took %s, want at once", took)
			}
			if ra.Until.Before(t0) || ra.Until.After(t0.Add(1100*time.Millisecond)) {
				t.Errorf("Until = %s, want about a second after %s", ra.Until, t0)
			}
			if n := sb.Stats(0).Requests; n != 1 {
				t.Errorf("host saw %d requests, want only the first", n)
			}
			if n := countCaptures(t, a); n != 1 {
				t.Errorf("%d captures, want only the 429's", n)
			}
		})
	}

	t.Run("HTTP date on a 503", func(t *testing.T) {
		t.Parallel()
		var mu sync.Mutex
		var arrivals []time.Time
		var until time.Time
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			arrivals = append(arrivals, time.Now())
			if len(arrivals) == 1 {
				// HTTP dates have whole seconds: the wait is 1 to 2 s.
				until = time.Now().Add(2 * time.Second).Truncate(time.Second)
				w.Header().Set("Retry-After", until.UTC().Format(http.TimeFormat))
				w.WriteHeader(http.StatusServiceUnavailable)
			}
		}))
		t.Cleanup(srv.Close)
		c := newClient(t, testConfig(), newArchive(t))
		for range 2 {
			if _, err := c.Fetch(t.Context(), &monitor.FetchRequest{URL: srv.URL}); err != nil {
				t.Fatalf("Fetch: %v", err)
			}
		}
		mu.Lock()
		defer mu.Unlock()
		if len(arrivals) != 2 || arrivals[1].Before(until) {
			t.Errorf("arrivals %v, want the second after %s", arrivals, until)
		}
	})
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"0", 0, false},
		{"1", time.Second, true},
		{"120", 2 * time.Minute, true},
		{"-5", 0, false},
		{"1.5", 0, false},
		{"soon", 0, false},
		{"99999999999999999999", maxRetryAfter, true},
		{"Sun, 01 Mar 2026 12:00:30 GMT", 30 * time.Second, true},
		{"Sunday, 01-Mar-26 12:01:00 GMT", time.Minute, true},
		{"Sun, 01 Mar 2026 11:00:00 GMT", 0, false},
		{"Sun, 01 Mar 2036 11:00:00 GMT", maxRetryAfter, true},
	}
	for _, tc := range tests {
		got, ok := parseRetryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseRetryAfter(%q) = %s, %v; want %s, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// A request that gives up its turn while waiting hands the spacing on:
// the one behind it still counts from the request before.
func TestHost_GiveUpKeepsSpacing(t *testing.T) {
	const interval = 50 * time.Millisecond
	h := &host{key: "example.org:80", slots: make(chan struct{}, 3)}
	first, err := h.acquire(t.Context(), interval, time.Minute)
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(t.Context())
	gaveUp := make(chan error, 1)
	go func() {
		_, err := h.acquire(ctx, interval, time.Minute)
		gaveUp <- err
	}()
	time.Sleep(10 * time.Millisecond) // the second takes its turn before the third
	third := make(chan time.Time, 1)
	go func() {
		tn, err := h.acquire(t.Context(), interval, time.Minute)
		if err != nil {
			t.Error(err)
			close(third)
			return
		}
		started := time.Now()
		tn.answered(started)
		h.release()
		third <- started
	}()
	time.Sleep(10 * time.Millisecond)
	cancel()
	if err := <-gaveUp; !errors.Is(err, context.Canceled) {
		t.Fatalf("second acquire = %v, want context.Canceled", err)
	}
	time.Sleep(10 * time.Millisecond)
	answered := time.Now()
	first.answered(answered)
	h.release()
	started, ok := <-third
	if !ok {
		return
	}
	if gap := started.Sub(answered); gap < interval {
		t.Errorf("third started %s after the first was answered, want at least %s", gap, interval)
	}
	if n := len(h.slots); n != 0 {
		t.Errorf("%d slots still held", n)
	}
}
