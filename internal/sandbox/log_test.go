package sandbox_test

import (
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/internal/sandbox"
	"github.com/takedownwatch/takedownwatch/internal/sandbox/sandboxtest"
)

// stepClock is a sandbox clock that moves only when told to.
type stepClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *stepClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestSandbox_Log(t *testing.T) {
	clock := &stepClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	sb := sandboxtest.New(t, sandbox.Options{Hosts: 2, Clock: clock.Now})
	a := sb.AddAccount(0, "alice")
	twin := sb.AddAccount(1, "alice") // same name, other host
	const blockedBy = "https://lumendatabase.org/notices/123"

	// want is nil for steps that must log nothing. Host, Account, Seq and
	// At are filled in below.
	tests := []struct {
		name   string
		script func()
		want   *sandbox.Action
	}{
		{"publish", func() { a.Publish(sandbox.Post{HTML: "<p>one</p>"}) },
			&sandbox.Action{Post: "1", Kind: sandbox.Published, Text: "<p>one</p>"}},
		{"publish with id", func() { a.Publish(sandbox.Post{ID: "x", Title: "X", HTML: "<p>ex</p>"}) },
			&sandbox.Action{Post: "x", Kind: sandbox.Published, Text: "<p>ex</p>"}},
		{"edit", func() { a.Edit("1", "<p>uno</p>") },
			&sandbox.Action{Post: "1", Kind: sandbox.Edited, Text: "<p>uno</p>"}},
		{"delete 404", func() { a.Delete("1", sandbox.Gone404) },
			&sandbox.Action{Post: "1", Kind: sandbox.Deleted, Detail: "Gone404"}},
		{"restore deleted", func() { a.Restore("1") },
			&sandbox.Action{Post: "1", Kind: sandbox.Restored, Detail: "Deleted"}},
		{"delete 410", func() { a.Delete("1", sandbox.Gone410) },
			&sandbox.Action{Post: "1", Kind: sandbox.Deleted, Detail: "Gone410"}},
		{"delete soft", func() { a.Delete("1", sandbox.Soft404) },
			&sandbox.Action{Post: "1", Kind: sandbox.Deleted, Detail: "Soft404"}},
		{"delete redirect", func() { a.Delete("1", sandbox.RedirectHome) },
			&sandbox.Action{Post: "1", Kind: sandbox.Deleted, Detail: "RedirectHome"}},
		{"restore again", func() { a.Restore("1") },
			&sandbox.Action{Post: "1", Kind: sandbox.Restored, Detail: "Deleted"}},
		{"restore live", func() { a.Restore("1") },
			&sandbox.Action{Post: "1", Kind: sandbox.Restored, Detail: ""}},
		{"withhold", func() { a.Withhold("x", blockedBy) },
			&sandbox.Action{Post: "x", Kind: sandbox.Withheld, Detail: blockedBy}},
		{"restore withheld", func() { a.Restore("x") },
			&sandbox.Action{Post: "x", Kind: sandbox.Restored, Detail: "Withheld"}},
		{"withhold unattributed", func() { a.Withhold("x", "") },
			&sandbox.Action{Post: "x", Kind: sandbox.Withheld, Detail: ""}},
		{"restrict 403", func() { a.Restrict("1", sandbox.Forbidden403) },
			&sandbox.Action{Post: "1", Kind: sandbox.Restricted, Detail: "Forbidden403"}},
		{"restrict login", func() { a.Restrict("1", sandbox.LoginRedirect) },
			&sandbox.Action{Post: "1", Kind: sandbox.Restricted, Detail: "LoginRedirect"}},
		{"restore restricted", func() { a.Restore("1") },
			&sandbox.Action{Post: "1", Kind: sandbox.Restored, Detail: "Restricted"}},
		{"hide", func() { a.HideFromListing("1", true) },
			&sandbox.Action{Post: "1", Kind: sandbox.HiddenFromListing, Detail: "on"}},
		{"unhide", func() { a.HideFromListing("1", false) },
			&sandbox.Action{Post: "1", Kind: sandbox.HiddenFromListing, Detail: "off"}},
		{"suspend", a.Suspend, &sandbox.Action{Kind: sandbox.Suspended}},
		{"unsuspend", a.Unsuspend, &sandbox.Action{Kind: sandbox.Unsuspended}},
		{"limit", func() { a.SetListingLimit(5) }, &sandbox.Action{Kind: sandbox.ListingLimit, Detail: "5"}},
		{"no limit", func() { a.SetListingLimit(0) }, &sandbox.Action{Kind: sandbox.ListingLimit, Detail: "0"}},
		{"empty", func() { a.EmptyListing(true) }, &sandbox.Action{Kind: sandbox.EmptyListing, Detail: "on"}},
		{"not empty", func() { a.EmptyListing(false) }, &sandbox.Action{Kind: sandbox.EmptyListing, Detail: "off"}},
		{"media", func() { a.SetMedia("a.jpg", 10, "image/jpeg") }, &sandbox.Action{Kind: sandbox.MediaSet, Detail: "a.jpg"}},
		{"other host", func() { twin.Publish(sandbox.Post{HTML: "twin"}) },
			&sandbox.Action{Host: 1, Post: "1", Kind: sandbox.Published, Text: "twin"}},
		{"republish", func() { a.Publish(sandbox.Post{ID: "1", HTML: "<p>again</p>"}) },
			&sandbox.Action{Post: "1", Kind: sandbox.Published, Text: "<p>again</p>"}},

		// Failures and reads change nothing the log keeps.
		{"fail account", func() { a.FailNext(1, sandbox.Status(500)) }, nil},
		{"fail post", func() { a.FailPost("1", 1, sandbox.Status(503)) }, nil},
		{"fail host", func() { sb.FailHost(0, 1, sandbox.Status(502)) }, nil},
		{"clear failures", sb.ClearFailures, nil},
		{"reads", func() { a.Post("1"); a.Status("1"); sb.Log() }, nil},
		{"script bug", func() {
			defer func() { _ = recover() }()
			a.Edit("nope", "x")
		}, nil},
	}
	var want []sandbox.Action
	var names []string
	for _, tc := range tests {
		clock.Add(time.Minute)
		tc.script()
		if tc.want == nil {
			continue
		}
		w := *tc.want
		w.Seq, w.At, w.Account = len(want)+1, clock.Now(), "alice"
		want = append(want, w)
		names = append(names, tc.name)
	}
	got := sb.Log()
	for i := range max(len(got), len(want)) {
		switch {
		case i >= len(got):
			t.Errorf("action %d missing, want %+v", i, want[i])
		case i >= len(want):
			t.Errorf("action %d = %+v, want none", i, got[i])
		case got[i] != want[i]:
			t.Errorf("action %d (%s) = %+v\nwant %+v", i, names[i], got[i], want[i])
		}
	}

	// Log returns a copy.
	got[0].Kind = sandbox.Deleted
	if again := sb.Log(); again[0].Kind != sandbox.Published {
		t.Errorf("Log shares its slice: first kind now %v", again[0].Kind)
	}

	sb.ResetLog()
	if got := sb.Log(); len(got) != 0 {
		t.Errorf("after ResetLog: %+v", got)
	}
	a.Suspend()
	if got := sb.Log(); len(got) != 1 || got[0].Seq != len(want)+1 || got[0].Kind != sandbox.Suspended {
		t.Errorf("after ResetLog and Suspend: %+v; want one Suspended with Seq %d", got, len(want)+1)
	}
}

func TestActionKind_String(t *testing.T) {
	tests := []struct {
		kind sandbox.ActionKind
		want string
	}{
		{sandbox.Published, "Published"},
		{sandbox.HiddenFromListing, "HiddenFromListing"},
		{sandbox.MediaSet, "MediaSet"},
		{0, "ActionKind(0)"},
		{99, "ActionKind(99)"},
	}
	for _, tc := range tests {
		if got := tc.kind.String(); got != tc.want {
			t.Errorf("ActionKind(%d).String() = %q, want %q", int(tc.kind), got, tc.want)
		}
	}
}

// TestSandbox_Log_Concurrent checks that the log of each account is in the
// order its changes took effect, even when accounts are scripted at once.
func TestSandbox_Log_Concurrent(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	const accounts, steps = 4, 50
	var wg sync.WaitGroup
	for i := range accounts {
		a := sb.AddAccount(0, string(rune('a'+i)))
		wg.Go(func() {
			id := a.Publish(sandbox.Post{HTML: "0"})
			for j := 1; j < steps; j++ {
				a.Edit(id, string(rune('0'+j%10)))
			}
		})
	}
	wg.Wait()
	got := sb.Log()
	if len(got) != accounts*steps {
		t.Fatalf("%d actions, want %d", len(got), accounts*steps)
	}
	seen := map[string]int{}
	for i, act := range got {
		if act.Seq != i+1 {
			t.Errorf("action %d has Seq %d", i, act.Seq)
		}
		j := seen[act.Account]
		if want := string(rune('0' + j%10)); act.Text != want {
			t.Errorf("account %s action %d text %q, want %q", act.Account, j, act.Text, want)
		}
		seen[act.Account]++
	}
	if !slices.Equal(slices.Sorted(maps.Values(seen)), []int{steps, steps, steps, steps}) {
		t.Errorf("actions per account = %v", seen)
	}
}
