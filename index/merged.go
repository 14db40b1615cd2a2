package index

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/blevesearch/bleve/v2"
)

// WaitMerged blocks until the index's background merger has started no
// merge round for quiet (at least one poll), or ctx ends. scorch merges
// segments for minutes after a bulk build, on the cores queries want; a
// rebuild waits for it so that it hands over a settled index.
func (ix *Index) WaitMerged(ctx context.Context, quiet time.Duration) error {
	return WaitMerged(ctx, ix.bi, quiet)
}

// WaitMerged is Index.WaitMerged for any scorch-backed bleve index (the
// search bench settles raw bleve the same way).
func WaitMerged(ctx context.Context, bi bleve.Index, quiet time.Duration) error {
	adv, err := bi.Advanced()
	if err != nil {
		return fmt.Errorf("index: wait for merges: %w", err)
	}
	st, ok := adv.(interface{ StatsMap() map[string]interface{} })
	if !ok {
		return errors.New("index: wait for merges: not a scorch index")
	}
	rounds := func() uint64 {
		n, _ := st.StatsMap()["TotFileMergeLoopBeg"].(uint64)
		return n
	}
	poll := min(quiet, time.Second)
	last, since := rounds(), time.Now()
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
		if n := rounds(); n != last {
			last, since = n, time.Now()
		} else if time.Since(since) >= quiet {
			return nil
		}
	}
}
