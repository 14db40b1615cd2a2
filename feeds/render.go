package feeds

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"time"

	gfeeds "github.com/gorilla/feeds"
)

// jsonFeedVersion is JSON Feed 1.1; gorilla/feeds writes 1.0's URL.
const jsonFeedVersion = "https://jsonfeed.org/version/1.1"

// Render writes f in format to w.
//
// gorilla/feeds builds the items, with what it lacks put right: every item
// carries the event's tag: id (without one RSS has no guid, JSON Feed
// repeats an empty id, and Atom derives an id that changes when the item is
// updated, or a random one per render); the Atom feed's id is the feed's
// own tag: id, not its link; RSS and Atom carry a rel="self" link and JSON
// Feed its feed_url and version 1.1.
func (s Site) Render(w io.Writer, format Format, f *Feed) error {
	updated := f.Updated()
	if updated.IsZero() {
		updated = s.Epoch
	}
	self := s.FeedURL(f, format)
	gf := &gfeeds.Feed{
		Title:       clean(f.Title),
		Link:        &gfeeds.Link{Href: s.PageURL(f.Page)},
		Description: clean(f.Description),
		Id:          s.FeedID(f.Name),
		Updated:     updated,
	}
	for _, e := range f.Entries {
		it := &gfeeds.Item{
			Id: s.EventID(e.ID), IsPermaLink: "false", Title: clean(e.Title()),
			Link: &gfeeds.Link{Href: s.Link(e)}, Created: e.At, Updated: e.At,
		}
		// Each format puts the HTML body where its readers look for it.
		if format == RSS {
			it.Description = s.Body(e)
		} else {
			it.Content = s.Body(e)
		}
		gf.Items = append(gf.Items, it)
	}
	switch format {
	case RSS:
		return writeXML(w, rssDoc(gf, self))
	case Atom:
		return writeXML(w, atomDoc(gf, self))
	case JSON:
		jf := (&gfeeds.JSON{Feed: gf}).JSONFeed()
		jf.Version, jf.FeedUrl = jsonFeedVersion, self
		if jf.Items == nil {
			jf.Items = []*gfeeds.JSONItem{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(jsonDoc{JSONFeed: jf, Items: jf.Items})
	}
	return fmt.Errorf("feeds: unknown format %q", format)
}

// jsonDoc keeps "items" present in an empty feed (JSON Feed requires it;
// gorilla's struct omits it when empty).
type jsonDoc struct {
	*gfeeds.JSONFeed
	Items []*gfeeds.JSONItem `json:"items"`
}

func writeXML(w io.Writer, doc any) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("feeds: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// atomNS is the Atom namespace; RSS uses it for its self link.
const atomNS = "http://www.w3.org/2005/Atom"

type atomFeedDoc struct {
	XMLName  xml.Name            `xml:"feed"`
	Xmlns    string              `xml:"xmlns,attr"`
	Title    string              `xml:"title"`
	ID       string              `xml:"id"`
	Updated  string              `xml:"updated"`
	Subtitle string              `xml:"subtitle,omitempty"`
	Links    []gfeeds.AtomLink   `xml:"link"`
	Author   *gfeeds.AtomAuthor  `xml:"author"`
	Entries  []*gfeeds.AtomEntry `xml:"entry"`
}

func atomDoc(gf *gfeeds.Feed, self string) *atomFeedDoc {
	af := (&gfeeds.Atom{Feed: gf}).AtomFeed()
	// Atom requires an author on the feed or on every entry.
	return &atomFeedDoc{
		Xmlns: atomNS, Title: af.Title, ID: gf.Id, Updated: af.Updated, Subtitle: af.Subtitle,
		Links: []gfeeds.AtomLink{
			{Href: self, Rel: "self", Type: "application/atom+xml"},
			{Href: gf.Link.Href, Rel: "alternate", Type: "text/html"},
		},
		Author:  &gfeeds.AtomAuthor{AtomPerson: gfeeds.AtomPerson{Name: "takedownwatch"}},
		Entries: af.Entries,
	}
}

type rssRoot struct {
	XMLName xml.Name    `xml:"rss"`
	Version string      `xml:"version,attr"`
	Channel *rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title         string            `xml:"title"`
	Link          string            `xml:"link"`
	Description   string            `xml:"description"`
	Self          rssSelf           `xml:"http://www.w3.org/2005/Atom link"`
	LastBuildDate string            `xml:"lastBuildDate,omitempty"`
	Generator     string            `xml:"generator"`
	Items         []*gfeeds.RssItem `xml:"item"`
}

type rssSelf struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
}

func rssDoc(gf *gfeeds.Feed, self string) *rssRoot {
	ch := (&gfeeds.Rss{Feed: gf}).RssFeed()
	desc := ch.Description
	if desc == "" {
		desc = ch.Title // RSS requires a description
	}
	return &rssRoot{Version: "2.0", Channel: &rssChannel{
		Title: ch.Title, Link: ch.Link, Description: desc,
		Self:          rssSelf{Href: self, Rel: "self", Type: "application/rss+xml"},
		LastBuildDate: gf.Updated.UTC().Format(time.RFC1123Z),
		Generator:     "takedownwatch", Items: ch.Items,
	}}
}
