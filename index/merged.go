package index

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/blevesearch/bleve/v2"
)

// WaitMerged blocks until the index's background merger has been idle
// (no merge running, none started) for quiet, or ctx ends. scorch merges
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
	// One merge of large segments runs for longer than any quiet period
	// worth waiting, so "no new round" is not enough: a merge (zap) or a
	// planned merge task still open counts as busy.
	state := func() (sig [3]uint64, busy bool) {
		m := st.StatsMap()
		n := func(k string) uint64 { v, _ := m[k].(uint64); return v }
		sig = [3]uint64{n("TotFileMergeLoopBeg"), n("TotFileMergeZapBeg"), n("TotFileMergePlanTasks")}
		busy = n("TotFileMergeZapBeg") != n("TotFileMergeZapEnd") ||
			n("TotFileMergePlanTasks") != n("TotFileMergePlanTasksDone")+n("TotFileMergePlanTasksErr")
		return sig, busy
	}
	poll := min(quiet, time.Second)
	last, _ := state()
	since := time.Now()
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
		if sig, busy := state(); busy || sig != last {
			last, since = sig, time.Now()
		} else if time.Since(since) >= quiet {
			return nil
		}
	}
}
