package index

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	zseg "github.com/blevesearch/scorch_segment_api/v2"
)

// Facet counts from postings. bleve's facet builder visits the doc values
// of every hit, which for a query matching a quarter of a large index is
// most of the search's time. scorch keeps each term's postings as a roaring
// bitmap per segment, and the facet fields hold few terms, so the matching
// documents are gathered into one bitmap per segment and each facet term
// costs one AND-cardinality per segment instead (see countFacets).

// errNoPostings: the index is not a scorch index whose snapshot can be read
// segment by segment; the caller counts the bleve way.
var errNoPostings = errors.New("index: postings not readable")

// segView is one segment of a snapshot: its documents are numbered
// offset+local in the snapshot (the numbering searchers report).
type segView struct {
	id      uint64 // unique for the life of the index
	seg     zseg.Segment
	deleted *roaring.Bitmap // may be nil
	offset  uint64
	count   uint64 // documents, deleted ones included
}

// postingsCount is what postingsFacets found.
type postingsCount struct {
	facets   map[string][]FacetCount
	versions uint64 // matching versions (documents)
}

// postingsFacets counts the facets (FacetNames, top FacetSize each) of the
// documents bq matches, from postings bitmaps, in one snapshot of the index.
// It answers errNoPostings when the index cannot be read that way.
func (ix *Index) postingsFacets(ctx context.Context, bq query.Query) (*postingsCount, error) {
	ev, done, err := ix.newEvaluator(ctx)
	if err != nil {
		return nil, err
	}
	// the snapshot holds references on its segments (whose bitmaps may
	// point into their mmapped files) until it is closed: nothing read from
	// them outlives this function
	defer done()
	hits, err := ev.matches(bq)
	if err != nil {
		return nil, fmt.Errorf("index: postings facets: %w", err)
	}
	out := &postingsCount{facets: map[string][]FacetCount{}}
	for _, h := range hits {
		out.versions += h.GetCardinality()
	}
	counts, err := ix.countFacets(ev, hits)
	if err != nil {
		return nil, fmt.Errorf("index: postings facets: %w", err)
	}
	for f, name := range FacetNames {
		list := make([]FacetCount, 0, len(counts[f]))
		for t, n := range counts[f] {
			list = append(list, FacetCount{Term: t, Count: n})
		}
		// the same order and cut as bleve's terms facet: count, then term
		SortFacet(list)
		out.facets[name] = list[:min(len(list), FacetSize)]
	}
	return out, nil
}

// postingsFacetsOrNil is postingsFacets, nil when the index cannot be read
// by postings (the caller then counts the bleve way).
func (ix *Index) postingsFacetsOrNil(ctx context.Context, bq query.Query) (*postingsCount, error) {
	c, err := ix.postingsFacets(ctx, bq)
	if errors.Is(err, errNoPostings) {
		return nil, nil
	}
	return c, err
}

// evaluator finds the documents a query matches, one bitmap per segment.
// Bitmaps it returns may be the segments' own (read-only): it combines them
// only with operations that make new ones.
type evaluator struct {
	ctx       context.Context
	snap      *scorch.IndexSnapshot
	m         mapping.IndexMapping
	segs      []segView
	searchers int // queries it ran as searchers
}

// newEvaluator opens a snapshot of the index; done releases it.
func (ix *Index) newEvaluator(ctx context.Context) (ev *evaluator, done func(), err error) {
	adv, err := ix.bi.Advanced()
	if err != nil {
		return nil, nil, fmt.Errorf("index: postings: %w", err)
	}
	sc, ok := adv.(*scorch.Scorch)
	if !ok {
		return nil, nil, errNoPostings
	}
	r, err := sc.Reader()
	if err != nil {
		return nil, nil, fmt.Errorf("index: postings: %w", err)
	}
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		r.Close()
		return nil, nil, errNoPostings
	}
	ev = &evaluator{ctx: ctx, snap: snap, m: ix.bi.Mapping()}
	var off uint64
	for _, ss := range snap.Segments() {
		n := ss.Segment().Count()
		ev.segs = append(ev.segs, segView{id: ss.Id(), seg: ss.Segment(), deleted: ss.Deleted(), offset: off, count: n})
		off += n // as scorch numbers them (introducer.go)
	}
	return ev, func() { r.Close() }, nil
}

// matches: the documents q matches. Terms and their plain conjunctions and
// disjunctions are combined from postings; any other query (or one whose
// meaning bleve bends, see set) runs as bleve's unscored searcher.
func (ev *evaluator) matches(q query.Query) ([]*roaring.Bitmap, error) {
	bms, none, ok, err := ev.set(q)
	if err != nil {
		return nil, err
	}
	if ok {
		if none {
			return ev.empty(), nil
		}
		return bms, nil
	}
	bms, _, err = ev.bySearcher(q)
	return bms, err
}

// set evaluates q from postings. none: bleve would make a match-none
// searcher of q. ok false: q's result depends on what set does not model
// (bleve drops match-none clauses in query-string mode, a flag it keeps
// unexported; minimums that count clauses; boolean filters), so the caller
// runs q's searcher instead.
func (ev *evaluator) set(q query.Query) (bms []*roaring.Bitmap, none, ok bool, err error) {
	switch q := q.(type) {
	case *query.TermQuery:
		field := q.FieldVal
		if field == "" {
			field = ev.m.DefaultSearchField()
		}
		bms, err := ev.term(field, q.Term)
		return bms, false, err == nil, err
	case *query.MatchAllQuery:
		return ev.all(), false, true, nil
	case *query.ConjunctionQuery:
		if len(q.Conjuncts) == 0 {
			return nil, false, false, nil
		}
		var acc []*roaring.Bitmap
		for _, c := range q.Conjuncts {
			bms, none, ok, err := ev.sub(c)
			if err != nil || !ok || none {
				return nil, false, false, err
			}
			acc = ev.and(acc, bms)
		}
		return acc, false, true, nil
	case *query.DisjunctionQuery:
		if len(q.Disjuncts) == 0 || q.Min > 1 {
			return nil, false, false, nil
		}
		parts := make([][]*roaring.Bitmap, 0, len(q.Disjuncts))
		for _, d := range q.Disjuncts {
			bms, none, ok, err := ev.sub(d)
			if err != nil || !ok || none {
				return nil, false, false, err
			}
			parts = append(parts, bms)
		}
		return ev.or(parts), false, true, nil
	case *query.BooleanQuery:
		return ev.boolean(q)
	}
	return nil, false, false, nil
}

// sub evaluates a clause: from postings when set can, else by its searcher.
func (ev *evaluator) sub(q query.Query) ([]*roaring.Bitmap, bool, bool, error) {
	bms, none, ok, err := ev.set(q)
	if err != nil || ok {
		return bms, none, ok, err
	}
	bms, none, err = ev.bySearcher(q)
	return bms, none, err == nil, err
}

// boolean follows BooleanQuery.Searcher and BooleanSearcher: must alone,
// should alone (its own minimum), must with an optional should, less
// must-not (from all documents when there is nothing else).
func (ev *evaluator) boolean(q *query.BooleanQuery) ([]*roaring.Bitmap, bool, bool, error) {
	if q.Filter != nil || (q.Must == nil && q.Should == nil && q.MustNot == nil) {
		return nil, false, false, nil
	}
	clause := func(c query.Query) ([]*roaring.Bitmap, bool, error) {
		if c == nil {
			return nil, true, nil
		}
		bms, none, ok, err := ev.sub(c)
		// a match-none clause is dropped by bleve: not modelled
		return bms, ok && !none, err
	}
	must, ok, err := clause(q.Must)
	if err != nil || !ok {
		return nil, false, false, err
	}
	should, ok, err := clause(q.Should)
	if err != nil || !ok {
		return nil, false, false, err
	}
	mustNot, ok, err := clause(q.MustNot)
	if err != nil || !ok {
		return nil, false, false, err
	}
	var base []*roaring.Bitmap
	switch {
	case must != nil && should != nil:
		// should is optional beside must when its minimum is zero. With a
		// minimum, an unscored search (the facet path this replaces) may
		// still take it as optional: bleve swaps a disjunction of terms
		// for one that reports no minimum. Not modelled.
		if d, isDisj := q.Should.(*query.DisjunctionQuery); !isDisj || d.Min > 0 {
			return nil, false, false, nil
		}
		base = must
	case must != nil:
		base = must
	case should != nil:
		if mustNot != nil { // a should-driven boolean searcher: not modelled
			return nil, false, false, nil
		}
		base = should
	default:
		base = ev.all()
	}
	if mustNot != nil {
		out := make([]*roaring.Bitmap, len(base))
		for i := range base {
			out[i] = roaring.AndNot(base[i], mustNot[i])
		}
		base = out
	}
	return base, false, true, nil
}

func (ev *evaluator) empty() []*roaring.Bitmap {
	out := make([]*roaring.Bitmap, len(ev.segs))
	for i := range out {
		out[i] = roaring.New()
	}
	return out
}

// all: every live document.
func (ev *evaluator) all() []*roaring.Bitmap {
	out := ev.empty()
	for i, s := range ev.segs {
		out[i].AddRange(0, s.count)
		if s.deleted != nil {
			out[i].AndNot(s.deleted)
		}
	}
	return out
}

// and intersects two sets (acc nil: b).
func (ev *evaluator) and(acc, b []*roaring.Bitmap) []*roaring.Bitmap {
	if acc == nil {
		return b
	}
	out := make([]*roaring.Bitmap, len(acc))
	for i := range acc {
		out[i] = roaring.And(acc[i], b[i])
	}
	return out
}

func (ev *evaluator) or(parts [][]*roaring.Bitmap) []*roaring.Bitmap {
	if len(parts) == 1 {
		return parts[0]
	}
	out := make([]*roaring.Bitmap, len(ev.segs))
	bms := make([]*roaring.Bitmap, len(parts))
	for i := range out {
		for j, p := range parts {
			bms[j] = p[i]
		}
		out[i] = roaring.FastOr(bms...)
	}
	return out
}

// term: the live documents holding term in field.
func (ev *evaluator) term(field, term string) ([]*roaring.Bitmap, error) {
	out := make([]*roaring.Bitmap, len(ev.segs))
	for i, s := range ev.segs {
		dict, err := s.seg.Dictionary(field)
		if err != nil {
			return nil, err
		}
		// with deletions the list's bitmap is a new one without them
		pl, err := dict.PostingsList([]byte(term), s.deleted, nil)
		if err != nil {
			return nil, err
		}
		if out[i], _, err = postingsBitmap(pl.Iterator(false, false, false, nil)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// bySearcher runs q's searcher unscored and gathers its documents. none:
// bleve made a match-none searcher of q.
func (ev *evaluator) bySearcher(q query.Query) ([]*roaring.Bitmap, bool, error) {
	ev.searchers++
	s, err := q.Searcher(ev.ctx, ev.snap, ev.m, search.SearcherOptions{Score: "none"})
	if err != nil {
		return nil, false, err
	}
	defer s.Close()
	out := ev.empty()
	if _, ok := s.(*searcher.MatchNoneSearcher); ok {
		return out, true, nil
	}
	sctx := &search.SearchContext{
		DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize(), 0),
		IndexReader:       ev.snap,
	}
	seg := 0
	for n := 0; ; n++ {
		if n&1023 == 0 {
			if err := ev.ctx.Err(); err != nil {
				return nil, false, err
			}
		}
		dm, err := s.Next(sctx)
		if err != nil {
			return nil, false, err
		}
		if dm == nil {
			break
		}
		num := dm.IndexInternalID.Value()
		// searchers go in document order; the search is for safety
		if num < ev.segs[seg].offset || (seg+1 < len(ev.segs) && num >= ev.segs[seg+1].offset) {
			seg = sort.Search(len(ev.segs), func(i int) bool { return ev.segs[i].offset > num }) - 1
		}
		out[seg].Add(uint32(num - ev.segs[seg].offset))
		sctx.DocumentMatchPool.Put(dm)
	}
	return out, false, nil
}

// facetPostings is one segment's postings of the facet fields, by
// FacetNames, copied out of the segment so that they outlive the snapshot
// they were read in: segments never change, so they are read once.
type facetPostings [][]facetTerm

type facetTerm struct {
	term string
	bm   *roaring.Bitmap // deleted documents included
}

// facetCache keeps the facet postings of the segments the last search saw,
// by segment id (unique for the life of the index).
type facetCache struct {
	mu   sync.Mutex
	segs map[uint64]facetPostings
}

func (c *facetCache) get(id uint64) facetPostings {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.segs[id]
}

// keep stores fp for segment id and forgets the segments not in live
// (merged away). Two searches on different snapshots may forget each
// other's segments: they read them again.
func (c *facetCache) keep(id uint64, fp facetPostings, live map[uint64]bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.segs == nil {
		c.segs = map[uint64]facetPostings{}
	}
	c.segs[id] = fp
	for k := range c.segs {
		if !live[k] {
			delete(c.segs, k)
		}
	}
}

// readFacetPostings copies the facet fields' postings out of a segment.
func readFacetPostings(ctx context.Context, seg zseg.Segment) (facetPostings, error) {
	fp := make(facetPostings, len(FacetNames))
	for f, name := range FacetNames {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		dict, err := seg.Dictionary(facetFields[name])
		if err != nil {
			return nil, err
		}
		terms := dict.AutomatonIterator(nil, nil, nil)
		var pl zseg.PostingsList
		var it zseg.PostingsIterator
		for {
			de, err := terms.Next()
			if err != nil {
				return nil, err
			}
			if de == nil {
				break
			}
			pl, err = dict.PostingsList([]byte(de.Term), nil, pl)
			if err != nil {
				return nil, err
			}
			it = pl.Iterator(false, false, false, it)
			bm, err := ownBitmap(it)
			if err != nil {
				return nil, err
			}
			if !bm.IsEmpty() {
				fp[f] = append(fp[f], facetTerm{term: de.Term, bm: bm})
			}
		}
	}
	return fp, nil
}

// ownBitmap copies an iterator's postings into a new bitmap.
func ownBitmap(it zseg.PostingsIterator) (*roaring.Bitmap, error) {
	bm, shared, err := postingsBitmap(it)
	if shared {
		bm = bm.Clone() // it may point into the segment's file
	}
	return bm, err
}

// postingsBitmap is an iterator's postings as a bitmap; shared: it is the
// postings list's own (read-only, and it may point into the segment's
// file).
func postingsBitmap(it zseg.PostingsIterator) (bm *roaring.Bitmap, shared bool, err error) {
	if o, ok := it.(zseg.OptimizablePostingsIterator); ok {
		if bm := o.ActualBitmap(); bm != nil {
			return bm, true, nil
		}
		if d, ok := o.DocNum1Hit(); ok {
			return roaring.BitmapOf(uint32(d)), false, nil
		}
		return roaring.New(), false, nil
	}
	bm = roaring.New()
	for {
		p, err := it.Next()
		if err != nil {
			return nil, false, err
		}
		if p == nil {
			return bm, false, nil
		}
		bm.Add(uint32(p.Number()))
	}
}

// countFacets counts, for each facet and term, the hits holding it.
func (ix *Index) countFacets(ev *evaluator, hits []*roaring.Bitmap) ([]map[string]int, error) {
	counts := make([]map[string]int, len(FacetNames))
	for f := range counts {
		counts[f] = map[string]int{}
	}
	live := make(map[uint64]bool, len(ev.segs))
	for _, s := range ev.segs {
		live[s.id] = true
	}
	var dense []uint64
	var buf []uint32
	for i, s := range ev.segs {
		h := hits[i]
		if h.IsEmpty() {
			continue
		}
		fp := ix.fcache.get(s.id)
		if fp == nil {
			var err error
			if fp, err = readFacetPostings(ev.ctx, s.seg); err != nil {
				return nil, err
			}
			ix.fcache.keep(s.id, fp, live)
		}
		nh := h.GetCardinality()
		// roaring keeps at most 4096 documents of each 65536 as a sorted
		// array, more as a bitset; each term's AND-cardinality with an
		// array walks the array, so with many terms and array-held hits a
		// bitset of the hits, probed with each term's postings, costs less
		// (once every document of the segment instead of once every hit
		// for each term)
		chunks := (s.count + 65535) >> 16
		arrays := nh <= 4096*chunks
		var terms uint64
		for _, ts := range fp {
			terms += uint64(len(ts))
		}
		useDense := arrays && terms*nh > 4*s.count
		if useDense {
			dense = denseOf(h, s.count, dense)
		}
		for f, ts := range fp {
			for _, t := range ts {
				var n int
				if useDense {
					n, buf = probe(dense, t.bm, buf)
				} else {
					n = int(h.AndCardinality(t.bm))
				}
				if n > 0 {
					counts[f][t.term] += n
				}
			}
		}
	}
	return counts, nil
}

// denseOf writes h as a bitset of count bits into buf (reused).
func denseOf(h *roaring.Bitmap, count uint64, buf []uint64) []uint64 {
	words := int((count + 63) / 64)
	if cap(buf) < words {
		buf = make([]uint64, words)
	}
	buf = buf[:words]
	clear(buf)
	it := h.ManyIterator()
	var vals [256]uint32
	for {
		n := it.NextMany(vals[:])
		if n == 0 {
			return buf
		}
		for _, v := range vals[:n] {
			if int(v>>6) < words {
				buf[v>>6] |= 1 << (v & 63)
			}
		}
	}
}

// probe counts the members of bm set in dense.
func probe(dense []uint64, bm *roaring.Bitmap, buf []uint32) (int, []uint32) {
	if cap(buf) < 256 {
		buf = make([]uint32, 256)
	}
	buf = buf[:256]
	it := bm.ManyIterator()
	n := 0
	for {
		k := it.NextMany(buf)
		if k == 0 {
			return n, buf
		}
		for _, v := range buf[:k] {
			if w := int(v >> 6); w < len(dense) {
				n += int(dense[w] >> (v & 63) & 1)
			}
		}
	}
}
