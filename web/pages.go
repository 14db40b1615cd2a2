package web

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/feeds"
	"github.com/takedownwatch/takedownwatch/internal/clip"
	"github.com/takedownwatch/takedownwatch/monitor"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pages holds one parsed template set per page (each defines "content").
type pages struct {
	t map[string]*template.Template
}

func newPages() *pages {
	p := &pages{t: map[string]*template.Template{}}
	for _, name := range []string{"search", "post", "actor", "sources", "reports", "stats", "error"} {
		p.t[name] = template.Must(template.New("").Funcs(template.FuncMap{"textLang": textLang}).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html"))
	}
	return p
}

// feedLink is a <link rel="alternate"> of a page.
type feedLink struct{ Type, Title, Href string }

// page is what every page's layout needs.
type page struct {
	Title string
	Feeds []feedLink
}

func (h *Handler) feedLinks(name, title string) []feedLink {
	f := &feeds.Feed{Name: name}
	return []feedLink{
		{"application/atom+xml", title + " (Atom)", h.o.Site.FeedURL(f, feeds.Atom)},
		{"application/rss+xml", title + " (RSS)", h.o.Site.FeedURL(f, feeds.RSS)},
		{"application/feed+json", title + " (JSON Feed)", h.o.Site.FeedURL(f, feeds.JSON)},
	}
}

// render executes a page into a buffer first, so a template error is a
// clean 500 and never half a page.
func (h *Handler) render(w http.ResponseWriter, status int, name string, data any) {
	var b bytes.Buffer
	if err := h.pages.t[name].ExecuteTemplate(&b, "layout", data); err != nil {
		h.log.WithError(err).WithField("page", name).Error("render")
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

func (h *Handler) errorPage(w http.ResponseWriter, status int, msg string) {
	h.render(w, status, "error", struct {
		page
		Message string
	}{page{Title: http.StatusText(status)}, msg})
}

func (h *Handler) static(w http.ResponseWriter, r *http.Request) {
	sub, _ := fs.Sub(staticFS, "static")
	w.Header().Set("Cache-Control", h.cacheControl(3600))
	http.StripPrefix("/static/", http.FileServer(http.FS(sub))).ServeHTTP(w, r)
}

// scriptLangs are the languages told by their script alone: a browser
// picks a font for them and a screen reader a voice by the lang
// attribute, which the pages (lang="en") would otherwise give wrongly.
var scriptLangs = []struct {
	lang   string
	lo, hi rune
}{{"km", 0x1780, 0x17FF}, {"th", 0x0E00, 0x0E7F}, {"lo", 0x0E80, 0x0EFF}, {"my", 0x1000, 0x109F}}

// textLang is the language of a post's text when most of its letters are
// of one of those scripts, else "".
func textLang(s string) string {
	counts := make([]int, len(scriptLangs))
	letters := 0
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) && !unicode.Is(unicode.Mc, r) {
			continue
		}
		letters++
		for i, sl := range scriptLangs {
			if r >= sl.lo && r <= sl.hi {
				counts[i]++
			}
		}
	}
	for i, n := range counts {
		if letters > 0 && 2*n > letters {
			return scriptLangs[i].lang
		}
	}
	return ""
}

// fmtLag says a lag as people say one: "3 days 4 hours", "2 hours 5
// minutes", "64 seconds" (Go's "76h0m0s" is a programmer's).
func fmtLag(d time.Duration) string {
	unit := func(n int64, one string) string {
		if n == 1 {
			return "1 " + one
		}
		return strconv.FormatInt(n, 10) + " " + one + "s"
	}
	two := func(a int64, an string, b int64, bn string) string {
		if b == 0 {
			return unit(a, an)
		}
		return unit(a, an) + " " + unit(b, bn)
	}
	switch s := int64(d.Round(time.Second) / time.Second); {
	case s < 120:
		return unit(s, "second")
	case s < 3600:
		return two(s/60, "minute", 0, "")
	case s < 86400:
		return two(s/3600, "hour", s%3600/60, "minute")
	default:
		return two(s/86400, "day", s%86400/3600, "hour")
	}
}

// fmtTime shows a time to the second: a removal is bracketed by checks
// seconds apart, and an archivist cites the times the page shows.
func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

// eventView is an event as the pages show it.
type eventView struct {
	At, What, Class, Detail, Actor, ActorName, PostID, Words string
	Evidence                                                 []int64
}

var eventClass = map[string]string{
	store.EventNew: "live", store.EventEdited: "suspect", store.EventRemoved: "removed", store.EventRestored: "live",
	store.EventRestricted: "restricted", store.EventReported: "suspect", store.EventAccountGone: "removed",
	store.EventMetricsAnomaly: "suspect",
}

func (h *Handler) eventViews(r *http.Request, events []*store.EventRow) []eventView {
	out := make([]eventView, 0, len(events))
	for _, e := range events {
		what := e.Type
		if e.Type == store.EventRemoved {
			what = "removed — " + feeds.ReasonWords(e.Reason)
		}
		detail := feeds.DetailWords(e.Detail)
		switch {
		case e.Detail == "":
		case e.Type == store.EventRestored: // the detail is the reason it had been gone for
			detail = "had been " + feeds.ReasonWords(e.Detail)
		case e.Type == store.EventReported: // the detail is who reported it
			detail = "by " + e.Detail
		}
		if e.Metric != nil {
			detail = e.Metric.Name + ": " + strconv.FormatFloat(e.Metric.From, 'f', -1, 64) + " → " + strconv.FormatFloat(e.Metric.To, 'f', -1, 64)
		}
		v := eventView{At: fmtTime(e.At), What: what, Class: eventClass[e.Type], Detail: detail, Actor: e.Actor,
			ActorName: e.ActorName, PostID: e.PostID, Evidence: e.Evidence}
		if e.PostID != "" {
			text, _ := h.o.Store.TextAt(r.Context(), e.PostID, e.At)
			v.Words = words(text)
		}
		out = append(out, v)
	}
	return out
}

func words(text string) string {
	s := clip.Words(text, 14, 110)
	if s == "" {
		return "(no text)"
	}
	return s
}

// searchPage is / : the search form, results with facets, or the latest
// changes when nothing was asked.
func (h *Handler) searchPage(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	q, err := h.parseSearch(r, v)
	data := struct {
		page
		Q                                   SearchQuery
		State, Actor, Since, Until          string
		States, Sorts                       []string
		Actors                              []store.Actor
		Problem, Took, FeedHref, Prev, Next string
		WiderHref                           string
		Result                              *SearchResult
		Hits                                []hitView
		Facets                              []facetView
		Recent                              []eventView
		Filters                             []filterView
	}{page: page{Title: "Search", Feeds: h.feedLinks("removals", "Removals")}, Q: q, Filters: activeFilters(v),
		State: v.Get("state"), Actor: v.Get("actor"), Since: v.Get("since"), Until: v.Get("until"),
		States: store.States, Sorts: Sorts}
	if data.Q.Sort == "" {
		data.Q.Sort = "relevance"
	}
	data.Actors, _ = h.o.Store.Actors(r.Context())
	status := http.StatusOK
	switch {
	case err != nil:
		data.Problem, status = err.Error(), http.StatusBadRequest
	case !q.asked():
		events, err := h.o.Store.Events(r.Context(), store.EventQuery{Fold: true, Limit: 50,
			Types: []string{store.EventRemoved, store.EventAccountGone, store.EventRestricted, store.EventRestored, store.EventEdited,
				store.EventReported, store.EventMetricsAnomaly}})
		if err != nil {
			h.errorPage(w, http.StatusInternalServerError, "The archive does not answer.")
			return
		}
		data.Recent = h.eventViews(r, events)
	case h.o.Search == nil:
		data.Problem, status = "Search is not available on this server (no index).", http.StatusServiceUnavailable
	default:
		q.Facets = true
		res, err := h.o.Search.Search(r.Context(), q)
		if err != nil {
			var qe *QueryError
			if errors.As(err, &qe) {
				data.Problem, status = qe.Error(), http.StatusBadRequest
				break
			}
			h.log.WithError(err).Error("search")
			h.errorPage(w, http.StatusInternalServerError, "The search failed.")
			return
		}
		data.Result, data.Took = res, fmtTook(res.Took)
		actors := map[string]string{}
		for _, a := range data.Actors {
			actors[a.ID] = a.Name
		}
		counts, _ := h.o.Store.VersionCounts(r.Context(), res.PostIDs()) // none on failure: the hits still show
		for _, hit := range res.Hits {
			data.Hits = append(data.Hits, hitView{hit, template.HTML(safeSnippet(hit.Snippet)), actors[hit.Actor], fmtTime(hit.Published),
				textLang(hit.Snippet), counts[hit.PostID]})
		}
		data.Facets = facetViews(v, res.Facets, actors)
		if q.Offset > 0 {
			data.Prev = pageHref(v, max(0, q.Offset-q.Limit))
		}
		if uint64(q.Offset+len(res.Hits)) < res.Total {
			data.Next = pageHref(v, q.Offset+q.Limit)
		}
		if res.Wider != "" {
			wv := cloneValues(v)
			wv.Set("q", res.Wider)
			wv.Del("offset")
			data.WiderHref = "/?" + wv.Encode()
		}
		fv := url.Values{}
		if q.Q != "" {
			fv.Set("q", q.Q)
		}
		for _, s := range q.States {
			fv.Add("state", s)
		}
		data.FeedHref = h.o.Site.FeedURL(&feeds.Feed{Name: "search", Query: fv}, feeds.Atom)
	}
	h.render(w, status, "search", data)
}

// filterView is a filter the search form has no field for (a facet
// followed): carried along as a hidden field, shown with a link that
// drops it.
type filterView struct {
	Name, Value, Label, Remove string
}

// hiddenFilters are the parameters the search form carries without a field.
var hiddenFilters = []struct{ param, label string }{
	{"reason", "reason"}, {"affiliation", "affiliation"}, {"platform", "platform"}, {"language", "language"},
	{"removed_since", "removed since"}, {"removed_until", "removed before"},
}

func activeFilters(v url.Values) []filterView {
	var out []filterView
	for _, f := range hiddenFilters {
		for _, val := range v[f.param] {
			if val == "" {
				continue
			}
			q := cloneValues(v)
			q.Del("offset")
			q[f.param] = slices.DeleteFunc(q[f.param], func(s string) bool { return s == val })
			out = append(out, filterView{Name: f.param, Value: val, Label: f.label + ": " + val, Remove: "/?" + q.Encode()})
		}
	}
	return out
}

type hitView struct {
	SearchHit
	Snippet   template.HTML
	ActorName string
	Published string
	Lang      string // of the snippet's script (textLang)
	Versions  int    // the post's: a hit on an older one says so
}

type facetView struct {
	Name   string
	Counts []facetCount
}

type facetCount struct {
	Term, Label, Href string
	Count             int
}

// facetParams maps a facet to the query parameter that filters on it.
var facetParams = []struct{ facet, param, name string }{
	{"reason", "reason", "Reason"}, {"actor", "actor", "Actor"}, {"affiliation", "affiliation", "Affiliation"},
	{"platform", "platform", "Platform"}, {"month", "", "Month"},
}

// facetViews are the facets as links that narrow the search; actors are
// shown by name (names, by id).
func facetViews(v url.Values, facets map[string][]store.Count, names map[string]string) []facetView {
	var out []facetView
	for _, fp := range facetParams {
		counts := facets[fp.facet]
		if len(counts) == 0 {
			continue
		}
		fv := facetView{Name: fp.name}
		for _, c := range counts {
			q := cloneValues(v)
			q.Del("offset") // a narrower search starts at its first page
			if fp.param != "" {
				q.Set(fp.param, c.Term)
			} else if t, err := time.Parse("2006-01", c.Term); err == nil {
				q.Set("since", t.Format("2006-01-02"))
				q.Set("until", t.AddDate(0, 1, 0).Format("2006-01-02"))
			}
			label := c.Term
			if n := names[c.Term]; fp.facet == "actor" && n != "" {
				label = n
			}
			fv.Counts = append(fv.Counts, facetCount{Term: c.Term, Label: label, Count: c.Count, Href: "/?" + q.Encode()})
		}
		out = append(out, fv)
	}
	return out
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

func pageHref(v url.Values, offset int) string {
	q := cloneValues(v)
	if offset > 0 {
		q.Set("offset", strconv.Itoa(offset))
	} else {
		q.Del("offset")
	}
	return "/?" + q.Encode()
}

// maxQueryRunes bounds a query's length.
const maxQueryRunes = 2000

// QueryError is a search the user asked wrongly (a 400, never a 500).
type QueryError struct{ Msg string }

func (e *QueryError) Error() string { return e.Msg }

func (q SearchQuery) asked() bool {
	return q.Q != "" || len(q.States)+len(q.Reasons)+len(q.Actors)+len(q.Affiliations)+len(q.Platforms)+len(q.Langs) > 0 ||
		!q.Since.IsZero() || !q.Until.IsZero()
}

// ParseSearch reads search parameters (the page's, the API's, the CLI's);
// bad ones are a QueryError.
func ParseSearch(v url.Values, defLimit int) (SearchQuery, error) {
	for name, vs := range v {
		for _, s := range vs {
			if !utf8.ValidString(s) {
				// a query in another encoding would find nothing, and be
				// shown back as bytes the page cannot show
				return SearchQuery{Limit: defLimit}, &QueryError{name + ": not valid UTF-8 text"}
			}
		}
	}
	q := SearchQuery{Q: strings.TrimSpace(v.Get("q")), Sort: v.Get("sort"), Limit: defLimit}
	if n := utf8.RuneCountInString(q.Q); n > maxQueryRunes {
		// counted in characters: a Khmer paragraph is three bytes a letter
		return q, &QueryError{fmt.Sprintf("the query is too long: %d characters, at most %d", n, maxQueryRunes)}
	}
	one := func(name string, allowed []string) ([]string, error) {
		var out []string
		for _, s := range v[name] {
			if s == "" {
				continue
			}
			if allowed != nil && !contains(allowed, s) {
				return nil, &QueryError{name + ": unknown value " + strconv.Quote(s)}
			}
			out = append(out, s)
		}
		return out, nil
	}
	var err error
	if q.States, err = one("state", store.States); err != nil {
		return q, err
	}
	if q.Reasons, err = one("reason", feeds.Reasons); err != nil {
		return q, err
	}
	if q.Affiliations, err = one("affiliation", config.Affiliations); err != nil {
		return q, err
	}
	if q.Platforms, err = one("platform", config.Platforms); err != nil {
		return q, err
	}
	q.Actors, _ = one("actor", nil)
	q.Langs, _ = one("language", nil)
	if q.Sort != "" && !contains(Sorts, q.Sort) {
		return q, &QueryError{"sort: want relevance, newest or removed"}
	}
	for _, t := range []struct {
		name string
		dst  *time.Time
	}{{"since", &q.Since}, {"until", &q.Until}, {"removed_since", &q.RemovedSince}, {"removed_until", &q.RemovedUntil}} {
		if s := v.Get(t.name); s != "" {
			d, err := parseWhen(s)
			if err != nil {
				return q, &QueryError{t.name + ": want a date (2026-01-31) or an RFC 3339 time"}
			}
			*t.dst = d
		}
	}
	if !q.Since.IsZero() && !q.Until.IsZero() && !q.Since.Before(q.Until) {
		return q, &QueryError{"since: must be before until"}
	}
	if !q.RemovedSince.IsZero() && !q.RemovedUntil.IsZero() && !q.RemovedSince.Before(q.RemovedUntil) {
		return q, &QueryError{"removed_since: must be before removed_until"}
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 100 {
			return q, &QueryError{"limit: 1 to 100"}
		}
		q.Limit = n
	}
	if s := v.Get("offset"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > 10000 {
			return q, &QueryError{"offset: 0 to 10000"}
		}
		q.Offset = n
	}
	return q, nil
}

// parseSearch is ParseSearch, with the actors checked (knownActors).
func (h *Handler) parseSearch(r *http.Request, v url.Values) (SearchQuery, error) {
	q, err := ParseSearch(v, 20)
	if err != nil {
		return q, err
	}
	return q, h.knownActors(r.Context(), q.Actors...)
}

// knownActors: an actor the archive does not hold is a QueryError, since
// the empty result would read as "no posts, no removals".
func (h *Handler) knownActors(ctx context.Context, ids ...string) error {
	for _, id := range ids {
		if _, err := h.o.Store.Actor(ctx, id); errors.Is(err, store.ErrNotFound) {
			return &QueryError{"actor: no actor " + strconv.Quote(id) + " in the archive"}
		}
	}
	return nil
}

// fmtTook is a search's time as a reader takes it in: whole milliseconds,
// and under one millisecond ten-microsecond steps rather than "0s".
func fmtTook(d time.Duration) string {
	if d < time.Millisecond {
		return d.Round(10 * time.Microsecond).String()
	}
	return d.Round(time.Millisecond).String()
}

func parseWhen(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Parse("2006-01-02", s)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// postPage is the evidence page of a post.
func (h *Handler) postPage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	p, err := h.o.Store.PostRowByID(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		h.errorPage(w, http.StatusNotFound, "No post with that id in this archive.")
		return
	}
	if err != nil {
		h.errorPage(w, http.StatusInternalServerError, "The archive does not answer.")
		return
	}
	versions, err := h.o.Store.Versions(r.Context(), id)
	if err != nil {
		h.errorPage(w, http.StatusInternalServerError, "The archive does not answer.")
		return
	}
	events, err := h.o.Store.Events(r.Context(), store.EventQuery{PostIDs: []string{id}, Limit: 500})
	if err != nil {
		h.errorPage(w, http.StatusInternalServerError, "The archive does not answer.")
		return
	}
	actorName := p.Actor
	if a, err := h.o.Store.Actor(r.Context(), p.Actor); err == nil {
		actorName = a.Name
	}
	type versionView struct {
		N                                int
		FirstSeen, LastSeen, Title, Text string
		Capture                          int64
		Media                            []*store.Capture
		Diff                             []diffLine
	}
	var vs []versionView
	for i, v := range versions {
		vv := versionView{N: i + 1, FirstSeen: fmtTime(v.FirstSeen), LastSeen: fmtTime(v.LastSeen), Title: v.Title, Text: v.Text, Capture: v.CaptureID}
		vv.Media, _ = h.o.Store.MediaOf(r.Context(), v.ID)
		if i > 0 {
			vv.Diff = diffLines(monitor.UnifiedDiff(versions[i-1].Text, v.Text, i, i+1))
		}
		vs = append(vs, vv)
	}
	// Newest first on the page.
	for i, j := 0, len(vs)-1; i < j; i, j = i+1, j-1 {
		vs[i], vs[j] = vs[j], vs[i]
	}
	type removalView struct {
		Detail, LastSeenLive, FirstSeenMissing string
		LikelyCorrection                       bool
		Evidence                               []int64
	}
	var removal *removalView
	if p.State == store.StateRemoved {
		for _, e := range events {
			if e.Type == store.EventRemoved && e.ID == p.RemovalEvent || removal == nil && e.Type == store.EventRemoved {
				removal = &removalView{Detail: feeds.DetailWords(e.Detail), LastSeenLive: fmtTime(e.LastSeenLive), FirstSeenMissing: fmtTime(e.FirstSeenMissing),
					LikelyCorrection: e.LikelyCorrection, Evidence: e.Evidence}
			}
		}
	}
	safe := ""
	if u, err := url.Parse(p.PostURL); err == nil && (u.Scheme == "https" || u.Scheme == "http") {
		safe = p.PostURL
	}
	type reportView struct {
		ID, Reporter, Kind, Filed, LegalBasis, Jurisdiction, SourceURL string
		Lag                                                            string
	}
	var reps []reportView
	if list, err := h.o.Store.ReportsOfPost(r.Context(), id); err == nil {
		for _, rp := range list {
			v := reportView{ID: rp.ID, Reporter: rp.Reporter, Kind: strings.ReplaceAll(rp.Kind, "_", " "), Filed: fmtTime(rp.FiledAt),
				LegalBasis: rp.LegalBasis, Jurisdiction: rp.Jurisdiction}
			if u, err := url.Parse(rp.SourceURL); err == nil && (u.Scheme == "https" || u.Scheme == "http") {
				v.SourceURL = rp.SourceURL
			}
			if p.State == store.StateRemoved && !rp.FiledAt.IsZero() && rp.FiledAt.Before(p.FirstSeenMissing) {
				v.Lag = fmtLag(p.FirstSeenMissing.Sub(rp.FiledAt))
			}
			reps = append(reps, v)
		}
	}
	feedsOf := h.feedLinks("actors/"+p.Actor, actorName)
	h.render(w, http.StatusOK, "post", struct {
		page
		Post                               *store.PostRow
		ActorName, ReasonWords, SafeURL    string
		Published, FirstSeen, LastSeenLive string
		Versions                           []versionView
		Events                             []eventView
		Removal                            *removalView
		Reports                            []reportView
	}{page{Title: postTitle(actorName, versions), Feeds: feedsOf}, p, actorName, feeds.ReasonWords(p.Reason), safe,
		fmtTime(p.Published), fmtTime(p.FirstSeen), fmtTime(p.LastSeenLive), vs, h.eventViews(r, events), removal, reps})
}

// postTitle names a post's page by its actor and first words, so tabs
// and bookmarks of several posts can be told apart.
func postTitle(actor string, versions []*store.Version) string {
	if len(versions) == 0 {
		return actor + " — post"
	}
	v := versions[len(versions)-1]
	w := clip.Words(v.Title+" "+v.Text, 8, 60)
	if strings.TrimSpace(w) == "" {
		return actor + " — post"
	}
	return actor + " — " + w
}

type diffLine struct{ Class, Text string }

func diffLines(d string) []diffLine {
	var out []diffLine
	for _, l := range strings.Split(strings.TrimRight(d, "\n"), "\n") {
		c := ""
		switch {
		case strings.HasPrefix(l, "@@"):
			c = "hunk"
		case strings.HasPrefix(l, "+") && !strings.HasPrefix(l, "+++"):
			c = "add"
		case strings.HasPrefix(l, "-") && !strings.HasPrefix(l, "---"):
			c = "del"
		}
		out = append(out, diffLine{c, l})
	}
	return out
}

// actorPage is an actor's timeline, removals and metrics.
func (h *Handler) actorPage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	a, err := h.o.Store.Actor(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		h.errorPage(w, http.StatusNotFound, "No actor with that id in this archive.")
		return
	}
	if err != nil {
		h.errorPage(w, http.StatusInternalServerError, "The archive does not answer.")
		return
	}
	ctx := r.Context()
	events, err1 := h.o.Store.Events(ctx, store.EventQuery{Actor: id, Fold: true, Limit: 100})
	reasons, err2 := h.o.Store.RemovalsByReason(ctx, id)
	posts, err3 := h.o.Store.RecentPosts(ctx, store.Filter{Actor: id}, 0, 100)
	type metricView struct {
		At, Name string
		Value    float64
	}
	// the latest readings of each metric: years of snapshots are the
	// chart's (downsampled) and export metrics' to show
	latest, err4 := h.o.Store.LatestMetrics(ctx, id, metricsPerSeries)
	var metrics []metricView
	var charts []chartView
	for _, m := range latest {
		metrics = append(metrics, metricView{fmtTime(m.At), m.Source + " " + m.Name, m.Value})
		if key := m.Source + "/" + m.Name; len(charts) == 0 || charts[len(charts)-1].Series != key {
			charts = append(charts, chartView{key, m.Source + " " + m.Name})
		}
	}
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		h.log.WithError(err).Error("actor page")
		h.errorPage(w, http.StatusInternalServerError, "The archive does not answer.")
		return
	}
	type postView struct{ ID, FirstSeen, State, Words string }
	var pv []postView
	for _, p := range posts {
		pv = append(pv, postView{p.ID, fmtTime(p.FirstSeen), p.State, words(p.Text)})
	}
	h.render(w, http.StatusOK, "actor", struct {
		page
		Actor      *store.Actor
		Reasons    []store.Count
		HasMetrics bool
		Metrics    []metricView
		Charts     []chartView
		Events     []eventView
		Posts      []postView
	}{page{Title: a.Name, Feeds: h.feedLinks("actors/"+id, a.Name)}, a, reasons, len(metrics) > 0, metrics, charts, h.eventViews(r, events), pv})
}

// chartView is one metric's chart on the actor page: each on its own axis.
type chartView struct{ Series, Name string }

// metricsPerSeries is how many of each metric's latest readings the actor
// page tables.
const metricsPerSeries = 30

// sourcesPage shows every source's health.
func (h *Handler) sourcesPage(w http.ResponseWriter, r *http.Request) {
	list, err := h.o.Store.Sources(r.Context())
	if err != nil {
		h.errorPage(w, http.StatusInternalServerError, "The archive does not answer.")
		return
	}
	type sourceView struct {
		store.SourceHealth
		State, Class, LastSuccess string
	}
	var out []sourceView
	for _, s := range list {
		v := sourceView{SourceHealth: s, State: s.Status, LastSuccess: fmtTime(s.LastSuccess)}
		switch {
		case !s.Active:
			v.State, v.Class = "inactive", "hidden"
		case s.Status == "gone":
			v.Class = "removed"
		case s.Status == "failing" || s.Status == "paused":
			v.Class = "suspect"
		case s.Pending.Class != "":
			v.State, v.Class = "account "+s.Pending.Class+"?", "suspect"
		default:
			v.Class = "live"
		}
		out = append(out, v)
	}
	health, err := h.o.Store.ReportChannels(r.Context())
	if err != nil {
		h.errorPage(w, http.StatusInternalServerError, "The archive does not answer.")
		return
	}
	byID := map[string]store.ChannelHealth{}
	for _, c := range health {
		byID[c.ID] = c
	}
	type channelView struct {
		ID, Kind, State, Class, LastSuccess, LastError, Error string
		Failures                                              int
	}
	var channels []channelView
	for _, ch := range h.o.ReportChannels {
		c := byID[ch.ID]
		v := channelView{ID: ch.ID, Kind: ch.Kind, State: c.State(), LastSuccess: fmtTime(c.LastSuccess), Failures: c.Failures, Error: c.Error}
		if !c.LastError.IsZero() {
			v.LastError = fmtTime(c.LastError)
		}
		v.Class = map[string]string{"never run": "hidden", "failing": "suspect", "ok": "live"}[v.State]
		channels = append(channels, v)
	}
	h.render(w, http.StatusOK, "sources", struct {
		page
		Sources  []sourceView
		Channels []channelView
	}{page{Title: "Sources", Feeds: h.feedLinks("events", "Every change")}, out, channels})
}
