package monitor

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/takedownwatch/takedownwatch/archive"
	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/config"
)

// Pipeline runs collection over the configured sources. It is wired once
// and shared by `snapshot` (one cycle) and `serve` (one job per source): all
// state lives in the archive, so both give the same results.
//
//	schedule → fetch → archive → detect → (index → publish: later stages)
type Pipeline struct {
	cfg        *config.Config
	arc        *archive.Archive
	fetch      Fetcher
	collectors map[string]Collector
	checkers   map[string]Checker
	life       Lifecycle
	log        *logrus.Entry
	clock      func() time.Time
	// workers bounds how many sources are collected at once in a cycle;
	// the fetcher's per-host limits still apply beneath it.
	workers int
	// backfill is how many listing pages a new source reads.
	backfill     int
	onChange     func()
	beforeChecks func(ctx context.Context) error

	// running guards against collecting one source twice at once (a slow
	// cron job overlapping the next, or snapshot-style cycles in tests).
	mu      sync.Mutex
	running map[string]bool
}

// Options wire a Pipeline.
type Options struct {
	Config     *config.Config
	Archive    *archive.Archive
	Fetcher    Fetcher
	Collectors map[string]Collector
	// Checkers check single posts, per platform.
	Checkers map[string]Checker
	Log      *logrus.Entry
	Clock    func() time.Time
	Workers  int
	// Backfill is how many listing pages a source never collected before
	// reads (snapshot --backfill N); 0 or 1 reads one.
	Backfill int
	// OnChange is called after metadata may have changed (the indexer's
	// Notify): the next stage picks up from the store.
	OnChange func()
	// BeforeChecks runs in a cycle after the listings and before the
	// checks: takedown report channels, whose matches change which posts
	// are due.
	BeforeChecks func(ctx context.Context) error
}

// New wires a Pipeline.
func New(o Options) (*Pipeline, error) {
	if o.Config == nil || o.Archive == nil || o.Fetcher == nil {
		return nil, errors.New("monitor: pipeline needs config, archive and fetcher")
	}
	if o.Log == nil {
		l := logrus.New()
		l.SetLevel(logrus.WarnLevel)
		o.Log = logrus.NewEntry(l)
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Workers <= 0 {
		o.Workers = 16
	}
	d := o.Config.Detector
	life := Lifecycle{ConfirmChecks: d.ConfirmChecks, ConfirmInterval: d.ConfirmInterval.D()}
	for _, r := range d.Recheck {
		life.Recheck = append(life.Recheck, r.D())
	}
	for _, r := range d.RecheckReported {
		life.RecheckReported = append(life.RecheckReported, r.D())
	}
	return &Pipeline{
		cfg: o.Config, arc: o.Archive, fetch: o.Fetcher, collectors: o.Collectors, checkers: o.Checkers, life: life,
		log: o.Log.WithField("component", "pipeline"), clock: o.Clock, workers: o.Workers, backfill: o.Backfill, onChange: o.OnChange, beforeChecks: o.BeforeChecks,
		running: map[string]bool{},
	}, nil
}

// canonVersion names the canonicalization rules posts' canonical URLs
// were computed with; when the rules change, it changes and SyncConfig
// recomputes them once.
const canonVersion = "canon-1"

// SyncConfig writes the configured actors and sources into the archive;
// sources the config no longer names are kept, marked inactive.
func (p *Pipeline) SyncConfig(ctx context.Context) error {
	var gone []string
	type adoption struct {
		to    string
		from  []string
		posts int64
	}
	var adopted []adoption
	err := p.arc.Store.Write(ctx, func(tx *store.Tx) error {
		if v, err := tx.Setting("canon_version"); err != nil {
			return err
		} else if v != canonVersion {
			n, err := tx.Recanonicalize(canonicalURL)
			if err != nil {
				return err
			}
			if n > 0 {
				p.log.WithField("posts", n).Info("recomputed canonical URLs with the current rules")
			}
			if err := tx.SetSetting("canon_version", canonVersion); err != nil {
				return err
			}
		}
		for _, a := range p.cfg.Actors {
			if err := tx.UpsertActor(store.Actor{ID: a.ID, Name: a.Name, Affiliation: a.Affiliation, Country: a.Country, Notes: a.Notes}); err != nil {
				return err
			}
		}
		ids := make([]string, 0, len(p.cfg.Sources))
		for _, s := range p.cfg.Sources {
			ids = append(ids, s.ID)
			// The metadata keeps a source's URL as the WARC records keep
			// URLs, without the token a bridge's feed URL may carry:
			// /api/sources shows it to any reader.
			if err := tx.UpsertSource(store.Source{ID: s.ID, ActorID: s.Actor, Platform: s.Platform, URL: p.arc.RedactURL(s.URL),
				Schedule: s.Schedule, Vantage: s.Vantage}); err != nil {
				return err
			}
		}
		var err error
		if gone, err = tx.DeactivateSourcesExcept(ids); err != nil {
			return err
		}
		adopted = adopted[:0]
		for _, id := range ids {
			from, n, err := tx.AdoptPosts(id)
			if err != nil {
				return err
			}
			if len(from) > 0 {
				adopted = append(adopted, adoption{id, from, n})
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	moved := map[string]bool{}
	for _, a := range adopted {
		for _, id := range a.from {
			moved[id] = true
		}
		p.log.WithFields(logrus.Fields{"source": a.to, "from": strings.Join(a.from, ","), "posts": a.posts}).Info("a source the config no longer names watched this one's URL: its posts and metric history are this source's now, collected and checked")
	}
	for _, id := range gone {
		if moved[id] {
			continue
		}
		// its posts are no longer checked: removals in the gap would get
		// wide brackets, which the operator must know of
		p.log.WithField("source", id).Warn("a source of the archive is not in the config: deactivated, its posts are no longer checked until it is configured again")
	}
	if len(p.cfg.Sources) == 0 {
		p.log.Warn("the config names no sources: nothing is collected")
	}
	return nil
}

// SourceResult counts what one collection of a source found.
type SourceResult struct {
	Source      string
	Items       int
	New         int
	Edited      int
	Media       int
	Restored    int
	Removed     int // account_gone removals
	Anomalies   int // metrics_anomaly events
	NotModified bool
	Err         error
}

// CycleResult sums a cycle.
type CycleResult struct {
	Sources, Failed, Items, New, Edited, Media, NotModified int
	// AccountRemovals are posts removed with their account.
	AccountRemovals int
	Anomalies       int
	Checks          CheckResult
	Duration        time.Duration
}

func (c *CycleResult) add(r SourceResult) {
	c.Sources++
	if r.Err != nil {
		c.Failed++
	}
	c.Items += r.Items
	c.New += r.New
	c.Edited += r.Edited
	c.Media += r.Media
	c.AccountRemovals += r.Removed
	c.Anomalies += r.Anomalies
	c.Checks.Restored += r.Restored
	if r.NotModified {
		c.NotModified++
	}
}

// Cycle collects every configured source once. Source failures are counted
// and recorded on the source, not returned: only a failure of the archive
// itself (or ctx) ends a cycle with an error.
func (p *Pipeline) Cycle(ctx context.Context) (CycleResult, error) {
	start := p.clock()
	var res CycleResult
	jobs := make(chan *config.Source)
	results := make(chan SourceResult)
	var wg sync.WaitGroup
	var fatalMu sync.Mutex
	var fatal error
	for i := 0; i < min(p.workers, max(1, len(p.cfg.Sources))); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for src := range jobs {
				r, err := p.CollectSource(ctx, src)
				if err != nil {
					fatalMu.Lock()
					fatal = errors.Join(fatal, err)
					fatalMu.Unlock()
				}
				results <- r
			}
		}()
	}
	go func() {
		defer close(jobs)
		for i := range p.cfg.Sources {
			select {
			case jobs <- &p.cfg.Sources[i]:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()
	for r := range results {
		res.add(r)
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	// Listings and account answers first, then the posts' own checks.
	if p.beforeChecks != nil {
		if err := p.beforeChecks(ctx); err != nil {
			fatal = errors.Join(fatal, err)
		}
	}
	checks, err := p.Checks(ctx, p.cfg.Detector.CheckBudget)
	restoredByListing := res.Checks.Restored
	res.Checks = checks
	res.Checks.Restored += restoredByListing
	fatal = errors.Join(fatal, err)
	res.Duration = p.clock().Sub(start)
	if err := ctx.Err(); err != nil {
		return res, err
	}
	p.log.WithFields(logrus.Fields{
		"sources": res.Sources, "failed": res.Failed, "items": res.Items, "new": res.New,
		"edited": res.Edited, "media": res.Media, "unchanged": res.NotModified,
		"checked": res.Checks.Checked, "removed": res.Checks.Removed + res.AccountRemovals,
		"restricted": res.Checks.Restricted, "restored": res.Checks.Restored, "backlog": res.Checks.Backlog - res.Checks.Checked,
		"anomalies": res.Anomalies,
		"took":      res.Duration.Round(time.Millisecond),
	}).Info("cycle done")
	return res, fatal
}

// CollectSource reads one source's listing and records what changed. The
// returned error is an archive failure; the source's own failure is in
// SourceResult.Err and on the source's health.
func (p *Pipeline) CollectSource(ctx context.Context, src *config.Source) (SourceResult, error) {
	res := SourceResult{Source: src.ID}
	if !p.claim(src.ID) {
		res.Err = errors.New("still running from the previous schedule")
		return res, nil
	}
	defer p.release(src.ID)
	defer p.changed()
	log := p.log.WithFields(logrus.Fields{"source": src.ID, "platform": src.Platform})

	col, ok := p.collectors[src.Platform]
	if !ok {
		res.Err = fmt.Errorf("no collector for platform %q in this build", src.Platform)
		return res, p.attempt(ctx, src.ID, res.Err)
	}
	row, err := p.arc.Store.Source(ctx, src.ID)
	if err != nil {
		return res, err
	}
	if replayed, err := p.replayPending(ctx, src, row, col, &res); err != nil {
		return res, err
	} else if replayed {
		if row, err = p.arc.Store.Source(ctx, src.ID); err != nil {
			return res, err
		}
	}
	opt := CollectOptions{Pages: 1, Cursor: row.Cursor}
	if row.LastSuccess.IsZero() && p.backfill > 1 {
		opt.Pages = p.backfill // a new source: read deeper once
	}
	listing, err := col.Collect(ctx, src, p.fetch, opt)
	if err != nil {
		if ctx.Err() != nil {
			return res, nil
		}
		if errors.Is(err, archive.ErrWrite) {
			// The source answered; the archive could not keep it (a full
			// disk, a read-only directory): the archive's failure, not one
			// of the source's (every source turned "failing", as if the
			// sites were down).
			return res, err
		}
		res.Err = err
		now := p.clock()
		werr := p.arc.Store.Write(ctx, func(tx *store.Tx) error {
			var pe *ParseError
			if errors.As(err, &pe) && pe.CaptureID != 0 {
				if err := tx.SetCaptureError(pe.CaptureID, pe.Error()); err != nil {
					return err
				}
			}
			if a, ok := accountAnswer(err); ok {
				if err := p.recordAccount(tx, row, a, now, &res); err != nil {
					return err
				}
			}
			status := ""
			var paused interface{ Paused() bool }
			if errors.As(err, &paused) && paused.Paused() {
				// An expired token or a rate limit: nothing is wrong with
				// the account, the source waits for its next turn.
				status = "paused"
			}
			return tx.SourceAttempt(src.ID, now, status, err)
		})
		log.WithError(err).Warn("listing failed")
		return res, werr
	}
	res.Items = len(listing.Items)
	if listing.NotModified {
		res.NotModified = true
		now := p.clock()
		return res, p.arc.Store.Write(ctx, func(tx *store.Tx) error {
			if err := p.recordAccount(tx, row, Answer{Class: ClassLive}, now, &res); err != nil {
				return err
			}
			if err := tx.TakeIn(listing.Captures); err != nil {
				return err
			}
			return tx.SourceAttempt(src.ID, now, "", nil)
		})
	}
	if err := p.record(ctx, src, row, listing, &res, p.clock(), recordAll); err != nil {
		if ctx.Err() != nil {
			return res, nil
		}
		return res, err
	}
	if res.New+res.Edited+res.Restored > 0 {
		log.WithFields(logrus.Fields{"items": res.Items, "new": res.New, "edited": res.Edited, "restored": res.Restored, "media": res.Media}).Info("listing changed")
	}
	return res, nil
}

func (p *Pipeline) claim(id string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.running[id] {
		return false
	}
	p.running[id] = true
	return true
}

func (p *Pipeline) release(id string) {
	p.mu.Lock()
	delete(p.running, id)
	p.mu.Unlock()
}

func (p *Pipeline) attempt(ctx context.Context, id string, fail error) error {
	return p.arc.Store.Write(ctx, func(tx *store.Tx) error { return tx.SourceAttempt(id, p.clock(), "", fail) })
}

func (p *Pipeline) changed() {
	if p.onChange != nil {
		p.onChange()
	}
}

// Lifecycle returns the post lifecycle the pipeline runs, for the stages
// that change posts beside it (takedown reports).
func (p *Pipeline) Lifecycle() Lifecycle { return p.life }
