package index

import (
	"fmt"
	"regexp/syntax"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	"github.com/blevesearch/vellum/regexp"
)

// Query is one search.
type Query struct {
	// Q is bleve's query-string syntax (words, "phrases", +must, -not,
	// field:value, field:>value, wildcards, term~fuzzy, boosts^2);
	// "" (or "*") = everything. Unfielded words and phrases search the text.
	Q string

	// Filters: a post matches when it has one of the listed values of each
	// non-empty list.
	States, Reasons, Actors, Affiliations, Platforms, Languages []string
	Since, Until                                                time.Time // on published, inclusive
	RemovedSince, RemovedUntil                                  time.Time // on removed_at, inclusive

	Sort          string // "relevance" (default), "newest", "removed"
	Limit, Offset int    // Limit default 20
	Facets        bool   // fill Result.Facets
	Highlight     bool   // fill Hit.Snippet with <mark>ed terms
	AllVersions   bool   // false: one hit per post (its best-matching version)
	// Wider: when a Khmer (Thai, Lao, Burmese) word finds nothing, fill
	// Result.Wider (one more search, so only for a reader to see)
	Wider bool
}

// Filter is the part of a Query that is not text: what a store can count.
type Filter struct {
	States, Reasons, Actors, Affiliations, Platforms, Languages []string
	Since, Until, RemovedSince, RemovedUntil                    time.Time
}

// Filter returns q's filters.
func (q Query) Filter() Filter {
	return Filter{
		States: q.States, Reasons: q.Reasons, Actors: q.Actors, Affiliations: q.Affiliations,
		Platforms: q.Platforms, Languages: q.Languages,
		Since: q.Since, Until: q.Until, RemovedSince: q.RemovedSince, RemovedUntil: q.RemovedUntil,
	}
}

// HasText reports whether q has a text part (anything but "" or "*").
func (q Query) HasText() bool {
	s := strings.TrimSpace(q.Q)
	return s != "" && s != "*"
}

// bleveQuery turns q into a bleve query: the parsed and rewritten query
// string, AND the filters.
func (ix *Index) bleveQuery(q Query) (query.Query, error) {
	if err := ix.checkLanguages(q.Languages); err != nil {
		return nil, err
	}
	var parts []query.Query
	if q.HasText() {
		if w := operatorWord(q.Q); w != "" {
			return nil, fmt.Errorf("%w: %s is not an operator in this syntax, and would be searched as a word: "+
				"write +word to require a word, -word to leave out posts with it (\"%s\" in quotes to search the word itself)", ErrBadQuery, w, w)
		}
		parsed, err := query.NewQueryStringQuery(protectDigits(q.Q)).Parse()
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBadQuery, err)
		}
		langs := q.Languages
		if len(langs) == 0 {
			langs = ix.Languages()
		}
		if err := checkQuery(parsed); err != nil {
			return nil, err
		}
		if err := ix.checkLanguages(languageTerms(parsed)); err != nil {
			return nil, err
		}
		r := rewriter{an: ix.an, langs: langs, pairs: ix.pairs}
		parts = append(parts, unwrap(r.rewrite(parsed)))
	}
	parts = append(parts, filterQueries(q.Filter())...)
	switch len(parts) {
	case 0:
		return query.NewMatchAllQuery(), nil
	case 1:
		return parts[0], nil
	}
	return query.NewConjunctionQuery(parts), nil
}

// checkLanguages: a language filter no indexed post is in finds nothing,
// which would read as "no such post" when it is a typo (kh for km) or a
// language the archive has not met; it is a bad query that lists those
// the index holds.
func (ix *Index) checkLanguages(langs []string) error {
	held := ix.Languages()
	for _, l := range langs {
		if contains(held, l) {
			continue
		}
		if len(held) == 0 {
			return fmt.Errorf("%w: language: no post is in %q: the index holds none yet", ErrBadQuery, l)
		}
		return fmt.Errorf("%w: language: no post is in %q (the index holds %s)", ErrBadQuery, l, strings.Join(held, ", "))
	}
	return nil
}

// subqueries are the non-nil parts of a compound query (none of a leaf).
func subqueries(q query.Query) []query.Query {
	var kids []query.Query
	switch q := q.(type) {
	case *query.BooleanQuery:
		kids = []query.Query{q.Must, q.Should, q.MustNot, q.Filter}
	case *query.ConjunctionQuery:
		kids = q.Conjuncts
	case *query.DisjunctionQuery:
		kids = q.Disjuncts
	}
	return slices.DeleteFunc(slices.Clone(kids), func(k query.Query) bool { return k == nil })
}

// languageTerms are the languages a query string names (language:km).
func languageTerms(q query.Query) []string {
	var out []string
	for _, k := range subqueries(q) {
		out = append(out, languageTerms(k)...)
	}
	switch q := q.(type) {
	case *query.MatchQuery:
		if q.Field() == FieldLanguage {
			out = append(out, q.Match)
		}
	case *query.TermQuery:
		if q.Field() == FieldLanguage {
			out = append(out, q.Term)
		}
	}
	return out
}

// termHint says why a query that found nothing may have missed: its first
// ?-wildcard, leading *, fuzzy ~ or /regular expression/ on the text of a
// Latin (not clustered) script. bleve matches those against the terms of
// the index, and English words (those of any language with a stemmer) are
// kept as stems: mini?ter asks for a term "minister", the index holds
// "minist". A word with a trailing * is no such case: the rewriter asks
// its stem's prefix too (stemPrefixes). "" when there is nothing to say.
func termHint(q query.Query, flags textFlags) string {
	for _, k := range subqueries(q) {
		if h := termHint(k, flags); h != "" {
			return h
		}
	}
	fq, ok := q.(query.FieldableQuery)
	if !ok || !isTextField(fq.Field()) {
		return ""
	}
	var word, shown string // shown: as typed, ~N included
	switch q := q.(type) {
	case *query.WildcardQuery:
		if _, ok := wordPrefix(q.Wildcard); ok {
			return "" // stems are asked too
		}
		word, shown = q.Wildcard, q.Wildcard
	case *query.FuzzyQuery:
		word, shown = q.Term, fmt.Sprintf("%s~%d", q.Term, q.Fuzziness)
	case *query.MatchQuery:
		if q.Fuzziness == 0 {
			return ""
		}
		word, shown = q.Match, fmt.Sprintf("%s~%d", q.Match, q.Fuzziness)
	case *query.RegexpQuery:
		return "a /regular expression/ is matched against the index's terms, and the words of English (and of each language with a stemmer) are kept as stems " +
			"(ministers and minister as minist): search the word itself, or its start followed by *"
	default:
		return ""
	}
	if clusterRuns(word, flags) != nil {
		return ""
	}
	try := "the word itself, or its start followed by *"
	if i := strings.IndexAny(word, "*?"); i >= 2 {
		try = word[:i] + "*"
	}
	return fmt.Sprintf("%s is matched against the index's terms, and the words of English (and of each language with a stemmer) are kept as stems "+
		"(ministers and minister as minist): try %s", shown, try)
}

// maxRegexpSteps bounds a regular expression's program. bleve matches one
// against the index's terms with a DFA built whole before the search, in
// time that grows with the program and blows up with counted repetitions:
// /(.{1,16}){1,16}/ (545 steps) took 7.6 s to build, and a search of
// /.{1,999}.{1,999}/ a core for over a minute, whatever the index's size.
// At 64 steps the slowest seen took 1.6 s (and was then refused for more
// than vellum's 10,000 states); what archivists write (/ministr(y|ies)/,
// /[0-9]{4}/, /.*law.*/) takes under 20.
const maxRegexpSteps = 64

// maxRegexpBytes bounds the automaton vellum compiles a regular expression
// to (its instructions, about 40 bytes each). Character classes count here
// where they do not in Go's program: /\pL{8}/ is 8 steps, and took 3.4 s
// to build whole.
const maxRegexpBytes = 64 << 10

// checkRegexp refuses a regular expression (shown to the reader as shown:
// /…/, or the wildcard it was made of) that does not parse or would cost
// the index too much to match: maxRegexpSteps, maxRegexpBytes, vellum's
// 10,000 states. What passes still costs up to a second or two to build,
// which is why such searches run one at a time (isHeavy, heavy).
func checkRegexp(shown, expr string) error {
	parsed, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrBadQuery, shown, err)
	}
	prog, err := syntax.Compile(parsed.Simplify())
	if err == nil && len(prog.Inst) > maxRegexpSteps {
		err = fmt.Errorf("%d steps, at most %d", len(prog.Inst), maxRegexpSteps)
	}
	if err == nil {
		_, err = regexp.NewParsedWithLimit(expr, parsed, maxRegexpBytes)
	}
	if err != nil {
		return fmt.Errorf("%w: %s is too complex to match against the index (%v): write fewer or smaller repetitions ({1,16}, ?????, and the like), or a word with *", ErrBadQuery, shown, err)
	}
	return nil
}

// wildcardRegexp turns a wildcard into the regular expression bleve
// matches it as (bleve's own replacer, unexported).
var wildcardRegexp = strings.NewReplacer("+", `\+`, "(", `\(`, ")", `\)`, "^", `\^`, "$", `\$`, ".", `\.`,
	"{", `\{`, "}", `\}`, "[", `\[`, "]", `\]`, "|", `\|`, `\`, `\\`, "*", ".*", "?", ".")

// isHeavy reports whether q holds a regular expression, or a wildcard other
// than a word's trailing *: what can take seconds to build.
func isHeavy(q query.Query) bool {
	switch q := q.(type) {
	case *query.RegexpQuery:
		return true
	case *query.WildcardQuery:
		_, ok := wordPrefix(q.Wildcard)
		return !ok
	}
	return slices.ContainsFunc(subqueries(q), isHeavy)
}

// wordPrefix is w without its trailing *, when that is its only wildcard
// (word*, or a bare word): the commonest wildcard, and the cheap one.
func wordPrefix(w string) (string, bool) {
	word := strings.TrimSuffix(w, "*")
	return word, !strings.ContainsAny(word, "*?")
}

// queryFields are the fields a query string may name besides the text:
// those the index holds terms of (first_seen and version are only
// stored), dates apart.
var queryFields = []string{FieldActor, FieldAffiliation, FieldPlatform, FieldSource, FieldState,
	FieldReason, FieldLanguage, FieldReportIDs, FieldMonth, FieldPostID}

var dateFields = []string{FieldPublished, FieldRemovedAt}

// checkQuery finds what bleve would fail on only once searching (a bad
// regular expression, fuzziness over its maximum), reported then as any
// other failure, and what it would answer with nothing: a field the
// index does not hold, or a number or date range on a field that holds
// none, which an archivist would read as "no such post". Each is a bad
// query that says why.
func checkQuery(q query.Query) error {
	for _, k := range subqueries(q) {
		if err := checkQuery(k); err != nil {
			return err
		}
	}
	switch q := q.(type) {
	case *query.RegexpQuery:
		if err := checkRegexp("/"+q.Regexp+"/", q.Regexp); err != nil {
			return err
		}
	case *query.WildcardQuery:
		// bleve matches a wildcard as the regular expression it makes of
		// it; a word's prefix makes a small one
		if _, ok := wordPrefix(q.Wildcard); !ok {
			if err := checkRegexp(q.Wildcard, wildcardRegexp.Replace(q.Wildcard)); err != nil {
				return err
			}
		}
	case *query.MatchQuery:
		if q.Fuzziness > searcher.MaxFuzziness {
			return fmt.Errorf("%w: %s~%d: a word may differ by %d letters at most", ErrBadQuery, q.Match, q.Fuzziness, searcher.MaxFuzziness)
		}
	case *query.FuzzyQuery:
		if q.Fuzziness > searcher.MaxFuzziness {
			return fmt.Errorf("%w: %s~%d: a word may differ by %d letters at most", ErrBadQuery, q.Term, q.Fuzziness, searcher.MaxFuzziness)
		}
	}
	fq, ok := q.(query.FieldableQuery)
	if !ok || isTextField(fq.Field()) {
		return nil
	}
	f := fq.Field()
	isDate := slices.Contains(dateFields, f)
	if !isDate && !slices.Contains(queryFields, f) {
		return fmt.Errorf("%w: no field %q; the fields are text, %s and the dates %s", ErrBadQuery, f,
			strings.Join(queryFields, ", "), strings.Join(dateFields, " and "))
	}
	switch q.(type) {
	case *query.NumericRangeQuery:
		if isDate {
			return fmt.Errorf("%w: %s is a date, written with quotes: %s:>\"2024-01-31\"", ErrBadQuery, f, f)
		}
		return fmt.Errorf("%w: %s: no field holds numbers; dates are %s", ErrBadQuery, f, strings.Join(dateFields, " and "))
	case *query.DateRangeQuery, *query.DateRangeStringQuery:
		if !isDate {
			return fmt.Errorf("%w: %s is not a date; dates are %s", ErrBadQuery, f, strings.Join(dateFields, " and "))
		}
		return nil
	}
	if isDate {
		return fmt.Errorf("%w: %s is a date: ask for a range, %s:>=\"2024-01-01\" %s:<\"2024-02-01\"", ErrBadQuery, f, f, f)
	}
	return nil
}

// unwrap drops the wrappers the query-string parser puts around a query
// of one clause (a boolean of only should clauses, a disjunction or
// conjunction of one): each is a searcher more on every hit, about a
// quarter of the time of a one-word search, and none changes a score (a
// disjunction's coordination factor is 1 when its one clause matches).
// Only the outermost ones go: a match-none clause inside is dropped or
// kept by its parent's mode, which bleve does not export.
func unwrap(q query.Query) query.Query {
	switch w := q.(type) {
	case *query.BooleanQuery:
		if w.Must == nil && w.MustNot == nil && w.Filter == nil && w.Should != nil && w.BoostVal == nil {
			return unwrap(w.Should)
		}
	case *query.DisjunctionQuery:
		if len(w.Disjuncts) == 1 && w.Min <= 1 && w.BoostVal == nil {
			return unwrap(w.Disjuncts[0])
		}
	case *query.ConjunctionQuery:
		if len(w.Conjuncts) == 1 && w.BoostVal == nil {
			return unwrap(w.Conjuncts[0])
		}
	}
	return q
}

func filterQueries(f Filter) []query.Query {
	var parts []query.Query
	terms := func(field string, vals []string) {
		if len(vals) == 0 {
			return
		}
		var qs []query.Query
		for _, v := range vals {
			tq := query.NewTermQuery(v)
			tq.SetField(field)
			qs = append(qs, tq)
		}
		if len(qs) == 1 {
			parts = append(parts, qs[0])
			return
		}
		parts = append(parts, query.NewDisjunctionQuery(qs))
	}
	terms(FieldState, f.States)
	terms(FieldReason, f.Reasons)
	terms(FieldActor, f.Actors)
	terms(FieldAffiliation, f.Affiliations)
	terms(FieldPlatform, f.Platforms)
	terms(FieldLanguage, f.Languages)
	dates := func(field string, since, until time.Time) {
		if since.IsZero() && until.IsZero() {
			return
		}
		t := true
		dq := query.NewDateRangeInclusiveQuery(since, until, &t, &t)
		dq.SetField(field)
		parts = append(parts, dq)
	}
	dates(FieldPublished, f.Since, f.Until)
	dates(FieldRemovedAt, f.RemovedSince, f.RemovedUntil)
	return parts
}

// rewriter rewrites the query-string tree: unfielded (or text:) words and
// phrases become queries on the text and pairs fields that the analyzers
// made. Latin words are analyzed with the analyzer of every language in
// langs (the terms differ, e.g. stemmed for English); Khmer words become
// their clusters (a phrase of cluster bigrams); phrases become phrases of
// word pairs.
type rewriter struct {
	an    *analyzers
	langs []string
	pairs pairsAnalyzer // which word pairs the pairs field holds
}

func isTextField(f string) bool { return f == "" || f == FieldText || f == "title" || f == "_all" }

func (r rewriter) rewrite(q query.Query) query.Query {
	switch q := q.(type) {
	case *query.BooleanQuery:
		if q.Must != nil {
			q.Must = r.rewrite(q.Must)
		}
		if q.Should != nil {
			q.Should = r.rewrite(q.Should)
		}
		if q.MustNot != nil {
			q.MustNot = r.rewrite(q.MustNot)
		}
		if q.Filter != nil {
			q.Filter = r.rewrite(q.Filter)
		}
		return q
	case *query.ConjunctionQuery:
		for i := range q.Conjuncts {
			q.Conjuncts[i] = r.rewrite(q.Conjuncts[i])
		}
		return q
	case *query.DisjunctionQuery:
		for i := range q.Disjuncts {
			q.Disjuncts[i] = r.rewrite(q.Disjuncts[i])
		}
		return q
	case *query.MatchQuery:
		q.Match = restoreDigits(q.Match)
		if !isTextField(q.FieldVal) {
			return q
		}
		return withBoost(r.text(q.Match, false, q.Fuzziness), q.BoostVal)
	case *query.MatchPhraseQuery:
		q.MatchPhrase = restoreDigits(q.MatchPhrase)
		if !isTextField(q.FieldVal) {
			return q
		}
		return withBoost(r.text(q.MatchPhrase, true, 0), q.BoostVal)
	case *query.WildcardQuery:
		q.Wildcard = restoreDigits(q.Wildcard)
		if isTextField(q.FieldVal) {
			if kq := r.khmerPrefix(q.Wildcard); kq != nil {
				return withBoost(kq, q.BoostVal)
			}
			q.SetField(FieldText)
			q.Wildcard = strings.ToLower(r.digits(q.Wildcard))
			if stems := r.stemPrefixes(q.Wildcard); len(stems) > 0 {
				return withBoost(query.NewDisjunctionQuery(append([]query.Query{q}, stems...)), q.BoostVal)
			}
		}
		return q
	case *query.RegexpQuery:
		q.Regexp = restoreDigits(q.Regexp)
		if isTextField(q.FieldVal) {
			q.SetField(FieldText)
			q.Regexp = r.digits(q.Regexp)
		}
		return q
	case *query.NumericRangeQuery:
		if q.FieldVal == "" { // a bare number: only its text part can match
			return query.NewMatchNoneQuery()
		}
		return q
	case *query.DateRangeStringQuery:
		if q.FieldVal == "" {
			return query.NewMatchNoneQuery()
		}
		return q
	}
	return q
}

// digits writes the digits of a text-field pattern as the index holds
// them (see scriptDigit).
func (r rewriter) digits(s string) string {
	if !r.an.digits {
		return s
	}
	return string(foldDigits([]byte(s)))
}

func withBoost(q query.Query, b *query.Boost) query.Query {
	if b == nil {
		return q
	}
	if bq, ok := q.(query.BoostableQuery); ok {
		bq.SetBoost(b.Value())
	}
	return q
}

// unit is one word of a query: a Latin (non-Khmer) word, or a run of
// Khmer, Thai, Lao or Burmese (its clusters' keys).
type unit struct {
	word     string   // Latin word as written
	clusters []string // a run's cluster keys (clusterKey)
}

// units splits s into words and runs of the clustered scripts (Khmer and
// the others of clusters.go, all handled alike), in order; with the text
// flags the index's analyzers have.
func units(s string, f textFlags) []unit {
	b := []byte(s)
	var out []unit
	for _, seg := range segmentText(b, f) {
		if seg.clustered {
			u := unit{}
			for _, c := range seg.clusters {
				k, _ := clusterKey(b[c.start:c.end], f)
				u.clusters = append(u.clusters, string(k))
			}
			out = append(out, u)
			continue
		}
		for _, t := range uniTokenizer.Tokenize(b[seg.start:seg.end]) {
			w := t.Term
			if f.digits {
				w = foldDigits(w)
			}
			out = append(out, unit{word: string(w)})
		}
	}
	return out
}

// text builds the query for a word or phrase of the query string. A single
// Latin word: its terms under each language's analyzer (a disjunction when
// they differ). A Khmer word: its clusters (see khmerQuery). Several Latin
// words (a phrase, or a word that tokenizes into several like "e-mail"): a
// phrase of word pairs, exact and fast. Several Khmer runs: one phrase of
// clusters. Both scripts ("Hun Sen បាន"): one positional phrase of both
// (mixedPhrase), or, where the words cannot be placed, the conjunction of
// the Latin and Khmer parts.
func (r rewriter) text(s string, phrase bool, fuzziness int) query.Query {
	us := units(s, r.an.textFlags)
	if len(us) == 0 {
		return query.NewMatchNoneQuery()
	}
	if fuzziness == 0 {
		if q := r.mixedPhrase(us); q != nil {
			return q
		}
	}
	var latin []string
	var khmerRuns [][]string
	var parts []query.Query
	flushLatin := func() {
		switch len(latin) {
		case 0:
		case 1:
			parts = append(parts, r.word(latin[0], fuzziness))
		default:
			parts = append(parts, r.phrase(latin))
		}
		latin = nil
	}
	flushKhmer := func() {
		if len(khmerRuns) > 0 {
			parts = append(parts, khmerQuery(khmerRuns, false))
		}
		khmerRuns = nil
	}
	for _, u := range us {
		if u.clusters != nil {
			flushLatin()
			khmerRuns = append(khmerRuns, u.clusters)
		} else {
			flushKhmer()
			latin = append(latin, u.word)
		}
	}
	flushLatin()
	flushKhmer()
	if len(parts) == 1 {
		return parts[0]
	}
	return query.NewConjunctionQuery(parts)
}

// word: the terms of one Latin word in the text field under every
// language's analyzer.
func (r rewriter) word(w string, fuzziness int) query.Query {
	seen := map[string]bool{}
	var terms []string
	add := func(ts analysis.TokenStream) {
		for _, t := range ts {
			if s := string(t.Term); !seen[s] {
				seen[s] = true
				terms = append(terms, s)
			}
		}
	}
	if len(r.langs) == 0 {
		add(plainAnalyzer{}.Analyze([]byte(w)))
	}
	for _, l := range r.langs {
		add(r.an.latinFor(l).Analyze([]byte(w)))
	}
	sort.Strings(terms)
	var qs []query.Query
	for _, t := range terms {
		if fuzziness > 0 {
			fq := query.NewFuzzyQuery(t)
			fq.SetFuzziness(fuzziness)
			fq.SetField(FieldText)
			qs = append(qs, fq)
			continue
		}
		tq := query.NewTermQuery(t)
		tq.SetField(FieldText)
		qs = append(qs, tq)
	}
	switch len(qs) {
	case 0: // a stop word in every language
		return query.NewMatchNoneQuery()
	case 1:
		return qs[0]
	}
	return query.NewDisjunctionQuery(qs)
}

// phrase: Latin words w1..wn (n ≥ 2), in order. When the pairs field
// holds every adjacent pair (both words common, or one a stop word): a
// phrase of the pairs field ("w1 w2", "w2 w3", ... at consecutive
// positions; one term for n = 2) — exact, and fast however frequent the
// words. Otherwise a positional phrase on the text field under each
// language's analyzer (bleve drives it from the rarest word), and the pairs
// it contains.
func (r rewriter) phrase(words []string) query.Query {
	lw := make([]string, len(words))
	for i, w := range words {
		if ts := pairWords([]byte(w)); len(ts) == 1 {
			lw[i] = string(ts[0].Term)
		} else {
			lw[i] = strings.ToLower(w)
		}
	}
	var pairs []string
	allPaired := true
	for i := 0; i+1 < len(lw); i++ {
		pairs = append(pairs, lw[i]+" "+lw[i+1])
		allPaired = allPaired && r.pairs.paired(lw[i], lw[i+1])
	}
	if allPaired {
		if len(pairs) == 1 {
			tq := query.NewTermQuery(pairs[0])
			tq.SetField(FieldPairs)
			return tq
		}
		return query.NewPhraseQuery(pairs, FieldPairs)
	}
	text := strings.Join(words, " ")
	seen := map[string]bool{}
	var alts []query.Query
	langs := r.langs
	if len(langs) == 0 {
		langs = []string{""}
	}
	for _, l := range langs {
		name := r.an.phraseAnalyzerFor(l)
		if seen[name] {
			continue
		}
		seen[name] = true
		mq := query.NewMatchPhraseQuery(text)
		mq.SetField(FieldText)
		mq.Analyzer = name
		alts = append(alts, mq)
	}
	var q query.Query = alts[0]
	if len(alts) > 1 {
		q = query.NewDisjunctionQuery(alts)
	}
	parts := []query.Query{q}
	for i, p := range pairs {
		if r.pairs.paired(lw[i], lw[i+1]) {
			tq := query.NewTermQuery(p)
			tq.SetField(FieldPairs)
			parts = append(parts, tq)
		}
	}
	if len(parts) == 1 {
		return q
	}
	return query.NewConjunctionQuery(parts)
}

// mixedPhrase: Latin words and runs of the clustered scripts together, as
// one positional phrase on the text field laid out as textAnalyzer lays out
// a document: each Latin word's term at its position (the alternatives when
// the index's languages analyze it differently, "arrested" and "arrest"),
// and at each cluster's position the bigram with the next cluster of its
// run, or the cluster alone at the end of a run. nil when us is of one
// script, or a word cannot be placed (a language drops it or splits it
// into another number of terms; an index made dropping stop words).
func (r rewriter) mixedPhrase(us []unit) query.Query {
	var latin, clustered bool
	for _, u := range us {
		latin = latin || u.clusters == nil
		clustered = clustered || u.clusters != nil
	}
	if !latin || !clustered || !r.an.keepStop {
		return nil
	}
	langs := r.langs
	if len(langs) == 0 {
		langs = []string{""}
	}
	var positions [][]string
	for _, u := range us {
		if u.clusters != nil {
			for _, t := range runTerms(u.clusters) {
				positions = append(positions, []string{t})
			}
			continue
		}
		var alts [][]string // by position within the word: its terms
		for li, l := range langs {
			toks := r.an.textFor(l).Analyze([]byte(u.word))
			if len(toks) == 0 || li > 0 && len(toks) != len(alts) {
				return nil
			}
			if li == 0 {
				alts = make([][]string, len(toks))
			}
			for k, t := range toks {
				if !slices.Contains(alts[k], string(t.Term)) {
					alts[k] = append(alts[k], string(t.Term))
				}
			}
		}
		positions = append(positions, alts...)
	}
	return query.NewMultiPhraseQuery(positions, FieldText)
}

// runTerms returns the text field's term at each cluster position of a run
// (cluster keys, as textAnalyzer lays them out): the bigram with the next
// cluster, the cluster alone at the end.
func runTerms(run []string) []string {
	terms := make([]string, len(run))
	for i, c := range run {
		if i+1 < len(run) {
			c += run[i+1]
		}
		terms[i] = c
	}
	return terms
}

// khmerQuery: Khmer runs (each a list of clusters; runs were separated by a
// break in the query) as a query on the text field. Each position takes the
// bigram of its cluster and the next one of the same run, or the cluster
// alone at the end of a run: one cluster is a term, two a bigram term, more a
// phrase of bigrams — every Khmer word or part of one, exactly, from where
// a cluster starts to where one ends.
//
// With prefix (the query's word ended in *), the last term also matches
// the longer terms it begins, so the last cluster may have more signs in
// the text than typed, as a reader's Ctrl-F finds it: រដ្ឋ* finds
// រដ្ឋាភិបាល, where compounding joined a vowel to ដ្ឋ (រ + ដ្ឋា), and
// រដ្ឋ finds only a ដ្ឋ without one (នាយករដ្ឋមន្ត្រី). A cluster key
// keeps its base first and its signs in a fixed order (clusterKey), and a
// base always starts a new cluster, so the terms that begin with the last
// term are exactly those whose last cluster is the typed one with signs
// added (or, for a lone cluster, followed by another). Not the default:
// a common word's extensions made its p99 1.7× slower at 100,000 posts,
// and most are other words (ចក of ចកា).
func khmerQuery(runs [][]string, prefix bool) query.Query {
	var terms []string
	for i, run := range runs {
		t := runTerms(run)
		// The last run's last cluster is in its bigram already; the
		// other runs keep theirs alone, so positions stay aligned.
		if i == len(runs)-1 && len(t) > 1 {
			t = t[:len(t)-1]
		}
		terms = append(terms, t...)
	}
	if len(terms) == 1 {
		if prefix {
			pq := query.NewPrefixQuery(terms[0])
			pq.SetField(FieldText)
			return pq
		}
		tq := query.NewTermQuery(terms[0])
		tq.SetField(FieldText)
		return tq
	}
	q := newTermPhraseQuery(terms, FieldText)
	q.prefixLast = prefix
	return q
}

// stemPrefixes are, for a word ending in * (and no other wildcard), the
// prefix queries of its stem in each language searched, where the stem
// differs from the word: the text field holds stems, so banking* asked for
// terms beginning "banking" and found none of the posts saying banking
// (its term is bank). The word's own prefix still counts (bank* finds
// bankruptcy's stem too).
func (r rewriter) stemPrefixes(w string) []query.Query {
	word, ok := wordPrefix(w)
	if !ok || word == "" || word == w {
		return nil
	}
	langs := r.langs
	if len(langs) == 0 {
		langs = []string{""}
	}
	seen := map[string]bool{word: true}
	var out []query.Query
	for _, l := range langs {
		toks := r.an.textFor(l).Analyze([]byte(word))
		if len(toks) != 1 {
			continue // a stop word, or more than one word: no stem to ask
		}
		stem := string(toks[0].Term)
		if seen[stem] || len(stem) < 2 {
			continue
		}
		seen[stem] = true
		pq := query.NewPrefixQuery(stem)
		pq.SetField(FieldText)
		out = append(out, pq)
	}
	return out
}

// khmerPrefix is the query for a word of the query string ending in *
// (bleve's wildcard) whose stem is all clusters (Khmer, Thai, Lao,
// Burmese): that text, its last cluster with any signs after it (see
// khmerQuery); nil for any other wildcard, which bleve matches against
// single terms.
func (r rewriter) khmerPrefix(w string) query.Query {
	stem, ok := strings.CutSuffix(w, "*")
	if !ok || strings.ContainsAny(stem, "*?") {
		return nil
	}
	runs := clusterRuns(stem, r.an.textFlags)
	if runs == nil {
		return nil
	}
	return khmerQuery(runs, true)
}

// clusterRuns returns the cluster runs of s when s is written in the
// clustered scripts only; nil when it is empty or holds anything else.
func clusterRuns(s string, f textFlags) [][]string {
	var runs [][]string
	for _, u := range units(s, f) {
		if u.clusters == nil {
			return nil
		}
		runs = append(runs, u.clusters)
	}
	return runs
}

// bleve's query-string lexer takes any Unicode digit for a number and then
// fails to parse "១៣០" as one; non-ASCII digits go through the parser as
// private-use runes (U+F0000 + digit) and come back in the rewrite.
const digitShift = 0xF0000

// operatorWord returns AND, OR or NOT (or &&, ||, !) when s uses one as an
// operator, outside quotes: the query-string syntax has none, and "NOT law"
// would find the posts with "law" (and "not"), the opposite of what was
// meant. Lower case "and" is an ordinary word.
func operatorWord(s string) string {
	quoted := false
	var word strings.Builder
	check := func() string {
		w := word.String()
		word.Reset()
		switch w {
		case "AND", "OR", "NOT", "&&", "||", "!":
			return w
		}
		return ""
	}
	for _, r := range s + " " {
		switch {
		case r == '"':
			word.Reset()
			quoted = !quoted
		case quoted:
		case unicode.IsSpace(r) || r == '(' || r == ')':
			if w := check(); w != "" {
				return w
			}
		default:
			word.WriteRune(r)
		}
	}
	return ""
}

func protectDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r > 0x7f && r < 0x10000 && unicode.IsDigit(r) {
			return digitShift + r
		}
		return r
	}, s)
}

func restoreDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= digitShift && r < digitShift+0x10000 {
			return r - digitShift
		}
		return r
	}, s)
}
