package feeds

import (
	"fmt"
	"html"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/internal/clip"
)

var reasonWords = map[string]string{
	"deleted":        "deleted",
	"withheld_legal": "withheld for legal reasons",
	"account_gone":   "account gone",
	"unknown":        "reason unknown",
}

// ReasonWords says a removal reason in words.
func ReasonWords(reason string) string {
	if w, ok := reasonWords[reason]; ok {
		return w
	}
	return reason
}

// DetailWords says an event's detail for a reader: a bare HTTP status
// ("410", "451 blocked-by https://…") gets its name ("HTTP 410 Gone",
// "HTTP 451 Unavailable For Legal Reasons: blocked-by https://…"); any other
// detail (a platform's wording, "absent from getPosts") is kept as it is.
func DetailWords(detail string) string {
	code, rest, _ := strings.Cut(detail, " ")
	n, err := strconv.Atoi(code)
	if err != nil || len(code) != 3 || http.StatusText(n) == "" {
		return detail
	}
	words := "HTTP " + code + " " + http.StatusText(n)
	if rest = strings.TrimSpace(rest); rest != "" {
		words += ": " + rest
	}
	return words
}

// Title says what happened to whom: "Removed — withheld for legal reasons:
// Hun Sen: first words…". Bidirectional overrides are left out of titles,
// where a reader shows them without context and they can disguise the
// words; the body keeps the text as archived.
func (e Entry) Title() string {
	return stripBidi(e.title())
}

func stripBidi(s string) string {
	return strings.Map(func(r rune) rune {
		if (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) {
			return -1
		}
		return r
	}, s)
}

func (e Entry) title() string {
	who := clean(e.ActorName)
	if who == "" {
		who = clean(e.Actor)
	}
	words := firstWords(e.Text, 12, 90)
	with := func(what string) string {
		if words == "" {
			return what + ": " + who
		}
		return what + ": " + who + ": " + words
	}
	switch e.Type {
	case store.EventRemoved:
		return with("Removed — " + ReasonWords(e.Reason))
	case store.EventAccountGone:
		t := "Account gone"
		if e.Detail != "" {
			t += " (" + clean(e.Detail) + ")"
		}
		t += ": " + who
		if e.Folded > 0 {
			t += fmt.Sprintf(" — %d posts removed with it", e.Folded)
		}
		return t
	case store.EventEdited:
		return with("Edited")
	case store.EventNew:
		return with("New post")
	case store.EventRestored:
		return with("Restored")
	case store.EventRestricted:
		return with("Restricted")
	case store.EventReported:
		return with("Reported")
	case store.EventMetricsAnomaly:
		if e.Metric != nil {
			return fmt.Sprintf("Metrics anomaly: %s: %s %s → %s", who, e.Metric.Name, number(e.Metric.From), number(e.Metric.To))
		}
		return "Metrics anomaly: " + who
	}
	return with(clean(e.Type))
}

// Link is the evidence page the item points to.
func (s Site) Link(e Entry) string {
	if e.PostID != "" {
		return s.PageURL("posts/" + e.PostID)
	}
	return s.PageURL("actors/" + e.Actor)
}

// Body is the item's HTML: the archived text (escaped), what happened,
// the evidence links and, for edits, the diff.
func (s Site) Body(e Entry) string {
	var b strings.Builder
	b.WriteString("<p><strong>")
	b.WriteString(html.EscapeString(e.Title()))
	b.WriteString("</strong></p>")
	if e.Text != "" {
		b.WriteString("<blockquote>")
		for _, line := range strings.Split(clean(e.Text), "\n") {
			if line = strings.TrimSpace(line); line != "" {
				b.WriteString("<p>" + html.EscapeString(line) + "</p>")
			}
		}
		b.WriteString("</blockquote>")
	}
	var facts []string
	if e.Reason != "" && e.Type == store.EventRemoved {
		facts = append(facts, "Reason: "+ReasonWords(e.Reason))
	}
	if f := detailFact(e); f != "" {
		facts = append(facts, f)
	}
	if !e.LastSeenLive.IsZero() {
		facts = append(facts, "Last seen live: "+e.LastSeenLive.UTC().Format("2006-01-02 15:04 MST"))
	}
	if !e.FirstSeenMissing.IsZero() {
		facts = append(facts, "First seen missing: "+e.FirstSeenMissing.UTC().Format("2006-01-02 15:04 MST"))
	}
	if e.LikelyCorrection {
		facts = append(facts, "Likely a correction: a near-identical post followed")
	}
	if len(e.ReportIDs) > 0 {
		facts = append(facts, "Takedown reports: "+strings.Join(e.ReportIDs, ", "))
	}
	if e.Metric != nil {
		facts = append(facts, fmt.Sprintf("%s: %s → %s", e.Metric.Name, number(e.Metric.From), number(e.Metric.To)))
	}
	if len(facts) > 0 {
		b.WriteString("<ul>")
		for _, f := range facts {
			b.WriteString("<li>" + html.EscapeString(f) + "</li>")
		}
		b.WriteString("</ul>")
	}
	if e.Diff != "" {
		b.WriteString("<pre>" + html.EscapeString(clean(e.Diff)) + "</pre>")
	}
	var links []string
	if e.PostID != "" {
		links = append(links, `<a href="`+html.EscapeString(s.PageURL("posts/"+e.PostID))+`">evidence page</a>`)
	}
	if e.PostURL != "" && (strings.HasPrefix(e.PostURL, "https://") || strings.HasPrefix(e.PostURL, "http://")) {
		links = append(links, `<a href="`+html.EscapeString(clean(e.PostURL))+`">original</a>`)
	}
	for _, c := range e.Evidence {
		id := strconv.FormatInt(c, 10)
		links = append(links, `<a href="`+html.EscapeString(s.PageURL("captures/"+id))+`">capture `+id+`</a>`)
	}
	if len(links) > 0 {
		b.WriteString("<p>" + strings.Join(links, " · ") + "</p>")
	}
	return b.String()
}

// detailFact says an event's detail as what it is: the platform's answer
// for a removal, who reported a reported post, and for a restored post the
// reason it had been gone for.
func detailFact(e Entry) string {
	if e.Detail == "" {
		return ""
	}
	switch e.Type {
	case store.EventReported:
		return "Reported by: " + clean(e.Detail)
	case store.EventRestored:
		return "Had been: " + ReasonWords(clean(e.Detail))
	}
	return "The platform's answer: " + clean(DetailWords(e.Detail))
}

// clean makes text safe for XML 1.0 and JSON: valid UTF-8, no control
// characters but newline and tab, nothing outside XML's character range.
func clean(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r == '\r':
			return '\n'
		case unicode.IsControl(r), r == 0xFFFE, r == 0xFFFF, r >= 0xD800 && r <= 0xDFFF:
			return -1
		}
		return r
	}, s)
}

// firstWords is the start of a text for a title: a few words (or, for
// scripts without spaces such as Khmer, a few dozen characters).
func firstWords(s string, words, maxRunes int) string {
	return clip.Words(clean(s), words, maxRunes)
}

func number(f float64) string {
	if f == float64(int64(f)) {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}
