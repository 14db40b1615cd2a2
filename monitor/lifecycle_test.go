package monitor

import (
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/archive/store"
)

var t0 = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

func testLife() Lifecycle {
	return Lifecycle{ConfirmChecks: 2, ConfirmInterval: 15 * time.Minute, Recheck: []time.Duration{time.Hour, 6 * time.Hour}}
}

// step is one input to the lifecycle: a listing sighting, a listing miss,
// or a check answer, at minutes after t0.
type step struct {
	at     int // minutes after t0
	seen   bool
	miss   bool
	answer Class
}

func TestLifecycle_Transitions(t *testing.T) {
	tests := []struct {
		name       string
		steps      []step
		wantState  string
		wantReason string
		wantEvents []string
	}{
		{"missing alone is only suspect", []step{{at: 10, miss: true}}, store.StateSuspect, "", nil},
		{"missing then live answer", []step{{at: 10, miss: true}, {at: 11, answer: ClassLive}}, store.StateLive, "", nil},
		{"one 404 is not a removal", []step{{at: 10, answer: ClassDeleted}}, store.StateSuspect, "", nil},
		{"two 404s too close", []step{{at: 10, answer: ClassDeleted}, {at: 20, answer: ClassDeleted}}, store.StateSuspect, "", nil},
		{"two 404s far enough apart", []step{{at: 10, answer: ClassDeleted}, {at: 25, answer: ClassDeleted}},
			store.StateRemoved, "deleted", []string{"removed"}},
		{"too close, then far enough", []step{{at: 10, answer: ClassDeleted}, {at: 20, answer: ClassDeleted}, {at: 26, answer: ClassDeleted}},
			store.StateRemoved, "deleted", []string{"removed"}},
		{"a live answer between resets", []step{{at: 10, answer: ClassDeleted}, {at: 20, answer: ClassLive}, {at: 40, answer: ClassDeleted}},
			store.StateSuspect, "", nil},
		{"transients neither confirm nor reset", []step{{at: 10, answer: ClassDeleted}, {at: 30, answer: ClassTransient},
			{at: 45, answer: ClassTransient}, {at: 60, answer: ClassDeleted}}, store.StateRemoved, "deleted", []string{"removed"}},
		{"only transients", []step{{at: 10, miss: true}, {at: 30, answer: ClassTransient}, {at: 60, answer: ClassTransient}, {at: 90, answer: ClassTransient}},
			store.StateSuspect, "", nil},
		{"the latest removal class is the reason", []step{{at: 10, answer: ClassDeleted}, {at: 30, answer: ClassWithheld}},
			store.StateRemoved, "withheld_legal", []string{"removed"}},
		{"restricted is not a removal", []step{{at: 10, answer: ClassRestricted}, {at: 30, answer: ClassRestricted}},
			store.StateRestricted, "", []string{"restricted"}},
		{"restricted then deleted starts over", []step{{at: 10, answer: ClassRestricted}, {at: 30, answer: ClassDeleted}},
			store.StateSuspect, "", nil},
		{"removed, then live again", []step{{at: 10, answer: ClassDeleted}, {at: 30, answer: ClassDeleted}, {at: 90, answer: ClassLive}},
			store.StateLive, "", []string{"removed", "restored"}},
		{"removed, then seen in a listing", []step{{at: 10, answer: ClassWithheld}, {at: 30, answer: ClassWithheld}, {at: 40, seen: true}},
			store.StateLive, "", []string{"removed", "restored"}},
		{"restricted, then live", []step{{at: 10, answer: ClassRestricted}, {at: 30, answer: ClassRestricted}, {at: 50, answer: ClassLive}},
			store.StateLive, "", []string{"restricted", "restored"}},
		{"removed stays removed on more 404s", []step{{at: 10, answer: ClassDeleted}, {at: 30, answer: ClassDeleted}, {at: 200, answer: ClassDeleted}},
			store.StateRemoved, "deleted", []string{"removed"}},
		{"suspect seen again is live without event", []step{{at: 10, miss: true}, {at: 11, answer: ClassDeleted}, {at: 20, seen: true}},
			store.StateLive, "", nil},
		{"hidden by its owner is not a removal", []step{{at: 10, answer: ClassHidden}}, store.StateHidden, "", nil},
		{"hidden, then shown again", []step{{at: 10, answer: ClassHidden}, {at: 80, answer: ClassLive}}, store.StateLive, "", nil},
		{"hidden, then deleted", []step{{at: 10, answer: ClassHidden}, {at: 80, answer: ClassDeleted}, {at: 100, answer: ClassDeleted}},
			store.StateRemoved, "deleted", []string{"removed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := testLife()
			p := &store.Post{}
			l.FirstSeen(p, t0)
			var events []string
			for _, s := range tt.steps {
				now := t0.Add(time.Duration(s.at) * time.Minute)
				var tr Transition
				switch {
				case s.seen:
					tr = l.Seen(p, now, nil)
				case s.miss:
					l.Missing(p, now)
				default:
					tr = l.Apply(p, Answer{Class: s.answer, Evidence: []int64{int64(s.at)}}, now)
				}
				if tr.Event != "" {
					events = append(events, tr.Event)
				}
			}
			if p.State != tt.wantState || p.Reason != tt.wantReason {
				t.Errorf("state %s/%s, want %s/%s", p.State, p.Reason, tt.wantState, tt.wantReason)
			}
			if len(events) != len(tt.wantEvents) {
				t.Fatalf("events %v, want %v", events, tt.wantEvents)
			}
			for i := range events {
				if events[i] != tt.wantEvents[i] {
					t.Errorf("events %v, want %v", events, tt.wantEvents)
				}
			}
		})
	}
}

func TestLifecycle_RemovalCarriesBracketAndEvidence(t *testing.T) {
	l := testLife()
	p := &store.Post{}
	l.FirstSeen(p, t0)
	l.Seen(p, t0.Add(5*time.Minute), nil)
	l.Missing(p, t0.Add(10*time.Minute))
	l.Apply(p, Answer{Class: ClassDeleted, Detail: "404", Evidence: []int64{7}}, t0.Add(10*time.Minute))
	l.Apply(p, Answer{Class: ClassTransient, Evidence: []int64{8}}, t0.Add(20*time.Minute))
	tr := l.Apply(p, Answer{Class: ClassDeleted, Detail: "410", Evidence: []int64{9}}, t0.Add(30*time.Minute))
	if tr.Event != store.EventRemoved || tr.Reason != "deleted" || tr.Detail != "410" {
		t.Fatalf("transition %+v", tr)
	}
	if !tr.LastSeenLive.Equal(t0.Add(5*time.Minute)) || !tr.FirstSeenMissing.Equal(t0.Add(10*time.Minute)) {
		t.Errorf("bracket %s … %s", tr.LastSeenLive, tr.FirstSeenMissing)
	}
	if len(tr.Evidence) != 2 || tr.Evidence[0] != 7 || tr.Evidence[1] != 9 {
		t.Errorf("evidence %v, want the two removal-class answers [7 9]", tr.Evidence)
	}
	if !p.NextCheckAt.After(t0.Add(30 * time.Minute)) {
		t.Error("a removed post left the re-check schedule")
	}
}

// A post confirmed behind a login wall may or may not still be there: its
// removal's bracket ends at the first removal-class answer since. Without a
// confirmed restriction, the bracket ends where the post was first seen
// missing (from its listing, or by a first answer of any kind).
func TestLifecycle_RemovalAfterRestrictionBracket(t *testing.T) {
	tests := []struct {
		name        string
		steps       []step
		wantMissing int // minutes after t0: the removal's first_seen_missing
	}{
		{"restricted, confirmed, then deleted", []step{{at: 10, answer: ClassRestricted}, {at: 30, answer: ClassRestricted},
			{at: 500, answer: ClassDeleted}, {at: 520, answer: ClassDeleted}}, 500},
		{"one restricted answer, then deleted", []step{{at: 10, answer: ClassRestricted}, {at: 30, answer: ClassDeleted}, {at: 50, answer: ClassDeleted}}, 10},
		{"missing from the listing, then deleted", []step{{at: 10, miss: true}, {at: 30, answer: ClassDeleted}, {at: 50, answer: ClassDeleted}}, 10},
		{"deleted, a restricted answer, deleted again", []step{{at: 10, answer: ClassDeleted}, {at: 30, answer: ClassRestricted},
			{at: 50, answer: ClassDeleted}, {at: 70, answer: ClassDeleted}}, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := testLife()
			p := &store.Post{}
			l.FirstSeen(p, t0)
			var removal Transition
			for _, s := range tt.steps {
				now := t0.Add(time.Duration(s.at) * time.Minute)
				if s.miss {
					l.Missing(p, now)
					continue
				}
				if tr := l.Apply(p, Answer{Class: s.answer}, now); tr.Event == store.EventRemoved {
					removal = tr
				}
			}
			if removal.Event == "" {
				t.Fatalf("no removal; state %s", p.State)
			}
			if want := t0.Add(time.Duration(tt.wantMissing) * time.Minute); !removal.FirstSeenMissing.Equal(want) || !removal.LastSeenLive.Equal(t0) {
				t.Errorf("bracket %s … %s, want %s … %s", removal.LastSeenLive, removal.FirstSeenMissing, t0, want)
			}
		})
	}
}

func TestLifecycle_Schedule(t *testing.T) {
	l := testLife()
	p := &store.Post{}
	l.FirstSeen(p, t0)
	want := []time.Duration{time.Hour, 6 * time.Hour, 6 * time.Hour, 6 * time.Hour}
	now := t0
	for i, w := range want {
		if got := p.NextCheckAt.Sub(now); got != w {
			t.Fatalf("check %d due after %s, want %s", i, got, w)
		}
		now = p.NextCheckAt
		l.Apply(p, Answer{Class: ClassLive}, now)
	}
	// Being listed does not push a due check away, nor pull a future one in.
	next := p.NextCheckAt
	l.Seen(p, next.Add(-time.Minute), nil)
	if !p.NextCheckAt.Equal(next) {
		t.Errorf("a listing moved the next check from %s to %s", next, p.NextCheckAt)
	}
	// Transients back off from the confirm interval, capped by the first step.
	var gaps []time.Duration
	for i := 0; i < 4; i++ {
		l.Apply(p, Answer{Class: ClassTransient}, now)
		gaps = append(gaps, p.NextCheckAt.Sub(now))
	}
	wantGaps := []time.Duration{15 * time.Minute, 30 * time.Minute, time.Hour, time.Hour}
	for i := range wantGaps {
		if gaps[i] != wantGaps[i] {
			t.Errorf("backoff %v, want %v", gaps, wantGaps)
			break
		}
	}
}
