// Package mastodon is the collector and checker of the mastodon platform: an account's public statuses read through an instance's REST API.
package mastodon

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/accounts"
	"github.com/takedownwatch/takedownwatch/monitor"
)

// pageSize is how many statuses a listing page asks for: Mastodon's
// maximum, so one page covers as long a window as the instance allows.
const pageSize = 40

// Collector reads the listing of a mastodon source:
//
//	GET {api}/api/v1/accounts/lookup?acct=user     the account: id, counts, suspension
//	GET {api}/api/v1/accounts/{id}/statuses        newest first, Link rel="next" for older
//
// The account id is handed back as Listing.Cursor; given it back
// (CollectOptions.Cursor), a collection goes straight to the statuses and
// reads the account from the statuses' embedded account (or, when there
// are none, from GET /api/v1/accounts/{id}). It holds no state between
// calls and is safe for concurrent use.
type Collector struct {
	maxBody int64
}

var _ monitor.Collector = (*Collector)(nil)

// Option configures a Collector.
type Option func(*Collector)

// WithMaxBody caps the size of an API answer; n <= 0 keeps the fetcher's
// cap (fetch.max_body).
func WithMaxBody(n int64) Option {
	return func(c *Collector) {
		if n > 0 {
			c.maxBody = n
		}
	}
}

// New returns a mastodon Collector.
func New(opts ...Option) *Collector {
	c := &Collector{}
	for _, o := range opts {
		o(c)
	}
	return c
}

// target is what a source's keys say: the instance's API base and the
// account's acct (user, or user@domain for an account of another instance
// seen through this one).
type target struct {
	base string // scheme://host, no trailing slash
	acct string
}

func (t target) username() string {
	u, _, _ := strings.Cut(t.acct, "@")
	return u
}

// resolve reads a source's keys: url is the profile URL a person copies
// from a browser (https://instance/@user, also /@user@domain, /web/@user
// and /users/user); the API base is its scheme and host unless api_base
// says otherwise (with or without a trailing /api/v1).
func resolve(src *config.Source) (target, error) {
	bad := func(why string) (target, error) {
		return target{}, fmt.Errorf("mastodon: source %s: url %q: %s (want https://instance/@user)", src.ID, src.URL, why)
	}
	u, err := url.Parse(src.URL)
	if err != nil {
		return bad("not a URL")
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return bad("not an absolute http(s) URL")
	}
	acct, err := accounts.Mastodon(u)
	if err != nil {
		return target{}, fmt.Errorf("mastodon: source %s: url %q: %v", src.ID, src.URL, err)
	}
	t := target{base: u.Scheme + "://" + u.Host, acct: acct}
	if src.APIBase != "" {
		b, err := url.Parse(src.APIBase)
		if err != nil || (b.Scheme != "http" && b.Scheme != "https") || b.Host == "" {
			return target{}, fmt.Errorf("mastodon: source %s: api_base %q is not an absolute http(s) URL", src.ID, src.APIBase)
		}
		b.RawQuery, b.Fragment = "", ""
		p := strings.TrimSuffix(strings.TrimSuffix(b.Path, "/"), "/api/v1")
		b.Path, b.RawPath = strings.TrimSuffix(p, "/"), ""
		t.base = b.String()
	}
	return t, nil
}

// header is what every API request sends: JSON wanted, and the source's
// token where it has one (instances that close their API to anonymous
// readers). The fetcher and archive redact Authorization.
func header(src *config.Source) http.Header {
	h := http.Header{"Accept": {"application/json"}}
	if tok := src.Token.Value(); tok != "" {
		h.Set("Authorization", "Bearer "+tok)
	}
	return h
}

// Collect reads the account and up to opt.Pages pages of its statuses.
// Boosts (reblogs) and statuses that are not public are left out. Errors:
// a wrapped fetch error; a *monitor.StatusError when the account lookup,
// the account or the first page of statuses answers other than 2xx (404
// and 410 are the account gone); a *monitor.AccountGoneError for an
// account the instance says is suspended; a *monitor.ParseError for an
// answer that is not what Mastodon sends (or was cut at the size cap).
// Later pages that fail fail the collection without saying anything
// about the account.
func (c *Collector) Collect(ctx context.Context, src *config.Source, f monitor.Fetcher, opt monitor.CollectOptions) (*monitor.Listing, error) {
	t, err := resolve(src)
	if err != nil {
		return nil, err
	}
	r := &run{c: c, src: src, f: f, t: t, l: &monitor.Listing{}, pages: max(opt.Pages, 1)}
	if cursor := opt.Cursor; cursor != "" && !strings.ContainsAny(cursor, "/?#") {
		l, err := r.fromCursor(ctx, cursor)
		if !errors.Is(err, errStale) {
			return l, err
		}
	}
	acc, err := r.account(ctx, t.base+"/api/v1/accounts/lookup?acct="+url.QueryEscape(t.acct))
	if err != nil {
		return nil, err
	}
	return r.listing(ctx, acc, nil)
}

// errStale is a cursor that no longer names the source's account: it is
// gone from the instance (the name may live on, with a new id) or belongs
// to the account the source named before its url changed.
var errStale = errors.New("mastodon: kept account id is stale")

// run is one collection.
type run struct {
	c     *Collector
	src   *config.Source
	f     monitor.Fetcher
	t     target
	l     *monitor.Listing
	pages int
}

// fromCursor collects with the account id kept from the last collection.
func (r *run) fromCursor(ctx context.Context, accountID string) (*monitor.Listing, error) {
	first, err := r.page(ctx, r.statusesURL(accountID), 0)
	if isGone(err) {
		return nil, errStale // the lookup decides whether the account is gone
	}
	if err != nil {
		return nil, err
	}
	owner := first.owner(accountID)
	if owner == nil {
		// No statuses: a suspended account lists none, so ask.
		owner, err = r.account(ctx, r.t.base+"/api/v1/accounts/"+url.PathEscape(accountID))
		if isGone(err) {
			return nil, errStale
		}
		var gone *monitor.AccountGoneError
		if err != nil && !errors.As(err, &gone) {
			return nil, err
		}
	}
	if owner.Username != "" && !strings.EqualFold(owner.Username, r.t.username()) {
		return nil, errStale
	}
	if owner.Suspended {
		return nil, r.gone(owner)
	}
	return r.listing(ctx, owner, first)
}

// isGone reports whether err is a 404 or 410 answer.
func isGone(err error) bool {
	var se *monitor.StatusError
	return errors.As(err, &se) && (se.StatusCode == http.StatusNotFound || se.StatusCode == http.StatusGone)
}

// account fetches an Account entity. A suspended account is returned
// with a *monitor.AccountGoneError.
func (r *run) account(ctx context.Context, u string) (*account, error) {
	resp, err := r.fetch(ctx, u, monitor.KindAccount)
	if err != nil {
		return nil, err
	}
	acc, err := parseAccount(resp.Body)
	if err != nil {
		return nil, &monitor.ParseError{CaptureID: captureID(resp), Err: err}
	}
	acc.capture = captureID(resp)
	if acc.Suspended {
		return acc, r.gone(acc)
	}
	return acc, nil
}

func (r *run) gone(acc *account) error {
	return &monitor.AccountGoneError{Detail: "suspended", CaptureID: acc.capture}
}

func (r *run) statusesURL(accountID string) string {
	return r.t.base + "/api/v1/accounts/" + url.PathEscape(accountID) + "/statuses?limit=" + strconv.Itoa(pageSize) + "&exclude_reblogs=true"
}

// page is one page of an account's statuses.
type page struct {
	statuses []status
	next     string
}

// owner is the account accountID as the page's statuses embed it, or nil.
func (pg *page) owner(accountID string) *account {
	for _, s := range pg.statuses {
		if s.Account != nil && string(s.Account.ID) == accountID {
			return s.Account
		}
	}
	return nil
}

// page fetches and reads the page at u, the n-th of the listing (from 0).
func (r *run) page(ctx context.Context, u string, n int) (*page, error) {
	resp, err := r.fetch(ctx, u, monitor.KindListing)
	var se *monitor.StatusError
	if n > 0 && errors.As(err, &se) {
		// An older page missing says nothing about the account.
		return nil, fmt.Errorf("mastodon: source %s: page %d of the statuses answered %d %s",
			r.src.ID, n+1, se.StatusCode, http.StatusText(se.StatusCode))
	}
	if err != nil {
		return nil, err
	}
	list, err := parseStatuses(resp.Body)
	if err != nil {
		return nil, &monitor.ParseError{CaptureID: captureID(resp), Err: err}
	}
	return &page{statuses: list, next: r.sameOrigin(resp.URL, nextLink(resp.Header))}, nil
}

// sameOrigin resolves next against the page's URL and keeps it only on
// the API's own origin: the request carries the source's token.
func (r *run) sameOrigin(pageURL, next string) string {
	if next == "" {
		return ""
	}
	p, err := url.Parse(pageURL)
	if err != nil {
		return ""
	}
	n, err := p.Parse(next)
	if err != nil {
		return ""
	}
	b, err := url.Parse(r.t.base)
	if err != nil || !strings.EqualFold(n.Scheme, b.Scheme) || !strings.EqualFold(n.Host, b.Host) {
		return ""
	}
	return n.String()
}

// fetch GETs an API URL; the answer must be a whole 2xx.
func (r *run) fetch(ctx context.Context, u, kind string) (*monitor.FetchResponse, error) {
	resp, err := r.f.Fetch(ctx, &monitor.FetchRequest{
		URL: u, Kind: kind, SourceID: r.src.ID, Vantage: r.src.Vantage,
		Header: header(r.src), MaxBody: r.c.maxBody,
	})
	if err != nil {
		return nil, fmt.Errorf("mastodon: source %s: %w", r.src.ID, err)
	}
	if resp == nil {
		return nil, fmt.Errorf("mastodon: source %s: fetcher gave neither answer nor error", r.src.ID)
	}
	r.l.Captures = append(r.l.Captures, resp.Evidence()...)
	final := resp.URL
	if final == "" {
		final = u
		resp.URL = u
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, &monitor.StatusError{URL: final, StatusCode: resp.StatusCode, CaptureID: captureID(resp)}
	}
	if resp.Truncated {
		return nil, &monitor.ParseError{
			CaptureID: captureID(resp),
			Err:       fmt.Errorf("mastodon: answer cut at the size cap after %d bytes: raise fetch.max_body", len(resp.Body)),
		}
	}
	return resp, nil
}

// listing reads the statuses of acc, first being its first page if it
// was read already, and fills the listing.
func (r *run) listing(ctx context.Context, acc *account, first *page) (*monitor.Listing, error) {
	l := r.l
	l.Cursor, l.Metrics = string(acc.ID), acc.metrics()
	acct := acc.Acct
	if acct == "" {
		acct = r.t.acct
	}
	seen := map[string]bool{}
	next := r.statusesURL(string(acc.ID))
	for n := 0; n < r.pages && next != ""; n++ {
		pg := first
		if n > 0 || pg == nil {
			var err error
			if pg, err = r.page(ctx, next, n); err != nil {
				return nil, err
			}
		}
		if n == 0 {
			if owner := pg.owner(string(acc.ID)); owner != nil {
				// The same counts, from the answer the items come from:
				// the listing's last capture is the metrics' evidence.
				l.Metrics = owner.metrics()
			}
		}
		for i := range pg.statuses {
			s := &pg.statuses[i]
			if s.isReblog() || !s.public() || seen[string(s.ID)] {
				continue
			}
			seen[string(s.ID)] = true
			l.Items = append(l.Items, s.item(r.t.base+"/@"+url.PathEscape(acct)+"/"+url.PathEscape(string(s.ID))))
		}
		if len(pg.statuses) == 0 {
			break
		}
		next = pg.next
	}
	return l, nil
}

func captureID(resp *monitor.FetchResponse) int64 {
	if resp.Capture == nil {
		return 0
	}
	return resp.Capture.ID
}
