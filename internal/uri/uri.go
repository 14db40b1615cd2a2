// Package uri percent-encodes what no URI may hold as itself.
package uri

import "strings"

// Unsafe reports whether the byte c may not stand in a URI as itself
// (RFC 3986: controls, space and "<>\"^`{|}"). Other bytes, non-ASCII
// UTF-8 included, are left as they are.
func Unsafe(c byte) bool {
	return c <= ' ' || c == 0x7f || strings.IndexByte(`"<>\^`+"`"+`{|}`, c) >= 0
}

// Escape percent-encodes the Unsafe bytes of s and keeps the rest (escapes,
// &, =, ; and , included): a URL written carelessly, or built to break
// what reads it (a '>' closing a Link header's <…>), made safe to send,
// archive or write into a header without changing what it names.
func Escape(s string) string {
	i := 0
	for i < len(s) && !Unsafe(s[i]) {
		i++
	}
	if i == len(s) {
		return s
	}
	const hex = "0123456789ABCDEF"
	b := make([]byte, 0, len(s)+8)
	b = append(b, s[:i]...)
	for ; i < len(s); i++ {
		if c := s[i]; Unsafe(c) {
			b = append(b, '%', hex[c>>4], hex[c&15])
			continue
		}
		b = append(b, s[i])
	}
	return string(b)
}

// NeedsEscape reports whether s holds an Unsafe byte.
func NeedsEscape(s string) bool { return Escape(s) != s }
