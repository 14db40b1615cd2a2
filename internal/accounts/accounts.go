// Package accounts reads the account a source URL names on a platform: the
// one rule both the collectors and `config check` apply.
package accounts

import (
	"errors"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The forms each reader accepts, named in its errors.
const (
	blueskyForm  = "want https://bsky.app/profile/<handle>, or a DID in place of the handle"
	mastodonForm = "want https://instance/@user; /@user@domain, /web/@user and /users/user work too"
	telegramForm = "want https://t.me/s/<channel> on any host; https://t.me/<channel> works too"
)

func segments(u *url.URL) []string {
	return strings.Split(strings.Trim(u.Path, "/"), "/")
}

// Bluesky returns the handle or DID of a profile URL (/profile/<handle>;
// the rest of the path is ignored).
func Bluesky(u *url.URL) (string, error) {
	segs := segments(u)
	if len(segs) < 2 || segs[0] != "profile" || !(IsHandle(segs[1]) || IsDID(segs[1])) {
		return "", errors.New("not a profile URL; " + blueskyForm)
	}
	return segs[1], nil
}

// Mastodon returns the account of a profile URL: user, or user@domain for
// an account of another instance.
func Mastodon(u *url.URL) (string, error) {
	segs := segments(u)
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
		return "", errors.New("no @user in its path; " + mastodonForm)
	}
	user, domain, remote := strings.Cut(acct, "@")
	if user == "" || (remote && (domain == "" || strings.Contains(domain, "@"))) {
		return "", errors.New("no user name in its path; " + mastodonForm)
	}
	return acct, nil
}

// Telegram returns the public channel a URL names (/s/<channel> or
// /<channel>, on any host: the preview's mirrors and the sandbox).
func Telegram(u *url.URL) (string, error) {
	segs := segments(u)
	if len(segs) >= 2 && segs[0] == "s" {
		segs = segs[1:]
	}
	if len(segs) != 1 {
		return "", errors.New("names no channel; " + telegramForm)
	}
	ch := strings.TrimPrefix(segs[0], "@")
	if !IsTelegramKey(ch) || ch == "s" || strings.HasPrefix(ch, "+") || ch == "joinchat" {
		return "", errors.New("names no public channel; " + telegramForm)
	}
	return ch, nil
}

// IsHandle reports whether s is a Bluesky handle that can stand in a
// permalink: a domain name, and not the AppView's "handle.invalid".
func IsHandle(s string) bool {
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

// IsDID reports whether s looks like a DID: did:method:identifier.
func IsDID(s string) bool {
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

// IsTelegramKey reports whether s can be part of a Telegram post's key (a
// channel name or a message id) and of a URL path segment.
func IsTelegramKey(s string) bool {
	if s == "" || s == "." || s == ".." || len(s) > 256 || !utf8.ValidString(s) {
		return false
	}
	return strings.IndexFunc(s, func(r rune) bool {
		return r == '/' || r == '?' || r == '#' || r == utf8.RuneError || unicode.IsSpace(r) || unicode.IsControl(r)
	}) < 0
}
