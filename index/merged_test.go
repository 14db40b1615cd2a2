package index

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// putSmallSegments puts 200 documents in 40 batches of 5, each with a
// watermark, so each batch is written as a segment of its own.
func putSmallSegments(t *testing.T, ix *Index) {
	t.Helper()
	for b := range 40 {
		var docs []Doc
		for i := range 5 {
			docs = append(docs, Doc{PostID: fmt.Sprintf("p%d-%d", b, i), VersionID: int64(b*5 + i), Version: 1, Text: "a statement of the ministry"})
		}
		if err := ix.Put(t.Context(), docs, fmt.Sprint(b)); err != nil {
			t.Fatal(err)
		}
	}
}

// waitMerged is WaitMerged with a quiet period of a second, failing the
// test after a minute. (On a 2-core machine running suites under -race
// side by side, a merger may be starved of CPU for 300 ms, the period
// this used, and pass for idle.)
func waitMerged(t *testing.T, ix *Index) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	if err := ix.WaitMerged(ctx, time.Second); err != nil {
		t.Fatalf("WaitMerged: %v", err)
	}
}

// TestWaitMerged: after many small batches (a segment each) WaitMerged
// returns once the merger is idle, and the merger then stays idle; a
// context that ends first ends the wait with its error.
func TestWaitMerged(t *testing.T) {
	ix := openTestIndex(t)
	putSmallSegments(t, ix)
	rounds := func() [2]any {
		st, _ := ix.bi.Advanced()
		m := st.(interface{ StatsMap() map[string]interface{} }).StatsMap()
		return [2]any{m["TotFileMergeLoopBeg"], m["TotFileMergeZapBeg"]}
	}
	waitMerged(t, ix)
	before := rounds()
	if z, ok := before[1].(uint64); !ok || z == 0 {
		t.Fatalf("TotFileMergeZapBeg = %v: the stats WaitMerged reads are not there, or nothing was merged", before[1])
	}
	time.Sleep(500 * time.Millisecond)
	if after := rounds(); after != before {
		t.Errorf("the merger ran on after WaitMerged returned: rounds %v then %v", before, after)
	}
	if n, err := ix.DocCount(); err != nil || n != 200 {
		t.Errorf("DocCount = %d, %v; want 200", n, err)
	}

	short, cancel2 := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel2()
	if err := ix.WaitMerged(short, time.Hour); err != context.DeadlineExceeded {
		t.Errorf("WaitMerged past its context = %v, want DeadlineExceeded", err)
	}
}

// Merging never makes a segment larger than the cap (maxSegmentDocs): with
// a cap of 20 documents, 5-document segments merge three or so at a time,
// where bleve's default would merge ten into one of 50.
func TestMaxSegmentDocs(t *testing.T) {
	ix, err := Open(t.TempDir(), Options{maxSegmentDocs: 20})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	putSmallSegments(t, ix)
	waitMerged(t, ix)
	ev, done, err := ix.newEvaluator(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer done()
	var sizes []uint64
	total, merged := uint64(0), false
	for _, s := range ev.segs {
		sizes = append(sizes, s.count)
		total += s.count
		merged = merged || s.count > 5
		if s.count > 20 {
			t.Errorf("a segment of %d documents, over the cap of 20", s.count)
		}
	}
	if total != 200 || !merged {
		t.Errorf("segment sizes %v: want 200 documents and some merged", sizes)
	}
}
