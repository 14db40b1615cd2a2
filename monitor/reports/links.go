package reports

import (
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/html"

	"github.com/takedownwatch/takedownwatch/monitor/canon"
)

// bareURL finds URLs written out in text: with a scheme, or starting with
// a platform host people write without one ("t.me/…", "facebook.com/…").
var bareURL = regexp.MustCompile(`(?i)(?:\bhttps?://|\b(?:www\.|m\.|web\.)?(?:facebook\.com|fb\.com|fb\.watch|t\.me|telegram\.me|x\.com|twitter\.com|bsky\.app|youtu\.be|youtube\.com|tiktok\.com|instagram\.com)/)[^\s<>"'` + "`" + `\x{00A0}\x{200B}\x{3000}]+`)

// trailers are what ends a sentence around a URL rather than the URL.
const trailers = ".,;:!?)]}»”’'\"。、…"

// postLinks collects the platform post URLs (those canon.Key names) an HTML
// fragment or plain text holds: the href of every <a> (resolved against
// base) and every URL written out in its text, as written, in order, the
// forms of one URL once. seen carries over between calls on one report.
func postLinks(fragment string, base *url.URL, seen map[string]bool) []string {
	var out []string
	add := func(u string) {
		u = strings.TrimSpace(u)
		if !strings.Contains(u, "://") { // "t.me/…" written out
			u = "https://" + u
		}
		if _, _, ok := canon.Key(u); !ok || seen[canon.URL(u)] {
			return
		}
		seen[canon.URL(u)] = true
		out = append(out, u)
	}
	nodes, err := html.ParseFragment(strings.NewReader(fragment), nil)
	if err != nil {
		textLinks(fragment, add)
		return out
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.ElementNode:
			if n.Data == "a" {
				for _, a := range n.Attr {
					if a.Key == "href" && a.Namespace == "" {
						add(hrefURL(a.Val, base))
					}
				}
			}
		case html.TextNode:
			textLinks(n.Data, add)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return out
}

// hrefURL resolves an href against base; a relative href with no base
// cannot name a platform post and gives "".
func hrefURL(href string, base *url.URL) string {
	ref, err := url.Parse(strings.TrimSpace(href))
	if err != nil {
		return ""
	}
	if base != nil {
		ref = base.ResolveReference(ref)
	}
	if !ref.IsAbs() {
		return ""
	}
	return ref.String()
}

// textLinks calls add with every URL written out in text.
func textLinks(text string, add func(string)) {
	for _, m := range bareURL.FindAllString(text, -1) {
		m = strings.TrimRight(m, trailers)
		// A closing bracket the URL opened is the URL's
		// ("…/wiki/Foo_(bar)"); one it did not is the sentence's.
		if strings.Count(m, "(") > strings.Count(m, ")") {
			if i := strings.Index(text, m); i >= 0 && strings.HasPrefix(text[i+len(m):], ")") {
				m += ")"
			}
		}
		add(m)
	}
}
