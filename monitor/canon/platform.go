package canon

import "strings"

// platformForm maps the many URL forms of one post on a platform to one.
// Each form is rebuilt from its ids alone, so the query of a mapped form
// holds what identifies the post and nothing else.
func platformForm(c *canonURL) {
	switch c.host {
	case "facebook.com":
		facebook(c)
	case "t.me":
		telegram(c)
	case "x.com":
		twitter(c)
	case "bsky.app":
		bluesky(c)
	case "youtube.com", "youtu.be":
		youtube(c)
	case "instagram.com":
		instagram(c)
	case "tiktok.com":
		tiktok(c)
	default:
		mastodon(c)
	}
}

// Facebook. Page names are case-insensitive and lowercased; object ids
// (numeric, or "pfbid…" for posts) are global, so a post, photo or video
// is named by its id whatever page the URL goes through.
//
//	/story.php?story_fbid=X&id=Y, /permalink.php?story_fbid=X&id=Y → /Y/posts/X
//	/{page}/posts/{id}                                               kept
//	/groups/{g}/posts/{id}, /groups/{g}/permalink/{id},
//	/groups/{g}?view=permalink&id={id}, /groups/{g}?multi_permalinks={id}
//	                                                                 → /groups/{g}/permalink/{id}
//	/photo.php?fbid=X, /photo/?fbid=X, /{page}/photos/…/{id}         → /photo/?fbid=X
//	/watch/?v=X, /video.php?v=X, /{page}/videos/…/{id}               → /watch/?v=X
//	/share/p/{code}, /share/v/{code}, /reel/{id}                     kept
//
// A /share/ link is opaque: only Facebook knows which post it leads to,
// and finding out means fetching it, which canonicalization never does.
// comment_id and reply_comment_id are kept: they name a comment, not the
// post it is under.
func facebook(c *canonURL) {
	segs := segments(c.path)
	// A link pasted after the host ("facebook.com/fr-fr.facebook.com/page").
	for len(segs) > 0 && (segs[0] == "facebook.com" || strings.HasSuffix(strings.ToLower(segs[0]), ".facebook.com")) {
		segs = segs[1:]
		c.path = join(segs...)
		if len(segs) == 0 {
			c.path = ""
		}
	}
	comments := keep(c.query, "comment_id", "reply_comment_id")
	switch {
	case len(segs) == 1 && (segs[0] == "story.php" || segs[0] == "permalink.php"):
		story, page := get(c.query, "story_fbid"), get(c.query, "id")
		switch {
		case fbStory(story) && fbName(page):
			c.path, c.query = join(strings.ToLower(page), "posts", story), comments
		case fbStory(story):
			c.path, c.query = "/permalink.php", append([]param{{"story_fbid", story}}, comments...)
		}
	case len(segs) == 1 && (segs[0] == "photo.php" || segs[0] == "photo"):
		if id := get(c.query, "fbid"); digits(id) {
			c.path, c.query = "/photo/", []param{{"fbid", id}}
		}
	case len(segs) == 1 && (segs[0] == "watch" || segs[0] == "video.php"):
		if id := get(c.query, "v"); digits(id) {
			c.path, c.query = "/watch/", []param{{"v", id}}
		}
	case len(segs) >= 3 && segs[1] == "photos" && digits(segs[len(segs)-1]):
		c.path, c.query = "/photo/", []param{{"fbid", segs[len(segs)-1]}}
	case len(segs) >= 3 && segs[1] == "videos" && digits(segs[len(segs)-1]):
		c.path, c.query = "/watch/", []param{{"v", segs[len(segs)-1]}}
	case len(segs) == 3 && segs[1] == "posts" && fbStory(segs[2]) && fbName(segs[0]):
		c.path, c.query = join(strings.ToLower(segs[0]), "posts", segs[2]), comments
	case len(segs) == 2 && segs[0] == "groups" && fbName(segs[1]) && get(c.query, "view") == "permalink" && fbStory(get(c.query, "id")):
		c.path, c.query = join("groups", strings.ToLower(segs[1]), "permalink", get(c.query, "id")), comments
	case len(segs) == 2 && segs[0] == "groups" && fbName(segs[1]) && fbStory(get(c.query, "multi_permalinks")):
		c.path, c.query = join("groups", strings.ToLower(segs[1]), "permalink", get(c.query, "multi_permalinks")), comments
	case len(segs) == 4 && segs[0] == "groups" && (segs[2] == "permalink" || segs[2] == "posts") && fbStory(segs[3]) && fbName(segs[1]):
		c.path, c.query = join("groups", strings.ToLower(segs[1]), "permalink", segs[3]), comments
	}
}

// fbStory reports whether s is a post id: numeric or pfbid-encoded.
func fbStory(s string) bool {
	if rest, ok := strings.CutPrefix(s, "pfbid"); ok {
		return rest != "" && alnum(rest)
	}
	return digits(s)
}

// fbName reports whether s can be a page, profile or group name or id.
func fbName(s string) bool {
	if s == "" || strings.HasSuffix(s, ".php") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !(alnum(s[i:i+1]) || s[i] == '.' || s[i] == '-' || s[i] == '_') {
			return false
		}
	}
	return true
}

// Telegram: /s/{channel}/{id} (the web preview) and /{channel}/{id} are
// one message; channel names are case-insensitive. ?single and ?embed
// only change how it is shown (dropped with the tracking parameters).
func telegram(c *canonURL) {
	segs := segments(c.path)
	if len(segs) == 3 && segs[0] == "s" {
		segs = segs[1:]
	}
	if len(segs) == 2 && tgName(segs[0]) && digits(segs[1]) {
		c.path = join(strings.ToLower(segs[0]), segs[1])
	}
}

func tgName(s string) bool {
	switch s {
	case "", "s", "c", "joinchat", "addstickers", "addemoji", "share", "proxy", "socks", "iv", "login":
		return false
	}
	for i := 0; i < len(s); i++ {
		if !(alnum(s[i:i+1]) || s[i] == '_') {
			return false
		}
	}
	return true
}

// X (Twitter): a status is one id whoever's name the URL goes through, so
// every form (/{user}/status/{id}, /i/web/status/{id}, /#!/{user}/status/{id},
// …/photo/1) becomes https://x.com/i/status/{id}, on x.com because that is
// where twitter.com now redirects.
func twitter(c *canonURL) {
	segs := segments(c.path)
	if len(segs) == 0 && strings.HasPrefix(c.frag, "!/") {
		segs = segments(normPath(c.frag[1:]))
	}
	var id string
	switch {
	case len(segs) >= 4 && segs[0] == "i" && segs[1] == "web" && segs[2] == "status":
		id = segs[3]
	case len(segs) >= 3 && segs[0] == "i" && segs[1] == "status":
		id = segs[2]
	case len(segs) >= 3 && (segs[1] == "status" || segs[1] == "statuses"):
		id = segs[2]
	}
	if digits(id) {
		c.path, c.query = join("i", "status", id), nil
	}
}

// Bluesky: /profile/{handle or DID}/post/{rkey}, the handle lowercased.
// A handle cannot be resolved to its DID offline, so the two forms of one
// post stay two.
func bluesky(c *canonURL) {
	segs := segments(c.path)
	if len(segs) == 4 && segs[0] == "profile" && segs[1] != "" && segs[2] == "post" && segs[3] != "" {
		c.path, c.query = join("profile", lowerSeg(segs[1]), "post", segs[3]), nil
	}
}

// YouTube: youtu.be/{id}, /shorts/{id}, /embed/{id}, /live/{id} and
// /watch?v={id}&… are https://youtube.com/watch?v={id}.
func youtube(c *canonURL) {
	segs := segments(c.path)
	id := ""
	switch {
	case c.host == "youtu.be" && len(segs) == 1:
		id = segs[0]
	case c.host == "youtube.com" && len(segs) == 1 && segs[0] == "watch":
		id = get(c.query, "v")
	case c.host == "youtube.com" && len(segs) == 2 && (segs[0] == "shorts" || segs[0] == "embed" || segs[0] == "live" || segs[0] == "v"):
		id = segs[1]
	}
	if ytID(id) {
		c.host, c.path, c.query = "youtube.com", "/watch", []param{{"v", id}}
	}
}

func ytID(s string) bool {
	if len(s) != 11 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !(alnum(s[i:i+1]) || s[i] == '-' || s[i] == '_') {
			return false
		}
	}
	return true
}

// Instagram: /p/{code}, /reel/{code}, /tv/{code} and /{user}/p/{code} are
// https://instagram.com/p/{code}: the shortcode is the post's.
func instagram(c *canonURL) {
	segs := segments(c.path)
	if len(segs) == 3 {
		segs = segs[1:]
	}
	if len(segs) == 2 && (segs[0] == "p" || segs[0] == "reel" || segs[0] == "reels" || segs[0] == "tv") && igCode(segs[1]) {
		c.path, c.query = join("p", segs[1]), nil
	}
}

func igCode(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !(alnum(s[i:i+1]) || s[i] == '-' || s[i] == '_') {
			return false
		}
	}
	return true
}

// TikTok: /@{user}/video/{id}, the user lowercased, the query dropped.
func tiktok(c *canonURL) {
	segs := segments(c.path)
	if len(segs) == 3 && strings.HasPrefix(segs[0], "@") && len(segs[0]) > 1 && (segs[1] == "video" || segs[1] == "photo") && digits(segs[2]) {
		c.path, c.query = join(lowerSeg(segs[0]), segs[1], segs[2]), nil
	}
}

// Mastodon, on any host: /@{user}/{id}, /users/{user}/statuses/{id} and
// /web/@{user}/{id} are https://{instance}/@{user}/{id}, the user
// lowercased (Mastodon's usernames are case-insensitive). The query is
// kept: a host that only looks like Mastodon keeps what its pages mean.
func mastodon(c *canonURL) {
	segs := segments(c.path)
	if len(segs) == 3 && segs[0] == "web" {
		segs = segs[1:]
	}
	var user, id string
	switch {
	case len(segs) == 2 && strings.HasPrefix(segs[0], "@"):
		user, id = segs[0][1:], segs[1]
	case len(segs) == 4 && segs[0] == "users" && segs[2] == "statuses":
		user, id = segs[1], segs[3]
	}
	if mastoUser(user) && digits(id) {
		c.path = join("@"+strings.ToLower(user), id)
	}
}

// mastoUser accepts "user" and "user@domain" (a remote account as its
// instance shows it).
func mastoUser(s string) bool {
	name, domain, remote := strings.Cut(s, "@")
	if name == "" || (remote && (domain == "" || strings.Contains(domain, "@"))) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !(alnum(s[i:i+1]) || s[i] == '_' || s[i] == '.' || s[i] == '-' || s[i] == '@') {
			return false
		}
	}
	return true
}

func digits(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func alnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}
