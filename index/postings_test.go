package index

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

var (
	facetEnglish = strings.Fields(`statement minister police arrest court election party
		opposition government media protest leader journalist report land village fake news
		border trial prison vote rally`)
	facetKhmer = []string{"រដ្ឋាភិបាល", "អ្នកនាំពាក្យ", "បាននិយាយថា", "ការបង្ហោះ", "ត្រូវបានដកចេញ", "គណបក្ស", "ប៉ូលិស"}
	facetAffs  = []string{"government", "media", "opposition", "civil_society", "other"}
	facetPlats = []string{"facebook", "telegram", "feed", "mastodon", "bluesky", "html"}
	facetReas  = []string{"deleted", "withheld_legal", "account_gone", "unknown"}
)

// facetDoc makes version v of post p, its fields drawn from r: 80 actors
// (more than FacetSize, with ties), Khmer or English text, some posts
// without a publication date or a reason.
func facetDoc(r *rand.Rand, p, v int) Doc {
	d := Doc{PostID: fmt.Sprintf("p%04d", p), VersionID: int64(p*10 + v), Version: v,
		Actor:       fmt.Sprintf("actor%02d", min(r.IntN(80), r.IntN(80))),
		Affiliation: facetAffs[r.IntN(len(facetAffs))], Platform: facetPlats[r.IntN(len(facetPlats))],
		State: "live"}
	if r.IntN(5) == 0 {
		d.State, d.Reason = "removed", facetReas[r.IntN(len(facetReas))]
		d.RemovedAt = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.IntN(5000)) * time.Hour)
	}
	if r.IntN(20) != 0 {
		d.Published = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.IntN(2*365*24)) * time.Hour)
	}
	words := facetEnglish
	if r.IntN(5) < 2 {
		words = facetKhmer
	}
	var b strings.Builder
	for i := range 8 + r.IntN(8) {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[r.IntN(len(words))])
	}
	if words[0] == facetKhmer[0] && r.IntN(3) == 0 {
		b.WriteString(" statement") // Latin words in Khmer posts
	}
	d.Text = b.String()
	return d
}

// facetTestIndex builds an index of many small segments, with later
// versions, replaced versions (the old ones are deletions in older
// segments) and deleted posts.
func facetTestIndex(t *testing.T) *Index {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "ix")
	opts := Options{BatchSize: 40,
		// no merges of persisted segments (none is small enough)
		scorch: map[string]interface{}{"scorchMergePlanOptions": map[string]interface{}{"MaxSegmentSize": 2}}}
	r := rand.New(rand.NewPCG(6, 6))
	var docs []Doc
	for p := range 500 {
		docs = append(docs, facetDoc(r, p, 1))
		for v := 2; p%7 == 0 && v <= 3; v++ {
			docs = append(docs, facetDoc(r, p, v))
		}
	}
	ix, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	ctx := t.Context()
	for i := 0; i < len(docs); i += 120 {
		if err := ix.Put(ctx, docs[i:min(i+120, len(docs))], ""); err != nil {
			t.Fatal(err)
		}
	}
	var again []Doc
	for p := 3; p < 500; p += 11 { // a version put again, changed
		d := facetDoc(r, p, 1)
		d.Text += " statement"
		again = append(again, d)
	}
	if err := ix.Put(ctx, again, ""); err != nil {
		t.Fatal(err)
	}
	for p := 5; p < 500; p += 13 {
		if err := ix.DeletePost(ctx, fmt.Sprintf("p%04d", p)); err != nil {
			t.Fatal(err)
		}
	}
	return ix
}

// The facets counted from postings are those bleve's facet builder counts
// walking the hits, for queries of every shape: those combined from term
// postings (fromPostings) and those gathered by running their searcher.
func TestPostingsFacets_sameAsHitWalk(t *testing.T) {
	ix := facetTestIndex(t)
	segs := segmentCount(t, ix)
	if segs < 3 {
		t.Fatalf("%d segments, want several", segs)
	}
	since := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name         string
		q            Query
		bq           query.Query // instead of q: shapes the query string does not make
		fromPostings bool        // the hits come from postings, no searcher
	}{
		{"english word", Query{Q: "statement"}, nil, true},
		{"two words AND", Query{Q: "+police +arrest"}, nil, true},
		{"words OR", Query{Q: "police arrest court"}, nil, true},
		{"word NOT word", Query{Q: "+statement -police"}, nil, true},
		{"only NOT", Query{Q: "-statement"}, nil, true},
		{"word AND filter", Query{Q: "statement", Affiliations: []string{"media", "government"}}, nil, true},
		{"filter only", Query{Affiliations: []string{"government"}}, nil, true},
		{"field term", Query{Q: "+statement +actor:actor03"}, nil, false},
		{"everything", Query{}, nil, true},
		{"khmer word", Query{Q: "រដ្ឋាភិបាល"}, nil, false},
		{"khmer and english", Query{Q: "+រដ្ឋាភិបាល +statement"}, nil, false},
		{"phrase", Query{Q: `"fake news"`}, nil, false},
		{"word and date range", Query{Q: "statement", Since: since}, nil, false},
		{"removed range", Query{RemovedSince: since, States: []string{"removed"}}, nil, false},
		{"wildcard", Query{Q: "pol*"}, nil, false},
		{"fuzzy", Query{Q: "statment~1"}, nil, false},
		{"stop word and word", Query{Q: "the statement"}, nil, false},
		{"no match", Query{Q: "zzzunknown"}, nil, true},
		{"must, optional should", Query{Q: "+police arrest"}, nil, true},
		{"must, required should", Query{}, mustShould(1), false},
		{"should of two required", Query{}, mustShould(2), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := t.Context()
			bq := tt.bq
			if bq == nil {
				var err error
				if bq, err = ix.bleveQuery(tt.q); err != nil {
					t.Fatal(err)
				}
			}
			want, err := ix.hitFacets(ctx, bq)
			if err != nil {
				t.Fatal(err)
			}
			// unscored, as the facet path counts (scored, a should with a
			// minimum beside a must can match fewer)
			req := bleve.NewSearchRequestOptions(bq, 0, 0, false)
			req.Score = "none"
			res, err := ix.bi.SearchInContext(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ix.postingsFacets(ctx, bq)
			if err != nil {
				t.Fatal(err)
			}
			if res.Total == 0 && tt.name != "no match" {
				t.Errorf("no hits: the comparison shows nothing")
			}
			if got.versions != res.Total {
				t.Errorf("versions = %d, bleve counts %d", got.versions, res.Total)
			}
			for _, n := range FacetNames {
				if !reflect.DeepEqual(got.facets[n], want[n]) {
					t.Errorf("facet %s:\n got %v\nwant %v", n, got.facets[n], want[n])
				}
			}
			if fp := fromPostings(t, ix, bq); fp != tt.fromPostings {
				t.Errorf("from postings = %v, want %v", fp, tt.fromPostings)
			}
		})
	}
}

// The query shapes the test relies on are the ones it says, and a broad one
// cuts the actor facet at FacetSize.
func TestPostingsFacets_testIndexIsBroad(t *testing.T) {
	ix := facetTestIndex(t)
	bq, err := ix.bleveQuery(Query{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := ix.postingsFacets(t.Context(), bq)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.facets["actor"]) != FacetSize || len(got.facets["month"]) < 20 || len(got.facets["reason"]) != len(facetReas) {
		t.Errorf("facets of everything: %d actors, %d months, %d reasons", len(got.facets["actor"]),
			len(got.facets["month"]), len(got.facets["reason"]))
	}
}

// mustShould: court, and min of arrest, land, prison (words the English
// stemmer keeps as they are).
func mustShould(min float64) query.Query {
	term := func(w string) query.Query {
		tq := query.NewTermQuery(w)
		tq.SetField(FieldText)
		return tq
	}
	should := query.NewDisjunctionQuery([]query.Query{term("arrest"), term("land"), term("prison")})
	should.SetMin(min)
	bq := query.NewBooleanQuery([]query.Query{term("court")}, nil, nil)
	bq.Should = should
	return bq
}

func segmentCount(t *testing.T, ix *Index) int {
	t.Helper()
	ev, done, err := ix.newEvaluator(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer done()
	return len(ev.segs)
}

// fromPostings reports whether bq's hits were found without a searcher.
func fromPostings(t *testing.T, ix *Index, bq query.Query) bool {
	t.Helper()
	ev, done, err := ix.newEvaluator(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer done()
	if _, err := ev.matches(bq); err != nil {
		t.Fatal(err)
	}
	return ev.searchers == 0
}

// Search reports who counted, and counts the same either way.
func TestSearch_facetsFromPostings(t *testing.T) {
	ix := facetTestIndex(t)
	for _, q := range []Query{{Q: "statement", Facets: true}, {Affiliations: []string{"media"}, Facets: true}} {
		res, err := ix.Search(t.Context(), q)
		if err != nil {
			t.Fatal(err)
		}
		// bleve's own facets over the first version (by id) of each post
		bq, _ := ix.bleveQuery(q)
		all := bleve.NewSearchRequestOptions(bq, 100000, 0, false)
		all.SortBy([]string{"_id"})
		hits, err := ix.bi.SearchInContext(t.Context(), all)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		var one []string
		for _, h := range hits.Hits {
			if p, _ := splitDocID(h.ID); !seen[p] {
				seen[p] = true
				one = append(one, h.ID)
			}
		}
		if len(one) == len(hits.Hits) {
			t.Fatalf("%+v: no post with two matching versions: the test tests nothing", q)
		}
		want, err := ix.hitFacets(t.Context(), query.NewConjunctionQuery([]query.Query{bq, query.NewDocIDQuery(one)}))
		if err != nil {
			t.Fatal(err)
		}
		if res.FacetsFrom != "postings" || res.Total != uint64(len(one)) || !reflect.DeepEqual(res.Facets, want) {
			t.Errorf("%+v: from %q, total %d (%d posts)\n got %v\nwant %v", q, res.FacetsFrom, res.Total, len(one), res.Facets, want)
		}
	}
}

// Facets counted while documents are put and deleted: no race, no error,
// and each answer is some snapshot's (the counts add up to the versions).
func TestSearch_facetsWhileWriting(t *testing.T) {
	ix := facetTestIndex(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				res, err := ix.Search(ctx, Query{Q: "statement", Facets: true, AllVersions: true})
				if err != nil {
					if ctx.Err() == nil {
						errs <- err
					}
					return
				}
				sum := 0
				for _, c := range res.Facets["affiliation"] {
					sum += c.Count
				}
				if res.FacetsFrom != "postings" || sum == 0 {
					errs <- fmt.Errorf("from %q, affiliation counts %d", res.FacetsFrom, sum)
					return
				}
			}
		}()
	}
	r := rand.New(rand.NewPCG(7, 7))
	for i := range 30 {
		d := facetDoc(r, 1000+i, 1)
		d.Text += " statement"
		if err := ix.Put(t.Context(), []Doc{d}, ""); err != nil {
			t.Fatal(err)
		}
		if err := ix.DeletePost(t.Context(), fmt.Sprintf("p%04d", i*3)); err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// probe over a bitset of the hits counts what AND-cardinality counts.
func TestProbe(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	random := func(n, max int) *roaring.Bitmap {
		bm := roaring.New()
		for range n {
			bm.Add(uint32(r.IntN(max)))
		}
		return bm
	}
	tests := []struct {
		name           string
		count          int
		hits, postings int
	}{
		{"small segment", 5000, 1200, 300},
		{"sparse hits", 200000, 50, 70000},
		{"dense both", 200000, 90000, 120000},
		{"one hit", 10, 1, 1},
		{"no postings", 1000, 10, 0},
	}
	var dense []uint64
	var buf []uint32
	for _, tt := range tests {
		h, p := random(tt.hits, tt.count), random(tt.postings, tt.count)
		dense = denseOf(h, uint64(tt.count), dense)
		var n int
		n, buf = probe(dense, p, buf)
		if want := int(h.AndCardinality(p)); n != want {
			t.Errorf("%s: probe = %d, want %d", tt.name, n, want)
		}
	}
}
