package config

import (
	"strings"
	"testing"
)

// TestPlatformURL pins which source URLs config check lets through to each
// collector (which reads them through the same package accounts).
func TestPlatformURL(t *testing.T) {
	tests := []struct {
		platform, url string
		ok            bool
	}{
		{"bluesky", "https://bsky.app/profile/alice.bsky.social", true},
		{"bluesky", "https://bsky.app/profile/alice.bsky.social/", true},
		{"bluesky", "https://bsky.app/profile/did:plc:abc123xyz", true},
		{"bluesky", "http://127.0.0.2:8080/profile/a.test/post/3k", true}, // sandbox host; the rest of the path is ignored
		{"bluesky", "https://example.org/", false},
		{"bluesky", "https://bsky.app/profile/", false},
		{"bluesky", "https://bsky.app/profile/alice", false}, // a handle has a dot
		{"bluesky", "https://bsky.app/profile/handle.invalid", false},
		{"bluesky", "https://bsky.app/profile/-a.example", false},
		{"bluesky", "https://bsky.app/profile/did:PLC:abc", false},
		{"bluesky", "https://bsky.app/profile/did:plc:", false},
		{"bluesky", "https://bsky.app/@alice.bsky.social", false},

		{"mastodon", "https://mastodon.social/@alice", true},
		{"mastodon", "https://mastodon.social/@alice@example.org", true},
		{"mastodon", "https://mastodon.social/@alice/109", true},
		{"mastodon", "https://mastodon.social/web/@alice", true},
		{"mastodon", "https://x/users/y", true},
		{"mastodon", "https://mastodon.social/users/alice/statuses/1", true},
		{"mastodon", "https://mastodon.social/", false},
		{"mastodon", "https://mastodon.social/users", false},
		{"mastodon", "https://mastodon.social/users/", false},
		{"mastodon", "https://mastodon.social/web", false},
		{"mastodon", "https://mastodon.social/alice", false},
		{"mastodon", "https://mastodon.social/@", false},
		{"mastodon", "https://mastodon.social/@alice@", false},
		{"mastodon", "https://mastodon.social/@alice@a@b", false},
		{"mastodon", "https://mastodon.social/@@example.org", false},

		{"telegram", "https://t.me/s/channel", true},
		{"telegram", "https://t.me/channel", true},
		{"telegram", "https://t.me/@channel", true},
		{"telegram", "https://t.me/s/channel/", true},
		{"telegram", "http://127.0.0.3:8080/s/channel", true}, // any host
		{"telegram", "https://t.me/s", false},
		{"telegram", "https://t.me/", false},
		{"telegram", "https://t.me/s/", false},
		{"telegram", "https://t.me/s/s", false},
		{"telegram", "https://t.me/channel/123", false},
		{"telegram", "https://t.me/s/channel/123", false},
		{"telegram", "https://t.me/+AbCdEf", false},
		{"telegram", "https://t.me/joinchat", false},
		{"telegram", "https://t.me/joinchat/AbCdEf", false},
		{"telegram", "https://t.me/s/%20", false},

		{"feed", "https://example.org/", true},
		{"html", "https://example.org/", true},
		{"facebook", "https://example.org/", true}, // not checked here
	}
	for _, tt := range tests {
		why := platformURL(tt.platform, tt.url)
		if got := why == ""; got != tt.ok {
			t.Errorf("platformURL(%s, %q) = %q, want accepted %v", tt.platform, tt.url, why, tt.ok)
		}
		if why != "" && !strings.Contains(why, "want https://") {
			t.Errorf("platformURL(%s, %q) = %q: names no accepted form", tt.platform, tt.url, why)
		}
	}
}
