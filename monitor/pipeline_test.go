package monitor_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/takedownwatch/takedownwatch/archive"
	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/sandbox"
	"github.com/takedownwatch/takedownwatch/internal/sandbox/sandboxtest"
	"github.com/takedownwatch/takedownwatch/monitor"
	"github.com/takedownwatch/takedownwatch/monitor/fetch"
	"github.com/takedownwatch/takedownwatch/monitor/normalize"
)

func testConfig(t *testing.T, dataDir string) *config.Config {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = dataDir
	cfg.Fetch.PerHostInterval = 0
	cfg.Fetch.Timeout = config.Duration(5 * time.Second)
	cfg.Actors = []config.Actor{
		{ID: "gov", Name: "Government", Affiliation: "government"},
		{ID: "opp", Name: "Opposition", Affiliation: "opposition"},
	}
	return cfg
}

func addSource(cfg *config.Config, id, actor, url string) {
	cfg.Sources = append(cfg.Sources, config.Source{ID: id, Actor: actor, Platform: "feed", URL: url, Schedule: "@every 1m", Vantage: "direct"})
}

// fakeClock is the injectable clock of detector tests: time moves only
// when the test says so.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func wire(t *testing.T, cfg *config.Config) (*archive.Archive, *monitor.Pipeline) {
	t.Helper()
	return wireClock(t, cfg, time.Now, nil)
}

// wireClock wires a pipeline on the clock; collectors in over replace the
// registered platforms' ones.
func wireClock(t *testing.T, cfg *config.Config, clock func() time.Time, over map[string]monitor.Collector) (*archive.Archive, *monitor.Pipeline) {
	t.Helper()
	return wireWith(t, cfg, clock, over, nil, 0)
}

// wireWith is wireClock with checkers that replace the platforms' too, and
// a number of workers (0: the default).
func wireWith(t *testing.T, cfg *config.Config, clock func() time.Time, over map[string]monitor.Collector,
	overChecks map[string]monitor.Checker, workers int) (*archive.Archive, *monitor.Pipeline) {
	t.Helper()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	a, err := archive.OpenWriter(t.Context(), archive.Options{DataDir: cfg.DataDir, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	log := logrus.New()
	log.SetLevel(logrus.ErrorLevel)
	f, err := fetch.New(cfg.Fetch, a, fetch.WithLogger(logrus.NewEntry(log)), fetch.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	checkers := testCheckers()
	for n, c := range overChecks {
		checkers[n] = c
	}
	p, err := monitor.New(monitor.Options{Config: cfg, Archive: a, Fetcher: f, Workers: workers,
		Collectors: testCollectors(over), Checkers: checkers, Log: logrus.NewEntry(log), Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.SyncConfig(t.Context()); err != nil {
		t.Fatal(err)
	}
	return a, p
}

func events(t *testing.T, a *archive.Archive) []*store.EventRow {
	t.Helper()
	var out []*store.EventRow
	if err := a.Store.EachEvent(context.Background(), store.Filter{}, func(e *store.EventRow) error {
		out = append(out, e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func countTypes(evs []*store.EventRow) map[string]int {
	m := map[string]int{}
	for _, e := range evs {
		m[e.Type]++
	}
	return m
}

// A token in a configured URL (a feed bridge's ?token=, user:pass@) never
// reaches the metadata, from which /api/sources shows every source's URL.
func TestSyncConfig_sourceURLsRedacted(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	addSource(cfg, "bridge", "opp", "https://user:pw-0123456789@bridge.example/feed?page=opp&token=s3cret-0123456789")
	a, _ := wire(t, cfg)
	list, err := a.Store.Sources(t.Context())
	if err != nil || len(list) != 1 {
		t.Fatalf("sources %v (%v)", list, err)
	}
	u := list[0].URL
	if strings.Contains(u, "s3cret") || strings.Contains(u, "pw-0123") || !strings.Contains(u, "page=opp") || !strings.Contains(u, "bridge.example/feed") {
		t.Errorf("stored source URL %q: want the token and password redacted, the rest kept", u)
	}
}

func TestPipeline_NewEditedAndUnchanged(t *testing.T) {
	sb, err := sandbox.New(sandbox.Options{Hosts: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	gov := sb.AddAccount(0, "gov")
	opp := sb.AddAccount(1, "opp")
	gov.SetMedia("flag.png", 2048, "image/png")
	t0 := time.Now().Add(-time.Hour)
	g1 := gov.Publish(sandbox.Post{Title: "Statement", HTML: "<p>The ministry <b>announces</b> new rules.</p>", Published: t0, Media: []string{"flag.png"}})
	gov.Publish(sandbox.Post{Title: "ព័ត៌មាន", HTML: "<p>រាជរដ្ឋាភិបាល​កម្ពុជា</p>", Published: t0.Add(time.Minute)})
	o1 := opp.Publish(sandbox.Post{Title: "Rally", HTML: `<p>Join us <script>alert(1)</script>tomorrow</p>`, Published: t0})

	cfg := testConfig(t, t.TempDir())
	addSource(cfg, "gov-feed", "gov", gov.FeedURL())
	addSource(cfg, "opp-feed", "opp", opp.AtomURL())
	a, p := wire(t, cfg)
	ctx := t.Context()

	res, err := p.Cycle(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.New != 3 || res.Edited != 0 || res.Failed != 0 || res.Media != 1 {
		t.Fatalf("first cycle %+v, want 3 new, 1 media", res)
	}
	post, err := a.Store.PostByKey(ctx, "feed", gov.PostURL(g1))
	if err != nil {
		t.Fatalf("post keyed by its guid: %v", err)
	}
	if post.PostURL != gov.PostURL(g1) || post.State != store.StateLive || post.LastSeenLive.IsZero() {
		t.Errorf("post %+v", post)
	}
	vs, _ := a.Store.Versions(ctx, post.ID)
	if len(vs) != 1 || vs[0].Text != "The ministry announces new rules." {
		t.Fatalf("versions %+v", vs)
	}

	// Nothing changed: conditional GETs answer 304, no events.
	res, err = p.Cycle(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.New+res.Edited != 0 || res.NotModified != 2 {
		t.Fatalf("unchanged cycle %+v, want 2 not modified", res)
	}

	// Markup- and whitespace-only changes are not edits; a change of words is.
	gov.Edit(g1, "<p>The   ministry <i>announces</i>\n new rules.</p>")
	opp.Edit(o1, "<p>Join us on Friday</p>")
	res, err = p.Cycle(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Edited != 1 || res.New != 0 {
		t.Fatalf("edit cycle %+v, want exactly 1 edited", res)
	}
	types := countTypes(events(t, a))
	if types["new"] != 3 || types["edited"] != 1 {
		t.Fatalf("events %v", types)
	}
	for _, e := range events(t, a) {
		if e.Type != "edited" {
			continue
		}
		if !strings.Contains(e.Diff, "-Join us tomorrow") || !strings.Contains(e.Diff, "+Join us on Friday") {
			t.Errorf("diff %q", e.Diff)
		}
		if e.Actor != "opp" || e.Affiliation != "opposition" || len(e.Evidence) == 0 {
			t.Errorf("edited event %+v", e)
		}
	}
	for _, e := range events(t, a) {
		if e.Type != "edited" {
			continue
		}
		if e.PostURL != opp.PostURL(o1) {
			t.Errorf("edited post_url %s, want %s", e.PostURL, opp.PostURL(o1))
		}
		if vs, _ := a.Store.Versions(ctx, e.PostID); len(vs) != 2 {
			t.Errorf("%d versions after an edit, want 2", len(vs))
		}
	}

	rep, err := a.Verify(ctx, nil)
	if err != nil || !rep.OK() {
		t.Fatalf("verify: %v %+v", err, rep)
	}
}

func TestPipeline_BadListingsAreNeverEvidence(t *testing.T) {
	sb, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	ok := sb.AddAccount(0, "ok")
	bad := sb.AddAccount(0, "bad")
	for i := 0; i < 3; i++ {
		ok.Publish(sandbox.Post{HTML: fmt.Sprintf("post %d", i)})
		bad.Publish(sandbox.Post{HTML: fmt.Sprintf("post %d", i)})
	}
	cfg := testConfig(t, t.TempDir())
	addSource(cfg, "ok", "gov", ok.FeedURL())
	addSource(cfg, "bad", "opp", bad.FeedURL())
	a, p := wire(t, cfg)
	ctx := t.Context()
	if _, err := p.Cycle(ctx); err != nil {
		t.Fatal(err)
	}
	ok.Publish(sandbox.Post{HTML: "fresh"})
	for _, f := range []sandbox.Failure{sandbox.Malformed(), sandbox.Status(503)} {
		bad.FailNext(1, f)
		res, err := p.Cycle(ctx)
		if err != nil {
			t.Fatalf("%v: cycle returned %v; a source failure must not fail the cycle", f, err)
		}
		if res.Failed != 1 {
			t.Fatalf("%v: %+v, want 1 failed source", f, res)
		}
	}
	srcs, err := a.Store.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range srcs {
		switch s.ID {
		case "bad":
			if s.Status != "failing" || s.ConsecutiveFailures != 2 || !strings.Contains(s.LastError, "503") {
				t.Errorf("bad source health %+v", s)
			}
		case "ok":
			if s.Status != "ok" || s.Posts != 4 {
				t.Errorf("ok source health %+v", s)
			}
		}
	}
	// The malformed answer is archived, with the parser's error beside it.
	var parseErr string
	a.Store.EachCapture(ctx, func(c *store.Capture) error {
		if strings.HasPrefix(c.Error, "parse:") {
			parseErr = c.Error
		}
		return nil
	})
	if parseErr == "" {
		t.Error("no capture carries the parse error")
	}
	if types := countTypes(events(t, a)); types["new"] != 7 || len(types) != 1 {
		t.Errorf("events %v, want only 7 new", types)
	}
}

func TestUnifiedDiff(t *testing.T) {
	got := monitor.UnifiedDiff("We reject the law.\nSecond line", "We reject the law today.\nSecond line", 1, 2)
	want := "--- version 1\n+++ version 2\n@@ -1,2 +1,2 @@\n-We reject the law.\n+We reject the law today.\n Second line\n"
	if got != want {
		t.Errorf("diff\n%q\nwant\n%q", got, want)
	}
}

// archiveFails is a collector whose fetches reached the source but could
// not be archived.
type archiveFails struct{}

func (archiveFails) Collect(context.Context, *config.Source, monitor.Fetcher, monitor.CollectOptions) (*monitor.Listing, error) {
	return nil, fmt.Errorf("feed: fetch https://gov.example/feed: archive: %w", archive.ErrWrite)
}

// A listing the archive could not keep is the archive's failure, returned
// as such, not the source's: its health stays as it was (every source had
// turned "failing" on a read-only disk, as if the sites were down).
func TestPipeline_ArchiveFailureIsNotTheSources(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	addSource(cfg, "gov-feed", "gov", "https://gov.example/feed")
	a, p := wireClock(t, cfg, time.Now, map[string]monitor.Collector{"feed": archiveFails{}})
	_, err := p.CollectSource(t.Context(), &cfg.Sources[0])
	if !errors.Is(err, archive.ErrWrite) {
		t.Fatalf("CollectSource: %v, want the archive's failure", err)
	}
	srcs, err := a.Store.Sources(t.Context())
	if err != nil || len(srcs) != 1 {
		t.Fatal(err)
	}
	if s := srcs[0]; s.Status == "failing" || s.ConsecutiveFailures != 0 || s.LastError != "" {
		t.Errorf("source health %+v: the source is blamed", s)
	}
}

// stallChecker stalls on the posts of one host until the others' checks
// are done, as a host that answers nothing does.
type stallChecker struct {
	mu      sync.Mutex
	others  int
	release chan struct{}
}

func (c *stallChecker) Check(ctx context.Context, _ *config.Source, post *store.Post, _ string, _ monitor.Fetcher) (monitor.Answer, error) {
	if strings.Contains(post.PostURL, "stall.example") {
		select {
		case <-c.release:
		case <-ctx.Done():
			return monitor.Answer{}, ctx.Err()
		}
		return monitor.Answer{Class: monitor.ClassTransient, Detail: "timeout"}, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.others++; c.others == 4 {
		close(c.release)
	}
	return monitor.Answer{Class: monitor.ClassLive, Detail: "200"}, nil
}

// A host that stalls holds no more workers than it may have fetches at
// once: the other hosts' checks go on (two workers both waiting on it held
// the round until its timeouts).
func TestChecks_AStalledHostHoldsNoMoreWorkersThanItsShare(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.Fetch.PerHostConcurrency = 1
	addSource(cfg, "src", "gov", "https://ok.example/feed")
	c := &stallChecker{release: make(chan struct{})}
	a, p := wireWith(t, cfg, time.Now, nil, map[string]monitor.Checker{"feed": c}, 2)
	t0 := time.Now().Add(-time.Hour)
	err := a.Store.Write(t.Context(), func(tx *store.Tx) error {
		for i, u := range []string{"https://stall.example/1", "https://stall.example/2", "https://ok.example/1",
			"https://ok.example/2", "https://ok.example/3", "https://ok.example/4"} {
			// the stalled host's posts fall due first
			p := &store.Post{Platform: "feed", PlatformID: u, SourceID: "src", PostURL: u, CanonicalURL: u, FirstSeen: t0,
				State: store.StateSuspect, NextCheckAt: t0.Add(time.Duration(i) * time.Minute)}
			if err := tx.InsertPost(p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	res, err := p.Checks(ctx, 100)
	if err != nil || res.Checked != 6 {
		t.Fatalf("checks: %+v, %v; want all 6 checked, the stalled host's after the others", res, err)
	}
}

// listings lists, for each source, the items the test gives it.
type listings struct {
	mu sync.Mutex
	by map[string][]monitor.Item
}

func (l *listings) set(source string, items ...monitor.Item) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.by[source] = items
}

func (l *listings) Collect(_ context.Context, src *config.Source, _ monitor.Fetcher, _ monitor.CollectOptions) (*monitor.Listing, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return &monitor.Listing{Items: append([]monitor.Item(nil), l.by[src.ID]...)}, nil
}

// A source answers for itself: a feed of another actor that lists an
// opposition post's guid (a hostile one, or a site that numbers its guids
// from 1 too) gets a post of its own, and the opposition's post keeps its
// text, its permalink and its state. Sources of one actor share posts.
func TestPipeline_AnotherActorsSourceCannotTouchAPost(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	t0 := clock.Now().Add(-time.Hour)
	cfg := testConfig(t, t.TempDir())
	addSource(cfg, "opp-feed", "opp", "https://opp.example/feed")
	addSource(cfg, "gov-feed", "gov", "https://gov.example/feed")
	addSource(cfg, "opp-news", "opp", "https://opp.example/news")
	l := &listings{by: map[string][]monitor.Item{}}
	a, p := wireClock(t, cfg, clock.Now, map[string]monitor.Collector{"feed": l})
	ctx := t.Context()
	collect := func(i int) {
		t.Helper()
		if _, err := p.CollectSource(ctx, &cfg.Sources[i]); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Minute)
	}
	const guid = "https://opp.example/1"
	l.set("opp-feed", monitor.Item{PlatformID: guid, URL: guid, Published: t0, Text: "We reject the new law."})
	collect(0)
	orig, err := a.Store.PostByKey(ctx, "feed", guid)
	if err != nil {
		t.Fatal(err)
	}

	forged := monitor.Item{PlatformID: guid, URL: "https://gov.example/fake/1", Published: t0, Text: "FORGED: the opposition supports the new law."}
	l.set("gov-feed", forged)
	collect(1)
	collect(1) // listed again: the same post of its own, not a second one
	post, err := a.Store.PostByKey(ctx, "feed", guid)
	if err != nil {
		t.Fatal(err)
	}
	if post.SourceID != "opp-feed" || post.PostURL != guid || post.CurrentVersion != orig.CurrentVersion || !post.LastSeenLive.Equal(orig.LastSeenLive) {
		t.Errorf("the opposition's post was changed by the government's feed: %+v", post)
	}
	own, err := a.Store.PostByKey(ctx, "feed", guid+" @gov-feed")
	if err != nil {
		t.Fatalf("the government's item has no post of its own: %v", err)
	}
	if own.SourceID != "gov-feed" || own.PostURL != forged.URL || own.State != store.StateLive {
		t.Errorf("the government's post %+v", own)
	}
	if vs, _ := a.Store.Versions(ctx, own.ID); len(vs) != 1 || vs[0].Text != forged.Text {
		t.Errorf("the government's post's versions %+v", vs)
	}

	// Another feed of the opposition lists the same post: one post.
	l.set("opp-news", monitor.Item{PlatformID: guid, URL: guid, Published: t0, Text: "We reject the new law."})
	collect(2)
	types := countTypes(events(t, a))
	if types["new"] != 2 || types["edited"] != 0 || types["restored"] != 0 {
		t.Errorf("events %v, want 2 new (one per actor) and nothing else", types)
	}
}

// A source that replaces another of its actor (a new id, a new URL)
// takes over the posts it lists: it collects and checks them from then on.
// A post of another actor's former source stays that actor's.
func TestPipeline_ReplacingSourceTakesOverItsActorsPosts(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	t0 := clock.Now().Add(-time.Hour)
	cfg := testConfig(t, t.TempDir())
	addSource(cfg, "opp-feed", "opp", "https://opp.example/feed")
	addSource(cfg, "gov-feed", "gov", "https://gov.example/feed")
	l := &listings{by: map[string][]monitor.Item{}}
	a, p := wireClock(t, cfg, clock.Now, map[string]monitor.Collector{"feed": l})
	ctx := t.Context()
	item := func(n string) monitor.Item {
		u := "https://example.org/" + n
		return monitor.Item{PlatformID: u, URL: u, Published: t0, Text: "post " + n}
	}
	l.set("opp-feed", item("1"))
	l.set("gov-feed", item("2"))
	if _, err := p.Cycle(ctx); err != nil {
		t.Fatal(err)
	}
	cfg.Sources = nil
	addSource(cfg, "opp-news", "opp", "https://opp.example/news")
	l.set("opp-news", item("1"), item("2"))
	if err := p.SyncConfig(ctx); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	if _, err := p.Cycle(ctx); err != nil {
		t.Fatal(err)
	}
	for n, want := range map[string]string{"1": "opp-news", "2": "gov-feed"} {
		post, err := a.Store.PostByKey(ctx, "feed", item(n).PlatformID)
		if err != nil {
			t.Fatal(err)
		}
		if post.SourceID != want {
			t.Errorf("post %s: source %s, want %s", n, post.SourceID, want)
		}
	}
}

// A post an earlier build archived under another reading of the same
// content (a feed's declared plain text, read as markup then) is not
// edited when this build reads it otherwise; a change of the content is.
func TestPipeline_FormerReadingIsNoEdit(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	t0 := clock.Now().Add(-time.Hour)
	cfg := testConfig(t, t.TempDir())
	addSource(cfg, "opp-feed", "opp", "https://opp.example/feed")
	l := &listings{by: map[string][]monitor.Item{}}
	a, p := wireClock(t, cfg, clock.Now, map[string]monitor.Collector{"feed": l})
	collect := func() {
		t.Helper()
		if _, err := p.CollectSource(t.Context(), &cfg.Sources[0]); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Minute)
	}
	const id = "https://opp.example/1"
	l.set("opp-feed", monitor.Item{PlatformID: id, URL: id, Published: t0, Text: "type for bold"}) // as an earlier build read it
	collect()
	l.set("opp-feed", monitor.Item{PlatformID: id, URL: id, Published: t0, Text: "type <b> for bold", FormerText: "type for bold"})
	collect()
	if types := countTypes(events(t, a)); types["edited"] != 0 {
		t.Fatalf("a new reading of the same content made an edit: %v", types)
	}
	l.set("opp-feed", monitor.Item{PlatformID: id, URL: id, Published: t0, Text: "type <i> for italics", FormerText: "type for italics"})
	collect()
	if types := countTypes(events(t, a)); types["edited"] != 1 {
		t.Errorf("a change of content: events %v, want one edit", types)
	}
}

// stopAfterCollect is a collector that stops the process (cancels its
// context) once its listing is archived, before the posts are committed.
type stopAfterCollect struct {
	monitor.Collector
	stop func()
}

func (s *stopAfterCollect) Collect(ctx context.Context, src *config.Source, f monitor.Fetcher, opt monitor.CollectOptions) (*monitor.Listing, error) {
	l, err := s.Collector.Collect(ctx, src, f, opt)
	if s.stop != nil {
		s.stop()
	}
	return l, err
}

// A process stopped after a listing's answer was archived and before its
// posts were committed (killed, out of disk space, past its drain) leaves
// an answer whose validators would earn a 304 next time, and posts never
// read: that answer is no base until the next cycle has read its posts
// (from the archive, and the feed's answer after it is then a 304).
func TestPipeline_listingStoppedBeforeItsPostsIsReadAgain(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{Hosts: 1})
	opp := sb.AddAccount(0, "opp")
	opp.Publish(sandbox.Post{Title: "Rally", HTML: "<p>Join us tomorrow</p>", Published: time.Now().Add(-time.Hour)})
	cfg := testConfig(t, t.TempDir())
	addSource(cfg, "opp-feed", "opp", opp.FeedURL())
	ctx, stop := context.WithCancel(t.Context())
	col := &stopAfterCollect{Collector: testCollectors(nil)["feed"], stop: stop}
	a, p := wireClock(t, cfg, time.Now, map[string]monitor.Collector{"feed": col})
	_, _ = p.Cycle(ctx)
	if n := countTypes(events(t, a))["new"]; n != 0 {
		t.Fatalf("%d new events from the stopped cycle: the test stops nothing", n)
	}
	if c, err := a.LastCapture(t.Context(), opp.FeedURL()); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the stopped cycle's answer is a base for conditional requests: %+v, %v", c, err)
	}

	col.stop = nil
	res, err := p.Cycle(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if res.New != 1 {
		t.Fatalf("the cycle after the stop: %+v, want the post read (1 new)", res)
	}
	// and taken in with its post, the answer is the base from then on
	if res, err = p.Cycle(t.Context()); err != nil || res.NotModified != 1 {
		t.Fatalf("an unchanged feed after that: %+v (%v), want a 304", res, err)
	}
}

// A stored text that this build normalizes differently from the build that
// stored it (one that kept a decomposed é as it came, where this one
// composes it) is the same content, not an edit: an upgrade must not
// report every post edited. A change of words still is one.
func TestPipeline_upgradedNormalizationIsNoEdit(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{Hosts: 1})
	opp := sb.AddAccount(0, "opp")
	t0 := time.Now().Add(-time.Hour)
	p1 := opp.Publish(sandbox.Post{Title: "Café", HTML: "<p>Meet at the café</p>", Published: t0})
	cfg := testConfig(t, t.TempDir())
	addSource(cfg, "opp-feed", "opp", opp.FeedURL())
	a, p := wire(t, cfg)
	if res, err := p.Cycle(t.Context()); err != nil || res.New != 1 {
		t.Fatalf("first cycle %+v (%v)", res, err)
	}
	// as an earlier build stored it: decomposed (e + U+0301)
	const older = "Meet at the cafe\u0301"
	db, err := sql.Open("sqlite", filepath.Join(cfg.DataDir, archive.DBFile))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if r, err := db.Exec(`UPDATE versions SET text = ?, digest = ?`, older, normalize.Digest(older)); err != nil {
		t.Fatal(err)
	} else if n, _ := r.RowsAffected(); n != 1 {
		t.Fatalf("%d versions rewritten, want 1", n)
	}
	opp.Publish(sandbox.Post{Title: "Rally", HTML: "<p>Rally on Friday</p>", Published: t0.Add(time.Minute)}) // the feed is read again
	res, err := p.Cycle(t.Context())
	if err != nil || res.New != 1 || res.Edited != 0 {
		t.Fatalf("the cycle after the upgrade: %+v (%v), want 1 new and no edit", res, err)
	}
	opp.Edit(p1, "<p>Meet at the station</p>")
	if res, err = p.Cycle(t.Context()); err != nil || res.Edited != 1 {
		t.Fatalf("a change of words: %+v (%v), want 1 edited", res, err)
	}
	if n := countTypes(events(t, a))["edited"]; n != 1 {
		t.Errorf("%d edited events, want the one change of words", n)
	}
}

// A post only the interrupted answer held (published and deleted between
// two reads) is recorded from the archive at the next collection, as first
// seen at that answer's time; what the answer says of posts the archive
// holds is left alone (it is older than what the archive knows of them).
func TestPipeline_interruptedAnswerReadAgainForNewPosts(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{Hosts: 1})
	opp := sb.AddAccount(0, "opp")
	t0 := time.Now().Add(-time.Hour)
	opp.Publish(sandbox.Post{Title: "One", HTML: "<p>First statement</p>", Published: t0})
	p2 := opp.Publish(sandbox.Post{Title: "Two", HTML: "<p>Second statement</p>", Published: t0.Add(time.Minute)})
	cfg := testConfig(t, t.TempDir())
	addSource(cfg, "opp-feed", "opp", opp.FeedURL())
	ctx, stop := context.WithCancel(t.Context())
	col := &stopAfterCollect{Collector: testCollectors(nil)["feed"]}
	a, p := wireClock(t, cfg, time.Now, map[string]monitor.Collector{"feed": col})
	if res, err := p.Cycle(t.Context()); err != nil || res.New != 2 {
		t.Fatalf("first cycle %+v (%v)", res, err)
	}

	opp.Edit(p2, "<p>Second statement, edited</p>")
	p3 := opp.Publish(sandbox.Post{Title: "Three", HTML: "<p>A short-lived statement</p>", Published: t0.Add(2 * time.Minute)})
	col.stop = stop
	_, _ = p.Cycle(ctx) // stopped after the answer was archived
	interrupted, err := a.Store.LastListing(t.Context(), "opp-feed")
	if err != nil || !interrupted.Pending {
		t.Fatalf("the interrupted answer: %+v (%v), want it pending", interrupted, err)
	}
	// before the next read: the post is deleted, the edit undone
	opp.Delete(p3, sandbox.Gone404)
	opp.Edit(p2, "<p>Second statement</p>")
	col.stop = nil
	res, err := p.Cycle(t.Context())
	if err != nil || res.New != 1 || res.Edited != 0 {
		t.Fatalf("the cycle after the stop: %+v (%v), want the short-lived post (1 new) and no edit", res, err)
	}
	post, err := a.Store.PostByKey(t.Context(), "feed", opp.PostURL(p3))
	if err != nil {
		t.Fatalf("the short-lived post: %v", err)
	}
	if !post.FirstSeen.Equal(interrupted.At) {
		t.Errorf("first seen %s, want the interrupted answer's time %s", post.FirstSeen, interrupted.At)
	}
	if c, err := a.Store.Capture(t.Context(), interrupted.ID); err != nil || c.Pending {
		t.Errorf("the interrupted answer after it was read again: %+v (%v), want it taken in", c, err)
	}
	types := countTypes(events(t, a))
	if types["new"] != 3 || types["edited"] != 0 || types["restored"] != 0 {
		t.Errorf("events %v, want 3 new and nothing else", types)
	}
}

// A feed that stays malformed stays a failing source at every cycle: its
// answers, never taken in, give no validators, so it is never read as
// "unchanged" by a 304 against one of them, and reading the newest again
// from the archive fails as quietly as it should.
func TestPipeline_malformedFeedStaysFailing(t *testing.T) {
	var conditional atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"broken"`)
		if r.Header.Get("If-None-Match") != "" {
			conditional.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		io.WriteString(w, "<rss><channel><item><title>cut off")
	}))
	defer srv.Close()
	cfg := testConfig(t, t.TempDir())
	addSource(cfg, "bad", "opp", srv.URL+"/feed.rss")
	a, p := wire(t, cfg)
	for i := range 3 {
		res, err := p.Cycle(t.Context())
		if err != nil || res.Failed != 1 || res.NotModified != 0 {
			t.Fatalf("cycle %d: %+v (%v), want the source failed, not unchanged", i, res, err)
		}
	}
	if n := conditional.Load(); n != 0 {
		t.Errorf("%d conditional requests against malformed answers", n)
	}
	srcs, err := a.Store.Sources(t.Context())
	if err != nil || len(srcs) != 1 || srcs[0].Status != "failing" || srcs[0].ConsecutiveFailures != 3 {
		t.Errorf("the source: %+v (%v), want failing 3 times in a row", srcs, err)
	}
}

// On every platform, a listing answer a stopped process archived and did
// not take in is read again at the next collection: a post it held that
// was deleted before that read is still recorded, first seen at the
// answer's time, and its removal found. API listings are fetched without
// a conditional request; their answers are pending all the same.
func TestPipeline_interruptedListingReadAgainOnEveryPlatform(t *testing.T) {
	for _, name := range platformNames() {
		t.Run(name, func(t *testing.T) {
			r := newDetRig(t, 1, nil)
			r.plat = platforms[name]
			col := &stopAfterCollect{Collector: r.plat.collector}
			r.collectors = map[string]monitor.Collector{name: col}
			acc := r.account(0, "gov", "gov")
			publish(acc, 2, r.clock.Now().Add(-time.Hour))
			r.start()
			if res := r.cycle(); res.New != 2 {
				t.Fatalf("first cycle %+v, want 2 new", res)
			}
			short := acc.Publish(sandbox.Post{Title: "short", HTML: "<p>A short-lived statement on the election.</p>",
				Published: r.clock.Now().Add(-time.Minute)})
			ctx, stop := context.WithCancel(t.Context())
			col.stop = stop
			_, _ = r.pipe.Cycle(ctx) // stopped after the answer was archived
			col.stop = nil
			interrupted, err := r.arc.Store.LastListing(t.Context(), "gov")
			if err != nil || !interrupted.Pending {
				t.Fatalf("the interrupted answer: %+v (%v), want it pending", interrupted, err)
			}
			if _, err := r.arc.Store.PostByURL(t.Context(), r.plat.postURL(acc, short)); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("the short-lived post before the next cycle: %v, want it not recorded yet", err)
			}
			r.clock.Advance(r.every)
			acc.Delete(short, sandbox.Gone404)
			if res := r.cycle(); res.New != 1 {
				t.Errorf("the cycle after the stop: %+v, want the short-lived post (1 new)", res)
			}
			p, err := r.arc.Store.PostByURL(t.Context(), r.plat.postURL(acc, short))
			if err != nil {
				t.Fatalf("the short-lived post: %v", err)
			}
			if !p.FirstSeen.Equal(interrupted.At) {
				t.Errorf("first seen %s, want the interrupted answer's time %s", p.FirstSeen, interrupted.At)
			}
			for range 4 {
				r.cycle()
			}
			if p := r.post(acc, short); p.State != store.StateRemoved || p.Reason != "deleted" {
				t.Errorf("the short-lived post after 4 more cycles: %s/%s, want removed/deleted", p.State, p.Reason)
			}
		})
	}
}

// A feed whose URL redirects is read again from the archive as the fetch
// read it: the redirect's own archived answer (a 301) is the first hop,
// not the listing.
func TestPipeline_interruptedRedirectedFeedReadAgain(t *testing.T) {
	var mu sync.Mutex
	items := []string{"one", "two"}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/old" {
			http.Redirect(w, r, "/feed.rss", http.StatusMovedPermanently)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Content-Type", "application/rss+xml")
		io.WriteString(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>http://example.org/</link>`)
		for i, it := range items {
			fmt.Fprintf(w, `<item><title>%s</title><link>http://example.org/%s</link><guid>http://example.org/%s</guid><description>The %s statement.</description><pubDate>%s</pubDate></item>`,
				it, it, it, it, time.Date(2026, 3, 1, 10, i, 0, 0, time.UTC).Format(time.RFC1123Z))
		}
		io.WriteString(w, `</channel></rss>`)
	}))
	defer srv.Close()
	cfg := testConfig(t, t.TempDir())
	addSource(cfg, "moved", "opp", srv.URL+"/old")
	col := &stopAfterCollect{Collector: testCollectors(nil)["feed"]}
	a, p := wireClock(t, cfg, time.Now, map[string]monitor.Collector{"feed": col})
	if res, err := p.Cycle(t.Context()); err != nil || res.New != 2 {
		t.Fatalf("first cycle %+v (%v)", res, err)
	}
	mu.Lock()
	items = append(items, "three")
	mu.Unlock()
	ctx, stop := context.WithCancel(t.Context())
	col.stop = stop
	_, _ = p.Cycle(ctx)
	col.stop = nil
	if c, err := a.Store.LastListing(t.Context(), "moved"); err != nil || !c.Pending {
		t.Fatalf("the interrupted answer: %+v (%v), want it pending", c, err)
	}
	mu.Lock()
	items = items[:2]
	mu.Unlock()
	if res, err := p.Cycle(t.Context()); err != nil || res.New != 1 {
		t.Errorf("the cycle after the stop: %+v (%v), want the short-lived post (1 new)", res, err)
	}
}
