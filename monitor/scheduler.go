package monitor

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/robfig/cron/v3"
	"github.com/sirupsen/logrus"

	"github.com/takedownwatch/takedownwatch/config"
)

// Scheduler runs one cron job per source on the source's schedule.
type Scheduler struct {
	cron *cron.Cron
	p    *Pipeline
	log  *logrus.Entry

	// ctx is what running jobs collect under; Stop cancels it only after
	// the drain deadline, so a graceful stop lets running jobs finish.
	ctx    context.Context
	cancel context.CancelFunc
	jobs   sync.WaitGroup
	// failing: the last job failed on the archive (archiveFailed)
	failing atomic.Bool
}

// NewScheduler builds the schedule of every configured source.
func NewScheduler(p *Pipeline, log *logrus.Entry) (*Scheduler, error) {
	ctx, cancel := context.WithCancel(context.Background())
	s := &Scheduler{p: p, log: log.WithField("component", "scheduler"), ctx: ctx, cancel: cancel}
	cl := cronLogger{s.log}
	// SkipIfStillRunning must wrap Recover: the other order leaves the
	// skip lock held after a panic and disables the job for good.
	s.cron = cron.New(cron.WithParser(config.CronParser), cron.WithLogger(cl),
		cron.WithChain(cron.SkipIfStillRunning(cl), cron.Recover(cl)))
	for i := range p.cfg.Sources {
		src := &p.cfg.Sources[i]
		sched, err := config.ParseSchedule(src.Schedule)
		if err != nil {
			cancel()
			return nil, fmt.Errorf("scheduler: source %s: %w", src.ID, err)
		}
		s.cron.Schedule(sched, s.wrap(func() { s.collect(src) }))
	}
	// Permalink checks run on the default schedule, after the listings
	// that fall due at the same minute have had their turn.
	checks, err := config.ParseSchedule(p.cfg.DefaultSchedule)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("scheduler: default_schedule: %w", err)
	}
	s.cron.Schedule(checks, s.wrap(s.check))
	return s, nil
}

func (s *Scheduler) check() {
	res, err := s.p.Checks(s.ctx, s.p.cfg.Detector.CheckBudget)
	if err != nil {
		if s.ctx.Err() == nil {
			s.archiveFailed(s.log.WithError(err), "archive failure while checking posts")
		}
		return
	}
	s.archiveWrites()
	if res.Checked > 0 {
		entry := s.log.WithFields(logrus.Fields{"checked": res.Checked, "removed": res.Removed, "restricted": res.Restricted,
			"restored": res.Restored, "transient": res.Transient, "backlog": res.Backlog - res.Checked})
		// A round that changed nothing is the daemon's routine: it is
		// logged at debug, so an operator's info log shows what happened.
		if res.Removed+res.Restricted+res.Restored+res.Transient > 0 || res.Backlog > res.Checked {
			entry.Info("checks done")
		} else {
			entry.Debug("checks done")
		}
	}
}

// archiveFailed logs a failure of the archive: at error level the first
// time, at debug while it goes on (a full disk failed every job of every
// cycle, a line each), until archiveWrites says it is over.
func (s *Scheduler) archiveFailed(entry *logrus.Entry, msg string) {
	if s.failing.Swap(true) {
		entry.Debug(msg)
		return
	}
	entry.Error(msg + " (repeats are logged at debug until it writes again)")
}

// archiveWrites logs, once, that the archive keeps what it is given again.
func (s *Scheduler) archiveWrites() {
	if s.failing.Swap(false) {
		s.log.Info("the archive writes again")
	}
}

// wrap counts a job as running so Stop can wait for it.
func (s *Scheduler) wrap(fn func()) cron.Job {
	return cron.FuncJob(func() {
		s.jobs.Add(1)
		defer s.jobs.Done()
		if s.ctx.Err() != nil {
			return
		}
		fn()
	})
}

func (s *Scheduler) collect(src *config.Source) {
	res, err := s.p.CollectSource(s.ctx, src)
	if err != nil {
		s.archiveFailed(s.log.WithError(err).WithField("source", src.ID), "archive failure while collecting")
		return
	}
	s.archiveWrites()
	if res.Err != nil {
		return // logged by the pipeline and kept on the source's health
	}
	s.log.WithFields(logrus.Fields{"source": src.ID, "items": res.Items, "new": res.New, "edited": res.Edited}).Debug("collected")
}

// Start starts the schedule and, at once, one full cycle, so a fresh
// daemon does not wait a whole period for its first snapshot.
func (s *Scheduler) Start() {
	s.cron.Start()
	s.jobs.Add(1)
	go func() {
		defer s.jobs.Done()
		if _, err := s.p.Cycle(s.ctx); err != nil && s.ctx.Err() == nil {
			s.log.WithError(err).Error("first cycle")
		}
	}()
}

// Stop stops scheduling new jobs and waits for running ones; when ctx ends
// first, running jobs are cancelled and waited for.
func (s *Scheduler) Stop(ctx context.Context) {
	stopped := s.cron.Stop()
	done := make(chan struct{})
	go func() { <-stopped.Done(); s.jobs.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		s.log.Warn("drain deadline passed: cancelling running collections")
		s.cancel()
		<-done
	}
	s.cancel()
}

// cronLogger sends robfig/cron's logs to logrus.
type cronLogger struct{ log *logrus.Entry }

func (l cronLogger) Info(msg string, kv ...any) { l.log.WithFields(fields(kv)).Debug(msg) }

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.WithFields(fields(kv)).WithError(err).Error(msg)
}

func fields(kv []any) logrus.Fields {
	f := logrus.Fields{}
	for i := 0; i+1 < len(kv); i += 2 {
		f[fmt.Sprint(kv[i])] = kv[i+1]
	}
	return f
}

// AddJob schedules fn on a cron spec beside the sources' jobs (takedown
// report channels), under the same chain: skipped while still running,
// panics recovered.
func (s *Scheduler) AddJob(spec, name string, fn func(ctx context.Context) error) error {
	sched, err := config.ParseSchedule(spec)
	if err != nil {
		return fmt.Errorf("scheduler: %s: %w", name, err)
	}
	s.cron.Schedule(sched, s.wrap(func() {
		if err := fn(s.ctx); err != nil && s.ctx.Err() == nil {
			s.log.WithError(err).WithField("job", name).Error("job failed")
		}
	}))
	return nil
}
