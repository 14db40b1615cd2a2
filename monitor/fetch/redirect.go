package fetch

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/takedownwatch/takedownwatch/archive/warc"
)

// credentialHeaders are dropped once a redirect leaves the origin, as
// net/http's own client does: a bearer token belongs to its platform.
var credentialHeaders = []string{"Authorization", "Www-Authenticate", "Cookie", "Cookie2"}

// redirectTarget returns where a redirect answer points, resolved against
// the hop's URL, and the Location as sent. It returns nil when ex is no
// redirect, or one that cannot be followed (no Location, not http(s)):
// such an answer is final, and the caller judges it.
func redirectTarget(ex *warc.Exchange, from *url.URL) (*url.URL, string) {
	switch ex.StatusCode {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
	default:
		return nil, ""
	}
	loc := ex.Header.Get("Location")
	if loc == "" {
		return nil, ""
	}
	next, err := from.Parse(loc)
	if err != nil || (next.Scheme != "http" && next.Scheme != "https") || next.Host == "" {
		return nil, loc
	}
	// The fragment is never sent; keeping it would split one URL's
	// captures in two.
	next.Fragment, next.RawFragment = "", ""
	return next, loc
}

// leavesOrigin reports whether credentials of a request to origin must not
// follow a redirect to next: another domain (a subdomain is the same, as
// for net/http), or a downgrade from https to http, where the token would
// cross the network in clear.
func leavesOrigin(origin, next *url.URL) bool {
	if origin.Scheme == "https" && next.Scheme != "https" {
		return true
	}
	o, n := strings.ToLower(origin.Hostname()), strings.ToLower(next.Hostname())
	if n == o {
		return false
	}
	if strings.ContainsAny(n, ":%") {
		return true // an IPv6 literal is no subdomain of anything
	}
	return !strings.HasSuffix(n, "."+o)
}
