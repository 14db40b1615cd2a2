package wacz

import (
	"regexp"
	"slices"
	"strings"

	whatwg "github.com/nlnwa/whatwg-url/url"
)

// leadingWWW is the "www." (or "www2.", …) prefix a SURT drops.
var leadingWWW = regexp.MustCompile(`^(https?://)www\d*\.`)

// SURT returns the searchable form of an http(s) URL that CDXJ lines are
// sorted and looked up by, computed as webrecorder's replay tools compute
// it (so that a lookup finds the line): the URL lowercased, "www." dropped,
// the host's labels reversed and joined by commas, the port when not the
// scheme's default, ")", the path, and the query's parameters sorted.
// Other URLs (urn:, dns:, unparseable) are returned as they are.
func SURT(raw string) string {
	if !strings.HasPrefix(raw, "http:") && !strings.HasPrefix(raw, "https:") {
		return raw
	}
	lower := strings.ToLower(leadingWWW.ReplaceAllString(raw, "$1"))
	u, err := whatwg.Parse(lower)
	if err != nil {
		return raw
	}
	labels := strings.Split(u.Hostname(), ".")
	slices.Reverse(labels)
	var b strings.Builder
	b.WriteString(strings.Join(labels, ","))
	if p := u.Port(); p != "" {
		b.WriteString(":" + p)
	}
	b.WriteString(")")
	b.WriteString(u.Pathname())
	if q := u.Search(); len(q) > 1 {
		args := strings.Split(q[1:], "&")
		slices.Sort(args)
		b.WriteString("?" + strings.Join(args, "&"))
	}
	return b.String()
}
