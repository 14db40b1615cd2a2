package monitor

import (
	"time"

	"github.com/takedownwatch/takedownwatch/archive/store"
)

// Class is what an answer about a post (or an account) says.
type Class string

// Answer classes. Removal classes are the reasons of `removed`.
const (
	ClassLive        Class = "live"
	ClassDeleted     Class = "deleted"
	ClassWithheld    Class = "withheld_legal"
	ClassAccountGone Class = "account_gone"
	ClassUnknown     Class = "unknown"
	ClassRestricted  Class = "restricted"
	ClassTransient   Class = "transient"
	// ClassHidden is the platform saying the owner hid the post (Graph
	// is_hidden): not a removal, and explicit, so it needs no confirming.
	ClassHidden Class = "hidden"
)

// Removal reports whether c is a removal-class answer.
func (c Class) Removal() bool {
	switch c {
	case ClassDeleted, ClassWithheld, ClassAccountGone, ClassUnknown:
		return true
	}
	return false
}

// family groups answers that confirm each other: any removal class counts
// toward a removal (the reason is the latest), restricted only toward
// restricted.
func (c Class) family() string {
	switch {
	case c.Removal():
		return store.StateRemoved
	case c == ClassRestricted:
		return store.StateRestricted
	}
	return ""
}

// Answer is a classified answer to one check.
type Answer struct {
	Class Class
	// Detail is the platform's own words or status ("451", "takendown").
	Detail   string
	Evidence []int64
}

// Lifecycle is the post state machine:
//
//	(none) ─seen─▶ live ─missing from a covering listing, or a
//	removal-class/restricted answer─▶ suspect ─confirmed─▶ removed | restricted
//	suspect ─live answer or seen again─▶ live
//	removed | restricted ─live answer or seen again─▶ live (restored)
//
// A removal (or restriction) is confirmed by ConfirmChecks answers of its
// family at least ConfirmInterval apart with no live answer between;
// transient answers neither confirm nor reset.
type Lifecycle struct {
	ConfirmChecks   int
	ConfirmInterval time.Duration
	// Recheck is the decaying schedule of checks after first sight; after
	// the last step the last interval repeats.
	Recheck []time.Duration
	// RecheckReported is the faster schedule of a post named by a takedown
	// report, counted from the report.
	RecheckReported []time.Duration
}

// Transition is what a step of the lifecycle tells, if anything.
type Transition struct {
	// Event is "", removed, restricted or restored.
	Event            string
	Reason, Detail   string
	LastSeenLive     time.Time
	FirstSeenMissing time.Time
	Evidence         []int64
}

func (l Lifecycle) recheck(step int) time.Duration {
	if len(l.Recheck) == 0 {
		return time.Hour
	}
	return l.Recheck[min(step, len(l.Recheck)-1)]
}

// schedule moves the post to its next step of the re-check schedule: the
// reported one for a post a takedown report names.
func (l Lifecycle) schedule(p *store.Post, now time.Time) {
	steps := l.Recheck
	if !p.ReportedAt.IsZero() && len(l.RecheckReported) > 0 {
		steps = l.RecheckReported
	}
	d := time.Hour
	if len(steps) > 0 {
		d = steps[min(p.CheckStep, len(steps)-1)]
	}
	p.NextCheckAt = now.Add(d)
	p.CheckStep++
}

// Reported puts a post a takedown report names on the faster schedule,
// counted from the report (a later report of the same post does not slow
// it down). A post already removed (but account_gone) keeps its schedule
// for restorations.
func (l Lifecycle) Reported(p *store.Post, filed, now time.Time) {
	if p.ReportedAt.IsZero() || filed.Before(p.ReportedAt) {
		p.ReportedAt = filed
	}
	if p.State == store.StateRemoved && p.Reason == string(ClassAccountGone) {
		return
	}
	first := time.Hour
	if len(l.RecheckReported) > 0 {
		first = l.RecheckReported[0]
	}
	if next := now.Add(first); p.NextCheckAt.IsZero() || next.Before(p.NextCheckAt) {
		p.NextCheckAt = next
	}
	p.CheckStep = 1
}

// FirstSeen prepares a new post's schedule.
func (l Lifecycle) FirstSeen(p *store.Post, now time.Time) {
	p.State, p.LastSeenLive, p.CheckStep = store.StateLive, now, 0
	l.schedule(p, now)
}

// Seen is a listing showing the post: it is live. A removed or restricted
// post seen again is restored.
func (l Lifecycle) Seen(p *store.Post, now time.Time, evidence []int64) Transition {
	return l.live(p, now, evidence)
}

// Missing is a listing that covers the post's publication time but does
// not show it: the post becomes suspect and due for a check now. Missing
// is never evidence by itself.
func (l Lifecycle) Missing(p *store.Post, now time.Time) {
	if p.State != store.StateLive {
		return
	}
	p.State = store.StateSuspect
	if p.FirstSeenMissing.IsZero() {
		p.FirstSeenMissing = now
	}
	p.NextCheckAt = now
}

// Apply records one check answer.
func (l Lifecycle) Apply(p *store.Post, a Answer, now time.Time) Transition {
	switch {
	case a.Class == ClassTransient:
		p.Transients++
		p.NextCheckAt = now.Add(l.backoff(p.Transients))
		return Transition{}
	case a.Class == ClassLive:
		return l.live(p, now, a.Evidence)
	case a.Class == ClassHidden:
		p.State, p.Reason, p.Detail = store.StateHidden, "", a.Detail
		p.Pending, p.Transients, p.FirstSeenMissing = store.Pending{}, 0, time.Time{}
		l.schedule(p, now)
		return Transition{}
	case a.Class.family() != "":
		return l.against(p, a, now)
	}
	return Transition{}
}

// backoff spaces transient retries: the confirm interval, doubling, capped
// by the first re-check step.
func (l Lifecycle) backoff(n int) time.Duration {
	d := l.ConfirmInterval
	for i := 1; i < n && d < l.recheck(0); i++ {
		d *= 2
	}
	return min(d, l.recheck(0))
}

func (l Lifecycle) live(p *store.Post, now time.Time, evidence []int64) Transition {
	was := p.State
	var tr Transition
	if was == store.StateRemoved || was == store.StateRestricted {
		tr = Transition{Event: store.EventRestored, Detail: p.Reason, LastSeenLive: p.LastSeenLive,
			FirstSeenMissing: p.FirstSeenMissing, Evidence: evidence}
	}
	p.State, p.Reason, p.Detail = store.StateLive, "", ""
	p.LastSeenLive, p.FirstSeenMissing = now, time.Time{}
	p.Pending, p.Transients, p.RemovalEvent = store.Pending{}, 0, 0
	if was != store.StateLive || p.NextCheckAt.IsZero() || !p.NextCheckAt.After(now) {
		l.schedule(p, now)
	}
	return tr
}

// against records a removal-class or restricted answer.
func (l Lifecycle) against(p *store.Post, a Answer, now time.Time) Transition {
	p.Transients = 0
	fam := a.Class.family()
	if p.State == fam {
		// Already confirmed: it stays so; the schedule looks for a return.
		l.schedule(p, now)
		return Transition{}
	}
	if p.FirstSeenMissing.IsZero() || fam == store.StateRemoved && restrictedSince(p) {
		// A post confirmed restricted could not be told deleted or not:
		// the end of its removal's bracket is the first answer that says
		// removed, not the login wall before it (that made removals look
		// faster, and reports filed in between look later than the
		// removal). A restriction only being confirmed keeps the time the
		// post was first seen missing.
		p.FirstSeenMissing = now
	}
	if p.State == store.StateLive {
		p.State = store.StateSuspect
	}
	pend := &p.Pending
	if !l.confirm(pend, a, now) {
		p.NextCheckAt = pend.At.Add(l.ConfirmInterval)
		return Transition{}
	}
	tr := Transition{Event: fam, Detail: pend.Detail, LastSeenLive: p.LastSeenLive,
		FirstSeenMissing: p.FirstSeenMissing, Evidence: pend.Evidence}
	if fam == store.StateRemoved {
		tr.Event, tr.Reason = store.EventRemoved, pend.Class
	}
	p.State, p.Reason, p.Detail = fam, tr.Reason, pend.Detail
	p.Pending = store.Pending{}
	if tr.Reason == string(ClassAccountGone) {
		p.NextCheckAt = time.Time{} // the account's return re-schedules it
	} else {
		l.schedule(p, now)
	}
	return tr
}

// restrictedSince reports whether p is confirmed restricted and no removal
// is being confirmed yet: the first removal-class answer since.
func restrictedSince(p *store.Post) bool {
	return p.State == store.StateRestricted && Class(p.Pending.Class).family() != store.StateRemoved
}

// confirm counts one removal-class or restricted answer toward its
// family's confirmation and reports whether it is now confirmed. An
// answer of another family starts over; one sooner than the interval after
// the last counted answer adds its evidence but does not count.
func (l Lifecycle) confirm(pend *store.Pending, a Answer, now time.Time) bool {
	switch {
	case Class(pend.Class).family() != a.Class.family():
		*pend = store.Pending{Class: string(a.Class), Count: 1, At: now, Detail: a.Detail, Evidence: append([]int64(nil), a.Evidence...)}
	case now.Sub(pend.At) >= l.ConfirmInterval:
		pend.Class, pend.Detail, pend.At = string(a.Class), a.Detail, now
		pend.Count++
		pend.Evidence = append(pend.Evidence, a.Evidence...)
	default:
		pend.Evidence = append(pend.Evidence, a.Evidence...)
	}
	return pend.Count >= max(1, l.ConfirmChecks)
}
