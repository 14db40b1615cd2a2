// Package normalize turns a post's HTML or plain text into the normalized text that versions are told apart by.
package normalize

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"

	"golang.org/x/net/html"
)

// maxRounds bounds how many times escaped markup is unescaped and parsed
// again. Real feeds escape at most twice or three times; deeper nesting is
// built to burn CPU, since every round costs a pass over the whole text.
const maxRounds = 8

// Text returns the normalized text of s, which may be HTML or plain text:
// tags stripped (the content of script, style and other non-text elements
// dropped), character references decoded, block elements turned into line
// breaks, horizontal whitespace (NBSP included) folded to one space, lines
// trimmed, empty lines removed, invalid UTF-8 replaced with U+FFFD, control
// characters other than "\n" removed, and the result in Unicode NFC.
// Zero-width characters (U+200B, ZWJ, ZWNJ) are text, not whitespace: Khmer
// and other scripts write word breaks and ligature hints with them.
//
// A feed carries HTML in XML escaped once; publishers who escape it twice
// are common, and then the text of one parse is itself markup
// ("&lt;p&gt;hi&lt;/p&gt;" parses to "<p>hi</p>"). The rule: a parse of
// input that held markup of its own (a tag, comment or doctype) is final,
// and the "<…>" and "&…;" its text shows are the post's words ("<p>I
// &lt;3 &lt;Article 19&gt;</p>" is "I <3 <Article 19>"). Only input
// without any markup, a publisher's whole HTML escaped, is parsed again,
// and only when a later parse finds markup (escaped twice, three times) is
// that parse's text taken; otherwise the first parse's is, unless the
// deepest holds no '<' (entities escaped twice, "Q&amp;amp;A": "Q&A"). The price: text
// without any markup that shows escaped tags ("type &lt;b&gt; for bold"
// in a plain feed title) reads as escaped HTML and loses them; content a
// feed declares plain text (Atom type="text", JSON Feed content_text) is
// given to Plain instead (the feed collector passes the former reading
// along, so a post archived under it is not taken for edited). A raw-text
// element (script, title …) that never closes does not swallow the rest
// of the input as it would in a browser: what follows is parsed, its words
// kept, and in input that holds no other markup its start tag is a word
// too ("use the <script> tag").
//
// Text is deterministic but not idempotent: its result may show markup,
// which a second call would parse. What holds is Text(Text(s)) == Text(s)
// when Text(s) contains no '<' or '&', and Plain(Text(s)) == Text(s).
// Idempotency was given up because it cost evidence: it made Text parse
// its own output until no markup was left, which deleted words a post
// literally shows. Nothing needs it: a version's text is normalized once,
// from what a collector fetched (its digest is computed from the
// collector's output; an import stores Plain text), and never again.
// Past maxRounds parses of escaped text, the remaining '<' and '&' become
// U+FFFD, so such text is still a fixed point.
func Text(s string) string {
	out, markup := pass(s)
	if markup {
		return out
	}
	next := out
	for round := 1; strings.ContainsAny(next, "<&"); round++ {
		cur := next
		next, markup = pass(cur)
		if markup {
			return next
		}
		if next == cur {
			break
		}
		if round == maxRounds {
			return defuse(next)
		}
	}
	// No parse found markup: entities escaped once or more. Those that
	// decode to no '<' (a feed title's "Q&amp;amp;A") are decoded to the
	// end, as publishers who escape twice mean; text that would show a
	// '<' keeps the first parse's reading ("x &amp;lt; y" is "x &lt; y").
	if !strings.Contains(next, "<") && next == unescapeAll(out) {
		return next
	}
	return out
}

// unescapeAll decodes character references until none is left (within
// maxRounds): what parsing text without markup should do and nothing else.
func unescapeAll(s string) string {
	for range maxRounds {
		u := html.UnescapeString(s)
		if u == s {
			break
		}
		s = u
	}
	return s
}

// HTML returns the normalized text of s, HTML that is escaped exactly once
// (a page's, a Telegram message's or a Mastodon status's markup, as a
// browser reads it): one parse, cleaned as Text cleans. What such HTML
// shows escaped ("&lt;Article 19&gt;") is what its reader sees, so it
// is kept even where the input holds no tag of its own; Text, for feeds,
// would take such input for HTML escaped twice and lose those words.
func HTML(s string) string {
	t, _ := pass(s)
	return t
}

// Plain returns the normalized text of s, which is plain text and never
// markup: a Bluesky record, a Facebook message, a Mastodon content warning.
// It lays out and cleans s as Text does (line breaks, whitespace, controls,
// invalid UTF-8, NFC) but reads "<b>" and "&amp;" as the characters they
// are: a post that shows markup keeps it, word for word. Plain is
// idempotent, Plain(Plain(s)) == Plain(s); texts of one source are always
// normalized by the same function, so the two never meet.
func Plain(s string) string {
	return clean(strings.ToValidUTF8(s, "\uFFFD"))
}

// defuse replaces the characters that could start markup, for text that is
// still escaped markup after maxRounds.
func defuse(s string) string {
	return strings.NewReplacer("<", "\uFFFD", "&", "\uFFFD").Replace(s)
}

// Digest returns "sha256:" and the hex SHA-256 of text with every run of
// whitespace folded to one space and the ends trimmed. Line breaks and
// doubled spaces are layout, not content, so they never make a new version;
// U+200B is not whitespace (see Text) and does.
func Digest(text string) string {
	sum := sha256.Sum256([]byte(strings.Join(strings.Fields(text), " ")))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// ErrNotText is CheckText's error.
var ErrNotText = errors.New("not text (NUL bytes: binary data, or UTF-16, which must be saved as UTF-8 first)")

// CheckText returns ErrNotText when data, a file given as CSV or JSON text,
// holds a NUL byte in its first 8 KiB: no such text does, while binary
// files and UTF-16 (a spreadsheet's "Unicode text") do. Other encodings
// (Latin-1 CSV) pass; their readers decode them.
func CheckText(data []byte) error {
	if bytes.IndexByte(data[:min(len(data), 8<<10)], 0) >= 0 {
		return ErrNotText
	}
	return nil
}
