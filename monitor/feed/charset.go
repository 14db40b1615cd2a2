package feed

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	htmlcharset "golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
)

// Encodings decided from the bytes themselves.
var (
	utf16BE = unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)
	utf16LE = unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)
	utf32BE = utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM)
	utf32LE = utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM)
)

// ToUTF8 returns body as UTF-8 with any byte order mark removed and the
// XML declaration, if any, saying so. gofeed hands a declared encoding to
// golang.org/x/net/html/charset itself, but it cannot see the HTTP header,
// nor read UTF-16 or UTF-32, whose bytes encoding/xml never gets through.
//
// The encoding is, first found (RFC 7303 §3, XML 1.0 appendix F):
//  1. a byte order mark (UTF-8, UTF-16, UTF-32);
//  2. the NUL pattern of UTF-16 or UTF-32 text that starts with ASCII;
//  3. the charset parameter of the HTTP Content-Type, which overrides
//  4. the XML declaration's encoding;
//  5. UTF-8 when the bytes are valid UTF-8, else windows-1252: a feed that
//     names no encoding and is not UTF-8 is in a legacy one, and for
//     ISO-8859-1 (the usual case) windows-1252 is what browsers read.
//
// Labels are WHATWG's (so "iso-8859-1" reads as windows-1252, "gb2312" as
// GBK); an unknown label is skipped, as is a UTF-16/32 label on bytes that
// step 2 showed are not. Bytes invalid in the chosen encoding become U+FFFD.
func ToUTF8(body []byte, contentType string) ([]byte, error) {
	enc, name, rest := sniff(body)
	if enc == nil && name == "" {
		name = labelFor(charsetParam(contentType))
		if name == "" {
			name = labelFor(xmlDeclEncoding(rest))
		}
		if name != "" {
			enc, _ = htmlcharset.Lookup(name)
		}
	}
	var out []byte
	switch {
	case name == "utf-8" || enc == encoding.Nop:
		out = bytes.ToValidUTF8(rest, []byte("\uFFFD"))
	case enc != nil:
		var err error
		if out, err = enc.NewDecoder().Bytes(rest); err != nil {
			return nil, fmt.Errorf("decode %s: %w", name, err)
		}
		out = bytes.ToValidUTF8(out, []byte("\uFFFD"))
	case utf8.Valid(rest):
		out = rest
	default:
		name = "windows-1252"
		var err error
		if out, err = charmap.Windows1252.NewDecoder().Bytes(rest); err != nil {
			return nil, fmt.Errorf("decode %s: %w", name, err)
		}
	}
	out = bytes.TrimPrefix(out, []byte("\uFEFF"))
	return declareUTF8(out), nil
}

// sniff finds the encoding in the bytes themselves (steps 1 and 2). It
// returns rest, body without its byte order mark, and either an encoding,
// or name "utf-8" for a UTF-8 BOM, or neither.
func sniff(body []byte) (enc encoding.Encoding, name string, rest []byte) {
	b := body
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		return nil, "utf-8", b[3:]
	case bytes.HasPrefix(b, []byte{0x00, 0x00, 0xFE, 0xFF}):
		return utf32BE, "utf-32be", b[4:]
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE, 0x00, 0x00}):
		return utf32LE, "utf-32le", b[4:]
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return utf16BE, "utf-16be", b[2:]
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return utf16LE, "utf-16le", b[2:]
	}
	if len(b) >= 4 {
		// A feed starts with ASCII ('<', '{' or whitespace), whose wide
		// forms have NULs in telling places.
		switch z := [4]bool{b[0] == 0, b[1] == 0, b[2] == 0, b[3] == 0}; z {
		case [4]bool{true, true, true, false}:
			return utf32BE, "utf-32be", b
		case [4]bool{false, true, true, true}:
			return utf32LE, "utf-32le", b
		case [4]bool{true, false, true, false}:
			return utf16BE, "utf-16be", b
		case [4]bool{false, true, false, true}:
			return utf16LE, "utf-16le", b
		}
	}
	return nil, "", b
}

// labelFor cleans an encoding label, dropping labels of UTF-16 and UTF-32:
// bytes sniff found no NUL pattern in are not in either.
func labelFor(label string) string {
	label = strings.ToLower(strings.TrimSpace(label))
	if strings.HasPrefix(label, "utf-16") || strings.HasPrefix(label, "utf-32") ||
		strings.HasPrefix(label, "ucs-") || label == "unicode" || label == "unicodefffe" {
		return ""
	}
	if label == "utf-8" || label == "utf8" {
		return "utf-8"
	}
	if _, canonical := htmlcharset.Lookup(label); canonical != "" {
		return label
	}
	return ""
}

// charsetParam returns the charset parameter of an HTTP Content-Type,
// leniently: servers write "text/xml;charset = us-ascii" and
// "charset='utf-8'", which mime.ParseMediaType rejects.
func charsetParam(contentType string) string {
	_, params, _ := strings.Cut(contentType, ";")
	for part := range strings.SplitSeq(params, ";") {
		k, v, ok := strings.Cut(part, "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), "charset") {
			return strings.Trim(strings.TrimSpace(v), `"'`)
		}
	}
	return ""
}

var (
	xmlDecl    = regexp.MustCompile(`^\s*<\?xml\s[^>]*?\?>`)
	xmlDeclEnc = regexp.MustCompile(`(\bencoding\s*=\s*)("[^"]*"|'[^']*')`)
)

// declPrefix is where an XML declaration must have ended: it is short, and
// a whole feed is never scanned for one.
const declPrefix = 512

// xmlDeclEncoding returns the encoding named by the XML declaration that
// starts b, or "".
func xmlDeclEncoding(b []byte) string {
	decl := xmlDecl.Find(b[:min(len(b), declPrefix)])
	if decl == nil {
		return ""
	}
	m := xmlDeclEnc.FindSubmatch(decl)
	if m == nil {
		return ""
	}
	return string(m[2][1 : len(m[2])-1])
}

// declareUTF8 rewrites the encoding of b's XML declaration to UTF-8, which
// b now is: encoding/xml would otherwise decode it a second time.
func declareUTF8(b []byte) []byte {
	loc := xmlDecl.FindIndex(b[:min(len(b), declPrefix)])
	if loc == nil {
		return b
	}
	decl := b[loc[0]:loc[1]]
	fixed := xmlDeclEnc.ReplaceAll(decl, []byte(`${1}"UTF-8"`))
	if bytes.Equal(decl, fixed) {
		return b
	}
	out := make([]byte, 0, len(b)-len(decl)+len(fixed))
	out = append(out, b[:loc[0]]...)
	out = append(out, fixed...)
	return append(out, b[loc[1]:]...)
}
