package sandbox

import (
	"bytes"
	"html"
	"net/http"
	"net/url"
	"strings"
	"time"
)

const htmlType = "text/html; charset=utf-8"

// DateLayout is how pages print dates as text, for html sources'
// date_layout; <time datetime> always carries RFC 3339.
const DateLayout = "02 Jan 2006 15:04 MST"

// Texts of the answers that explain themselves, exported so tests match
// them without copying.
const (
	UnavailableText = "This content isn't available right now"
	WithheldText    = "This content is withheld in your country due to a legal demand."
	SuspendedText   = "This account has been suspended."
)

// webRoutes imitates the HTML side every platform has: pages people open.
func (h *host) webRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", h.serveIndex)
	mux.HandleFunc("GET /login", serveLogin)
	mux.HandleFunc("GET /{name}", h.withAccount(serveHome))
	mux.HandleFunc("GET /{name}/posts/{id}", h.withPost(h.servePermalink))
}

// serveIndex lists the host's accounts, so a person running demo can click.
func (h *host) serveIndex(w http.ResponseWriter, r *http.Request) {
	var b bytes.Buffer
	startPage(&b, "Sandbox host "+hostIP(h.index), "")
	b.WriteString("<ul class=\"accounts\">\n")
	for _, a := range h.accountList() {
		b.WriteString(`<li><a href="` + html.EscapeString(a.HomeURL()) + `">` + html.EscapeString(a.name) + "</a></li>\n")
	}
	b.WriteString("</ul>\n")
	endPage(&b)
	writePage(w, http.StatusOK, b.Bytes())
}

func serveLogin(w http.ResponseWriter, r *http.Request) {
	var b bytes.Buffer
	startPage(&b, "Log in", "")
	b.WriteString(`<form class="login" method="post" action="/login">` + "\n")
	b.WriteString(`<input type="hidden" name="next" value="` + html.EscapeString(r.URL.Query().Get("next")) + "\">\n")
	b.WriteString(`<label>Email or username <input type="text" name="username"></label>` + "\n")
	b.WriteString(`<label>Password <input type="password" name="password"></label>` + "\n")
	b.WriteString("<button type=\"submit\">Log in</button>\n</form>\n")
	endPage(&b)
	writePage(w, http.StatusOK, b.Bytes())
}

func serveHome(w http.ResponseWriter, r *http.Request, a *Account) {
	if a.isSuspended() {
		suspendedPage(w)
		return
	}
	serveRendered(w, r, htmlType, a.cached(func() *rendered { return &a.home }, a.renderHome))
}

// renderHome lists the same window as the feeds, with classes an html
// source can select: li.item, a.link, div.text, time. Caller holds mu.
func (a *Account) renderHome() []byte {
	var b bytes.Buffer
	head := `<link rel="alternate" type="application/rss+xml" href="` + html.EscapeString(a.FeedURL()) + "\">\n" +
		`<link rel="alternate" type="application/atom+xml" href="` + html.EscapeString(a.AtomURL()) + "\">\n"
	startPage(&b, a.name, head)
	b.WriteString("<h1>" + html.EscapeString(a.name) + "</h1>\n<ul class=\"posts\">\n")
	for _, p := range a.listing() {
		b.WriteString(`<li class="item"><a class="link" href="` + html.EscapeString(a.PostURL(p.ID)) + `">`)
		b.WriteString(html.EscapeString(p.Title) + "</a> ")
		timeTag(&b, p.Published)
		b.WriteString("\n<div class=\"text\">" + p.HTML + "</div></li>\n")
	}
	b.WriteString("</ul>\n")
	endPage(&b)
	return b.Bytes()
}

// servePermalink answers for one post as its state says.
func (h *host) servePermalink(w http.ResponseWriter, r *http.Request, a *Account) {
	a.mu.RLock()
	suspended := a.suspended
	p := a.posts[r.PathValue("id")]
	var st post
	if p != nil {
		st = post{state: p.state, deleteMode: p.deleteMode, restrictMode: p.restrictMode, blockedBy: p.blockedBy}
	}
	a.mu.RUnlock()
	switch {
	case suspended:
		suspendedPage(w)
	case p == nil:
		notFound(w)
	case st.state == stateDeleted:
		switch st.deleteMode {
		case Gone404:
			notFound(w)
		case Gone410:
			messagePage(w, http.StatusGone, "Gone", "This post has been deleted.")
		case Soft404:
			messagePage(w, http.StatusOK, "Content not available", UnavailableText+
				". When this happens, it's usually because the owner only shared it with a small group of people, changed who can see it or it's been deleted.")
		case RedirectHome:
			http.Redirect(w, r, a.HomeURL(), http.StatusFound)
		}
	case st.state == stateWithheld:
		if st.blockedBy != "" {
			w.Header().Set("Link", "<"+st.blockedBy+`>; rel="blocked-by"`)
		}
		messagePage(w, http.StatusUnavailableForLegalReasons, "Unavailable for legal reasons", WithheldText)
	case st.state == stateRestricted:
		switch st.restrictMode {
		case Forbidden403:
			messagePage(w, http.StatusForbidden, "Forbidden", "You don't have permission to view this content.")
		case LoginRedirect:
			http.Redirect(w, r, h.base+"/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusFound)
		}
	default:
		serveRendered(w, r, htmlType, a.cached(func() *rendered { return &p.page }, func() []byte { return a.renderPost(p) }))
	}
}

// renderPost renders a permalink page: the post's HTML, raw, alone inside
// <article class="post"> so its text is exactly the post's. Caller holds mu.
func (a *Account) renderPost(p *post) []byte {
	var b bytes.Buffer
	title := p.Title
	if title == "" {
		title = a.name + " post " + p.ID
	}
	startPage(&b, title, `<link rel="canonical" href="`+html.EscapeString(a.PostURL(p.ID))+"\">\n")
	b.WriteString(`<header><a class="account" href="` + html.EscapeString(a.HomeURL()) + `">` + html.EscapeString(a.name) + "</a></header>\n<main>\n")
	if p.Title != "" {
		b.WriteString("<h1>" + html.EscapeString(p.Title) + "</h1>\n")
	}
	b.WriteString("<p class=\"meta\">Published ")
	timeTag(&b, p.Published)
	b.WriteString("</p>\n<article class=\"post\">" + p.HTML + "</article>\n")
	if encs := a.enclosures(p); len(encs) > 0 {
		b.WriteString("<ul class=\"media\">\n")
		for _, e := range encs {
			u := html.EscapeString(e.url)
			if strings.HasPrefix(e.contentType, "image/") {
				b.WriteString(`<li><img class="media" src="` + u + "\" alt=\"\"></li>\n")
			} else {
				b.WriteString(`<li><a class="media" href="` + u + `">` + u + "</a></li>\n")
			}
		}
		b.WriteString("</ul>\n")
	}
	b.WriteString("</main>\n")
	endPage(&b)
	return b.Bytes()
}

func timeTag(b *bytes.Buffer, t time.Time) {
	t = t.UTC()
	b.WriteString(`<time datetime="` + t.Format(time.RFC3339) + `">` + t.Format(DateLayout) + "</time>")
}

func startPage(b *bytes.Buffer, title, head string) {
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
	b.WriteString(html.EscapeString(title))
	b.WriteString("</title>\n")
	b.WriteString(head)
	b.WriteString("</head>\n<body>\n")
}

func endPage(b *bytes.Buffer) { b.WriteString("</body>\n</html>\n") }

func writePage(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", htmlType)
	w.WriteHeader(status)
	_, _ = w.Write(body) // the client went away; nothing to tell it
}

// messagePage answers status with a page whose only paragraph is msg, a
// constant written unescaped so its words (apostrophes included) appear in
// the body exactly as the exported texts say.
func messagePage(w http.ResponseWriter, status int, title, msg string) {
	var b bytes.Buffer
	startPage(&b, title, "")
	b.WriteString("<main><p class=\"message\">" + msg + "</p></main>\n")
	endPage(&b)
	writePage(w, status, b.Bytes())
}

func notFound(w http.ResponseWriter) {
	messagePage(w, http.StatusNotFound, "Page not found", "Sorry, this page isn't available.")
}

// suspendedPage is what every path of a suspended account answers.
func suspendedPage(w http.ResponseWriter) {
	messagePage(w, http.StatusGone, "Account suspended", SuspendedText)
}
