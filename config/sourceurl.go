package config

import (
	"net/url"

	"github.com/takedownwatch/takedownwatch/internal/accounts"
)

// platformURL says why the collector of platform would refuse raw as a
// source URL, or "" when it would take it (or the platform takes any URL).
// raw has passed the generic check: absolute http(s) with a host. The
// collectors read the account through the same functions (package
// accounts), so the two cannot disagree.
func platformURL(platform, raw string) string {
	read := map[string]func(*url.URL) (string, error){
		"bluesky": accounts.Bluesky, "mastodon": accounts.Mastodon, "telegram": accounts.Telegram,
	}[platform]
	if read == nil {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "not a URL"
	}
	if _, err := read(u); err != nil {
		return err.Error()
	}
	return ""
}
