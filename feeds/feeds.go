// Package feeds renders event streams as RSS 2.0, Atom 1.0 and JSON Feed
// 1.1 (on gorilla/feeds) that every reader accepts: one item per event with
// a stable tag: id, self links, and text that stays well-formed whatever a
// post contained.
package feeds

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/takedownwatch/takedownwatch/archive/store"
)

// Format is a feed format.
type Format string

// Formats, named by their file extension.
const (
	RSS  Format = "rss"
	Atom Format = "atom"
	JSON Format = "json"
)

// Formats lists every format.
var Formats = []Format{RSS, Atom, JSON}

// ParseFormat accepts rss, atom or json.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown feed format %q (want rss, atom or json)", s)
}

// ContentType is what a format is served as.
func (f Format) ContentType() string {
	switch f {
	case RSS:
		return "application/rss+xml; charset=utf-8"
	case Atom:
		return "application/atom+xml; charset=utf-8"
	}
	return "application/feed+json; charset=utf-8"
}

// Entry is one event as a feed shows it.
type Entry struct {
	*store.EventRow
	// Text is the post's archived text at the event's time.
	Text string
}

// Feed is one rendered stream.
type Feed struct {
	// Name is the path under /feeds/ without extension ("actors/hun-sen").
	Name        string
	Title       string
	Description string
	// Query is the feed's own query string (saved searches), kept in its
	// self link.
	Query url.Values
	// Page is the web page the feed belongs to, relative to the base URL.
	Page    string
	Entries []Entry
}

// Updated is the time of the newest entry (zero for an empty feed).
func (f *Feed) Updated() time.Time {
	var t time.Time
	for _, e := range f.Entries {
		if e.At.After(t) {
			t = e.At
		}
	}
	return t
}

// Site is where feeds and the pages they link to are served.
type Site struct {
	// BaseURL is http.base_url: every link in a feed is absolute under it.
	BaseURL string
	// Epoch stands in for the update time of an empty feed, so it renders
	// the same each time.
	Epoch time.Time
}

func (s Site) base() string { return strings.TrimRight(s.BaseURL, "/") }

// host is the tag: authority: the base URL's host name, without port.
func (s Site) host() string {
	u, err := url.Parse(s.BaseURL)
	if err != nil || u.Hostname() == "" {
		return "localhost"
	}
	return u.Hostname()
}

// EventID is the stable id of an event in every feed and format.
func (s Site) EventID(id int64) string { return fmt.Sprintf("tag:%s,2026:event/%d", s.host(), id) }

// FeedID is the stable id of a feed.
func (s Site) FeedID(name string) string { return fmt.Sprintf("tag:%s,2026:feed/%s", s.host(), name) }

// FeedURL is where a feed is served in a format.
func (s Site) FeedURL(f *Feed, format Format) string {
	u := s.base() + "/feeds/" + f.Name + "." + string(format)
	if len(f.Query) > 0 {
		u += "?" + f.Query.Encode()
	}
	return u
}

// PageURL is a page of the site.
func (s Site) PageURL(path string) string { return s.base() + "/" + strings.TrimLeft(path, "/") }
