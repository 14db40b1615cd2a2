// Package canon gives the canonical form of a URL by which reported targets and watched posts are matched, and the platform key of a URL that names one post.
package canon

import (
	"net/url"
	"strconv"
	"strings"
)

// URL returns the canonical form of raw, the form posts and reports are
// matched by. It never fails: a string that is not an http(s) URL (or an
// at:// post URI) comes back trimmed and otherwise as it was. The result
// is a fixed point: URL(URL(x)) == URL(x).
//
// The rules, in order:
//   - surrounding whitespace trimmed; "//host/…" and "host.tld/…" without
//     a scheme get https; http becomes https;
//   - user info, the fragment and default ports (80, 443) dropped;
//   - the host lowercased, IDN hosts in punycode, a trailing dot dropped,
//     and the aliases www., m., mobile. and mbasic. dropped from every host
//     (so long as a dot is left); per platform more aliases (see host.go);
//   - percent-encoding normalized: escapes of characters a path or query
//     may hold as they are decoded, the rest uppercased, bytes that must be
//     escaped escaped; "." and ".." segments resolved; trailing slashes
//     dropped;
//   - the query repaired where an HTML-escaped "&amp;" was copied with the
//     link, tracking parameters removed (see query.go), the rest sorted;
//   - platform URL forms mapped to one form (see platform.go).
func URL(raw string) string {
	s := strings.TrimSpace(raw)
	u, ok := parse(s)
	if !ok {
		return s
	}
	return u.String()
}

// canonURL is a URL being canonicalized: an https URL in parts.
type canonURL struct {
	host string // lowercase ASCII, aliases dropped, no port
	port string // "" for the default
	path string // escaped and normalized, "" or starting with "/"
	// query is what is left of the query, normalized; sorted by String.
	query []param
	// frag is the raw fragment, read by platforms that once kept the
	// path there (twitter.com/#!/user/status/1); never written out.
	frag string
}

// parse canonicalizes s into parts; ok is false when s is not an http(s)
// URL with a host.
func parse(s string) (*canonURL, bool) {
	if s == "" {
		return nil, false
	}
	s = atURI(s)
	s = addScheme(s)
	s = fixEscapes(s)
	s = unescapeHost(s)
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Opaque != "" {
		return nil, false
	}
	host, ok := normHost(u.Hostname())
	if !ok {
		return nil, false
	}
	c := &canonURL{
		host: host,
		port: normPort(u.Port()),
		path: trimSlash(removeDots(normPath(u.EscapedPath()))),
		frag: u.EscapedFragment(),
	}
	c.query = dropTracking(parseQuery(u.RawQuery), c.host)
	platformForm(c)
	return c, true
}

// String renders c; it parses back into the same parts.
func (c *canonURL) String() string {
	var b strings.Builder
	b.WriteString("https://")
	if strings.Contains(c.host, ":") { // IPv6 literal
		b.WriteString("[" + c.host + "]")
	} else {
		b.WriteString(c.host)
	}
	if c.port != "" {
		b.WriteString(":" + c.port)
	}
	b.WriteString(c.path)
	if q := encodeQuery(c.query); q != "" {
		b.WriteString("?" + q)
	}
	return b.String()
}

// addScheme gives https to "//host/…" and to "host.tld/…" as people copy
// them from an address bar; anything else is left alone.
func addScheme(s string) string {
	if strings.HasPrefix(s, "//") {
		return "https:" + s
	}
	if strings.Contains(s, "://") {
		return s
	}
	end := strings.IndexAny(s, "/?#")
	if end < 0 {
		end = len(s)
	}
	host := s[:end]
	if h, port, found := strings.Cut(host, ":"); found {
		if _, err := strconv.Atoi(port); err != nil {
			return s // a scheme such as mailto:, not a port
		}
		host = h
	}
	if !strings.Contains(strings.Trim(host, "."), ".") {
		return s
	}
	for _, r := range host {
		if !(r == '.' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= 0x80) {
			return s
		}
	}
	return "https://" + s
}

// unescapeHost decodes the escapes of the host ("%65xample.org"), which
// net/url refuses for ASCII characters.
func unescapeHost(s string) string {
	i := strings.Index(s, "://")
	if i < 0 {
		return s
	}
	start := i + 3
	end := len(s)
	if j := strings.IndexAny(s[start:], "/?#"); j >= 0 {
		end = start + j
	}
	if at := strings.LastIndexByte(s[start:end], '@'); at >= 0 {
		start += at + 1
	}
	host := s[start:end]
	if !strings.Contains(host, "%") {
		return s
	}
	return s[:start] + unescape(host) + s[end:]
}

// normPort drops default ports and leading zeros.
func normPort(p string) string {
	n, err := strconv.Atoi(p)
	if err != nil || n == 80 || n == 443 {
		return ""
	}
	return strconv.Itoa(n)
}

// trimSlash drops every trailing slash: "/a/" and "/a//" are "/a", "/" is "".
func trimSlash(p string) string { return strings.TrimRight(p, "/") }

// segments splits an escaped path into its segments ("" gives none; a
// trailing slash, as in the "/photo/" of a mapped form, adds none).
func segments(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// join is the inverse of segments.
func join(segs ...string) string { return "/" + strings.Join(segs, "/") }
