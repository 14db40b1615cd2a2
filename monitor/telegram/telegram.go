// Package telegram is the collector and checker of the telegram platform: public channels read through their web preview (t.me/s/<channel>) and single messages through their embed pages.
package telegram

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/accounts"
	"github.com/takedownwatch/takedownwatch/monitor"
)

// Collector reads the listing of a telegram source from its channel
// preview. It holds no state between calls and is safe for concurrent use.
type Collector struct{}

var _ monitor.Collector = (*Collector)(nil)

// New returns a telegram Collector.
func New() *Collector { return &Collector{} }

// Collect fetches the channel preview <base>/s/<channel> (base: the scheme
// and host of src.URL) and, for opt.Pages > 1, as many pages of older
// messages through its ?before= link. Items come newest first; service
// messages (channel created, renamed, pinned …) are no posts and are left
// out. The listing carries the subscribers counter as the subscribers
// metric.
//
// Errors, all about the first page: a wrapped fetch error; a
// *monitor.StatusError for a non-2xx answer; a *monitor.AccountGoneError
// when the page (t.me/<channel>, where Telegram redirects the preview of a
// channel that no longer exists) clearly says the channel is gone; a
// *monitor.ParseError for anything else that is no preview. A later page
// that fails ends the backfill with the pages read so far: a shorter
// listing is never evidence.
func (c *Collector) Collect(ctx context.Context, src *config.Source, f monitor.Fetcher, opt monitor.CollectOptions) (*monitor.Listing, error) {
	base, channel, err := channelOf(src.URL)
	if err != nil {
		return nil, fmt.Errorf("telegram: source %s: %w", src.ID, err)
	}
	first := base + "/s/" + url.PathEscape(channel)
	resp, err := fetchPage(ctx, f, src, first, true)
	if err != nil {
		return nil, fmt.Errorf("telegram: source %s: %w", src.ID, err)
	}
	l := &monitor.Listing{Captures: resp.Evidence()}
	if resp.NotModified || resp.StatusCode == http.StatusNotModified {
		l.NotModified = true
		return l, nil
	}
	page, err := readPage(resp, first)
	if err != nil {
		return nil, err
	}
	if page.Gone != "" {
		return nil, &monitor.AccountGoneError{Detail: page.Gone, CaptureID: captureID(resp)}
	}
	if n, ok := page.Channel.Counters["subscribers"]; ok {
		l.Metrics = append(l.Metrics, monitor.Metric{Name: monitor.MetricSubscribers, Value: float64(n)})
	}
	seen := make(map[string]bool)
	visited := map[string]bool{first: true}
	for pages := 1; ; pages++ {
		l.Items = appendItems(l.Items, page, base, seen)
		next := nextPage(page, first, base)
		if pages >= opt.Pages || next == "" || visited[next] {
			break
		}
		visited[next] = true
		resp, err := fetchPage(ctx, f, src, next, false)
		if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("telegram: source %s: %w", src.ID, ctx.Err())
			}
			break
		}
		l.Captures = append(l.Captures, resp.Evidence()...)
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			break
		}
		if page, err = readPage(resp, next); err != nil || page.Gone != "" {
			break
		}
	}
	return l, nil
}

func fetchPage(ctx context.Context, f monitor.Fetcher, src *config.Source, u string, conditional bool) (*monitor.FetchResponse, error) {
	resp, err := f.Fetch(ctx, &monitor.FetchRequest{
		URL: u, Kind: monitor.KindListing, SourceID: src.ID, Vantage: src.Vantage,
		Header:      http.Header{"Accept": {"text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"}},
		Conditional: conditional,
	})
	if err != nil {
		return nil, err
	}
	if resp == nil {
		return nil, errors.New("fetcher gave neither answer nor error")
	}
	return resp, nil
}

// readPage turns a fetched answer into a page, or the error the collector
// reports for it.
func readPage(resp *monitor.FetchResponse, requested string) (*Page, error) {
	final := resp.URL
	if final == "" {
		final = requested
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, &monitor.StatusError{URL: final, StatusCode: resp.StatusCode, CaptureID: captureID(resp)}
	}
	if resp.Truncated {
		// A cut page may still parse, with its last message cut short:
		// that would read as an edit which never happened.
		return nil, &monitor.ParseError{CaptureID: captureID(resp),
			Err: fmt.Errorf("telegram: page cut at the size cap after %d bytes: raise fetch.max_body", len(resp.Body))}
	}
	page, err := ParsePage(resp.Body, final)
	if err != nil {
		return nil, &monitor.ParseError{CaptureID: captureID(resp), Err: err}
	}
	return page, nil
}

// appendItems adds the page's posts, newest first, each once.
func appendItems(items []monitor.Item, p *Page, base string, seen map[string]bool) []monitor.Item {
	for i := len(p.Messages) - 1; i >= 0; i-- {
		m := &p.Messages[i]
		if m.Service || seen[m.PlatformID()] {
			continue
		}
		seen[m.PlatformID()] = true
		items = append(items, monitor.Item{
			PlatformID: m.PlatformID(),
			URL:        base + "/" + url.PathEscape(m.Channel) + "/" + url.PathEscape(m.ID),
			Published:  m.Published,
			Text:       m.Text,
			Media:      m.Media,
		})
	}
	return items
}

// nextPage is the URL of the page of older messages: the page's own link,
// if it stays on the channel's preview, else ?before= the oldest message
// when its id is a number past the first (Telegram sometimes leaves the
// link out of pages that have older ones).
func nextPage(p *Page, first, base string) string {
	if p.Before != "" {
		u, err1 := url.Parse(p.Before)
		fu, err2 := url.Parse(first)
		if err1 == nil && err2 == nil && strings.EqualFold(u.Scheme+"://"+u.Host, base) &&
			strings.EqualFold(u.EscapedPath(), fu.EscapedPath()) {
			return p.Before
		}
	}
	if len(p.Messages) > 0 {
		if id := p.Messages[0].ID; isNumber(id) && strings.TrimLeft(id, "0") != "" && strings.TrimLeft(id, "0") != "1" {
			return first + "?before=" + id
		}
	}
	return ""
}

func isNumber(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// channelOf splits a telegram source URL into its base (scheme and host)
// and channel name: https://t.me/s/<channel> as the config documents it,
// or https://t.me/<channel> or @-prefixed forms as people copy them.
func channelOf(raw string) (base, channel string, err error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", "", fmt.Errorf("url %q: %w", raw, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", "", fmt.Errorf("url %q is not an absolute http(s) URL", raw)
	}
	if channel, err = accounts.Telegram(u); err != nil {
		return "", "", fmt.Errorf("url %q: %w", raw, err)
	}
	return u.Scheme + "://" + u.Host, channel, nil
}

func captureID(resp *monitor.FetchResponse) int64 {
	if resp.Capture == nil {
		return 0
	}
	return resp.Capture.ID
}
