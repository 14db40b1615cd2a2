// Package clip shortens text for titles, tables and error messages without
// cutting a written character in two.
package clip

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Ellipsis ends every shortened text.
const Ellipsis = "…"

// Text folds every run of whitespace in s to one space, trims the ends,
// replaces invalid UTF-8 with U+FFFD and, if the result is longer than n
// runes, cuts it to at most n runes, the ellipsis included.
//
// The cut falls between clusters, never inside one. A rune-count cut of
// Khmer, the script of the posts this archive is for, would otherwise
// often leave a consonant without its vowel sign or a dangling coeng
// ("ក្" of "ក្រសួង"), which readers show as a broken glyph in a feed
// title. A cluster continues over combining marks, ZWJ/ZWNJ and emoji
// modifiers, and over the consonant after a virama (Khmer's coeng,
// Burmese's U+1039) or a Thai or Lao leading vowel.
//
// Only the start of s is read, so clipping the body of a huge response for
// an error message costs no more than clipping a line.
func Text(s string, n int) string {
	if n < 1 {
		return ""
	}
	long := false
	// Room for n runes of UTF-8 and some whitespace to fold.
	if limit := (n+1)*utf8.UTFMax + 256; len(s) > limit {
		for limit > 0 && !utf8.RuneStart(s[limit]) {
			limit--
		}
		s, long = s[:limit], true
	}
	return shorten(strings.Join(strings.Fields(strings.ToValidUTF8(s, "\uFFFD")), " "), n, long)
}

// Words is the start of s for a title: at most words words and n runes
// (the ellipsis included, when s was shortened), whitespace folded and cut
// as Text cuts. Scripts written without spaces, as Khmer is, are one long
// "word", which n cuts.
func Words(s string, words, n int) string {
	if f := strings.Fields(s); len(f) > words && n > 0 {
		return shorten(strings.ToValidUTF8(strings.Join(f[:words], " "), "\uFFFD"), n, true)
	}
	return Text(s, n)
}

// shorten ends s, folded text, with the ellipsis when it is longer than n
// runes, cut between clusters, or when it was cut already (cut).
func shorten(s string, n int, cut bool) string {
	count := utf8.RuneCountInString(s)
	switch {
	case !cut && count <= n:
		return s
	case count < n:
		return s + Ellipsis
	}
	r := []rune(s)
	at := n - 1 // room for the ellipsis
	for i := at; i > 0; i-- {
		if boundary(r[i-1], r[i]) {
			at = i
			break
		}
	}
	// A text whose first cluster is longer than n-1 runes is cut by runes:
	// better a broken glyph than nothing.
	return strings.TrimRight(string(r[:at]), " ") + Ellipsis
}

// boundary reports whether a cluster may end between prev and next.
func boundary(prev, next rune) bool {
	if continues(next) {
		return false
	}
	return !joins(prev)
}

// continues reports whether r belongs to the cluster before it.
func continues(r rune) bool {
	switch {
	case r == '\u200c' || r == '\u200d':
		return true
	case r == '\u0e33' || r == '\u0eb3': // Thai, Lao sara am: a spacing mark, though a letter
		return true
	case r >= 0x1F3FB && r <= 0x1F3FF: // emoji skin-tone modifiers
		return true
	}
	return unicode.In(r, unicode.Mn, unicode.Mc, unicode.Me)
}

// joins reports whether r takes the rune after it into its cluster.
func joins(r rune) bool {
	switch {
	case r == '\u200d': // emoji ZWJ sequences
		return true
	case r >= 0x0E40 && r <= 0x0E44, r >= 0x0EC0 && r <= 0x0EC4: // Thai, Lao leading vowels
		return true
	}
	return r >= 0x0300 && norm.NFC.PropertiesString(string(r)).CCC() == 9 // a virama
}
