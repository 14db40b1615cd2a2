package index

import (
	"html"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search"
)

// snippetBytes is about how long a snippet is (bytes of the text).
const snippetBytes = 240

// snippet renders the part of the hit's stored text with the most matched
// terms: each match (term locations of the text and pairs fields, merged
// where they overlap) in <mark>…</mark>, everything else HTML-escaped, "…"
// where the text was cut.
func snippet(dm *search.DocumentMatch) string {
	text, _ := dm.Fields[FieldText].(string)
	if text == "" {
		return ""
	}
	var spans []span
	for _, field := range []string{FieldText, FieldPairs} {
		for _, locs := range dm.Locations[field] {
			for _, l := range locs {
				s, e := int(l.Start), int(l.End)
				if s < 0 || e > len(text) || s >= e {
					continue
				}
				spans = append(spans, span{s, e})
			}
		}
	}
	sort.Slice(spans, func(i, j int) bool {
		if spans[i].start != spans[j].start {
			return spans[i].start < spans[j].start
		}
		return spans[i].end > spans[j].end
	})
	merged := spans[:0]
	for _, s := range spans {
		if n := len(merged); n > 0 && s.start <= merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, s.end)
			continue
		}
		merged = append(merged, s)
	}
	spans = merged

	// the window [ws, we) that holds the most spans
	ws, best := 0, -1
	for i := range spans {
		n := 0
		for j := i; j < len(spans) && spans[j].end <= spans[i].start+snippetBytes; j++ {
			n++
		}
		if n > best {
			best, ws = n, spans[i].start
		}
	}
	if best > 0 {
		ws = max(0, min(ws-snippetBytes/4, len(text)-snippetBytes))
	}
	we := min(len(text), ws+snippetBytes)
	if len(spans) > 0 && best > 0 {
		// never cut a mark
		for _, s := range spans {
			if s.start < we && s.end > we {
				we = s.end
			}
		}
	}
	ws, we = clusterStart(text, ws), clusterStart(text, we)

	var b strings.Builder
	if ws > 0 {
		b.WriteString("…")
	}
	pos := ws
	for _, s := range spans {
		if s.end <= ws || s.start >= we {
			continue
		}
		st, en := max(s.start, ws), min(s.end, we)
		b.WriteString(html.EscapeString(text[pos:st]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[st:en]))
		b.WriteString("</mark>")
		pos = en
	}
	b.WriteString(html.EscapeString(text[pos:we]))
	if we < len(text) {
		b.WriteString("…")
	}
	return b.String()
}

// clusterStart moves i back to the start of its rune and of its cluster
// (never between a consonant and its signs or subscripts, or between a
// leading vowel and its consonant).
func clusterStart(text string, i int) int {
	for {
		for i > 0 && i < len(text) && !utf8.RuneStart(text[i]) {
			i--
		}
		if i <= 0 || i >= len(text) {
			return max(0, min(i, len(text)))
		}
		r, _ := utf8.DecodeRuneInString(text[i:])
		prev, _ := utf8.DecodeLastRuneInString(text[:i])
		if c, pc := classify(r), classify(prev); c == kSign || c == kCoeng || c == kJoin || pc == kCoeng || pc == kLead {
			i--
			continue
		}
		return i
	}
}
