package monitor_test

import (
	"strings"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/sandbox"
	"github.com/takedownwatch/takedownwatch/monitor/mastodon"
)

// Mastodon's API shows every kind of deletion alike (404 "Record not
// found"), withholding as an instance proxy's 451, and restriction as 401
// or 403.
func init() {
	register(&platform{
		name:      "mastodon",
		collector: mastodon.New(),
		checker:   mastodon.Checker{},
		source: func(acc *sandbox.Account) config.Source {
			return config.Source{Platform: "mastodon", URL: acc.MastodonURL()}
		},
		postURL:     func(acc *sandbox.Account, id string) string { return acc.MastodonStatusURL(id) },
		withheld:    "withheld_legal",
		restricts:   true,
		deleteModes: []sandbox.DeleteMode{sandbox.Gone404, sandbox.Gone410, sandbox.Soft404, sandbox.RedirectHome},
	})
}

// TestPipeline_Mastodon follows one Mastodon account through the pipeline:
// its metrics become the source's time series, its id is kept so later
// collections skip the lookup, and a suspension is the account gone.
func TestPipeline_Mastodon(t *testing.T) {
	r := newDetRig(t, 1, nil)
	r.plat = platforms["mastodon"]
	acc := r.account(0, "gov", "gov")
	acc.SetMetric("followers", 1036)
	acc.SetMetric("following", 138)
	acc.SetMetric("posts", 280)
	ids := publish(acc, 3, r.clock.Now().Add(-time.Hour))
	lookup := strings.TrimSuffix(acc.MastodonURL(), "/@gov") + "/api/v1/accounts/lookup"
	r.start()
	for range 3 {
		r.cycle()
	}
	if n := r.sb.Requests(lookup); n != 1 {
		t.Errorf("%d lookups in 3 cycles, want 1: the account id is kept", n)
	}
	src, err := r.arc.Store.Source(t.Context(), "gov")
	if err != nil || src.Cursor != acc.MastodonID() {
		t.Errorf("source cursor %q (%v), want %s", src.Cursor, err, acc.MastodonID())
	}
	got := map[string][]float64{}
	if err := r.arc.Store.EachMetric(t.Context(), store.Filter{}, func(m *store.MetricRow) error {
		if m.Platform != "mastodon" || m.Source != "gov" {
			t.Errorf("metric row %+v", m)
		}
		got[m.Name] = append(got[m.Name], m.Value)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string]float64{"followers": 1036, "following": 138, "posts": 280} {
		if len(got[name]) != 3 || got[name][2] != v {
			t.Errorf("metric %s: %v, want 3 values of %v", name, got[name], v)
		}
	}
	if p := r.post(acc, ids[0]); p.PlatformID != acc.MastodonStatusID(ids[0]) || p.State != store.StateLive {
		t.Errorf("post %+v", p)
	}

	acc.Suspend()
	for range 3 {
		r.cycle()
	}
	gone := r.events("account_gone")
	if len(gone) != 1 || gone[0].Detail != "suspended" || len(gone[0].Evidence) == 0 {
		t.Fatalf("account_gone events %+v, want one, detail suspended, with evidence", gone)
	}
	for _, id := range ids {
		if p := r.post(acc, id); p.State != store.StateRemoved || p.Reason != "account_gone" {
			t.Errorf("post %s: %s/%s, want removed/account_gone", id, p.State, p.Reason)
		}
	}
	acc.Unsuspend()
	for range 2 {
		r.cycle()
	}
	if n := len(r.events("restored")); n != len(ids) {
		t.Errorf("%d restored, want %d", n, len(ids))
	}
}
