package stats_test

import (
	"bytes"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/export"
	"github.com/takedownwatch/takedownwatch/stats"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// The hand-computed case. Three actors, one per affiliation; times are
// hours after each post's publication (midnight UTC on the day given).
//
//	pm    government  pm-feed (feed)        March 6 posts, April 4 posts
//	cnrp  opposition  cnrp-feed (feed)      March 8 posts
//	                  cnrp-masto (mastodon) April 12 posts
//	vod   media       vod-feed (feed)       March 2 posts
//
// Removals (bracket = last seen live … first seen missing; mid = midpoint):
//
//	post  published   reason          bracket    mid   report filed   lag = missing − filed
//	G1    03-02 pm    deleted         10 … 14     12   +8             6
//	O1    03-05 cnrp  withheld_legal   1 … 3       2   +0.5           2.5
//	O2    03-10 cnrp  deleted          4 … 8       6   +40 (after: not "preceded")
//	O3    03-20 cnrp  account_gone    20 … 30     25   +2             28
//	O4    04-01 masto unknown          — … 2       1   (never seen live: the bracket starts at publication)
//	O5    04-03 masto withheld_legal  48 … 72     60   +60            12   restored later; filed inside the bracket
//	O6    04-07 masto deleted        100 … 140   120   —                   restored, then removed again
//	                                                                      (withheld_legal 160 … 170): counted once, first removal
//	O7    04-09 masto deleted, likely correction 1 … 2   — left out unless corrections are counted
//	O8    03-25 cnrp  restricted       5 … 6       —   left out unless restrictions are counted
//
// By default 7 removals count: G1, O1…O6.
//
// all/all: posts 6+4+8+12+2 = 32, removed 7, rate 7/32 = 0.21875;
// deleted G1 O2 O6 = 3, withheld O1 O5 = 2, account_gone O3 = 1, unknown O4 = 1.
// Quantiles by linear interpolation (type 7): h = (n−1)p, x[⌊h⌋] + frac(h)·(x[⌊h⌋+1] − x[⌊h⌋]).
//
//	mids  1 2 6 12 25 60 120   median x[3] = 12;   p90 h = 5.4: 60 + 0.4·60 = 84
//	lows  0 1 4 10 20 48 100   median 10;           p90 48 + 0.4·52 = 68.8
//	highs 2 3 8 14 30 72 140   median 14;           p90 72 + 0.4·68 = 99.2
//
// reported G1 O1 O3 O5 = 4 of 7 → 0.571429; lags 2.5 6 12 28 → median (6+12)/2 = 9;
// certainly before the removal (filed no later than last seen live): G1 O1 O3 = 3 → 0.428571
// (O5's report came after it was last seen live: it may have followed the removal);
// restored O5 O6 = 2; likely corrections O7 = 1.
//
// affiliation/opposition/all: posts 20, removed 6 (O1…O6), rate 0.3;
//
//	mids  1 2 6 25 60 120   median (6+25)/2 = 15.5; p90 h = 4.5: 60 + 0.5·60 = 90
//	lows  0 1 4 20 48 100   median (4+20)/2 = 12;   p90 48 + 0.5·52 = 74
//	highs 2 3 8 30 72 140   median (8+30)/2 = 19;   p90 72 + 0.5·68 = 106
//
// reported O1 O3 O5 = 3 of 6 → 0.5, certainly O1 O3 = 2 → 0.333333; lags 2.5 12 28 → 12.
// Against government/all (1 of 10): RR = 0.3 / 0.1 = 3, Katz:
// var ln RR = 1/6 − 1/20 + 1/1 − 1/10 = 1.016667, SE = 1.008299, 1.959964·SE = 1.976230,
// CI = exp(ln 3 ∓ 1.976230) = exp(1.098612 ∓ 1.976230) = 0.415772 … 21.646457.
//
// affiliation/opposition/2026-03: 8 posts, 3 removed (O1 O2 O3), rate 0.375;
// mids 2 6 25 → median 6, p90 h = 1.8: 6 + 0.8·19 = 21.2; lows 1 4 20 → 4, 16.8;
// highs 3 8 30 → 8, 25.6; reported 2/3 → 0.666667, lags 2.5 28 → 15.25.
// Against government/2026-03 (1 of 6): RR = 0.375 / (1/6) = 2.25,
// var = 1/3 − 1/8 + 1 − 1/6 = 1.041667, SE = 1.020621, z·SE = 2.000380,
// CI = exp(0.810930 ∓ 2.000380) = 0.304389 … 16.631693.
//
// affiliation/opposition/2026-04: 12 posts, 3 removed (O4 O5 O6), rate 0.25,
// government/2026-04 has 4 posts and no removal: a zero cell, so
// Haldane-Anscombe: a = 3.5, n₁ = 13, c = 0.5, n₂ = 5;
// RR = (3.5/13) / (0.5/5) = 2.692308, var = 1/3.5 − 1/13 + 1/0.5 − 1/5 = 2.008791,
// SE = 1.417318, z·SE = 2.777893, CI = exp(0.990399 ∓ 2.777893) = 0.167379 … 43.306016.
//
// affiliation/media/all: 2 posts, none removed, against government/all (1 of 10):
// Haldane: (0.5/3) / (1.5/11) = 1.222222, var = 2 − 1/3 + 1/1.5 − 1/11 = 2.242424,
// SE = 1.497473, CI = exp(0.200671 ∓ 2.934992) = 0.064938 … 23.003885.
func seed(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "meta.db"), false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	type ev struct {
		typ, reason   string
		live, missing float64 // hours after publication; live < 0: never seen live
		correction    bool
		restoredAfter bool
	}
	type post struct {
		source, id string
		published  time.Time
		events     []ev
		reports    []float64 // filing times, hours after publication
	}
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }
	posts := []post{
		{source: "pm-feed", id: "G1", published: day(3, 2), events: []ev{{typ: "removed", reason: "deleted", live: 10, missing: 14}}, reports: []float64{8}},
		{source: "cnrp-feed", id: "O1", published: day(3, 5), events: []ev{{typ: "removed", reason: "withheld_legal", live: 1, missing: 3}}, reports: []float64{0.5}},
		{source: "cnrp-feed", id: "O2", published: day(3, 10), events: []ev{{typ: "removed", reason: "deleted", live: 4, missing: 8}}, reports: []float64{40}},
		{source: "cnrp-feed", id: "O3", published: day(3, 20), events: []ev{{typ: "removed", reason: "account_gone", live: 20, missing: 30}}, reports: []float64{2, 5}},
		{source: "cnrp-masto", id: "O4", published: day(4, 1), events: []ev{{typ: "removed", reason: "unknown", live: -1, missing: 2}}},
		{source: "cnrp-masto", id: "O5", published: day(4, 3), events: []ev{{typ: "removed", reason: "withheld_legal", live: 48, missing: 72, restoredAfter: true}}, reports: []float64{60}},
		{source: "cnrp-masto", id: "O6", published: day(4, 7), events: []ev{
			{typ: "removed", reason: "deleted", live: 100, missing: 140, restoredAfter: true},
			{typ: "removed", reason: "withheld_legal", live: 160, missing: 170}}},
		{source: "cnrp-masto", id: "O7", published: day(4, 9), events: []ev{{typ: "removed", reason: "deleted", live: 1, missing: 2, correction: true}}},
		{source: "cnrp-feed", id: "O8", published: day(3, 25), events: []ev{{typ: "restricted", live: 5, missing: 6}}},
	}
	// Posts that stay live, to make up the counts above.
	live := []struct {
		source string
		month  time.Month
		n      int
	}{{"pm-feed", 3, 5}, {"pm-feed", 4, 4}, {"cnrp-feed", 3, 4}, {"cnrp-masto", 4, 8}, {"vod-feed", 3, 2}}
	for _, l := range live {
		for i := range l.n {
			posts = append(posts, post{source: l.source, id: l.source + "-live-" + string(rune('a'+i)) + l.month.String(), published: day(l.month, 11+i)})
		}
	}
	platform := map[string]string{"pm-feed": "feed", "cnrp-feed": "feed", "cnrp-masto": "mastodon", "vod-feed": "feed"}
	h := func(base time.Time, hours float64) time.Time {
		return base.Add(time.Duration(hours * float64(time.Hour)))
	}
	err = st.Write(t.Context(), func(tx *store.Tx) error {
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(tx.UpsertActor(store.Actor{ID: "pm", Name: "Prime Minister", Affiliation: "government"}))
		must(tx.UpsertActor(store.Actor{ID: "cnrp", Name: "Opposition Party", Affiliation: "opposition"}))
		must(tx.UpsertActor(store.Actor{ID: "vod", Name: "Voice of Democracy", Affiliation: "media"}))
		for _, s := range []struct{ id, actor string }{{"pm-feed", "pm"}, {"cnrp-feed", "cnrp"}, {"cnrp-masto", "cnrp"}, {"vod-feed", "vod"}} {
			must(tx.UpsertSource(store.Source{ID: s.id, ActorID: s.actor, Platform: platform[s.id], URL: "https://example.org/" + s.id, Schedule: "@hourly", Vantage: "direct"}))
		}
		for _, p := range posts {
			u := "https://example.org/" + p.source + "/" + p.id
			sp := &store.Post{Platform: platform[p.source], PlatformID: p.id, SourceID: p.source, PostURL: u, CanonicalURL: u,
				Published: p.published, FirstSeen: h(p.published, 0.25), LastSeenLive: h(p.published, 0.25)}
			must(tx.InsertPost(sp))
			for _, e := range p.events {
				se := &store.Event{Type: e.typ, At: h(p.published, e.missing+1), PostID: sp.ID, SourceID: p.source, Reason: e.reason,
					LikelyCorrection: e.correction, FirstSeenMissing: h(p.published, e.missing)}
				if e.live >= 0 {
					se.LastSeenLive = h(p.published, e.live)
				}
				must(tx.AddEvent(se))
				if e.restoredAfter {
					must(tx.AddEvent(&store.Event{Type: "restored", At: h(p.published, e.missing+10), PostID: sp.ID, SourceID: p.source}))
				}
			}
			for i, f := range p.reports {
				r := &store.Report{ID: "r-" + p.id + "-" + string(rune('a'+i)), Channel: "moi", Reporter: "Ministry of Information",
					FiledAt: h(p.published, f), Kind: "government_request", TargetURLs: []string{u}, ReceivedAt: h(p.published, f),
					Fingerprint: "fp-" + p.id + string(rune('a'+i))}
				if _, err := tx.AddReport(r, func(s string) string { return s }); err != nil {
					t.Fatal(err)
				}
				if _, err := tx.LinkReport(r.ID, sp.ID, u, h(p.published, f)); err != nil {
					t.Fatal(err)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func f(v float64) *float64 { return &v }

func TestCompute_HandComputedCase(t *testing.T) {
	st := seed(t)
	res, err := stats.Compute(t.Context(), st, stats.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		groupBy, group, period string
		posts, removed         int
		reasons                map[string]int
		rate                   *float64
		median, p90            *stats.Bracket
		reported               int
		share, lag             *float64
		restored, corrections  int
		rr, lo, hi             *float64
		method                 string
	}{
		{"all", "all", "all", 32, 7, map[string]int{"deleted": 3, "withheld_legal": 2, "account_gone": 1, "unknown": 1}, f(0.21875),
			&stats.Bracket{12, 10, 14}, &stats.Bracket{84, 68.8, 99.2}, 4, f(0.571429), f(9), 2, 1, nil, nil, nil, ""},
		{"all", "all", "2026-03", 16, 4, map[string]int{"deleted": 2, "withheld_legal": 1, "account_gone": 1}, f(0.25),
			&stats.Bracket{9, 7, 11}, &stats.Bracket{21.1, 17, 25.2}, 3, f(0.75), f(6), 0, 0, nil, nil, nil, ""},
		{"all", "all", "2026-04", 16, 3, map[string]int{"deleted": 1, "withheld_legal": 1, "unknown": 1}, f(0.1875),
			&stats.Bracket{60, 48, 72}, &stats.Bracket{108, 89.6, 126.4}, 1, f(0.333333), f(12), 2, 1, nil, nil, nil, ""},
		{"affiliation", "government", "all", 10, 1, map[string]int{"deleted": 1}, f(0.1),
			&stats.Bracket{12, 10, 14}, &stats.Bracket{12, 10, 14}, 1, f(1), f(6), 0, 0, nil, nil, nil, ""},
		{"affiliation", "government", "2026-04", 4, 0, map[string]int{}, f(0), nil, nil, 0, nil, nil, 0, 0, nil, nil, nil, ""},
		{"affiliation", "opposition", "all", 20, 6, map[string]int{"deleted": 2, "withheld_legal": 2, "account_gone": 1, "unknown": 1}, f(0.3),
			&stats.Bracket{15.5, 12, 19}, &stats.Bracket{90, 74, 106}, 3, f(0.5), f(12), 2, 1, f(3), f(0.415772), f(21.646457), stats.MethodKatz},
		{"affiliation", "opposition", "2026-03", 8, 3, map[string]int{"deleted": 1, "withheld_legal": 1, "account_gone": 1}, f(0.375),
			&stats.Bracket{6, 4, 8}, &stats.Bracket{21.2, 16.8, 25.6}, 2, f(0.666667), f(15.25), 0, 0, f(2.25), f(0.304389), f(16.631693), stats.MethodKatz},
		{"affiliation", "opposition", "2026-04", 12, 3, map[string]int{"deleted": 1, "withheld_legal": 1, "unknown": 1}, f(0.25),
			&stats.Bracket{60, 48, 72}, &stats.Bracket{108, 89.6, 126.4}, 1, f(0.333333), f(12), 2, 1, f(2.692308), f(0.167379), f(43.306016), stats.MethodHaldane},
		{"affiliation", "media", "all", 2, 0, map[string]int{}, f(0), nil, nil, 0, nil, nil, 0, 0, f(1.222222), f(0.064938), f(23.003885), stats.MethodHaldane},
		{"actor", "cnrp", "all", 20, 6, map[string]int{"deleted": 2, "withheld_legal": 2, "account_gone": 1, "unknown": 1}, f(0.3),
			&stats.Bracket{15.5, 12, 19}, &stats.Bracket{90, 74, 106}, 3, f(0.5), f(12), 2, 1, nil, nil, nil, ""},
		{"platform", "mastodon", "all", 12, 3, map[string]int{"deleted": 1, "withheld_legal": 1, "unknown": 1}, f(0.25),
			&stats.Bracket{60, 48, 72}, &stats.Bracket{108, 89.6, 126.4}, 1, f(0.333333), f(12), 2, 1, nil, nil, nil, ""},
		{"platform", "feed", "all", 20, 4, map[string]int{"deleted": 2, "withheld_legal": 1, "account_gone": 1}, f(0.2),
			&stats.Bracket{9, 7, 11}, &stats.Bracket{21.1, 17, 25.2}, 3, f(0.75), f(6), 0, 0, nil, nil, nil, ""},
	}
	// Reported removals whose report was filed while the post was still
	// seen live: the lower bound of the reported share.
	reportedLow := map[string]struct {
		n     int
		share *float64
	}{
		"all/all/all": {3, f(0.428571)}, "all/all/2026-03": {3, f(0.75)}, "all/all/2026-04": {0, f(0)},
		"affiliation/government/all": {1, f(1)}, "affiliation/government/2026-04": {0, nil},
		"affiliation/opposition/all": {2, f(0.333333)}, "affiliation/opposition/2026-03": {2, f(0.666667)},
		"affiliation/opposition/2026-04": {0, f(0)}, "affiliation/media/all": {0, nil}, "actor/cnrp/all": {2, f(0.333333)},
		"platform/mastodon/all": {0, f(0)}, "platform/feed/all": {3, f(0.75)},
	}
	for _, tt := range tests {
		name := tt.groupBy + "/" + tt.group + "/" + tt.period
		t.Run(name, func(t *testing.T) {
			r := res.Find(tt.groupBy, tt.group, tt.period)
			if r == nil {
				t.Fatal("no such row")
			}
			low, ok := reportedLow[name]
			if !ok {
				t.Fatal("no reported_low expectation")
			}
			if r.ReportedLow != low.n {
				t.Errorf("removed_reported_low %d, want %d", r.ReportedLow, low.n)
			}
			eqPtr(t, "reported_share_low", r.ReportedShareLow, low.share)
			if r.PostsSeen != tt.posts || r.Removed != tt.removed {
				t.Errorf("posts %d removed %d, want %d %d", r.PostsSeen, r.Removed, tt.posts, tt.removed)
			}
			for _, reason := range append(stats.Reasons, stats.Restricted) {
				if r.ByReason[reason] != tt.reasons[reason] {
					t.Errorf("removed %s = %d, want %d", reason, r.ByReason[reason], tt.reasons[reason])
				}
			}
			eqPtr(t, "removal_rate", r.RemovalRate, tt.rate)
			eqBracket(t, "median", r.MedianHours, tt.median)
			eqBracket(t, "p90", r.P90Hours, tt.p90)
			if r.Reported != tt.reported || r.Restored != tt.restored || r.LikelyCorrections != tt.corrections {
				t.Errorf("reported %d restored %d corrections %d, want %d %d %d", r.Reported, r.Restored, r.LikelyCorrections,
					tt.reported, tt.restored, tt.corrections)
			}
			eqPtr(t, "reported_share", r.ReportedShare, tt.share)
			eqPtr(t, "median_report_lag_hours", r.MedianReportLagHours, tt.lag)
			if tt.method == "" {
				if r.Comparison != nil {
					t.Errorf("comparison %+v, want none", r.Comparison)
				}
				return
			}
			c := r.Comparison
			if c == nil {
				t.Fatal("no comparison")
			}
			if c.Method != tt.method || c.Reference != "government" {
				t.Errorf("method %q against %q, want %q against government", c.Method, c.Reference, tt.method)
			}
			eqPtr(t, "rate_ratio", c.RateRatio, tt.rr)
			eqPtr(t, "ci_low", c.CILow, tt.lo)
			eqPtr(t, "ci_high", c.CIHigh, tt.hi)
		})
	}
	// Rows exist only where posts do: media has no April.
	if r := res.Find("affiliation", "media", "2026-04"); r != nil {
		t.Errorf("media/2026-04: %+v, want no row", r)
	}
	// Midpoints 1 2 6 12 25 60 120 fall in: <1h none, 1–6h 1 and 2, 6–24h 6 and 12,
	// 1–3d 25 and 60, 3–7d 120.
	want := []int{0, 2, 2, 2, 1, 0, 0}
	for i, b := range res.TimeToRemoval {
		if b.Removed != want[i] {
			t.Errorf("time to removal %s: %d, want %d", b.Label, b.Removed, want[i])
		}
	}
}

func TestCompute_Options(t *testing.T) {
	st := seed(t)
	tests := []struct {
		name                   string
		o                      stats.Options
		groupBy, group, period string
		posts, removed, reason int
		reasonName             string
		method                 string
	}{
		// O8's restriction counts under "restricted" in March.
		{"restrictions", stats.Options{Restricted: true}, "affiliation", "opposition", "2026-03", 8, 4, 1, "restricted", stats.MethodKatz},
		// O7's likely correction counts as deleted in April.
		{"corrections", stats.Options{Corrections: true}, "affiliation", "opposition", "2026-04", 12, 4, 2, "deleted", stats.MethodHaldane},
		// Without government posts there is nothing to compare with.
		{"opposition only", stats.Options{Filter: store.Filter{Affiliation: "opposition"}}, "affiliation", "opposition", "all", 20, 6, 2, "deleted", stats.UndefinedPosts},
		// --since/--until select posts by publication: April alone.
		{"april", stats.Options{Filter: store.Filter{Since: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), Until: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)}},
			"affiliation", "opposition", "all", 12, 3, 1, "deleted", stats.MethodHaldane},
		{"platform", stats.Options{Filter: store.Filter{Platform: "mastodon"}}, "all", "all", "all", 12, 3, 1, "unknown", ""},
		{"actor", stats.Options{Filter: store.Filter{Actor: "pm"}}, "all", "all", "all", 10, 1, 1, "deleted", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := stats.Compute(t.Context(), st, tt.o)
			if err != nil {
				t.Fatal(err)
			}
			r := res.Find(tt.groupBy, tt.group, tt.period)
			if r == nil {
				t.Fatal("no such row")
			}
			if r.PostsSeen != tt.posts || r.Removed != tt.removed || r.ByReason[tt.reasonName] != tt.reason {
				t.Errorf("posts %d removed %d %s %d, want %d %d %d", r.PostsSeen, r.Removed, tt.reasonName,
					r.ByReason[tt.reasonName], tt.posts, tt.removed, tt.reason)
			}
			if tt.method != "" && (r.Comparison == nil || r.Comparison.Method != tt.method) {
				t.Errorf("comparison %+v, want method %q", r.Comparison, tt.method)
			}
		})
	}
}

func TestCompute_Empty(t *testing.T) {
	st, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "meta.db"), false)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	res, err := stats.Compute(t.Context(), st, stats.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// One row for the (empty) selection, with nothing to divide by.
	if len(res.Rows) != 1 {
		t.Fatalf("%d rows, want 1", len(res.Rows))
	}
	r := res.Rows[0]
	if r.GroupBy != "all" || r.PostsSeen != 0 || r.RemovalRate != nil || r.MedianHours != nil || r.ReportedShare != nil {
		t.Errorf("empty selection: %+v", r)
	}
}

func TestQuantile(t *testing.T) {
	tests := []struct {
		xs   []float64
		p    float64
		want float64
	}{
		{[]float64{5}, 0.5, 5},
		{[]float64{5}, 0.9, 5},
		{[]float64{3, 1}, 0.5, 2},
		{[]float64{1, 2, 3, 4}, 0.5, 2.5},
		{[]float64{1, 2, 3, 4}, 0.9, 3.7},       // h = 2.7: 3 + 0.7·1
		{[]float64{10, 0, 20, 40, 30}, 0.9, 36}, // h = 3.6: 30 + 0.6·10
		{[]float64{1, 2, 3}, 1, 3},
		{[]float64{1, 2, 3}, 0, 1},
	}
	for _, tt := range tests {
		if got := stats.Quantile(tt.xs, tt.p); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("Quantile(%v, %v) = %v, want %v", tt.xs, tt.p, got, tt.want)
		}
	}
	if !math.IsNaN(stats.Quantile(nil, 0.5)) {
		t.Error("Quantile of nothing: want NaN")
	}
}

func TestCompare(t *testing.T) {
	tests := []struct {
		name                         string
		posts, removed, rPosts, rRem int
		rr, lo, hi                   *float64
		method                       string
	}{
		// (6/20)/(1/10) = 3; see the hand computation above.
		{"katz", 20, 6, 10, 1, f(3), f(0.415772), f(21.646457), stats.MethodKatz},
		// Equal rates: RR 1, var = 2·(1/10 − 1/100) = 0.18, SE 0.424264,
		// CI exp(∓0.831542) = 0.435377 … 2.296858.
		{"equal", 100, 10, 100, 10, f(1), f(0.435377), f(2.296858), stats.MethodKatz},
		// Every post removed in both groups: RR 1, var 0, CI 1 … 1.
		{"all removed", 4, 4, 5, 5, f(1), f(1), f(1), stats.MethodKatz},
		// Zero in the group: (0.5/11)/(5.5/21) = 0.173554 (Haldane).
		{"zero cell", 10, 0, 20, 5, f(0.173554), nil, nil, stats.MethodHaldane},
		{"no removals", 10, 0, 20, 0, nil, nil, nil, stats.UndefinedZero},
		{"no reference posts", 10, 2, 0, 0, nil, nil, nil, stats.UndefinedPosts},
		{"no posts", 0, 0, 10, 2, nil, nil, nil, stats.UndefinedPosts},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := stats.Compare("opposition", tt.posts, tt.removed, "government", tt.rPosts, tt.rRem)
			if c.Method != tt.method {
				t.Errorf("method %q, want %q", c.Method, tt.method)
			}
			eqPtr(t, "rate_ratio", c.RateRatio, tt.rr)
			if tt.lo != nil {
				eqPtr(t, "ci_low", c.CILow, tt.lo)
				eqPtr(t, "ci_high", c.CIHigh, tt.hi)
			}
			if tt.rr == nil && (c.CILow != nil || c.CIHigh != nil) {
				t.Errorf("interval %v … %v of an undefined ratio", c.CILow, c.CIHigh)
			}
		})
	}
}

// TestStatsCSV_Golden pins the whole CSV export of the hand-computed case:
// column names and order, nulls as empty cells, rounding.
func TestStatsCSV_Golden(t *testing.T) {
	st := seed(t)
	for _, tt := range []struct {
		file string
		o    stats.Options
	}{{"stats.csv", stats.Options{}}, {"stats-included.csv", stats.Options{Corrections: true, Restricted: true}}} {
		var b bytes.Buffer
		if _, err := export.Write(t.Context(), &b, export.CSV, export.Stats(st, tt.o)); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("testdata", tt.file)
		if *update {
			if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update to write it)", err)
		}
		if got := b.String(); got != string(want) {
			t.Errorf("%s differs from the golden file (after an intended change: go test ./stats/ -update)\n got:\n%s", tt.file, got)
		}
		header := strings.SplitN(b.String(), "\n", 2)[0]
		if !strings.HasPrefix(header, "group_by,group,period,posts_seen,removed,removed_deleted,removed_withheld_legal,removed_account_gone,removed_unknown,removal_rate,median_hours_to_removal,p90_hours_to_removal,reported_share,median_report_lag_hours,") {
			t.Errorf("header %q does not start with the contract's columns", header)
		}
	}
}

func eqPtr(t *testing.T, name string, got, want *float64) {
	t.Helper()
	switch {
	case got == nil && want == nil:
	case got == nil || want == nil:
		t.Errorf("%s = %v, want %v", name, deref(got), deref(want))
	case math.Abs(*got-*want) > 1e-9:
		t.Errorf("%s = %v, want %v", name, *got, *want)
	}
}

func eqBracket(t *testing.T, name string, got, want *stats.Bracket) {
	t.Helper()
	switch {
	case got == nil && want == nil:
	case got == nil || want == nil:
		t.Errorf("%s = %+v, want %+v", name, got, want)
	case math.Abs(got.Point-want.Point) > 1e-9 || math.Abs(got.Low-want.Low) > 1e-9 || math.Abs(got.High-want.High) > 1e-9:
		t.Errorf("%s = %+v, want %+v", name, *got, *want)
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}
