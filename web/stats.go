package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	chart "github.com/wcharczuk/go-chart/v2"
	"github.com/wcharczuk/go-chart/v2/drawing"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/export"
	"github.com/takedownwatch/takedownwatch/stats"
)

// statsQuery is what /stats, /api/stats and the charts were asked.
type statsQuery struct {
	opts            stats.Options
	groupBy, period string // rows of /api/stats; "" for every one
	// values are the parameters as understood, for links and the form.
	values url.Values
	// gen is the archive's generation the statistics were computed at
	// (computeStats), which the charts' ETag names.
	gen generation
}

var monthPattern = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])$`)

// parseStats reads the statistics parameters: the export filters (since,
// until, actor, affiliation, platform), corrections and restricted (1 or
// 0), and for the API's rows group_by and period. Bad ones are a
// QueryError (a 400).
func parseStats(v url.Values) (statsQuery, error) {
	q := statsQuery{values: url.Values{}}
	f := &q.opts.Filter
	for _, t := range []struct {
		name string
		dst  *time.Time
	}{{"since", &f.Since}, {"until", &f.Until}} {
		if s := v.Get(t.name); s != "" {
			d, err := parseWhen(s)
			if err != nil {
				return q, &QueryError{t.name + ": want a date (2026-01-31) or an RFC 3339 time"}
			}
			*t.dst = d
			q.values.Set(t.name, s)
		}
	}
	if !f.Since.IsZero() && !f.Until.IsZero() && !f.Since.Before(f.Until) {
		return q, &QueryError{"since: must be before until"}
	}
	for _, p := range []struct {
		name    string
		dst     *string
		allowed []string
	}{
		{"actor", &f.Actor, nil}, {"affiliation", &f.Affiliation, config.Affiliations}, {"platform", &f.Platform, config.Platforms},
		{"group_by", &q.groupBy, stats.GroupBys},
	} {
		s := v.Get(p.name)
		if s == "" {
			continue
		}
		if p.allowed != nil && !contains(p.allowed, s) {
			return q, &QueryError{p.name + ": unknown value " + strconv.Quote(s) + ", want one of " + strings.Join(p.allowed, ", ")}
		}
		if len(s) > 200 {
			return q, &QueryError{p.name + ": too long"}
		}
		*p.dst = s
		q.values.Set(p.name, s)
	}
	if s := v.Get("period"); s != "" {
		if s != stats.PeriodAll && !monthPattern.MatchString(s) {
			return q, &QueryError{"period: want all or a month (2026-03)"}
		}
		q.period = s
		q.values.Set("period", s)
	}
	for _, b := range []struct {
		name string
		dst  *bool
	}{{"corrections", &q.opts.Corrections}, {"restricted", &q.opts.Restricted}} {
		switch v.Get(b.name) {
		case "", "0", "false":
		case "1", "true", "on":
			*b.dst = true
			q.values.Set(b.name, "1")
		default:
			return q, &QueryError{b.name + ": want 1 or 0"}
		}
	}
	return q, nil
}

// computeStats answers a 400 for bad parameters and a 500 when the
// archive fails; ok reports whether res is there.
func (h *Handler) computeStats(w http.ResponseWriter, r *http.Request, page bool) (statsQuery, *stats.Result, bool) {
	q, err := parseStats(r.URL.Query())
	if a := q.opts.Filter.Actor; err == nil && a != "" {
		err = h.knownActors(r.Context(), a)
	}
	if err != nil {
		if page {
			h.errorPage(w, http.StatusBadRequest, err.Error())
		} else {
			jsonError(w, http.StatusBadRequest, err.Error())
		}
		return q, nil, false
	}
	res, gen, err := h.cachedStats(r.Context(), q.opts)
	q.gen = gen
	if err != nil {
		h.log.WithError(err).Error("stats")
		if page {
			h.errorPage(w, http.StatusInternalServerError, "The archive does not answer.")
		} else {
			jsonError(w, http.StatusInternalServerError, "internal error")
		}
		return q, nil, false
	}
	return q, res, true
}

// statsCacheSize bounds the statistics kept: a page is its own query and
// its three charts' (the same), and filters make a few dozen more.
const statsCacheSize = 64

// cachedStats computes the statistics of o once per archive generation
// (see genCache): a /stats page asks for them four times (the page and its
// three charts), and each reads every post count and removal.
func (h *Handler) cachedStats(ctx context.Context, o stats.Options) (*stats.Result, generation, error) {
	gen, err := archiveGeneration(ctx, h.o.Store, true)
	if err != nil {
		return nil, gen, err
	}
	key := fmt.Sprintf("%+v", o)
	if res, ok := h.statsCache.get(key, gen); ok {
		return res, gen, nil
	}
	h.statsCache.computed.Add(1)
	res, err := stats.Compute(ctx, h.o.Store, o)
	if err != nil {
		return nil, gen, err
	}
	h.statsCache.put(key, gen, res)
	return res, gen, nil
}

// statsComparison is the government-opposition comparison as /api/stats
// gives it.
type statsComparison struct {
	Group                string   `json:"group"`
	ReferenceGroup       string   `json:"reference_group"`
	Period               string   `json:"period"`
	PostsSeen            int      `json:"posts_seen"`
	Removed              int      `json:"removed"`
	RemovalRate          *float64 `json:"removal_rate"`
	ReferencePostsSeen   int      `json:"reference_posts_seen"`
	ReferenceRemoved     int      `json:"reference_removed"`
	ReferenceRemovalRate *float64 `json:"reference_removal_rate"`
	RateRatio            *float64 `json:"rate_ratio"`
	RateRatioCILow       *float64 `json:"rate_ratio_ci_low"`
	RateRatioCIHigh      *float64 `json:"rate_ratio_ci_high"`
	ConfidenceLevel      float64  `json:"confidence_level"`
	RateRatioMethod      string   `json:"rate_ratio_method"`
}

func comparisonOf(c *stats.Comparison, period string) statsComparison {
	return statsComparison{Group: c.Group, ReferenceGroup: c.Reference, Period: period, PostsSeen: c.Posts, Removed: c.Removed,
		RemovalRate: rate(c.Removed, c.Posts), ReferencePostsSeen: c.RefPosts, ReferenceRemoved: c.RefRemoved,
		ReferenceRemovalRate: rate(c.RefRemoved, c.RefPosts), RateRatio: c.RateRatio, RateRatioCILow: c.CILow,
		RateRatioCIHigh: c.CIHigh, ConfidenceLevel: 0.95, RateRatioMethod: c.Method}
}

func rate(n, of int) *float64 {
	if of == 0 {
		return nil
	}
	r := math.Round(float64(n)/float64(of)*1e6) / 1e6
	return &r
}

// apiStats is /api/stats: the rows of `export stats` (field names as in
// the export), the opposition-government comparison and the distribution
// of times to removal.
func (h *Handler) apiStats(w http.ResponseWriter, r *http.Request) {
	q, res, ok := h.computeStats(w, r, false)
	if !ok {
		return
	}
	rows := []json.RawMessage{}
	for i := range res.Rows {
		row := &res.Rows[i]
		if (q.groupBy != "" && row.GroupBy != q.groupBy) || (q.period != "" && row.Period != q.period) {
			continue
		}
		o, err := export.Object(export.StatsColumns, export.StatsValues(row, q.opts))
		if err != nil {
			h.internal(w, "api stats", err)
			return
		}
		rows = append(rows, o)
	}
	period := q.period
	if period == "" {
		period = stats.PeriodAll
	}
	type bin struct {
		Bin       string   `json:"bin"`
		FromHours float64  `json:"from_hours"`
		ToHours   *float64 `json:"to_hours"`
		Removed   int      `json:"removed"`
	}
	bins := []bin{}
	for _, b := range res.TimeToRemoval {
		x := bin{Bin: b.Label, FromHours: b.From, Removed: b.Removed}
		if b.To > 0 {
			to := b.To
			x.ToHours = &to
		}
		bins = append(bins, x)
	}
	writeJSON(w, map[string]any{
		"includes":        q.opts.Includes(),
		"rows":            rows,
		"comparison":      comparisonOf(res.Compare("opposition", period), period),
		"time_to_removal": bins,
	})
}

// statsLine is one group's numbers as the page shows them.
type statsLine struct {
	Group, Name, Href                          string
	Posts, Removed                             int
	Rate, Median, P90, ReportedShare, LagHours string
}

func lineOf(r *stats.Row) statsLine {
	l := statsLine{Group: r.Group, Name: r.Group, Posts: r.PostsSeen, Removed: r.Removed, Rate: pct(r.RemovalRate),
		Median: bracketText(r.MedianHours), P90: bracketText(r.P90Hours), ReportedShare: shareBounds(r.ReportedShareLow, r.ReportedShare), LagHours: "—"}
	if r.MedianReportLagHours != nil {
		l.LagHours = strconv.FormatFloat(*r.MedianReportLagHours, 'f', 1, 64) + " h"
	}
	return l
}

func pct(f *float64) string {
	if f == nil {
		return "—"
	}
	return strconv.FormatFloat(*f*100, 'f', 1, 64) + " %"
}

// shareBounds is a share known between bounds: "25.0 % (at least 10.0 %)",
// or one figure when they agree.
func shareBounds(low, high *float64) string {
	if low == nil || high == nil || *low == *high {
		return pct(high)
	}
	return pct(high) + " (at least " + pct(low) + ")"
}

func bracketText(b *stats.Bracket) string {
	if b == nil {
		return "—"
	}
	return fmt.Sprintf("%.1f h (%.1f–%.1f)", b.Point, b.Low, b.High)
}

func ratioText(f *float64) string {
	if f == nil {
		return "—"
	}
	return strconv.FormatFloat(*f, 'f', 2, 64)
}

// statsTable is the numbers of one group_by over the whole selection.
type statsTable struct {
	Heading, Title string
	Lines          []statsLine
}

type countView struct {
	Label string
	Count int
}

// statsPage is /stats: removals per month by affiliation, by reason, the
// time-to-removal distribution (charts with their numbers beside them), the
// opposition-government comparison, and the numbers per group.
func (h *Handler) statsPage(w http.ResponseWriter, r *http.Request) {
	q, res, ok := h.computeStats(w, r, true)
	if !ok {
		return
	}
	actors, err := h.o.Store.Actors(r.Context())
	if err != nil {
		h.errorPage(w, http.StatusInternalServerError, "The archive does not answer.")
		return
	}
	names := map[string]string{}
	for _, a := range actors {
		names[a.ID] = a.Name
	}
	type monthRow struct {
		Month string
		Cells []int
	}
	type comparisonView struct {
		Group, Reference             statsLine
		Ratio, CILow, CIHigh, Method string
	}
	data := struct {
		page
		Since, Until, Actor, Affiliation, Platform string
		Corrections, Restricted                    bool
		Actors                                     []store.Actor
		Affiliations, Platforms                    []string
		Counting, APIHref                          string
		Charts                                     struct{ Removals, Reasons, TimeToRemoval string }
		Summary                                    statsLine
		Comparison                                 comparisonView
		MonthAffiliations                          []string
		Months                                     []monthRow
		Reasons, Bins                              []countView
		Tables                                     []statsTable
	}{
		page:  page{Title: "Statistics", Feeds: h.feedLinks("removals", "Removals")},
		Since: q.values.Get("since"), Until: q.values.Get("until"), Actor: q.opts.Filter.Actor,
		Affiliation: q.opts.Filter.Affiliation, Platform: q.opts.Filter.Platform,
		Corrections: q.opts.Corrections, Restricted: q.opts.Restricted, Actors: actors,
		Affiliations: config.Affiliations, Platforms: config.Platforms,
	}
	// The page's own feeds: removals, and the slice the filters name.
	if f := q.opts.Filter; f.Affiliation != "" {
		data.Feeds = append(data.Feeds, h.feedLinks("affiliations/"+f.Affiliation, "Removals of "+f.Affiliation)...)
	}
	if f := q.opts.Filter; f.Platform != "" {
		data.Feeds = append(data.Feeds, h.feedLinks("platforms/"+f.Platform, "Removals on "+f.Platform)...)
	}
	if a := q.opts.Filter.Actor; names[a] != "" {
		data.Feeds = append(data.Feeds, h.feedLinks("actors/"+a, names[a])...)
	}
	cv := url.Values{}
	for k, vs := range q.values {
		if k != "group_by" && k != "period" {
			cv[k] = vs
		}
	}
	suffix := ""
	if len(cv) > 0 {
		suffix = "?" + cv.Encode()
	}
	data.Charts.Removals, data.Charts.Reasons = "/stats/removals.svg"+suffix, "/stats/reasons.svg"+suffix
	data.Charts.TimeToRemoval, data.APIHref = "/stats/time-to-removal.svg"+suffix, "/api/stats"+suffix
	data.Counting = "Confirmed removals"
	if q.opts.Corrections {
		data.Counting += ", likely corrections included"
	} else {
		data.Counting += "; likely corrections left out"
	}
	if q.opts.Restricted {
		data.Counting += ", restrictions counted as removals"
	} else {
		data.Counting += "; restrictions left out"
	}
	if all := res.Find(stats.ByAll, stats.ByAll, stats.PeriodAll); all != nil {
		data.Summary = lineOf(all)
		for _, reason := range statsReasons(q.opts) {
			data.Reasons = append(data.Reasons, countView{reason, all.ByReason[reason]})
		}
	}
	for _, b := range res.TimeToRemoval {
		data.Bins = append(data.Bins, countView{b.Label, b.Removed})
	}
	c := res.Compare("opposition", stats.PeriodAll)
	data.Comparison = comparisonView{
		Group:     statsLine{Name: "opposition", Posts: c.Posts, Removed: c.Removed, Rate: pct(rate(c.Removed, c.Posts))},
		Reference: statsLine{Name: "government", Posts: c.RefPosts, Removed: c.RefRemoved, Rate: pct(rate(c.RefRemoved, c.RefPosts))},
		Ratio:     ratioText(c.RateRatio), CILow: ratioText(c.CILow), CIHigh: ratioText(c.CIHigh), Method: c.Method,
	}
	months, affs, grid := monthGrid(res)
	data.MonthAffiliations = affs
	for i, m := range months {
		data.Months = append(data.Months, monthRow{m, grid[i]})
	}
	data.Tables = []statsTable{{"affiliation", "Affiliation", nil}, {"actor", "Actor", nil}, {"platform", "Platform", nil}}
	for i := range res.Rows {
		row := &res.Rows[i]
		if row.Period != stats.PeriodAll {
			continue
		}
		l := lineOf(row)
		switch row.GroupBy {
		case stats.ByAffiliation:
			data.Tables[0].Lines = append(data.Tables[0].Lines, l)
		case stats.ByActor:
			if names[row.Group] != "" {
				l.Name = names[row.Group]
			}
			l.Href = "/actors/" + url.PathEscape(row.Group)
			data.Tables[1].Lines = append(data.Tables[1].Lines, l)
		case stats.ByPlatform:
			data.Tables[2].Lines = append(data.Tables[2].Lines, l)
		}
	}
	h.render(w, http.StatusOK, "stats", data)
}

// statsReasons are the reasons the page and charts show.
func statsReasons(o stats.Options) []string {
	if o.Restricted {
		return append(append([]string{}, stats.Reasons...), stats.Restricted)
	}
	return stats.Reasons
}

// monthGrid is removals by month (rows, every month from the first to the
// last, empty ones included) and affiliation (columns, those with posts).
func monthGrid(res *stats.Result) (months, affs []string, grid [][]int) {
	var first, last string
	seen := map[string]bool{}
	for _, r := range res.Rows {
		if r.GroupBy != stats.ByAffiliation || r.Period == stats.PeriodAll {
			continue
		}
		if !seen[r.Group] {
			seen[r.Group] = true
			affs = append(affs, r.Group)
		}
		if first == "" || r.Period < first {
			first = r.Period
		}
		if r.Period > last {
			last = r.Period
		}
	}
	if first == "" {
		return nil, nil, nil
	}
	t, err1 := time.Parse("2006-01", first)
	end, err2 := time.Parse("2006-01", last)
	if err1 != nil || err2 != nil {
		return nil, nil, nil
	}
	for ; !t.After(end) && len(months) < 1200; t = t.AddDate(0, 1, 0) {
		m := t.Format("2006-01")
		cells := make([]int, len(affs))
		for j, a := range affs {
			if r := res.Find(stats.ByAffiliation, a, m); r != nil {
				cells[j] = r.Removed
			}
		}
		months, grid = append(months, m), append(grid, cells)
	}
	return months, affs, grid
}

// affiliationColors keep an affiliation's color the same on every chart.
var affiliationColors = map[string]drawing.Color{
	"government":    drawing.ColorFromHex("0b4f8a"),
	"opposition":    drawing.ColorFromHex("a4161a"),
	"media":         drawing.ColorFromHex("1e6b2e"),
	"civil_society": drawing.ColorFromHex("7a3e9d"),
	"other":         drawing.ColorFromHex("5b5b5b"),
}

// statsChart serves the page's charts as SVG, rendered server-side
// (go-chart) from the same parameters as the page; the numbers are in the
// tables beside them.
func (h *Handler) statsChart(w http.ResponseWriter, r *http.Request) {
	q, res, ok := h.computeStats(w, r, false)
	if !ok {
		return
	}
	// Drawn once per archive generation and filters (a chart costs 30 ms
	// of CPU, thirty times the page that shows it); a browser revalidating
	// gets 304 until the archive moves.
	key := r.PathValue("chart") + "\x00" + fmt.Sprintf("%+v", q.opts)
	sum := sha256.Sum256(fmt.Appendf(nil, "%d.%d\x00%s", q.gen.events, q.gen.log, key))
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	svg, cached := h.statsSVG.get(key, etag)
	if !cached {
		if svg, ok = h.drawStatsChart(w, r, q, res); !ok {
			return
		}
		h.statsSVG.put(key, etag, svg)
	}
	serveSVG(w, r, etag, svg)
}

// drawStatsChart draws the chart the path names; false when it answered
// (404, 500) instead.
func (h *Handler) drawStatsChart(w http.ResponseWriter, r *http.Request, q statsQuery, res *stats.Result) ([]byte, bool) {
	var b bytes.Buffer
	var err error
	switch r.PathValue("chart") {
	case "removals.svg":
		err = monthChart(&b, res)
	case "reasons.svg":
		all := res.Find(stats.ByAll, stats.ByAll, stats.PeriodAll)
		var bars []chart.Value
		for _, reason := range statsReasons(q.opts) {
			bars = append(bars, chart.Value{Label: reason, Value: float64(all.ByReason[reason])})
		}
		err = barChart(&b, bars, nil)
	case "time-to-removal.svg":
		var bars []chart.Value
		for _, bin := range res.TimeToRemoval {
			bars = append(bars, chart.Value{Label: binLabel(bin), Value: float64(bin.Removed)})
		}
		err = barChart(&b, bars, nil)
	default:
		http.NotFound(w, r)
		return nil, false
	}
	if err != nil {
		h.internal(w, "stats chart", err)
		return nil, false
	}
	return b.Bytes(), true
}

// binLabel is a short label of a time-to-removal bin, in hours up to a
// day and in days beyond: 0-1h, 6-24h, 1-3d, 30d+.
func binLabel(b stats.Bin) string {
	unit, div := "h", 1.0
	if b.To == 0 || b.To > 24 {
		unit, div = "d", 24
	}
	n := func(x float64) string { return strconv.FormatFloat(x/div, 'f', -1, 64) }
	if b.To == 0 {
		return n(b.From) + unit + "+"
	}
	return n(b.From) + "-" + n(b.To) + unit
}

// countAxis is a y axis of counts from 0: whole-number ticks at a step of
// 1, 2 or 5 times a power of ten, at most about six of them.
func countAxis(max float64) chart.YAxis {
	step := 1.0
	for i := 0; max/step > 5; i++ {
		step = []float64{1, 2, 5}[(i+1)%3] * math.Pow(10, float64((i+1)/3))
	}
	top := math.Max(step, math.Ceil(max/step)*step)
	var ticks []chart.Tick
	for v := 0.0; v <= top; v += step {
		ticks = append(ticks, chart.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', 0, 64)})
	}
	return chart.YAxis{Range: &chart.ContinuousRange{Min: 0, Max: top}, Ticks: ticks}
}

// barChart draws bars; affs, when given, colors each bar as its
// affiliation.
func barChart(w *bytes.Buffer, bars []chart.Value, affs []string) error {
	var max float64
	for i := range bars {
		max = math.Max(max, bars[i].Value)
		bars[i].Label = html.EscapeString(bars[i].Label) // go-chart writes SVG text as given
		color := drawing.ColorFromHex("0b4f8a")
		if affs != nil {
			if c, ok := affiliationColors[affs[i]]; ok {
				color = c
			}
		}
		bars[i].Style = chart.Style{FillColor: color, StrokeColor: color}
	}
	c := chart.BarChart{Width: 560, Height: 300, BarWidth: 50, Bars: bars,
		Background: chart.Style{Padding: chart.Box{Top: 20, Left: 10, Right: 10, Bottom: 40}},
		YAxis:      countAxis(max)}
	return c.Render(chart.SVG, w)
}

// monthChart draws removals per month, one line per affiliation.
func monthChart(w *bytes.Buffer, res *stats.Result) error {
	months, affs, grid := monthGrid(res)
	if len(months) == 0 {
		w.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" width="560" height="60"><text x="10" y="35" font-family="sans-serif" font-size="14">No posts in this selection.</text></svg>`)
		return nil
	}
	if len(months) == 1 {
		// A line needs two months: one month is a bar per affiliation.
		bars := make([]chart.Value, len(affs))
		for j, a := range affs {
			bars[j] = chart.Value{Label: months[0] + " " + a, Value: float64(grid[0][j])}
		}
		return barChart(w, bars, affs)
	}
	xs := make([]float64, len(months))
	// Unlabelled ticks half a month out keep the first and last points off
	// the edges (go-chart takes the axis range from the ticks).
	ticks := []chart.Tick{{Value: -0.5}}
	step := (len(months) + 11) / 12 // at most about 12 labels
	for i, m := range months {
		xs[i] = float64(i)
		if i%step == 0 {
			ticks = append(ticks, chart.Tick{Value: float64(i), Label: m})
		}
	}
	ticks = append(ticks, chart.Tick{Value: float64(len(months)) - 0.5})
	var max float64
	c := chart.Chart{Width: 560, Height: 300, Background: chart.Style{Padding: chart.Box{Top: 50, Left: 20, Right: 20, Bottom: 20}},
		XAxis: chart.XAxis{Ticks: ticks}}
	for j, a := range affs {
		ys := make([]float64, len(months))
		for i := range months {
			ys[i] = float64(grid[i][j])
			max = math.Max(max, ys[i])
		}
		color, ok := affiliationColors[a]
		if !ok {
			color = chart.GetDefaultColor(j)
		}
		c.Series = append(c.Series, chart.ContinuousSeries{Name: html.EscapeString(a), XValues: xs, YValues: ys,
			Style: chart.Style{StrokeColor: color, StrokeWidth: 2, DotColor: color, DotWidth: 3}})
	}
	c.YAxis = countAxis(max)
	c.Elements = []chart.Renderable{chart.LegendThin(&c)}
	return c.Render(chart.SVG, w)
}
