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

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"

	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/monitor"
	"github.com/takedownwatch/takedownwatch/monitor/canon"
	"github.com/takedownwatch/takedownwatch/monitor/normalize"
)

// htmlAccept asks for HTML and takes what comes.
const htmlAccept = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"

// What a page's selectors can fail at.
var (
	ErrSelector = errors.New("invalid selector")
	// ErrNoItems is an item selector matching nothing: the site was
	// redesigned, or answered with another page than the listing.
	ErrNoItems = errors.New("item selector matched nothing")
)

// HTMLChannel reads a government web page that lists reported links, with
// the channel's selectors (see ParseHTML). It follows rel="next" for
// FetchOptions.Pages pages, on the page's own host; Cursor does not apply.
type HTMLChannel struct{}

var _ Channel = HTMLChannel{}

// Fetch fetches ch.URL (and the pages after it) and reads them with
// ParseHTML. Errors concern the first page; a deeper page that fails ends
// the batch there, with Batch.Incomplete saying why.
func (HTMLChannel) Fetch(ctx context.Context, ch *config.ReportChannel, f monitor.Fetcher, opt FetchOptions) (*Batch, error) {
	if ch.Selectors == nil {
		return nil, fmt.Errorf("reports: channel %s: no selectors", ch.ID)
	}
	if _, err := compileSelectors(*ch.Selectors); err != nil {
		return nil, fmt.Errorf("reports: channel %s: %w", ch.ID, err)
	}
	batch := &Batch{}
	seen := map[string]bool{canon.URL(ch.URL): true}
	offset := 0
	for n, next := 1, ch.URL; n <= max(opt.Pages, 1) && next != ""; n++ {
		resp, err := get(ctx, ch, f, next, http.Header{"Accept": {htmlAccept}})
		if resp != nil {
			batch.Captures = append(batch.Captures, resp.Evidence()...)
		}
		var page *Batch
		if err == nil {
			page, next, err = parseHTMLPage(resp.Body, resp.Header.Get("Content-Type"), finalURL(resp, next), ch, offset)
			if err != nil {
				err = &monitor.ParseError{CaptureID: captureID(resp), Err: err}
			}
		}
		if err != nil {
			if n == 1 {
				return nil, err
			}
			batch.Incomplete = fmt.Errorf("reports: channel %s: page %d: %w", ch.ID, n, err)
			break
		}
		batch.Reports = append(batch.Reports, page.Reports...)
		batch.Invalid = append(batch.Invalid, page.Invalid...)
		batch.Skipped += page.Skipped
		offset += len(page.Reports) + len(page.Invalid) + page.Skipped
		if next != "" && seen[canon.URL(next)] {
			break // a pager going round in circles
		}
		seen[canon.URL(next)] = true
	}
	return batch, nil
}

// ParseHTML reads one page of a government listing of reported links. For
// each element the item selector matches:
//   - target_urls: every platform post URL inside the item (<a href>,
//     resolved, and URLs written out in its text); an item naming none is
//     skipped and counted (Batch.Skipped);
//   - source_url and channel_id: the href of the first element the link
//     selector matches in the item, if any (a post URL there is a target
//     too); else the channel_id is a digest of the targets and the date;
//   - filed_at: the datetime attribute of the first element the date
//     selector matches, else its text read with date_layout (a Go layout;
//     without one, RFC 3339 and a few common forms); with no date selector,
//     the item's first <time datetime>. A date without a zone is UTC. An
//     item without a date is Invalid;
//   - notes: the normalized text of what the text selector matches (the
//     whole item without one);
//   - reporter ch.Reporter, kind government_request, channel ch.ID;
//   - raw: {"page": URL, "html": the item's outer HTML}.
//
// An item selector that matches nothing is ErrNoItems. Any input gives a
// batch or an error, never a panic.
func ParseHTML(body []byte, contentType, pageURL string, ch *config.ReportChannel) (*Batch, error) {
	b, _, err := parseHTMLPage(body, contentType, pageURL, ch, 0)
	return b, err
}

// htmlSelectors are a channel's selectors, compiled.
type htmlSelectors struct {
	item, link, text, date cascadia.Selector // link, text and date may be nil
	layout                 string
}

var (
	timeSel = cascadia.MustCompile("time[datetime]")
	nextSel = cascadia.MustCompile(`link[rel][href], a[rel][href]`)
	baseSel = cascadia.MustCompile("base[href]")
)

func compileSelectors(sel config.Selectors) (*htmlSelectors, error) {
	s := &htmlSelectors{layout: strings.TrimSpace(sel.DateLayout)}
	for _, f := range []struct {
		name, css string
		to        *cascadia.Selector
	}{
		{"item", sel.Item, &s.item},
		{"link", sel.Link, &s.link},
		{"text", sel.Text, &s.text},
		{"date", sel.Date, &s.date},
	} {
		if strings.TrimSpace(f.css) == "" {
			if f.name == "item" {
				return nil, fmt.Errorf("item selector is empty: %w", ErrSelector)
			}
			continue
		}
		c, err := cascadia.Compile(f.css)
		if err != nil {
			return nil, fmt.Errorf("%s selector %q: %w: %v", f.name, f.css, ErrSelector, err)
		}
		*f.to = c
	}
	return s, nil
}

// parseHTMLPage is ParseHTML with item indexes counted from offset; next
// is the page after this one, "" if none.
func parseHTMLPage(body []byte, contentType, pageURL string, ch *config.ReportChannel, offset int) (b *Batch, next string, err error) {
	defer func() {
		// A panic on hostile markup must cost this fetch, not the daemon.
		if r := recover(); r != nil {
			b, next, err = nil, "", fmt.Errorf("reports: html parser panicked: %v", r)
		}
	}()
	if ch.Selectors == nil {
		return nil, "", fmt.Errorf("reports: channel %s: no selectors", ch.ID)
	}
	sel, err := compileSelectors(*ch.Selectors)
	if err != nil {
		return nil, "", fmt.Errorf("reports: %w", err)
	}
	r, err := charset.NewReader(bytes.NewReader(body), contentType)
	if err != nil {
		return nil, "", fmt.Errorf("reports: html: %w", err)
	}
	root, err := html.Parse(r)
	if err != nil {
		return nil, "", fmt.Errorf("reports: html: %w", err)
	}
	doc := goquery.NewDocumentFromNode(root)
	self, _ := url.Parse(strings.TrimSpace(pageURL))
	base := self
	if bu := doc.FindMatcher(baseSel).First().AttrOr("href", ""); bu != "" && self != nil {
		if ref, err := url.Parse(strings.TrimSpace(bu)); err == nil {
			base = self.ResolveReference(ref)
		}
	}
	items := doc.FindMatcher(sel.item)
	if items.Length() == 0 {
		return nil, "", fmt.Errorf("reports: item selector %q: %w", ch.Selectors.Item, ErrNoItems)
	}
	b = &Batch{}
	items.Each(func(i int, item *goquery.Selection) {
		rep, ok := htmlReport(item, sel, base, ch, pageURL)
		if !ok {
			b.Skipped++
			return
		}
		rep.Normalize()
		if err := rep.Validate(); err != nil {
			b.Invalid = append(b.Invalid, rowError(offset+i, true, err))
			return
		}
		b.Reports = append(b.Reports, rep)
	})
	return b, nextPage(doc, base, self), nil
}

// htmlReport makes the report of one item; ok is false when it names no
// post.
func htmlReport(item *goquery.Selection, sel *htmlSelectors, base *url.URL, ch *config.ReportChannel, pageURL string) (Report, bool) {
	outer, _ := goquery.OuterHtml(item)
	seen := make(map[string]bool)
	var link string
	if sel.link != nil {
		l := item.FindMatcher(sel.link).First()
		if item.Is("a") && l.Length() == 0 && sel.link.Match(item.Get(0)) {
			l = item
		}
		link = webLink(hrefURL(l.AttrOr("href", ""), base))
	}
	var targets []string
	if _, _, ok := canon.Key(link); ok {
		targets = append(targets, link)
		seen[canon.URL(link)] = true
	}
	targets = append(targets, postLinks(outer, base, seen)...)
	if len(targets) == 0 {
		return Report{}, false
	}
	textSel := item
	if sel.text != nil {
		textSel = item.FindMatcher(sel.text)
	}
	var notes []string
	textSel.Each(func(_ int, s *goquery.Selection) {
		h, _ := goquery.OuterHtml(s)
		if t := normalize.Text(h); t != "" {
			notes = append(notes, t)
		}
	})
	raw, _ := json.Marshal(map[string]string{"page": pageURL, "html": outer})
	r := Report{
		ChannelID:  link,
		Reporter:   ch.Reporter,
		Channel:    ch.ID,
		FiledAt:    itemDate(item, sel),
		Kind:       KindGovernmentRequest,
		TargetURLs: targets,
		SourceURL:  link,
		Notes:      strings.Join(notes, "\n"),
		Raw:        raw,
	}
	if r.ChannelID == "" {
		r.ChannelID = htmlDigest(targets, r.FiledAt)
	}
	return r, true
}

// htmlDigest keys an item without a link by what it reports and when.
func htmlDigest(targets []string, filed time.Time) string {
	h := sha256.New()
	for _, t := range targets {
		fmt.Fprintf(h, "%s\x00", canon.URL(t))
	}
	if !filed.IsZero() {
		h.Write([]byte(filed.UTC().Format(time.RFC3339)))
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// itemDate reads an item's date (zero if none).
func itemDate(item *goquery.Selection, sel *htmlSelectors) time.Time {
	if sel.date == nil {
		t, _ := parseDate(item.FindMatcher(timeSel).First().AttrOr("datetime", ""), "")
		return t
	}
	d := item.FindMatcher(sel.date).First()
	if dt, ok := d.Attr("datetime"); ok {
		if t, ok := parseDate(dt, ""); ok {
			return t
		}
	}
	t, _ := parseDate(d.Text(), sel.layout)
	return t
}

// nextPage is the absolute http(s) URL of the page rel="next" points to,
// on the page's own host, "" if none.
func nextPage(doc *goquery.Document, base, self *url.URL) string {
	var next string
	doc.FindMatcher(nextSel).EachWithBreak(func(_ int, s *goquery.Selection) bool {
		for rel := range strings.FieldsSeq(strings.ToLower(s.AttrOr("rel", ""))) {
			if rel != "next" {
				continue
			}
			u := webLink(hrefURL(s.AttrOr("href", ""), base))
			if pu, err := url.Parse(u); err == nil && u != "" && self != nil && strings.EqualFold(pu.Host, self.Host) {
				next = u
				return false
			}
		}
		return true
	})
	return next
}
