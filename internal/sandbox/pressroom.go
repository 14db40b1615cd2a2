package sandbox

import (
	"bytes"
	"html"
	"net/http"
	"net/url"
	"sort"
	"strconv"
)

// PressDateLayout is how the press room prints dates: in words, to the
// minute, in UTC and without saying so, as ministry sites do. It is the
// date_layout of an html source reading the press room.
const PressDateLayout = "2 January 2006, 15:04"

// pressRoutes imitates a government or party "press releases" page: what
// html sources read, with selectors a person would write for it.
func (h *host) pressRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /{name}/press", h.withAccount(servePress))
}

// PressURL returns the account's press-release listing, page 1.
func (a *Account) PressURL() string { return a.HomeURL() + "/press" }

// servePress answers ?page=N (1 when absent). Page 1 is the listing
// window, the same posts as the feeds and the home page; later pages go on
// with older posts in windows of the same size, as a CMS pages its archive.
// A page past the last is an empty list, as CMSs answer; a page number
// that is not one is 404.
func servePress(w http.ResponseWriter, r *http.Request, a *Account) {
	if a.isSuspended() {
		suspendedPage(w)
		return
	}
	page := 1
	if s := r.URL.Query().Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			notFound(w)
			return
		}
		page = n
	}
	// Rendered per request: pages other than the first are rare (backfill),
	// and the validators come from the bytes, so 304s still work.
	a.mu.RLock()
	body := a.renderPress(page)
	gen, changed := a.gen, a.changed
	a.mu.RUnlock()
	var out rendered
	out.update(body, gen, changed)
	serveRendered(w, r, htmlType, out)
}

// pressPosts returns the posts of press page n (from 1) and whether an
// older page follows. Caller holds mu.
func (a *Account) pressPosts(n int) ([]*post, bool) {
	if a.empty {
		return nil, false
	}
	if a.limit <= 0 {
		// An unlimited window is one page holding everything.
		if n == 1 {
			return a.listing(), false
		}
		return nil, false
	}
	if n == 1 {
		list := a.listing()
		return list, a.liveListed() > len(list)
	}
	// listing() stops at the window, so later pages sort the same way
	// themselves.
	var all []*post
	for _, p := range a.posts {
		if p.state == stateLive && !p.hidden {
			all = append(all, p)
		}
	}
	sort.Slice(all, func(i, j int) bool {
		if !all[i].Published.Equal(all[j].Published) {
			return all[i].Published.After(all[j].Published)
		}
		return all[i].seq > all[j].seq
	})
	from := (n - 1) * a.limit
	if from >= len(all) {
		return nil, false
	}
	to := min(from+a.limit, len(all))
	return all[from:to], to < len(all)
}

// liveListed counts the posts listings may show. Caller holds mu.
func (a *Account) liveListed() int {
	n := 0
	for _, p := range a.posts {
		if p.state == stateLive && !p.hidden {
			n++
		}
	}
	return n
}

// renderPress renders press page n. Links are relative to a <base> (the
// account's folder), as CMS templates write them, so a collector must
// resolve them the way a browser does. Caller holds mu.
func (a *Account) renderPress(n int) []byte {
	list, more := a.pressPosts(n)
	var b bytes.Buffer
	title := "Press releases — " + a.name
	if n > 1 {
		title += " — page " + strconv.Itoa(n)
	}
	startPage(&b, title, `<base href="`+html.EscapeString(a.HomeURL()+"/")+"\">\n"+
		`<meta name="viewport" content="width=device-width, initial-scale=1">`+"\n")
	b.WriteString(`<header class="site-header"><a class="logo" href="./">` + html.EscapeString(a.name) + "</a>\n")
	b.WriteString(`<nav class="menu"><ul><li><a href="./">Home</a></li><li><a href="press" aria-current="page">Press releases</a></li>` +
		`<li><a href="feed.rss">RSS</a></li></ul></nav></header>` + "\n")
	b.WriteString("<main>\n<h1>Press releases</h1>\n<div class=\"view-content\">\n")
	if len(list) == 0 {
		b.WriteString("<p class=\"empty\">No press releases found.</p>\n")
	}
	for _, p := range list {
		rel := "posts/" + url.PathEscape(p.ID)
		headline := p.Title
		if headline == "" {
			headline = a.name + " post " + p.ID
		}
		b.WriteString("<article class=\"press-release\">\n")
		b.WriteString(`<h2 class="title"><a href="` + html.EscapeString(rel) + `">` + html.EscapeString(headline) + "</a></h2>\n")
		b.WriteString(`<p class="date">` + p.Published.UTC().Format(PressDateLayout) + "</p>\n")
		b.WriteString(`<div class="summary">` + p.HTML + "</div>\n")
		b.WriteString(`<a class="more" href="` + html.EscapeString(rel) + `">Read more<span class="visually-hidden"> about ` +
			html.EscapeString(headline) + "</span></a>\n</article>\n")
	}
	b.WriteString("</div>\n<nav class=\"pager\">")
	if n > 1 {
		b.WriteString(`<a rel="prev" href="press?page=` + strconv.Itoa(n-1) + `">‹ Newer</a> `)
	}
	b.WriteString(`<span class="current">Page ` + strconv.Itoa(n) + "</span>")
	if more {
		b.WriteString(` <a rel="next" href="press?page=` + strconv.Itoa(n+1) + `">Older ›</a>`)
	}
	b.WriteString("</nav>\n</main>\n<footer><p>© " + html.EscapeString(a.name) + ". All rights reserved.</p></footer>\n")
	endPage(&b)
	return b.Bytes()
}
