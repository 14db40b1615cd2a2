package canon

import (
	"strings"

	"golang.org/x/net/idna"
)

// mirrors are prefixes that name the same site on every host: dropped as
// long as a dot is left ("m.me" stays).
var mirrors = []string{"www.", "m.", "mobile.", "mbasic."}

// facebookMirrors are the subdomains of facebook.com that serve the same
// posts under the same paths, besides the mirrors every host has.
var facebookMirrors = map[string]bool{
	"web": true, "touch": true, "free": true, "d": true, "x": true,
	"iphone": true, "lite": true, "upload": true, "business": true,
}

// hostAliases are hosts that serve the same posts under the same paths as
// another.
var hostAliases = map[string]string{
	"fb.com": "facebook.com",
	// Facebook's onion service.
	"facebookwkhpilnemxj7asaniu7vnjjbiltxjqhye3mhbshg7kx5tfyd.onion": "facebook.com",
	"twitter.com":          "x.com",
	"fxtwitter.com":        "x.com",
	"vxtwitter.com":        "x.com",
	"fixupx.com":           "x.com",
	"fixvx.com":            "x.com",
	"telegram.me":          "t.me",
	"telegram.dog":         "t.me",
	"instagr.am":           "instagram.com",
	"youtube-nocookie.com": "youtube.com",
}

// normHost returns host lowercase and ASCII (IDN in punycode), without a
// trailing dot, mirrors and aliases resolved; ok is false for no host.
func normHost(host string) (string, bool) {
	h := strings.TrimRight(strings.ToLower(host), ".")
	if h == "" {
		return "", false
	}
	if strings.Contains(h, ":") { // IPv6 literal
		return h, true
	}
	if a, err := idna.Lookup.ToASCII(h); err == nil && a != "" {
		h = a
	} else if a, err := idna.Punycode.ToASCII(h); err == nil && a != "" {
		// Lookup refuses hosts such as "my_site.example"; Punycode
		// encodes without validating.
		h = strings.ToLower(a)
	}
	h = strings.TrimRight(h, ".")
	if h == "" {
		return "", false
	}
	return hostAlias(h), true
}

// hostAlias resolves mirrors and aliases.
func hostAlias(h string) string {
	for stripped := true; stripped; {
		stripped = false
		for _, m := range mirrors {
			if rest, ok := strings.CutPrefix(h, m); ok && strings.Contains(rest, ".") {
				h, stripped = rest, true
			}
		}
	}
	if sub, ok := strings.CutSuffix(h, ".facebook.com"); ok && (facebookMirrors[sub] || locale(sub)) {
		return "facebook.com"
	}
	if a, ok := hostAliases[h]; ok {
		return a
	}
	return h
}

// locale reports whether s is a language subdomain such as "fr-fr" or
// "zh_tw" (Facebook serves the same posts there).
func locale(s string) bool {
	if len(s) != 5 || (s[2] != '-' && s[2] != '_') {
		return false
	}
	for _, i := range []int{0, 1, 3, 4} {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}
