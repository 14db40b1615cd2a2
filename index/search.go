package index

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Result is one page of a search.
type Result struct {
	// Total counts matching posts (matching versions with AllVersions).
	Total uint64
	// Estimated: Total is an estimate (one hit per post, a broad query and
	// several matching versions of some posts): it lies between
	// Total and TotalVersions.
	Estimated bool
	// TotalVersions counts matching versions.
	TotalVersions uint64
	Hits          []Hit
	// Facets, when asked: keys actor, affiliation, reason, platform, month
	// (YYYY-MM of published); each list by count, then term.
	Facets map[string][]FacetCount
	// FacetsFrom says who counted the facets: "postings" (the index, from
	// its postings bitmaps), "index" (the index, walking every hit: an index
	// that cannot be read by postings) or "aggregates".
	FacetsFrom string
	// FacetsOfVersions: the facets count matching versions, not posts
	// (Total is estimated: too many versions matched to tell them apart),
	// so an edited post may count once per matching version.
	FacetsOfVersions bool
	Took             time.Duration
	// Wider: when a word of Khmer (Thai, Lao, Burmese) found nothing and
	// Query.Wider asked, the same word with *, which lets its last cluster have more signs in the
	// text than typed (រដ្ឋ* finds រដ្ឋាភិបាល), and WiderTotal the posts
	// that finds with the same filters; "" when it finds none too.
	Wider      string
	WiderTotal uint64
	// Hint: when the query found nothing and holds a ?, a leading *, a ~
	// or a /regular expression/ on the text, why that may be (they match
	// the index's terms, which for stemmed languages are stems) and what
	// to type instead; "" otherwise.
	Hint string
}

// Hit is one matching version.
type Hit struct {
	PostID    string
	VersionID int64
	Version   int // 1-based ordinal of the version that matched
	Score     float64
	// Snippet is HTML: the matched terms in <mark>…</mark>, everything
	// else escaped. Empty unless Query.Highlight.
	Snippet                        string
	Actor, State, Reason, Platform string
	Published, RemovedAt           time.Time
}

// FacetCount is one term of a facet and how many hits have it.
type FacetCount struct {
	Term  string
	Count int
}

// FacetNames are the facets Search fills.
var FacetNames = []string{"actor", "affiliation", "reason", "platform", "month"}

var facetFields = map[string]string{
	"actor": FieldActor, "affiliation": FieldAffiliation, "reason": FieldReason,
	"platform": FieldPlatform, "month": FieldMonth,
}

// FacetSize is how many terms each facet lists at most.
const FacetSize = 50

// Aggregates lets broad queries take counts from the store (SQL counts it
// already keeps) instead of the index walking every hit. Search consults it
// when the query has no text part (for the total and, when asked, the
// facets), or when it has one and matches more than
// Options.AggregateThreshold versions (for the facets); a store that cannot
// answer a query (one with text, for a store without full-text counts, or a
// filter it keeps no counts for) returns nil and the index counts itself.
type Aggregates interface {
	// Aggregate counts the posts matching q and, for each name in facets
	// (FacetNames; none when the caller wants no facets), the top size terms
	// by count among them. nil, nil: it cannot answer q.
	Aggregate(ctx context.Context, q Query, facets []string, size int) (*Aggregate, error)
}

// Aggregate is a store's answer.
type Aggregate struct {
	Total  uint64 // posts matching the query
	Facets map[string][]FacetCount
}

var hitFields = []string{FieldPostID, FieldVersion, FieldActor, FieldState, FieldReason, FieldPlatform, FieldPublished, FieldRemovedAt}

// Search runs q. The page is found without loading stored fields (doc ids
// carry the post id, so versions fold by id); the page's hits alone then load
// their fields (and term locations, for snippets). A query without text in
// the default order takes any matching documents in index order (no ranking
// to do), with the total from Aggregates or from a count.
func (ix *Index) Search(ctx context.Context, q Query) (*Result, error) {
	// (search parses its own copy: the rewrite changes the one it parses)
	var parsed query.Query
	if q.HasText() {
		parsed, _ = query.NewQueryStringQuery(protectDigits(q.Q)).Parse()
	}
	if parsed != nil && isHeavy(parsed) {
		// A regular expression costs up to seconds of a core before the
		// search can be cancelled (checkRegexp): one at a time, so that
		// many cannot take every core and the memory they build.
		select {
		case heavy <- struct{}{}:
			defer func() { <-heavy }()
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	r, err := ix.search(ctx, q)
	if err != nil || r.Total > 0 || q.Offset > 0 {
		return r, err
	}
	if parsed != nil {
		r.Hint = termHint(parsed, ix.an.textFlags)
	}
	if !q.Wider {
		return r, nil
	}
	// A Khmer reader types a word as it reads, and the text may have
	// joined a vowel to its last cluster: say so rather than only "none".
	if w := ix.widerWord(q.Q); w != "" {
		wq := q
		wq.Q, wq.Limit, wq.Facets, wq.Highlight = w, 1, false, false
		if wr, err := ix.search(ctx, wq); err == nil && wr.Total > 0 {
			r.Wider, r.WiderTotal = w, wr.Total
		}
	}
	return r, nil
}

// heavy admits one search with a regular expression at a time in the
// process, not per index: the cores it guards are the process's, and serve
// holds two indexes while a reindex builds the new one.
var heavy = make(chan struct{}, 1)

// widerWord returns s with * when s is one word of the clustered scripts
// and nothing else (no operator, phrase or wildcard); "" otherwise.
func (ix *Index) widerWord(s string) string {
	s = strings.TrimSpace(s)
	if strings.ContainsAny(s, " \t\n+-\"*?:^~()[]{}!/\\") || clusterRuns(s, ix.an.textFlags) == nil {
		return ""
	}
	return s + "*"
}

func (ix *Index) search(ctx context.Context, q Query) (*Result, error) {
	start := time.Now()
	ix.adviseSegments()
	bq, err := ix.bleveQuery(q)
	if err != nil {
		return nil, err
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 20
	}
	offset := max(q.Offset, 0)
	hasText := q.HasText()
	r := &Result{}

	var agg *Aggregate
	if ix.opts.Aggregates != nil && !hasText {
		var names []string
		if q.Facets {
			names = FacetNames
		}
		if agg, err = ix.opts.Aggregates.Aggregate(ctx, q, names, FacetSize); err != nil {
			return nil, fmt.Errorf("index: aggregates: %w", err)
		}
		if agg != nil && q.Facets {
			r.Facets, r.FacetsFrom = completeFacets(agg.Facets), "aggregates"
		}
	}
	facetsInPage := q.Facets && r.Facets == nil && (ix.opts.Aggregates == nil || !hasText)
	unordered := !hasText && q.Sort != "newest" && q.Sort != "removed"
	var counted *postingsCount // facets and versions counted from postings
	if facetsInPage {
		if counted, err = ix.postingsFacetsOrNil(ctx, bq); err != nil {
			return nil, err
		}
		if counted != nil {
			r.Facets, r.FacetsFrom = counted.facets, "postings"
			facetsInPage = false
		}
	}

	// 1. the page's doc ids, folding versions of a post into the first
	want := offset + limit
	window := want
	if !q.AllVersions {
		window = 2*want + 10
	}
	var ids []string
	scores := map[string]float64{}
	seen := map[string]bool{}
	var total uint64
	for from := 0; ; {
		req := bleve.NewSearchRequestOptions(bq, window-from, from, false)
		ix.setSort(req, q)
		if from == 0 && facetsInPage {
			addFacetRequests(req)
		}
		res, err := ix.bi.SearchInContext(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("index: search: %w", err)
		}
		if from == 0 {
			total = res.Total
			if facetsInPage {
				r.Facets, r.FacetsFrom = convertFacets(res.Facets), "index"
			}
		}
		for _, dm := range res.Hits {
			pid, _ := splitDocID(dm.ID)
			if !q.AllVersions {
				if seen[pid] {
					continue
				}
				seen[pid] = true
			}
			ids = append(ids, dm.ID)
			scores[dm.ID] = dm.Score
		}
		asked := window - from
		from += len(res.Hits)
		if q.AllVersions || len(ids) >= want || len(res.Hits) < asked {
			break
		}
		window *= 2
	}

	// 2. totals: in index order bleve stops at the page, so count apart
	if unordered && !facetsInPage {
		if agg != nil && !q.AllVersions {
			total = agg.Total // posts, as the store counts them
		} else if counted != nil {
			total = counted.versions
		} else {
			req := bleve.NewSearchRequestOptions(bq, 0, 0, false)
			req.Score = "none"
			res, err := ix.bi.SearchInContext(ctx, req)
			if err != nil {
				return nil, fmt.Errorf("index: count: %w", err)
			}
			total = res.Total
		}
	}
	r.Total, r.TotalVersions = total, total
	var onePerPost []string // one matching version of each post, when fewer posts than versions matched
	if !q.AllVersions && total > 0 {
		if agg != nil && unordered && !facetsInPage {
			r.TotalVersions = 0 // unknown: the store counted posts
		} else {
			r.Total, r.Estimated, onePerPost, err = ix.countPosts(ctx, bq, total, uint64(len(seen)) == total)
			if err != nil {
				return nil, err
			}
		}
	}

	// 3. the page's fields
	if offset < len(ids) {
		ids = ids[offset:min(len(ids), offset+limit)]
	} else {
		ids = nil
	}
	if len(ids) > 0 {
		pq := query.NewConjunctionQuery([]query.Query{bq, query.NewDocIDQuery(ids)})
		req := bleve.NewSearchRequestOptions(pq, len(ids), 0, false)
		req.Score = "none"
		req.Fields = hitFields
		if q.Highlight {
			req.Fields = append([]string{FieldText}, hitFields...)
			req.IncludeLocations = true
		}
		res, err := ix.bi.SearchInContext(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("index: load hits: %w", err)
		}
		byID := map[string]*search.DocumentMatch{}
		for _, dm := range res.Hits {
			byID[dm.ID] = dm
		}
		for _, id := range ids {
			dm := byID[id]
			if dm == nil { // deleted between the two searches
				continue
			}
			h := hitFrom(dm)
			h.Score = scores[id]
			if q.Highlight {
				h.Snippet = snippet(dm)
			}
			r.Hits = append(r.Hits, h)
		}
	}

	// 4. facets of a text query: the store when broad (if it can), else the index
	// Facets count posts, as Total does: with fewer posts than versions
	// matched, over one version of each post (counted from versions
	// already, they are counted again), else, when the posts were only
	// estimated, over versions, and said so.
	versionsOnly := q.Facets && r.FacetsFrom != "aggregates" && !q.AllVersions && r.Total < r.TotalVersions
	if versionsOnly && onePerPost != nil {
		r.Facets, r.FacetsFrom = nil, ""
		bq = query.NewConjunctionQuery([]query.Query{bq, query.NewDocIDQuery(onePerPost)})
	}
	if q.Facets && r.Facets == nil {
		if ix.opts.Aggregates != nil && total > ix.opts.AggregateThreshold {
			a, err := ix.opts.Aggregates.Aggregate(ctx, q, FacetNames, FacetSize)
			if err != nil {
				return nil, fmt.Errorf("index: aggregates: %w", err)
			}
			if a != nil {
				r.Facets, r.FacetsFrom = completeFacets(a.Facets), "aggregates"
			}
		}
		if r.Facets == nil {
			c, err := ix.postingsFacetsOrNil(ctx, bq)
			if err != nil {
				return nil, err
			}
			if c != nil {
				r.Facets, r.FacetsFrom = c.facets, "postings"
			}
		}
		if r.Facets == nil {
			if r.Facets, err = ix.hitFacets(ctx, bq); err != nil {
				return nil, err
			}
			r.FacetsFrom = "index"
		}
	}
	r.FacetsOfVersions = versionsOnly && onePerPost == nil && r.FacetsFrom != "aggregates"
	r.Took = time.Since(start)
	return r, nil
}

// hitFacets counts facets bleve's way, walking every hit's doc values.
func (ix *Index) hitFacets(ctx context.Context, bq query.Query) (map[string][]FacetCount, error) {
	req := bleve.NewSearchRequestOptions(bq, 0, 0, false)
	req.Score = "none"
	addFacetRequests(req)
	res, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("index: search facets: %w", err)
	}
	return convertFacets(res.Facets), nil
}

func completeFacets(f map[string][]FacetCount) map[string][]FacetCount {
	out := map[string][]FacetCount{}
	for _, n := range FacetNames {
		out[n] = append([]FacetCount{}, f[n]...)
	}
	return out
}

// countPosts counts the posts among total matching versions. When no
// document of the index is a later version (version ≥ 2), or no matching one
// is, each hit is a post; else, up to CollapseExactLimit versions, the hits
// are walked; beyond, total − (matching later versions) is a lower bound and
// total an upper one: the estimate is their middle.
// When it walked them and found fewer posts than versions, it returns one
// matching version of each post too (for facets that count posts).
func (ix *Index) countPosts(ctx context.Context, bq query.Query, total uint64, complete bool) (uint64, bool, []string, error) {
	ix.mu.RLock()
	multi := ix.multi
	ix.mu.RUnlock()
	if complete || !multi {
		return total, false, nil, nil
	}
	vq := query.NewTermQuery("1")
	vq.SetField(FieldLater)
	req := bleve.NewSearchRequestOptions(query.NewConjunctionQuery([]query.Query{bq, vq}), 0, 0, false)
	req.Score = "none"
	res, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return 0, false, nil, fmt.Errorf("index: count posts: %w", err)
	}
	later := res.Total
	if later == 0 {
		return total, false, nil, nil
	}
	if total <= uint64(ix.opts.CollapseExactLimit) {
		req := bleve.NewSearchRequestOptions(bq, int(total), 0, false)
		req.Score = "none"
		req.SortBy([]string{"_id"})
		res, err := ix.bi.SearchInContext(ctx, req)
		if err != nil {
			return 0, false, nil, fmt.Errorf("index: count posts: %w", err)
		}
		posts := map[string]struct{}{}
		var one []string
		for _, h := range res.Hits {
			p, _ := splitDocID(h.ID)
			if _, ok := posts[p]; !ok {
				posts[p] = struct{}{}
				one = append(one, h.ID)
			}
		}
		if uint64(len(one)) == total {
			one = nil
		}
		return uint64(len(posts)), false, one, nil
	}
	return total - later/2, true, nil, nil
}

func (ix *Index) setSort(req *bleve.SearchRequest, q Query) {
	switch q.Sort {
	case "newest":
		req.SortBy([]string{"-" + FieldPublished})
		req.Score = "none"
	case "removed":
		req.SortBy([]string{"-" + FieldRemovedAt, "-" + FieldPublished})
		req.Score = "none"
	default:
		if !q.HasText() { // nothing to rank: index order, no sorting cost
			req.Score = "none"
		}
	}
}

func addFacetRequests(req *bleve.SearchRequest) {
	for _, n := range FacetNames {
		req.AddFacet(n, bleve.NewFacetRequest(facetFields[n], FacetSize))
	}
}

func convertFacets(fr search.FacetResults) map[string][]FacetCount {
	out := map[string][]FacetCount{}
	for _, n := range FacetNames {
		list := []FacetCount{}
		if f := fr[n]; f != nil && f.Terms != nil {
			for _, t := range f.Terms.Terms() {
				list = append(list, FacetCount{Term: t.Term, Count: t.Count})
			}
		}
		SortFacet(list)
		out[n] = list
	}
	return out
}

// SortFacet orders a facet list by count (descending), then term.
func SortFacet(list []FacetCount) {
	sort.Slice(list, func(i, j int) bool {
		if list[i].Count != list[j].Count {
			return list[i].Count > list[j].Count
		}
		return list[i].Term < list[j].Term
	})
}

func hitFrom(dm *search.DocumentMatch) Hit {
	pid, vid := splitDocID(dm.ID)
	h := Hit{PostID: pid, VersionID: vid, Score: dm.Score}
	str := func(f string) string { s, _ := dm.Fields[f].(string); return s }
	if s := str(FieldPostID); s != "" {
		h.PostID = s
	}
	if v, ok := dm.Fields[FieldVersion].(float64); ok {
		h.Version = int(v)
	}
	h.Actor, h.State, h.Reason, h.Platform = str(FieldActor), str(FieldState), str(FieldReason), str(FieldPlatform)
	if t, err := time.Parse(time.RFC3339, str(FieldPublished)); err == nil {
		h.Published = t
	}
	if t, err := time.Parse(time.RFC3339, str(FieldRemovedAt)); err == nil {
		h.RemovedAt = t
	}
	return h
}
