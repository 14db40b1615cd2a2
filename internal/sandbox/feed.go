package sandbox

import (
	"bytes"
	"net/http"
	"strconv"
	"time"
)

const (
	rssType  = "application/rss+xml; charset=utf-8"
	atomType = "application/atom+xml; charset=utf-8"
)

// feedRoutes imitates a blog or news site's plain feeds.
func (h *host) feedRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /{name}/feed.rss", h.withAccount(serveRSS))
	mux.HandleFunc("GET /{name}/feed.atom", h.withAccount(serveAtom))
}

func serveRSS(w http.ResponseWriter, r *http.Request, a *Account) {
	if a.isSuspended() {
		suspendedPage(w)
		return
	}
	serveRendered(w, r, rssType, a.cached(func() *rendered { return &a.rss }, a.renderRSS))
}

func serveAtom(w http.ResponseWriter, r *http.Request, a *Account) {
	if a.isSuspended() {
		suspendedPage(w)
		return
	}
	serveRendered(w, r, atomType, a.cached(func() *rendered { return &a.atom }, a.renderAtom))
}

func (a *Account) isSuspended() bool {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.suspended
}

// listingUpdated dates a listing by its own content, not by the account's
// last change, so the bytes (and the ETag) move only when the items do.
func (a *Account) listingUpdated(list []*post) time.Time {
	t := a.created
	for _, p := range list {
		if p.updated.After(t) {
			t = p.updated
		}
	}
	return t.UTC()
}

// renderRSS renders the listing as RSS 2.0. Caller holds mu.
func (a *Account) renderRSS() []byte {
	list := a.listing()
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">` + "\n<channel>\n")
	element(&b, "title", a.name)
	element(&b, "link", a.HomeURL())
	element(&b, "description", "Posts of "+a.name)
	b.WriteString(`<atom:link rel="self" type="application/rss+xml" href="`)
	writeXML(&b, a.FeedURL())
	b.WriteString("\"/>\n")
	element(&b, "lastBuildDate", a.listingUpdated(list).Format(time.RFC1123Z))
	for _, p := range list {
		link := a.PostURL(p.ID)
		b.WriteString("<item>\n")
		if p.Title != "" {
			element(&b, "title", p.Title)
		}
		element(&b, "link", link)
		b.WriteString(`<guid isPermaLink="true">`)
		writeXML(&b, link)
		b.WriteString("</guid>\n")
		element(&b, "pubDate", p.Published.UTC().Format(time.RFC1123Z))
		element(&b, "description", p.HTML)
		for _, e := range a.enclosures(p) {
			b.WriteString(`<enclosure url="`)
			writeXML(&b, e.url)
			b.WriteString(`" length="` + strconv.Itoa(e.size) + `" type="`)
			writeXML(&b, e.contentType)
			b.WriteString("\"/>\n")
		}
		b.WriteString("</item>\n")
	}
	b.WriteString("</channel>\n</rss>\n")
	return b.Bytes()
}

// renderAtom renders the listing as Atom 1.0. Caller holds mu.
func (a *Account) renderAtom() []byte {
	list := a.listing()
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<feed xmlns="http://www.w3.org/2005/Atom">` + "\n")
	element(&b, "id", a.tagURI(""))
	element(&b, "title", a.name)
	element(&b, "updated", a.listingUpdated(list).Format(time.RFC3339))
	link(&b, "self", "application/atom+xml", a.AtomURL(), -1)
	link(&b, "alternate", "text/html", a.HomeURL(), -1)
	b.WriteString("<author>")
	element(&b, "name", a.name)
	b.WriteString("</author>\n")
	for _, p := range list {
		b.WriteString("<entry>\n")
		element(&b, "id", a.tagURI("/posts/"+p.ID))
		element(&b, "title", p.Title)
		link(&b, "alternate", "text/html", a.PostURL(p.ID), -1)
		element(&b, "published", p.Published.UTC().Format(time.RFC3339))
		element(&b, "updated", p.updated.UTC().Format(time.RFC3339))
		b.WriteString(`<content type="html">`)
		writeXML(&b, p.HTML)
		b.WriteString("</content>\n")
		for _, e := range a.enclosures(p) {
			link(&b, "enclosure", e.contentType, e.url, e.size)
		}
		b.WriteString("</entry>\n")
	}
	b.WriteString("</feed>\n")
	return b.Bytes()
}

// link writes an Atom link; length < 0 leaves the attribute out.
func link(b *bytes.Buffer, rel, typ, href string, length int) {
	b.WriteString(`<link rel="` + rel + `" type="`)
	writeXML(b, typ)
	b.WriteString(`" href="`)
	writeXML(b, href)
	if length >= 0 {
		b.WriteString(`" length="` + strconv.Itoa(length))
	}
	b.WriteString("\"/>\n")
}
