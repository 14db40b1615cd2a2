package index

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// termPhraseQuery finds exactly what bleve's phrase query finds (for a word
// typed with *, its last term standing for the terms it begins), alone and
// inside a conjunction (which steps it with Advance), on texts made of a
// few Khmer syllables, so that most documents hold every bigram of a query
// and only some hold them in a row.
func TestTermPhraseQuery_sameAsBlevePhrase(t *testing.T) {
	syllables := []string{"ក", "កា", "ខ្មែ", "រ", "ស", "ង", "ប្រ", "ទេ"}
	rng := rand.New(rand.NewPCG(7, 11))
	word := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteString(syllables[rng.IntN(len(syllables))])
		}
		return b.String()
	}
	ix := openTestIndex(t)
	var docs []Doc
	for i := range 400 {
		var runs []string
		for range 2 + rng.IntN(6) {
			runs = append(runs, word(2+rng.IntN(8)))
		}
		state := "live"
		if i%3 == 0 {
			state = "removed"
		}
		docs = append(docs, Doc{PostID: fmt.Sprintf("p%03d", i), VersionID: int64(i + 1), Version: 1,
			Text: strings.Join(runs, " "), Language: "km", State: state})
	}
	if err := ix.Put(t.Context(), docs, "1"); err != nil {
		t.Fatal(err)
	}
	hits := func(q query.Query) []string {
		t.Helper()
		req := bleve.NewSearchRequestOptions(q, 1000, 0, false)
		res, err := ix.bi.SearchInContext(t.Context(), req)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		slices.Sort(ids)
		return ids
	}
	removed := query.NewTermQuery("removed")
	removed.SetField(FieldState)
	r := rewriter{an: ix.an, langs: ix.Languages(), pairs: ix.pairs}
	checked, found, extended := 0, 0, 0
	for i := range 600 {
		w := word(3 + rng.IntN(4))
		if i%2 == 1 {
			w += "*" // its last cluster with more signs too
		}
		parsed, err := query.NewQueryStringQuery(w).Parse()
		if err != nil {
			t.Fatal(err)
		}
		tp, ok := unwrap(r.rewrite(parsed)).(*termPhraseQuery)
		if !ok {
			continue // a word of one bigram: a term query
		}
		if tp.prefixLast != strings.HasSuffix(w, "*") {
			t.Fatalf("%s: prefixLast %v", w, tp.prefixLast)
		}
		checked++
		// bleve's phrase of the same terms; the last one, matched as a
		// prefix, stands for every term of the index it is a prefix of.
		var terms [][]string
		for _, term := range tp.terms {
			terms = append(terms, []string{term})
		}
		if tp.prefixLast {
			terms[len(terms)-1] = prefixed(t, ix, tp.terms[len(tp.terms)-1])
			if len(terms[len(terms)-1]) > 1 {
				extended++
			}
		}
		ref := query.NewMultiPhraseQuery(terms, FieldText)
		want := hits(ref)
		got := hits(tp)
		if !slices.Equal(got, want) {
			t.Fatalf("%s: termPhraseQuery found %v, bleve's phrase %v", w, got, want)
		}
		found += len(got)
		wantR := hits(query.NewConjunctionQuery([]query.Query{removed, ref}))
		gotR := hits(query.NewConjunctionQuery([]query.Query{removed, tp}))
		if !slices.Equal(gotR, wantR) {
			t.Fatalf("%s with state removed: termPhraseQuery found %v, bleve's phrase %v", w, gotR, wantR)
		}
	}
	// The comparison means something only if phrases were both found and
	// missed.
	if checked < 400 || found == 0 || found > checked*len(docs)/2 || extended < 25 {
		t.Fatalf("%d phrases compared (%d with a last cluster the texts extend), %d hits in all: not a test of anything", checked, extended, found)
	}
}

// The snippet marks the phrase where it is, not its bigrams elsewhere.
func TestTermPhraseQuery_snippetMarksThePhrase(t *testing.T) {
	ix := openTestIndex(t)
	// រដ្ឋាភិបាល's bigrams all occur in the first run, apart; the word
	// itself only in the last.
	text := "រដ្ឋាភិ និងភិបា ហើយបាល នេះ រដ្ឋាភិបាល"
	if err := ix.Put(t.Context(), []Doc{{PostID: "p1", VersionID: 1, Version: 1, Text: text, Language: "km"}}, "1"); err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(t.Context(), Query{Q: "រដ្ឋាភិបាល", Highlight: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 {
		t.Fatalf("%d hits; want 1", len(res.Hits))
	}
	if got, want := res.Hits[0].Snippet, "រដ្ឋាភិ និងភិបា ហើយបាល នេះ <mark>រដ្ឋាភិបាល</mark>"; got != want {
		t.Errorf("snippet %q; want %q", got, want)
	}
	res, err = ix.Search(t.Context(), Query{Q: "រដ្ឋាភិបាល", States: []string{"removed"}})
	if err != nil || res.Total != 0 {
		t.Errorf("with a filter that excludes it: %d hits, %v", res.Total, err)
	}
}

// prefixed returns the terms of the text field that start with prefix.
func prefixed(t *testing.T, ix *Index, prefix string) []string {
	t.Helper()
	d, err := ix.bi.FieldDictPrefix(FieldText, []byte(prefix))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var out []string
	for e, err := d.Next(); e != nil || err != nil; e, err = d.Next() {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e.Term)
	}
	return out
}
