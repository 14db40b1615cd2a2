package telegram

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/monitor"
)

// Checker checks a post through its embed page, the one page Telegram
// serves for a single message to anyone without an account. It holds no
// state and is safe for concurrent use.
type Checker struct{}

var _ monitor.Checker = Checker{}

// Check fetches the post's embed page and classifies it (see Classify).
// Only an archive failure is returned as an error; a network failure is a
// transient answer.
func (Checker) Check(ctx context.Context, src *config.Source, post *store.Post, text string, f monitor.Fetcher) (monitor.Answer, error) {
	u := EmbedURL(src.URL, post.NativeID(), post.PostURL)
	if u == "" {
		return monitor.Answer{}, fmt.Errorf("telegram: post %s: no embed URL from source URL %q and post URL %q", post.PlatformID, src.URL, post.PostURL)
	}
	resp, err := f.Fetch(ctx, &monitor.FetchRequest{
		URL: u, Kind: monitor.KindPermalink, SourceID: src.ID, Vantage: src.Vantage,
		Header: http.Header{"Accept": {"text/html"}},
	})
	if err != nil {
		a, err := monitor.FailedFetchAnswer(ctx, err)
		if err != nil && ctx.Err() == nil {
			err = fmt.Errorf("telegram: check %s: %w", post.PlatformID, err)
		}
		return a, err
	}
	if resp == nil {
		return monitor.Answer{}, fmt.Errorf("telegram: check %s: fetcher gave neither answer nor error", post.PlatformID)
	}
	a := Classify(u, text, resp)
	a.Evidence = resp.Evidence()
	return a, nil
}

// EmbedURL is the embed page of a post: <base>/<channel>/<id>?embed=1,
// where base is the scheme and host of the source URL (any host, so tests
// point it at the sandbox) and platformID is "channel/id". A platform id
// of another shape falls back to the post's own URL. "" if neither works.
func EmbedURL(sourceURL, platformID, postURL string) string {
	if base, _, err := channelOf(sourceURL); err == nil {
		if channel, id, ok := splitPost(platformID); ok {
			return base + "/" + url.PathEscape(channel) + "/" + url.PathEscape(id) + "?embed=1"
		}
	}
	u, err := url.Parse(postURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	q := u.Query()
	q.Set("embed", "1")
	u.RawQuery, u.Fragment = q.Encode(), ""
	return u.String()
}

// Notices Telegram shows in place of a message, lower case. A notice is
// matched against the whole of a widget's error or text, never against a
// phrase inside a post.
var (
	notFoundNotices = []string{"post not found", "message not found", "message doesn't exist", "message doesn’t exist"}
	// Telegram's web widget cannot show some messages (sensitive content,
	// channels that restrict it) and asks the reader to use the app: the
	// post is there, for someone else.
	restrictedNotices = []string{"please open telegram to view this post", "channel is private", "this channel is private",
		"this message is not available in the web version", "sensitive content"}
	messageNotices = []string{
		"this message can't be displayed", "this message can’t be displayed", "this message cannot be displayed",
		"this message couldn't be displayed", "this message couldn’t be displayed",
		"this post can't be displayed", "this post can’t be displayed", "this post isn't available", "this post isn’t available",
		"this message is not available", "this message is unavailable",
	}
	// removalWords mark an error text as Telegram refusing the message,
	// for notices not in the lists above.
	removalWords = []string{"can't be displayed", "can’t be displayed", "cannot be displayed", "couldn't be displayed",
		"couldn’t be displayed", "not available", "unavailable", "violated", "blocked", "withheld"}
)

// Classify reads the final answer to a post's embed page (after
// redirects). text is the post's archived normalized text.
//
//	the message widget with the message           → live
//	"Post not found", an empty message widget     → deleted
//	a notice naming local laws                    → withheld_legal (detail: the notice)
//	another notice of Telegram refusing the message (terms of service,
//	  copyright, violence)                        → unknown (detail: the notice)
//	"Please open Telegram to view this post", "Channel is private" → restricted
//	t.me's page of a channel that is gone         → account_gone
//	an unrecognized 200 page                      → transient: no verdict
//	any other status: as monitor.ClassifyHTTP (404 deleted, 451 withheld, 5xx and 429 transient …)
func Classify(embedURL, text string, resp *monitor.FetchResponse) monitor.Answer {
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return monitor.ClassifyHTTP(embedURL, text, resp)
	}
	final := resp.URL
	if final == "" {
		final = embedURL
	}
	if resp.Truncated {
		return monitor.Answer{Class: monitor.ClassTransient, Detail: "embed cut at the size cap"}
	}
	e, err := ParseEmbed(resp.Body, final)
	if err != nil {
		return monitor.Answer{Class: monitor.ClassTransient, Detail: "unrecognized embed page: " + strings.TrimPrefix(err.Error(), "telegram: ")}
	}
	switch {
	case e.Gone != "":
		return monitor.Answer{Class: monitor.ClassAccountGone, Detail: e.Gone}
	case e.Error != "":
		return classifyNotice(e.Error)
	case e.Empty():
		return monitor.Answer{Class: monitor.ClassDeleted, Detail: "empty message widget"}
	}
	// The widget may carry a notice as the message's text. The post's own
	// words win: a post that quotes a notice is no notice.
	if n := notice(e.Message.Text, messageNotices); n != "" && !strings.Contains(strings.ToLower(text), strings.ToLower(n)) {
		return classifyNotice(n)
	}
	return monitor.Answer{Class: monitor.ClassLive, Detail: strconv.Itoa(resp.StatusCode)}
}

// classifyNotice maps a notice Telegram shows in place of a message.
func classifyNotice(n string) monitor.Answer {
	lower := strings.ToLower(n)
	has := func(words []string) bool {
		for _, w := range words {
			if strings.Contains(lower, w) {
				return true
			}
		}
		return false
	}
	switch {
	case strings.Contains(lower, "local law"):
		return monitor.Answer{Class: monitor.ClassWithheld, Detail: n}
	case has(notFoundNotices):
		return monitor.Answer{Class: monitor.ClassDeleted, Detail: n}
	case has(restrictedNotices):
		return monitor.Answer{Class: monitor.ClassRestricted, Detail: n}
	case has(messageNotices), has(channelNotices), has(removalWords):
		return monitor.Answer{Class: monitor.ClassUnknown, Detail: n}
	}
	return monitor.Answer{Class: monitor.ClassTransient, Detail: "unrecognized embed error: " + n}
}
