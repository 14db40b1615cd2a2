// Package normalize turns a post's HTML or plain text into the normalized text that versions are told apart by.
package normalize

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
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
// Escaped markup is unescaped until none is left. A feed carries HTML in XML
// escaped once; publishers who escape it twice are common, and then the text
// of one parse is itself markup ("&lt;p&gt;hi&lt;/p&gt;" parses to "<p>hi</p>").
// The rule: while the text a parse produced still holds something an HTML
// parser acts on (a tag, comment, doctype or character reference), parse it
// again. That rule is what makes Text idempotent, Text(Text(s)) == Text(s),
// which the version digest depends on: normalized text must not change when
// it is normalized again, or a re-import would see edits that never happened.
// The price is that a post which literally shows markup ("type <b> for
// bold", sent as "type &lt;b&gt; for bold") loses it; "a < b" and "x & y"
// survive, as an HTML parser leaves them alone. Past maxRounds the remaining
// '<' and '&' become U+FFFD, so the result is still a fixed point.
func Text(s string) string {
	out := pass(s)
	for round := 1; strings.ContainsAny(out, "<&"); round++ {
		next := pass(out)
		if next == out {
			break
		}
		if round == maxRounds {
			return defuse(next)
		}
		out = next
	}
	return out
}

// Plain returns the normalized text of s, which is plain text and never
// markup: a Bluesky record, a Facebook message, a Mastodon content warning.
// It lays out and cleans s as Text does (line breaks, whitespace, controls,
// invalid UTF-8, NFC) but reads "<b>" and "&amp;" as the characters they
// are: a post that shows markup keeps it, word for word. Plain is a fixed
// point too, Plain(Plain(s)) == Plain(s); texts of one source are always
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
