package sandbox

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
	"weak"
)

// The Facebook imitation: every account is also a Facebook Page of its
// host, read through the Graph API in the shapes graph.facebook.com answers
// with (see ../shared/fixtures/facebook/graph):
//
//	GET /graph/v19.0/{page}                    the Page by name or id: id, name, username, fan_count, followers_count, link
//	GET /graph/v19.0/{page}/posts              the listing, newest first, paged by cursor
//	GET /graph/v19.0/{page-id}_{post-id}       one post, answering as its post's state says
//
// Everything lives under /graph/v19.0/ so that no pattern overlaps the
// other imitations' (/{name}/posts/{id}, /{name}/feed.rss, /api/v1/…).
// A Page's id is a 15-digit number and a post's a 16-digit one, both
// derived from the host index, account name and post id, so they are the
// same in every run and unique across hosts; a post's Graph id is
// "PAGEID_POSTID", as Graph writes it. permalink_url is the account's web
// permalink (PostURL), so a logged-out check of it meets web.go.
//
// Tokens: every request needs an access_token (query parameter, or an
// Authorization "Bearer"/"OAuth" header); none answers code 104. Any
// non-empty token passes until SetGraphToken names the valid one; then
// every other token answers 190/463, an expired session.
//
// The listing is the shared listing window (listing limit, empty listing,
// hidden posts) cut into pages of `limit` posts (default 25, at most 100),
// with paging.cursors and paging.next as Graph pages. Graph's quirk of an
// empty page that still carries next is shown where the window ends: the
// page after the last post is {"data":[]} with a next, and following it
// gives {"data":[]} without paging. The window caps the whole listing, so
// posts leave a Graph listing as they leave a feed. paging.next echoes the
// token as real Graph links do (access_token=…): a client must not follow
// it blindly, and an archive must scrub it.
//
// Per-post answers of /{page-id}_{post-id}: live (hidden from the listing
// or not) → 200; deleted, whatever its DeleteMode → 400 code 100 subcode 33
// "Unsupported get request. Object with ID … does not exist", as Graph has
// no tombstone; withheld → the same 100/33, since Graph shows a post
// blocked in the viewer's country no other way that is known (the web
// permalink answers 451, which a checker may read to tell the reason);
// restricted, either RestrictMode → 400 code 10, a permission error. A
// suspended account's Page answers 100/33 itself, and so do its posts and
// its listing.
//
// SetGraphHidden marks a post is_hidden, its owner having hidden it: a
// Graph-only state, since no other imitation has one.
//
// Account metrics (SetMetric) show as fan_count ("likes") and
// followers_count ("followers").
//
// Failures: the shared queues answer in Graph's shape — Status(5xx) as
// code 2 "An unexpected error has occurred", TooMany as code 32 (a Page
// request limit) with X-Page-Usage at 100, Malformed as JSON cut off; Slow
// and Reset as everywhere. FailGraph queues Graph errors for the next
// requests of every host: rate limits 4, 17, 32, 613 and 80001 with their
// usage headers at 100, and the transient codes 1 and 2. Every answer
// carries X-App-Usage (SetGraphUsage sets its percentages).

const (
	graphVersion = "v19.0"
	graphPrefix  = "/graph/" + graphVersion
	// Page sizes of the posts edge, as Graph has them.
	graphPageSize    = 25
	graphMaxPageSize = 100
	// graphTime is how Graph writes times: ISO 8601 with a +0000 offset.
	graphTime = "2006-01-02T15:04:05-0700"
	graphType = "application/json; charset=UTF-8"
	// graphDocs ends the messages of GraphMethodException.
	graphDocs = " Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api"
)

// graphEndCursor is the cursor of the empty page past the window's end.
var graphEndCursor = base64.StdEncoding.EncodeToString([]byte("end"))

// graphRoutes imitates the Graph API's Page endpoints.
func (h *host) graphRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET "+graphPrefix+"/{node}", h.graphNode)
	mux.HandleFunc("GET "+graphPrefix+"/{node}/posts", h.graphPosts)
}

// GraphAPIBase returns the Graph API base of the account's host, version
// included: a facebook source's api_base.
func (a *Account) GraphAPIBase() string { return a.h.base + graphPrefix }

// FacebookURL returns the Page's URL as a person copies it from a browser,
// http://host/name: a facebook source's url (it is also the web home page).
func (a *Account) FacebookURL() string { return a.HomeURL() }

// FacebookPageID returns the account's Page id.
func (a *Account) FacebookPageID() string {
	return graphID(100_000_000_000_000, "page", strconv.Itoa(a.h.index), a.name)
}

// FacebookPostID returns the Graph id of post id, published or not:
// "PAGEID_POSTID".
func (a *Account) FacebookPostID(id string) string {
	return a.FacebookPageID() + "_" + a.facebookPostPart(id)
}

// FacebookPostURL returns the post's permalink_url, the account's web
// permalink of it.
func (a *Account) FacebookPostURL(id string) string { return a.PostURL(id) }

func (a *Account) facebookPostPart(id string) string {
	return graphID(1_000_000_000_000_000, "post", strconv.Itoa(a.h.index), a.name, id)
}

// graphID hashes parts into a decimal id of lo's number of digits.
func graphID(lo uint64, parts ...string) string {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return strconv.FormatUint(lo+h.Sum64()%(9*lo), 10)
}

// graphState is the Graph settings of one Sandbox, shared by its hosts.
type graphState struct {
	mu        sync.Mutex
	token     string // "" accepts any non-empty token
	fails     []graphFail
	appUsage  int
	pageUsage int
	traces    uint64
	// hidden are the posts whose owner hid them (SetGraphHidden), by
	// graphHiddenKey.
	hidden map[string]bool
}

func graphHiddenKey(a *Account, id string) string {
	return strconv.Itoa(a.h.index) + "/" + a.name + "/" + id
}

func (g *graphState) isHidden(a *Account, id string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.hidden[graphHiddenKey(a, id)]
}

type graphFail struct {
	left int // < 0: until ClearGraphFailures
	code int
}

// graphStates holds each Sandbox's graphState. A Sandbox has no field for
// it (its struct belongs to every imitation), so the state is keyed by a
// weak pointer and dropped when its Sandbox is collected.
var graphStates sync.Map // weak.Pointer[Sandbox] → *graphState

func (sb *Sandbox) graph() *graphState {
	k := weak.Make(sb)
	if v, ok := graphStates.Load(k); ok {
		return v.(*graphState)
	}
	v, loaded := graphStates.LoadOrStore(k, &graphState{appUsage: 1})
	if !loaded {
		runtime.AddCleanup(sb, func(k weak.Pointer[Sandbox]) { graphStates.Delete(k) }, k)
	}
	return v.(*graphState)
}

// SetGraphToken makes valid the only access token the Graph imitation
// accepts; every other one answers 190/463 ("Session has expired"), as a
// token past its expiry does. "" (the default) accepts any non-empty token.
func (sb *Sandbox) SetGraphToken(valid string) {
	g := sb.graph()
	g.mu.Lock()
	g.token = valid
	g.mu.Unlock()
}

// SetGraphHidden makes Graph say that the owner hid post id of a (Graph's
// is_hidden), or no longer. It is Graph's alone, not the shared model's:
// the web permalink and other imitations still show the post as its state
// says. A hidden post answers is_hidden: true and stays in the posts
// edge, marked so.
func (sb *Sandbox) SetGraphHidden(a *Account, id string, hidden bool) {
	if _, ok := a.Post(id); !ok {
		panic(fmt.Sprintf("sandbox: account %q has no post %q", a.name, id))
	}
	g := sb.graph()
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.hidden == nil {
		g.hidden = map[string]bool{}
	}
	g.hidden[graphHiddenKey(a, id)] = hidden
}

// Graph error codes FailGraph can answer with: the rate limits and the
// transient errors Graph sends.
var graphFailCodes = map[int]bool{1: true, 2: true, 4: true, 17: true, 32: true, 613: true, 80001: true}

// FailGraph makes the next n Graph API requests, to any host, answer with
// Graph error code (n < 0: until ClearGraphFailures): the rate limits 4
// (application), 17 (user), 32 (Page), 613 (calls of an API) and 80001 (a
// Page's business use case), each with its usage header at 100, or the
// transient errors 1 and 2. It panics on another code. Graph failures come
// after the token check and before the shared queues.
func (sb *Sandbox) FailGraph(n, code int) {
	if !graphFailCodes[code] {
		panic(fmt.Sprintf("sandbox: FailGraph: code %d is not a Graph rate limit or transient error", code))
	}
	if n == 0 {
		return
	}
	g := sb.graph()
	g.mu.Lock()
	g.fails = append(g.fails, graphFail{left: n, code: code})
	g.mu.Unlock()
}

// ClearGraphFailures drops the Graph failures FailGraph queued.
func (sb *Sandbox) ClearGraphFailures() {
	g := sb.graph()
	g.mu.Lock()
	g.fails = nil
	g.mu.Unlock()
}

// SetGraphUsage sets the percentages X-App-Usage (app) and X-Page-Usage
// (page; not sent while 0) show on every Graph answer. Values of 100 and
// more say the caller is being throttled; the answer itself still is
// served.
func (sb *Sandbox) SetGraphUsage(app, page int) {
	g := sb.graph()
	g.mu.Lock()
	g.appUsage, g.pageUsage = app, page
	g.mu.Unlock()
}

// nextFail takes the Graph failure for one request, if any is queued.
func (g *graphState) nextFail() (int, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.fails) == 0 {
		return 0, false
	}
	head := &g.fails[0]
	code := head.code
	if head.left > 0 {
		head.left--
		if head.left == 0 {
			g.fails = g.fails[1:]
		}
	}
	return code, true
}

// trace is an fbtrace_id: opaque, different for every answer, the same in
// every run.
func (g *graphState) trace() string {
	g.mu.Lock()
	g.traces++
	n := g.traces
	g.mu.Unlock()
	h := fnv.New64a()
	fmt.Fprintf(h, "trace %d", n)
	return base64.RawStdEncoding.EncodeToString(h.Sum(nil))[:11]
}

// graphErr is the "error" object of a Graph error answer, in its field order.
type graphErr struct {
	Message     string `json:"message"`
	Type        string `json:"type"`
	IsTransient bool   `json:"is_transient,omitempty"`
	Code        int    `json:"code"`
	Subcode     int    `json:"error_subcode,omitempty"`
	FBTraceID   string `json:"fbtrace_id"`
}

// graphError answers status with e, and the WWW-Authenticate header Graph
// sends with its 4xx errors.
func (g *graphState) graphError(w http.ResponseWriter, status int, e graphErr) {
	e.FBTraceID = g.trace()
	if status < 500 {
		kind := "invalid_request"
		if e.Code == 190 || e.Code == 104 {
			kind = "invalid_token"
		}
		w.Header().Set("WWW-Authenticate", `OAuth "Facebook Platform" "`+kind+`" "`+strings.ReplaceAll(e.Message, `"`, `'`)+`"`)
	}
	writeGraphJSON(w, status, map[string]graphErr{"error": e})
}

// notFound answers Graph's one signal of a missing object: 100/33.
func (g *graphState) notFound(w http.ResponseWriter, id string) {
	g.graphError(w, http.StatusBadRequest, graphErr{
		Message: "Unsupported get request. Object with ID '" + id + "' does not exist, cannot be loaded due to missing permissions, or does not support this operation." + graphDocs,
		Type:    "GraphMethodException", Code: 100, Subcode: 33,
	})
}

// graphFailBody is the error of each code FailGraph answers with, as
// Graph words it (32's "limited" is Facebook's own typo, as captured).
func graphFailBody(code int) (int, graphErr) {
	e := graphErr{Type: "OAuthException", Code: code, IsTransient: true}
	status := http.StatusBadRequest
	switch code {
	case 1:
		e.Message, status = "An unknown error occurred", http.StatusInternalServerError
	case 2:
		e.Message, status = "An unexpected error has occurred. Please retry your request later.", http.StatusInternalServerError
	case 4:
		e.Message = "(#4) Application request limit reached"
	case 17:
		e.Message = "(#17) User request limit reached"
	case 32:
		e.Message = "(#32) Page request limited reached"
	case 613:
		e.Message = "(#613) Calls to this api have exceeded the rate limit."
	case 80001:
		e.Message = "(#80001) There have been too many calls to this Page account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting."
	}
	return status, e
}

// usage renders a usage header's value at pct.
func usage(pct int) string {
	return fmt.Sprintf(`{"call_count":%d,"total_cputime":%d,"total_time":%d}`, pct, max(pct/2, 0), max(pct/2, 0))
}

// rateHeaders sets the usage header a rate-limit code comes with.
func rateHeaders(w http.ResponseWriter, code int, business string) {
	switch code {
	case 4, 17, 613:
		w.Header().Set("X-App-Usage", usage(100))
	case 32:
		w.Header().Set("X-Page-Usage", usage(100))
	case 80001:
		w.Header().Set("X-Business-Use-Case-Usage",
			`{"`+business+`":[{"type":"pages","call_count":100,"total_cputime":12,"total_time":20,"estimated_time_to_regain_access":5}]}`)
	}
}

// graphAdmit sets the headers every answer carries, then checks the token
// and applies FailGraph's queue. It reports whether the request may go on.
func (h *host) graphAdmit(w http.ResponseWriter, r *http.Request, g *graphState) (token string, ok bool) {
	g.mu.Lock()
	valid, app, page := g.token, g.appUsage, g.pageUsage
	g.mu.Unlock()
	w.Header().Set("Facebook-API-Version", graphVersion)
	w.Header().Set("X-App-Usage", usage(app))
	if page > 0 {
		w.Header().Set("X-Page-Usage", usage(page))
	}
	token = presentedToken(r)
	switch {
	case token == "":
		g.graphError(w, http.StatusBadRequest, graphErr{Message: "An access token is required to request this resource.", Type: "OAuthException", Code: 104})
		return "", false
	case valid != "" && token != valid:
		now := h.sb.clock().UTC()
		g.graphError(w, http.StatusBadRequest, graphErr{
			Message: "Error validating access token: Session has expired on " + now.Add(-time.Hour).Format("Monday, 02-Jan-06 15:04:05 MST") +
				". The current time is " + now.Format("Monday, 02-Jan-06 15:04:05 MST") + ".",
			Type: "OAuthException", Code: 190, Subcode: 463,
		})
		return "", false
	}
	if code, failing := g.nextFail(); failing {
		business, _, _ := strings.Cut(r.PathValue("node"), "_")
		rateHeaders(w, code, business)
		status, e := graphFailBody(code)
		g.graphError(w, status, e)
		return "", false
	}
	return token, true
}

// presentedToken is the request's access token, from the query or from an
// Authorization header, both of which Graph accepts.
func presentedToken(r *http.Request) string {
	if t := r.URL.Query().Get("access_token"); t != "" {
		return t
	}
	auth := r.Header.Get("Authorization")
	for _, scheme := range []string{"Bearer ", "OAuth "} {
		if len(auth) > len(scheme) && strings.EqualFold(auth[:len(scheme)], scheme) {
			return strings.TrimSpace(auth[len(scheme):])
		}
	}
	return ""
}

// graphFailure applies the post's failures (postID != "") and the
// account's, in Graph's shape where Graph has one. It reports whether a
// failure answered.
func (h *host) graphFailure(w http.ResponseWriter, r *http.Request, g *graphState, a *Account, postID string) bool {
	apply := func(f Failure, ok bool) bool {
		if !ok {
			return false
		}
		switch {
		case f.kind == failStatus && f.status >= 500:
			g.graphError(w, f.status, graphErr{Message: "An unexpected error has occurred. Please retry your request later.",
				Type: "OAuthException", IsTransient: true, Code: 2})
			return true
		case f.kind == failTooMany:
			rateHeaders(w, 32, a.FacebookPageID())
			status, e := graphFailBody(32)
			g.graphError(w, status, e)
			return true
		case f.kind == failMalformed:
			w.Header().Set("Content-Type", graphType)
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte(`{"data":[{"id":"` + a.FacebookPageID() + `_`)) // the client went away; nothing to tell it
			return true
		}
		return h.sb.fail(w, r, f)
	}
	if postID != "" && apply(a.postFail.next(postID)) {
		return true
	}
	return apply(a.failures.next())
}

// graphPage finds the host's account whose Page name or id is node.
func (h *host) graphPage(node string) *Account {
	if a := h.account(node); a != nil {
		return a
	}
	for _, a := range h.accountList() {
		if a.FacebookPageID() == node {
			return a
		}
	}
	return nil
}

// graphPostByPart finds the post whose id part is part. Caller holds mu.
func (a *Account) graphPostByPart(part string) *post {
	for id, p := range a.posts {
		if a.facebookPostPart(id) == part {
			return p
		}
	}
	return nil
}

func (h *host) graphNode(w http.ResponseWriter, r *http.Request) {
	g := h.sb.graph()
	if _, ok := h.graphAdmit(w, r, g); !ok {
		return
	}
	node := r.PathValue("node")
	fields := graphFields(r.URL.Query().Get("fields"))
	if pageID, part, isPost := strings.Cut(node, "_"); isPost {
		h.graphPost(w, r, g, node, pageID, part, fields)
		return
	}
	a := h.graphPage(node)
	if a == nil {
		if _, err := strconv.ParseUint(node, 10, 64); err == nil {
			g.notFound(w, node)
			return
		}
		// An unknown user name: Graph's alias error.
		g.graphError(w, http.StatusNotFound, graphErr{Message: "(#803) Some of the aliases you requested do not exist: " + node,
			Type: "OAuthException", Code: 803})
		return
	}
	if h.graphFailure(w, r, g, a, "") {
		return
	}
	a.mu.RLock()
	suspended := a.suspended
	likes, followers := a.metrics["likes"], a.metrics["followers"]
	a.mu.RUnlock()
	if suspended {
		g.notFound(w, node)
		return
	}
	page := map[string]any{
		"id": a.FacebookPageID(), "name": a.name, "username": a.name, "link": a.FacebookURL(),
		"fan_count": likes, "followers_count": followers,
	}
	writeGraphJSON(w, http.StatusOK, pick(page, fields, "id", "name"))
}

// graphPost answers for one post, pageID_part, as its state says.
func (h *host) graphPost(w http.ResponseWriter, r *http.Request, g *graphState, node, pageID, part string, fields map[string]bool) {
	a := h.graphPage(pageID)
	if a == nil || a.FacebookPageID() != pageID {
		g.notFound(w, node)
		return
	}
	a.mu.RLock()
	p := a.graphPostByPart(part)
	var id string
	if p != nil {
		id = p.ID
	}
	a.mu.RUnlock()
	if p == nil {
		g.notFound(w, node)
		return
	}
	if h.graphFailure(w, r, g, a, id) {
		return
	}
	a.mu.RLock()
	suspended, state := a.suspended, p.state
	var body map[string]any
	if !suspended && state == stateLive {
		body = pick(a.graphPostJSON(p, g.isHidden(a, p.ID)), fields, "id", "message", "created_time")
	}
	a.mu.RUnlock()
	switch {
	case suspended, state == stateDeleted, state == stateWithheld:
		g.notFound(w, node)
	case state == stateRestricted:
		g.graphError(w, http.StatusBadRequest, graphErr{
			Message: "(#10) This endpoint requires the 'pages_read_engagement' permission or the 'Page Public Content Access' feature. " +
				"Refer to https://developers.facebook.com/docs/apps/review/login-permissions#manage-pages and " +
				"https://developers.facebook.com/docs/apps/review/feature#reference-PAGES_ACCESS for details.",
			Type: "OAuthException", Code: 10,
		})
	default:
		writeGraphJSON(w, http.StatusOK, body)
	}
}

func (h *host) graphPosts(w http.ResponseWriter, r *http.Request) {
	g := h.sb.graph()
	token, ok := h.graphAdmit(w, r, g)
	if !ok {
		return
	}
	a := h.graphPage(r.PathValue("node"))
	if a == nil {
		g.notFound(w, r.PathValue("node"))
		return
	}
	if h.graphFailure(w, r, g, a, "") {
		return
	}
	q := r.URL.Query()
	limit := graphPageSize
	if n, err := strconv.Atoi(q.Get("limit")); err == nil && n > 0 {
		limit = min(n, graphMaxPageSize)
	}
	fields := graphFields(q.Get("fields"))
	after := q.Get("after")

	a.mu.RLock()
	if a.suspended {
		a.mu.RUnlock()
		g.notFound(w, a.FacebookPageID())
		return
	}
	var page []*post
	if after != graphEndCursor {
		page = graphAfter(a.listing(), after)
		page = page[:min(limit, len(page))]
	}
	data := make([]map[string]any, 0, len(page))
	for _, p := range page {
		data = append(data, pick(a.graphPostJSON(p, g.isHidden(a, p.ID)), fields, "id", "message", "created_time"))
	}
	a.mu.RUnlock()

	body := map[string]any{"data": data}
	next := func(cursor string) string {
		nq := url.Values{}
		for k, v := range q {
			nq[k] = v
		}
		nq.Set("access_token", token)
		nq.Set("after", cursor)
		return h.base + graphPrefix + "/" + a.FacebookPageID() + "/posts?" + nq.Encode()
	}
	switch {
	case len(page) > 0:
		last := graphCursor(page[len(page)-1])
		body["paging"] = map[string]any{
			"cursors": map[string]string{"before": graphCursor(page[0]), "after": last},
			"next":    next(last),
		}
	case after != graphEndCursor:
		// Past the window's end: an empty page that still says next.
		body["paging"] = map[string]any{"cursors": map[string]string{"after": graphEndCursor}, "next": next(graphEndCursor)}
	}
	writeGraphJSON(w, http.StatusOK, body)
}

// graphCursor marks a post's place in the listing by its publication time
// and order, so the place survives the post leaving the listing.
func graphCursor(p *post) string {
	return base64.StdEncoding.EncodeToString(fmt.Appendf(nil, "%d:%d", p.Published.UnixNano(), p.seq))
}

// graphAfter returns the posts of list (newest first) older than cursor;
// all of them for no cursor, none for one that cannot be read.
func graphAfter(list []*post, cursor string) []*post {
	if cursor == "" {
		return list
	}
	raw, err := base64.StdEncoding.DecodeString(cursor)
	if err != nil {
		return nil
	}
	ns, seq, ok := strings.Cut(string(raw), ":")
	n, err1 := strconv.ParseInt(ns, 10, 64)
	s, err2 := strconv.Atoi(seq)
	if !ok || err1 != nil || err2 != nil {
		return nil
	}
	for i, p := range list {
		t := p.Published.UnixNano()
		if t < n || (t == n && p.seq < s) {
			return list[i:]
		}
	}
	return nil
}

// graphPostJSON renders post p of the account with every field the
// imitation knows; hidden is SetGraphHidden's word. Caller holds mu.
func (a *Account) graphPostJSON(p *post, hidden bool) map[string]any {
	out := map[string]any{
		"id":            a.FacebookPostID(p.ID),
		"created_time":  p.Published.UTC().Format(graphTime),
		"updated_time":  p.updated.UTC().Format(graphTime),
		"permalink_url": a.FacebookPostURL(p.ID),
		"is_hidden":     hidden,
		"is_published":  true,
	}
	// Graph leaves message out of a post without text (a photo alone).
	if msg := plainText(p.HTML); msg != "" {
		out["message"] = msg
	}
	var atts []map[string]any
	for _, e := range a.enclosures(p) {
		typ, _, _ := strings.Cut(e.contentType, "/")
		switch typ {
		case "image":
			atts = append(atts, map[string]any{"media": map[string]any{"image": map[string]any{"height": 720, "src": e.url, "width": 720}},
				"type": "photo", "url": a.FacebookPostURL(p.ID)})
		case "video":
			atts = append(atts, map[string]any{"media": map[string]any{"image": map[string]any{"height": 720, "src": e.url + "?thumbnail", "width": 1280}, "source": e.url},
				"type": "video_inline", "url": a.FacebookPostURL(p.ID)})
		default:
			atts = append(atts, map[string]any{"type": "share", "url": e.url, "unshimmed_url": e.url})
		}
	}
	if len(atts) > 0 {
		out["attachments"] = map[string]any{"data": atts}
	}
	return out
}

// graphFields reads a fields parameter's top-level names: "a,b{c,d},e.limit(2)"
// names a, b and e. nil means none were asked for.
func graphFields(s string) map[string]bool {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	out := map[string]bool{}
	depth, start := 0, 0
	add := func(part string) {
		name := part
		if i := strings.IndexAny(name, "{.("); i >= 0 {
			name = name[:i]
		}
		if name = strings.TrimSpace(name); name != "" {
			out[name] = true
		}
	}
	for i, c := range s {
		switch c {
		case '{', '(':
			depth++
		case '}', ')':
			depth = max(depth-1, 0)
		case ',':
			if depth == 0 {
				add(s[start:i])
				start = i + 1
			}
		}
	}
	add(s[start:])
	return out
}

// pick keeps the fields asked for (the defaults when none were), and id,
// which Graph always answers with.
func pick(all map[string]any, fields map[string]bool, defaults ...string) map[string]any {
	if fields == nil {
		fields = map[string]bool{}
		for _, d := range defaults {
			fields[d] = true
		}
	}
	out := map[string]any{"id": all["id"]}
	for k, v := range all {
		if fields[k] {
			out[k] = v
		}
	}
	return out
}

func writeGraphJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		// Only unmarshalable types fail, and these are plain maps and structs.
		panic("sandbox: encode Graph JSON: " + err.Error())
	}
	w.Header().Set("Content-Type", graphType)
	w.Header().Set("Cache-Control", "private, no-cache, no-store, must-revalidate")
	w.WriteHeader(status)
	_, _ = w.Write(body) // the client went away; nothing to tell it
}
