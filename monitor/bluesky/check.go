package bluesky

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/monitor"
)

// Check asks the AppView's getPosts for the post (its at:// URI is its
// PlatformID) and reads the answer:
//
//	the post's view                      → live (detail "200")
//	its view labelled as withheld, taken down or login-only → see labels.go
//	#notFoundPost in its place           → deleted ("notFoundPost")
//	#blockedPost in its place            → restricted ("blockedPost")
//	absent from the answer               → the repository's status decides:
//	  takendown, suspended, deleted, deactivated → account_gone (that word)
//	  anything else                      → deleted ("absent from getPosts")
//	401, 403                             → restricted ("401 AuthenticationRequired")
//	400 AccountTakedown/AccountDeactivated → account_gone
//	429, 5xx, an unreadable answer, a network failure → transient
//	404, 410, 3xx (no getPosts at api_base) → transient
//	other 4xx                            → unknown
//
// Bluesky deletes one way (the record is gone and getPosts leaves it
// out), so every deletion reads the same; a post taken down by Bluesky is
// left out too and reads as deleted. text is not needed: a post view is
// the post's own content.
func (c *Client) Check(ctx context.Context, src *config.Source, post *store.Post, _ string, f monitor.Fetcher) (monitor.Answer, error) {
	acc, err := sourceAccount(src)
	if err != nil {
		return monitor.Answer{}, err
	}
	uri, ok := parsePostURI(post.NativeID())
	if !ok {
		return monitor.Answer{}, fmt.Errorf("bluesky: post %s: platform id %q is not an at:// post URI", post.ID, post.PlatformID)
	}
	resp, err := c.get(ctx, f, src, acc.api, "app.bsky.feed.getPosts", url.Values{"uris": {post.NativeID()}}, monitor.KindPermalink)
	if err != nil {
		return monitor.FailedFetchAnswer(ctx, err)
	}
	a, absent := classify(resp, uri, c.now())
	a.Evidence = resp.Evidence()
	if !absent {
		return a, nil
	}
	ans, err := c.repoStatus(ctx, f, src, acc, uri.DID)
	if err != nil {
		return monitor.Answer{}, err
	}
	a.Evidence = append(a.Evidence, ans.evidence...)
	if ans.gone != "" {
		a.Class, a.Detail = monitor.ClassAccountGone, ans.gone
	}
	return a, nil
}

// classify reads a getPosts answer about uri. absent reports a 2xx answer
// without the post, whose reason the repository's status decides; the
// Answer is then the deletion it is unless the account is gone.
func classify(resp *monitor.FetchResponse, uri atURI, now time.Time) (a monitor.Answer, absent bool) {
	code := resp.StatusCode
	e, _ := parseXRPCError(resp.Body)
	withName := func() string {
		if e.Name != "" {
			return strconv.Itoa(code) + " " + e.Name
		}
		return strconv.Itoa(code)
	}
	switch {
	case code >= 200 && code < 300:
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return monitor.Answer{Class: monitor.ClassRestricted, Detail: withName()}, false
	case code == http.StatusTooManyRequests || code >= 500 || code < 200 || code >= 300 && code < 400:
		return monitor.Answer{Class: monitor.ClassTransient, Detail: withName()}, false
	case code == http.StatusNotFound || code == http.StatusGone:
		return monitor.Answer{Class: monitor.ClassTransient, Detail: withName() + ": no getPosts at api_base"}, false
	case code == http.StatusBadRequest && e.Name == "AccountTakedown":
		return monitor.Answer{Class: monitor.ClassAccountGone, Detail: "takendown"}, false
	case code == http.StatusBadRequest && e.Name == "AccountDeactivated":
		return monitor.Answer{Class: monitor.ClassAccountGone, Detail: "deactivated"}, false
	default:
		return monitor.Answer{Class: monitor.ClassUnknown, Detail: withName()}, false
	}
	if resp.Truncated {
		return monitor.Answer{Class: monitor.ClassTransient, Detail: "answer cut at the size cap"}, false
	}
	views, err := parsePosts(resp.Body)
	if err != nil {
		return monitor.Answer{Class: monitor.ClassTransient, Detail: "unreadable answer: " + err.Error()}, false
	}
	for i := range views {
		v := &views[i]
		if got, ok := parsePostURI(v.URI); !ok || got != uri {
			continue
		}
		switch {
		case v.notFound():
			return monitor.Answer{Class: monitor.ClassDeleted, Detail: "notFoundPost"}, false
		case v.blocked():
			return monitor.Answer{Class: monitor.ClassRestricted, Detail: "blockedPost"}, false
		}
		if class, detail := judgeLabels(v.Labels, uri.DID, now); class != monitor.ClassLive {
			return monitor.Answer{Class: class, Detail: detail}, false
		}
		return monitor.Answer{Class: monitor.ClassLive, Detail: strconv.Itoa(code)}, false
	}
	return monitor.Answer{Class: monitor.ClassDeleted, Detail: "absent from getPosts"}, true
}
