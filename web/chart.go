package web

import (
	"bytes"
	"errors"
	"net/http"
	"sort"
	"time"

	chart "github.com/wcharczuk/go-chart/v2"

	"github.com/takedownwatch/takedownwatch/archive/store"
)

// actorChart renders an actor's metrics over time as SVG, server-side
// (go-chart), so the page needs no script; the numbers are in a table
// beside it.
func (h *Handler) actorChart(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := h.o.Store.Actor(r.Context(), id); errors.Is(err, store.ErrNotFound) {
		http.NotFound(w, r)
		return
	}
	xs := map[string][]time.Time{}
	ys := map[string][]float64{}
	err := h.o.Store.EachMetric(r.Context(), store.Filter{Actor: id}, func(m *store.MetricRow) error {
		name := m.Source + " " + m.Name
		xs[name] = append(xs[name], m.At)
		ys[name] = append(ys[name], m.Value)
		return nil
	})
	if err != nil {
		h.internal(w, "chart", err)
		return
	}
	var names []string
	for n := range xs {
		if len(xs[n]) >= 2 { // a line needs two points
			names = append(names, n)
		}
	}
	sort.Strings(names)
	c := chart.Chart{Width: 800, Height: 300, Background: chart.Style{Padding: chart.Box{Top: 20, Left: 20, Right: 20, Bottom: 20}},
		XAxis: chart.XAxis{ValueFormatter: chart.TimeDateValueFormatter}, YAxis: chart.YAxis{}}
	for _, n := range names {
		c.Series = append(c.Series, chart.TimeSeries{Name: n, XValues: xs[n], YValues: ys[n]})
	}
	if len(c.Series) > 1 {
		c.Elements = []chart.Renderable{chart.Legend(&c)}
	}
	var b bytes.Buffer
	if len(c.Series) == 0 {
		b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" width="800" height="60"><text x="10" y="35" font-family="sans-serif" font-size="14">Not enough snapshots yet for a chart.</text></svg>`)
	} else if err := c.Render(chart.SVG, &b); err != nil {
		h.internal(w, "chart", err)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	// The chart styles itself inline; it is an image, so nothing in it runs.
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(b.Bytes())
}
