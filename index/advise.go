package index

import (
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
)

// Read advice. scorch reads its segment files (*.zap) through memory maps,
// and a search reads them at random: a term's dictionary path, its
// postings, a few stored documents. The kernel answers a page fault in a
// mapping without advice by reading around it as far as the device's
// readahead, which on some machines is megabytes (8 MiB on the bench
// machine's virtual disk). Under a memory limit smaller than the index,
// those read-around pages push out the ones searches use, and every small
// query reads from disk again (measured: 300 ms per one-word query at
// 200k posts under a 210 MiB limit, against 1 ms for raw bleve, whose
// smaller index still fitted). Search engines advise random access on such
// maps for this reason (Lucene does by default). The costs: on a cold
// page cache the first queries make more, smaller reads (p50 of one-word
// queries 3.8 ms against 2.0 at 200k posts), and merges, which read whole
// segments in order, read an evicted segment back a page at a time, in
// the background. A bulk load (reindex) searches nothing, so its merges
// keep the readahead.

// mappedSegment: a segment read from a memory-mapped file (zapx.Segment).
type mappedSegment interface{ Data() []byte }

// advisor remembers which segments were advised, so each is advised once.
type advisor struct {
	mu   sync.Mutex
	done map[mappedSegment]bool
	last *scorch.IndexSnapshot // scorch makes a new one on every change
}

// adviseSegments advises random access on every mapped segment of the
// index's current snapshot not advised yet. It is cheap when nothing is
// new; errors only lose the advice.
func (ix *Index) adviseSegments() {
	if !canAdvise {
		return
	}
	adv, err := ix.bi.Advanced()
	if err != nil {
		return
	}
	sc, ok := adv.(*scorch.Scorch)
	if !ok {
		return
	}
	r, err := sc.Reader()
	if err != nil {
		return
	}
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok || snap == nil { // nil: the index is closed
		return
	}
	defer r.Close()
	a := &ix.advice
	a.mu.Lock()
	defer a.mu.Unlock()
	if snap == a.last {
		return
	}
	a.last = snap
	now := make(map[mappedSegment]bool, len(snap.Segments()))
	for _, ss := range snap.Segments() {
		m, ok := ss.Segment().(mappedSegment)
		if !ok {
			continue // in memory, not yet persisted
		}
		if !a.done[m] {
			adviseRandom(m.Data())
		}
		now[m] = true
	}
	a.done = now // segments merged away are forgotten
}
