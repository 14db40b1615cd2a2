package canon

import "strings"

// Platforms Key names.
const (
	Facebook  = "facebook"
	Telegram  = "telegram"
	Mastodon  = "mastodon"
	Bluesky   = "bluesky"
	X         = "x" // Twitter
	YouTube   = "youtube"
	Instagram = "instagram"
	TikTok    = "tiktok"
)

// Key returns the platform and id of the one post raw names, read from its
// canonical form; ok is false for anything else (a page, a profile, a
// search, a comment, a URL of no known platform).
//
// Ids are what the URL itself says, so two URLs of one post have one key
// where canonicalization could tell (see URL); they are not always a
// collector's platform_id (a Telegram channel name is lowercased here, a
// Mastodon id carries its instance), so match a post by the Key of its
// post_url, not by its platform_id:
//
//	facebook   the post, photo or video id ("10158819522801830", "pfbid0…");
//	           a /share/ link (opaque) as "share/p/{code}"; fb.watch/{code}
//	           as "fb.watch/{code}"
//	telegram   "{channel}/{id}", lowercase; a private chat "c/{chat}/{id}"
//	mastodon   "{instance}/{status id}"
//	bluesky    "at://{handle or DID}/app.bsky.feed.post/{rkey}"
//	x          the status id
//	youtube    the video id
//	instagram  the shortcode
//	tiktok     the video id
func Key(raw string) (platform, id string, ok bool) {
	c, ok := parse(strings.TrimSpace(raw))
	if !ok {
		return "", "", false
	}
	if c.port != "" {
		// The big platforms are on default ports only; a self-hosted
		// Mastodon instance (or a test's) may not be.
		segs := segments(c.path)
		if len(segs) == 2 && strings.HasPrefix(segs[0], "@") && mastoUser(segs[0][1:]) && digits(segs[1]) && len(c.query) == 0 {
			return Mastodon, c.host + ":" + c.port + "/" + segs[1], true
		}
		return "", "", false
	}
	segs := segments(c.path)
	q := c.query
	only := func(name string) (string, bool) {
		if len(q) != 1 || q[0].name() != name {
			return "", false
		}
		v := unescape(q[0].value)
		return v, v != ""
	}
	switch c.host {
	case "facebook.com":
		switch {
		case len(segs) == 1 && segs[0] == "photo":
			if v, ok := only("fbid"); ok {
				return Facebook, v, true
			}
		case len(segs) == 1 && segs[0] == "watch":
			if v, ok := only("v"); ok {
				return Facebook, v, true
			}
		case len(segs) == 1 && segs[0] == "permalink.php":
			if v, ok := only("story_fbid"); ok {
				return Facebook, v, true
			}
		case len(q) > 0:
			// Below, a query left over (comment_id) names a comment.
		case len(segs) == 3 && segs[1] == "posts" && fbStory(segs[2]):
			return Facebook, segs[2], true
		case len(segs) == 4 && segs[0] == "groups" && segs[2] == "permalink" && fbStory(segs[3]):
			return Facebook, segs[3], true
		case len(segs) == 2 && segs[0] == "reel" && digits(segs[1]):
			return Facebook, segs[1], true
		case len(segs) == 3 && segs[0] == "share" && segs[2] != "":
			return Facebook, strings.Join(segs, "/"), true
		}
	case "fb.watch":
		if len(segs) == 1 && len(q) == 0 {
			return Facebook, "fb.watch/" + segs[0], true
		}
	case "t.me":
		if len(q) > 0 {
			break
		}
		if len(segs) == 2 && tgName(segs[0]) && digits(segs[1]) {
			return Telegram, segs[0] + "/" + segs[1], true
		}
		if len(segs) == 3 && segs[0] == "c" && digits(segs[1]) && digits(segs[2]) {
			return Telegram, strings.Join(segs, "/"), true
		}
	case "x.com":
		if len(segs) == 3 && segs[0] == "i" && segs[1] == "status" {
			return X, segs[2], true
		}
	case "bsky.app":
		if len(segs) == 4 && segs[0] == "profile" && segs[2] == "post" {
			return Bluesky, "at://" + unescape(segs[1]) + "/app.bsky.feed.post/" + unescape(segs[3]), true
		}
	case "youtube.com":
		if len(segs) == 1 && segs[0] == "watch" {
			if v, ok := only("v"); ok && ytID(v) {
				return YouTube, v, true
			}
		}
	case "instagram.com":
		if len(segs) == 2 && segs[0] == "p" && len(q) == 0 {
			return Instagram, segs[1], true
		}
	case "tiktok.com":
		if len(segs) == 3 && segs[1] == "video" {
			return TikTok, segs[2], true
		}
	default:
		if len(segs) == 2 && strings.HasPrefix(segs[0], "@") && mastoUser(segs[0][1:]) && digits(segs[1]) && len(q) == 0 {
			return Mastodon, c.host + "/" + segs[1], true
		}
	}
	return "", "", false
}
