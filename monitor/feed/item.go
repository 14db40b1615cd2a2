package feed

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	ext "github.com/mmcdole/gofeed/extensions"

	"github.com/takedownwatch/takedownwatch/monitor"
	"github.com/takedownwatch/takedownwatch/monitor/normalize"
)

// mapItems turns a parsed feed into items. Of items sharing a PlatformID
// one is kept: the detector keys posts by it, and a feed that repeats a
// guid means one post, not two. Which one does not follow their order,
// which a feed may change at every fetch (each change would read as an
// edit, for ever): the latest published, then the least text digest.
func mapItems(f *gofeed.Feed, fetched string) []monitor.Item {
	base := feedBase(f.Link, fetched)
	items := make([]monitor.Item, 0, len(f.Items))
	at := make(map[string]int, len(f.Items))
	for _, it := range f.Items {
		if it == nil {
			continue
		}
		item := mapItem(it, base)
		i, seen := at[item.PlatformID]
		if !seen {
			at[item.PlatformID] = len(items)
			items = append(items, item)
			continue
		}
		if prefer(item, items[i]) {
			items[i] = item
		}
	}
	return items
}

// prefer reports whether a is kept over b, two items of one PlatformID.
func prefer(a, b monitor.Item) bool {
	if !a.Published.Equal(b.Published) {
		return a.Published.After(b.Published)
	}
	return normalize.Digest(a.Title+"\n"+a.Text) < normalize.Digest(b.Title+"\n"+b.Text)
}

func mapItem(it *gofeed.Item, base *url.URL) monitor.Item {
	title := normalize.Text(it.Title)
	link := resolve(base, it.Link)
	guid := strings.TrimSpace(it.GUID)
	if link == "" && webURL(guid) {
		// RSS 2.0: a guid is a permalink unless isPermaLink="false",
		// and feeds without <link> rely on that.
		link = guid
	}
	pub := published(it)
	text := bodyText(it, title)
	item := monitor.Item{
		PlatformID: platformID(guid, link, title, pub, it.Published, text),
		URL:        fetchable(link),
		Published:  pub,
		Title:      title,
		Text:       text,
		Media:      media(it, base),
	}
	if it.Custom[plainKey] != "" {
		// builds before 2026-11-29 read declared plain text as markup:
		// what they archived of it is no edit
		if former := formerBodyText(it, title); former != text {
			item.FormerText = former
		}
	}
	return item
}

// formerBodyText is bodyText as it read every content as markup.
func formerBodyText(it *gofeed.Item, title string) string {
	for _, s := range []string{it.Content, it.Description} {
		if t := normalize.Text(s); t != "" {
			return t
		}
	}
	return title
}

// platformID is the item's stable key: its guid (RSS), id (Atom, JSON
// Feed), else its link, else "sha256:" and the digest of its normalized
// title and publication time. An item with neither title nor time is keyed
// by its text, so an edit of such an item looks like a new post: it has
// nothing else that stays put.
func platformID(guid, link, title string, pub time.Time, rawPub, text string) string {
	if guid != "" {
		return guid
	}
	if link != "" {
		return link
	}
	when := strings.TrimSpace(rawPub)
	if !pub.IsZero() {
		when = pub.Format(time.RFC3339Nano)
	}
	key := title + "\x00" + when
	if title == "" && when == "" {
		key = "\x00\x00" + text
	}
	sum := sha256.Sum256([]byte(key))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// published is when the item was published, else last updated, else zero.
func published(it *gofeed.Item) time.Time {
	switch {
	case it.PublishedParsed != nil:
		return it.PublishedParsed.UTC()
	case it.UpdatedParsed != nil:
		return it.UpdatedParsed.UTC()
	}
	return time.Time{}
}

// bodyText is the item's text: its content, else its description, else
// its title. A field whose text is empty once normalized (an image-only
// content) does not count. Content the feed declares plain text is read
// as such; elsewhere normalize.Text tells markup from text.
func bodyText(it *gofeed.Item, title string) string {
	if it.Custom[plainKey] != "" {
		if t := normalize.Plain(it.Content); t != "" {
			return t
		}
	} else if t := normalize.Text(it.Content); t != "" {
		return t
	}
	if t := normalize.Text(it.Description); t != "" {
		return t
	}
	return title
}

// media are the item's image, enclosures and Media RSS content and
// thumbnails, absolute, in that order, each once. Only http(s) URLs are
// kept: data: URIs and the like cannot be fetched and archived.
func media(it *gofeed.Item, base *url.URL) []string {
	var out []string
	seen := make(map[string]bool)
	add := func(ref string) {
		u := fetchable(resolve(base, ref))
		if u == "" || seen[u] {
			return
		}
		seen[u] = true
		out = append(out, u)
	}
	if it.Image != nil {
		add(it.Image.URL)
	}
	for _, e := range it.Enclosures {
		if e != nil {
			add(e.URL)
		}
	}
	mediaRSS(it.Extensions["media"], add)
	return out
}

// mediaRSS adds the url of every media:content and media:thumbnail,
// including those nested in media:group and thumbnails inside content.
// Names are visited in a fixed order: map order would shuffle Media.
func mediaRSS(elems map[string][]ext.Extension, add func(string)) {
	for _, name := range []string{"content", "thumbnail", "group"} {
		for _, e := range elems[name] {
			if name != "group" {
				add(e.Attrs["url"])
			}
			mediaRSS(e.Children, add)
		}
	}
}

// feedBase is what relative links resolve against: the feed's own link
// (itself resolved against the fetched URL), else the fetched URL.
func feedBase(link, fetched string) *url.URL {
	fu, err := url.Parse(strings.TrimSpace(fetched))
	if err != nil || !fu.IsAbs() {
		fu = nil
	}
	if l := strings.TrimSpace(link); l != "" {
		if lu, err := url.Parse(l); err == nil {
			if fu != nil {
				lu = fu.ResolveReference(lu)
			}
			if lu.IsAbs() && lu.Host != "" {
				return lu
			}
		}
	}
	return fu
}

// resolve makes ref absolute against base. An absolute ref is returned as
// the feed wrote it (trimmed): post_url is the permalink as the platform
// serves it, not a re-encoding of it.
func resolve(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil || u.IsAbs() || base == nil {
		return ref
	}
	return base.ResolveReference(u).String()
}

// fetchable returns s if it is an absolute http(s) URL, else "".
func fetchable(s string) string {
	if webURL(s) {
		return s
	}
	return ""
}

func webURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
