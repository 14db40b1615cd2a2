package main

import (
	"context"
	"fmt"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/takedownwatch/takedownwatch/index"
)

// projectEngine drives package index, as serve and search will.
type projectEngine struct {
	dir string
	agg index.Aggregates
	ix  *index.Index
}

func openProject(dir string, agg index.Aggregates) (*projectEngine, error) {
	ix, err := index.Open(dir, index.Options{})
	if err != nil {
		return nil, err
	}
	return &projectEngine{dir: dir, agg: agg, ix: ix}, nil
}

func (p *projectEngine) put(ctx context.Context, docs []index.Doc, mark string) error {
	return p.ix.Put(ctx, docs, mark)
}
func (p *projectEngine) close() error { return p.ix.Close() }
func (p *projectEngine) reopen() error {
	ix, err := index.Open(p.dir, index.Options{Aggregates: p.agg})
	p.ix = ix
	return err
}
func (p *projectEngine) docCount() (uint64, error) { return p.ix.DocCount() }
func (p *projectEngine) waitMerged(ctx context.Context, quiet time.Duration) error {
	return p.ix.WaitMerged(ctx, quiet)
}

func (p *projectEngine) search(ctx context.Context, q index.Query) (uint64, string, error) {
	r, err := p.ix.Search(ctx, q)
	if err != nil {
		return 0, "", err
	}
	return r.Total, r.FacetsFrom, nil
}
func (p *projectEngine) match(ctx context.Context, w string) (uint64, error) {
	n, _, err := p.search(ctx, index.Query{Q: w})
	return n, err
}
func (p *projectEngine) and(ctx context.Context, w1, w2 string) (uint64, error) {
	n, _, err := p.search(ctx, index.Query{Q: "+" + w1 + " +" + w2})
	return n, err
}
func (p *projectEngine) phrase(ctx context.Context, ph string) (uint64, error) {
	n, _, err := p.search(ctx, index.Query{Q: `"` + ph + `"`})
	return n, err
}
func (p *projectEngine) facetsText(ctx context.Context, w string) (uint64, string, error) {
	return p.search(ctx, index.Query{Q: w, Facets: true})
}
func (p *projectEngine) facetsFilter(ctx context.Context, aff string) (uint64, string, error) {
	return p.search(ctx, index.Query{Affiliations: []string{aff}, Facets: true})
}
func (p *projectEngine) dateRange(ctx context.Context, since, until time.Time) (uint64, error) {
	n, _, err := p.search(ctx, index.Query{Since: since, Until: until, Sort: "newest"})
	return n, err
}

// rawEngine is bleve as the issue measured it: a lean explicit mapping (the
// standard analyzer on the text, stored, with term vectors for phrases, no
// doc values on it, no _all), keyword fields with doc values for facets,
// dates with doc values for sorting; documents mapped by bleve from maps.
//
// The engine "raw-km" is the same with the project's text analyzer in place
// of the standard one: what bleve costs once it is given the Khmer clusters
// to index (the standard analyzer makes no tokens of Khmer), without the
// project's pairs field, stemming or stored aggregates.
type rawEngine struct {
	dir string
	bi  bleve.Index
}

var rawFields = []string{"actor", "state", "reason", "platform", "published", "removed_at"}

// rawMapping is the raw engines' mapping, with textAnalyzer on the text.
func rawMapping(textAnalyzer string) mapping.IndexMapping {
	im := bleve.NewIndexMapping()
	im.IndexDynamic, im.StoreDynamic, im.DocValuesDynamic = false, false, false
	im.DefaultAnalyzer = textAnalyzer
	dm := bleve.NewDocumentStaticMapping()
	text := bleve.NewTextFieldMapping()
	text.Analyzer = textAnalyzer
	text.Store, text.IncludeTermVectors, text.IncludeInAll, text.DocValues = true, true, false, false
	dm.AddFieldMappingsAt("text", text)
	for _, f := range []string{"post_id", "actor", "affiliation", "platform", "source", "state", "reason", "language", "month"} {
		k := bleve.NewKeywordFieldMapping()
		k.Analyzer = keyword.Name
		k.IncludeInAll, k.IncludeTermVectors = false, false
		k.Store = f == "actor" || f == "state" || f == "reason" || f == "platform" || f == "post_id"
		k.DocValues = f == "actor" || f == "affiliation" || f == "reason" || f == "platform" || f == "month"
		dm.AddFieldMappingsAt(f, k)
	}
	for _, f := range []string{"published", "removed_at"} {
		d := bleve.NewDateTimeFieldMapping()
		d.Store, d.DocValues, d.IncludeInAll = true, true, false
		dm.AddFieldMappingsAt(f, d)
	}
	im.DefaultMapping = dm
	return im
}

// openRaw creates a raw index in dir with textAnalyzer on its text, or
// (reuse) opens the one there.
func openRaw(dir string, reuse bool, textAnalyzer string) (*rawEngine, error) {
	var bi bleve.Index
	var err error
	if reuse {
		bi, err = bleve.Open(dir)
	} else {
		bi, err = bleve.New(dir, rawMapping(textAnalyzer))
	}
	if err != nil {
		return nil, err
	}
	return &rawEngine{dir: dir, bi: bi}, nil
}

func (r *rawEngine) put(_ context.Context, docs []index.Doc, _ string) error {
	b := r.bi.NewBatch()
	for i := range docs {
		d := &docs[i]
		m := map[string]any{
			"post_id": d.PostID, "text": d.Text, "actor": d.Actor, "affiliation": d.Affiliation,
			"platform": d.Platform, "source": d.Source, "state": d.State, "language": d.Language,
			"published": d.Published, "month": d.Published.UTC().Format("2006-01"),
		}
		if d.Reason != "" {
			m["reason"] = d.Reason
		}
		if !d.RemovedAt.IsZero() {
			m["removed_at"] = d.RemovedAt
		}
		if err := b.Index(fmt.Sprintf("%s/%d", d.PostID, d.VersionID), m); err != nil {
			return err
		}
	}
	return r.bi.Batch(b)
}
func (r *rawEngine) close() error { return r.bi.Close() }
func (r *rawEngine) reopen() error {
	bi, err := bleve.Open(r.dir)
	r.bi = bi
	return err
}
func (r *rawEngine) docCount() (uint64, error) { return r.bi.DocCount() }
func (r *rawEngine) waitMerged(ctx context.Context, quiet time.Duration) error {
	return index.WaitMerged(ctx, r.bi, quiet)
}

func (r *rawEngine) run(ctx context.Context, q query.Query, facets bool, sortBy ...string) (uint64, error) {
	req := bleve.NewSearchRequestOptions(q, 20, 0, false)
	req.Fields = rawFields
	if facets {
		for _, f := range []string{"actor", "affiliation", "reason", "platform", "month"} {
			req.AddFacet(f, bleve.NewFacetRequest(f, 50))
		}
	}
	if len(sortBy) > 0 {
		req.SortBy(sortBy)
	}
	res, err := r.bi.SearchInContext(ctx, req)
	if err != nil {
		return 0, err
	}
	return res.Total, nil
}

func match(w string) query.Query {
	q := query.NewMatchQuery(w)
	q.SetField("text")
	return q
}

func (r *rawEngine) match(ctx context.Context, w string) (uint64, error) {
	return r.run(ctx, match(w), false)
}
func (r *rawEngine) and(ctx context.Context, w1, w2 string) (uint64, error) {
	return r.run(ctx, query.NewConjunctionQuery([]query.Query{match(w1), match(w2)}), false)
}
func (r *rawEngine) phrase(ctx context.Context, p string) (uint64, error) {
	q := query.NewMatchPhraseQuery(p)
	q.SetField("text")
	return r.run(ctx, q, false)
}
func (r *rawEngine) facetsText(ctx context.Context, w string) (uint64, string, error) {
	n, err := r.run(ctx, match(w), true)
	return n, "index", err
}
func (r *rawEngine) facetsFilter(ctx context.Context, aff string) (uint64, string, error) {
	q := query.NewTermQuery(aff)
	q.SetField("affiliation")
	n, err := r.run(ctx, q, true)
	return n, "index", err
}
func (r *rawEngine) dateRange(ctx context.Context, since, until time.Time) (uint64, error) {
	t := true
	q := query.NewDateRangeInclusiveQuery(since, until, &t, &t)
	q.SetField("published")
	return r.run(ctx, q, false, "-published")
}
