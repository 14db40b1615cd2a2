package canon

import "strings"

const upperhex = "0123456789ABCDEF"

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// unreserved characters (RFC 3986 §2.3) mean the same escaped or not.
func unreserved(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

func subDelim(c byte) bool { return strings.IndexByte("!$&'()*+,;=", c) >= 0 }

// pchar is what a path segment may hold unescaped (RFC 3986 §3.3). In a
// segment none of them delimits anything, so %3A and ":" are one path.
func pchar(c byte) bool { return unreserved(c) || subDelim(c) || c == ':' || c == '@' }

// queryDecoded are the characters whose escapes a query part loses: those
// that delimit nothing in a query. "&", "=", "+" and ";" stay as written,
// escaped or not, since servers split or decode on them.
func queryDecoded(c byte) bool {
	return unreserved(c) || strings.IndexByte("!$'()*,:@/?", c) >= 0
}

// queryRaw is what a query part may hold unescaped.
func queryRaw(c byte) bool { return queryDecoded(c) || c == '+' || c == ';' }

// fixEscapes escapes every "%" that does not start a valid escape, so a
// link copied with a stray "%" still parses, and parses the same again.
func fixEscapes(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && !(i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2])) {
			b.WriteString("%25")
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// normEscapes rewrites an escaped string so that each character has one
// spelling: escapes of the characters decode allows are decoded, other
// escapes uppercased, and bytes raw does not allow escaped. keep is a
// byte kept raw though raw does not allow it ("/" in a path).
func normEscapes(s string, decode, raw func(byte) bool, keep byte) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			d := unhex(s[i+1])<<4 | unhex(s[i+2])
			if decode(d) {
				b.WriteByte(d)
			} else {
				b.WriteByte('%')
				b.WriteByte(upperhex[d>>4])
				b.WriteByte(upperhex[d&15])
			}
			i += 2
			continue
		}
		if raw(c) || (c == keep && keep != 0) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(upperhex[c>>4])
		b.WriteByte(upperhex[c&15])
	}
	return b.String()
}

// normPath normalizes the escaping of an escaped path.
func normPath(p string) string { return normEscapes(p, pchar, pchar, '/') }

// removeDots resolves "." and ".." segments (RFC 3986 §5.2.4).
func removeDots(p string) string {
	if !strings.Contains(p, ".") {
		return p
	}
	segs := strings.Split(p, "/")
	out := make([]string, 0, len(segs))
	for i, s := range segs {
		last := i == len(segs)-1
		switch s {
		case ".":
			if last {
				out = append(out, "")
			}
		case "..":
			if len(out) > 1 {
				out = out[:len(out)-1]
			}
			if last {
				out = append(out, "")
			}
		default:
			out = append(out, s)
		}
	}
	r := strings.Join(out, "/")
	if r != "" && !strings.HasPrefix(r, "/") {
		r = "/" + r
	}
	return r
}

// unescape decodes every valid escape of s, for comparing names and
// reading ids; invalid ones stay as they are.
func unescape(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// lowerSeg lowercases the ASCII letters of an escaped segment, leaving the
// hex digits of its escapes uppercase.
func lowerSeg(s string) string {
	b := []byte(s)
	for i := 0; i < len(b); i++ {
		if b[i] == '%' {
			i += 2
			continue
		}
		if b[i] >= 'A' && b[i] <= 'Z' {
			b[i] += 'a' - 'A'
		}
	}
	return string(b)
}

// atURI turns an at:// post URI into its bsky.app permalink.
func atURI(s string) string {
	const scheme = "at://"
	if len(s) < len(scheme) || !strings.EqualFold(s[:len(scheme)], scheme) {
		return s
	}
	parts := strings.Split(s[len(scheme):], "/")
	if len(parts) != 3 || parts[0] == "" || parts[2] == "" || parts[1] != "app.bsky.feed.post" {
		return s
	}
	return "https://bsky.app/profile/" + parts[0] + "/post/" + parts[2]
}
