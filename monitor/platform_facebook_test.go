package monitor_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/takedownwatch/takedownwatch/archive"
	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/sandbox"
	"github.com/takedownwatch/takedownwatch/monitor"
	"github.com/takedownwatch/takedownwatch/monitor/facebook"
	"github.com/takedownwatch/takedownwatch/monitor/fetch"
)

// sandboxGraphToken is the token facebook sources of the sandbox send: any
// non-empty token passes until a test names another as the valid one. It
// is longer than the archive's shortest scrubbed secret.
const sandboxGraphToken = "sandbox-graph-token-0123456789"

// Facebook through the Graph API shows every kind of deletion alike
// (100/33, the Page reading fine), a withholding as 100/33 too, which the
// post's logged-out permalink then tells apart (451 there:
// withheld_legal), a restriction as code 10, and a suspension as the Page
// itself answering 100/33.
func init() {
	c := facebook.New()
	register(&platform{
		name:      "facebook",
		collector: c,
		checker:   c,
		source: func(acc *sandbox.Account) config.Source {
			return config.Source{Platform: "facebook", URL: acc.FacebookURL(), APIBase: acc.GraphAPIBase(), Token: sandboxGraphToken}
		},
		postURL:     func(acc *sandbox.Account, id string) string { return acc.FacebookPostURL(id) },
		withheld:    "withheld_legal",
		restricts:   true,
		deleteModes: []sandbox.DeleteMode{sandbox.Gone404, sandbox.Gone410, sandbox.Soft404, sandbox.RedirectHome},
	})
}

// TestPipeline_Facebook follows one Page through the pipeline: its
// metrics become the source's time series, its id is kept, a deletion is
// confirmed by Graph, and a suspension is the account gone.
func TestPipeline_Facebook(t *testing.T) {
	r := newDetRig(t, 1, nil)
	r.plat = platforms["facebook"]
	acc := r.account(0, "gov", "gov")
	acc.SetMetric("likes", 407137)
	acc.SetMetric("followers", 512000)
	ids := publish(acc, 3, r.clock.Now().Add(-time.Hour))
	r.start()
	for range 3 {
		r.cycle()
	}
	src, err := r.arc.Store.Source(t.Context(), "gov")
	if err != nil || src.Cursor != acc.FacebookPageID() || src.LastError != "" {
		t.Errorf("source %+v (%v), want cursor %s", src, err, acc.FacebookPageID())
	}
	got := map[string][]float64{}
	if err := r.arc.Store.EachMetric(t.Context(), store.Filter{}, func(m *store.MetricRow) error {
		got[m.Name] = append(got[m.Name], m.Value)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string]float64{"followers": 512000, "likes": 407137} {
		if len(got[name]) != 3 || got[name][2] != v {
			t.Errorf("metric %s: %v, want 3 values of %v", name, got[name], v)
		}
	}
	if p := r.post(acc, ids[0]); p.PlatformID != acc.FacebookPostID(ids[0]) || p.State != store.StateLive {
		t.Errorf("post %+v", p)
	}

	acc.Delete(ids[1], sandbox.Soft404)
	for range 3 {
		r.cycle()
	}
	if p := r.post(acc, ids[1]); p.State != store.StateRemoved || p.Reason != "deleted" || !strings.HasPrefix(p.Detail, "code 100/33: Unsupported get request.") {
		t.Errorf("deleted post %s/%s %q", p.State, p.Reason, p.Detail)
	}
	acc.Suspend()
	for range 3 {
		r.cycle()
	}
	gone := r.events("account_gone")
	if len(gone) != 1 || !strings.HasPrefix(gone[0].Detail, "code 100/33: Unsupported get request. Object with ID ") || len(gone[0].Evidence) == 0 {
		t.Fatalf("account_gone events %+v, want one with Graph's words and evidence", gone)
	}
	if p := r.post(acc, ids[0]); p.State != store.StateRemoved || p.Reason != "account_gone" {
		t.Errorf("post of the gone Page: %s/%s", p.State, p.Reason)
	}
}

// TestPipeline_Facebook_Hidden: a post its owner hides is hidden, not
// removed, and comes back live without an event.
func TestPipeline_Facebook_Hidden(t *testing.T) {
	r := newDetRig(t, 1, nil)
	r.plat = platforms["facebook"]
	acc := r.account(0, "gov", "gov")
	ids := publish(acc, 3, r.clock.Now().Add(-time.Hour))
	r.start()
	r.cycle()
	r.sb.SetGraphHidden(acc, ids[1], true)
	r.cycle()
	if p := r.post(acc, ids[1]); p.State != store.StateHidden || p.Detail != "is_hidden" {
		t.Errorf("hidden post: %s %q", p.State, p.Detail)
	}
	r.cycle()
	if p := r.post(acc, ids[1]); p.State != store.StateHidden {
		t.Errorf("hidden post a cycle later: %s", p.State)
	}
	r.sb.SetGraphHidden(acc, ids[1], false)
	r.cycle()
	if p := r.post(acc, ids[1]); p.State != store.StateLive {
		t.Errorf("shown again: %s", p.State)
	}
	if evs := r.events(""); len(evs) != 3 {
		t.Errorf("events %v, want the 3 new posts only", countTypes(evs))
	}
}

// TestPipeline_Facebook_Token190 runs a whole cycle on an expired token
// in the middle: nothing is marked removed, the source's last error says
// 190, and the next cycle recovers.
func TestPipeline_Facebook_Token190(t *testing.T) {
	r := newDetRig(t, 1, nil)
	r.plat = platforms["facebook"]
	acc := r.account(0, "gov", "gov")
	ids := publish(acc, 4, r.clock.Now().Add(-time.Hour))
	r.start()
	r.cycle()
	// A deletion seen once: one more removal-class answer would confirm it.
	acc.Delete(ids[2], sandbox.Gone404)
	r.cycle()
	if p := r.post(acc, ids[2]); p.State != store.StateSuspect || p.Pending.Count != 1 {
		t.Fatalf("before the token expires: %s, pending %+v", p.State, p.Pending)
	}

	sb := r.sb
	sb.SetGraphToken("renewed-token-not-ours")
	acc.Delete(ids[3], sandbox.Gone404) // gone while we cannot look
	res := r.cycle()
	if res.Failed != 1 || res.Checks.Removed != 0 || res.Checks.Transient == 0 {
		t.Errorf("the 190 cycle: %+v, want the source failed, checks transient, nothing removed", res)
	}
	if n := len(r.events("removed")); n != 0 {
		t.Errorf("%d removals during the 190 cycle", n)
	}
	src, err := r.arc.Store.Source(t.Context(), "gov")
	if err != nil || src.Status != "paused" || !strings.Contains(src.LastError, "token expired or invalidated (code 190): Error validating access token") ||
		strings.Contains(src.LastError, sandboxGraphToken) {
		t.Errorf("source after 190: status %s, last error %q (%v)", src.Status, src.LastError, err)
	}
	for _, id := range []string{ids[0], ids[2], ids[3]} {
		if p := r.post(acc, id); p.State == store.StateRemoved {
			t.Errorf("post %s removed during the 190 cycle", id)
		}
	}

	sb.SetGraphToken("") // the token works again
	r.cycle()
	src, _ = r.arc.Store.Source(t.Context(), "gov")
	if src.Status != "ok" || !src.LastSuccess.After(src.LastErrorAt) {
		t.Errorf("source after recovery: %+v", src)
	}
	if p := r.post(acc, ids[2]); p.State != store.StateRemoved || p.Reason != "deleted" {
		t.Errorf("after recovery the pending deletion: %s/%s", p.State, p.Reason)
	}
	r.cycle()
	if p := r.post(acc, ids[3]); p.State != store.StateRemoved || p.Reason != "deleted" {
		t.Errorf("the deletion during the 190 cycle, two cycles later: %s/%s", p.State, p.Reason)
	}
	for _, id := range []string{ids[0], ids[1]} {
		if p := r.post(acc, id); p.State != store.StateLive {
			t.Errorf("post %s: %s", id, p.State)
		}
	}
	if n := len(r.events("removed")); n != 2 {
		t.Errorf("%d removals, want the 2 deletions", n)
	}
}

// TestPipeline_Facebook_RateLimits: rate limits (an error code, a usage
// header at 100%, a Page's limit on a post) never remove anything, and the
// next cycle goes on.
func TestPipeline_Facebook_RateLimits(t *testing.T) {
	r := newDetRig(t, 1, nil)
	r.plat = platforms["facebook"]
	acc := r.account(0, "gov", "gov")
	other := r.account(0, "opp", "opp")
	ids := publish(acc, 4, r.clock.Now().Add(-time.Hour))
	oids := publish(other, 2, r.clock.Now().Add(-time.Hour))
	r.start()
	r.cycle()
	acc.Delete(ids[1], sandbox.Gone404)
	r.cycle() // one removal-class answer pending

	for i, limit := range []func(){
		func() { r.sb.FailGraph(1, 4) },                                  // the first request of the cycle: an app limit
		func() { r.sb.SetGraphUsage(100, 0) },                            // every answer says the app is used up
		func() { r.sb.FailGraph(-1, 613) },                               // every request
		func() { acc.FailPost(ids[1], 1, sandbox.TooMany(time.Second)) }, // the Page's limit on the deleted post
	} {
		limit()
		acc.HideFromListing(ids[3], true) // a post to check this cycle
		res := r.cycle()
		r.sb.ClearGraphFailures()
		r.sb.SetGraphUsage(1, 0)
		acc.HideFromListing(ids[3], false)
		if res.Checks.Removed != 0 || len(r.events("removed")) != 0 {
			t.Fatalf("limit %d: %+v, %d removals", i, res, len(r.events("removed")))
		}
		if p := r.post(acc, ids[3]); p.State == store.StateRemoved {
			t.Errorf("limit %d: a live post removed", i)
		}
	}
	// Transient answers space the retries out (the lifecycle's backoff,
	// up to the first re-check step): the confirmation comes within it.
	for i := 0; i < 6 && r.post(acc, ids[1]).State != store.StateRemoved; i++ {
		r.cycle()
	}
	if p := r.post(acc, ids[1]); p.State != store.StateRemoved || p.Reason != "deleted" {
		t.Errorf("after the limits: %s/%s", p.State, p.Reason)
	}
	if n := len(r.events("removed")); n != 1 {
		t.Errorf("%d removals, want 1", n)
	}
	for _, id := range oids {
		if p := r.post(other, id); p.State != store.StateLive {
			t.Errorf("other Page's post %s: %s", id, p.State)
		}
	}
}

// TestPipeline_Facebook_TokenNeverLeaks runs the pipeline as the binary
// wires it (the archive and the fetcher told the token) through a
// backfill, edits, a deletion, a withholding, a 190 cycle and a rate
// limit, then looks for the token in every WARC record (each gzip member
// read), every file of the data directory, every log line at debug level,
// every source's last error and an export of events, posts and metrics.
func TestPipeline_Facebook_TokenNeverLeaks(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)}
	sb, err := sandbox.New(sandbox.Options{Clock: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	cfg := testConfig(t, t.TempDir())
	cfg.Detector.ConfirmInterval = config.Duration(15 * time.Minute)
	acc := sb.AddAccount(0, "gov")
	acc.SetMetric("likes", 10)
	acc.SetListingLimit(0)
	ids := publish(acc, 150, clock.Now().Add(-3*time.Hour)) // more than one Graph page
	src := platforms["facebook"].source(acc)
	src.ID, src.Actor, src.Schedule, src.Vantage = "gov", "gov", "@every 1m", config.Direct
	cfg.Sources = []config.Source{src}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}

	var logs bytes.Buffer
	log := logrus.New()
	log.SetOutput(&logs)
	log.SetLevel(logrus.DebugLevel)
	secrets := []string{src.Token.Value()}
	arc, err := archive.OpenWriter(t.Context(), archive.Options{DataDir: cfg.DataDir, Secrets: secrets, Clock: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	f, err := fetch.New(cfg.Fetch, arc, fetch.WithLogger(logrus.NewEntry(log).WithField("component", "fetch")), fetch.WithClock(clock.Now), fetch.WithSecrets(secrets...))
	if err != nil {
		t.Fatal(err)
	}
	c := facebook.New()
	pipe, err := monitor.New(monitor.Options{Config: cfg, Archive: arc, Fetcher: f, Log: logrus.NewEntry(log), Clock: clock.Now, Backfill: 3,
		Collectors: map[string]monitor.Collector{"facebook": c}, Checkers: map[string]monitor.Checker{"facebook": c}})
	if err != nil {
		t.Fatal(err)
	}
	if err := pipe.SyncConfig(t.Context()); err != nil {
		t.Fatal(err)
	}
	cycle := func() {
		t.Helper()
		if _, err := pipe.Cycle(t.Context()); err != nil {
			t.Fatal(err)
		}
		clock.Advance(15 * time.Minute)
	}
	cycle() // the backfill: paging links echo the token
	acc.Edit(ids[149], "<p>An edited statement.</p>")
	acc.Delete(ids[148], sandbox.Soft404)
	acc.Withhold(ids[147], "https://authority.example/orders/1")
	cycle()
	sb.SetGraphToken("another-token-entirely")
	cycle()
	sb.SetGraphToken("")
	sb.FailGraph(1, 4)
	cycle()
	for range 8 {
		cycle()
	}
	f.Close()
	if err := arc.Close(); err != nil {
		t.Fatal(err)
	}
	token := []byte(sandboxGraphToken)

	// Every record, member by member.
	members := warcMembers(t, cfg.DataDir)
	scrubbed := 0
	for i, m := range members {
		if bytes.Contains(m, token) {
			t.Errorf("WARC record %d holds the token:\n%.600s", i, m)
		}
		scrubbed += bytes.Count(m, []byte("access_token=REDACTED"))
	}
	// The test would prove nothing if the token never reached the wire:
	// Graph's paging links carry it, and the archive scrubbed them.
	if len(members) < 10 || scrubbed == 0 {
		t.Fatalf("%d WARC records, %d scrubbed paging links", len(members), scrubbed)
	}
	// And every other file, raw (the database, the WAL).
	err = filepath.WalkDir(cfg.DataDir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(b, token) {
			t.Errorf("%s holds the token", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(logs.Bytes(), []byte("token expired or invalidated (code 190)")) {
		t.Errorf("no log line says the token expired:\n%s", logs.String())
	}
	if bytes.Contains(logs.Bytes(), token) {
		t.Error("a log line holds the token")
	}

	ro, err := archive.OpenReader(t.Context(), cfg.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	var export bytes.Buffer
	enc := json.NewEncoder(&export)
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(ro.Store.EachEvent(t.Context(), store.Filter{}, func(e *store.EventRow) error { return enc.Encode(e) }))
	must(ro.Store.EachPost(t.Context(), store.Filter{}, func(p *store.PostRow) error { return enc.Encode(p) }))
	must(ro.Store.EachMetric(t.Context(), store.Filter{}, func(m *store.MetricRow) error { return enc.Encode(m) }))
	srcs, err := ro.Store.Sources(t.Context())
	must(err)
	must(enc.Encode(srcs))
	if bytes.Contains(export.Bytes(), token) {
		t.Error("the export holds the token")
	}
	if !bytes.Contains(export.Bytes(), []byte(`"withheld_legal"`)) || !bytes.Contains(export.Bytes(), []byte(`"deleted"`)) {
		t.Errorf("the export lacks the story: %.2000s", export.String())
	}
}

// warcMembers reads every gzip member of every WARC file under dir, one
// by one (a WARC file is a series of them, one per record).
func warcMembers(t *testing.T, dir string) [][]byte {
	t.Helper()
	var out [][]byte
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".warc.gz") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		br := bytes.NewReader(b)
		zr, err := gzip.NewReader(br)
		if err != nil {
			return err
		}
		for {
			zr.Multistream(false)
			member, err := io.ReadAll(zr)
			if err != nil {
				return err
			}
			out = append(out, member)
			if err := zr.Reset(br); err == io.EOF {
				return nil
			} else if err != nil {
				return err
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
