package index

import (
	"bytes"
	"context"
	"math"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bindex "github.com/blevesearch/bleve_index_api"
)

// A Khmer (Thai, Lao, Burmese) word of three clusters or more is a phrase
// of cluster bigrams, and the commonest words are in most posts of their
// script: bleve's phrase searcher took 1.3 s for one that matched 327,000
// of 1,000,000 posts (an English word of 122,000 posts: 18 ms). It builds
// maps of every candidate's term locations to try any phrase shape. A
// sequence of single terms needs less: the documents all the terms'
// searchers agree on, and one position where term j sits j places after
// the first. termPhrase does just that, with bleve's term searchers and
// scores, and keeps only the locations of the phrase (for the snippet).

// termPhraseQuery matches the terms at consecutive positions of field.
type termPhraseQuery struct {
	terms []string
	field string
	boost float64
	// prefixLast: the last term matches every term it is a prefix of
	// (see khmerQuery)
	prefixLast bool
}

func newTermPhraseQuery(terms []string, field string) *termPhraseQuery {
	return &termPhraseQuery{terms: terms, field: field, boost: 1}
}

func (q *termPhraseQuery) SetBoost(b float64) { q.boost = b }
func (q *termPhraseQuery) Boost() float64     { return q.boost }

func (q *termPhraseQuery) Searcher(ctx context.Context, r bindex.IndexReader, _ mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	highlight := options.IncludeTermVectors
	options.IncludeTermVectors = true // positions
	s := &termPhraseSearcher{highlight: highlight}
	for i, t := range q.terms {
		newSearcher := searcher.NewTermSearcher
		if q.prefixLast && i == len(q.terms)-1 {
			newSearcher = searcher.NewTermPrefixSearcher
		}
		ts, err := newSearcher(ctx, r, t, q.field, q.boost, options)
		if err != nil {
			s.Close()
			return nil, err
		}
		s.terms = append(s.terms, ts)
	}
	s.curr = make([]*search.DocumentMatch, len(s.terms))
	s.pos = make([][]uint64, len(s.terms))
	var sum float64
	for _, ts := range s.terms {
		sum += ts.Weight()
	}
	if sum > 0 {
		s.SetQueryNorm(1 / math.Sqrt(sum))
	}
	return s, nil
}

var _ query.BoostableQuery = (*termPhraseQuery)(nil)

// termPhraseSearcher steps its term searchers to the documents they all
// hold, as a conjunction does, and keeps those with the phrase.
type termPhraseSearcher struct {
	terms     []search.Searcher
	curr      []*search.DocumentMatch // each term's current document; nil: not read yet or taken
	pos       [][]uint64              // scratch: each term's positions in the current document
	highlight bool
	done      bool
	err       error
}

func (s *termPhraseSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	return s.seek(ctx, nil)
}

func (s *termPhraseSearcher) Advance(ctx *search.SearchContext, id bindex.IndexInternalID) (*search.DocumentMatch, error) {
	return s.seek(ctx, id)
}

// seek returns the first document at or after id (nil: after the last one
// returned) that holds the phrase.
func (s *termPhraseSearcher) seek(ctx *search.SearchContext, id bindex.IndexInternalID) (*search.DocumentMatch, error) {
	if s.done {
		return nil, nil
	}
	// Every term to a document at or after the target: id, or past the
	// last hit (whose matches were taken, leaving nil).
	for i, dm := range s.curr {
		if dm == nil || id != nil && bytes.Compare(dm.IndexInternalID, id) < 0 {
			if !s.step(ctx, i, id) {
				return nil, s.err
			}
		}
	}
	for {
		// the furthest document any term is on: the others must reach it
		hi := s.curr[0].IndexInternalID
		for _, dm := range s.curr[1:] {
			if bytes.Compare(dm.IndexInternalID, hi) > 0 {
				hi = dm.IndexInternalID
			}
		}
		agree := true
		for i, dm := range s.curr {
			if bytes.Compare(dm.IndexInternalID, hi) < 0 {
				if !s.step(ctx, i, hi) {
					return nil, s.err
				}
				agree = false
				break // hi may belong to a match step recycled: compare afresh
			}
		}
		if !agree {
			continue
		}
		if hit := s.phrase(ctx); hit != nil {
			return hit, nil
		}
		// Not the phrase: the first term past this document.
		if !s.step(ctx, 0, nil) {
			return nil, s.err
		}
	}
}

// step moves term i to its first document at or after id, or (id nil) to
// its next one, recycling its current match; false when it has none left
// (s.done) or failed (s.err).
func (s *termPhraseSearcher) step(ctx *search.SearchContext, i int, id bindex.IndexInternalID) bool {
	var dm *search.DocumentMatch
	if id != nil {
		dm, s.err = s.terms[i].Advance(ctx, id)
	} else {
		dm, s.err = s.terms[i].Next(ctx)
	}
	if cur := s.curr[i]; cur != nil {
		ctx.DocumentMatchPool.Put(cur)
	}
	s.curr[i] = dm
	if dm == nil || s.err != nil {
		s.done = true
		return false
	}
	return true
}

// phrase returns the hit when the current document (every term on it)
// holds the terms at consecutive positions, and takes the terms' matches
// off; nil when it does not, leaving them.
func (s *termPhraseSearcher) phrase(ctx *search.SearchContext) *search.DocumentMatch {
	for i, dm := range s.curr {
		s.pos[i] = s.pos[i][:0]
		for _, l := range dm.FieldTermLocations {
			s.pos[i] = append(s.pos[i], l.Location.Pos)
		}
	}
	var starts []uint64
	for _, p := range s.pos[0] {
		if s.startsAt(p) {
			starts = append(starts, p)
			if !s.highlight {
				break
			}
		}
	}
	if len(starts) == 0 {
		return nil
	}
	hit := s.curr[0]
	var score float64
	for _, dm := range s.curr {
		score += dm.Score
	}
	hit.Score = score
	var locs []search.FieldTermLocation
	if s.highlight {
		for i, dm := range s.curr {
			for _, l := range dm.FieldTermLocations {
				for _, p := range starts {
					if l.Location.Pos == p+uint64(i) {
						locs = append(locs, l)
						break
					}
				}
			}
		}
	}
	hit.FieldTermLocations = locs
	s.curr[0] = nil
	for i := 1; i < len(s.curr); i++ {
		ctx.DocumentMatchPool.Put(s.curr[i])
		s.curr[i] = nil
	}
	return hit
}

// startsAt: term i is at position p+i for every i.
func (s *termPhraseSearcher) startsAt(p uint64) bool {
	for i := 1; i < len(s.pos); i++ {
		found := false
		for _, q := range s.pos[i] {
			if q == p+uint64(i) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func (s *termPhraseSearcher) Close() error {
	var first error
	for _, ts := range s.terms {
		if err := ts.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

func (s *termPhraseSearcher) Weight() float64 {
	var w float64
	for _, ts := range s.terms {
		w += ts.Weight()
	}
	return w
}

func (s *termPhraseSearcher) SetQueryNorm(n float64) {
	for _, ts := range s.terms {
		ts.SetQueryNorm(n)
	}
}

// Count is at most the rarest term's count.
func (s *termPhraseSearcher) Count() uint64 {
	var c uint64
	for i, ts := range s.terms {
		if n := ts.Count(); i == 0 || n < c {
			c = n
		}
	}
	return c
}

func (s *termPhraseSearcher) Min() int { return 0 }

func (s *termPhraseSearcher) Size() int {
	n := 64
	for _, ts := range s.terms {
		n += ts.Size()
	}
	return n
}

func (s *termPhraseSearcher) DocumentMatchPoolSize() int {
	n := 1
	for _, ts := range s.terms {
		n += ts.DocumentMatchPoolSize()
	}
	return n
}
