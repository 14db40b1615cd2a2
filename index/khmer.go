package index

import (
	"unicode/utf8"
)

// Khmer has no spaces between words, and bleve's tokenizers either drop it
// (standard, web, cjk, unicode) or cut words at vowel signs (letter). This file
// splits Khmer script into orthographic clusters, the smallest units a word can
// be made of, so that a word of any length is a phrase of clusters.
//
// A cluster is a base — a consonant U+1780–U+17A2, an independent vowel
// U+17A3–U+17B3, a digit or the sign U+17DC — followed by any number of
// subscripts (coeng U+17D2 + consonant) and dependent vowels and signs
// (U+17B4–U+17D1, U+17D3, U+17DD), in whatever order the text has them
// (typed text often puts a vowel before a subscript), plus ZWJ/ZWNJ.
// Khmer punctuation (។ ៕ ៖ ៗ ៘ ៙ ៚ ៛), U+200B, spaces and everything
// that is not Khmer end a run.

// khmerClass is the role of one rune in a cluster.
type khmerClass int

const (
	kNone  khmerClass = iota // not part of a Khmer run: a break
	kBase                    // starts a cluster
	kSign                    // dependent vowel or sign: joins the current cluster
	kCoeng                   // U+17D2: joins, and takes the next consonant with it
	kJoin                    // ZWJ / ZWNJ inside a cluster
)

func classify(r rune) khmerClass {
	switch {
	case r >= 0x1780 && r <= 0x17B3: // consonants, independent vowels
		return kBase
	case r >= 0x17B4 && r <= 0x17D1, r == 0x17D3, r == 0x17DD:
		return kSign
	case r == 0x17D2:
		return kCoeng
	case r == 0x17DC: // avakrahasanya, letter-like
		return kBase
	case r >= 0x17E0 && r <= 0x17E9, r >= 0x17F0 && r <= 0x17F9: // digits
		return kBase
	case r == 0x200C || r == 0x200D:
		return kJoin
	}
	return kNone
}

// isKhmerRune reports whether r belongs to the Khmer blocks (letters, signs,
// digits, punctuation, symbols).
func isKhmerRune(r rune) bool {
	return (r >= 0x1780 && r <= 0x17FF) || (r >= 0x19E0 && r <= 0x19FF)
}

// hasKhmer reports whether b holds any Khmer-block rune; it looks for the
// UTF-8 lead bytes E1 9E/9F (U+1780–U+17FF) and E1 A7 (U+19C0–U+19FF).
func hasKhmer(b []byte) bool {
	for i := 0; i+1 < len(b); i++ {
		if b[i] == 0xE1 && (b[i+1] == 0x9E || b[i+1] == 0x9F || b[i+1] == 0xA7) {
			return true
		}
	}
	return false
}

// span is a byte range [start, end) of the input.
type span struct{ start, end int }

// segment is a maximal piece of the input that is either a Khmer run
// (clusters set) or anything else (latin: handed to a language analyzer).
type segment struct {
	span
	khmer    bool
	clusters []span // for Khmer runs
}

// segmentText splits b into alternating non-Khmer and Khmer-run segments.
// Khmer punctuation and U+200B belong to the non-Khmer segments (they are
// breaks), so two Khmer runs are always separated by a non-Khmer segment.
func segmentText(b []byte) []segment {
	var segs []segment
	i := 0
	otherStart := 0
	for i < len(b) {
		r, n := utf8.DecodeRune(b[i:])
		c := classify(r)
		if c == kNone {
			i += n
			continue
		}
		// a Khmer run starts at i
		if otherStart < i {
			segs = append(segs, segment{span: span{otherStart, i}})
		}
		runStart := i
		var cl []span
		for i < len(b) {
			r, n = utf8.DecodeRune(b[i:])
			c = classify(r)
			if c == kNone {
				break
			}
			if c == kBase || len(cl) == 0 {
				cl = append(cl, span{i, i + n})
				i += n
				continue
			}
			// joins the current cluster
			cl[len(cl)-1].end = i + n
			i += n
			if c == kCoeng && i < len(b) {
				r2, n2 := utf8.DecodeRune(b[i:])
				if r2 >= 0x1780 && r2 <= 0x17B3 { // subscript consonant (or independent vowel)
					i += n2
					cl[len(cl)-1].end = i
				}
			}
		}
		segs = append(segs, segment{span: span{runStart, i}, khmer: true, clusters: cl})
		otherStart = i
	}
	if otherStart < len(b) {
		segs = append(segs, segment{span: span{otherStart, len(b)}})
	}
	return segs
}

// KhmerClusters returns the orthographic clusters of the Khmer runs in s, in
// order (everything that is not Khmer script is dropped).
func KhmerClusters(s string) []string {
	b := []byte(s)
	var out []string
	for _, seg := range segmentText(b) {
		for _, c := range seg.clusters {
			out = append(out, s[c.start:c.end])
		}
	}
	return out
}

// DetectLanguage is the index's language detector: "km" when Khmer letters
// are at least a fifth of the letters of s, else "en". It looks at scripts
// only; callers that know better set Doc.Language.
func DetectLanguage(s string) string {
	var khmer, letters int
	for _, r := range s {
		switch {
		case isKhmerRune(r):
			if classify(r) == kBase {
				khmer++
				letters++
			}
		case r < 0x80:
			if (r|0x20) >= 'a' && (r|0x20) <= 'z' {
				letters++
			}
		default:
			if isLetter(r) {
				letters++
			}
		}
	}
	if khmer > 0 && khmer*5 >= letters {
		return "km"
	}
	return "en"
}
