package index

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"
)

// fakeAggregates is a hand-written fake of the store side.
type fakeAggregates struct {
	aggregate func(ctx context.Context, q Query, facets []string, size int) (*Aggregate, error)
	calls     []Query
}

func (f *fakeAggregates) Aggregate(ctx context.Context, q Query, facets []string, size int) (*Aggregate, error) {
	f.calls = append(f.calls, q)
	return f.aggregate(ctx, q, facets, size)
}

func TestSearch_aggregates(t *testing.T) {
	storeFacets := map[string][]FacetCount{"actor": {{Term: "from-store", Count: 99}}}
	fake := &fakeAggregates{aggregate: func(_ context.Context, q Query, facets []string, _ int) (*Aggregate, error) {
		if q.HasText() && q.Q != "broad" {
			return nil, nil // a store without full-text counts
		}
		a := &Aggregate{Total: 1234}
		if len(facets) > 0 {
			a.Facets = storeFacets
		}
		return a, nil
	}}
	ix, err := Open(filepath.Join(t.TempDir(), "ix"), Options{Aggregates: fake, AggregateThreshold: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	docs := []Doc{
		{PostID: "a", VersionID: 1, Version: 1, Text: "broad narrow", Actor: "x", Affiliation: "media"},
		{PostID: "b", VersionID: 2, Version: 1, Text: "broad", Actor: "y", Affiliation: "media"},
		{PostID: "c", VersionID: 3, Version: 1, Text: "broad", Actor: "y", Affiliation: "media"},
	}
	if err := ix.Put(t.Context(), docs, "1"); err != nil {
		t.Fatal(err)
	}

	// no text: totals and facets from the store
	res, err := ix.Search(t.Context(), Query{Affiliations: []string{"media"}, Facets: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.FacetsFrom != "aggregates" || !slices.Equal(res.Facets["actor"], storeFacets["actor"]) || res.Total != 1234 {
		t.Errorf("no-text query: from %q, facets %v, total %d", res.FacetsFrom, res.Facets, res.Total)
	}
	if len(res.Facets) != len(FacetNames) {
		t.Errorf("facet keys = %v, want all of %v", res.Facets, FacetNames)
	}
	if len(res.Hits) != 3 {
		t.Errorf("hits = %v", res.Hits)
	}

	// a narrow text query: the index counts
	res, err = ix.Search(t.Context(), Query{Q: "narrow", Facets: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.FacetsFrom != "postings" || !slices.Equal(res.Facets["actor"], []FacetCount{{"x", 1}}) || res.Total != 1 {
		t.Errorf("narrow query: from %q, facets %v, total %d", res.FacetsFrom, res.Facets, res.Total)
	}

	// a broad text query (3 hits > threshold 2): the store, which answers it
	res, err = ix.Search(t.Context(), Query{Q: "broad", Facets: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.FacetsFrom != "aggregates" || res.Total != 3 {
		t.Errorf("broad query: from %q, total %d", res.FacetsFrom, res.Total)
	}

	// a broad text query the store declines: the index
	if err := ix.Put(t.Context(), []Doc{{PostID: "d", VersionID: 4, Version: 1, Text: "wide", Actor: "z"},
		{PostID: "e", VersionID: 5, Version: 1, Text: "wide", Actor: "z"}, {PostID: "f", VersionID: 6, Version: 1, Text: "wide", Actor: "z"}}, "2"); err != nil {
		t.Fatal(err)
	}
	res, err = ix.Search(t.Context(), Query{Q: "wide", Facets: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.FacetsFrom != "postings" || !slices.Equal(res.Facets["actor"], []FacetCount{{"z", 3}}) {
		t.Errorf("declined broad query: from %q, facets %v", res.FacetsFrom, res.Facets)
	}

	// no facets asked: a no-text query still takes its total from the store
	n := len(fake.calls)
	res, err = ix.Search(t.Context(), Query{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1234 || len(fake.calls) != n+1 || res.Facets != nil {
		t.Errorf("no facets: total %d, calls %d, facets %v", res.Total, len(fake.calls)-n, res.Facets)
	}

	// a store error is the search's error
	boom := errors.New("boom")
	fake.aggregate = func(context.Context, Query, []string, int) (*Aggregate, error) { return nil, boom }
	if _, err := ix.Search(t.Context(), Query{Facets: true}); !errors.Is(err, boom) {
		t.Errorf("store error: %v", err)
	}
}
