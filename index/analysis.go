package index

import (
	"fmt"
	"unicode"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/stop"
	unicodetok "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"

	// bleve's language analyzers, registered by their packages.
	_ "github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/ar"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/ckb"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/da"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/es"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/fa"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/fi"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/fr"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/hi"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/hr"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/hu"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/it"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/nl"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/no"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/pt"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/ro"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/ru"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/sv"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/tr"
)

// Analyzer names this package registers with bleve (they appear in the
// index mapping).
const (
	// AnalyzerText analyzes the text field of a document whose language has
	// no bleve analyzer (Khmer included): runs of Khmer, Thai, Lao and
	// Burmese (see clusters.go) become cluster unigrams
	// and bigrams, everything else Unicode words, lower-cased, no stop words.
	AnalyzerText = "takedownwatch_text"
	// AnalyzerPairs makes the pairs (common-word shingle) field that phrase
	// queries use (with the built-in common words; an index uses its own list).
	AnalyzerPairs = "takedownwatch_pairs"
	// AnalyzerPlain: Unicode words, lower case, nothing dropped (the non-Khmer
	// words of languages bleve has no analyzer for).
	AnalyzerPlain = "takedownwatch_plain"
)

// languageAnalyzers maps a language code (ISO 639-1, as Doc.Language) to the
// bleve analyzer used for the non-Khmer parts of its text.
var languageAnalyzers = map[string]string{
	"ar": "ar", "ckb": "ckb", "da": "da", "de": "de", "en": "en", "es": "es",
	"fa": "fa", "fi": "fi", "fr": "fr", "hi": "hi", "hr": "hr", "hu": "hu",
	"it": "it", "nl": "nl", "no": "no", "nb": "no", "pt": "pt",
	"ro": "ro", "ru": "ru", "sv": "sv", "tr": "tr",
	"zh": "cjk", "ja": "cjk", "ko": "cjk",
	// Latin script inside Khmer, Thai, Lao and Burmese posts is mostly
	// English (names, terms): English analysis keeps a word's terms the
	// same in both languages.
	"km": "en", "th": "en", "lo": "en", "my": "en",
}

func init() {
	if err := registry.RegisterAnalyzer(AnalyzerText, func(map[string]interface{}, *registry.Cache) (analysis.Analyzer, error) {
		return newTextAnalyzer(plainAnalyzer{}, newFormats().textFlags), nil
	}); err != nil {
		panic(err)
	}
	if err := registry.RegisterAnalyzer(AnalyzerPairs, func(map[string]interface{}, *registry.Cache) (analysis.Analyzer, error) {
		return newPairsAnalyzer(defaultCommonWords(), true), nil
	}); err != nil {
		panic(err)
	}
	if err := registry.RegisterAnalyzer(AnalyzerPlain, func(map[string]interface{}, *registry.Cache) (analysis.Analyzer, error) {
		return plainAnalyzer{}, nil
	}); err != nil {
		panic(err)
	}
	done := map[string]bool{}
	for _, name := range languageAnalyzers {
		if done[name] {
			continue
		}
		done[name] = true
		if err := registry.RegisterAnalyzer(keepStopName(name), func(_ map[string]interface{}, c *registry.Cache) (analysis.Analyzer, error) {
			an, err := c.AnalyzerNamed(name)
			if err != nil {
				return nil, err
			}
			return withoutStopFilter(an), nil
		}); err != nil {
			panic(err)
		}
	}
}

// Stop words. bleve's language analyzers drop them, which makes a phrase
// with a stop word inexact: "liwipuga for" would be "liwipuga" and any word
// after it. An index therefore analyzes its documents with variants that
// keep them (registered as keepStopName), so phrases are analyzed the same
// way and stay exact. A single query word still goes through bleve's own
// analyzer: a lone stop word matches nothing, and "minister of land" does
// not turn into a walk over every post that has "of". Indexes made before
// this (without keyKeepStop) are read and written as they were made.

// keepStopName is the registered name of the variant of bleve's analyzer
// name that keeps stop words.
func keepStopName(name string) string { return "takedownwatch_keepstop_" + name }

// withoutStopFilter returns an without its stop-word filters.
func withoutStopFilter(an analysis.Analyzer) analysis.Analyzer {
	da, ok := an.(*analysis.DefaultAnalyzer)
	if !ok {
		return an
	}
	out := &analysis.DefaultAnalyzer{CharFilters: da.CharFilters, Tokenizer: da.Tokenizer}
	for _, f := range da.TokenFilters {
		if _, isStop := f.(*stop.StopTokensFilter); !isStop {
			out.TokenFilters = append(out.TokenFilters, f)
		}
	}
	return out
}

// plainAnalyzer: Unicode word segmentation (bleve's unicode tokenizer) and
// lower case; no stop words, no stemming.
type plainAnalyzer struct{}

var (
	uniTokenizer = unicodetok.NewUnicodeTokenizer()
	lowerFilter  = lowercase.NewLowerCaseFilter()
)

func (plainAnalyzer) Analyze(b []byte) analysis.TokenStream {
	return lowerFilter.Filter(uniTokenizer.Tokenize(b))
}

// textAnalyzer analyzes the text field: runs of the clustered scripts
// (Khmer, Thai, Lao, Burmese) into clusters (unigrams, plus bigrams of
// adjacent clusters of the same run at the position of the first), the
// rest with the document language's analyzer. Positions run on across the
// pieces, so a phrase of clusters may span a break.
//
// With bridge, two runs with only invisible breaks between them (U+200B
// and its kin, see invisibleBreak) also get the bigram of the last cluster
// of the first and the first of the second. Khmer writers put U+200B
// between words, some everywhere, some nowhere, and readers cannot see it:
// "រាជរដ្ឋាភិបាលកម្ពុជា" typed in a search must find a press release that
// wrote "រាជរដ្ឋាភិបាល\u200bកម្ពុជា". A query typed with U+200B keeps each
// run's last cluster alone (see khmerQuery), so it finds both spellings.
// A visible space or punctuation is never bridged.
type textAnalyzer struct {
	latin analysis.Analyzer
	textFlags
}

// textFlags are the text analyzer's part of the formats an index is made
// with (formatFlags, index.go), which its documents and queries share.
type textFlags struct {
	fold   bool // key look-alike spellings alike (clusterKey)
	bridge bool // bigrams across invisible breaks
	digits bool // the digits of the clustered scripts are numbers (scriptDigit)
	saraAe bool // Thai and Lao SARA E typed twice is SARA AE (saraE)
	qoo    bool // Khmer QOO TYPE TWO (ឲ) keyed as QOO TYPE ONE (ឱ): ឲ្យ and ឱ្យ are one word (clusterKey)
}

func newTextAnalyzer(latin analysis.Analyzer, f textFlags) *textAnalyzer {
	return &textAnalyzer{latin: latin, textFlags: f}
}

// invisibleBreak reports whether s is nothing but characters that break a
// run without showing: ZERO WIDTH SPACE, WORD JOINER, ZERO WIDTH NO-BREAK
// SPACE (a BOM inside text).
func invisibleBreak(s []byte) bool {
	for _, r := range string(s) {
		if r != '\u200b' && r != '\u2060' && r != '\ufeff' {
			return false
		}
	}
	return len(s) > 0
}

func (a *textAnalyzer) Analyze(b []byte) analysis.TokenStream {
	if !hasClusters(b) {
		return a.latin.Analyze(b)
	}
	var out analysis.TokenStream
	pos := 0
	// the last cluster of the run before, while a bridge to the next run
	// may be made from it
	var last struct {
		key        []byte
		start, pos int
		ok         bool
	}
	for _, seg := range segmentText(b, a.textFlags) {
		if !seg.clustered {
			last.ok = last.ok && invisibleBreak(b[seg.start:seg.end])
			toks := a.latin.Analyze(b[seg.start:seg.end])
			for _, t := range toks {
				t.Start += seg.start
				t.End += seg.start
				t.Position += pos
				if a.digits {
					t.Term = foldDigits(t.Term)
				}
			}
			if len(toks) > 0 {
				pos = toks[len(toks)-1].Position
				out = append(out, toks...)
			}
			continue
		}
		// Terms are cluster keys (see clusterKey); a key is its cluster's
		// own bytes but for the odd cluster typed out of order.
		cl := seg.clusters
		key, changed := clusterKey(b[cl[0].start:cl[0].end:cl[0].end], a.textFlags)
		if last.ok {
			out = append(out, &analysis.Token{
				Start: last.start, End: cl[0].end, Term: append(append(make([]byte, 0, len(last.key)+len(key)), last.key...), key...),
				Position: last.pos, Type: analysis.Shingle, KeyWord: true,
			})
		}
		for i, c := range cl {
			pos++
			out = append(out, &analysis.Token{
				Start: c.start, End: c.end, Term: key,
				Position: pos, Type: analysis.AlphaNumeric, KeyWord: true,
			})
			if i+1 == len(cl) {
				break
			}
			next, nextChanged := clusterKey(b[cl[i+1].start:cl[i+1].end:cl[i+1].end], a.textFlags)
			bigram := b[c.start:cl[i+1].end:cl[i+1].end]
			if changed || nextChanged {
				bigram = append(append(make([]byte, 0, len(key)+len(next)), key...), next...)
			}
			out = append(out, &analysis.Token{
				Start: c.start, End: cl[i+1].end, Term: bigram,
				Position: pos, Type: analysis.Shingle, KeyWord: true,
			})
			key, changed = next, nextChanged
		}
		last.key, last.start, last.pos, last.ok = key, cl[len(cl)-1].start, pos, a.bridge
	}
	return out
}

// pairsAnalyzer makes the pairs field (see common.go): each two adjacent
// non-Khmer words (Unicode words, lower-cased) that are both common, or of
// which one is a stop word, become one term "w1 w2", at the position of the
// first word. A Khmer run breaks the chain (Khmer phrases use the clusters
// of the text field).
//
// Pairs with a stop word make a phrase like "campaign and" one term where
// it was a phrase whose second word's postings (half the posts) bleve must
// step through: at 200k generated posts, phrase p99 went from 25 to 9 ms
// for 8 % more indexing CPU and 11 % more disk. Pairs with any common word
// ("duhogadez said") took 6 ms, for 16 % more CPU again: not done.
type pairsAnalyzer struct {
	common map[string]bool
	stop   map[string]bool // nil in an index made before stop pairs
}

// newPairsAnalyzer: pairs of common words, and with stopPairs (a new
// index; see keepStopName) pairs with an English stop word too.
func newPairsAnalyzer(common []string, stopPairs bool) pairsAnalyzer {
	m := make(map[string]bool, len(common))
	for _, w := range common {
		m[w] = true
	}
	a := pairsAnalyzer{common: m}
	if stopPairs {
		a.stop = englishStopWords
	}
	return a
}

// paired says whether the pairs field holds the pair of w1 and w2.
func (a pairsAnalyzer) paired(w1, w2 string) bool {
	return a.common[w1] && a.common[w2] || a.stop[w1] || a.stop[w2]
}

// englishStopWords are bleve's: the words its English analyzer drops.
var englishStopWords = func() map[string]bool {
	tm := analysis.NewTokenMap()
	if err := tm.LoadBytes(en.EnglishStopWords); err != nil {
		panic(err) // a constant of bleve's
	}
	m := make(map[string]bool, len(tm))
	for w := range tm {
		m[w] = true
	}
	return m
}()

func (a pairsAnalyzer) Analyze(b []byte) analysis.TokenStream {
	var out analysis.TokenStream
	pos := 0
	emit := func(words analysis.TokenStream, base int) {
		for i := range words {
			pos++
			if i+1 == len(words) {
				break
			}
			w1, w2 := words[i], words[i+1]
			if !a.paired(string(w1.Term), string(w2.Term)) {
				continue
			}
			term := make([]byte, 0, len(w1.Term)+1+len(w2.Term))
			term = append(term, w1.Term...)
			term = append(term, ' ')
			term = append(term, w2.Term...)
			out = append(out, &analysis.Token{
				Start: w1.Start + base, End: w2.End + base, Term: term,
				Position: pos, Type: analysis.Shingle,
			})
		}
		pos++ // a gap: no phrase bridges two chains
	}
	if !hasClusters(b) {
		emit(pairWords(b), 0)
		return out
	}
	for _, seg := range segmentText(b, textFlags{}) {
		if !seg.clustered {
			emit(pairWords(b[seg.start:seg.end]), seg.start)
		}
	}
	return out
}

var possessiveFilter = en.NewPossessiveFilter()

// pairWords: the words of b as the pairs field sees them: Unicode words,
// lower-cased, English possessives dropped ("minister's" → "minister").
func pairWords(b []byte) analysis.TokenStream {
	return possessiveFilter.Filter(plainAnalyzer{}.Analyze(b))
}

// analyzers holds the text analyzers by language, built once per Index and
// read-only afterwards (safe for concurrent use).
type analyzers struct {
	byLang   map[string]analysis.Analyzer // language code -> text analyzer
	latin    map[string]analysis.Analyzer // language code -> analyzer of non-Khmer words
	plain    analysis.Analyzer
	keepStop bool // documents and phrases keep stop words (see keepStopName)
	textFlags
}

// newAnalyzers builds the analyzers of an index that keeps stop words in
// its text field, or (keepStop false) of one made before it did, with the
// text flags it was made with.
func newAnalyzers(keepStop bool, f textFlags) (*analyzers, error) {
	a := &analyzers{
		byLang:    map[string]analysis.Analyzer{},
		latin:     map[string]analysis.Analyzer{},
		plain:     newTextAnalyzer(plainAnalyzer{}, f),
		keepStop:  keepStop,
		textFlags: f,
	}
	cache := registry.NewCache()
	for lang, name := range languageAnalyzers {
		an, err := cache.AnalyzerNamed(name)
		if err != nil {
			return nil, fmt.Errorf("index: analyzer %q: %w", name, err)
		}
		a.latin[lang] = an
		if keepStop {
			if an, err = cache.AnalyzerNamed(keepStopName(name)); err != nil {
				return nil, fmt.Errorf("index: analyzer %q: %w", keepStopName(name), err)
			}
		}
		a.byLang[lang] = newTextAnalyzer(an, f)
	}
	return a, nil
}

// phraseAnalyzerFor returns the registered name of the analyzer that made
// the non-Khmer words of language lang's documents (phrases use it).
func (a *analyzers) phraseAnalyzerFor(lang string) string {
	n, ok := languageAnalyzers[lang]
	if !ok {
		return AnalyzerPlain
	}
	if a.keepStop {
		return keepStopName(n)
	}
	return n
}

// textFor returns the text-field analyzer of language lang.
func (a *analyzers) textFor(lang string) analysis.Analyzer {
	if an, ok := a.byLang[lang]; ok {
		return an
	}
	return a.plain
}

// latinFor returns the analyzer of a single non-Khmer query word in
// language lang: bleve's analyzer for it (stop words dropped), or the plain
// one (Khmer and unknown languages).
func (a *analyzers) latinFor(lang string) analysis.Analyzer {
	if an, ok := a.latin[lang]; ok {
		return an
	}
	return plainAnalyzer{}
}

func isLetter(r rune) bool { return unicode.IsLetter(r) }
