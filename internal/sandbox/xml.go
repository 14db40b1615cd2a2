package sandbox

import (
	"bytes"
	"unicode/utf8"
)

// writeXML writes s as XML character data or attribute value. Posts are
// hostile on purpose, so bytes XML cannot carry (invalid UTF-8, most C0
// controls, U+FFFE/U+FFFF) become U+FFFD instead of breaking the document.
func writeXML(b *bytes.Buffer, s string) {
	for i := 0; i < len(s); {
		r, width := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"':
			b.WriteString("&quot;")
		case r == '\'':
			b.WriteString("&apos;")
		case r == utf8.RuneError && width == 1, !xmlChar(r):
			b.WriteRune(utf8.RuneError)
		default:
			b.WriteString(s[i : i+width])
		}
		i += width
	}
}

// xmlChar reports whether r is in XML 1.0's Char production.
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

// element writes <name>text</name>.
func element(b *bytes.Buffer, name, text string) {
	b.WriteByte('<')
	b.WriteString(name)
	b.WriteByte('>')
	writeXML(b, text)
	b.WriteString("</")
	b.WriteString(name)
	b.WriteString(">\n")
}
