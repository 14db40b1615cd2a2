// Package stats computes the research statistics of an archive: posts
// seen and removed per actor, affiliation, platform and month, how fast and
// why they went, after which reports, and how each affiliation's removal
// rate compares with the government's.
package stats

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/takedownwatch/takedownwatch/archive/store"
)

// Group-by values of a row.
const (
	ByAll         = "all"
	ByAffiliation = "affiliation"
	ByActor       = "actor"
	ByPlatform    = "platform"
)

// GroupBys are the group_by values, in the order rows come.
var GroupBys = []string{ByAll, ByAffiliation, ByActor, ByPlatform}

// PeriodAll is the period of a row over every month of the selection.
const PeriodAll = "all"

// Reasons are the reasons of removed, in column order; a removal with any
// other reason counts as unknown.
var Reasons = []string{"deleted", "withheld_legal", "account_gone", "unknown"}

// Restricted is the reason a restriction counts under when restrictions
// are counted (Options.Restricted).
const Restricted = "restricted"

// Reference is the affiliation every other affiliation's removal rate is
// compared with.
const Reference = "government"

// Options choose the posts and what counts as a removal.
type Options struct {
	Filter store.Filter
	// Corrections counts removals flagged likely_correction (left out by
	// default: the author replaced the post with a corrected one).
	Corrections bool
	// Restricted counts restrictions (login walls, age or region gates) as
	// removals with reason "restricted" (left out by default: the post is
	// still there for some readers).
	Restricted bool
}

// Includes names what o counts beyond confirmed removals: the `includes`
// column.
func (o Options) Includes() []string {
	out := []string{}
	if o.Corrections {
		out = append(out, "likely_corrections")
	}
	if o.Restricted {
		out = append(out, "restrictions")
	}
	return out
}

// Bracket is a time to removal in hours: the point estimate (from the
// midpoints of the removal brackets) and its bounds (from their starts and
// ends).
type Bracket struct {
	Point, Low, High float64
}

// Row is the statistics of one group in one period.
type Row struct {
	GroupBy, Group, Period string
	PostsSeen              int
	// Removed counts the posts removed (each post once, at its first
	// counted removal); ByReason splits it by reason.
	Removed  int
	ByReason map[string]int
	// RemovalRate is Removed / PostsSeen; nil without posts.
	RemovalRate *float64
	// MedianHours and P90Hours are quantiles of the hours from publication
	// to removal; nil without removals.
	MedianHours, P90Hours *Bracket
	// Reported counts removals preceded by a takedown report (filed no
	// later than the removal was first seen: an upper bound, as reported
	// posts are re-checked sooner); ReportedShare is Reported / Removed
	// (nil without removals). ReportedLow and ReportedShareLow count those
	// whose report was filed while the post was still seen live: certainly
	// before the removal (a lower bound).
	Reported, ReportedLow           int
	ReportedShare, ReportedShareLow *float64
	// MedianReportLagHours is the median of first_seen_missing − first
	// filing over the reported removals; nil without any.
	MedianReportLagHours *float64
	// Restored counts removals after which the post was live again.
	Restored int
	// LikelyCorrections counts posts whose removal was flagged a likely
	// correction, counted in Removed or not.
	LikelyCorrections int
	// Comparison compares the row's removal rate with the government's in
	// the same period: affiliation rows other than the government's only.
	Comparison *Comparison
}

// Comparison is a risk ratio of removal with its confidence interval.
type Comparison struct {
	Group, Reference                     string
	Posts, Removed, RefPosts, RefRemoved int
	// RateRatio is (Removed/Posts) / (RefRemoved/RefPosts); it and the
	// interval are nil when undefined (Method says why).
	RateRatio, CILow, CIHigh *float64
	Method                   string
}

// Bin is one bar of the time-to-removal distribution.
type Bin struct {
	Label string
	// From and To are hours; To is zero for the open last bin.
	From, To float64
	Removed  int
}

// binEdges are the bins of the distribution, in hours.
var binEdges = []struct {
	label    string
	from, to float64
}{
	{"under 1 hour", 0, 1}, {"1–6 hours", 1, 6}, {"6–24 hours", 6, 24}, {"1–3 days", 24, 72},
	{"3–7 days", 72, 168}, {"7–30 days", 168, 720}, {"30 days or more", 720, 0},
}

// Result is every row of a selection, and the distribution of its times
// to removal.
type Result struct {
	Options Options
	Rows    []Row
	// TimeToRemoval counts the selection's removals by the midpoint of
	// their bracket.
	TimeToRemoval []Bin

	index map[key]int // of Rows
}

// Find returns the row of a group in a period, or nil.
func (r *Result) Find(groupBy, group, period string) *Row {
	if r.index == nil {
		r.index = make(map[key]int, len(r.Rows))
		for i, x := range r.Rows {
			r.index[key{x.GroupBy, x.Group, x.Period}] = i
		}
	}
	if i, ok := r.index[key{groupBy, group, period}]; ok {
		return &r.Rows[i]
	}
	return nil
}

// Source is what Compute reads: the store, or anything with its two
// statistics queries.
type Source interface {
	PostCounts(ctx context.Context, f store.Filter) ([]store.PostCount, error)
	EachRemoval(ctx context.Context, f store.Filter, fn func(*store.Removal) error) error
}

var _ Source = (*store.Store)(nil)

// key is one cell of the tables: a group in a period.
type key struct{ groupBy, group, period string }

// cell accumulates a key's posts and removals.
type cell struct {
	posts, removed, reported, reportedLow, restored, corrections int
	reasons                                                      map[string]int
	mids, lows, highs, lags                                      []float64
}

// keysOf are the eight cells a post of this actor, affiliation, platform
// and month counts in.
func keysOf(actor, affiliation, platform, month string) [8]key {
	var out [8]key
	i := 0
	for _, g := range [4][2]string{{ByAll, ByAll}, {ByAffiliation, affiliation}, {ByActor, actor}, {ByPlatform, platform}} {
		for _, p := range [2]string{month, PeriodAll} {
			out[i] = key{g[0], g[1], p}
			i++
		}
	}
	return out
}

// Compute reads the posts and removals o selects and returns their rows.
// Posts are counted in SQL; removals are read one row each, so memory
// grows with the number of removals, not of posts.
func Compute(ctx context.Context, src Source, o Options) (*Result, error) {
	cells := map[key]*cell{}
	get := func(k key) *cell {
		c := cells[k]
		if c == nil {
			c = &cell{reasons: map[string]int{}}
			cells[k] = c
		}
		return c
	}
	get(key{ByAll, ByAll, PeriodAll}) // the selection's row, even when empty
	counts, err := src.PostCounts(ctx, o.Filter)
	if err != nil {
		return nil, fmt.Errorf("stats: %w", err)
	}
	for _, pc := range counts {
		for _, k := range keysOf(pc.Actor, pc.Affiliation, pc.Platform, pc.Month) {
			get(k).posts += pc.Posts
		}
	}
	bins := make([]Bin, len(binEdges))
	for i, b := range binEdges {
		bins[i] = Bin{Label: b.label, From: b.from, To: b.to}
	}
	var (
		post       string
		counted    bool // the current post's removal is counted already
		correction bool // the current post has a likely-correction removal
		last       *store.Removal
	)
	flush := func() {
		if correction && last != nil {
			for _, k := range keysOf(last.Actor, last.Affiliation, last.Platform, last.Month) {
				get(k).corrections++
			}
		}
	}
	err = src.EachRemoval(ctx, o.Filter, func(r *store.Removal) error {
		if r.PostID != post {
			flush()
			post, counted, correction = r.PostID, false, false
		}
		last = r
		if r.Type == store.EventRemoved && r.LikelyCorrection {
			correction = true
		}
		if counted || !o.counts(r) {
			return nil
		}
		counted = true
		reason := reasonOf(r)
		low, high := bracket(r)
		mid := (low + high) / 2
		for _, k := range keysOf(r.Actor, r.Affiliation, r.Platform, r.Month) {
			c := get(k)
			c.removed++
			c.reasons[reason]++
			c.lows, c.highs, c.mids = append(c.lows, low), append(c.highs, high), append(c.mids, mid)
			if !r.FirstReport.IsZero() {
				c.reported++
				c.lags = append(c.lags, hours(missingAt(r).Sub(r.FirstReport)))
				if !r.LastSeenLive.IsZero() && !r.FirstReport.After(r.LastSeenLive) {
					c.reportedLow++
				}
			}
			if r.Restored {
				c.restored++
			}
		}
		for i := range bins {
			if mid >= bins[i].From && (bins[i].To == 0 || mid < bins[i].To) {
				bins[i].Removed++
				break
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("stats: %w", err)
	}
	flush()

	res := &Result{Options: o, TimeToRemoval: bins}
	for k, c := range cells {
		res.Rows = append(res.Rows, c.row(k, o))
	}
	order := map[string]int{}
	for i, g := range GroupBys {
		order[g] = i
	}
	sort.Slice(res.Rows, func(i, j int) bool {
		a, b := res.Rows[i], res.Rows[j]
		if a.GroupBy != b.GroupBy {
			return order[a.GroupBy] < order[b.GroupBy]
		}
		if a.Group != b.Group {
			return a.Group < b.Group
		}
		return a.Period < b.Period // months, then "all"
	})
	for i := range res.Rows {
		if r := &res.Rows[i]; r.GroupBy == ByAffiliation && r.Group != Reference {
			r.Comparison = res.Compare(r.Group, r.Period)
		}
	}
	return res, nil
}

// Compare compares an affiliation's removal rate in a period with the
// government's (Reference), rows missing or not.
func (r *Result) Compare(affiliation, period string) *Comparison {
	var posts, removed, refPosts, refRemoved int
	if x := r.Find(ByAffiliation, affiliation, period); x != nil {
		posts, removed = x.PostsSeen, x.Removed
	}
	if x := r.Find(ByAffiliation, Reference, period); x != nil {
		refPosts, refRemoved = x.PostsSeen, x.Removed
	}
	return Compare(affiliation, posts, removed, Reference, refPosts, refRemoved)
}

// counts reports whether o counts r as a removal.
func (o Options) counts(r *store.Removal) bool {
	switch {
	case r.Type == store.EventRestricted:
		return o.Restricted
	case r.Type != store.EventRemoved:
		return false
	case r.LikelyCorrection:
		return o.Corrections
	}
	return true
}

func reasonOf(r *store.Removal) string {
	if r.Type == store.EventRestricted {
		return Restricted
	}
	for _, x := range Reasons {
		if r.Reason == x {
			return x
		}
	}
	return "unknown"
}

func missingAt(r *store.Removal) time.Time {
	if r.FirstSeenMissing.IsZero() {
		return r.At
	}
	return r.FirstSeenMissing
}

// bracket is the time from publication to removal, in hours, as the
// bracket bounds it: at least until the post was last seen live, at most
// until it was first seen missing. A post never seen live is bounded below
// by its publication.
func bracket(r *store.Removal) (low, high float64) {
	live := r.LastSeenLive
	if live.IsZero() {
		live = r.Start
	}
	low = math.Max(0, hours(live.Sub(r.Start)))
	high = math.Max(low, hours(missingAt(r).Sub(r.Start)))
	return low, high
}

func hours(d time.Duration) float64 { return d.Hours() }

func (c *cell) row(k key, o Options) Row {
	r := Row{GroupBy: k.groupBy, Group: k.group, Period: k.period, PostsSeen: c.posts, Removed: c.removed,
		ByReason: c.reasons, Reported: c.reported, ReportedLow: c.reportedLow, Restored: c.restored, LikelyCorrections: c.corrections}
	if c.posts > 0 {
		r.RemovalRate = ptr(round(float64(c.removed)/float64(c.posts), 6))
	}
	if c.removed > 0 {
		r.MedianHours = &Bracket{round(Quantile(c.mids, 0.5), 3), round(Quantile(c.lows, 0.5), 3), round(Quantile(c.highs, 0.5), 3)}
		r.P90Hours = &Bracket{round(Quantile(c.mids, 0.9), 3), round(Quantile(c.lows, 0.9), 3), round(Quantile(c.highs, 0.9), 3)}
		r.ReportedShare = ptr(round(float64(c.reported)/float64(c.removed), 6))
		r.ReportedShareLow = ptr(round(float64(c.reportedLow)/float64(c.removed), 6))
	}
	if len(c.lags) > 0 {
		r.MedianReportLagHours = ptr(round(Quantile(c.lags, 0.5), 3))
	}
	return r
}

// Quantile is the p-quantile of xs by linear interpolation between order
// statistics (Hyndman and Fan's type 7, the default of R and NumPy): with
// the values sorted, h = (n−1)p and the quantile is x[⌊h⌋] + (h−⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]).
// The median of an even count is the mean of the middle two. NaN for no
// values. xs is sorted in place.
func Quantile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	sort.Float64s(xs)
	h := float64(len(xs)-1) * p
	lo := int(math.Floor(h))
	if lo+1 >= len(xs) {
		return xs[len(xs)-1]
	}
	return xs[lo] + (h-float64(lo))*(xs[lo+1]-xs[lo])
}

// z95 is the standard normal quantile of a two-sided 95 % interval.
const z95 = 1.959963984540054

// Method names.
const (
	MethodKatz     = "risk ratio, 95% CI by the Katz log method"
	MethodHaldane  = "risk ratio, 95% CI by the Katz log method, Haldane-Anscombe correction (0.5 added to every cell: a zero count)"
	UndefinedPosts = "undefined: no posts in one of the groups"
	UndefinedZero  = "undefined: no removals in either group"
)

// Compare is the risk ratio of removal of a group (removed of posts)
// against a reference group, with its 95 % confidence interval by the Katz
// log method: ln RR ± 1.96 √(1/a − 1/n₁ + 1/c − 1/n₂). When one group has
// no removals, 0.5 is added to each of the four cells of the 2×2 table
// (Haldane-Anscombe) and Method says so; with no posts in a group, or no
// removals in either, the ratio is undefined (nil) and Method says why.
func Compare(group string, posts, removed int, ref string, refPosts, refRemoved int) *Comparison {
	c := &Comparison{Group: group, Reference: ref, Posts: posts, Removed: removed, RefPosts: refPosts, RefRemoved: refRemoved}
	switch {
	case posts == 0 || refPosts == 0:
		c.Method = UndefinedPosts
		return c
	case removed == 0 && refRemoved == 0:
		c.Method = UndefinedZero
		return c
	}
	a, n1, b, n2 := float64(removed), float64(posts), float64(refRemoved), float64(refPosts)
	c.Method = MethodKatz
	if removed == 0 || refRemoved == 0 {
		a, n1, b, n2 = a+0.5, n1+1, b+0.5, n2+1
		c.Method = MethodHaldane
	}
	rr := (a / n1) / (b / n2)
	se := math.Sqrt(1/a - 1/n1 + 1/b - 1/n2)
	c.RateRatio = ptr(round(rr, 6))
	c.CILow = ptr(round(math.Exp(math.Log(rr)-z95*se), 6))
	c.CIHigh = ptr(round(math.Exp(math.Log(rr)+z95*se), 6))
	return c
}

func ptr(f float64) *float64 { return &f }

// round rounds to n decimals, so files show 0.333333, not 0.3333333333333333.
func round(f float64, n int) float64 {
	p := math.Pow(10, float64(n))
	return math.Round(f*p) / p
}
