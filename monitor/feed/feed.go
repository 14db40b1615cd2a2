// Package feed is the collector of the feed platform: RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and JSON Feed listings read with gofeed.
package feed

import (
	"context"
	"fmt"
	"net/http"

	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/monitor"
)

// accept asks for a feed in any of the formats parsed here, XML ones first
// as they are what most sites serve, and takes whatever comes otherwise: a
// feed served as text/plain is still a feed.
const accept = "application/rss+xml, application/atom+xml, application/feed+json, " +
	"application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, " +
	"application/json;q=0.8, */*;q=0.5"

// Collector reads the listing of a feed source. It holds no state between
// calls and is safe for concurrent use.
type Collector struct {
	maxBody int64
}

var _ monitor.Collector = (*Collector)(nil)

// Option configures a Collector.
type Option func(*Collector)

// WithMaxBody caps the size of a feed body, for sources whose feeds are
// larger (or should be smaller) than fetch.max_body. n <= 0 keeps the
// fetcher's cap.
func WithMaxBody(n int64) Option {
	return func(c *Collector) {
		if n > 0 {
			c.maxBody = n
		}
	}
}

// New returns a feed Collector.
func New(opts ...Option) *Collector {
	c := &Collector{}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Collect fetches src.URL (conditionally, so an unchanged feed costs a 304)
// and parses it into items, in feed order. Errors: a wrapped fetch error, a
// *monitor.StatusError for a non-2xx answer, a *monitor.ParseError for a
// body that is not a readable feed (or was cut at the size cap). None of
// them is evidence that any post is gone.
// A feed has one page: opt.Pages and opt.Cursor do not apply.
func (c *Collector) Collect(ctx context.Context, src *config.Source, f monitor.Fetcher, _ monitor.CollectOptions) (*monitor.Listing, error) {
	resp, err := f.Fetch(ctx, &monitor.FetchRequest{
		URL:         src.URL,
		Kind:        monitor.KindListing,
		SourceID:    src.ID,
		Vantage:     src.Vantage,
		Header:      http.Header{"Accept": {accept}},
		Conditional: true,
		MaxBody:     c.maxBody,
	})
	if err != nil {
		return nil, fmt.Errorf("feed: source %s: %w", src.ID, err)
	}
	if resp == nil {
		return nil, fmt.Errorf("feed: source %s: fetcher gave neither answer nor error", src.ID)
	}
	captures := resp.Evidence()
	if resp.NotModified || resp.StatusCode == http.StatusNotModified {
		return &monitor.Listing{NotModified: true, Captures: captures}, nil
	}
	final := resp.URL
	if final == "" {
		final = src.URL
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, &monitor.StatusError{URL: final, StatusCode: resp.StatusCode, CaptureID: captureID(resp)}
	}
	if resp.Truncated {
		// A cut feed may still parse, with its last item's text cut
		// short: that would read as an edit which never happened.
		return nil, &monitor.ParseError{
			CaptureID: captureID(resp),
			Err:       fmt.Errorf("feed: body cut at the size cap after %d bytes: raise fetch.max_body", len(resp.Body)),
		}
	}
	items, err := Parse(resp.Body, resp.Header.Get("Content-Type"), final)
	if err != nil {
		return nil, &monitor.ParseError{CaptureID: captureID(resp), Err: err}
	}
	return &monitor.Listing{Items: items, Captures: captures}, nil
}

func captureID(resp *monitor.FetchResponse) int64 {
	if resp.Capture == nil {
		return 0
	}
	return resp.Capture.ID
}
