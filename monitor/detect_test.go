package monitor_test

import (
	"fmt"

	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/archive"
	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/sandbox"
	"github.com/takedownwatch/takedownwatch/monitor"
)

// detRig is a pipeline on a sandbox with an injectable clock, collected in
// cycles of `every`.
type detRig struct {
	t     *testing.T
	plat  *platform
	sb    *sandbox.Sandbox
	clock *fakeClock
	cfg   *config.Config
	arc   *archive.Archive
	pipe  *monitor.Pipeline
	every time.Duration
	// collectors replace the registered platforms' ones in this rig.
	collectors map[string]monitor.Collector
}

func newDetRig(t *testing.T, hosts int, tune func(*config.Config)) *detRig {
	t.Helper()
	clock := &fakeClock{now: time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)}
	sb, err := sandbox.New(sandbox.Options{Hosts: hosts, Clock: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	cfg := testConfig(t, t.TempDir())
	cfg.Fetch.Timeout = config.Duration(2 * time.Second)
	cfg.Detector.ConfirmChecks = 2
	cfg.Detector.ConfirmInterval = config.Duration(15 * time.Minute)
	cfg.Detector.Recheck = []config.Duration{config.Duration(time.Hour), config.Duration(6 * time.Hour)}
	if tune != nil {
		tune(cfg)
	}
	return &detRig{t: t, plat: platforms["feed"], sb: sb, clock: clock, cfg: cfg, every: 15 * time.Minute}
}

// account adds a sandbox account and its source on the rig's platform.
func (r *detRig) account(host int, name, actor string) *sandbox.Account {
	acc := r.sb.AddAccount(host, name)
	src := r.plat.source(acc)
	src.ID, src.Actor, src.Schedule, src.Vantage = name, actor, "@every 1m", config.Direct
	r.cfg.Sources = append(r.cfg.Sources, src)
	return acc
}

func (r *detRig) start() {
	r.arc, r.pipe = wireClock(r.t, r.cfg, r.clock.Now, r.collectors)
}

// cycle advances the clock by one period (except the first time) and runs
// one cycle.
func (r *detRig) cycle() monitor.CycleResult {
	r.t.Helper()
	res, err := r.pipe.Cycle(r.t.Context())
	if err != nil {
		r.t.Fatal(err)
	}
	r.clock.Advance(r.every)
	return res
}

func (r *detRig) post(acc *sandbox.Account, id string) *store.Post {
	r.t.Helper()
	p, err := r.arc.Store.PostByURL(r.t.Context(), r.plat.postURL(acc, id))
	if err != nil {
		r.t.Fatalf("post %s: %v", id, err)
	}
	return p
}

func (r *detRig) events(typ string) []*store.EventRow {
	var out []*store.EventRow
	for _, e := range events(r.t, r.arc) {
		if typ == "" || e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

func publish(acc *sandbox.Account, n int, at time.Time) []string {
	var ids []string
	for i := 0; i < n; i++ {
		ids = append(ids, acc.Publish(sandbox.Post{Title: fmt.Sprintf("t%d", i),
			HTML:      fmt.Sprintf("<p>%s statement number %d about the budget and the rule of law.</p>", acc.Name(), i),
			Published: at.Add(time.Duration(i) * time.Minute)}))
	}
	return ids
}

func TestDetector_DeletionInWindowConfirmedWithinTwoCycles(t *testing.T) {
	r := newDetRig(t, 1, nil)
	acc := r.account(0, "gov", "gov")
	ids := publish(acc, 5, r.clock.Now().Add(-time.Hour))
	r.start()
	r.cycle()
	acc.Delete(ids[2], sandbox.Gone404)
	deletedAt := r.clock.Now()
	for i := 1; i <= 2; i++ {
		r.cycle()
		if p := r.post(acc, ids[2]); p.State == store.StateRemoved {
			if i != 2 {
				t.Errorf("confirmed after %d cycle(s) with confirm_checks 2", i)
			}
			if p.Reason != "deleted" || p.Detail != "404" || !p.FirstSeenMissing.Equal(deletedAt) {
				t.Errorf("removed post %+v", p)
			}
			ev := r.events("removed")
			if len(ev) != 1 || len(ev[0].Evidence) < 2 || ev[0].LastSeenLive.IsZero() || !ev[0].LastSeenLive.Before(ev[0].FirstSeenMissing) {
				t.Errorf("removed events %+v", ev)
			}
			return
		}
	}
	t.Fatalf("a 404 inside the listing window was not confirmed within two cycles: %+v", r.post(acc, ids[2]))
}

// A 304 says the listing read last still stands: a post it showed was live
// at that answer too, and a removal found after it is bracketed from the
// last answer that showed the post, not from the last whole read.
func TestDetector_RemovalBracketStartsAtTheLastNotModified(t *testing.T) {
	r := newDetRig(t, 1, nil)
	acc := r.account(0, "gov", "gov")
	ids := publish(acc, 3, r.clock.Now().Add(-time.Hour))
	r.start()
	r.cycle()
	var lastAnswer time.Time
	for i := 0; i < 2; i++ {
		lastAnswer = r.clock.Now()
		if res := r.cycle(); res.NotModified != 1 {
			t.Fatalf("unchanged cycle %+v, want a 304", res)
		}
	}
	// what exports and pages show of a live post, before anything wrote it
	if err := r.arc.Store.EachPost(r.t.Context(), store.Filter{}, func(p *store.PostRow) error {
		if !p.LastSeenLive.Equal(lastAnswer) {
			t.Errorf("post %s shown as last seen live at %s, want the last 304 at %s", p.PlatformID, p.LastSeenLive, lastAnswer)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	acc.Delete(ids[1], sandbox.Gone404)
	for i := 0; i < 3 && r.post(acc, ids[1]).State != store.StateRemoved; i++ {
		r.cycle()
	}
	ev := r.events("removed")
	if len(ev) != 1 {
		t.Fatalf("%d removed events, want 1", len(ev))
	}
	if !ev[0].LastSeenLive.Equal(lastAnswer) {
		t.Errorf("removal bracket starts at %s, want the last 304 at %s", ev[0].LastSeenLive, lastAnswer)
	}
	p := r.post(acc, ids[1])
	if vs, err := r.arc.Store.Versions(r.t.Context(), p.ID); err != nil || len(vs) != 1 || !vs[0].LastSeen.Equal(lastAnswer) {
		t.Errorf("version last seen: %v %+v, want %s", err, vs, lastAnswer)
	}
	// the posts still listed were seen at the read that found the removal
	if kept := r.post(acc, ids[0]); !kept.LastSeenLive.After(lastAnswer) || kept.State != store.StateLive {
		t.Errorf("listed post %+v", kept)
	}
}

// A source renamed in the config (the same URL under a new id) keeps
// watching the posts it found: a removal is still found, and nothing is
// new twice.
func TestDetector_RenamedSourceKeepsWatchingItsPosts(t *testing.T) {
	r := newDetRig(t, 1, nil)
	acc := r.account(0, "gov", "gov")
	ids := publish(acc, 3, r.clock.Now().Add(-time.Hour))
	r.start()
	r.cycle()
	r.cfg.Sources[0].ID = "gov-renamed"
	if err := r.pipe.SyncConfig(r.t.Context()); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if p := r.post(acc, id); p.SourceID != "gov-renamed" {
			t.Errorf("post %s stays with source %s", id, p.SourceID)
		}
	}
	acc.Delete(ids[1], sandbox.Gone404)
	for i := 0; i < 3 && r.post(acc, ids[1]).State != store.StateRemoved; i++ {
		r.cycle()
	}
	if p := r.post(acc, ids[1]); p.State != store.StateRemoved || p.Reason != "deleted" {
		t.Errorf("a post deleted after the rename: %s/%s, want removed/deleted", p.State, p.Reason)
	}
	types := countTypes(r.events(""))
	if types["new"] != 3 || types["removed"] != 1 {
		t.Errorf("events %v, want 3 new and 1 removed", types)
	}
}

func TestDetector_ReasonsAndRestrictions(t *testing.T) {
	tests := []struct {
		name       string
		act        func(acc *sandbox.Account, id string)
		wantState  string
		wantReason string
		wantDetail string
		wantEvent  string
	}{
		{"404", func(a *sandbox.Account, id string) { a.Delete(id, sandbox.Gone404) }, "removed", "deleted", "404", "removed"},
		{"410", func(a *sandbox.Account, id string) { a.Delete(id, sandbox.Gone410) }, "removed", "deleted", "410", "removed"},
		{"soft-404", func(a *sandbox.Account, id string) { a.Delete(id, sandbox.Soft404) }, "removed", "deleted", "soft-404: content isn't available", "removed"},
		{"redirect home", func(a *sandbox.Account, id string) { a.Delete(id, sandbox.RedirectHome) }, "removed", "deleted", "redirect home", "removed"},
		{"451", func(a *sandbox.Account, id string) { a.Withhold(id, "https://authority.example/order/1") }, "removed", "withheld_legal",
			"451 blocked-by https://authority.example/order/1", "removed"},
		{"403", func(a *sandbox.Account, id string) { a.Restrict(id, sandbox.Forbidden403) }, "restricted", "", "403", "restricted"},
		{"login redirect", func(a *sandbox.Account, id string) { a.Restrict(id, sandbox.LoginRedirect) }, "restricted", "", "redirect to login", "restricted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newDetRig(t, 1, nil)
			acc := r.account(0, "acc", "gov")
			ids := publish(acc, 3, r.clock.Now().Add(-time.Hour))
			r.start()
			r.cycle()
			tt.act(acc, ids[1])
			for i := 0; i < 3; i++ {
				r.cycle()
			}
			p := r.post(acc, ids[1])
			if p.State != tt.wantState || p.Reason != tt.wantReason || p.Detail != tt.wantDetail {
				t.Fatalf("post %s/%s %q, want %s/%s %q", p.State, p.Reason, p.Detail, tt.wantState, tt.wantReason, tt.wantDetail)
			}
			if got := r.events(tt.wantEvent); len(got) != 1 {
				t.Fatalf("%d %s events, want 1", len(got), tt.wantEvent)
			}
			if n := len(r.events("removed")) + len(r.events("restricted")); n != 1 {
				t.Errorf("%d removal/restriction events, want 1", n)
			}
			// Undo: the post comes back and is restored.
			acc.Restore(ids[1])
			r.clock.Advance(7 * time.Hour)
			for i := 0; i < 2; i++ {
				r.cycle()
			}
			if p := r.post(acc, ids[1]); p.State != store.StateLive {
				t.Errorf("after restore: %s", p.State)
			}
			if got := r.events("restored"); len(got) != 1 {
				t.Errorf("%d restored events, want 1", len(got))
			}
		})
	}
}

func TestDetector_AccountGoneAndBack(t *testing.T) {
	r := newDetRig(t, 1, nil)
	acc := r.account(0, "opp", "opp")
	other := r.account(0, "gov", "gov")
	ids := publish(acc, 4, r.clock.Now().Add(-time.Hour))
	publish(other, 2, r.clock.Now().Add(-time.Hour))
	r.start()
	r.cycle()
	acc.Delete(ids[1], sandbox.Gone404) // gone on its own first
	r.cycle()
	r.cycle()
	acc.Suspend()
	for i := 0; i < 3; i++ {
		r.cycle()
	}
	gone := r.events("account_gone")
	if len(gone) != 1 || gone[0].Detail != "410" || gone[0].PostID != "" || gone[0].Actor != "opp" {
		t.Fatalf("account_gone events %+v", gone)
	}
	var byAccount int
	for _, e := range r.events("removed") {
		if e.Reason == "account_gone" {
			byAccount++
			if e.ParentID != gone[0].ID {
				t.Errorf("removal %d not folded into account_gone %d", e.ID, gone[0].ID)
			}
		}
	}
	if byAccount != 3 {
		t.Errorf("%d account_gone removals, want 3 (the 4th post was deleted before)", byAccount)
	}
	if p := r.post(acc, ids[1]); p.Reason != "deleted" {
		t.Errorf("post deleted before the suspension: reason %s", p.Reason)
	}
	srcs, _ := r.arc.Store.Sources(r.t.Context())
	for _, s := range srcs {
		if s.ID == "opp" && s.Status != "gone" {
			t.Errorf("source status %s, want gone", s.Status)
		}
	}
	acc.Unsuspend()
	r.cycle()
	r.cycle()
	restored := r.events("restored")
	if len(restored) != 3 {
		t.Errorf("%d restored, want 3", len(restored))
	}
	if p := r.post(acc, ids[2]); p.State != store.StateLive {
		t.Errorf("after the account's return: %s", p.State)
	}
}

func TestDetector_TransientsAndGlitchesNeverRemove(t *testing.T) {
	r := newDetRig(t, 1, func(c *config.Config) { c.Fetch.Timeout = config.Duration(300 * time.Millisecond) })
	acc := r.account(0, "acc", "gov")
	ids := publish(acc, 6, r.clock.Now().Add(-time.Hour))
	r.start()
	r.cycle()
	acc.HideFromListing(ids[1], true)
	acc.FailPost(ids[1], 2, sandbox.Status(503))
	acc.FailPost(ids[1], 1, sandbox.TooMany(time.Second))
	acc.FailPost(ids[1], 1, sandbox.Slow(time.Second))
	acc.FailPost(ids[1], 2, sandbox.Reset())
	for i := 0; i < 8; i++ {
		switch i {
		case 2:
			acc.FailNext(1, sandbox.Status(503)) // the listing fails
		case 3:
			acc.EmptyListing(true)
		case 4:
			acc.EmptyListing(false)
			acc.SetListingLimit(2) // a shortened listing
		}
		r.cycle()
	}
	if got := r.events("removed"); len(got) != 0 {
		t.Fatalf("transient failures and glitches caused removals: %+v", got)
	}
	for _, id := range ids {
		if p := r.post(acc, id); p.State == store.StateRemoved {
			t.Errorf("post %s removed", id)
		}
	}
}

func TestDetector_OldPostDeletionFoundByRecheck(t *testing.T) {
	r := newDetRig(t, 1, nil)
	acc := r.account(0, "acc", "gov")
	acc.SetListingLimit(3)
	ids := publish(acc, 3, r.clock.Now().Add(-2*time.Hour))
	r.start()
	r.cycle()
	publish(acc, 3, r.clock.Now()) // the first three leave the window
	r.cycle()
	acc.Delete(ids[0], sandbox.Gone410)
	for i := 0; i < 8; i++ { // two hours: the 1h re-check, then confirmation
		r.cycle()
	}
	p := r.post(acc, ids[0])
	if p.State != store.StateRemoved || p.Reason != "deleted" {
		t.Fatalf("old post after deletion: %s/%s", p.State, p.Reason)
	}
	if p := r.post(acc, ids[1]); p.State != store.StateLive {
		t.Errorf("old live post outside the window: %s", p.State)
	}
}

func TestDetector_LikelyCorrection(t *testing.T) {
	r := newDetRig(t, 1, nil)
	acc := r.account(0, "acc", "gov")
	ids := publish(acc, 2, r.clock.Now().Add(-time.Hour))
	typo := acc.Publish(sandbox.Post{HTML: "<p>ក្រសួង​ព័ត៌មាន​ប្រកាស​ពី​វិធានការ​ថ្មី​សម្រាប់​ព័ត៌មាន​ក្លែងក្លាយ​នៅ​ថ្ងៃ​ច័ន្ទ</p>", Published: r.clock.Now().Add(-10 * time.Minute)})
	r.start()
	r.cycle()
	acc.Delete(typo, sandbox.Gone404)
	acc.Publish(sandbox.Post{HTML: "<p>ក្រសួង​ព័ត៌មាន​ប្រកាស​ពី​វិធានការ​ថ្មី​សម្រាប់​ព័ត៌មាន​ក្លែងក្លាយ​នៅ​ថ្ងៃ​អង្គារ</p>", Published: r.clock.Now()})
	acc.Delete(ids[1], sandbox.Gone404) // an unrelated removal
	for i := 0; i < 3; i++ {
		r.cycle()
	}
	removed := r.events("removed")
	if len(removed) != 2 {
		t.Fatalf("%d removals, want 2", len(removed))
	}
	for _, e := range removed {
		want := e.PostURL == r.plat.postURL(acc, typo)
		if e.LikelyCorrection != want {
			t.Errorf("removal of %s: likely_correction %v, want %v", e.PostURL, e.LikelyCorrection, want)
		}
	}
	if p := r.post(acc, typo); !p.LikelyCorrection {
		t.Error("post not flagged as a likely correction")
	}
}

func TestSimilarity(t *testing.T) {
	tests := []struct {
		a, b string
		min  float64
		max  float64
	}{
		{"same", "same", 1, 1},
		{"", "", 1, 1},
		{"abcdefghij", "abcdefghiX", 0.9, 0.9},
		{"ក្រសួង​ព័ត៌មាន", "ក្រសួង​ព័ត៌មាន", 1, 1},
		{"completely different", "nothing alike here", 0, 0.4},
	}
	for _, tt := range tests {
		if got := monitor.Similarity(tt.a, tt.b); got < tt.min || got > tt.max {
			t.Errorf("Similarity(%q, %q) = %v, want in [%v, %v]", tt.a, tt.b, got, tt.min, tt.max)
		}
	}
}
