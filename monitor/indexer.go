package monitor

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/index"
)

// Index is what the indexer writes search documents to.
type Index interface {
	Put(ctx context.Context, docs []index.Doc, watermark string) error
	Watermark() (string, error)
}

// Indexer keeps the search index behind the archive, never ahead: it
// reads the store's index log after the index's watermark and puts those
// posts' documents with the new watermark in one batch. After a crash it
// just catches up.
//
//	schedule → fetch → archive → detect → [index] → publish
type Indexer struct {
	st    *store.Store
	ix    Index
	log   *logrus.Entry
	batch int

	mu     sync.Mutex // one catch-up at a time
	holds  int        // under mu: HoldLog calls not yet released
	notify chan struct{}
}

// NewIndexer indexes st's changes into ix.
func NewIndexer(st *store.Store, ix Index, log *logrus.Entry) *Indexer {
	return &Indexer{st: st, ix: ix, log: log.WithField("component", "indexer"), batch: 500, notify: make(chan struct{}, 1)}
}

func (x *Indexer) watermark() (int64, error) {
	w, err := x.ix.Watermark()
	if err != nil {
		return 0, fmt.Errorf("indexer: watermark: %w", err)
	}
	if w == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(w, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("indexer: watermark %q: %w", w, err)
	}
	return n, nil
}

// CatchUp indexes everything logged after the watermark and returns how
// many posts it (re)indexed.
func (x *Indexer) CatchUp(ctx context.Context) (int, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	total := 0
	for {
		wm, err := x.watermark()
		if err != nil {
			return total, err
		}
		ids, upto, err := x.st.IndexLog(ctx, wm, x.batch)
		if err != nil {
			return total, err
		}
		if len(ids) == 0 {
			return total, nil
		}
		if err := x.put(ctx, ids, upto); err != nil {
			return total, err
		}
		total += len(ids)
		if x.holds > 0 {
			continue // a rebuild beside this index reads the log afterwards
		}
		// The log before the watermark is in the index now.
		if err := x.st.Write(ctx, func(tx *store.Tx) error { return tx.TrimIndexLog(upto) }); err != nil {
			return total, err
		}
	}
}

func (x *Indexer) put(ctx context.Context, ids []string, upto int64) error {
	posts, err := x.st.PostsForIndex(ctx, ids)
	if err != nil {
		return err
	}
	var docs []index.Doc
	for _, p := range posts {
		docs = append(docs, Docs(p)...)
	}
	if err := x.ix.Put(ctx, docs, strconv.FormatInt(upto, 10)); err != nil {
		return fmt.Errorf("indexer: %w", err)
	}
	return nil
}

// Docs are a post's search documents: one per version, each carrying the
// post's current state.
func Docs(p store.IndexPost) []index.Doc {
	out := make([]index.Doc, 0, len(p.Versions))
	reason, removedAt := "", time.Time{}
	if p.State == store.StateRemoved {
		reason, removedAt = p.Reason, p.FirstSeenMissing
	}
	published := p.Published
	if published.IsZero() {
		published = p.FirstSeen
	}
	for i, v := range p.Versions {
		out = append(out, index.Doc{
			PostID: p.ID, VersionID: v.ID, Version: i + 1, Title: v.Title, Text: v.Text,
			Actor: p.Actor, Affiliation: p.Affiliation, Platform: p.Platform, Source: p.SourceID,
			State: p.State, Reason: reason, Published: published, FirstSeen: p.FirstSeen, RemovedAt: removedAt,
			ReportIDs: p.ReportIDs,
		})
	}
	return out
}

// HoldLog keeps the index log whole until release is called: a new index
// rebuilt beside this one while it goes on being written starts from the
// log's head at the start of the rebuild (Rebuild), and takes what was
// logged after from the log once it is swapped in (Exclusive).
func (x *Indexer) HoldLog() (release func()) {
	x.mu.Lock()
	x.holds++
	x.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			x.mu.Lock()
			x.holds--
			x.mu.Unlock()
			x.Notify() // trim what the swapped-in index has taken
		})
	}
}

// Exclusive runs fn while no catch-up runs: fn may replace the index the
// indexer writes to (its Put and Watermark then answer for the new one).
func (x *Indexer) Exclusive(fn func() error) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	return fn()
}

// Notify says something may be waiting to be indexed.
func (x *Indexer) Notify() {
	select {
	case x.notify <- struct{}{}:
	default:
	}
}

// Run catches up whenever notified (and every minute regardless) until
// ctx ends, then once more.
func (x *Indexer) Run(ctx context.Context) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-x.notify:
		case <-t.C:
		}
		if n, err := x.CatchUp(ctx); err != nil {
			if ctx.Err() == nil {
				x.log.WithError(err).Error("indexing failed; it is retried, and search lags meanwhile")
			}
		} else if n > 0 {
			x.log.WithField("posts", n).Debug("indexed")
		}
	}
}

// Lag is how many log entries the index has not taken yet.
func (x *Indexer) Lag(ctx context.Context) (int64, error) {
	wm, err := x.watermark()
	if err != nil {
		return 0, err
	}
	head, err := x.st.IndexLogHead(ctx)
	if err != nil {
		return 0, err
	}
	return max(0, head-wm), nil
}

// Rebuild puts every post of the archive into ix (a fresh index), then
// sets its watermark to the log's head at the start: anything logged
// meanwhile is caught up afterwards. progress, if not nil, gets the posts
// done and the total.
func Rebuild(ctx context.Context, st *store.Store, ix Index, progress func(done, total int)) (int, error) {
	head, err := st.IndexLogHead(ctx)
	if err != nil {
		return 0, err
	}
	c, err := st.Counts(ctx)
	if err != nil {
		return 0, err
	}
	var ids []string
	done := 0
	flush := func(last bool) error {
		if len(ids) == 0 && !last {
			return nil
		}
		posts, err := st.PostsForIndex(ctx, ids)
		if err != nil {
			return err
		}
		var docs []index.Doc
		for _, p := range posts {
			docs = append(docs, Docs(p)...)
		}
		wm := "" // keep the stored one until the end
		if last {
			wm = strconv.FormatInt(head, 10)
		}
		if err := ix.Put(ctx, docs, wm); err != nil {
			return fmt.Errorf("reindex: %w", err)
		}
		done += len(ids)
		ids = ids[:0]
		if progress != nil {
			progress(done, c.Posts)
		}
		return nil
	}
	err = st.EachPostID(ctx, func(id string) error {
		ids = append(ids, id)
		if len(ids) == 500 {
			return flush(false)
		}
		return ctx.Err()
	})
	if err != nil {
		return done, err
	}
	if err := flush(true); err != nil {
		return done, err
	}
	return done, nil
}
