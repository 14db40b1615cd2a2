package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// archiveCollector reads its figures from the archive at each scrape:
// the daemon keeps no counters of its own that a restart would lose.
type archiveCollector struct {
	h                                 *Handler
	fetches, events, backlog, lag, up *prometheus.Desc
	rebuilding, rebuilt               *prometheus.Desc
}

// IndexLag reports how far the search index is behind the archive.
type IndexLag interface {
	Lag(ctx context.Context) (int64, error)
}

func newArchiveCollector(h *Handler) *archiveCollector {
	return &archiveCollector{
		h:          h,
		fetches:    prometheus.NewDesc("takedownwatch_fetches_total", "Archived fetches by HTTP status (0: no answer).", []string{"status"}, nil),
		events:     prometheus.NewDesc("takedownwatch_events_total", "Events by type.", []string{"type"}, nil),
		backlog:    prometheus.NewDesc("takedownwatch_check_backlog", "Permalink checks due now.", nil, nil),
		lag:        prometheus.NewDesc("takedownwatch_index_lag", "Versions or state changes not yet in the search index.", nil, nil),
		up:         prometheus.NewDesc("takedownwatch_archive_up", "1 when the archive's database answers and its writes succeed.", nil, nil),
		rebuilding: prometheus.NewDesc("takedownwatch_index_rebuild_running", "1 while the search index is rebuilt beside the one in use.", nil, nil),
		rebuilt:    prometheus.NewDesc("takedownwatch_index_rebuild_posts", "Posts of the running (or last) rebuild of the search index: done, and total when it began.", []string{"of"}, nil),
	}
}

func (c *archiveCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.fetches, c.events, c.backlog, c.lag, c.up, c.rebuilding, c.rebuilt} {
		ch <- d
	}
}

func (c *archiveCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	st := c.h.o.Store
	byStatus, err1 := st.CapturesByStatus(ctx)
	byType, err2 := st.EventsByType(ctx)
	backlog, err3 := st.Backlog(ctx, c.h.o.Clock())
	up := 1.0
	if err1 != nil || err2 != nil || err3 != nil || c.h.writeFailing() != nil {
		up = 0
	}
	ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, up)
	for s, n := range byStatus {
		ch <- prometheus.MustNewConstMetric(c.fetches, prometheus.CounterValue, float64(n), strconv.Itoa(s))
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
