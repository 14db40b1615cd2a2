package index

import (
	"strings"
	"testing"
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
