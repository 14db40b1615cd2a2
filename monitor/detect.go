package monitor

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/agnivade/levenshtein"
	"github.com/sirupsen/logrus"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/config"
)

// accountAnswer reads a listing outcome as an answer about the account: a
// listing that answers is the account alive; 404 or 410 on the listing is a
// removal-class answer about the account. Anything else (5xx, 429, parse
// errors, timeouts) says nothing about the account.
func accountAnswer(err error) (Answer, bool) {
	if err == nil {
		return Answer{Class: ClassLive}, true
	}
	var ag *AccountGoneError
	if errors.As(err, &ag) {
		a := Answer{Class: ClassAccountGone, Detail: ag.Detail}
		if ag.CaptureID != 0 {
			a.Evidence = []int64{ag.CaptureID}
		}
		return a, true
	}
	var se *StatusError
	if errors.As(err, &se) && (se.StatusCode == http.StatusNotFound || se.StatusCode == http.StatusGone) {
		a := Answer{Class: ClassAccountGone, Detail: strconv.Itoa(se.StatusCode)}
		if se.CaptureID != 0 {
			a.Evidence = []int64{se.CaptureID}
		}
		return a, true
	}
	return Answer{}, false
}

// recordAccount applies an account-level answer to a source, inside tx.
// A confirmed loss emits one account_gone event and a removal with reason
// account_gone for each live or suspect post of the source; an account
// that answers again has its posts re-checked (restorations follow).
//
// s is the source's row as read at the start of the collection (nothing
// else writes it meanwhile: one collection of a source runs at a time).
func (p *Pipeline) recordAccount(tx *store.Tx, s *store.Source, a Answer, now time.Time, res *SourceResult) error {
	srcID := s.ID
	if a.Class == ClassLive {
		if s.Pending.Class == "" && s.GoneAt.IsZero() {
			return nil // the usual case; SourceAttempt notes the sighting
		}
		if !s.GoneAt.IsZero() {
			p.log.WithField("source", srcID).Info("account answers again: re-checking its posts")
			if err := tx.ScheduleSourcePosts(srcID, string(ClassAccountGone), now); err != nil {
				return err
			}
		}
		s.Pending, s.MissingSince, s.GoneAt, s.GoneDetail, s.LastSeenLive = store.Pending{}, time.Time{}, time.Time{}, "", now
		return tx.UpdateSourceTrack(s)
	}
	if !s.GoneAt.IsZero() {
		return nil // confirmed already
	}
	if s.MissingSince.IsZero() {
		s.MissingSince = now
	}
	if !p.life.confirm(&s.Pending, a, now) {
		return tx.UpdateSourceTrack(s)
	}
	s.GoneAt, s.GoneDetail = now, s.Pending.Detail
	gone := &store.Event{Type: store.EventAccountGone, At: now, SourceID: srcID, Detail: s.GoneDetail,
		LastSeenLive: s.LastSeenLive, FirstSeenMissing: s.MissingSince, Evidence: s.Pending.Evidence}
	if err := tx.AddEvent(gone); err != nil {
		return err
	}
	s.Pending = store.Pending{}
	if err := tx.UpdateSourceTrack(s); err != nil {
		return err
	}
	if _, err := tx.CatchUpListed(srcID); err != nil {
		return err
	}
	posts, err := tx.PostsOfSource(srcID, store.StateLive, store.StateSuspect)
	if err != nil {
		return err
	}
	for _, post := range posts {
		missing := post.FirstSeenMissing
		if missing.IsZero() || missing.After(s.MissingSince) {
			missing = s.MissingSince
		}
		ev := &store.Event{Type: store.EventRemoved, At: now, PostID: post.ID, SourceID: srcID,
			Reason: string(ClassAccountGone), Detail: s.GoneDetail, LastSeenLive: post.LastSeenLive,
			FirstSeenMissing: missing, ParentID: gone.ID, Evidence: gone.Evidence}
		if err := tx.AddEvent(ev); err != nil {
			return err
		}
		post.State, post.Reason, post.Detail = store.StateRemoved, string(ClassAccountGone), s.GoneDetail
		post.FirstSeenMissing, post.Pending, post.NextCheckAt, post.RemovalEvent = missing, store.Pending{}, time.Time{}, ev.ID
		if err := tx.UpdatePost(post); err != nil {
			return err
		}
		res.Removed++
	}
	p.log.WithFields(logrus.Fields{"source": srcID, "detail": s.GoneDetail, "posts": len(posts)}).Warn("account gone")
	return nil
}

// markMissing makes suspect the live posts of a source that a listing no
// longer shows although it still covers their publication time. An empty
// listing covers nothing: it is never evidence.
func (p *Pipeline) markMissing(tx *store.Tx, srcID string, l *Listing, now time.Time) error {
	var oldest time.Time
	listed := make(map[string]bool, len(l.Items))
	for _, it := range l.Items {
		listed[it.PlatformID] = true
		if !it.Published.IsZero() && (oldest.IsZero() || it.Published.Before(oldest)) {
			oldest = it.Published
		}
	}
	if oldest.IsZero() {
		return nil
	}
	posts, err := tx.PostsOfSource(srcID, store.StateLive)
	if err != nil {
		return err
	}
	for _, post := range posts {
		if listed[post.PlatformID] || post.Published.IsZero() || post.Published.Before(oldest) {
			continue
		}
		p.life.Missing(post, now)
		if err := tx.UpdatePost(post); err != nil {
			return err
		}
	}
	return nil
}

// CheckResult counts a round of permalink checks.
type CheckResult struct {
	Checked, Transient, Removed, Restricted, Restored int
	// Backlog is how many checks were due, including those beyond the
	// budget that wait for the next round.
	Backlog int
}

// Checks re-checks the posts that are due, at most budget of them, oldest
// due first: suspect posts at once, live and removed ones on the decaying
// schedule (so removals outside any listing window and restorations are
// found). Posts of a source whose account answer is pending or gone wait:
// the account decides first.
func (p *Pipeline) Checks(ctx context.Context, budget int) (CheckResult, error) {
	now := p.clock()
	due, backlog, err := p.arc.Store.DuePosts(ctx, now, budget)
	if err != nil {
		return CheckResult{}, err
	}
	res := CheckResult{Backlog: backlog}
	defer p.changed()
	if backlog > len(due) {
		p.log.WithFields(logrus.Fields{"due": backlog, "budget": budget}).Warn("check backlog: some checks wait for the next round")
	}
	hosts := make(map[*store.Post]string, len(due)) // each URL parsed once
	for _, post := range due {
		hosts[post] = postHost(post)
	}
	jobs := make(chan *store.Post)
	finished := make(chan string)
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	for i := 0; i < min(p.workers, max(1, len(due))); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for post := range jobs {
				r, err := p.checkPost(ctx, post)
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				}
				res.Checked++
				res.Transient += r.Transient
				res.Removed += r.Removed
				res.Restricted += r.Restricted
				res.Restored += r.Restored
				mu.Unlock()
				finished <- hosts[post]
			}
		}()
	}
	// No more posts of one host go out at once than the fetcher lets run
	// at once (per_host_concurrency): the workers beyond would only wait in
	// its queue, and a host that stalls held every worker behind its
	// posts, the other hosts' checks with them.
	limit := max(1, p.cfg.Fetch.PerHostConcurrency)
	inflight := map[string]int{}
	running, pending := 0, due
	for (len(pending) > 0 && ctx.Err() == nil) || running > 0 {
		next := -1
		if ctx.Err() == nil {
			next = slices.IndexFunc(pending, func(post *store.Post) bool { return inflight[hosts[post]] < limit })
		}
		var send chan *store.Post // nil: nothing may go out now
		var post *store.Post
		if next >= 0 {
			send, post = jobs, pending[next]
		}
		select {
		case send <- post:
			pending = slices.Delete(pending, next, next+1)
			inflight[hosts[post]]++
			running++
		case h := <-finished:
			inflight[h]--
			running--
		}
	}
	close(jobs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return res, err
	}
	return res, errors.Join(errs...)
}

// postHost is the host a post's check asks (its permalink's; the API's of
// a platform share one host, as its posts' pages do).
func postHost(post *store.Post) string {
	u, err := url.Parse(post.PostURL)
	if err != nil {
		return ""
	}
	return HostKey(u)
}

// HostKey is host:port with the scheme's default port made explicit, so
// http://a and http://a:80 share their politeness (the fetcher's) and
// their share of a check round's workers.
func HostKey(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	return net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

// checkPost checks one post and records what its answer changes.
func (p *Pipeline) checkPost(ctx context.Context, post *store.Post) (CheckResult, error) {
	var res CheckResult
	src := p.source(post.SourceID)
	checker := p.checkers[post.Platform]
	if src == nil || checker == nil {
		return res, nil
	}
	text := ""
	if post.CurrentVersion != 0 {
		if v, err := p.arc.Store.Version(ctx, post.CurrentVersion); err == nil {
			text = v.Text
		}
	}
	a, err := checker.Check(ctx, src, post, text, p.fetch)
	if err != nil {
		if ctx.Err() != nil {
			return res, nil
		}
		return res, fmt.Errorf("check %s: %w", post.ID, err)
	}
	if a.Class == ClassTransient {
		res.Transient++
	}
	now := p.clock()
	err = p.arc.Store.Write(ctx, func(tx *store.Tx) error {
		if a.Class != ClassLive {
			// an answer that may end the post's live span: it starts
			// from the last listing answer that still showed the post
			if _, err := tx.CatchUpListed(post.SourceID); err != nil {
				return err
			}
		}
		cur, err := tx.Post(post.Platform, post.PlatformID)
		if err != nil {
			return err
		}
		tr := p.life.Apply(cur, a, now)
		if tr.Event == "" {
			return tx.UpdatePost(cur)
		}
		ev := &store.Event{Type: tr.Event, At: now, PostID: cur.ID, SourceID: cur.SourceID, Reason: tr.Reason,
			Detail: tr.Detail, LastSeenLive: tr.LastSeenLive, FirstSeenMissing: tr.FirstSeenMissing, Evidence: tr.Evidence}
		switch tr.Event {
		case store.EventRemoved:
			res.Removed++
		case store.EventRestricted:
			res.Restricted++
		case store.EventRestored:
			res.Restored++
			ev.LastSeenLive, ev.FirstSeenMissing = time.Time{}, time.Time{}
		}
		if err := tx.AddEvent(ev); err != nil {
			return err
		}
		if tr.Event == store.EventRemoved {
			cur.RemovalEvent = ev.ID
			if err := p.correctionOf(tx, cur, text, ev); err != nil {
				return err
			}
		}
		return tx.UpdatePost(cur)
	})
	if err == nil && res.Removed+res.Restricted+res.Restored > 0 {
		p.log.WithFields(logrus.Fields{"post": post.ID, "source": post.SourceID, "url": redactURL(post.PostURL),
			"answer": a.Class, "detail": a.Detail}).Info("post state changed")
	}
	return res, err
}

func (p *Pipeline) source(id string) *config.Source {
	for i := range p.cfg.Sources {
		if p.cfg.Sources[i].ID == id {
			return &p.cfg.Sources[i]
		}
	}
	return nil
}

// Similarity is 1 − Levenshtein distance / longer length, over runes, so
// it works for scripts without spaces (Khmer).
func Similarity(a, b string) float64 {
	ra, rb := []rune(a), []rune(b)
	// Bound the quadratic cost: posts are short, and the beginning of a
	// reposted text is what a correction keeps.
	const maxRunes = 2000
	if len(ra) > maxRunes {
		ra = ra[:maxRunes]
	}
	if len(rb) > maxRunes {
		rb = rb[:maxRunes]
	}
	longer := max(len(ra), len(rb))
	if longer == 0 {
		return 1
	}
	return 1 - float64(levenshtein.ComputeDistance(string(ra), string(rb)))/float64(longer)
}

// correctionThreshold is the similarity above which a new post is taken
// for a corrected repost of a removed one.
const correctionThreshold = 0.85

// correctionOf marks a removal a likely correction when a new post of the
// same source, first seen from the removed post's last sighting until the
// correction window after its disappearance, says nearly the same.
func (p *Pipeline) correctionOf(tx *store.Tx, post *store.Post, text string, ev *store.Event) error {
	if text == "" {
		return nil
	}
	// Strictly after its last sighting: a post listed beside it is not a
	// repost of it.
	from := post.LastSeenLive.Add(time.Microsecond)
	to := post.FirstSeenMissing.Add(p.cfg.Detector.CorrectionWindow.D())
	cands, texts, err := tx.PostsFirstSeen(post.SourceID, from, to)
	if err != nil {
		return err
	}
	for i, c := range cands {
		if c.ID != post.ID && Similarity(text, texts[i]) >= correctionThreshold {
			post.LikelyCorrection, ev.LikelyCorrection = true, true
			return tx.MarkLikelyCorrection(post.ID, ev.ID)
		}
	}
	return nil
}

// correctsRemoval marks removals of the source, first seen missing within
// the correction window before now, that a new post's text nearly repeats.
func (p *Pipeline) correctsRemoval(tx *store.Tx, srcID, text string, now time.Time) error {
	if text == "" {
		return nil
	}
	removed, texts, err := tx.RemovedBetween(srcID, now.Add(-p.cfg.Detector.CorrectionWindow.D()), now)
	if err != nil {
		return err
	}
	for i, r := range removed {
		if !r.LikelyCorrection && Similarity(text, texts[i]) >= correctionThreshold {
			if err := tx.MarkLikelyCorrection(r.ID, r.RemovalEvent); err != nil {
				return err
			}
		}
	}
	return nil
}
