// Package facebook is the collector and checker of the facebook platform: a Page's posts and metrics read through the Graph API, posts checked through Graph or, without a token, on their logged-out web pages, and CrowdTangle exports read for import.
package facebook

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/monitor"
)

// Graph fields read, and the page size of the posts edge: Graph's maximum
// for Page posts, so one page covers as long a window as it can.
const (
	pageFields  = "id,name,username,fan_count,followers_count"
	postFields  = "id,message,created_time,updated_time,permalink_url,attachments,is_hidden,is_published"
	checkFields = "id,created_time,updated_time,permalink_url,is_hidden,is_published"
	pageSize    = 100
	// maxEmptyPages bounds how many pages in a row with empty data but a
	// next link a listing follows: Graph sends such pages, and they do not
	// count against CollectOptions.Pages.
	maxEmptyPages = 3
)

// ErrNoToken is a facebook source without a token: Graph reads nothing
// without one. Checks of its archived posts still work, logged out.
var ErrNoToken = errors.New("facebook: no token: set token_env, or follow the page through a feed bridge (see README)")

// Client collects facebook sources and checks their posts. It is the
// platform's Collector and Checker at once, because both lean on what it
// learns within a cycle: a Page's answer, and pauses.
//
//	GET {api_base}/{page}?fields=id,name,username,fan_count,followers_count   the Page: id, metrics (Kind account)
//	GET {api_base}/{page-id}/posts?fields=…&limit=100                        the listing, paged by paging.next (Kind listing)
//	GET {api_base}/{page-id}_{post-id}?fields=…                              one post (Kind permalink)
//
// The token goes in an Authorization header, never in a URL, so no
// capture's URL, error or log line can hold it (paging links Graph sends
// back carry access_token: it is taken out before they are followed).
// The Page id is handed back as Listing.Cursor.
//
// Pauses: a token error (190) or a rate limit (4, 17, 32, 613, 80001…, or
// a usage header at 100%) pauses the token or the Page: checks answer
// transient without asking until the source that ran into it is collected
// again (the next cycle), or pauseMax passes. Collections always ask.
//
// It is safe for concurrent use.
type Client struct {
	maxBody int64
	clock   func() time.Time
	st      state
}

var (
	_ monitor.Collector = (*Client)(nil)
	_ monitor.Checker   = (*Client)(nil)
)

// Option configures a Client.
type Option func(*Client)

// WithMaxBody caps the size of an answer; n <= 0 keeps the fetcher's cap
// (fetch.max_body).
func WithMaxBody(n int64) Option {
	return func(c *Client) {
		if n > 0 {
			c.maxBody = n
		}
	}
}

// WithClock sets the clock pauses and Pages' answers age by (default
// time.Now).
func WithClock(now func() time.Time) Option {
	return func(c *Client) {
		if now != nil {
			c.clock = now
		}
	}
}

// New returns a facebook Client.
func New(opts ...Option) *Client {
	c := &Client{clock: time.Now}
	for _, o := range opts {
		o(c)
	}
	return c
}

// header is what every Graph request sends. The fetcher and the archive
// redact Authorization.
func header(token string) http.Header {
	return http.Header{"Accept": {"application/json"}, "Authorization": {"Bearer " + token}}
}

// Collect reads the Page and up to opt.Pages pages of its posts.
// Unpublished, hidden and expired posts are left out: a listing shows a
// post as live, while its check says the owner hid it (monitor.ClassHidden),
// so listing it would flip it back and forth. Errors, none of which holds
// the token:
//   - ErrNoToken for a source without one;
//   - a *monitor.AccountGoneError when the Page itself answers 100/33 (or
//     803, an unknown user name);
//   - a *GraphError, wrapped, for every other Graph error: "token expired
//     or invalidated (code 190): …", "rate limited (code 4): …",
//     "permission denied (code 10): …";
//   - a *monitor.StatusError for another answer than 2xx without a Graph
//     error (404 and 410, which Graph never sends, are plain errors: they
//     say api_base is wrong, not that the Page is gone);
//   - a *monitor.ParseError for an answer that is not what Graph sends.
func (c *Client) Collect(ctx context.Context, src *config.Source, f monitor.Fetcher, opt monitor.CollectOptions) (*monitor.Listing, error) {
	t, err := resolve(src)
	if err != nil {
		return nil, err
	}
	token := src.Token.Value()
	if token == "" {
		return nil, ErrNoToken
	}
	c.st.newCycle(src.ID)
	r := &run{c: c, src: src, f: f, t: t, token: token, l: &monitor.Listing{}}
	if numeric(opt.Cursor) {
		r.pageID = opt.Cursor
	}
	p, err := r.page(ctx, opt.Cursor)
	if err != nil {
		return nil, err
	}
	if r.throttled != "" {
		return nil, fmt.Errorf("facebook: source %s: %s: paused for this cycle", src.ID, r.throttled)
	}
	return r.listing(ctx, p, max(opt.Pages, 1))
}

// run is one collection.
type run struct {
	c      *Client
	src    *config.Source
	f      monitor.Fetcher
	t      target
	token  string
	pageID string // once known
	l      *monitor.Listing
	// throttled says why this run must ask no more ("" while it may).
	throttled string
}

// page reads the Page: by the id kept from the last collection when there
// is one and it is still the Page the url names, else by the url's name.
func (r *run) page(ctx context.Context, cursor string) (*page, error) {
	if numeric(cursor) && cursor != r.t.page {
		p, err := r.readPage(ctx, cursor)
		var gone *monitor.AccountGoneError
		switch {
		case errors.As(err, &gone):
			// The name decides whether the Page is gone.
		case err != nil:
			return nil, err
		case r.names(p):
			return p, nil
		}
	}
	return r.readPage(ctx, r.t.page)
}

// names reports whether p is the Page the source's url names.
func (r *run) names(p *page) bool {
	if numeric(r.t.page) {
		return string(p.ID) == r.t.page
	}
	return p.Username == "" || strings.EqualFold(p.Username, r.t.page)
}

// readPage fetches the Page node and keeps its answer for the checks.
func (r *run) readPage(ctx context.Context, node string) (*page, error) {
	resp, err := r.fetch(ctx, r.t.base+"/"+url.PathEscape(node)+"?fields="+url.QueryEscape(pageFields), monitor.KindAccount)
	key := verdictKey(r.t, r.token, r.pageID)
	if err != nil {
		var ge *GraphError
		if errors.As(err, &ge) && ge.kind() == kindNotFound {
			if r.pageID != "" {
				r.c.st.setVerdict(key, verdict{state: pageGone, at: r.c.clock(), detail: ge.detail(), evidence: []int64{ge.CaptureID}})
			}
			return nil, fmt.Errorf("facebook: source %s: page %s: %w", r.src.ID, node,
				&monitor.AccountGoneError{Detail: ge.detail(), CaptureID: ge.CaptureID})
		}
		if r.pageID != "" {
			r.c.st.setVerdict(key, verdict{state: pageUnknown})
		}
		if errors.As(err, &ge) {
			return nil, fmt.Errorf("facebook: source %s: page %s: %w", r.src.ID, node, err)
		}
		return nil, err
	}
	p, err := parsePage(resp.Body)
	if err != nil {
		return nil, &monitor.ParseError{CaptureID: captureID(resp), Err: err}
	}
	r.pageID = string(p.ID)
	r.c.st.setVerdict(verdictKey(r.t, r.token, r.pageID), verdict{state: pageOK, at: r.c.clock(), evidence: resp.Evidence()})
	return p, nil
}

// listing reads up to pages pages of p's posts into the listing.
func (r *run) listing(ctx context.Context, p *page, pages int) (*monitor.Listing, error) {
	l := r.l
	l.Cursor, l.Metrics = string(p.ID), p.metrics()
	next := r.t.base + "/" + url.PathEscape(string(p.ID)) + "/posts?fields=" + url.QueryEscape(postFields) + "&limit=" + strconv.Itoa(pageSize)
	seen := map[string]bool{}
	read, empties := 0, 0
	for next != "" && read < pages && r.throttled == "" {
		resp, err := r.fetch(ctx, next, monitor.KindListing)
		if err != nil {
			var ge *GraphError
			if errors.As(err, &ge) {
				// The Page answered a moment ago: whatever its posts
				// answer says nothing about the Page.
				return nil, fmt.Errorf("facebook: source %s: posts of page %s: %w", r.src.ID, p.ID, err)
			}
			return nil, err
		}
		pg, err := parsePosts(resp.Body)
		if err != nil {
			return nil, &monitor.ParseError{CaptureID: captureID(resp), Err: err}
		}
		if len(pg.Data) == 0 {
			if empties++; empties > maxEmptyPages {
				break
			}
		} else {
			empties = 0
			read++
		}
		for i := range pg.Data {
			gp := &pg.Data[i]
			if gp.hidden() != "" || seen[string(gp.ID)] {
				continue
			}
			seen[string(gp.ID)] = true
			l.Items = append(l.Items, gp.item(r.t.web))
		}
		next = r.follow(pg.next())
	}
	return l, nil
}

// follow makes a paging link safe to fetch: on the API's own origin only
// (the request carries the token), without the token Graph wrote into it.
func (r *run) follow(next string) string {
	if next == "" {
		return ""
	}
	n, err := url.Parse(next)
	if err != nil {
		return ""
	}
	b, err := url.Parse(r.t.base)
	if err != nil || !strings.EqualFold(n.Scheme, b.Scheme) || !strings.EqualFold(n.Host, b.Host) {
		return ""
	}
	q := n.Query()
	q.Del("access_token")
	q.Del("appsecret_proof")
	n.RawQuery, n.Fragment = q.Encode(), ""
	return n.String()
}

// fetch GETs a Graph URL. The answer must be a whole 2xx without a Graph
// error; usage headers at 100% let it through but throttle the run.
func (r *run) fetch(ctx context.Context, u, kind string) (*monitor.FetchResponse, error) {
	resp, err := get(ctx, r.f, r.src, u, kind, header(r.token), r.c.maxBody)
	if err != nil {
		return nil, fmt.Errorf("facebook: source %s: %w", r.src.ID, err)
	}
	r.l.Captures = append(r.l.Captures, resp.Evidence()...)
	// The error says more than the usage headers beside it: it is noted
	// first, so a pause gives its reason.
	now := r.c.clock()
	ge := graphErrorOf(resp, r.token)
	if ge != nil {
		r.c.st.noteError(now, r.t, r.token, r.pageID, r.src.ID, ge, resp.Header)
	}
	if r.c.st.noteUsage(now, r.t, r.token, r.pageID, r.src.ID, resp.Header) {
		r.throttled = "rate limited: a usage header is at 100%"
	}
	if ge != nil {
		return nil, ge
	}
	if code := resp.StatusCode; code < 200 || code > 299 {
		if code == http.StatusNotFound || code == http.StatusGone {
			return nil, fmt.Errorf("facebook: source %s: %s answered %d %s without a Graph error (is api_base %s right?)",
				r.src.ID, resp.URL, code, http.StatusText(code), r.t.base)
		}
		return nil, &monitor.StatusError{URL: resp.URL, StatusCode: code, CaptureID: captureID(resp)}
	}
	if resp.Truncated {
		return nil, &monitor.ParseError{
			CaptureID: captureID(resp),
			Err:       fmt.Errorf("facebook: answer cut at the size cap after %d bytes: raise fetch.max_body", len(resp.Body)),
		}
	}
	return resp, nil
}

// get fetches u for src; the response is never nil without an error.
func get(ctx context.Context, f monitor.Fetcher, src *config.Source, u, kind string, h http.Header, maxBody int64) (*monitor.FetchResponse, error) {
	resp, err := f.Fetch(ctx, &monitor.FetchRequest{URL: u, Kind: kind, SourceID: src.ID, Vantage: src.Vantage, Header: h, MaxBody: maxBody})
	if err != nil {
		return nil, err
	}
	if resp == nil {
		return nil, errors.New("fetcher gave neither answer nor error")
	}
	if resp.URL == "" {
		resp.URL = u
	}
	return resp, nil
}

// graphErrorOf reads a Graph error from an answer, with the token
// scrubbed from its words, or nil.
func graphErrorOf(resp *monitor.FetchResponse, token string) *GraphError {
	ge, ok := parseGraphError(resp.Body)
	if !ok {
		return nil
	}
	ge.Status, ge.CaptureID = resp.StatusCode, captureID(resp)
	ge.Message = scrub(ge.Message, token)
	return ge
}

// scrub takes the token out of s, should Facebook ever echo it.
func scrub(s, token string) string {
	if token == "" {
		return s
	}
	return strings.ReplaceAll(s, token, "REDACTED")
}

func captureID(resp *monitor.FetchResponse) int64 {
	if resp.Capture == nil {
		return 0
	}
	return resp.Capture.ID
}
