package web

import (
	"html"
	"strings"
	"time"

	"github.com/takedownwatch/takedownwatch/archive/store"
)

// SearchQuery is a full-text search as the pages and the API ask it.
type SearchQuery struct {
	Q                                                       string
	States, Reasons, Actors, Affiliations, Platforms, Langs []string
	Since, Until                                            time.Time // published
	RemovedSince, RemovedUntil                              time.Time
	Sort                                                    string // relevance | newest | removed
	Limit, Offset                                           int
	Facets                                                  bool
}

// SearchHit is one matching post (its best-matching version).
type SearchHit struct {
	PostID    string
	VersionID int64
	Version   int
	Score     float64
	// Snippet is HTML: the matched text escaped, matches in <mark>.
	Snippet                        string
	Actor, State, Reason, Platform string
	Published, RemovedAt           time.Time
}

// SearchResult is a page of hits, with facet counts when asked.
type SearchResult struct {
	Total  uint64
	Hits   []SearchHit
	Facets map[string][]store.Count // actor, affiliation, reason, platform, month
	// Estimated: Total is an estimate (index.Result.Estimated); then
	// FacetsOfVersions may say the facets count versions, not posts.
	Estimated, FacetsOfVersions bool
	Took                        time.Duration
	// Notice says what the results may leave out: the search page shows it
	// above them (an index made by an older version that lacks something,
	// which the daemon's log alone would tell no one who only searches).
	Notice string
	// Wider, when a Khmer (Thai, Lao, Burmese) word found nothing: the
	// same word with *, and WiderTotal the posts it finds (index.Result).
	Wider      string
	WiderTotal uint64
	// Hint, when a ?, leading *, ~ or /regexp/ found nothing: why, and
	// what to type instead (index.Result.Hint).
	Hint string
}

// PostIDs are the hits' post ids, in hit order.
func (r *SearchResult) PostIDs() []string {
	ids := make([]string, len(r.Hits))
	for i, h := range r.Hits {
		ids[i] = h.PostID
	}
	return ids
}

// Sorts a search offers.
var Sorts = []string{"relevance", "newest", "removed"}

// safeSnippet keeps only <mark> and </mark> of an index's snippet and
// escapes everything else again, whatever the index did: archived text
// never reaches a page as markup.
func safeSnippet(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "<mark>")
		if i < 0 {
			b.WriteString(html.EscapeString(html.UnescapeString(stripTags(s))))
			return b.String()
		}
		b.WriteString(html.EscapeString(html.UnescapeString(stripTags(s[:i]))))
		rest := s[i+len("<mark>"):]
		j := strings.Index(rest, "</mark>")
		if j < 0 {
			j = len(rest)
		}
		b.WriteString("<mark>" + html.EscapeString(html.UnescapeString(stripTags(rest[:j]))) + "</mark>")
		if j+len("</mark>") > len(rest) {
			return b.String()
		}
		s = rest[j+len("</mark>"):]
	}
}

// stripTags drops anything tag-like an index might have let through.
func stripTags(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>' && in:
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return b.String()
}
