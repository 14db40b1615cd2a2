package web

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/takedownwatch/takedownwatch/archive/store"
)

// archiveCollector reads its figures from the archive at each scrape:
// the daemon keeps no counters of its own that a restart would lose. The
// totals of captures and events are counted once, then only their new
// rows at each scrape (tallies).
type archiveCollector struct {
	h                                 *Handler
	fetches, events, backlog, lag, up *prometheus.Desc
	rebuilding, rebuilt               *prometheus.Desc
	lastSuccess, failures, info       *prometheus.Desc
	captures, eventTypes              tally
}

// tally is a running count of an append-only table's rows by a column.
type tally struct {
	mu      sync.Mutex
	last    int64 // the highest id counted
	counts  map[string]int
	ready   bool // the first, full count is done
	loading bool // and runs now
	since   func(ctx context.Context, after int64) (map[string]int, int64, error)
}

// errCounting: the first count of a table runs in the background (on
// millions of rows it takes longer than a scrape may), and its series wait.
var errCounting = errors.New("metrics: counting for the first time")

// read adds the rows added since the last read and returns a copy of the
// totals; on error the totals stay as they were, for the next scrape.
func (t *tally) read(ctx context.Context) (map[string]int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.ready {
		if !t.loading {
			t.loading = true
			go t.first()
		}
		return nil, errCounting
	}
	add, last, err := t.since(ctx, t.last)
	if err != nil {
		return nil, err
	}
	if t.counts == nil {
		t.counts = map[string]int{}
	}
	for k, n := range add {
		t.counts[k] += n
	}
	t.last = last
	out := make(map[string]int, len(t.counts))
	for k, n := range t.counts {
		out[k] = n
	}
	return out, nil
}

// first counts every row, without a deadline; a failure leaves the next
// scrape to try again.
func (t *tally) first() {
	counts, last, err := t.since(context.Background(), 0)
	t.mu.Lock()
	defer t.mu.Unlock()
	t.loading = false
	if err == nil {
		t.counts, t.last, t.ready = counts, last, true
	}
}

// IndexLag reports how far the search index is behind the archive.
type IndexLag interface {
	Lag(ctx context.Context) (int64, error)
}

func newArchiveCollector(h *Handler) *archiveCollector {
	return &archiveCollector{
		h:          h,
		captures:   tally{since: h.o.Store.CapturesByStatusSince},
		eventTypes: tally{since: h.o.Store.EventsByTypeSince},
		fetches:    prometheus.NewDesc("takedownwatch_fetches_total", "Archived fetches by HTTP status (0: no answer).", []string{"status"}, nil),
		events:     prometheus.NewDesc("takedownwatch_events_total", "Events by type.", []string{"type"}, nil),
		backlog:    prometheus.NewDesc("takedownwatch_check_backlog", "Permalink checks due now.", nil, nil),
		lag:        prometheus.NewDesc("takedownwatch_index_lag", "Versions or state changes not yet in the search index.", nil, nil),
		up:         prometheus.NewDesc("takedownwatch_archive_up", "1 when the archive's database answers and its writes succeed.", nil, nil),
		rebuilding: prometheus.NewDesc("takedownwatch_index_rebuild_running", "1 while the search index is rebuilt beside the one in use.", nil, nil),
		rebuilt:    prometheus.NewDesc("takedownwatch_index_rebuild_posts", "Posts of the running (or last) rebuild of the search index: done, and total when it began.", []string{"of"}, nil),
		lastSuccess: prometheus.NewDesc("takedownwatch_source_last_success_timestamp_seconds",
			"When each configured source last answered (0: never): alert on a source silent too long, which reads as no removals.", []string{"source", "platform"}, nil),
		failures: prometheus.NewDesc("takedownwatch_source_consecutive_failures", "Failed collections of each configured source in a row.", []string{"source", "platform"}, nil),
		info:     prometheus.NewDesc("takedownwatch_build_info", "The running build (1).", []string{"version"}, nil),
	}
}

func (c *archiveCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.fetches, c.events, c.backlog, c.lag, c.up, c.rebuilding, c.rebuilt, c.lastSuccess, c.failures, c.info} {
		ch <- d
	}
}

func (c *archiveCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.h.o.Store
	// Each figure has its own deadline: a slow one (the first count of
	// millions of captures after a start) leaves out its own series and
	// does not say the archive is down; up is the database answering.
	within := func(d time.Duration, fn func(ctx context.Context)) {
		ctx, cancel := context.WithTimeout(context.Background(), d)
		defer cancel()
		fn(ctx)
	}
	var byStatus, byType map[string]int
	var backlog int
	var err3, pingErr, srcErr error
	var sources []*store.Source
	within(3*time.Second, func(ctx context.Context) { byStatus, _ = c.captures.read(ctx) })
	within(3*time.Second, func(ctx context.Context) { byType, _ = c.eventTypes.read(ctx) })
	within(2*time.Second, func(ctx context.Context) { backlog, err3 = st.Backlog(ctx, c.h.o.Clock()) })
	within(time.Second, func(ctx context.Context) { pingErr = st.Ping(ctx) })
	within(2*time.Second, func(ctx context.Context) { sources, srcErr = st.ActiveSources(ctx) })
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	up := 1.0
	if pingErr != nil || c.h.writeFailing() != nil {
		up = 0
	}
	ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, up)
	ch <- prometheus.MustNewConstMetric(c.info, prometheus.GaugeValue, 1, c.h.o.Version)
	if srcErr == nil {
		for _, s := range sources {
			var at float64
			if !s.LastSuccess.IsZero() {
				at = float64(s.LastSuccess.Unix())
			}
			ch <- prometheus.MustNewConstMetric(c.lastSuccess, prometheus.GaugeValue, at, s.ID, s.Platform)
			ch <- prometheus.MustNewConstMetric(c.failures, prometheus.GaugeValue, float64(s.ConsecutiveFailures), s.ID, s.Platform)
		}
	}
	for s, n := range byStatus {
		ch <- prometheus.MustNewConstMetric(c.fetches, prometheus.CounterValue, float64(n), s)
	}
	for t, n := range byType {
		ch <- prometheus.MustNewConstMetric(c.events, prometheus.CounterValue, float64(n), t)
	}
	if err3 == nil {
		ch <- prometheus.MustNewConstMetric(c.backlog, prometheus.GaugeValue, float64(backlog))
	}
	if l, ok := c.h.o.Search.(IndexLag); ok {
		if n, err := l.Lag(ctx); err == nil {
			ch <- prometheus.MustNewConstMetric(c.lag, prometheus.GaugeValue, float64(n))
		}
	}
	if rx := c.h.o.Reindex; rx != nil {
		st := rx.ReindexStatus()
		running := 0.0
		if st.Running {
			running = 1
		}
		ch <- prometheus.MustNewConstMetric(c.rebuilding, prometheus.GaugeValue, running)
		ch <- prometheus.MustNewConstMetric(c.rebuilt, prometheus.GaugeValue, float64(st.Done), "done")
		ch <- prometheus.MustNewConstMetric(c.rebuilt, prometheus.GaugeValue, float64(st.Total), "total")
	}
}

func (h *Handler) metrics(w http.ResponseWriter, r *http.Request) {
	h.metricsOnce.Do(func() {
		reg := prometheus.NewRegistry()
		reg.MustRegister(newArchiveCollector(h), prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
		h.metricsHandler = promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	})
	h.metricsHandler.ServeHTTP(w, r)
}
