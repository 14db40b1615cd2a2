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
		x, y := downsample(xs[n], ys[n], chartBuckets)
		c.Series = append(c.Series, chart.TimeSeries{Name: n, XValues: x, YValues: y})
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

// chartBuckets: the chart is 800 pixels wide; two readings' worth of
// buckets a pixel is more than a line can show.
const chartBuckets = 400

// downsample keeps, of each of n equal time buckets, the first, lowest,
// highest and last reading (M4, Jugel et al. 2014), in time order: the
// line drawn through them looks the same as through all of them, jumps
// and dips included, where a year of five-minute snapshots made a 2 MB
// SVG. xs is ascending; series of up to 4n readings come back as they are.
func downsample(xs []time.Time, ys []float64, n int) ([]time.Time, []float64) {
	if len(xs) <= 4*n {
		return xs, ys
	}
	t0, span := xs[0], xs[len(xs)-1].Sub(xs[0])
	bucket := func(t time.Time) int {
		return min(int(float64(t.Sub(t0))/float64(span)*float64(n)), n-1)
	}
	var ox []time.Time
	var oy []float64
	for i := 0; i < len(xs); {
		b, j := bucket(xs[i]), i
		lo, hi := i, i
		for j < len(xs) && bucket(xs[j]) == b {
			if ys[j] < ys[lo] {
				lo = j
			}
			if ys[j] > ys[hi] {
				hi = j
			}
			j++
		}
		keep := []int{i, lo, hi, j - 1}
		sort.Ints(keep)
		for k, idx := range keep {
			if k == 0 || idx != keep[k-1] {
				ox, oy = append(ox, xs[idx]), append(oy, ys[idx])
			}
		}
		i = j
	}
	return ox, oy
}
