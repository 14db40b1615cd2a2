package index

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

var (
	benchKhmer   = strings.Repeat("អ្នកនាំពាក្យរដ្ឋាភិបាលបាននិយាយថា ការបង្ហោះនោះត្រូវបានដកចេញ។ ", 6)
	benchEnglish = strings.Repeat("Prime Minister Hun Sen said the opposition party spread fake news. ", 5)
)

func BenchmarkTextAnalyzer_khmer(b *testing.B) {
	an, _ := newAnalyzers(true, newFormats().textFlags)
	a := an.textFor("km")
	for b.Loop() {
		a.Analyze([]byte(benchKhmer))
	}
}

// The analyzer of an index made before look-alikes were folded: the
// baseline of the fold's cost.
func BenchmarkTextAnalyzer_khmerNoFold(b *testing.B) {
	f := newFormats().textFlags
	f.fold = false
	an, _ := newAnalyzers(true, f)
	a := an.textFor("km")
	for b.Loop() {
		a.Analyze([]byte(benchKhmer))
	}
}

func BenchmarkTextAnalyzer_english(b *testing.B) {
	an, _ := newAnalyzers(true, newFormats().textFlags)
	a := an.textFor("en")
	for b.Loop() {
		a.Analyze([]byte(benchEnglish))
	}
}

func BenchmarkPairsAnalyzer(b *testing.B) {
	a := newPairsAnalyzer(defaultCommonWords(), true)
	for b.Loop() {
		a.Analyze([]byte(benchEnglish))
	}
}

func BenchmarkSearch_phrase(b *testing.B) {
	ix := openTestIndex(b)
	var docs []Doc
	for i := range 2000 {
		docs = append(docs, Doc{PostID: string(rune('a'+i%26)) + strings.Repeat("x", i%7) + string(rune('0'+i%10)) + string(rune(i)),
			VersionID: int64(i), Version: 1, Text: benchEnglish})
	}
	if err := ix.Put(b.Context(), docs, "1"); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := ix.Search(b.Context(), Query{Q: `"prime minister"`}); err != nil {
			b.Fatal(err)
		}
	}
}

// A common Khmer word (a phrase of three cluster bigrams) in 5,000 posts
// that nearly all hold its bigrams: termPhraseQuery against bleve's phrase
// query on the same terms, both through bleve's search.
func BenchmarkKhmerWord(b *testing.B) {
	ix := openTestIndex(b)
	syllables := []string{"រដ្ឋា", "ភិ", "បា", "ល", "ក", "ខ្មែ", "រ", "ប្រ", "ទេ", "ស"}
	rng := rand.New(rand.NewPCG(3, 5))
	var docs []Doc
	for i := range 5000 {
		var t strings.Builder
		for range 120 {
			t.WriteString(syllables[rng.IntN(len(syllables))])
			if rng.IntN(8) == 0 {
				t.WriteString(" ")
			}
		}
		if i%2 == 0 {
			t.WriteString(" រដ្ឋាភិបាល")
		}
		docs = append(docs, Doc{PostID: fmt.Sprint("p", i), VersionID: int64(i + 1), Version: 1, Text: t.String(), Language: "km"})
	}
	if err := ix.Put(b.Context(), docs, "1"); err != nil {
		b.Fatal(err)
	}
	parsed, err := query.NewQueryStringQuery("រដ្ឋាភិបាល").Parse()
	if err != nil {
		b.Fatal(err)
	}
	tp := unwrap(rewriter{an: ix.an, langs: ix.Languages(), pairs: ix.pairs}.rewrite(parsed)).(*termPhraseQuery)
	for _, q := range []struct {
		name string
		q    query.Query
	}{{"termPhrase", tp}, {"blevePhrase", query.NewPhraseQuery(tp.terms, FieldText)}} {
		b.Run(q.name, func(b *testing.B) {
			for b.Loop() {
				res, err := ix.bi.SearchInContext(b.Context(), bleve.NewSearchRequestOptions(q.q, 20, 0, false))
				if err != nil || res.Total < 2500 {
					b.Fatalf("%v, %d hits", err, res.Total)
				}
			}
		})
	}
}
