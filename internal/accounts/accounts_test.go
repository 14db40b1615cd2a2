package accounts

import (
	"net/url"
	"testing"
)

// What each reader returns of a URL it takes (which URLs it takes at all
// is pinned by config's TestPlatformURL, through `config check`).
func TestReaders(t *testing.T) {
	tests := []struct {
		read func(*url.URL) (string, error)
		url  string
		want string
	}{
		{Bluesky, "https://bsky.app/profile/alice.bsky.social/post/3k", "alice.bsky.social"},
		{Bluesky, "https://bsky.app/profile/did:plc:abc123", "did:plc:abc123"},
		{Mastodon, "https://mastodon.social/@alice", "alice"},
		{Mastodon, "https://mastodon.social/web/@alice@example.org", "alice@example.org"},
		{Mastodon, "https://mastodon.social/users/bob/statuses/1", "bob"},
		{Telegram, "https://t.me/s/channel", "channel"},
		{Telegram, "https://t.me/@channel", "channel"},
	}
	for _, tt := range tests {
		u, _ := url.Parse(tt.url)
		if got, err := tt.read(u); err != nil || got != tt.want {
			t.Errorf("%s: %q, %v; want %q", tt.url, got, err, tt.want)
		}
	}
}
