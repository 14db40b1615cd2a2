package sandbox

import (
	"slices"
	"strconv"
	"sync"
	"time"
)

// ActionKind is what a script did, as the action log records it.
type ActionKind int

// Action kinds, one per script method that changes what the platform shows.
const (
	Published         ActionKind = iota + 1 // Publish; Text is the HTML
	Edited                                  // Edit; Text is the new HTML
	Deleted                                 // Delete; Detail is the DeleteMode, e.g. "Gone410"
	Withheld                                // Withhold; Detail is the blocked-by URL ("" if none)
	Restricted                              // Restrict; Detail is the RestrictMode, e.g. "LoginRedirect"
	Restored                                // Restore; Detail is the kind undone ("Deleted", …) or "" if the post was live
	Suspended                               // Suspend, account-level
	Unsuspended                             // Unsuspend, account-level
	ListingLimit                            // SetListingLimit, account-level; Detail is n
	EmptyListing                            // EmptyListing, account-level; Detail is "on" or "off"
	HiddenFromListing                       // HideFromListing; Detail is "on" or "off"
	MediaSet                                // SetMedia, account-level; Detail is the file name
	MetricSet                               // SetMetric, account-level; Detail is "name=value"
)

var actionKindNames = [...]string{
	Published:         "Published",
	Edited:            "Edited",
	Deleted:           "Deleted",
	Withheld:          "Withheld",
	Restricted:        "Restricted",
	Restored:          "Restored",
	Suspended:         "Suspended",
	Unsuspended:       "Unsuspended",
	ListingLimit:      "ListingLimit",
	EmptyListing:      "EmptyListing",
	HiddenFromListing: "HiddenFromListing",
	MediaSet:          "MediaSet",
	MetricSet:         "MetricSet",
}

func (k ActionKind) String() string {
	if k > 0 && int(k) < len(actionKindNames) {
		return actionKindNames[k]
	}
	return "ActionKind(" + strconv.Itoa(int(k)) + ")"
}

// Action is one entry of the action log: what a script did, raw, so a
// test can derive its own ground truth. Failures (FailHost, FailNext,
// FailPost) are not actions: they change no state, only single answers.
type Action struct {
	// Seq numbers actions from 1 in the order they took effect, across
	// every host and account; ResetLog does not restart it.
	Seq int
	// At is the sandbox clock (Options.Clock) when the action took effect.
	At time.Time
	// Host is the index of the account's host: account names are unique
	// per host only.
	Host    int
	Account string
	Post    string // "" for account-level actions
	Kind    ActionKind
	Detail  string
	Text    string // the post's HTML, for Published and Edited
}

// actionLog is every Action since New or the last ResetLog.
type actionLog struct {
	mu      sync.Mutex
	seq     int
	actions []Action
}

func (l *actionLog) add(act Action) {
	l.mu.Lock()
	l.seq++
	act.Seq = l.seq
	l.actions = append(l.actions, act)
	l.mu.Unlock()
}

// Log returns a copy of the action log, in order. Actions of one account
// appear in the order they took effect on it, and so do actions of
// different accounts scripted from one goroutine.
func (sb *Sandbox) Log() []Action {
	sb.actions.mu.Lock()
	defer sb.actions.mu.Unlock()
	return slices.Clone(sb.actions.actions)
}

// ResetLog forgets every logged action, e.g. those of a test's setup.
// Seq goes on counting, so an Action is never confused with a forgotten one.
func (sb *Sandbox) ResetLog() {
	sb.actions.mu.Lock()
	sb.actions.actions = nil
	sb.actions.mu.Unlock()
}

// onOff is how the log spells a switch.
func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}
