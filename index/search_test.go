package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Data-driven search cases, bleve's style: testdata/search/<case>/docs.json
// holds the documents (one version each), searches.json the searches and
// what they must return.

type caseDoc struct {
	PostID      string    `json:"post_id"`
	VersionID   int64     `json:"version_id"`
	Version     int       `json:"version"`
	Title       string    `json:"title"`
	Text        string    `json:"text"`
	Actor       string    `json:"actor"`
	Affiliation string    `json:"affiliation"`
	Platform    string    `json:"platform"`
	Source      string    `json:"source"`
	State       string    `json:"state"`
	Reason      string    `json:"reason"`
	Language    string    `json:"language"`
	Published   time.Time `json:"published"`
	FirstSeen   time.Time `json:"first_seen"`
	RemovedAt   time.Time `json:"removed_at"`
	ReportIDs   []string  `json:"report_ids"`
}

type caseQuery struct {
	Q            string    `json:"q"`
	States       []string  `json:"states"`
	Reasons      []string  `json:"reasons"`
	Actors       []string  `json:"actors"`
	Affiliations []string  `json:"affiliations"`
	Platforms    []string  `json:"platforms"`
	Languages    []string  `json:"languages"`
	Since        time.Time `json:"since"`
	Until        time.Time `json:"until"`
	RemovedSince time.Time `json:"removed_since"`
	RemovedUntil time.Time `json:"removed_until"`
	Sort         string    `json:"sort"`
	Limit        int       `json:"limit"`
	Offset       int       `json:"offset"`
	Facets       bool      `json:"facets"`
	Highlight    bool      `json:"highlight"`
	AllVersions  bool      `json:"all_versions"`
	NotWider     bool      `json:"not_wider"` // every case asks Query.Wider unless it says so
}

type caseSearch struct {
	Name  string    `json:"name"`
	Query caseQuery `json:"query"`
	Want  struct {
		Total *uint64 `json:"total"`
		// Hits: "post/version-id" in this order; HitsAnyOrder: as a set.
		Hits         []string                `json:"hits"`
		HitsAnyOrder []string                `json:"hits_any_order"`
		Versions     []int                   `json:"versions"` // Hit.Version, in hit order
		Facets       map[string][]FacetCount `json:"facets"`
		Snippets     map[string]string       `json:"snippets"`         // exact
		SnippetHas   map[string][]string     `json:"snippet_contains"` // substrings
		HitCount     *int                    `json:"hit_count"`
		Error        bool                    `json:"error"`
		ErrorHas     string                  `json:"error_contains"` // with error: what the message says
		// Wider and WiderTotal: Result.Wider and WiderTotal, checked
		// whenever a case has a total (a case that says none wants none)
		Wider      string `json:"wider"`
		WiderTotal uint64 `json:"wider_total"`
		// HintHas: what Result.Hint says, checked like Wider (a case with
		// a total and no hint_contains wants no hint)
		HintHas string `json:"hint_contains"`
	} `json:"want"`
}

func (c caseQuery) query() Query {
	return Query{Q: c.Q, States: c.States, Reasons: c.Reasons, Actors: c.Actors, Affiliations: c.Affiliations,
		Platforms: c.Platforms, Languages: c.Languages, Since: c.Since, Until: c.Until,
		RemovedSince: c.RemovedSince, RemovedUntil: c.RemovedUntil, Sort: c.Sort, Limit: c.Limit,
		Offset: c.Offset, Facets: c.Facets, Highlight: c.Highlight, AllVersions: c.AllVersions, Wider: !c.NotWider}
}

func (d caseDoc) doc() Doc {
	return Doc{PostID: d.PostID, VersionID: d.VersionID, Version: d.Version, Title: d.Title, Text: d.Text,
		Actor: d.Actor, Affiliation: d.Affiliation, Platform: d.Platform, Source: d.Source, State: d.State,
		Reason: d.Reason, Language: d.Language, Published: d.Published, FirstSeen: d.FirstSeen,
		RemovedAt: d.RemovedAt, ReportIDs: d.ReportIDs}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func TestSearch_cases(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "search", "*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			var cdocs []caseDoc
			var searches []caseSearch
			readJSON(t, filepath.Join(dir, "docs.json"), &cdocs)
			readJSON(t, filepath.Join(dir, "searches.json"), &searches)
			ix := openTestIndex(t)
			var docs []Doc
			for _, d := range cdocs {
				docs = append(docs, d.doc())
			}
			if err := ix.Put(t.Context(), docs, "case"); err != nil {
				t.Fatal(err)
			}
			for _, s := range searches {
				t.Run(s.Name, func(t *testing.T) { runCase(t, ix, s) })
			}
		})
	}
}

func runCase(t *testing.T, ix *Index, s caseSearch) {
	res, err := ix.Search(t.Context(), s.Query.query())
	if s.Want.Error {
		if err == nil {
			t.Fatalf("no error; want one")
		}
		if !errors.Is(err, ErrBadQuery) || !strings.Contains(err.Error(), s.Want.ErrorHas) {
			t.Fatalf("error %q; want an ErrBadQuery saying %q", err, s.Want.ErrorHas)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range res.Hits {
		got = append(got, DocID(h.PostID, h.VersionID))
	}
	if s.Want.Total != nil && res.Total != *s.Want.Total {
		t.Errorf("total = %d, want %d (hits %v)", res.Total, *s.Want.Total, got)
	}
	if s.Want.Total != nil && (res.Wider != s.Want.Wider || res.WiderTotal != s.Want.WiderTotal) {
		t.Errorf("wider = %q (%d posts), want %q (%d)", res.Wider, res.WiderTotal, s.Want.Wider, s.Want.WiderTotal)
	}
	if s.Want.Total != nil && (s.Want.HintHas == "") != (res.Hint == "") || !strings.Contains(res.Hint, s.Want.HintHas) {
		t.Errorf("hint = %q, want one containing %q", res.Hint, s.Want.HintHas)
	}
	if s.Want.HitCount != nil && len(got) != *s.Want.HitCount {
		t.Errorf("%d hits (%v), want %d", len(got), got, *s.Want.HitCount)
	}
	if s.Want.Hits != nil && !slices.Equal(got, s.Want.Hits) {
		t.Errorf("hits = %v, want %v", got, s.Want.Hits)
	}
	if s.Want.HitsAnyOrder != nil {
		a, b := slices.Clone(got), slices.Clone(s.Want.HitsAnyOrder)
		slices.Sort(a)
		slices.Sort(b)
		if !slices.Equal(a, b) {
			t.Errorf("hits = %v, want (any order) %v", got, s.Want.HitsAnyOrder)
		}
	}
	if s.Want.Versions != nil {
		var vs []int
		for _, h := range res.Hits {
			vs = append(vs, h.Version)
		}
		if !slices.Equal(vs, s.Want.Versions) {
			t.Errorf("versions = %v, want %v", vs, s.Want.Versions)
		}
	}
	for name, want := range s.Want.Facets {
		if g := res.Facets[name]; !slices.Equal(g, want) {
			t.Errorf("facet %s = %v, want %v", name, g, want)
		}
	}
	snippets := map[string]string{}
	for _, h := range res.Hits {
		snippets[DocID(h.PostID, h.VersionID)] = h.Snippet
	}
	for id, want := range s.Want.Snippets {
		if snippets[id] != want {
			t.Errorf("snippet %s = %q, want %q", id, snippets[id], want)
		}
	}
	for id, subs := range s.Want.SnippetHas {
		for _, sub := range subs {
			if !strings.Contains(snippets[id], sub) {
				t.Errorf("snippet %s = %q, want it to contain %q", id, snippets[id], sub)
			}
		}
	}
}

// every hit's fields come back as put
func TestSearch_hitFields(t *testing.T) {
	ix := openTestIndex(t)
	pub := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	rem := pub.Add(36 * time.Hour)
	d := Doc{PostID: "fb:123", VersionID: 77, Version: 3, Text: "The ministry withheld the post.",
		Actor: "moi", Affiliation: "government", Platform: "facebook", State: "removed", Reason: "withheld_legal",
		Published: pub, RemovedAt: rem}
	if err := ix.Put(t.Context(), []Doc{d}, "1"); err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(t.Context(), Query{Q: "withheld"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 {
		t.Fatalf("hits = %v", res.Hits)
	}
	h := res.Hits[0]
	want := Hit{PostID: "fb:123", VersionID: 77, Version: 3, Score: h.Score, Actor: "moi", State: "removed",
		Reason: "withheld_legal", Platform: "facebook", Published: pub, RemovedAt: rem}
	if h != want {
		t.Errorf("hit = %+v\nwant %+v", h, want)
	}
	if h.Score <= 0 {
		t.Errorf("score = %v", h.Score)
	}
}

func TestIndex_DeletePost(t *testing.T) {
	ix := openTestIndex(t)
	docs := []Doc{
		{PostID: "a", VersionID: 1, Version: 1, Text: "first text"},
		{PostID: "a", VersionID: 2, Version: 2, Text: "second text"},
		{PostID: "b", VersionID: 3, Version: 1, Text: "other text"},
	}
	if err := ix.Put(t.Context(), docs, "1"); err != nil {
		t.Fatal(err)
	}
	if err := ix.DeletePost(t.Context(), "a"); err != nil {
		t.Fatal(err)
	}
	if n, _ := ix.DocCount(); n != 1 {
		t.Errorf("doc count = %d, want 1", n)
	}
	res, err := ix.Search(t.Context(), Query{Q: "text"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || res.Hits[0].PostID != "b" {
		t.Errorf("after delete: %+v", res)
	}
}

// Put is all or nothing, and the watermark moves only with the documents.
func TestIndex_Put_watermark(t *testing.T) {
	ix := openTestIndex(t)
	if w, err := ix.Watermark(); err != nil || w != "" {
		t.Fatalf("new index watermark = %q, %v", w, err)
	}
	if err := ix.Put(t.Context(), []Doc{{PostID: "p1", VersionID: 1, Version: 1, Text: "alpha"}}, "w1"); err != nil {
		t.Fatal(err)
	}
	// a document without a post id fails the whole call
	err := ix.Put(t.Context(), []Doc{{PostID: "p2", VersionID: 2, Version: 1, Text: "beta"}, {Text: "no id"}}, "w2")
	if err == nil {
		t.Fatal("put of a document without post id: no error")
	}
	if w, _ := ix.Watermark(); w != "w1" {
		t.Errorf("watermark after failed put = %q, want w1", w)
	}
	if n, _ := ix.DocCount(); n != 1 {
		t.Errorf("doc count after failed put = %d, want 1", n)
	}
	// a canceled context: nothing
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := ix.Put(ctx, []Doc{{PostID: "p3", VersionID: 3, Version: 1, Text: "gamma"}}, "w3"); !errors.Is(err, context.Canceled) {
		t.Errorf("put with canceled context: %v", err)
	}
	if w, _ := ix.Watermark(); w != "w1" {
		t.Errorf("watermark after canceled put = %q, want w1", w)
	}
	// an empty watermark leaves it; re-putting a version replaces it
	if err := ix.Put(t.Context(), []Doc{{PostID: "p1", VersionID: 1, Version: 1, Text: "alpha again"}}, ""); err != nil {
		t.Fatal(err)
	}
	if w, _ := ix.Watermark(); w != "w1" {
		t.Errorf("watermark after put without one = %q, want w1", w)
	}
	if n, _ := ix.DocCount(); n != 1 {
		t.Errorf("doc count after re-put = %d, want 1", n)
	}
	// a closed index fails, watermark as it was on reopen
	dir := ix.dir
	ix.Close()
	if err := ix.Put(t.Context(), []Doc{{PostID: "p4", VersionID: 4, Version: 1, Text: "delta"}}, "w4"); err == nil {
		t.Error("put on a closed index: no error")
	}
	ix2, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix2.Close()
	if w, _ := ix2.Watermark(); w != "w1" {
		t.Errorf("watermark after reopen = %q, want w1", w)
	}
}

// Several bleve batches in one Put: the watermark goes with the last.
func TestIndex_Put_batches(t *testing.T) {
	ix, err := Open(filepath.Join(t.TempDir(), "ix"), Options{BatchSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	var docs []Doc
	for i := 0; i < 5; i++ {
		docs = append(docs, Doc{PostID: string(rune('a' + i)), VersionID: int64(i), Version: 1, Text: "word"})
	}
	if err := ix.Put(t.Context(), docs, "five"); err != nil {
		t.Fatal(err)
	}
	if n, _ := ix.DocCount(); n != 5 {
		t.Errorf("doc count = %d", n)
	}
	if w, _ := ix.Watermark(); w != "five" {
		t.Errorf("watermark = %q", w)
	}
}

// unwrap drops only one-clause wrappers, and the unwrapped query finds the
// same hits with the same scores.
func TestUnwrap(t *testing.T) {
	ix := facetTestIndex(t)
	tests := []struct {
		q        string
		wantType string // of the unwrapped query
	}{
		{"statement", "*query.TermQuery"},
		{"statement^3", "*query.TermQuery"},
		{"court land", "*query.DisjunctionQuery"},
		{"+court +land", "*query.BooleanQuery"},
		{"court -land", "*query.BooleanQuery"},
		{`"fake news"`, "*query.MatchPhraseQuery"},
		{"រដ្ឋាភិបាល", "*index.termPhraseQuery"},
		{"the", "*query.MatchNoneQuery"},
		{"the statement", "*query.DisjunctionQuery"},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			parsed, err := query.NewQueryStringQuery(tt.q).Parse()
			if err != nil {
				t.Fatal(err)
			}
			r := rewriter{an: ix.an, langs: ix.Languages(), pairs: ix.pairs}
			wrapped := r.rewrite(parsed)
			got := unwrap(wrapped)
			if typ := fmt.Sprintf("%T", got); typ != tt.wantType {
				t.Errorf("unwrapped to %s, want %s", typ, tt.wantType)
			}
			scores := func(q query.Query) map[string]float64 {
				res, err := ix.bi.SearchInContext(t.Context(), bleve.NewSearchRequestOptions(q, 1000, 0, false))
				if err != nil {
					t.Fatal(err)
				}
				out := map[string]float64{}
				for _, h := range res.Hits {
					out[h.ID] = h.Score
				}
				return out
			}
			want, have := scores(wrapped), scores(got)
			if len(want) == 0 && tt.q != "the" {
				t.Errorf("no hits: the comparison shows nothing")
			}
			if !maps.Equal(have, want) {
				t.Errorf("unwrapped: %d hits, want %d, or other scores", len(have), len(want))
			}
		})
	}
}

// openMadeBefore opens an index as one made before the flag key was set:
// a new index (which must not be outdated), the flag removed, reopened.
func openMadeBefore(t *testing.T, key []byte) *Index {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if why := ix.Outdated(); why != "" {
		t.Fatalf("a new index is outdated: %q", why)
	}
	if err := ix.bi.DeleteInternal(key); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if ix, err = Open(dir, Options{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

// An index made by an older version of this package, one flag key short,
// says what it lacks (Outdated names it) and goes on analyzing documents
// and queries as it was made to: what it holds stays found as written, and
// the newer matching waits for a reindex.
func TestIndex_madeBefore(t *testing.T) {
	tests := []struct {
		name     string
		key      []byte
		outdated string // a part of Outdated's answer
		doc      Doc
		want     map[string]uint64 // query -> hits
	}{
		{"dropping stop words", keyKeepStop, "stop words",
			Doc{Language: "en", Text: "The results of every commune."},
			map[string]uint64{`"results of every"`: 1}},
		{"before Thai, Lao and Burmese", keyScripts, "Thai, Lao and Burmese",
			Doc{Text: "รัฐบาลสั่งลบโพสต์"},
			map[string]uint64{"ลบ": 1}},
		{"before look-alikes", keyFold, "look alike",
			Doc{Text: "ការប្\u178aេជ្ញាចិត្ត"}, // subscript DA
			map[string]uint64{
				"ប្\u178aេជ្ញា": 1, // as written
				"ប្តេជ្ញា":      0, // subscript TA: folded only in a new index
			}},
		{"before bridges over U+200B", keyBridge, "U+200B",
			Doc{Text: "រាជរដ្ឋាភិបាល\u200bកម្ពុជា"},
			map[string]uint64{
				"\"រាជរដ្ឋាភិបាល\u200bកម្ពុជា\"": 1,
				"រាជរដ្ឋាភិបាលកម្ពុជា":           0,
			}},
		{"before digits as numbers", keyDigits, "digits",
			Doc{Text: "មាត្រា៤៩៤"},
			map[string]uint64{
				"៤៩៤": 1,
				"៤៩":  1, // a part, as clusters are found
				"494": 0,
			}},
		{"before SARA E twice", keySaraAe, "SARA E twice",
			Doc{Text: "เรื่องเเปลก"},
			map[string]uint64{
				"เเปลก": 1,
				"แปลก":  0,
			}},
		{"before QOO TYPE TWO", keyQoo, "ឲ្យ and ឱ្យ",
			Doc{Text: "សូមឲ្យគេដឹង"},
			map[string]uint64{
				"ឲ្យ": 1,
				"ឱ្យ": 0,
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix := openMadeBefore(t, tt.key)
			if why := ix.Outdated(); !strings.Contains(why, tt.outdated) {
				t.Fatalf("outdated = %q, want it to say %q", why, tt.outdated)
			}
			doc := tt.doc
			doc.PostID, doc.VersionID, doc.Version = "p", 1, 1
			if err := ix.Put(t.Context(), []Doc{doc}, "1"); err != nil {
				t.Fatal(err)
			}
			for q, want := range tt.want {
				res, err := ix.Search(t.Context(), Query{Q: q})
				if err != nil {
					t.Fatal(err)
				}
				if res.Total != want {
					t.Errorf("%+q: %d hits, want %d", q, res.Total, want)
				}
			}
		})
	}
}

// A phrase whose every adjacent pair the pairs field holds (both words
// common, or one a stop word) is answered from the pairs field alone; one
// with a pair of rarer words is a positional phrase on the text.
func TestPhraseRewrite(t *testing.T) {
	ix := openTestIndex(t)
	tests := []struct {
		phrase, wantType, wantField string
	}{
		{"results of", "*query.TermQuery", FieldPairs},
		{"campaign and", "*query.TermQuery", FieldPairs},
		{"minister of the interior", "*query.PhraseQuery", FieldPairs},
		{"prime minister", "*query.TermQuery", FieldPairs},
		{"fake news", "*query.MatchPhraseQuery", FieldText},
		{"spread fake news of", "*query.ConjunctionQuery", ""},
	}
	r := rewriter{an: ix.an, langs: []string{"en"}, pairs: ix.pairs}
	for _, tt := range tests {
		q := r.phrase(strings.Fields(tt.phrase))
		field := ""
		if fq, ok := q.(query.FieldableQuery); ok {
			field = fq.Field()
		}
		if typ := fmt.Sprintf("%T", q); typ != tt.wantType || field != tt.wantField {
			t.Errorf("%q: %s on %q, want %s on %q", tt.phrase, typ, field, tt.wantType, tt.wantField)
		}
	}
}

// Facets count posts as Total does: exactly while the matching versions
// are few enough to walk; past CollapseExactLimit the total is estimated
// and the facets say they count versions.
func TestSearch_facetsCountPosts(t *testing.T) {
	// a store that cannot count text queries, as the archive's cannot:
	// the index counts their facets after the total
	declines := &fakeAggregates{aggregate: func(context.Context, Query, []string, int) (*Aggregate, error) { return nil, nil }}
	for _, tt := range []struct {
		limit          int
		agg            Aggregates
		total          uint64
		estimated      bool
		facetsVersions bool
		actorCount     int
	}{
		{0, nil, 10, false, false, 10},
		{0, declines, 10, false, false, 10},
		{5, nil, 15, true, true, 20}, // 20 versions, 10 of them later: 20 − 10/2
		{5, declines, 15, true, true, 20},
	} {
		ix, err := Open(filepath.Join(t.TempDir(), "index"), Options{CollapseExactLimit: tt.limit, Aggregates: tt.agg})
		if err != nil {
			t.Fatal(err)
		}
		var docs []Doc
		for p := range 10 {
			for v := 1; v <= 2; v++ {
				docs = append(docs, Doc{PostID: fmt.Sprintf("p%d", p), VersionID: int64(p*2 + v), Version: v,
					Text: fmt.Sprintf("the ministry statement, version %d", v), Actor: "press"})
			}
		}
		if err := ix.Put(t.Context(), docs, "w"); err != nil {
			t.Fatal(err)
		}
		res, err := ix.Search(t.Context(), Query{Q: "ministry", Facets: true})
		ix.Close()
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != tt.total || res.Estimated != tt.estimated || res.FacetsOfVersions != tt.facetsVersions ||
			len(res.Facets["actor"]) != 1 || res.Facets["actor"][0].Count != tt.actorCount {
			t.Errorf("limit %d, aggregates %v: total %d estimated %v, facets of versions %v, actors %v", tt.limit, tt.agg != nil, res.Total, res.Estimated, res.FacetsOfVersions, res.Facets["actor"])
		}
	}
}

// A version's text is indexed up to maxIndexedText (a megabyte item held
// half a gigabyte while it was analysed): a word within is found, one past
// it is not; batches are cut by text as well as by count, and every
// document lands.
func TestPut_BoundsTheTextAnalysed(t *testing.T) {
	ix := openTestIndex(t)
	filler := strings.Repeat("statement ", maxIndexedText/10+100)
	docs := []Doc{{PostID: "big", VersionID: 1, Version: 1, Text: "openingword " + filler + " closingword"}}
	for i := range maxBatchText/maxIndexedText + 8 { // more than one batch's worth of text
		docs = append(docs, Doc{PostID: fmt.Sprintf("p%d", i), VersionID: int64(i + 2), Version: 1, Text: filler})
	}
	if err := ix.Put(t.Context(), docs, "w"); err != nil {
		t.Fatal(err)
	}
	if n, err := ix.DocCount(); err != nil || n != uint64(len(docs)) {
		t.Fatalf("%d documents indexed, want %d (%v)", n, len(docs), err)
	}
	for q, want := range map[string]uint64{"openingword": 1, "closingword": 0} {
		res, err := ix.Search(t.Context(), Query{Q: q})
		if err != nil || res.Total != want {
			t.Errorf("%s: %v, %v; want %d", q, res.Total, err, want)
		}
	}
	if got := ix.batchEnd(docs, 0); got <= 1 || got >= len(docs) {
		t.Errorf("the first batch ends at %d of %d documents; want it cut by text", got, len(docs))
	}
}

// A search with a regular expression waits for the one before it, and
// gives up when its context ends; other searches do not wait.
func TestSearch_regexpsOneAtATime(t *testing.T) {
	ix := openTestIndex(t)
	if err := ix.Put(t.Context(), []Doc{{PostID: "p", VersionID: 1, Version: 1, Text: "the ministry said", Actor: "a", Platform: "feed", State: "live", Language: "en"}}, "t"); err != nil {
		t.Fatal(err)
	}
	heavy <- struct{}{} // one running
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if _, err := ix.Search(ctx, Query{Q: "/ministr.*/"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a second regular expression did not wait: %v", err)
	}
	ctx2, cancel2 := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel2()
	if _, err := ix.Search(ctx2, Query{Q: "mini?try"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a wildcard with ? did not wait: %v", err)
	}
	if res, err := ix.Search(t.Context(), Query{Q: "minist*"}); err != nil || res.Total != 1 {
		t.Errorf("a word* waited for the regular expression: %v %+v", err, res)
	}
	if res, err := ix.Search(t.Context(), Query{Q: "ministry"}); err != nil || res.Total != 1 {
		t.Errorf("a word waited for the regular expression: %v %+v", err, res)
	}
	<-heavy
	if res, err := ix.Search(t.Context(), Query{Q: "/ministr.*/"}); err != nil || res.Total != 1 {
		t.Errorf("once the first is done: %v %+v", err, res)
	}
}
