package monitor

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/monitor/normalize"
)

// Checker checks one post on its platform. text is the post's current
// normalized text, so a checker can tell its content is still there.
type Checker interface {
	Check(ctx context.Context, src *config.Source, post *store.Post, text string, f Fetcher) (Answer, error)
}

// PermalinkChecker checks a post by fetching its permalink, for platforms
// whose posts are plain web pages (feed items, html sources).
type PermalinkChecker struct{}

var _ Checker = PermalinkChecker{}

// Check fetches the permalink and classifies the answer. Only an archive
// failure is returned as an error; a network failure is a transient answer.
func (PermalinkChecker) Check(ctx context.Context, src *config.Source, post *store.Post, text string, f Fetcher) (Answer, error) {
	if u, err := url.Parse(post.PostURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		// An item without a web link (none, or javascript:) has nothing
		// to check: no verdict, rechecked less and less often, and no
		// archive failure (it was logged as one every round).
		return Answer{Class: ClassTransient, Detail: "no http(s) permalink to check"}, nil
	}
	resp, err := f.Fetch(ctx, &FetchRequest{URL: post.PostURL, Kind: KindPermalink, SourceID: src.ID, Vantage: src.Vantage})
	if err != nil {
		return FailedFetchAnswer(ctx, err)
	}
	a := ClassifyHTTP(post.PostURL, text, resp)
	a.Evidence = resp.Evidence()
	return a, nil
}

// FailedFetchAnswer is a check's answer to a fetch that got no answer: a
// network failure (a *FetchError) is a transient answer, with the
// failure's capture as evidence; anything else (the caller gone, the
// archive failing) is the check's error.
func FailedFetchAnswer(ctx context.Context, err error) (Answer, error) {
	var fe *FetchError
	if errors.As(err, &fe) {
		a := Answer{Class: ClassTransient, Detail: fe.Err.Error()}
		if fe.CaptureID != 0 {
			a.Evidence = []int64{fe.CaptureID}
		}
		return a, nil
	}
	if ctx.Err() != nil {
		return Answer{}, ctx.Err()
	}
	return Answer{}, err
}

// Phrases of pages that answer 200 for content that is gone (soft-404s)
// or that stand in for content behind a login. Lower case.
var (
	softGonePhrases = []string{
		"content isn't available", "content is not available", "content isn’t available",
		"this page isn't available", "page isn't available", "page not found", "post not found",
		"this post was deleted", "this post has been deleted", "this post has been removed",
		"is no longer available", "this content is no longer", "the link you followed may be broken",
		"404 not found", "content not found", "cannot be displayed at the moment",
	}
	// blockedPhrases are the platform refusing us, not the post being gone.
	blockedPhrases  = []string{"you're temporarily blocked", "you’re temporarily blocked", "temporarily blocked", "too many requests", "rate limit exceeded"}
	withheldPhrases = []string{
		"withheld in your country", "due to local laws", "in response to a legal demand",
	}
	suspendedPhrases = []string{"account suspended", "account has been suspended", "account was suspended", "this account doesn't exist", "account has been terminated"}
	loginPath        = regexp.MustCompile(`(?i)/(login|log-in|signin|sign-in|sign_in|accounts/login|auth|checkpoint)(/|\.php|$|\?)`)
	passwordInput    = regexp.MustCompile(`(?i)<input[^>]+type\s*=\s*["']?password`)
	titleTag         = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)
)

// ClassifyHTTP reads a permalink's final answer (after redirects). text is
// the post's archived normalized text ("" if unknown): a 200 page that
// still shows it is live whatever else it says.
//
//	200 with the content          → live
//	200 soft-404 page             → deleted (detail "soft-404: <phrase>")
//	200 "you're temporarily blocked" → transient (the platform refuses us)
//	redirect to the account/home  → deleted (detail "redirect home")
//	redirect to a login page, 401, 403, a login wall → restricted
//	404, 410                      → deleted (saying the account is suspended → account_gone)
//	451, a 200 "withheld in your country" page → withheld_legal (detail keeps the blocked-by link)
//	5xx, 429, 3xx left unfollowed → transient
//	other 4xx                     → unknown
func ClassifyHTTP(postURL, text string, resp *FetchResponse) Answer {
	body := lowerHead(resp.Body)
	code := resp.StatusCode
	switch {
	case code == http.StatusUnavailableForLegalReasons:
		d := "451"
		if by := blockedBy(resp.Header); by != "" {
			d += " blocked-by " + by
		}
		return Answer{Class: ClassWithheld, Detail: d}
	case code == http.StatusNotFound || code == http.StatusGone:
		if p := phrase(body, suspendedPhrases); p != "" {
			return Answer{Class: ClassAccountGone, Detail: strconv.Itoa(code) + ": " + p}
		}
		return Answer{Class: ClassDeleted, Detail: strconv.Itoa(code)}
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return Answer{Class: ClassRestricted, Detail: strconv.Itoa(code)}
	case code == http.StatusTooManyRequests || code >= 500:
		return Answer{Class: ClassTransient, Detail: strconv.Itoa(code)}
	case code >= 300 && code < 400:
		// A redirect the fetcher did not follow (loop, cap): no verdict.
		return Answer{Class: ClassTransient, Detail: strconv.Itoa(code) + " unfollowed redirect"}
	case code >= 400:
		// 400, 405, 408 and the rest say the request went wrong (a proxy,
		// a firewall, a timeout on the way), not that the post is gone:
		// a removal confirmed on them would cry wolf. No verdict; checks
		// go on, and a post that never answers otherwise stays suspect.
		return Answer{Class: ClassTransient, Detail: strconv.Itoa(code) + " no verdict"}
	case code < 200:
		return Answer{Class: ClassTransient, Detail: strconv.Itoa(code)}
	}
	// 2xx: where did we end up, and what does the page say?
	if len(resp.Hops) > 0 {
		if loginPath.MatchString(pathAndQuery(resp.URL)) {
			return Answer{Class: ClassRestricted, Detail: "redirect to login"}
		}
		if isHomeOf(resp.URL, postURL) {
			return Answer{Class: ClassDeleted, Detail: "redirect home"}
		}
	}
	if shows(resp.Body, text) {
		return Answer{Class: ClassLive, Detail: strconv.Itoa(code)}
	}
	if p := phrase(pageTitleOrAll(body), blockedPhrases); p != "" {
		return Answer{Class: ClassTransient, Detail: "200: " + p}
	}
	if p := phrase(body, withheldPhrases); p != "" {
		return Answer{Class: ClassWithheld, Detail: "200: " + p}
	}
	if p := phrase(pageTitleOrAll(body), softGonePhrases); p != "" {
		return Answer{Class: ClassDeleted, Detail: "soft-404: " + p}
	}
	if passwordInput.Match(body) && loginPath.MatchString(pathAndQuery(resp.URL)) {
		return Answer{Class: ClassRestricted, Detail: "login wall"}
	}
	return Answer{Class: ClassLive, Detail: strconv.Itoa(code)}
}

// snippetRunes is how much of a post's text must appear on its page.
const snippetRunes = 48

// shows reports whether the page still carries the start of the post's
// text, compared on normalized, whitespace-folded text.
func shows(body []byte, text string) bool {
	want := strings.Join(strings.Fields(text), " ")
	if want == "" {
		return false
	}
	if r := []rune(want); len(r) > snippetRunes {
		want = string(r[:snippetRunes])
	}
	page := strings.Join(strings.Fields(normalize.Text(string(body))), " ")
	return strings.Contains(page, want)
}

// lowerHead is the start of a page in lower case: the verdict phrases of
// error pages come early, and a post that quotes one deep in a long page
// must not read as gone.
func lowerHead(b []byte) []byte {
	const head = 16 << 10
	if len(b) > head {
		b = b[:head]
	}
	return bytes.ToLower(b)
}

// pageTitleOrAll narrows a big page to its title, where error pages say
// what they are; short pages (error pages are short) are read whole.
func pageTitleOrAll(body []byte) []byte {
	if len(body) < 4096 {
		return body
	}
	if m := titleTag.FindSubmatch(body); m != nil {
		return m[1]
	}
	return body[:4096]
}

func phrase(body []byte, phrases []string) string {
	for _, p := range phrases {
		if bytes.Contains(body, []byte(p)) {
			return p
		}
	}
	return ""
}

func blockedBy(h http.Header) string {
	for _, v := range h.Values("Link") {
		for _, part := range strings.Split(v, ",") {
			if strings.Contains(strings.ToLower(part), `rel="blocked-by"`) || strings.Contains(strings.ToLower(part), "rel=blocked-by") {
				if i, j := strings.IndexByte(part, '<'), strings.IndexByte(part, '>'); i >= 0 && j > i {
					return part[i+1 : j]
				}
			}
		}
	}
	return ""
}

func pathAndQuery(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.RequestURI()
}

// isHomeOf reports whether final is the site's home page or an ancestor of
// the post's path (the account page): where platforms send a removed post.
func isHomeOf(final, postURL string) bool {
	f, err1 := url.Parse(final)
	p, err2 := url.Parse(postURL)
	if err1 != nil || err2 != nil || !strings.EqualFold(trimWWW(f.Host), trimWWW(p.Host)) {
		return f != nil && p != nil && f.Path == "/" // another host's home page
	}
	fp, pp := strings.TrimSuffix(f.Path, "/"), strings.TrimSuffix(p.Path, "/")
	if fp == pp {
		return false
	}
	return fp == "" || strings.HasPrefix(pp, fp+"/")
}

func trimWWW(h string) string {
	h = strings.ToLower(h)
	for _, p := range []string{"www.", "m.", "mobile.", "mbasic."} {
		h = strings.TrimPrefix(h, p)
	}
	return h
}
