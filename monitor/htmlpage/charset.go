package htmlpage

import (
	"bytes"
	"strings"
	"unicode/utf8"

	htmlcharset "golang.org/x/net/html/charset"
)

// toUTF8 returns body as valid UTF-8 (invalid bytes become U+FFFD) without
// a byte order mark. The encoding is, first found:
//
//  1. a byte order mark;
//  2. UTF-8, when the body has non-ASCII bytes and is UTF-8 but for a few
//     stray bytes (see mostlyUTF8), whatever else is declared: servers
//     that label UTF-8 pages "iso-8859-1" are common, CMSs paste a Latin-1
//     byte into UTF-8 pages, and text in a legacy encoding is practically
//     never valid UTF-8 by chance (an ASCII-only body goes on, for 7-bit
//     encodings such as ISO-2022-JP);
//  3. the charset parameter of the HTTP Content-Type (read leniently);
//  4. a <meta> charset declaration in the first 1024 bytes;
//  5. windows-1252, what browsers assume for an undeclared legacy page.
//
// Labels are WHATWG's, as golang.org/x/net/html/charset reads them, so
// "iso-8859-1" is windows-1252 and "gb2312" is GBK. It also returns the
// name of the encoding used, for error messages and tests.
func toUTF8(body []byte, contentType string) ([]byte, string) {
	if rest, ok := bytes.CutPrefix(body, []byte{0xEF, 0xBB, 0xBF}); ok {
		return bytes.ToValidUTF8(rest, []byte("\uFFFD")), "utf-8"
	}
	utf16 := bytes.HasPrefix(body, []byte{0xFE, 0xFF}) || bytes.HasPrefix(body, []byte{0xFF, 0xFE})
	if !utf16 && mostlyUTF8(body) {
		return bytes.ToValidUTF8(body, []byte("\uFFFD")), "utf-8"
	}
	// DetermineEncoding parses the Content-Type strictly; give it a clean
	// one so that "text/html;charset = 'latin1'" still counts.
	ct := ""
	if cs := charsetParam(contentType); cs != "" {
		ct = "text/html; charset=" + cs
	}
	enc, name, _ := htmlcharset.DetermineEncoding(body, ct)
	if name == "utf-8" || enc == nil {
		return bytes.ToValidUTF8(body, []byte("\uFFFD")), "utf-8"
	}
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		// x/text decoders replace what they cannot read; an error here
		// is a decoder bug, and the bytes as UTF-8 are the best left.
		return bytes.ToValidUTF8(body, []byte("\uFFFD")), "utf-8"
	}
	out = bytes.TrimPrefix(out, []byte("\uFEFF"))
	return bytes.ToValidUTF8(out, []byte("\uFFFD")), name
}

// charsetParam returns the charset parameter of an HTTP Content-Type,
// leniently: servers write "text/html;charset = utf-8" and
// "charset='utf-8'", which mime.ParseMediaType rejects.
func charsetParam(contentType string) string {
	_, params, _ := strings.Cut(contentType, ";")
	for part := range strings.SplitSeq(params, ";") {
		k, v, ok := strings.Cut(part, "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), "charset") {
			v = strings.Trim(strings.TrimSpace(v), `"'`)
			if _, name := htmlcharset.Lookup(v); name != "" {
				return v
			}
		}
	}
	return ""
}

// mostlyUTF8 reports whether b has multi-byte UTF-8 sequences and at least
// ten of them for each byte that is not UTF-8. Legacy encodings give the
// opposite ratio: their letters are single high bytes, which UTF-8 never
// reads as a character on their own.
func mostlyUTF8(b []byte) bool {
	multi, bad := 0, 0
	for len(b) > 0 {
		if b[0] < utf8.RuneSelf {
			b = b[1:]
			continue
		}
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			bad++
		} else {
			multi++
		}
		b = b[size:]
	}
	return multi > 0 && multi >= 10*bad
}
