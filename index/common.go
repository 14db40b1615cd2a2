package index

import (
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
)

// Phrases and common words. A phrase query is slow in bleve when all its
// words are frequent: the conjunction of long postings lists is walked and
// every candidate's positions read. The pairs field therefore holds, for each
// two adjacent words that are both common, or of which one is a stop word,
// the pair as one term ("of the", "prime minister", "campaign and"):
// short postings, and few distinct terms beside the stop-word pairs (cheap
// to index). A phrase whose adjacent pairs are all there is a phrase of
// pairs; any other is a positional phrase on the text field, which bleve
// drives from the rarest word's short postings list.
//
// The common words are English stop words (bleve's list) and the most
// frequent words of English political news below; an index records the list
// it was created with (Options.CommonWords adds to it), so documents and
// queries always agree; `reindex` applies a new list.

// newsWords are frequent words of English news about politics and
// government (beside the stop words).
const newsWords = `said says say told according also new one two three first last
year years week day days time today yesterday people government minister
ministry prime party national police court law election elections vote votes
voters opposition leader leaders president official officials public state
country province city council members member rights human media press news
report reports statement information security military army land border
political politics policy power people's former former general chief
authorities authority spokesman spokeswoman interview committee commission
assembly senate parliament support against called including during since
after before under over between about more most many other still well
just like made make could would should may might must can will shall
percent million billion company companies workers union trade economic
economy development project money funds aid international foreign world
cambodia cambodian phnom penh hun sen cpp cnrp king royal ruling
facebook post posts page video online social account accounts
arrested arrest charges charged case cases prison jail judge trial
freedom free activists activist journalists journalist protest protests
village villagers families family community land health school students`

// defaultCommonWords returns the built-in common-word list.
func defaultCommonWords() []string {
	tm := analysis.NewTokenMap()
	if err := tm.LoadBytes(en.EnglishStopWords); err != nil {
		panic(err) // a constant of bleve's
	}
	seen := map[string]bool{}
	var out []string
	add := func(w string) {
		w = strings.ToLower(w)
		if w != "" && !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	for w := range tm {
		add(w)
	}
	for _, w := range strings.Fields(newsWords) {
		add(w)
	}
	return out
}
