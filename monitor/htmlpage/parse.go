package htmlpage

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/clip"
	"github.com/takedownwatch/takedownwatch/monitor"
	"github.com/takedownwatch/takedownwatch/monitor/normalize"
)

// What a page can lack. Parse wraps them with the selector and counts, so
// errors.Is tells them apart and the message says what to fix.
var (
	// ErrSelector is a selector that does not parse as CSS.
	ErrSelector = errors.New("invalid selector")
	// ErrNoItems is an item selector matching nothing on the page: the
	// site was redesigned, or answers with another page than the listing.
	ErrNoItems = errors.New("matched nothing")
	// ErrNoLinks is items of which none has a usable link.
	ErrNoLinks = errors.New("gave no http(s) link")
	// ErrNoDates is a date selector from which no item got a date.
	ErrNoDates = errors.New("gave no date")
)

// Page is one listing page read with a source's selectors.
type Page struct {
	// Items in page order, one per link: of items sharing a link only the
	// first is kept, as the detector keys posts by it.
	Items []monitor.Item
	// Next is the absolute http(s) URL of the page that follows
	// (rel="next" on a <link> or <a>), "" if none.
	Next string
	// Encoding is the character encoding the page was read in.
	Encoding string
	// Unlinked counts items skipped for want of a usable link; Undated,
	// items kept without a date (Published zero) as the date selector
	// found none or one that did not parse.
	Unlinked, Undated int
}

// Selectors of the page's own structure.
var (
	baseSel = cascadia.MustCompile("base[href]")
	relSel  = cascadia.MustCompile("link[rel][href], a[rel][href]")
	imgSel  = cascadia.MustCompile("img[src]")
	timeSel = cascadia.MustCompile("time[datetime]")
)

// selectors are a source's selectors, compiled.
type selectors struct {
	src                    config.Selectors
	item, link, text, date cascadia.Selector // text and date may be nil
}

func compile(sel config.Selectors) (*selectors, error) {
	s := &selectors{src: sel}
	for _, f := range []struct {
		name, css string
		to        *cascadia.Selector
		required  bool
	}{
		{"item", sel.Item, &s.item, true},
		{"link", sel.Link, &s.link, true},
		{"text", sel.Text, &s.text, false},
		{"date", sel.Date, &s.date, false},
	} {
		if strings.TrimSpace(f.css) == "" {
			if f.required {
				return nil, fmt.Errorf("htmlpage: %s selector is empty: %w", f.name, ErrSelector)
			}
			continue
		}
		c, err := cascadia.Compile(f.css)
		if err != nil {
			return nil, fmt.Errorf("htmlpage: %s selector %q: %w: %v", f.name, f.css, ErrSelector, err)
		}
		*f.to = c
	}
	return s, nil
}

// Parse reads one listing page. contentType is the HTTP Content-Type the
// body came with (for its charset); pageURL, the URL it was fetched from,
// resolves relative links unless the page has a <base href>; now gives a
// year to dates printed without one. Any input gives a page or an error,
// never a panic.
//
// For each element the item selector matches:
//   - the link is the href of the first element the link selector
//     matches inside the item (or the item itself, when it matches),
//     resolved, that is an http(s) URL other than the page itself; an item
//     without one is skipped;
//   - the text is the normalized inner HTML of what the text selector
//     matches inside the item (every match, in order; the item's own when
//     the selector is empty);
//   - the title is the normalized text of the link element;
//   - the date is the datetime attribute of the first element the date
//     selector matches, else its text read with date_layout (see
//     parseDate); with no date selector, the first <time datetime> of the
//     item, if any. A date without a time zone is UTC;
//   - the media are the images (<img src>) inside the text;
//   - the PlatformID is the link in canonical form (see canonical).
//
// A page where the item selector matches nothing, where no item has a link,
// or where a date selector gives no item a date is an error, not an empty
// listing: those are what a redesigned site looks like, and an error shows
// the source as failing where an empty listing would pass unnoticed.
func Parse(body []byte, contentType, pageURL string, sel config.Selectors, now time.Time) (*Page, error) {
	s, err := compile(sel)
	if err != nil {
		return nil, err
	}
	return s.parse(body, contentType, pageURL, now)
}

func (s *selectors) parse(body []byte, contentType, pageURL string, now time.Time) (page *Page, err error) {
	defer func() {
		// A panic on hostile markup must cost this listing, not the daemon.
		if r := recover(); r != nil {
			page, err = nil, fmt.Errorf("htmlpage: parser panicked: %v", r)
		}
	}()
	text, enc := toUTF8(body, contentType)
	root, err := html.Parse(bytes.NewReader(text))
	if err != nil {
		return nil, fmt.Errorf("htmlpage: %w", err)
	}
	doc := goquery.NewDocumentFromNode(root)
	page = &Page{Encoding: enc}
	self, _ := url.Parse(strings.TrimSpace(pageURL))
	if self != nil && !webURL(self) {
		self = nil
	}
	base := baseOf(doc, self)
	items := doc.FindMatcher(s.item).FilterFunction(func(_ int, el *goquery.Selection) bool {
		return !inTemplate(el.Nodes[0])
	})
	if items.Length() == 0 {
		return nil, fmt.Errorf("htmlpage: item selector %q %w", s.src.Item, ErrNoItems)
	}
	seen := make(map[string]bool)
	dated, dateFound := 0, 0
	badDate := ""
	items.Each(func(_ int, item *goquery.Selection) {
		link, anchor := s.linkOf(item, base, self, base)
		if link == "" {
			page.Unlinked++
			return
		}
		id := canonical(link)
		if seen[id] {
			return
		}
		seen[id] = true
		scope := item
		if s.text != nil {
			scope = item.FindMatcher(s.text)
		}
		it := monitor.Item{
			PlatformID: id,
			URL:        link,
			Title:      normalize.HTML(innerHTML(anchor)),
			Text:       normalize.HTML(innerHTML(outermost(scope, item.Nodes[0]))),
			Media:      images(scope, base),
		}
		var found bool
		var raw string
		it.Published, found, raw = s.dateOf(item, now)
		switch {
		case !it.Published.IsZero():
			dated++
		case s.date == nil:
		case found:
			dateFound++
			if badDate == "" {
				badDate = raw
			}
			page.Undated++
		default:
			page.Undated++
		}
		page.Items = append(page.Items, it)
	})
	if len(page.Items) == 0 {
		return nil, fmt.Errorf("htmlpage: link selector %q %w in any of %d items", s.src.Link, ErrNoLinks, items.Length())
	}
	if s.date != nil && dated == 0 {
		if dateFound == 0 {
			return nil, fmt.Errorf("htmlpage: date selector %q %w: it matched in none of %d items", s.src.Date, ErrNoDates, len(page.Items))
		}
		layout := s.src.DateLayout
		if layout == "" {
			layout = "any common layout"
		}
		return nil, fmt.Errorf("htmlpage: date selector %q %w: %q does not parse with %q", s.src.Date, ErrNoDates, clip.Text(badDate, 65), layout)
	}
	page.Next = nextOf(doc, base, self)
	return page, nil
}

// linkOf returns the item's link, absolute, and the element it came from.
func (s *selectors) linkOf(item *goquery.Selection, base *url.URL, pages ...*url.URL) (string, *goquery.Selection) {
	cands := item.FindMatcher(s.link)
	if item.IsMatcher(s.link) {
		// A card that is itself the link: <a class="card" href=…>.
		cands = item.AddSelection(cands)
	}
	for i := range cands.Nodes {
		el := cands.Eq(i)
		href, ok := el.Attr("href")
		if !ok {
			continue
		}
		if u := resolve(base, href); u != nil && !samePage(u, pages...) {
			return u.String(), el
		}
	}
	return "", nil
}

// dateOf returns the item's date, whether a date element was found, and
// the text that did not parse.
func (s *selectors) dateOf(item *goquery.Selection, now time.Time) (time.Time, bool, string) {
	if s.date == nil {
		for _, n := range item.FindMatcher(timeSel).Nodes {
			if t, ok := parseDatetime(attr(n, "datetime"), now); ok {
				return t, true, ""
			}
		}
		return time.Time{}, false, ""
	}
	el := item.FindMatcher(s.date).First()
	if el.Length() == 0 {
		if !item.IsMatcher(s.date) {
			return time.Time{}, false, ""
		}
		el = item
	}
	if dt, ok := el.Attr("datetime"); ok {
		if t, ok := parseDatetime(dt, now); ok {
			return t, true, ""
		}
	}
	raw := el.Text()
	t, ok := parseDate(raw, s.src.DateLayout, now)
	if !ok {
		return time.Time{}, true, raw
	}
	return t, true, ""
}

// outermost keeps the matches inside item that are not inside another
// match, so that a text selector such as "div" does not read nested
// divisions twice.
func outermost(sel *goquery.Selection, item *html.Node) *goquery.Selection {
	if sel.Length() < 2 {
		return sel
	}
	matched := make(map[*html.Node]bool, sel.Length())
	for _, n := range sel.Nodes {
		matched[n] = true
	}
	return sel.FilterFunction(func(_ int, el *goquery.Selection) bool {
		for p := el.Nodes[0].Parent; p != nil && p != item; p = p.Parent {
			if matched[p] {
				return false
			}
		}
		return true
	})
}

// innerHTML renders the children of every element of sel, one after the
// other, each match on a line of its own.
func innerHTML(sel *goquery.Selection) string {
	if sel == nil {
		return ""
	}
	var b strings.Builder
	for i, n := range sel.Nodes {
		if i > 0 {
			b.WriteString("<br>")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			// Render fails only on a writer error; a strings.Builder has none.
			_ = html.Render(&b, c)
		}
	}
	return b.String()
}

// images are the absolute http(s) URLs of the <img src> inside sel, each once.
func images(sel *goquery.Selection, base *url.URL) []string {
	var out []string
	seen := make(map[string]bool)
	sel.FindMatcher(imgSel).AddSelection(sel.FilterMatcher(imgSel)).Each(func(_ int, img *goquery.Selection) {
		src, _ := img.Attr("src")
		u := resolve(base, src)
		if u == nil || seen[u.String()] {
			return
		}
		seen[u.String()] = true
		out = append(out, u.String())
	})
	return out
}

// baseOf is what relative links resolve against: the first <base href> of
// the page, resolved against the page's URL, when it is http(s); else the
// page's URL (nil when that is not an absolute http(s) URL either).
func baseOf(doc *goquery.Document, self *url.URL) *url.URL {
	if href, ok := doc.FindMatcher(baseSel).First().Attr("href"); ok {
		if u := resolve(self, href); u != nil {
			return u
		}
	}
	return self
}

// nextOf finds the page's rel="next" link (<link> in the head or <a> in a
// pager), absolute, on the host of the page or of its <base>: a listing
// that pages onto another site is not followed. "" if none.
func nextOf(doc *goquery.Document, base, self *url.URL) string {
	next := ""
	doc.FindMatcher(relSel).EachWithBreak(func(_ int, el *goquery.Selection) bool {
		rel, _ := el.Attr("rel")
		if !hasToken(rel, "next") || inTemplate(el.Nodes[0]) {
			return true
		}
		href, _ := el.Attr("href")
		u := resolve(base, href)
		if u == nil || samePage(u, self, base) || !sameHost(u, self, base) {
			return true
		}
		next = u.String()
		return false
	})
	return next
}

// sameHost reports whether u is on the host of one of pages, or pages
// are all unknown (nil).
func sameHost(u *url.URL, pages ...*url.URL) bool {
	known := false
	for _, p := range pages {
		if p == nil {
			continue
		}
		known = true
		if strings.EqualFold(u.Host, p.Host) {
			return true
		}
	}
	return !known
}

// inTemplate reports whether n is inside a <template>, whose content
// browsers keep out of the document: markup for scripts to clone.
func inTemplate(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && p.DataAtom == atom.Template {
			return true
		}
	}
	return false
}

// hasToken reports whether a space-separated attribute holds tok, in any case.
func hasToken(list, tok string) bool {
	for _, f := range strings.Fields(list) {
		if strings.EqualFold(f, tok) {
			return true
		}
	}
	return false
}

// resolve makes ref absolute against base and returns it when it is an
// http(s) URL with a host, else nil. Whitespace around ref goes, as
// browsers drop it.
func resolve(base *url.URL, ref string) *url.URL {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return nil
	}
	u, err := url.Parse(ref)
	if err != nil {
		return nil
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if !webURL(u) {
		return nil
	}
	return u
}

func webURL(u *url.URL) bool {
	s := strings.ToLower(u.Scheme)
	return (s == "http" || s == "https") && u.Host != ""
}

// samePage reports whether u is one of pages (the listing itself or its
// <base>): an in-page anchor, "#" or an empty link, not a permalink.
func samePage(u *url.URL, pages ...*url.URL) bool {
	c := canonical(u.String())
	for _, p := range pages {
		if p != nil && c == canonical(p.String()) {
			return true
		}
	}
	return false
}

// canonical is the form of a link that keys a post (its PlatformID): the
// scheme and host in lower case and the fragment dropped, nothing else.
// Links are otherwise kept as the page writes them, since a site may tell
// posts apart by anything in the path or query; the fuller canonical form
// (m./www. hosts, tracking parameters) is for matching reports to posts and
// lives with them.
func canonical(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	u.Fragment, u.RawFragment = "", ""
	return u.String()
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}
