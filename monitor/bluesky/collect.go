package bluesky

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/accounts"
	"github.com/takedownwatch/takedownwatch/monitor"
	"github.com/takedownwatch/takedownwatch/monitor/normalize"
)

// Collect reads the source's account and its recent posts:
//
//	getProfile(actor)   the DID and the metrics (followersCount → followers,
//	                    followsCount → following, postsCount → posts)
//	getRepoStatus(did)  whether the account is gone (see Client for where)
//	getAuthorFeed(did)  opt.Pages pages of the feed, by cursor
//
// The DID is kept as Listing.Cursor and is the actor of later
// collections, so an account that changes its handle is still followed;
// should the profile URL's handle then name another account, the source
// was edited and that account is followed instead.
//
// Items are the author's own posts, replies included. Reposts (feed items
// with a reason) are left out: they are someone else's content, and their
// removal is not the account's. So are posts whose labels hide them (see
// labels.go): a listing that showed them would call live what a check
// calls withheld.
//
// Errors: a *monitor.AccountGoneError when the AppView says the account is
// taken down or deactivated (400 AccountTakedown, AccountDeactivated) or
// its repository's status says takendown, suspended, deleted or
// deactivated; Detail is the repository's word when it has one, else
// "takendown" or "deactivated" (a repository the host has never heard of,
// with a profile the AppView cannot find, is "RepoNotFound"). Other non-2xx
// answers are a *monitor.StatusError, except 404 and 410, which from an
// XRPC host mean no such method rather than no such account; an answer
// that does not read is a *monitor.ParseError; fetch errors come wrapped.
// None of them is evidence that any post is gone.
func (c *Client) Collect(ctx context.Context, src *config.Source, f monitor.Fetcher, opt monitor.CollectOptions) (*monitor.Listing, error) {
	acc, err := sourceAccount(src)
	if err != nil {
		return nil, err
	}
	l := &monitor.Listing{}
	prof, err := c.profile(ctx, f, src, acc, opt.Cursor, l)
	if err != nil {
		return nil, err
	}
	did := prof.DID
	l.Cursor, l.Metrics = did, metrics(prof)

	ans, err := c.repoStatus(ctx, f, src, acc, did)
	if err != nil {
		return nil, fmt.Errorf("bluesky: source %s: %w", src.ID, err)
	}
	if ans.gone != "" {
		return nil, &monitor.AccountGoneError{Detail: ans.gone, CaptureID: ans.capture}
	}

	now := c.now()
	seen := map[string]bool{}
	cursor := ""
	for range max(1, opt.Pages) {
		q := url.Values{"actor": {did}, "limit": {strconv.Itoa(c.pageSize)}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		resp, err := c.get(ctx, f, src, acc.api, "app.bsky.feed.getAuthorFeed", q, monitor.KindListing)
		if err != nil {
			return nil, fmt.Errorf("bluesky: source %s: author feed: %w", src.ID, err)
		}
		l.Captures = append(l.Captures, resp.Evidence()...)
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			return nil, c.accountError(ctx, f, src, acc, did, resp)
		}
		feed, err := readAnswer(resp, parseAuthorFeed)
		if err != nil {
			return nil, err
		}
		for _, it := range feed.Items {
			if item, ok := acc.item(it, did, now); ok && !seen[item.PlatformID] {
				seen[item.PlatformID] = true
				l.Items = append(l.Items, item)
			}
		}
		if feed.Cursor == "" || feed.Cursor == cursor || len(feed.Items) == 0 {
			break
		}
		cursor = feed.Cursor
	}
	return l, nil
}

// profile reads the account's profile: by the DID kept from the last
// collection when there is one, else by the profile URL's actor.
func (c *Client) profile(ctx context.Context, f monitor.Fetcher, src *config.Source, acc account, kept string, l *monitor.Listing) (*profile, error) {
	actor, did := acc.actor, ""
	if accounts.IsDID(acc.actor) {
		did = acc.actor
	} else if accounts.IsDID(kept) {
		actor, did = kept, kept
	}
	prof, err := c.askProfile(ctx, f, src, acc, actor, did, l)
	if err != nil || accounts.IsDID(acc.actor) || actor == acc.actor || strings.EqualFold(prof.Handle, acc.actor) {
		return prof, err
	}
	// The kept DID's handle is no longer the URL's: the owner renamed the
	// account, or the source now names another one. Only the latter makes
	// the URL's handle resolve to another DID.
	tmp := &monitor.Listing{}
	other, err := c.askProfile(ctx, f, src, acc, acc.actor, "", tmp)
	if err == nil && other.DID != prof.DID {
		l.Captures = tmp.Captures
		return other, nil
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return prof, nil
}

func (c *Client) askProfile(ctx context.Context, f monitor.Fetcher, src *config.Source, acc account, actor, did string, l *monitor.Listing) (*profile, error) {
	resp, err := c.get(ctx, f, src, acc.api, "app.bsky.actor.getProfile", url.Values{"actor": {actor}}, monitor.KindAccount)
	if err != nil {
		return nil, fmt.Errorf("bluesky: source %s: profile: %w", src.ID, err)
	}
	l.Captures = append(l.Captures, resp.Evidence()...)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, c.accountError(ctx, f, src, acc, did, resp)
	}
	return readAnswer(resp, parseProfile)
}

// readAnswer parses a 2xx answer, or says why it cannot be read.
func readAnswer[T any](resp *monitor.FetchResponse, parse func([]byte) (T, error)) (T, error) {
	var zero T
	if resp.Truncated {
		// Cut JSON does not parse anyway; saying why helps.
		return zero, &monitor.ParseError{CaptureID: captureID(resp),
			Err: fmt.Errorf("bluesky: answer cut at the size cap after %d bytes: raise fetch.max_body", len(resp.Body))}
	}
	v, err := parse(resp.Body)
	if err != nil {
		return zero, &monitor.ParseError{CaptureID: captureID(resp), Err: err}
	}
	return v, nil
}

// accountError reads a non-2xx AppView answer about an account (did is ""
// while it is not known yet).
func (c *Client) accountError(ctx context.Context, f monitor.Fetcher, src *config.Source, acc account, did string, resp *monitor.FetchResponse) error {
	e, _ := parseXRPCError(resp.Body)
	word := ""
	switch e.Name {
	case "AccountTakedown":
		word = "takendown"
	case "AccountDeactivated":
		word = "deactivated"
	}
	notFound := (e.Name == "InvalidRequest" || e.Name == "NotFound") && strings.Contains(strings.ToLower(e.Message), "not found")
	if resp.StatusCode == http.StatusBadRequest && (word != "" || notFound) && did != "" {
		// The repository's host has the precise word (suspended,
		// deleted, …) and is what decides a profile the AppView lost.
		ans, err := c.repoStatus(ctx, f, src, acc, did)
		if err != nil {
			return fmt.Errorf("bluesky: source %s: %w", src.ID, err)
		}
		switch {
		case ans.gone != "":
			return &monitor.AccountGoneError{Detail: ans.gone, CaptureID: ans.capture}
		case ans.notFound:
			return &monitor.AccountGoneError{Detail: "RepoNotFound", CaptureID: ans.capture}
		}
	}
	if resp.StatusCode == http.StatusBadRequest && word != "" {
		return &monitor.AccountGoneError{Detail: word, CaptureID: captureID(resp)}
	}
	if resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone {
		return fmt.Errorf("bluesky: source %s: %w", src.ID, &xrpcStatusError{url: resp.URL, status: resp.StatusCode, xrpc: e})
	}
	se := &monitor.StatusError{URL: resp.URL, StatusCode: resp.StatusCode, CaptureID: captureID(resp)}
	if s := e.String(); s != "" {
		return fmt.Errorf("bluesky: source %s: %s: %w", src.ID, s, se)
	}
	return fmt.Errorf("bluesky: source %s: %w", src.ID, se)
}

// item maps a feed item of the account did to an Item; ok is false for
// what the listing leaves out (see Collect).
func (a account) item(it feedItem, did string, now time.Time) (monitor.Item, bool) {
	if r := bytes.TrimSpace(it.Reason); len(r) > 0 && !bytes.Equal(r, []byte("null")) {
		return monitor.Item{}, false
	}
	v := &it.Post
	u, ok := parsePostURI(v.URI)
	if !ok || u.DID != did || v.Author.DID != did || v.blocked() || v.notFound() {
		return monitor.Item{}, false
	}
	if class, _ := judgeLabels(v.Labels, did, now); class != monitor.ClassLive {
		return monitor.Item{}, false
	}
	return monitor.Item{
		PlatformID: v.URI,
		URL:        a.permalink(v.Author.Handle, did, u.Rkey),
		Published:  v.published(),
		Text:       normalize.Plain(v.Record.Text),
		Media:      v.media(),
	}, true
}

// metrics are the profile's counts, by their normalized names; a count the
// answer leaves out is left out.
func metrics(p *profile) []monitor.Metric {
	var out []monitor.Metric
	for _, m := range []struct {
		name string
		v    *float64
	}{
		{monitor.MetricFollowers, p.FollowersCount},
		{monitor.MetricFollowing, p.FollowsCount},
		{monitor.MetricPosts, p.PostsCount},
	} {
		if m.v != nil {
			out = append(out, monitor.Metric{Name: m.name, Value: *m.v})
		}
	}
	return out
}
