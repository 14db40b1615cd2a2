package sandbox

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"hash/fnv"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The Bluesky imitation: every account is also a Bluesky account of its
// host, whose AppView and PDS answer the public XRPC methods in the shapes
// bsky.app answers with (see ../shared/fixtures/bluesky):
//
//	GET /xrpc/app.bsky.actor.getProfile?actor=     profileViewDetailed, with Account.Metrics()
//	GET /xrpc/app.bsky.feed.getAuthorFeed?actor=&limit=&cursor=   the listing, newest first, paged by cursor
//	GET /xrpc/app.bsky.feed.getPosts?uris=…        postViews of the posts that can be shown
//	GET /xrpc/com.atproto.sync.getRepoStatus?did=  the repository's hosting status
//
// An account's handle is <name>.sandbox.test and its DID did:plc:<hash>,
// derived from the host index and name so it is the same in every run and
// unique across hosts; an actor is named by either. A post's record key
// is a TID-shaped hash of its id, and its at:// URI names the account's DID.
//
// The listing is the shared listing window (listing limit, empty listing,
// hidden posts) cut into pages of `limit` items (default 50, at most 100)
// with an opaque cursor "<unix nanos>::<publish order>", as the AppView's
// "<millis>::<cid>" cursors are: the window caps the whole listing, so
// posts leave it as they leave a feed.
//
// Per-post answers of getPosts, which leaves out what it cannot show:
// live (hidden or not) → its postView; deleted, whatever its DeleteMode →
// absent, as Bluesky has one way to delete; withheld → its postView with a
// "!hide" label from BlueskyGeoLabeler when the request's
// atproto-accept-labelers header asks for that labeler (Bluesky withholds
// a post in one country so; without the header the post reads as live);
// Forbidden403 → an app.bsky.feed.defs#blockedPost in its place, the view
// of a post whose author blocks the viewer; LoginRedirect → 401
// AuthenticationRequired for the request, a login wall.
//
// A suspended account answers as a taken-down one does: getProfile and
// getAuthorFeed 400 {"error":"AccountTakedown"}, its posts are absent from
// getPosts, and getRepoStatus says active:false, status "suspended".
//
// Every answer carries the AppView's RateLimit-* headers; failures of the
// shared queues answer as XRPC errors ({"error","message"}), 429 with
// Retry-After and RateLimit-Remaining 0.

const (
	// BlueskyGeoLabeler is the labeler whose "!hide" label withholds a post
	// here: Bluesky's own Türkiye moderation labeler, one of the
	// geographic labelers the bluesky collector knows, so the imitation
	// gives the signal a real withholding gives.
	BlueskyGeoLabeler = "did:plc:cquoj7aozvmkud2gifeinkda"
	// blueskyModeration is Bluesky's global moderation service, which the
	// AppView applies whatever the request asks.
	blueskyModeration = "did:plc:ar7c4by46qjdydhdevvrndac"
	// BlueskyHandleSuffix ends every sandbox handle.
	BlueskyHandleSuffix = ".sandbox.test"

	blueskyJSONType     = "application/json; charset=utf-8"
	blueskyPageSize     = 50
	blueskyMaxPageSize  = 100
	blueskyMaxURIs      = 25
	blueskyRateLimit    = 3000
	blueskyRateWindow   = 5 * time.Minute
	blueskyTime         = "2006-01-02T15:04:05.000Z"
	blueskyPostNSID     = "app.bsky.feed.post"
	blueskyBlockedPost  = "app.bsky.feed.defs#blockedPost"
	blueskyImagesView   = "app.bsky.embed.images#view"
	blueskyImagesRecord = "app.bsky.embed.images"
)

// blueskyBase32 is the lower-case alphabet of did:plc identifiers and CIDs.
var blueskyBase32 = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// blueskyRoutes imitates Bluesky's public AppView and an account's PDS.
func (h *host) blueskyRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /xrpc/app.bsky.actor.getProfile", h.blueskyGetProfile)
	mux.HandleFunc("GET /xrpc/app.bsky.feed.getAuthorFeed", h.blueskyGetAuthorFeed)
	mux.HandleFunc("GET /xrpc/app.bsky.feed.getPosts", h.blueskyGetPosts)
	mux.HandleFunc("GET /xrpc/com.atproto.sync.getRepoStatus", h.blueskyGetRepoStatus)
}

// BlueskyHandle returns the account's handle, <name>.sandbox.test, with
// the name lower-cased and characters a handle cannot hold turned into "-".
func (a *Account) BlueskyHandle() string {
	var b strings.Builder
	for _, r := range strings.ToLower(a.name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	return b.String() + BlueskyHandleSuffix
}

// BlueskyDID returns the account's DID, did:plc: and 24 base32 characters
// of a hash of its host index and name.
func (a *Account) BlueskyDID() string {
	sum := sha256.Sum256([]byte("bluesky/host" + strconv.Itoa(a.h.index) + "/" + a.name))
	return "did:plc:" + blueskyBase32.EncodeToString(sum[:])[:24]
}

// BlueskyAPIBase returns the base URL of the host's AppView and PDS: a
// bluesky source's api_base and pds_base.
func (a *Account) BlueskyAPIBase() string { return a.h.base }

// BlueskyProfileURL returns http://host/profile/<handle>, the profile URL
// a bluesky source's url holds (bsky.app's, on the sandbox host).
func (a *Account) BlueskyProfileURL() string {
	return a.h.base + "/profile/" + a.BlueskyHandle()
}

// BlueskyRkey returns the record key of post id, published or not: 13
// characters shaped like a TID, hashed from the id.
func (a *Account) BlueskyRkey(id string) string {
	const alphabet = "234567abcdefghijklmnopqrstuvwxyz"
	h := fnv.New64a()
	_, _ = h.Write([]byte(id)) // hash writes never fail
	// A TID is 64 bits with the top one clear, 5 bits a character.
	v := h.Sum64() >> 1
	var b [13]byte
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = alphabet[v&31]
		v >>= 5
	}
	return string(b[:])
}

// BlueskyPostURI returns the at:// URI of post id: its PlatformID.
func (a *Account) BlueskyPostURI(id string) string {
	return "at://" + a.BlueskyDID() + "/" + blueskyPostNSID + "/" + a.BlueskyRkey(id)
}

// BlueskyPostURL returns the web permalink of post id as the bluesky
// collector records it: the profile URL's host, /post/<rkey>.
func (a *Account) BlueskyPostURL(id string) string {
	return a.BlueskyProfileURL() + "/post/" + a.BlueskyRkey(id)
}

// blueskyActor finds the host's account an actor parameter names, by DID
// or by handle.
func (h *host) blueskyActor(actor string) *Account {
	if actor == "" {
		return nil
	}
	did := strings.HasPrefix(actor, "did:")
	for _, a := range h.accountList() {
		if did && a.BlueskyDID() == actor || !did && strings.EqualFold(a.BlueskyHandle(), actor) {
			return a
		}
	}
	return nil
}

// blueskyPost resolves an at:// post URI to its account and post id; id
// is "" when the URI names no post of the account.
func (h *host) blueskyPost(uri string) (*Account, string) {
	rest, ok := strings.CutPrefix(uri, "at://")
	if !ok {
		return nil, ""
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 3 || parts[1] != blueskyPostNSID {
		return nil, ""
	}
	a := h.blueskyActor(parts[0])
	if a == nil {
		return nil, ""
	}
	a.mu.RLock()
	defer a.mu.RUnlock()
	for id := range a.posts {
		if a.BlueskyRkey(id) == parts[2] {
			return a, id
		}
	}
	return a, ""
}

// blueskyFail sets the rate-limit headers every XRPC answer carries, then
// applies the post's failures (postID != "") and the account's (a != nil),
// as withPost does for permalinks. It reports whether a failure answered.
func (h *host) blueskyFail(w http.ResponseWriter, r *http.Request, a *Account, postID string) bool {
	h.blueskyRateHeaders(w)
	if a == nil {
		return false
	}
	if postID != "" {
		if f, ok := a.postFail.next(postID); ok && h.blueskyFailWith(w, r, f) {
			return true
		}
	}
	if f, ok := a.failures.next(); ok && h.blueskyFailWith(w, r, f) {
		return true
	}
	return false
}

// blueskyFailWith answers a status failure as an XRPC error and leaves the
// others (slow, reset, malformed) to the shared failures.
func (h *host) blueskyFailWith(w http.ResponseWriter, r *http.Request, f Failure) bool {
	switch f.kind {
	case failStatus:
		blueskyError(w, f.status, blueskyErrorName(f.status), http.StatusText(f.status))
	case failTooMany:
		secs := int64(math.Ceil(f.delay.Seconds()))
		w.Header().Set("Retry-After", strconv.FormatInt(max(secs, 0), 10))
		w.Header().Set("RateLimit-Remaining", "0")
		blueskyError(w, f.status, "RateLimitExceeded", "Rate Limit Exceeded")
	default:
		return h.sb.fail(w, r, f)
	}
	return true
}

// blueskyErrorName is the XRPC error name of an HTTP status.
func blueskyErrorName(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "InvalidRequest"
	case http.StatusUnauthorized:
		return "AuthenticationRequired"
	case http.StatusForbidden:
		return "Forbidden"
	case http.StatusNotFound:
		return "XRPCNotSupported"
	case http.StatusTooManyRequests:
		return "RateLimitExceeded"
	case http.StatusNotImplemented:
		return "MethodNotImplemented"
	case http.StatusBadGateway:
		return "UpstreamFailure"
	case http.StatusServiceUnavailable:
		return "NotEnoughResources"
	case http.StatusGatewayTimeout:
		return "UpstreamTimeout"
	}
	return "InternalServerError"
}

// blueskyRateHeaders imitates the AppView's RateLimit-* headers (3000
// requests per five minutes): the host's request count within windows of
// the sandbox clock.
func (h *host) blueskyRateHeaders(w http.ResponseWriter) {
	h.stats.mu.Lock()
	n := h.stats.requests
	h.stats.mu.Unlock()
	reset := h.sb.clock().Truncate(blueskyRateWindow).Add(blueskyRateWindow)
	hd := w.Header()
	hd.Set("RateLimit-Limit", strconv.Itoa(blueskyRateLimit))
	hd.Set("RateLimit-Remaining", strconv.Itoa(blueskyRateLimit-1-(max(n, 1)-1)%blueskyRateLimit))
	hd.Set("RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
	hd.Set("RateLimit-Policy", strconv.Itoa(blueskyRateLimit)+";w="+strconv.Itoa(int(blueskyRateWindow/time.Second)))
}

func (h *host) blueskyGetProfile(w http.ResponseWriter, r *http.Request) {
	actor := r.URL.Query().Get("actor")
	a := h.blueskyActor(actor)
	if h.blueskyFail(w, r, a, "") {
		return
	}
	switch {
	case actor == "":
		blueskyError(w, http.StatusBadRequest, "InvalidRequest", `Error: Params must have the property "actor"`)
	case a == nil:
		blueskyError(w, http.StatusBadRequest, "InvalidRequest", "Profile not found")
	case a.isSuspended():
		blueskyTakedown(w)
	default:
		a.mu.RLock()
		body := a.blueskyProfile()
		a.mu.RUnlock()
		blueskyWrite(w, http.StatusOK, body)
	}
}

func (h *host) blueskyGetAuthorFeed(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	actor := q.Get("actor")
	a := h.blueskyActor(actor)
	if h.blueskyFail(w, r, a, "") {
		return
	}
	limit := blueskyPageSize
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > blueskyMaxPageSize {
			blueskyError(w, http.StatusBadRequest, "InvalidRequest", "Error: limit must be an integer between 1 and 100")
			return
		}
		limit = n
	}
	switch {
	case actor == "":
		blueskyError(w, http.StatusBadRequest, "InvalidRequest", `Error: Params must have the property "actor"`)
		return
	case a == nil:
		blueskyError(w, http.StatusBadRequest, "InvalidRequest", "Profile not found")
		return
	case a.isSuspended():
		blueskyTakedown(w)
		return
	}
	a.mu.RLock()
	page, next := a.blueskyPage(q.Get("cursor"), limit)
	out := blueskyFeed{Feed: make([]blueskyFeedItem, 0, len(page)), Cursor: next}
	author := a.blueskyAuthor()
	for _, p := range page {
		out.Feed = append(out.Feed, blueskyFeedItem{Post: a.blueskyPostView(p, author, nil)})
	}
	a.mu.RUnlock()
	blueskyWrite(w, http.StatusOK, out)
}

// blueskyPage cuts one page out of the listing window, after cursor, and
// returns the cursor of the next page ("" at the end). A cursor that does
// not parse gives an empty page, as the AppView's do. Caller holds mu.
func (a *Account) blueskyPage(cursor string, limit int) ([]*post, string) {
	list := a.listing()
	if cursor != "" {
		nanos, seq, ok := parseBlueskyCursor(cursor)
		if !ok {
			return nil, ""
		}
		at := time.Unix(0, nanos)
		i := 0
		for i < len(list) && (list[i].Published.After(at) || list[i].Published.Equal(at) && list[i].seq >= seq) {
			i++
		}
		list = list[i:]
	}
	if len(list) <= limit {
		return list, ""
	}
	last := list[limit-1]
	return list[:limit], strconv.FormatInt(last.Published.UnixNano(), 10) + "::" + strconv.Itoa(last.seq)
}

func parseBlueskyCursor(c string) (nanos int64, seq int, ok bool) {
	t, s, found := strings.Cut(c, "::")
	if !found {
		return 0, 0, false
	}
	nanos, err1 := strconv.ParseInt(t, 10, 64)
	seq, err2 := strconv.Atoi(s)
	return nanos, seq, err1 == nil && err2 == nil
}

func (h *host) blueskyGetPosts(w http.ResponseWriter, r *http.Request) {
	uris := r.URL.Query()["uris"]
	// The first post named is the one whose failures apply: checks ask
	// for one post at a time.
	var fa *Account
	var fid string
	for _, u := range uris {
		if a, id := h.blueskyPost(u); a != nil {
			fa, fid = a, id
			break
		}
	}
	if h.blueskyFail(w, r, fa, fid) {
		return
	}
	switch {
	case len(uris) == 0:
		blueskyError(w, http.StatusBadRequest, "InvalidRequest", `Error: Params must have the property "uris"`)
		return
	case len(uris) > blueskyMaxURIs:
		blueskyError(w, http.StatusBadRequest, "InvalidRequest", "Error: uris must not have more than 25 elements")
		return
	}
	accepted := blueskyAcceptedLabelers(r.Header)
	out := blueskyPosts{Posts: []any{}}
	seen := map[string]bool{}
	for _, u := range uris {
		a, id := h.blueskyPost(u)
		if a == nil || id == "" {
			continue
		}
		a.mu.RLock()
		p := a.posts[id]
		var view any
		login := false
		switch {
		case a.suspended || seen[a.BlueskyPostURI(id)]:
		case p.state == stateLive:
			view = a.blueskyPostView(p, a.blueskyAuthor(), nil)
		case p.state == stateWithheld:
			var labels []blueskyLabel
			if accepted[BlueskyGeoLabeler] {
				labels = []blueskyLabel{{Ver: 1, Src: BlueskyGeoLabeler, URI: a.BlueskyPostURI(id),
					CID: blueskyCID("bafyrei", a.blueskyRecordBytes(p)), Val: "!hide", Cts: p.updated.UTC().Format(blueskyTime)}}
			}
			view = a.blueskyPostView(p, a.blueskyAuthor(), labels)
		case p.state == stateRestricted && p.restrictMode == Forbidden403:
			view = blueskyBlocked{Type: blueskyBlockedPost, URI: a.BlueskyPostURI(id), Blocked: true,
				Author: blueskyBlockedAuthor{DID: a.BlueskyDID(), Viewer: map[string]any{"blockedBy": true}}}
		case p.state == stateRestricted:
			login = true
		}
		seen[a.BlueskyPostURI(id)] = true
		a.mu.RUnlock()
		if login {
			blueskyError(w, http.StatusUnauthorized, "AuthenticationRequired", "Authentication Required")
			return
		}
		if view != nil {
			out.Posts = append(out.Posts, view)
		}
	}
	labelers := []string{blueskyModeration + ";redact"}
	if accepted[BlueskyGeoLabeler] {
		labelers = append(labelers, BlueskyGeoLabeler)
	}
	w.Header().Set("atproto-content-labelers", strings.Join(labelers, ","))
	blueskyWrite(w, http.StatusOK, out)
}

// blueskyAcceptedLabelers reads the atproto-accept-labelers header:
// "did[;redact], did, …".
func blueskyAcceptedLabelers(hd http.Header) map[string]bool {
	m := map[string]bool{}
	for _, v := range hd.Values("atproto-accept-labelers") {
		for _, part := range strings.Split(v, ",") {
			did, _, _ := strings.Cut(strings.TrimSpace(part), ";")
			if did != "" {
				m[strings.TrimSpace(did)] = true
			}
		}
	}
	return m
}

func (h *host) blueskyGetRepoStatus(w http.ResponseWriter, r *http.Request) {
	did := r.URL.Query().Get("did")
	var a *Account
	if strings.HasPrefix(did, "did:") {
		a = h.blueskyActor(did)
	}
	if h.blueskyFail(w, r, a, "") {
		return
	}
	switch {
	case did == "":
		blueskyError(w, http.StatusBadRequest, "InvalidRequest", `Error: Params must have the property "did"`)
	case a == nil:
		blueskyError(w, http.StatusBadRequest, "RepoNotFound", "Could not find repo for DID: "+did)
	default:
		a.mu.RLock()
		st := blueskyRepoStatus{DID: did, Active: !a.suspended}
		if a.suspended {
			st.Status = "suspended"
		} else {
			st.Rev = a.BlueskyRkey("rev/" + strconv.FormatUint(a.gen, 10))
		}
		a.mu.RUnlock()
		blueskyWrite(w, http.StatusOK, st)
	}
}

// blueskyTakedown is the AppView's answer about a taken-down account.
func blueskyTakedown(w http.ResponseWriter) {
	blueskyError(w, http.StatusBadRequest, "AccountTakedown", "Account has been suspended")
}

func blueskyError(w http.ResponseWriter, status int, name, msg string) {
	blueskyWrite(w, status, blueskyXRPCError{Error: name, Message: msg})
}

func blueskyWrite(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		// Only unmarshalable types fail, and these are all plain structs.
		panic("sandbox: encode JSON: " + err.Error())
	}
	w.Header().Set("Content-Type", blueskyJSONType)
	w.WriteHeader(status)
	_, _ = w.Write(body) // the client went away; nothing to tell it
}

// JSON shapes, as the AppView writes them.

type blueskyXRPCError struct {
	Error   string `json:"error"`
	Message string `json:"message,omitempty"`
}

type blueskyRepoStatus struct {
	DID    string `json:"did"`
	Active bool   `json:"active"`
	Status string `json:"status,omitempty"`
	Rev    string `json:"rev,omitempty"`
}

type blueskyLabel struct {
	Ver int    `json:"ver,omitempty"`
	Src string `json:"src"`
	URI string `json:"uri"`
	CID string `json:"cid,omitempty"`
	Val string `json:"val"`
	Neg bool   `json:"neg,omitempty"`
	Cts string `json:"cts"`
}

type blueskyProfileJSON struct {
	DID            string         `json:"did"`
	Handle         string         `json:"handle"`
	DisplayName    string         `json:"displayName"`
	Description    string         `json:"description"`
	FollowersCount *int64         `json:"followersCount,omitempty"`
	FollowsCount   *int64         `json:"followsCount,omitempty"`
	PostsCount     *int64         `json:"postsCount,omitempty"`
	Associated     map[string]any `json:"associated"`
	IndexedAt      string         `json:"indexedAt"`
	CreatedAt      string         `json:"createdAt"`
	Viewer         map[string]any `json:"viewer"`
	Labels         []blueskyLabel `json:"labels"`
}

type blueskyAuthorJSON struct {
	DID         string         `json:"did"`
	Handle      string         `json:"handle"`
	DisplayName string         `json:"displayName"`
	Viewer      map[string]any `json:"viewer"`
	Labels      []blueskyLabel `json:"labels"`
	CreatedAt   string         `json:"createdAt"`
}

type blueskyFeed struct {
	Feed   []blueskyFeedItem `json:"feed"`
	Cursor string            `json:"cursor,omitempty"`
}

type blueskyFeedItem struct {
	Post blueskyPostJSON `json:"post"`
}

type blueskyPosts struct {
	Posts []any `json:"posts"`
}

type blueskyPostJSON struct {
	URI         string            `json:"uri"`
	CID         string            `json:"cid"`
	Author      blueskyAuthorJSON `json:"author"`
	Record      blueskyRecord     `json:"record"`
	Embed       *blueskyEmbedView `json:"embed,omitempty"`
	ReplyCount  int               `json:"replyCount"`
	RepostCount int               `json:"repostCount"`
	LikeCount   int               `json:"likeCount"`
	QuoteCount  int               `json:"quoteCount"`
	IndexedAt   string            `json:"indexedAt"`
	Viewer      map[string]any    `json:"viewer"`
	Labels      []blueskyLabel    `json:"labels"`
}

type blueskyRecord struct {
	Type      string              `json:"$type"`
	CreatedAt string              `json:"createdAt"`
	Embed     *blueskyEmbedRecord `json:"embed,omitempty"`
	Langs     []string            `json:"langs,omitempty"`
	Text      string              `json:"text"`
}

type blueskyEmbedRecord struct {
	Type   string               `json:"$type"`
	Images []blueskyImageRecord `json:"images"`
}

type blueskyImageRecord struct {
	Alt   string      `json:"alt"`
	Image blueskyBlob `json:"image"`
}

type blueskyBlob struct {
	Type     string            `json:"$type"`
	Ref      map[string]string `json:"ref"`
	MimeType string            `json:"mimeType"`
	Size     int               `json:"size"`
}

type blueskyEmbedView struct {
	Type   string             `json:"$type"`
	Images []blueskyImageView `json:"images"`
}

type blueskyImageView struct {
	Thumb    string `json:"thumb"`
	Fullsize string `json:"fullsize"`
	Alt      string `json:"alt"`
}

type blueskyBlocked struct {
	Type    string               `json:"$type"`
	URI     string               `json:"uri"`
	Blocked bool                 `json:"blocked"`
	Author  blueskyBlockedAuthor `json:"author"`
}

type blueskyBlockedAuthor struct {
	DID    string         `json:"did"`
	Viewer map[string]any `json:"viewer"`
}

// blueskyProfile renders the account's profileViewDetailed. Caller holds mu.
func (a *Account) blueskyProfile() blueskyProfileJSON {
	p := blueskyProfileJSON{
		DID: a.BlueskyDID(), Handle: a.BlueskyHandle(), DisplayName: a.name, Description: "Posts of " + a.name,
		Associated: map[string]any{"lists": 0, "feedgens": 0, "starterPacks": 0, "labeler": false},
		IndexedAt:  a.created.UTC().Format(blueskyTime), CreatedAt: a.created.UTC().Format(blueskyTime),
		Viewer: map[string]any{"muted": false, "blockedBy": false}, Labels: []blueskyLabel{},
	}
	count := func(name string) *int64 {
		if v, ok := a.metrics[name]; ok {
			return &v
		}
		return nil
	}
	p.FollowersCount, p.FollowsCount, p.PostsCount = count("followers"), count("following"), count("posts")
	return p
}

// blueskyAuthor renders the account as a post's author. Caller holds mu.
func (a *Account) blueskyAuthor() blueskyAuthorJSON {
	return blueskyAuthorJSON{DID: a.BlueskyDID(), Handle: a.BlueskyHandle(), DisplayName: a.name,
		Viewer: map[string]any{"muted": false, "blockedBy": false}, Labels: []blueskyLabel{},
		CreatedAt: a.created.UTC().Format(blueskyTime)}
}

// blueskyPostView renders p as a postView. Bluesky posts are plain text
// and carry images, so the HTML is rendered as text (the title when it has
// none) and only image media are embedded. Caller holds mu.
func (a *Account) blueskyPostView(p *post, author blueskyAuthorJSON, labels []blueskyLabel) blueskyPostJSON {
	rec := a.blueskyRecord(p)
	if labels == nil {
		labels = []blueskyLabel{}
	}
	v := blueskyPostJSON{
		URI: a.BlueskyPostURI(p.ID), CID: blueskyCID("bafyrei", a.blueskyRecordBytes(p)), Author: author, Record: rec,
		IndexedAt: p.updated.UTC().Format(blueskyTime), Viewer: map[string]any{"threadMuted": false, "embeddingDisabled": false},
		Labels: labels,
	}
	if rec.Embed != nil {
		view := &blueskyEmbedView{Type: blueskyImagesView}
		for _, e := range a.enclosures(p) {
			if strings.HasPrefix(e.contentType, "image/") {
				view.Images = append(view.Images, blueskyImageView{Thumb: e.url, Fullsize: e.url})
			}
		}
		v.Embed = view
	}
	return v
}

// blueskyRecord renders p's app.bsky.feed.post record. Caller holds mu.
func (a *Account) blueskyRecord(p *post) blueskyRecord {
	text := plainText(p.HTML)
	if text == "" {
		text = p.Title
	}
	rec := blueskyRecord{Type: blueskyPostNSID, CreatedAt: p.Published.UTC().Format(blueskyTime), Text: text}
	var images []blueskyImageRecord
	for _, e := range a.enclosures(p) {
		if strings.HasPrefix(e.contentType, "image/") {
			images = append(images, blueskyImageRecord{Image: blueskyBlob{Type: "blob",
				Ref: map[string]string{"$link": blueskyCID("bafkrei", []byte(e.url))}, MimeType: e.contentType, Size: e.size}})
		}
	}
	if len(images) > 0 {
		rec.Embed = &blueskyEmbedRecord{Type: blueskyImagesRecord, Images: images}
	}
	return rec
}

// blueskyRecordBytes is what a post's CID is a hash of: its content.
// Caller holds mu.
func (a *Account) blueskyRecordBytes(p *post) []byte {
	b, _ := json.Marshal(a.blueskyRecord(p)) // plain struct: never fails
	return b
}

// blueskyCID is a CID-shaped hash of b with the given multibase prefix.
func blueskyCID(prefix string, b []byte) string {
	sum := sha256.Sum256(b)
	return prefix + blueskyBase32.EncodeToString(sum[:])[:52]
}

// plainText renders a post's HTML as the plain text a Bluesky post or a
// Facebook message holds: markup dropped, entities decoded, block elements
// and <br> as line breaks, runs of spaces folded.
func plainText(s string) string {
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	skip := false
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		switch tt {
		case html.TextToken:
			if !skip {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			switch a := atom.Lookup(name); a {
			case atom.Script, atom.Style:
				skip = tt == html.StartTagToken
			case atom.Br, atom.P, atom.Div, atom.Li, atom.H1, atom.H2, atom.H3, atom.Blockquote:
				b.WriteByte('\n')
			}
		}
	}
	var lines []string
	for _, line := range strings.Split(b.String(), "\n") {
		if line = strings.Join(strings.Fields(line), " "); line != "" {
			lines = append(lines, line)
		}
	}
	return strings.Join(lines, "\n")
}
