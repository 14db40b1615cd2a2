package monitor_test

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/sandbox"
)

// TestDetector_RandomScenarios plays a seeded random story on the sandbox
// — accounts that keep publishing, deletions of every kind (recent and
// older than the listing window), withholdings, restrictions, a
// suspension, edits and whitespace-only changes, restorations, transient
// permalink failures lasting several rounds, listing glitches and posts
// dropping out of listings — and compares what the detector concluded
// with the truth taken from the sandbox's own action log.
// scenarioSeeds runs more seeds for a deeper soak:
// go test -run RandomScenarios ./monitor/ -scenario.seeds 50
var scenarioSeeds = flag.Int("scenario.seeds", 5, "seeds per platform in TestDetector_RandomScenarios")

func TestDetector_RandomScenarios(t *testing.T) {
	var seeds []uint64
	for i := 1; i <= *scenarioSeeds; i++ {
		seeds = append(seeds, uint64(i))
	}
	switch {
	case raceDetector:
		seeds = seeds[:1]
	case testing.Short():
		seeds = seeds[:min(2, len(seeds))]
	}
	// A scenario mostly waits for the disk (the archive syncs every
	// capture and commit), so more of them run at once than -parallel
	// (GOMAXPROCS) would let: t.Run may be called from several goroutines.
	sem := make(chan struct{}, 4*runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for _, name := range platformNames() {
		for _, seed := range seeds {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				t.Run(fmt.Sprintf("%s seed %d", name, seed), func(t *testing.T) {
					runScenario(t, platforms[name], seed)
				})
			}()
		}
	}
	wg.Wait()
}

const (
	scenarioAccounts = 6
	actionRounds     = 14
	settleRounds     = 10
	listingLimit     = 10
)

// scenario drives the story. It may look at the sandbox (which post is
// live, which is in its listing) but never at the detector.
type scenario struct {
	t        *testing.T
	rng      *rand.Rand
	r        *detRig
	accounts []*sandbox.Account
	doomed   int // index of the account that will be suspended
	live     map[*sandbox.Account][]string
	removed  map[string]int // "account/post" → round of removal
	hidden   map[*sandbox.Account]string
	glitched map[*sandbox.Account]bool
	// edited and failing keep the driver from undoing its own story: an
	// edit is deleted only after a listing could see it, and only posts
	// without queued failures are restored on a schedule it can rely on.
	edited  map[string]int
	failing map[string]bool
	// born is the round a post was published in: a post no listing has
	// seen yet is not deleted or edited, since nothing could know of it.
	born map[string]int
	// restored posts are left alone for a while, so the restoration can
	// be seen before anything else happens to them.
	restored map[string]int
	glitch   map[*sandbox.Account]int
	round    int
	words    int
}

func key(acc *sandbox.Account, id string) string { return acc.Name() + "/" + id }

func runScenario(t *testing.T, plat *platform, seed uint64) {
	r := newDetRig(t, 2, func(c *config.Config) {
		c.Fetch.Timeout = config.Duration(time.Second) // short for Slow failures, long enough for a loaded machine
		c.Detector.Recheck = []config.Duration{config.Duration(30 * time.Minute), config.Duration(time.Hour)}
		c.Detector.CorrectionWindow = 0
	})
	r.plat = plat
	s := &scenario{t: t, rng: rand.New(rand.NewPCG(seed, seed*7919)), r: r,
		live: map[*sandbox.Account][]string{}, removed: map[string]int{},
		hidden: map[*sandbox.Account]string{}, glitched: map[*sandbox.Account]bool{},
		edited: map[string]int{}, failing: map[string]bool{}, born: map[string]int{},
		restored: map[string]int{}, glitch: map[*sandbox.Account]int{}}
	for i := 0; i < scenarioAccounts; i++ {
		aff := []string{"gov", "opp"}[i%2]
		acc := r.account(i%2, fmt.Sprintf("acc%d", i), aff)
		acc.SetListingLimit(listingLimit)
		s.accounts = append(s.accounts, acc)
		for j := 0; j < 8; j++ {
			s.publish(acc, r.clock.Now().Add(-time.Duration(8-j)*10*time.Minute))
		}
	}
	s.doomed = s.rng.IntN(scenarioAccounts)
	r.start()
	r.cycle()
	for round := 1; round <= actionRounds; round++ {
		s.act(round)
		r.cycle()
	}
	// The story ends: failures, glitches and hidden posts pass.
	for _, acc := range s.accounts {
		acc.ClearFailures()
		if s.glitched[acc] {
			acc.EmptyListing(false)
			acc.SetListingLimit(listingLimit)
		}
		if id := s.hidden[acc]; id != "" {
			acc.HideFromListing(id, false)
		}
	}
	for i := 0; i < settleRounds; i++ {
		r.cycle()
	}
	s.judge()
}

func (s *scenario) publish(acc *sandbox.Account, at time.Time) {
	s.words++
	id := acc.Publish(sandbox.Post{Title: fmt.Sprintf("post %d", s.words),
		HTML: fmt.Sprintf("<p>%s says thing number %d about %s.</p>", acc.Name(), s.words, strings.Repeat("policy ", 1+s.words%5)), Published: at})
	s.live[acc] = append(s.live[acc], id)
	s.born[key(acc, id)] = s.round
}

// settled reports whether a post can be acted on: a listing has had the
// chance to see it (published at least two rounds ago, and glitches never
// last two rounds running), no edit of it awaits a listing, and no
// restoration of it awaits the detector.
func (s *scenario) settled(acc *sandbox.Account, id string) bool {
	k := key(acc, id)
	if id == s.hidden[acc] || s.round-s.born[k] < 2 {
		return false
	}
	if at, ok := s.edited[k]; ok && s.round-at < 3 {
		return false
	}
	if at, ok := s.restored[k]; ok && s.round-at < 6 {
		return false
	}
	return true
}

// candidates are the settled live posts of acc; recent keeps those among
// the newest six, which stay in the listing window for a few rounds.
func (s *scenario) candidates(acc *sandbox.Account, recent bool) []int {
	ids := s.live[acc]
	from := 0
	if recent {
		from = max(0, len(ids)-6)
	}
	var out []int
	for i := from; i < len(ids); i++ {
		if s.settled(acc, ids[i]) {
			out = append(out, i)
		}
	}
	return out
}

// pick takes a random settled live post of acc off the live list.
func (s *scenario) pick(acc *sandbox.Account, recent bool) (string, bool) {
	c := s.candidates(acc, recent)
	if len(c) == 0 {
		return "", false
	}
	i := c[s.rng.IntN(len(c))]
	ids := s.live[acc]
	id := ids[i]
	s.live[acc] = append(ids[:i:i], ids[i+1:]...)
	return id, true
}

// peek takes a random settled live post of acc, leaving it live.
func (s *scenario) peek(acc *sandbox.Account, recent bool) (string, bool) {
	c := s.candidates(acc, recent)
	if len(c) == 0 {
		return "", false
	}
	return s.live[acc][c[s.rng.IntN(len(c))]], true
}

func (s *scenario) act(round int) {
	s.round = round
	now := s.r.clock.Now()
	for i, acc := range s.accounts {
		doomed := i == s.doomed
		if doomed && round == 9 {
			acc.Suspend()
			continue
		}
		if doomed && round > 9 {
			continue
		}
		// Undo last round's listing glitches and hidden posts.
		if s.glitched[acc] {
			acc.EmptyListing(false)
			acc.SetListingLimit(listingLimit)
			s.glitched[acc] = false
		}
		if id := s.hidden[acc]; id != "" {
			acc.HideFromListing(id, false)
			s.hidden[acc] = ""
		}
		// Accounts keep publishing, so older posts leave the listing window.
		for n := 1 + s.rng.IntN(2); n > 0; n-- {
			s.publish(acc, now.Add(-time.Duration(n)*time.Minute))
		}
		// The account to be suspended is left alone in the rounds before,
		// so that every loss it has is the account's.
		quiet := doomed && round >= 2
		switch x := s.rng.IntN(10); {
		case quiet:
		case x < 2:
			if id, ok := s.pick(acc, s.rng.IntN(2) == 0); ok {
				modes := s.r.plat.deleteModes
				mode := modes[s.rng.IntN(len(modes))]
				acc.Delete(id, mode)
				s.removed[key(acc, id)] = round
			}
		case x < 3:
			if id, ok := s.pick(acc, false); ok {
				acc.Withhold(id, "https://authority.example/orders/"+id)
				s.removed[key(acc, id)] = round
			}
		case x < 4 && s.r.plat.restricts:
			if id, ok := s.pick(acc, false); ok {
				acc.Restrict(id, []sandbox.RestrictMode{sandbox.Forbidden403, sandbox.LoginRedirect}[s.rng.IntN(2)])
				s.removed[key(acc, id)] = round
			}
		case x < 6:
			if id, ok := s.peek(acc, true); ok {
				s.words++
				acc.Edit(id, fmt.Sprintf("<p>%s corrected statement number %d.</p>", acc.Name(), s.words))
				s.edited[key(acc, id)] = round
			}
		case x < 7:
			if id, ok := s.peek(acc, true); ok {
				p, _ := acc.Post(id)
				acc.Edit(id, "<div>  "+strings.ReplaceAll(p.HTML, " ", "\n  ")+"<br></div>")
			}
		}
		if quiet {
			continue
		}
		// A restoration of a post removed long enough ago to be confirmed.
		if round >= 8 && s.rng.IntN(4) == 0 {
			keys := make([]string, 0, len(s.removed))
			for k := range s.removed {
				keys = append(keys, k)
			}
			sort.Strings(keys) // map order would make a seed's story differ run to run
			for _, k := range keys {
				at := s.removed[k]
				name, id, _ := strings.Cut(k, "/")
				if name == acc.Name() && round-at >= 8 && !s.failing[k] {
					acc.Restore(id)
					delete(s.removed, k)
					s.restored[k] = round
					s.live[acc] = append(s.live[acc], id)
					break
				}
			}
		}
		// Transient permalink failures lasting several rounds, on a post
		// that also drops out of the listing (so it is checked at once).
		if s.rng.IntN(3) == 0 {
			if id, ok := s.peek(acc, true); ok {
				fails := []sandbox.Failure{sandbox.Status(503), sandbox.Status(500), sandbox.TooMany(time.Second),
					sandbox.Slow(2 * time.Second), sandbox.Reset()}
				for n := 3 + s.rng.IntN(3); n > 0; n-- {
					acc.FailPost(id, 1, fails[s.rng.IntN(len(fails))])
				}
				s.failing[key(acc, id)] = true
				acc.HideFromListing(id, true)
				s.hidden[acc] = id
			}
		}
		// Listing glitches, never two rounds running, and not right after
		// an edit the listing must see.
		if at, ok := s.lastEdit(acc); (ok && at == round) || (s.glitch[acc] != 0 && s.glitch[acc] == round-1) {
			continue
		}
		switch s.rng.IntN(8) {
		case 0:
			acc.FailNext(1, sandbox.Status(503))
			s.glitch[acc] = round
		case 1:
			acc.EmptyListing(true)
			s.glitched[acc], s.glitch[acc] = true, round
		case 2:
			acc.SetListingLimit(3)
			s.glitched[acc], s.glitch[acc] = true, round
		}
	}
}

func (s *scenario) lastEdit(acc *sandbox.Account) (int, bool) {
	last, ok := 0, false
	for k, at := range s.edited {
		if strings.HasPrefix(k, acc.Name()+"/") && at >= last {
			last, ok = at, true
		}
	}
	return last, ok
}

// truth is what the action log says about each post.
type truth struct {
	removed    string // final removal reason, "" if not removed
	restricted bool
	everGone   bool // removed or restricted at some point
	restored   bool
	edits      int // edits that changed words
	wsEdits    int // whitespace-only edits
}

func deriveTruth(log []sandbox.Action, plat *platform) map[string]*truth {
	out := map[string]*truth{}
	get := func(a sandbox.Action) *truth {
		k := a.Account + "/" + a.Post
		if out[k] == nil {
			out[k] = &truth{}
		}
		return out[k]
	}
	lastText := map[string]string{}
	suspended := map[string]bool{}
	for _, a := range log {
		switch a.Kind {
		case sandbox.Suspended:
			suspended[a.Account] = true
			for k, tr := range out {
				if strings.HasPrefix(k, a.Account+"/") && tr.removed == "" && !tr.restricted {
					tr.removed, tr.everGone = "account_gone", true
				}
			}
		case sandbox.Published:
			get(a)
			lastText[a.Account+"/"+a.Post] = a.Text
		case sandbox.Edited:
			k := a.Account + "/" + a.Post
			if strings.Join(strings.Fields(stripTags(lastText[k])), " ") == strings.Join(strings.Fields(stripTags(a.Text)), " ") {
				get(a).wsEdits++
			} else {
				get(a).edits++
			}
			lastText[k] = a.Text
		case sandbox.Deleted:
			tr := get(a)
			tr.removed, tr.everGone = "deleted", true
		case sandbox.Withheld:
			tr := get(a)
			tr.removed, tr.everGone = plat.withheld, true
		case sandbox.Restricted:
			tr := get(a)
			tr.restricted, tr.everGone = true, true
		case sandbox.Restored:
			tr := get(a)
			if a.Detail != "" {
				tr.removed, tr.restricted, tr.restored = "", false, true
			}
		}
	}
	return out
}

func stripTags(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
			b.WriteByte(' ')
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (s *scenario) judge() {
	t := s.t
	truths := deriveTruth(s.r.sb.Log(), s.r.plat)
	byURL := map[string]string{}
	for _, acc := range s.accounts {
		for k := range truths {
			name, id, _ := strings.Cut(k, "/")
			if name == acc.Name() {
				byURL[s.r.plat.postURL(acc, id)] = k
			}
		}
	}
	detected := map[string]*store.PostRow{}
	if err := s.r.arc.Store.EachPost(t.Context(), store.Filter{}, func(p *store.PostRow) error {
		cp := *p
		detected[byURL[p.PostURL]] = &cp
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	evByPost := map[string]map[string]int{}
	for _, e := range events(t, s.r.arc) {
		k := byURL[e.PostURL]
		if evByPost[k] == nil {
			evByPost[k] = map[string]int{}
		}
		evByPost[k][e.Type]++
	}

	var truePos, falsePos, falseNeg, reasonOK, spurious, wsReported, editsMissed, restoresMissed, restricted, restrictedOK int
	var problems []string
	for k, tr := range truths {
		d := detected[k]
		if d == nil {
			problems = append(problems, k+": never archived")
			continue
		}
		isRemoved := d.State == store.StateRemoved
		switch {
		case tr.removed != "" && isRemoved:
			truePos++
			if d.Reason == tr.removed {
				reasonOK++
			} else {
				problems = append(problems, fmt.Sprintf("%s: reason %s, truth %s", k, d.Reason, tr.removed))
			}
		case tr.removed != "":
			falseNeg++
			problems = append(problems, fmt.Sprintf("%s: missed removal (%s), state %s", k, tr.removed, d.State))
		case isRemoved:
			falsePos++
			problems = append(problems, fmt.Sprintf("%s: false removal (%s %s)", k, d.Reason, d.Post.Detail))
		}
		if !tr.everGone && evByPost[k]["removed"]+evByPost[k]["restricted"] > 0 {
			spurious++
			problems = append(problems, fmt.Sprintf("%s: removal/restriction event for a post never gone", k))
		}
		if tr.restricted {
			restricted++
			if d.State == store.StateRestricted {
				restrictedOK++
			} else {
				problems = append(problems, fmt.Sprintf("%s: restricted in truth, state %s", k, d.State))
			}
		}
		if tr.wsEdits > 0 && tr.edits == 0 && evByPost[k]["edited"] > 0 {
			wsReported++
			problems = append(problems, k+": whitespace-only change reported as an edit")
		}
		if tr.edits > 0 && evByPost[k]["edited"] == 0 {
			editsMissed++
			problems = append(problems, fmt.Sprintf("%s: %d edit(s) not reported", k, tr.edits))
		}
		if tr.restored && evByPost[k]["restored"] == 0 {
			restoresMissed++
			problems = append(problems, k+": restoration not reported")
		}
	}
	precision, recall, accuracy := ratio(truePos, truePos+falsePos), ratio(truePos, truePos+falseNeg), ratio(reasonOK, truePos)
	edits, ws, restores, withdrawals := 0, 0, 0, 0
	for _, tr := range truths {
		edits += tr.edits
		ws += tr.wsEdits
		if tr.restored {
			restores++
		}
		if tr.removed == "withheld_legal" {
			withdrawals++
		}
	}
	t.Logf("posts %d, rounds %d: removals %d (withheld %d), restricted %d, edits %d, whitespace-only %d, restorations %d",
		len(truths), actionRounds+settleRounds+1, truePos+falseNeg, withdrawals, restricted, edits, ws, restores)
	t.Logf("precision %.3f, recall %.3f, reason accuracy %.3f, spurious removals %d, whitespace edits reported %d, edits missed %d, restorations missed %d",
		precision, recall, accuracy, spurious, wsReported, editsMissed, restoresMissed)
	sort.Strings(problems)
	for _, p := range problems {
		t.Error(p)
	}
	if len(truths) < 100 {
		t.Errorf("only %d posts; the scenario must have at least 100", len(truths))
	}
	if truePos+falseNeg == 0 || restores == 0 || edits == 0 {
		t.Errorf("the story lacks removals (%d), restorations (%d) or edits (%d)", truePos+falseNeg, restores, edits)
	}
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}
