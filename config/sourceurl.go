package config

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// platformURL says why the collector of platform would refuse raw as a
// source URL, or "" when it would take it (or the platform takes any URL).
// raw has passed the generic check: absolute http(s) with a host.
//
// The rules copy those of the collectors (monitor/bluesky sourceAccount,
// monitor/mastodon resolve, monitor/telegram channelOf), which config
// cannot import: they import config. The two must agree, or config check
// passes sources that fail at every collection, or refuses ones that
// work. TestPlatformURL pins what is accepted; change both together.
func platformURL(platform, raw string) string {
	switch platform {
	case "bluesky":
		return blueskyURL(raw)
	case "mastodon":
		return mastodonURL(raw)
	case "telegram":
		return telegramURL(raw)
	}
	return ""
}

const (
	blueskyForm  = "want https://bsky.app/profile/<handle>, or a DID in place of the handle"
	mastodonForm = "want https://instance/@user; /@user@domain, /web/@user and /users/user work too"
	telegramForm = "want https://t.me/s/<channel> on any host; https://t.me/<channel> works too"
)

func pathSegments(u *url.URL) []string {
	return strings.Split(strings.Trim(u.Path, "/"), "/")
}

func blueskyURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "not a URL; " + blueskyForm
	}
	segs := pathSegments(u)
	if len(segs) < 2 || segs[0] != "profile" || !(blueskyHandle(segs[1]) || blueskyDID(segs[1])) {
		return "not a profile URL; " + blueskyForm
	}
	return ""
}

// blueskyHandle is monitor/bluesky's validHandle.
func blueskyHandle(s string) bool {
	if s == "" || len(s) > 253 || s == "handle.invalid" || !strings.Contains(s, ".") {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

// blueskyDID is monitor/bluesky's isDID.
func blueskyDID(s string) bool {
	rest, ok := strings.CutPrefix(s, "did:")
	if !ok || len(s) > 2048 {
		return false
	}
	method, id, ok := strings.Cut(rest, ":")
	if !ok || method == "" || id == "" || strings.HasSuffix(id, ":") {
		return false
	}
	for _, r := range method {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._:%-", r)) {
			return false
		}
	}
	return true
}

func mastodonURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "not a URL; " + mastodonForm
	}
	segs := pathSegments(u)
	if segs[0] == "web" && len(segs) > 1 {
		segs = segs[1:]
	}
	var acct string
	switch {
	case strings.HasPrefix(segs[0], "@"):
		acct = segs[0][1:]
	case segs[0] == "users" && len(segs) > 1:
		acct = segs[1]
	default:
		return "no @user in its path; " + mastodonForm
	}
	user, domain, remote := strings.Cut(acct, "@")
	if user == "" || (remote && (domain == "" || strings.Contains(domain, "@"))) {
		return "no user name in its path; " + mastodonForm
	}
	return ""
}

func telegramURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "not a URL; " + telegramForm
	}
	segs := pathSegments(u)
	if len(segs) >= 2 && segs[0] == "s" {
		segs = segs[1:]
	}
	if len(segs) != 1 {
		return "names no channel; " + telegramForm
	}
	ch := strings.TrimPrefix(segs[0], "@")
	if !telegramName(ch) || ch == "s" || strings.HasPrefix(ch, "+") || ch == "joinchat" {
		return "names no public channel; " + telegramForm
	}
	return ""
}

// telegramName is monitor/telegram's keyPart.
func telegramName(s string) bool {
	if s == "" || s == "." || s == ".." || len(s) > 256 || !utf8.ValidString(s) {
		return false
	}
	return strings.IndexFunc(s, func(r rune) bool {
		return r == '/' || r == '?' || r == '#' || r == utf8.RuneError || unicode.IsSpace(r) || unicode.IsControl(r)
	}) < 0
}
