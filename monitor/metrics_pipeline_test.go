package monitor_test

import (
	"context"
	"testing"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/sandbox"
	"github.com/takedownwatch/takedownwatch/monitor"
	"github.com/takedownwatch/takedownwatch/monitor/feed"
)

// metricFeed is a feed collector that also reports the sandbox account's
// metrics, as a platform with a profile answer does.
type metricFeed struct{ accounts map[string]*sandbox.Account }

func (m metricFeed) Collect(ctx context.Context, src *config.Source, f monitor.Fetcher, opt monitor.CollectOptions) (*monitor.Listing, error) {
	l, err := feed.New().Collect(ctx, src, f, opt)
	if err != nil || l.NotModified {
		return l, err
	}
	for name, v := range m.accounts[src.ID].Metrics() {
		l.Metrics = append(l.Metrics, monitor.Metric{Name: name, Value: float64(v)})
	}
	return l, nil
}

func TestPipeline_MetricsAnomalyFlaggedOnce(t *testing.T) {
	r := newDetRig(t, 1, nil)
	bought := r.account(0, "bought", "gov")
	steady := r.account(0, "steady", "opp")
	r.collectors = map[string]monitor.Collector{"feed": metricFeed{map[string]*sandbox.Account{"bought": bought, "steady": steady}}}
	r.start()
	for round := 0; round < 12; round++ {
		// A new post each round, so no listing is a 304 without metrics.
		bought.Publish(sandbox.Post{HTML: "news"})
		steady.Publish(sandbox.Post{HTML: "news"})
		followers := int64(1000 + 15*round)
		if round >= 7 {
			followers += 20000 // bought at round 7, kept after
		}
		bought.SetMetric("followers", followers)
		steady.SetMetric("followers", int64(1000+300*round)) // fast but steady
		steady.SetMetric("posts", int64(50+round))
		r.cycle()
	}
	anomalies := r.events(store.EventMetricsAnomaly)
	if len(anomalies) != 1 {
		t.Fatalf("%d anomalies, want exactly 1: %+v", len(anomalies), anomalies)
	}
	a := anomalies[0]
	if a.SourceID != "bought" || a.Metric == nil || a.Metric.Name != "followers" || a.Metric.From != 1000+15*6 || a.Metric.To != 1000+15*7+20000 {
		t.Errorf("anomaly %+v metric %+v", a, a.Metric)
	}
	var n int
	if err := r.arc.Store.EachMetric(t.Context(), store.Filter{}, func(m *store.MetricRow) error {
		n++
		if m.Actor == "" || m.Platform != "feed" || m.At.IsZero() {
			t.Errorf("metric row %+v", m)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if n != 12*3 {
		t.Errorf("%d metric values stored, want %d", n, 12*3)
	}
}
