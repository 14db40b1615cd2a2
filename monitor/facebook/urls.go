package facebook

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/monitor/canon"
)

// DefaultAPIBase is the Graph API a source without api_base reads.
const DefaultAPIBase = "https://graph.facebook.com/v19.0"

// target is what a source's keys say.
type target struct {
	base string // Graph API base with its version, no trailing slash
	page string // the Page's user name or numeric id, as the url names it
	web  string // scheme://host of the url, for permalinks Graph leaves out
}

// notPages are first path segments of facebook.com URLs that name no Page.
var notPages = map[string]bool{
	"groups": true, "events": true, "watch": true, "hashtag": true, "marketplace": true, "gaming": true,
	"photo.php": true, "photo": true, "permalink.php": true, "story.php": true, "video.php": true,
	"share": true, "sharer.php": true, "login": true, "login.php": true, "help": true, "policies": true,
	"reel": true, "stories": true, "search": true, "home.php": true, "ads": true,
}

// resolve reads a source's keys: url is the Page's URL as a person copies
// it (https://www.facebook.com/page, also /page/posts, /profile.php?id=N,
// /pages/Name/N, /people/Name/N, /pg/page, /p/Name-N); api_base is the
// Graph API base with its version (default DefaultAPIBase).
func resolve(src *config.Source) (target, error) {
	bad := func(why string) (target, error) {
		return target{}, fmt.Errorf("facebook: source %s: url %q: %s (want https://www.facebook.com/page)", src.ID, src.URL, why)
	}
	u, err := url.Parse(repairAmp(strings.TrimSpace(src.URL)))
	if err != nil {
		return bad("not a URL")
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return bad("not an absolute http(s) URL")
	}
	page, why := pageOf(u)
	if page == "" {
		return bad(why)
	}
	t := target{base: DefaultAPIBase, page: page, web: u.Scheme + "://" + u.Host}
	if src.APIBase != "" {
		b, err := url.Parse(src.APIBase)
		if err != nil || (b.Scheme != "http" && b.Scheme != "https") || b.Host == "" {
			return target{}, fmt.Errorf("facebook: source %s: api_base %q is not an absolute http(s) URL", src.ID, src.APIBase)
		}
		b.RawQuery, b.Fragment, b.RawPath = "", "", ""
		b.Path = strings.TrimSuffix(b.Path, "/")
		t.base = b.String()
	}
	return t, nil
}

// pageOf finds the Page a URL names, or says why it names none.
func pageOf(u *url.URL) (page, why string) {
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	// A locale host copied into the path (facebook.com/fr-fr.facebook.com/…).
	if strings.Contains(segs[0], "facebook.com") && len(segs) > 1 {
		segs = segs[1:]
	}
	first := segs[0]
	switch {
	case first == "profile.php":
		if id := u.Query().Get("id"); numeric(id) {
			return id, ""
		}
		return "", "profile.php without a numeric id"
	case (first == "pages" || first == "people") && len(segs) >= 3 && numeric(segs[2]):
		return segs[2], ""
	case first == "pg" && len(segs) >= 2 && segs[1] != "":
		return segs[1], ""
	case first == "p" && len(segs) >= 2:
		// facebook.com/p/Some-Name-100063486369524/
		if i := strings.LastIndexByte(segs[1], '-'); i >= 0 && numeric(segs[1][i+1:]) {
			return segs[1][i+1:], ""
		}
		return "", "a /p/ URL without a numeric id"
	case first == "":
		return "", "no Page in its path"
	case notPages[strings.ToLower(first)]:
		return "", "a " + first + " URL, not a Page"
	}
	return first, ""
}

func numeric(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// repairAmp undoes the HTML escaping of "&" that links copied from pages
// carry ("…?story_fbid=1&amp;id=2", also percent-encoded as "&amp%3B").
func repairAmp(s string) string {
	for _, bad := range []string{"&amp;", "&amp%3B", "&amp%3b"} {
		s = strings.ReplaceAll(s, bad, "&")
	}
	return s
}

// PostIDFromURL reads the owner (Page, user or group: name or id, "" when
// the URL does not say) and the post id from a Facebook post URL in any
// of its forms:
//
//	/{owner}/posts/{id}                      id numeric or pfbid…
//	/{owner}/videos/{id}, /{owner}/videos/{slug}/{id}
//	/{owner}/photos/{a.album}/{id}, /{owner}/photos/{slug}/{id}
//	/permalink.php?story_fbid={id}&id={owner}, /story.php?story_fbid=…&id=…
//	/groups/{group}/permalink/{id}, /groups/{group}/posts/{id}, /groups/{group}?view=permalink&id={id}
//	/photo.php?fbid={id}, /photo/?fbid={id}, /watch/?v={id}
//
// ok is false for a URL that names no post (a Page, another site).
//
// The id is canon.Key's where it knows the form, so that an imported
// post and a report naming it agree; canon does not give the owner, which
// an import needs for the Graph id PAGEID_POSTID.
func PostIDFromURL(raw string) (owner, id string, ok bool) {
	owner, id, ok = postIDFromURL(raw)
	switch platform, key, known := canon.Key(raw); {
	case known && platform == canon.Facebook:
		return owner, key, true
	case known:
		return "", "", false
	}
	return owner, id, ok
}

func postIDFromURL(raw string) (owner, id string, ok bool) {
	u, err := url.Parse(repairAmp(strings.TrimSpace(raw)))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !facebookHost(u.Hostname()) {
		return "", "", false
	}
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	if strings.Contains(segs[0], "facebook.com") && len(segs) > 1 {
		segs = segs[1:]
	}
	q := u.Query()
	lastNumeric := func(s []string) string {
		for i := len(s) - 1; i >= 0; i-- {
			if numeric(s[i]) {
				return s[i]
			}
		}
		return ""
	}
	switch first := segs[0]; {
	case first == "permalink.php" || first == "story.php":
		if id := q.Get("story_fbid"); id != "" {
			return q.Get("id"), id, true
		}
	case first == "photo.php" || first == "photo":
		if id := q.Get("fbid"); numeric(id) {
			return "", id, true
		}
	case first == "watch":
		if id := q.Get("v"); numeric(id) {
			return "", id, true
		}
	case first == "groups" && len(segs) >= 4 && (segs[2] == "permalink" || segs[2] == "posts"):
		return segs[1], segs[3], segs[3] != ""
	case first == "groups" && len(segs) >= 2 && q.Get("view") == "permalink" && q.Get("id") != "":
		return segs[1], q.Get("id"), true
	case len(segs) >= 3 && segs[1] == "posts" && segs[2] != "":
		return first, segs[2], true
	case len(segs) >= 3 && (segs[1] == "videos" || segs[1] == "photos"):
		if id := lastNumeric(segs[2:]); id != "" {
			return first, id, true
		}
	}
	return "", "", false
}

// facebookHost reports whether host is facebook.com or one of its
// subdomains (www., m., mbasic., web., fr-fr., …).
func facebookHost(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	return host == "facebook.com" || strings.HasSuffix(host, ".facebook.com") || host == "fb.com" || strings.HasSuffix(host, ".fb.com")
}
