package reports

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/monitor"
	"github.com/takedownwatch/takedownwatch/monitor/canon"
	feedcol "github.com/takedownwatch/takedownwatch/monitor/feed"
	"github.com/takedownwatch/takedownwatch/monitor/normalize"
)

// feedAccept asks for a feed in any format gofeed reads.
const feedAccept = "application/rss+xml, application/atom+xml, application/feed+json, " +
	"application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"

// FeedChannel reads an agency's RSS, Atom or JSON feed of announcements,
// each item a report (see ParseFeed). A feed has one page: FetchOptions do
// not apply.
type FeedChannel struct{}

var _ Channel = FeedChannel{}

// Fetch fetches ch.URL and reads its items with ParseFeed.
func (FeedChannel) Fetch(ctx context.Context, ch *config.ReportChannel, f monitor.Fetcher, _ FetchOptions) (*Batch, error) {
	resp, err := get(ctx, ch, f, ch.URL, http.Header{"Accept": {feedAccept}})
	if err != nil {
		return nil, err
	}
	b, err := ParseFeed(resp.Body, resp.Header.Get("Content-Type"), finalURL(resp, ch.URL), ch)
	if err != nil {
		return nil, &monitor.ParseError{CaptureID: captureID(resp), Err: err}
	}
	b.Captures = resp.Evidence()
	return b, nil
}

// ParseFeed reads a feed of announcements into reports, one an item:
//   - target_urls: the item's link if it is a platform post URL (one that
//     canon.Key names), then every post URL in its content, description
//     and title (<a href>, and URLs written out); an item naming none is
//     skipped and counted (Batch.Skipped);
//   - filed_at: when the item was published (else updated); an item
//     without either is Invalid;
//   - reporter: ch.Reporter (else the feed's title); kind
//     government_request: a feed channel has no key for another;
//   - channel: ch.ID; channel_id: the item's guid (else its link, else a
//     digest of title and date); source_url: the item's link;
//   - notes: the title and the normalized text;
//   - raw: the item as gofeed reads it, as JSON.
//
// contentType is the HTTP Content-Type the feed came with: its charset
// decides the encoding as for a feed of posts (feed.ToUTF8). fetched is the
// URL the feed came from, for relative links. Any input gives a batch or
// an error, never a panic.
func ParseFeed(body []byte, contentType, fetched string, ch *config.ReportChannel) (b *Batch, err error) {
	defer func() {
		// gofeed's decoders are reflection-heavy; a panic on hostile
		// input must cost this fetch, not the daemon.
		if r := recover(); r != nil {
			b, err = nil, fmt.Errorf("reports: feed parser panicked: %v", r)
		}
	}()
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, fmt.Errorf("reports: feed: %w", ErrEmpty)
	}
	text, err := feedcol.ToUTF8(body, contentType)
	if err != nil {
		return nil, fmt.Errorf("reports: feed: %w", err)
	}
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(text))
	if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
		return nil, fmt.Errorf("reports: not an RSS, Atom or JSON feed (it begins %q): %w", begin(bytes.TrimSpace(body)), err)
	}
	if err != nil {
		return nil, fmt.Errorf("reports: feed: %w", err)
	}
	base := feedBase(feed.Link, fetched)
	reporter := first(strings.TrimSpace(ch.Reporter), strings.TrimSpace(feed.Title))
	b = &Batch{}
	for i, it := range feed.Items {
		if it == nil {
			continue
		}
		r, ok := feedReport(it, base, reporter, ch.ID)
		if !ok {
			b.Skipped++
			continue
		}
		r.Normalize()
		if err := r.Validate(); err != nil {
			b.Invalid = append(b.Invalid, rowError(i, true, err))
			continue
		}
		b.Reports = append(b.Reports, r)
	}
	return b, nil
}

// feedReport makes the report of one item; ok is false when the item names
// no post.
func feedReport(it *gofeed.Item, base *url.URL, reporter, channel string) (Report, bool) {
	link := hrefURL(it.Link, base)
	if link == "" && strings.Contains(it.GUID, "://") {
		link = hrefURL(it.GUID, base) // an RSS guid is a permalink by default
	}
	seen := make(map[string]bool)
	var targets []string
	if _, _, ok := canon.Key(link); ok {
		targets = append(targets, link)
		seen[canon.URL(link)] = true
	}
	for _, s := range []string{it.Content, it.Description, it.Title} {
		targets = append(targets, postLinks(s, base, seen)...)
	}
	if len(targets) == 0 {
		return Report{}, false
	}
	var filed time.Time
	switch {
	case it.PublishedParsed != nil:
		filed = *it.PublishedParsed
	case it.UpdatedParsed != nil:
		filed = *it.UpdatedParsed
	}
	title := normalize.Text(it.Title)
	text := normalize.Text(first(it.Content, it.Description))
	notes := title
	if text != "" && text != title {
		notes = strings.TrimSpace(title + "\n\n" + text)
	}
	raw, _ := json.Marshal(it)
	return Report{
		ChannelID:  first(strings.TrimSpace(it.GUID), link, itemDigest(title, it.Published)),
		Reporter:   reporter,
		Channel:    channel,
		FiledAt:    filed,
		Kind:       KindGovernmentRequest,
		TargetURLs: targets,
		SourceURL:  webLink(link),
		Notes:      notes,
		Raw:        raw,
	}, true
}

// itemDigest keys an item with neither guid nor link.
func itemDigest(title, published string) string {
	sum := sha256.Sum256([]byte(title + "\x00" + strings.TrimSpace(published)))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// feedBase is what relative links resolve against: the feed's own link
// (itself resolved against the fetched URL), else the fetched URL.
func feedBase(link, fetched string) *url.URL {
	fu, err := url.Parse(strings.TrimSpace(fetched))
	if err != nil || !fu.IsAbs() {
		fu = nil
	}
	if lu, err := url.Parse(strings.TrimSpace(link)); err == nil && link != "" {
		if fu != nil {
			lu = fu.ResolveReference(lu)
		}
		if lu.IsAbs() && lu.Host != "" {
			return lu
		}
	}
	return fu
}

// webLink is s if it is an absolute http(s) URL, else "".
func webLink(s string) string {
	if webURL(s) {
		return s
	}
	return ""
}
