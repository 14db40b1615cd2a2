package normalize

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// clean lays out text a parse produced: C1 controls repaired, one line per
// non-empty line, horizontal whitespace folded, controls dropped, NFC.
func clean(s string) string {
	s = repairC1(s)
	var b strings.Builder
	b.Grow(len(s))
	lineStart := 0 // b.Len() where the current line began
	space := false // whitespace seen since the line's last character
	for _, r := range s {
		switch {
		case lineBreak(r):
			if b.Len() > lineStart {
				b.WriteByte('\n')
				lineStart = b.Len()
			}
			space = false
		case unicode.IsSpace(r):
			space = true
		case unicode.IsControl(r), r == '\uFEFF':
			// U+FEFF is a byte order mark leaked into text; as a
			// zero-width no-break space it is deprecated for U+2060.
		default:
			if space && b.Len() > lineStart {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		}
	}
	out := strings.TrimSuffix(b.String(), "\n")
	return norm.NFC.String(out)
}

// lineBreak reports whether r ends a line. The tokenizer has already turned
// "\r\n" and "\r" into "\n"; U+0085 (NEL) never gets here, repairC1 reads
// it as windows-1252's "…".
func lineBreak(r rune) bool {
	switch r {
	case '\n', '\v', '\f', '\r', '\u2028', '\u2029':
		return true
	}
	return false
}

// repairC1 fixes text that carries C1 controls (U+0080–U+009F). They are
// never meant as text: either UTF-8 was read as ISO-8859-1 ("â\u0080¦" for
// "…", as a feed with "&#226;&#128;&#166;" says), or windows-1252 was
// ("\u0093quoted\u0094"). Within each run of U+0080–U+00FF holding a C1
// control, sequences that re-encode as Latin-1 to valid multi-byte UTF-8
// are decoded as such and the remaining C1 controls read as windows-1252.
// Runs without a C1 control are left alone: "Ã©" may be mojibake, but it
// may as well be what was written.
func repairC1(s string) string {
	if !hasC1(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		if !latin1High(r) {
			b.WriteString(s[i : i+w])
			i += w
			continue
		}
		j, raw, c1 := i, []byte(nil), false
		for j < len(s) {
			r, w := utf8.DecodeRuneInString(s[j:])
			if !latin1High(r) {
				break
			}
			raw = append(raw, byte(r))
			c1 = c1 || r <= 0x9F
			j += w
		}
		if !c1 {
			b.WriteString(s[i:j])
		} else {
			writeRepaired(&b, raw)
		}
		i = j
	}
	return b.String()
}

func latin1High(r rune) bool { return r >= 0x80 && r <= 0xFF }

func hasC1(s string) bool {
	for _, r := range s {
		if r >= 0x80 && r <= 0x9F {
			return true
		}
	}
	return false
}

// writeRepaired writes raw, the Latin-1 bytes of a run, decoding valid
// multi-byte UTF-8 sequences and reading other bytes as windows-1252.
func writeRepaired(b *strings.Builder, raw []byte) {
	for k := 0; k < len(raw); {
		if r, n := utf8.DecodeRune(raw[k:]); n > 1 {
			b.WriteRune(r)
			k += n
			continue
		}
		// Bytes windows-1252 leaves undefined decode to C1 controls,
		// which clean then drops.
		b.WriteRune(charmap.Windows1252.DecodeByte(raw[k]))
		k++
	}
}
