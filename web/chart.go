package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	chart "github.com/wcharczuk/go-chart/v2"

	"github.com/takedownwatch/takedownwatch/archive/store"
)

// actorChart renders an actor's metrics over time as SVG, server-side
// (go-chart), so the page needs no script; the numbers are in a table
// beside it. A chart stands until a series gains a reading: it is kept,
// and its ETag answers a browser's revalidation, by each series' newest
// reading (a few index seeks), so a year of snapshots is read again only
// after new ones come.
func (h *Handler) actorChart(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := h.o.Store.Actor(r.Context(), id); errors.Is(err, store.ErrNotFound) {
		http.NotFound(w, r)
		return
	}
	latest, err := h.o.Store.LatestMetrics(r.Context(), id, 1)
	if err != nil {
		h.internal(w, "chart", err)
		return
	}
	// ?series=SOURCE/NAME draws one metric on its own axis: followers
	// and likes apart differ a hundredfold, and on one axis the smaller is
	// a flat line whatever it does
	series := r.URL.Query().Get("series")
	if series != "" {
		latest = slices.DeleteFunc(latest, func(m store.MetricRow) bool { return m.Source+"/"+m.Name != series })
		if len(latest) == 0 {
			http.NotFound(w, r)
			return
		}
	}
	sig := sha256.New()
	for _, m := range latest {
		fmt.Fprintf(sig, "%s\x00%s\x00%d\x00%g\n", m.Source, m.Name, m.At.UnixNano(), m.Value)
	}
	etag := `"` + hex.EncodeToString(sig.Sum(nil)[:16]) + `"`
	key := id + "\x00" + series
	svg, ok := h.charts.get(key, etag)
	if !ok {
		if svg, err = h.renderChart(r.Context(), latest); err != nil {
			h.internal(w, "chart", err)
			return
		}
		h.charts.put(key, etag, svg)
	}
	serveSVG(w, r, etag, svg)
}

// serveSVG answers with a chart, revalidated by its ETag each time.
func serveSVG(w http.ResponseWriter, r *http.Request, etag string, svg []byte) {
	w.Header().Set("Content-Type", "image/svg+xml")
	// The chart styles itself inline; it is an image, so nothing in it runs.
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("ETag", etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(svg))
}

// renderChart draws each series of latest (one row per series) from all
// its readings.
func (h *Handler) renderChart(ctx context.Context, latest []store.MetricRow) ([]byte, error) {
	height := 300
	if len(latest) == 1 {
		height = chartSeriesHeight
	}
	c := chart.Chart{Width: 800, Height: height, Background: chart.Style{Padding: chart.Box{Top: 20, Left: 20, Right: 20, Bottom: 20}},
		XAxis: chart.XAxis{ValueFormatter: chart.TimeDateValueFormatter}, YAxis: chart.YAxis{ValueFormatter: countFormatter},
		// unused, it still drew its ticks, at y = -9223372036854775544
		YAxisSecondary: chart.YAxis{Style: chart.Hidden()}}
	for _, se := range latest { // by source and name
		var xs []time.Time
		var ys []float64
		if err := h.o.Store.EachReading(ctx, se.Source, se.Name, func(at time.Time, v float64) {
			xs, ys = append(xs, at), append(ys, v)
		}); err != nil {
			return nil, err
		}
		if len(xs) < 2 { // a line needs two points
			continue
		}
		x, y := downsample(xs, ys, chartBuckets)
		c.Series = append(c.Series, chart.TimeSeries{Name: se.Source + " " + se.Name, XValues: x, YValues: y})
	}
	if len(c.Series) > 1 {
		c.Elements = []chart.Renderable{chart.Legend(&c)}
	}
	var b bytes.Buffer
	if len(c.Series) == 0 {
		b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" width="800" height="60"><text x="10" y="35" font-family="sans-serif" font-size="14">Not enough snapshots yet for a chart.</text></svg>`)
	} else if err := c.Render(chart.SVG, &b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// chartSeriesHeight is the height of a chart of one series.
const chartSeriesHeight = 200

// countFormatter writes an axis value as counts are read: whole numbers
// with thousands apart (1,500,000), a fraction only where there is one.
func countFormatter(v interface{}) string {
	f, ok := v.(float64)
	if !ok {
		return fmt.Sprint(v)
	}
	if f != math.Trunc(f) || math.Abs(f) >= 1e15 {
		return strconv.FormatFloat(f, 'f', 2, 64)
	}
	s := strconv.FormatInt(int64(math.Abs(f)), 10)
	var b strings.Builder
	if f < 0 {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// chartCache keeps the latest chart of the actors last drawn, each with
// the signature (ETag) of the readings it was drawn from.
type chartCache struct {
	mu sync.Mutex
	m  map[string]cachedChart
}

type cachedChart struct {
	etag string
	svg  []byte
}

// chartCacheSize bounds the charts kept: a few dozen actors' pages are
// what readers open; each chart is tens of KB.
const chartCacheSize = 64

func (c *chartCache) get(actor, etag string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[actor]
	return e.svg, ok && e.etag == etag
}

func (c *chartCache) put(actor, etag string, svg []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= chartCacheSize {
		c.m = map[string]cachedChart{} // simplest bound: start afresh
	}
	c.m[actor] = cachedChart{etag, svg}
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
