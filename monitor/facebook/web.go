package facebook

import (
	"bytes"
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/takedownwatch/takedownwatch/monitor"
	"github.com/takedownwatch/takedownwatch/monitor/normalize"
)

// unavailable are the words of Facebook's pages for content that is not
// there, logged out: the modern www page, mbasic's "Content not found",
// and the localized forms seen in the wild. Longest first, so a detail
// names the most of what the page said. Compared case-insensitively, with
// typographic apostrophes folded to '.
var unavailable = []string{
	"The page you requested cannot be displayed at the moment",
	"This content isn't available at the moment",
	"This content isn't available right now",
	"Ce contenu n'est pas disponible pour le moment",
	"Este contenido no está disponible en este momento",
	"Dieser Inhalt ist momentan nicht verfügbar",
	"このコンテンツは現在ご利用いただけません",
	"Sorry, this page isn't available",
	"Ce contenu n'est pas disponible",
	"Este contenido no está disponible",
	"This page isn't available",
	"Content not found",
}

// withheldWords are a page saying the post is blocked where we read it,
// as monitor.ClassifyHTTP words them.
var withheldWords = []string{"withheld in your country", "due to local laws", "in response to a legal demand"}

// refusing are Facebook refusing us rather than the post being gone.
var refusing = []string{
	"You can't use this feature at the moment",
	"You're temporarily blocked",
}

// loginPath is where Facebook sends a logged-out visitor it will not show
// the post: the login page, or a checkpoint.
var loginPath = regexp.MustCompile(`(?i)^/(login|login\.php|checkpoint|checkpoint/.*|login/.*)$`)

// ClassifyPermalink reads a logged-out answer for a Facebook permalink
// (www., m. or mbasic.facebook.com), after redirects. text is the post's
// archived normalized text ("" if unknown).
//
//	redirect to /login or /checkpoint          → restricted
//	redirect to the Page or the home page      → deleted ("redirect home")
//	200 page showing the post's text           → live, whatever else it says
//	200 "Content not found", "This content isn't available right now" and
//	    the localized forms (FR, ES, DE, JA)    → deleted, the wording as detail
//	200 "You're temporarily blocked"           → transient
//	200 "withheld in your country"             → withheld_legal
//	any other 200                              → live
//	any other status                           → monitor.ClassifyHTTP (404 deleted, 451 withheld, 403 restricted, …)
//
// Only the title and the visible text count: Facebook's scripts carry the
// error texts of other pages.
//
// A 302 from /posts/ID to /videos/ID is Facebook showing a video post
// where videos live: it reads as any other page.
func ClassifyPermalink(postURL, text string, resp *monitor.FetchResponse) monitor.Answer {
	a, _ := classifyWeb(postURL, text, resp)
	return a
}

// classifyWeb is ClassifyPermalink, also saying whether the page showed
// the post's text.
func classifyWeb(postURL, text string, resp *monitor.FetchResponse) (monitor.Answer, bool) {
	code := resp.StatusCode
	if code < 200 || code > 299 {
		return monitor.ClassifyHTTP(postURL, text, resp), false
	}
	if len(resp.Hops) > 0 {
		final, err := url.Parse(resp.URL)
		if err == nil && loginPath.MatchString(strings.TrimSuffix(final.EscapedPath(), "/")) {
			detail := "redirect to login"
			if strings.Contains(strings.ToLower(final.Path), "checkpoint") {
				detail = "redirect to checkpoint"
			}
			return monitor.Answer{Class: monitor.ClassRestricted, Detail: detail}, false
		}
		if err == nil && redirectHome(final, postURL) {
			return monitor.Answer{Class: monitor.ClassDeleted, Detail: "redirect home"}, false
		}
	}
	if shows(resp.Body, text) {
		return monitor.Answer{Class: monitor.ClassLive, Detail: "200"}, true
	}
	title, visible := pageText(resp.Body)
	for _, where := range []string{title, visible} {
		if p := phraseIn(where, refusing); p != "" {
			return monitor.Answer{Class: monitor.ClassTransient, Detail: "200: " + p}, false
		}
		if p := phraseIn(where, withheldWords); p != "" {
			return monitor.Answer{Class: monitor.ClassWithheld, Detail: "200: " + p}, false
		}
		if p := phraseIn(where, unavailable); p != "" {
			return monitor.Answer{Class: monitor.ClassDeleted, Detail: p}, false
		}
	}
	// Not monitor.ClassifyHTTP: on a short page it reads the scripts too,
	// and Facebook's carry its error texts for other pages.
	return monitor.Answer{Class: monitor.ClassLive, Detail: "200"}, false
}

// redirectHome reports whether a post's permalink ended on facebook's
// home page or on its Page's: where Facebook sends a deleted post.
func redirectHome(final *url.URL, postURL string) bool {
	p, err := url.Parse(postURL)
	if err != nil {
		return false
	}
	fp := strings.Trim(final.Path, "/")
	if fp == "" || fp == "home.php" {
		return true
	}
	pp := strings.Split(strings.Trim(p.Path, "/"), "/")
	return len(pp) > 1 && strings.EqualFold(fp, pp[0])
}

// snippetRunes is how much of a post's text must appear on its page.
const snippetRunes = 48

// shows reports whether the page carries the start of the post's text,
// compared on normalized, whitespace-folded text.
func shows(body []byte, text string) bool {
	want := strings.Join(strings.Fields(text), " ")
	if want == "" {
		return false
	}
	if r := []rune(want); len(r) > snippetRunes {
		want = string(r[:snippetRunes])
	}
	return strings.Contains(strings.Join(strings.Fields(normalize.Text(string(body))), " "), want)
}

// pageText is a page's title and its visible text (scripts, styles and
// templates left out), whitespace folded: the words a visitor reads, not
// the strings Facebook ships in its scripts for other pages.
func pageText(body []byte) (title, visible string) {
	var t, v strings.Builder
	z := html.NewTokenizer(bytes.NewReader(body))
	var skip, inTitle bool
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return fold(t.String()), fold(v.String())
		case html.TextToken:
			switch {
			case inTitle:
				t.Write(z.Text())
			case !skip:
				v.Write(z.Text())
				v.WriteByte(' ')
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			start := tt == html.StartTagToken
			switch atom.Lookup(name) {
			case atom.Script, atom.Style, atom.Template:
				skip = start
			case atom.Title:
				inTitle = start
			}
		}
	}
}

// fold folds whitespace and typographic apostrophes.
func fold(s string) string {
	s = strings.NewReplacer("\u2019", "'", "\u2018", "'", "\u00a0", " ").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

// phraseIn returns the first of phrases that s holds, case-insensitively.
func phraseIn(s string, phrases []string) string {
	if s == "" {
		return ""
	}
	low := strings.ToLower(s)
	for _, p := range phrases {
		if strings.Contains(low, strings.ToLower(p)) {
			return p
		}
	}
	return ""
}
