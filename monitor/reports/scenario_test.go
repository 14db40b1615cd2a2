package reports_test

import (
	"context"
	"fmt"
	"html"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/takedownwatch/takedownwatch/archive"
	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/export"
	"github.com/takedownwatch/takedownwatch/internal/sandbox"
	"github.com/takedownwatch/takedownwatch/monitor"
	"github.com/takedownwatch/takedownwatch/monitor/fetch"
	"github.com/takedownwatch/takedownwatch/monitor/mastodon"
	"github.com/takedownwatch/takedownwatch/monitor/reports"
)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// govFeed is a ministry's RSS feed of the reports it filed so far: one
// item per report, naming the reported post.
type govFeed struct {
	mu    sync.Mutex
	items []govItem
	clock *clock
}

type govItem struct {
	filed time.Time
	url   string
	n     int
}

func (g *govFeed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>Ministry of Information: requests</title><link>https://gov.example/</link><description>x</description>`)
	for _, it := range g.items {
		if it.filed.After(g.clock.Now()) {
			continue
		}
		fmt.Fprintf(&b, `<item><title>Request %d</title><guid>https://gov.example/requests/%d</guid><pubDate>%s</pubDate>`+
			`<description>%s</description></item>`, it.n, it.n, it.filed.Format(time.RFC1123Z),
			html.EscapeString(`<p>Request to remove <a href="`+it.url+`">this post</a> under the Law on Telecommunications.</p>`))
	}
	b.WriteString(`</channel></rss>`)
	w.Header().Set("Content-Type", "application/rss+xml")
	fmt.Fprint(w, b.String())
}

// TestReports_RemovalsAfterReports plays the pattern the project exists
// to show: a government channel reports 20 posts; 12 of them are withheld
// or deleted afterwards, after different delays; 3 unreported posts are
// deleted too. The events must link exactly the 12 with their lags, and
// each reported removal must be confirmed within recheck_reported's first
// step plus confirm_interval of happening.
func TestReports_RemovalsAfterReports(t *testing.T) {
	seeds := uint64(4)
	if raceDetector {
		seeds = 1
	}
	for seed := uint64(1); seed <= seeds; seed++ {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) { reportScenario(t, seed) })
	}
}

func reportScenario(t *testing.T, seed uint64) {
	ctx := t.Context()
	rng := rand.New(rand.NewPCG(seed, 99))
	clk := &clock{now: time.Date(2026, 7, 1, 6, 0, 0, 0, time.UTC)}
	sb, err := sandbox.New(sandbox.Options{Hosts: 1, Clock: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	gov := &govFeed{clock: clk}
	channel := httptest.NewServer(gov)
	defer channel.Close()

	const step, confirm = 5 * time.Minute, 10 * time.Minute
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Fetch.PerHostInterval = 0
	cfg.Detector.ConfirmInterval = config.Duration(confirm)
	cfg.Detector.RecheckReported = []config.Duration{config.Duration(step)}
	cfg.Detector.Recheck = []config.Duration{config.Duration(6 * time.Hour)}
	cfg.Actors = []config.Actor{{ID: "opp", Name: "Opposition", Affiliation: "opposition"}}
	var accounts []*sandbox.Account
	var posts []struct {
		acc *sandbox.Account
		id  string
	}
	for i := 0; i < 3; i++ {
		acc := sb.AddAccount(0, fmt.Sprintf("opp%d", i))
		acc.SetListingLimit(40)
		accounts = append(accounts, acc)
		cfg.Sources = append(cfg.Sources, config.Source{ID: acc.Name(), Actor: "opp", Platform: "mastodon",
			URL: acc.MastodonURL(), Schedule: "@every 5m", Vantage: "direct"})
		// An old post that stays, so the listing window covers every
		// post that may go (a post older than what a listing shows is
		// found by the slower re-checks, which this test is not about).
		acc.Publish(sandbox.Post{HTML: "<p>Founding statement.</p>", Published: clk.Now().Add(-200 * time.Minute)})
		for j := 0; j < 12; j++ {
			id := acc.Publish(sandbox.Post{HTML: fmt.Sprintf("<p>%s criticises the government, point %d.</p>", acc.Name(), j),
				Published: clk.Now().Add(-time.Duration(100-j) * time.Minute)})
			posts = append(posts, struct {
				acc *sandbox.Account
				id  string
			}{acc, id})
		}
	}
	cfg.ReportChannels = []config.ReportChannel{{ID: "moi", Kind: "feed", URL: channel.URL, Reporter: "Ministry of Information", Schedule: "@every 5m"}}
	cfg.ApplyDefaults()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}

	a, err := archive.OpenWriter(ctx, archive.Options{DataDir: cfg.DataDir, Clock: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	log := logrus.New()
	log.SetLevel(logrus.ErrorLevel)
	f, err := fetch.New(cfg.Fetch, a, fetch.WithClock(clk.Now), fetch.WithLogger(logrus.NewEntry(log)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var in *reports.Ingester
	p, err := monitor.New(monitor.Options{Config: cfg, Archive: a, Fetcher: f, Clock: clk.Now, Log: logrus.NewEntry(log),
		Collectors: map[string]monitor.Collector{"mastodon": mastodon.New()},
		Checkers:   map[string]monitor.Checker{"mastodon": mastodon.Checker{}},
		BeforeChecks: func(ctx context.Context) error {
			b, err := reports.FeedChannel{}.Fetch(ctx, &cfg.ReportChannels[0], f, reports.FetchOptions{})
			if err != nil {
				return err
			}
			_, err = in.Ingest(ctx, b.Reports, b.Captures)
			return err
		}})
	if err != nil {
		t.Fatal(err)
	}
	in = &reports.Ingester{Store: a.Store, Life: p.Lifecycle(), Sources: cfg.Sources, Clock: clk.Now}
	if err := p.SyncConfig(ctx); err != nil {
		t.Fatal(err)
	}
	cycle := func() {
		t.Helper()
		if _, err := p.Cycle(ctx); err != nil {
			t.Fatal(err)
		}
		clk.Add(step)
	}
	cycle()

	// 20 reports, filed at different times over the first hour.
	rng.Shuffle(len(posts), func(i, j int) { posts[i], posts[j] = posts[j], posts[i] })
	reported, unreported := posts[:20], posts[20:]
	filed := map[string]time.Time{}
	gov.mu.Lock()
	for i, rp := range reported {
		at := clk.Now().Add(time.Duration(rng.IntN(60)) * time.Minute)
		u := rp.acc.MastodonStatusURL(rp.id)
		gov.items = append(gov.items, govItem{filed: at.Truncate(time.Second), url: u, n: i + 1})
		filed[u] = at.Truncate(time.Second)
	}
	gov.mu.Unlock()

	// 12 reported posts go, each some time after its report; 3 unreported
	// ones go too. Actions happen between cycles, at a random minute.
	type removal struct {
		url  string
		at   time.Time
		kind string
	}
	var plan []removal
	for i := 0; i < 12; i++ {
		u := reported[i].acc.MastodonStatusURL(reported[i].id)
		kind := []string{"deleted", "withheld_legal"}[rng.IntN(2)]
		plan = append(plan, removal{u, filed[u].Add(time.Duration(1+rng.IntN(180)) * time.Minute), kind})
	}
	for i := 0; i < 3; i++ {
		plan = append(plan, removal{unreported[i].acc.MastodonStatusURL(unreported[i].id), clk.Now().Add(time.Duration(rng.IntN(200)) * time.Minute), "deleted"})
	}
	sort.Slice(plan, func(i, j int) bool { return plan[i].at.Before(plan[j].at) })
	removedAt := map[string]time.Time{}
	byURL := map[string]struct {
		acc *sandbox.Account
		id  string
	}{}
	for _, p := range posts {
		byURL[p.acc.MastodonStatusURL(p.id)] = p
	}
	end := clk.Now().Add(5 * time.Hour)
	for clk.Now().Before(end) {
		// Actions due before the next cycle take effect at their minute.
		for len(plan) > 0 && plan[0].at.Before(clk.Now()) {
			rm := plan[0]
			plan = plan[1:]
			p := byURL[rm.url]
			if rm.kind == "deleted" {
				p.acc.Delete(p.id, sandbox.Gone404)
			} else {
				p.acc.Withhold(p.id, "https://gov.example/orders/1")
			}
			removedAt[rm.url] = rm.at
		}
		cycle()
	}

	// What export events says.
	var removals []map[string]any
	err = export.Events(a.Store, store.Filter{}).Rows(ctx, func(vals []any) error {
		row := map[string]any{}
		for i, c := range export.EventColumns {
			// The table points into its rows where it can (see
			// export.Write): compare plain values.
			switch v := vals[i].(type) {
			case *string:
				row[c] = *v
			case *time.Time:
				row[c] = *v
			default:
				row[c] = v
			}
		}
		if row["type"] == "removed" {
			removals = append(removals, row)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	linked, unlinked := 0, 0
	var worst time.Duration
	for _, r := range removals {
		u := r["post_url"].(string)
		ids := r["report_ids"].([]string)
		if f, ok := filed[u]; ok && f.Before(removedAt[u]) {
			linked++
			if len(ids) != 1 {
				t.Errorf("%s: report_ids %v, want one", u, ids)
			}
			missing := r["first_seen_missing"].(time.Time)
			if lag, ok := r["report_lag_seconds"].(int64); !ok || lag != int64(missing.Sub(f).Seconds()) {
				t.Errorf("%s: report_lag_seconds %v, want %d (first seen missing − filed)", u, r["report_lag_seconds"], int64(missing.Sub(f).Seconds()))
			}
			// Confirmed (the event's time) within the first reported step
			// plus the confirm interval of the removal.
			took := r["at"].(time.Time).Sub(removedAt[u])
			worst = max(worst, took)
			if took > step+confirm {
				t.Errorf("%s removed at %s, confirmed %s later; want at most %s", u, removedAt[u].Format("15:04"), took, step+confirm)
			}
		} else {
			unlinked++
			if len(ids) != 0 || r["report_lag_seconds"] != nil {
				t.Errorf("%s: unreported removal carries reports %v lag %v", u, ids, r["report_lag_seconds"])
			}
		}
	}
	if linked != 12 || unlinked != 3 {
		t.Errorf("%d linked and %d unlinked removals, want 12 and 3", linked, unlinked)
	}
	t.Logf("seed %d: %d linked removals, %d unlinked; slowest confirmation %s after the removal", seed, linked, unlinked, worst)
}
