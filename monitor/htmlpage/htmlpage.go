// Package htmlpage is the collector of the html platform: any web page listing posts (a ministry's press releases, a party's news), read with the CSS selectors of its source.
package htmlpage

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/monitor"
)

// accept asks for HTML, and takes what comes: a CMS serving its pages as
// application/xhtml+xml or text/plain still serves pages.
const accept = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"

// Collector reads the listing of an html source. Its posts are plain web
// pages, checked with monitor.PermalinkChecker. It holds no state between
// calls and is safe for concurrent use.
type Collector struct {
	maxBody int64
	log     *logrus.Entry
	now     func() time.Time
}

var _ monitor.Collector = (*Collector)(nil)

// Option configures a Collector.
type Option func(*Collector)

// WithMaxBody caps the size of a page, for sources whose pages are larger
// (or should be smaller) than fetch.max_body. n <= 0 keeps the fetcher's cap.
func WithMaxBody(n int64) Option {
	return func(c *Collector) {
		if n > 0 {
			c.maxBody = n
		}
	}
}

// WithLogger sets the logger; the default discards everything. Skipped
// items are logged at debug level, unread deeper pages at warning level.
func WithLogger(log *logrus.Entry) Option { return func(c *Collector) { c.log = log } }

// WithClock sets the clock that gives dates printed without a year their
// year (default time.Now).
func WithClock(now func() time.Time) Option { return func(c *Collector) { c.now = now } }

// New returns an html Collector.
func New(opts ...Option) *Collector {
	c := &Collector{now: time.Now}
	for _, o := range opts {
		o(c)
	}
	if c.log == nil {
		l := logrus.New()
		l.Out = io.Discard
		c.log = logrus.NewEntry(l)
	}
	c.log = c.log.WithField("component", "htmlpage")
	return c
}

// Collect fetches src.URL (conditionally, so an unchanged page costs a
// 304) and reads its items with src.Selectors, then follows rel="next"
// for opt.Pages pages in all (at least one), on the page's own host, each
// page once. Errors concern the first page: a wrapped fetch error, a
// *monitor.StatusError for a non-2xx answer, a *monitor.ParseError for a
// page the selectors cannot read (see Parse) or that was cut at the size
// cap. A deeper page that fails ends the listing where it is: the pages
// read are still a true, if shorter, listing. None of these is evidence
// that any post is gone. opt.Cursor does not apply.
func (c *Collector) Collect(ctx context.Context, src *config.Source, f monitor.Fetcher, opt monitor.CollectOptions) (*monitor.Listing, error) {
	if src.Selectors == nil {
		return nil, fmt.Errorf("htmlpage: source %s: no selectors", src.ID)
	}
	sel, err := compile(*src.Selectors)
	if err != nil {
		return nil, fmt.Errorf("htmlpage: source %s: %w", src.ID, err)
	}
	pages := max(opt.Pages, 1)
	listing := &monitor.Listing{}
	seenItem := make(map[string]bool)
	seenPage := map[string]bool{canonical(src.URL): true}
	log := c.log.WithField("source", src.ID)
	for n, next := 1, src.URL; n <= pages && next != ""; n++ {
		page, resp, err := c.page(ctx, src, f, sel, next, n == 1)
		if resp != nil {
			listing.Captures = append(listing.Captures, resp.Evidence()...)
			if resp.URL != "" {
				seenPage[canonical(resp.URL)] = true // where a redirect led
			}
		}
		if n == 1 {
			if err != nil {
				return nil, err
			}
			if page == nil { // 304
				return &monitor.Listing{NotModified: true, Captures: listing.Captures}, nil
			}
		} else if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("htmlpage: source %s: %w", src.ID, ctx.Err())
			}
			log.WithError(err).WithField("page", n).Warn("deeper listing page unread: listing cut short")
			break
		}
		if page.Unlinked > 0 || page.Undated > 0 {
			log.WithFields(logrus.Fields{"page": n, "unlinked": page.Unlinked, "undated": page.Undated}).
				Debug("items skipped for want of a link, or kept without a date")
		}
		for _, it := range page.Items {
			if !seenItem[it.PlatformID] {
				seenItem[it.PlatformID] = true
				listing.Items = append(listing.Items, it)
			}
		}
		next = page.Next
		if next != "" && seenPage[canonical(next)] {
			break // a pager going round in circles
		}
		seenPage[canonical(next)] = true
	}
	return listing, nil
}

// page fetches and parses one listing page. A 304 (only the first page is
// fetched conditionally) gives neither page nor error.
func (c *Collector) page(ctx context.Context, src *config.Source, f monitor.Fetcher, sel *selectors, u string, first bool) (*Page, *monitor.FetchResponse, error) {
	resp, err := f.Fetch(ctx, &monitor.FetchRequest{
		URL:      u,
		Kind:     monitor.KindListing,
		SourceID: src.ID,
		Vantage:  src.Vantage,
		Header:   http.Header{"Accept": {accept}},
		// A deeper page is fetched whole: a 304 for it would leave its
		// items out of a listing whose first page changed.
		Conditional: first,
		MaxBody:     c.maxBody,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("htmlpage: source %s: %w", src.ID, err)
	}
	if resp == nil {
		return nil, nil, fmt.Errorf("htmlpage: source %s: fetcher gave neither answer nor error", src.ID)
	}
	if resp.NotModified || resp.StatusCode == http.StatusNotModified {
		if first {
			return nil, resp, nil
		}
		return nil, resp, fmt.Errorf("htmlpage: source %s: %s answered 304 to an unconditional request", src.ID, redact(u))
	}
	final := resp.URL
	if final == "" {
		final = u
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, resp, &monitor.StatusError{URL: final, StatusCode: resp.StatusCode, CaptureID: captureID(resp)}
	}
	if resp.Truncated {
		// The items of a cut page may parse with their text cut short:
		// that would read as edits which never happened.
		return nil, resp, &monitor.ParseError{
			CaptureID: captureID(resp),
			Err:       fmt.Errorf("htmlpage: page cut at the size cap after %d bytes: raise fetch.max_body", len(resp.Body)),
		}
	}
	page, err := sel.parse(resp.Body, resp.Header.Get("Content-Type"), final, c.now())
	if err != nil {
		return nil, resp, &monitor.ParseError{CaptureID: captureID(resp), Err: err}
	}
	return page, resp, nil
}

func captureID(resp *monitor.FetchResponse) int64 {
	if resp.Capture == nil {
		return 0
	}
	return resp.Capture.ID
}

// redact keeps a URL's query out of messages, where tokens may hide.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	u.RawQuery, u.User, u.Fragment = "", nil, ""
	return strings.TrimSuffix(u.String(), "?")
}
