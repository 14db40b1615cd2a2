package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/index"
	"github.com/takedownwatch/takedownwatch/monitor"
	"github.com/takedownwatch/takedownwatch/web"
)

// liveIndex is a writer's search index, which a reindex asked of a running
// serve rebuilds beside it and swaps in, while searches and indexing go
// on: an upgrade that outdates the index needs no downtime.
type liveIndex struct {
	dir     string
	st      *store.Store
	indexer *monitor.Indexer // writes to this liveIndex
	log     *logrus.Entry

	mu sync.RWMutex // held for reading across every call on ix
	ix *index.Index

	smu    sync.Mutex // guards the fields below
	status web.ReindexStatus
	cancel context.CancelFunc
	done   chan struct{} // closed when the running rebuild ends
	closed bool
}

var _ web.Reindexer = (*liveIndex)(nil)

// openLiveIndex opens the writer's index in dir. A damaged one does not
// stop the archiving: it is set aside (kept, renamed), a fresh index takes
// its place, marked incomplete until a rebuild from the archive replaces
// it (serve starts one; see startRebuildIfIncomplete).
func openLiveIndex(st *store.Store, dir string, log *logrus.Entry) (*liveIndex, error) {
	ilog := log.WithField("component", "index")
	// The caller holds the writer lock, so no rebuild runs: one beside
	// the index was left by a reindex that was stopped, and is as big as
	// the index.
	if _, err := os.Stat(dir + rebuildSuffix); err == nil {
		if err := os.RemoveAll(dir + rebuildSuffix); err != nil {
			ilog.WithError(err).Warn("a stopped reindex left a half-built index that could not be removed")
		} else {
			ilog.WithField("dir", dir+rebuildSuffix).Info("removed the half-built index a stopped reindex left; the index in use is whole")
		}
	}
	ix, err := openIndexDir(st, dir)
	if errors.Is(err, index.ErrDamaged) {
		ix, err = replaceDamaged(st, dir, err, ilog)
	}
	if err != nil {
		return nil, err
	}
	l := &liveIndex{dir: dir, st: st, ix: ix, log: ilog}
	l.indexer = monitor.NewIndexer(st, l, log)
	return l, nil
}

// damagedSuffix names where a damaged index is set aside, with the time.
const damagedSuffix = ".damaged-"

// replaceDamaged sets the damaged index in dir aside and opens a fresh one
// there, marked incomplete.
func replaceDamaged(st *store.Store, dir string, cause error, log *logrus.Entry) (*index.Index, error) {
	now := time.Now().UTC()
	aside := dir + damagedSuffix + now.Format("20060102T150405Z")
	if err := os.Rename(dir, aside); err != nil {
		return nil, fmt.Errorf("%w; setting it aside: %w", cause, err)
	}
	ix, err := openIndexDir(st, dir)
	if err != nil {
		return nil, fmt.Errorf("%w; a fresh index in its place: %w", cause, err)
	}
	why := fmt.Sprintf("holds only what was indexed since %s, when the index before it could not be opened (kept in %s)",
		now.Format(time.RFC3339), aside)
	if err := ix.MarkIncomplete(why); err != nil {
		ix.Close()
		return nil, err
	}
	log.WithError(cause).WithField("set_aside", aside).Error("the search index could not be opened: set aside, and a fresh one started; " +
		"archiving goes on, and a reindex (serve starts one) brings the old posts back to the search")
	return ix, nil
}

// startRebuildIfIncomplete starts a rebuild when the index lacks what only
// a rebuild adds (one set aside as damaged): serve does not wait for an
// operator to notice that searches miss the older posts.
func (l *liveIndex) startRebuildIfIncomplete() {
	l.mu.RLock()
	incomplete := l.ix.Incomplete()
	l.mu.RUnlock()
	if !incomplete {
		return
	}
	if _, err := l.StartReindex(); err != nil {
		l.log.WithError(err).Warn("the index is incomplete, and its rebuild did not start: run `takedownwatch reindex`")
	}
}

func (l *liveIndex) Put(ctx context.Context, docs []index.Doc, watermark string) error {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.ix.Put(ctx, docs, watermark)
}

func (l *liveIndex) Watermark() (string, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.ix.Watermark()
}

func (l *liveIndex) Search(ctx context.Context, q index.Query) (*index.Result, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.ix.Search(ctx, q)
}

func (l *liveIndex) Outdated() string {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.ix.Outdated()
}

// notice is what the search page says of the index: a rebuild running,
// else what an outdated index lacks.
func (l *liveIndex) notice() string {
	st := l.ReindexStatus()
	if st.Running {
		progress := ""
		if st.Total > 0 {
			progress = fmt.Sprintf(" (%d of %d posts)", min(st.Done, st.Total), st.Total)
		}
		return "The search index is being rebuilt" + progress + "; these results come from the old one until it is done."
	}
	return outdated(l)
}

func (l *liveIndex) ReindexStatus() web.ReindexStatus {
	l.smu.Lock()
	defer l.smu.Unlock()
	return l.status
}

func (l *liveIndex) setStatus(fn func(*web.ReindexStatus)) {
	l.smu.Lock()
	fn(&l.status)
	l.smu.Unlock()
}

// StartReindex rebuilds the index in the background (see reindex).
func (l *liveIndex) StartReindex() (web.ReindexStatus, error) {
	l.smu.Lock()
	defer l.smu.Unlock()
	if l.closed {
		return l.status, errors.New("the index is closing")
	}
	if l.status.Running {
		return l.status, web.ErrReindexRunning
	}
	ctx, cancel := context.WithCancel(context.Background())
	now := time.Now().UTC()
	l.status = web.ReindexStatus{Running: true, Phase: "building", Started: &now}
	l.cancel, l.done = cancel, make(chan struct{})
	go l.reindex(ctx, cancel, l.done)
	return l.status, nil
}

// CancelReindex stops a running rebuild; the old index stays.
func (l *liveIndex) CancelReindex() web.ReindexStatus {
	l.smu.Lock()
	cancel, done := l.cancel, l.done
	l.smu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
	return l.ReindexStatus()
}

// reindex builds a fresh index beside the live one from the archive while
// the indexer goes on writing the live one, holding the index log whole;
// then, with no catch-up running, swaps the fresh one in, which takes from
// the log what was logged since it began.
func (l *liveIndex) reindex(ctx context.Context, cancel context.CancelFunc, done chan struct{}) {
	defer close(done)
	defer cancel()
	start := time.Now()
	l.log.Info("reindex: building a new index beside the one in use")
	release := l.indexer.HoldLog()
	n, err := buildBeside(ctx, l.st, l.dir, func(done, total int) {
		l.setStatus(func(s *web.ReindexStatus) { s.Done, s.Total = done, total })
	}, func(phase string) {
		l.setStatus(func(s *web.ReindexStatus) { s.Phase = phase })
	})
	if err == nil {
		l.setStatus(func(s *web.ReindexStatus) { s.Phase = "swapping" })
		err = l.indexer.Exclusive(l.swap)
	}
	release()
	now := time.Now().UTC()
	l.setStatus(func(s *web.ReindexStatus) {
		s.Running, s.Finished = false, &now
		switch {
		case err == nil:
			s.Phase = "done"
		case ctx.Err() != nil:
			s.Phase, s.Error = "stopped", "stopped before it was done; the index in use is untouched"
		default:
			s.Phase, s.Error = "failed", err.Error()
		}
	})
	switch {
	case err == nil:
		l.log.WithFields(logrus.Fields{"posts": n, "took": time.Since(start).Round(time.Millisecond)}).Info("reindex: the new index is in use")
	case ctx.Err() != nil:
		l.log.Warn("reindex stopped; the index in use is untouched")
	default:
		l.log.WithError(err).Error("reindex failed; the index in use is untouched")
	}
}

// swap puts the fresh index in place of the live one; on failure the live
// one stays (reopened if it had been closed).
func (l *liveIndex) swap() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.ix.Close(); err != nil {
		l.log.WithError(err).Warn("reindex: closing the old index")
	}
	restore, err := index.MoveIntoPlace(l.dir+rebuildSuffix, l.dir)
	if err == nil {
		var ix *index.Index
		if ix, err = openIndexDir(l.st, l.dir); err == nil {
			l.ix = ix
			restore(false)
			return nil
		}
		restore(true)
	}
	ix, oerr := openIndexDir(l.st, l.dir)
	if oerr != nil {
		return fmt.Errorf("%w; and the old index does not open again: %w", err, oerr)
	}
	l.ix = ix
	return err
}

// Close stops a running rebuild and closes the index.
func (l *liveIndex) Close() error {
	l.smu.Lock()
	l.closed = true
	l.smu.Unlock()
	l.CancelReindex()
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.ix.Close()
}

// rebuildSuffix names the directory a new index is built in, beside the
// one in use.
const rebuildSuffix = ".rebuild"

// buildBeside builds a fresh index of the whole archive in
// dir+rebuildSuffix, waits for scorch's merging to settle and closes it.
// phase hears "merging".
func buildBeside(ctx context.Context, st *store.Store, dir string, progress func(done, total int), phase func(string)) (int, error) {
	fresh := dir + rebuildSuffix
	if err := os.RemoveAll(fresh); err != nil {
		return 0, err
	}
	ix, err := openIndexDir(st, fresh)
	if err != nil {
		return 0, err
	}
	n, err := monitor.Rebuild(ctx, st, ix, progress)
	if err == nil {
		// scorch goes on merging the build's segments for a while; left
		// to the searches, that merging would compete with the first.
		// An interrupted wait still leaves a whole index.
		phase("merging")
		if werr := ix.WaitMerged(ctx, 2*time.Second); werr != nil && ctx.Err() == nil {
			err = werr
		}
	}
	if cerr := ix.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		os.RemoveAll(fresh)
		return n, err
	}
	return n, nil
}
