package sandbox

import (
	"encoding/json"
	"hash/fnv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The Mastodon imitation: every account is also a Mastodon account of its
// host, served by the public REST API in the shapes real instances answer
// with (see ../shared/fixtures/mastodon):
//
//	GET /api/v1/accounts/lookup?acct=name     the account (404 if unknown)
//	GET /api/v1/accounts/{id}                 the account by id
//	GET /api/v1/accounts/{id}/statuses        the listing, newest first, paged
//	GET /api/v1/statuses/{id}                 one status, answering as its post's state says
//
// Statuses carry Mastodon's url, http://host/@name/{status id}, but no
// page answers there: ServeMux wildcards are whole segments, so "/@{name}"
// cannot be a pattern, and the two-segment paths belong to the Telegram
// imitation (/{name}/{id}).
//
// The listing is the shared listing window (listing limit, empty listing,
// hidden posts) cut into pages of `limit` statuses (default 20, at most 40)
// with a Link header, rel="next" by max_id, as Mastodon pages. The window
// caps the whole listing, not just its first page: paging on past it gives
// nothing, so posts leave a Mastodon listing just as they leave a feed.
//
// Per-post answers of /api/v1/statuses/{id}: live (hidden or not) → 200;
// deleted, whatever its DeleteMode → 404 {"error":"Record not found"}, as
// the API has no soft-404 or redirect; withheld → 451 with Link
// rel="blocked-by", as an instance's geoblocking proxy answers;
// Forbidden403 → 403, LoginRedirect → 401 (the API has no login page).
// A suspended account is what real Mastodon shows: lookup and the account
// answer 200 with "suspended": true, its statuses list is empty (200 []),
// and its statuses answer 404.
//
// Account metrics (SetMetric) are the account's followers_count,
// following_count and statuses_count (followers, following, posts), in
// the account object and in every status's embedded account.

const (
	jsonType = "application/json; charset=utf-8"
	// Page sizes of the statuses listing, as Mastodon has them.
	mastodonPageSize    = 20
	mastodonMaxPageSize = 40
	// mastodonRateLimit is what X-RateLimit-Limit says: Mastodon's 300
	// requests per five minutes for unauthenticated API calls.
	mastodonRateLimit  = 300
	mastodonRateWindow = 5 * time.Minute
	// Mastodon's error texts, as its API words them.
	mastodonNotFound     = "Record not found"
	mastodonForbidden    = "This action is not allowed"
	mastodonUnauthorized = "This method requires an authenticated user"
)

// mastodonRoutes imitates a Mastodon instance's public REST API.
func (h *host) mastodonRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/accounts/lookup", h.mastodonLookup)
	mux.HandleFunc("GET /api/v1/accounts/{id}", h.mastodonAccount)
	mux.HandleFunc("GET /api/v1/accounts/{id}/statuses", h.mastodonStatuses)
	mux.HandleFunc("GET /api/v1/statuses/{id}", h.mastodonStatus)
}

// MastodonID returns the account's Mastodon id: a decimal number derived
// from its name, so it is the same in every run.
func (a *Account) MastodonID() string { return mastodonID("account", a.name) }

// MastodonURL returns the account's Mastodon profile URL, http://host/@name:
// what a person copies from a browser, and a mastodon source's url.
func (a *Account) MastodonURL() string { return a.h.base + "/@" + url.PathEscape(a.name) }

// MastodonStatusID returns the Mastodon status id of post id, published or
// not: derived from the account name and post id, stable across runs.
func (a *Account) MastodonStatusID(id string) string { return mastodonID("status", a.name, id) }

// MastodonStatusURL returns the status's url, as the API serves it.
func (a *Account) MastodonStatusURL(id string) string {
	return a.MastodonURL() + "/" + a.MastodonStatusID(id)
}

// mastodonID hashes parts into an 18-digit decimal id, the size of
// Mastodon's snowflake ids.
func mastodonID(parts ...string) string {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	const lo, span = 100_000_000_000_000_000, 900_000_000_000_000_000
	return strconv.FormatUint(lo+h.Sum64()%span, 10)
}

// mastodonAccountByID finds the host's account with Mastodon id id.
func (h *host) mastodonAccountByID(id string) *Account {
	for _, a := range h.accountList() {
		if a.MastodonID() == id {
			return a
		}
	}
	return nil
}

// mastodonPostByStatusID finds the account and post a status id names.
// Ids are hashes, so this scans the host: fine at a sandbox's size.
func (h *host) mastodonPostByStatusID(id string) (*Account, string) {
	for _, a := range h.accountList() {
		a.mu.RLock()
		for pid := range a.posts {
			if a.MastodonStatusID(pid) == id {
				a.mu.RUnlock()
				return a, pid
			}
		}
		a.mu.RUnlock()
	}
	return nil, ""
}

// mastodonFail sets the rate-limit headers every API answer carries, then
// applies the post's failures (postID != "") and the account's, as
// withPost does for permalinks. It reports whether a failure answered.
func (h *host) mastodonFail(w http.ResponseWriter, r *http.Request, a *Account, postID string) bool {
	h.rateLimitHeaders(w)
	apply := func(f Failure, ok bool) bool {
		if !ok {
			return false
		}
		if f.kind == failTooMany {
			w.Header().Set("X-RateLimit-Remaining", "0")
		}
		return h.sb.fail(w, r, f)
	}
	if postID != "" && apply(a.postFail.next(postID)) {
		return true
	}
	return apply(a.failures.next())
}

// rateLimitHeaders imitates Mastodon's X-RateLimit-*: the host's request
// count within five-minute windows of the sandbox clock.
func (h *host) rateLimitHeaders(w http.ResponseWriter) {
	h.stats.mu.Lock()
	n := h.stats.requests
	h.stats.mu.Unlock()
	reset := h.sb.clock().UTC().Truncate(mastodonRateWindow).Add(mastodonRateWindow)
	w.Header().Set("X-RateLimit-Limit", strconv.Itoa(mastodonRateLimit))
	w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(mastodonRateLimit-1-(n-1)%mastodonRateLimit))
	w.Header().Set("X-RateLimit-Reset", reset.Format("2006-01-02T15:04:05.000000Z"))
}

func (h *host) mastodonLookup(w http.ResponseWriter, r *http.Request) {
	acct := strings.TrimPrefix(r.URL.Query().Get("acct"), "@")
	// name@domain is this host's account only when domain is this host.
	if name, domain, ok := strings.Cut(acct, "@"); ok {
		acct = name
		if !strings.EqualFold(domain, h.addr) && !strings.EqualFold(domain, r.Host) {
			acct = ""
		}
	}
	var a *Account
	if acct != "" {
		a = h.account(acct)
	}
	if a == nil {
		h.rateLimitHeaders(w)
		mastodonError(w, http.StatusNotFound, mastodonNotFound)
		return
	}
	h.serveMastodonAccount(w, r, a)
}

func (h *host) mastodonAccount(w http.ResponseWriter, r *http.Request) {
	a := h.mastodonAccountByID(r.PathValue("id"))
	if a == nil {
		h.rateLimitHeaders(w)
		mastodonError(w, http.StatusNotFound, mastodonNotFound)
		return
	}
	h.serveMastodonAccount(w, r, a)
}

func (h *host) serveMastodonAccount(w http.ResponseWriter, r *http.Request, a *Account) {
	if h.mastodonFail(w, r, a, "") {
		return
	}
	a.mu.RLock()
	body := a.mastodonAccount()
	a.mu.RUnlock()
	writeJSON(w, http.StatusOK, body)
}

func (h *host) mastodonStatuses(w http.ResponseWriter, r *http.Request) {
	a := h.mastodonAccountByID(r.PathValue("id"))
	if a == nil {
		h.rateLimitHeaders(w)
		mastodonError(w, http.StatusNotFound, mastodonNotFound)
		return
	}
	if h.mastodonFail(w, r, a, "") {
		return
	}
	q := r.URL.Query()
	limit := mastodonPageSize
	if n, err := strconv.Atoi(q.Get("limit")); err == nil && n > 0 {
		limit = min(n, mastodonMaxPageSize)
	}
	edits := a.lastEdits()
	a.mu.RLock()
	var page []*post
	if !a.suspended {
		page = a.mastodonPage(q, limit)
	}
	statuses := make([]mastodonStatus, 0, len(page))
	if len(page) > 0 {
		acc := a.mastodonAccount()
		for _, p := range page {
			statuses = append(statuses, a.mastodonStatus(p, edits, acc))
		}
	}
	a.mu.RUnlock()

	// Mastodon's pagination: next (older) while a page is full, prev
	// (newer) whenever it has statuses; query parameters are kept.
	var links []string
	link := func(param, id, rel string) {
		lq := url.Values{}
		for k, v := range q {
			lq[k] = v
		}
		lq.Del("max_id")
		lq.Del("min_id")
		lq.Del("since_id")
		lq.Set(param, id)
		links = append(links, "<"+h.base+r.URL.EscapedPath()+"?"+lq.Encode()+`>; rel="`+rel+`"`)
	}
	if len(statuses) == limit {
		link("max_id", statuses[len(statuses)-1].ID, "next")
	}
	if len(statuses) > 0 {
		link("min_id", statuses[0].ID, "prev")
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	writeJSON(w, http.StatusOK, statuses)
}

// mastodonPage cuts one page out of the listing window. max_id, since_id
// and min_id name statuses; a status that left the listing still marks
// its place by its publication order. Caller holds mu.
func (a *Account) mastodonPage(q url.Values, limit int) []*post {
	list := a.listing()
	// ref resolves a status id to the post it names, in any state.
	ref := func(param string) (*post, bool) {
		id := q.Get(param)
		if id == "" {
			return nil, false
		}
		for pid, p := range a.posts {
			if a.MastodonStatusID(pid) == id {
				return p, true
			}
		}
		return nil, true // an id of nothing here: nothing is beyond it
	}
	newer := func(p, than *post) bool {
		if !p.Published.Equal(than.Published) {
			return p.Published.After(than.Published)
		}
		return p.seq > than.seq
	}
	keep := func(param string, want bool) {
		r, given := ref(param)
		if !given {
			return
		}
		var out []*post
		for _, p := range list {
			if r != nil && p != r && newer(p, r) == want {
				out = append(out, p)
			}
		}
		list = out
	}
	keep("max_id", false)
	keep("since_id", true)
	_, minGiven := ref("min_id")
	keep("min_id", true)
	if len(list) <= limit {
		return list
	}
	if minGiven {
		// min_id pages upwards: the statuses right above it.
		return list[len(list)-limit:]
	}
	return list[:limit]
}

func (h *host) mastodonStatus(w http.ResponseWriter, r *http.Request) {
	a, pid := h.mastodonPostByStatusID(r.PathValue("id"))
	if a == nil {
		h.rateLimitHeaders(w)
		mastodonError(w, http.StatusNotFound, mastodonNotFound)
		return
	}
	if h.mastodonFail(w, r, a, pid) {
		return
	}
	edits := a.lastEdits()
	a.mu.RLock()
	p := a.posts[pid]
	suspended, state, restrict, blockedBy := a.suspended, p.state, p.restrictMode, p.blockedBy
	var st mastodonStatus
	if !suspended && state == stateLive {
		st = a.mastodonStatus(p, edits, a.mastodonAccount())
	}
	a.mu.RUnlock()
	switch {
	case suspended, state == stateDeleted:
		mastodonError(w, http.StatusNotFound, mastodonNotFound)
	case state == stateWithheld:
		// Not Mastodon's own answer but a geoblocking proxy's before it.
		if blockedBy != "" {
			w.Header().Set("Link", "<"+blockedBy+`>; rel="blocked-by"`)
		}
		messagePage(w, http.StatusUnavailableForLegalReasons, "Unavailable for legal reasons", WithheldText)
	case state == stateRestricted && restrict == LoginRedirect:
		mastodonError(w, http.StatusUnauthorized, mastodonUnauthorized)
	case state == stateRestricted:
		mastodonError(w, http.StatusForbidden, mastodonForbidden)
	default:
		writeJSON(w, http.StatusOK, st)
	}
}

// lastEdits returns when each of the account's posts was last edited, from
// the action log: Mastodon shows it as edited_at.
func (a *Account) lastEdits() map[string]time.Time {
	l := &a.h.sb.actions
	l.mu.Lock()
	defer l.mu.Unlock()
	var out map[string]time.Time
	for _, act := range l.actions {
		if act.Kind == Edited && act.Host == a.h.index && act.Account == a.name {
			if out == nil {
				out = make(map[string]time.Time)
			}
			out[act.Post] = act.At
		}
	}
	return out
}

// mastodonAccountJSON is Mastodon's Account entity, in its field order.
type mastodonAccountJSON struct {
	ID             string   `json:"id"`
	Username       string   `json:"username"`
	Acct           string   `json:"acct"`
	DisplayName    string   `json:"display_name"`
	Locked         bool     `json:"locked"`
	Bot            bool     `json:"bot"`
	Discoverable   bool     `json:"discoverable"`
	Indexable      bool     `json:"indexable"`
	Group          bool     `json:"group"`
	CreatedAt      string   `json:"created_at"`
	Note           string   `json:"note"`
	URL            string   `json:"url"`
	URI            string   `json:"uri"`
	Avatar         string   `json:"avatar"`
	AvatarStatic   string   `json:"avatar_static"`
	Header         string   `json:"header"`
	HeaderStatic   string   `json:"header_static"`
	FollowersCount int64    `json:"followers_count"`
	FollowingCount int64    `json:"following_count"`
	StatusesCount  int64    `json:"statuses_count"`
	LastStatusAt   *string  `json:"last_status_at"`
	HideCollect    bool     `json:"hide_collections"`
	Noindex        bool     `json:"noindex"`
	Suspended      bool     `json:"suspended,omitempty"`
	Emojis         []string `json:"emojis"`
	Roles          []string `json:"roles"`
	Fields         []string `json:"fields"`
}

// mastodonAccount renders the account. A suspended one keeps its counts
// but loses its profile texts, and says "suspended": true. Caller holds mu.
func (a *Account) mastodonAccount() mastodonAccountJSON {
	name := url.PathEscape(a.name)
	missing := a.h.base + "/avatars/original/missing.png"
	acc := mastodonAccountJSON{
		ID: a.MastodonID(), Username: a.name, Acct: a.name, DisplayName: a.name, Discoverable: true, Indexable: true,
		CreatedAt: a.created.UTC().Truncate(24 * time.Hour).Format(mastodonTime),
		Note:      "<p>Posts of " + htmlText(a.name) + "</p>",
		URL:       a.MastodonURL(), URI: a.h.base + "/users/" + name,
		Avatar: missing, AvatarStatic: missing,
		Header: a.h.base + "/headers/original/missing.png", HeaderStatic: a.h.base + "/headers/original/missing.png",
		FollowersCount: a.metrics["followers"], FollowingCount: a.metrics["following"], StatusesCount: a.metrics["posts"],
		Emojis: []string{}, Roles: []string{}, Fields: []string{},
	}
	if list := a.listing(); len(list) > 0 {
		d := list[0].Published.UTC().Format(time.DateOnly)
		acc.LastStatusAt = &d
	}
	if a.suspended {
		acc.Suspended, acc.DisplayName, acc.Note, acc.LastStatusAt = true, "", "", nil
	}
	return acc
}

// mastodonTime is how Mastodon writes times: RFC 3339, milliseconds, Z.
const mastodonTime = "2006-01-02T15:04:05.000Z"

// mastodonStatus is Mastodon's Status entity, in its field order.
type mastodonStatus struct {
	ID                 string              `json:"id"`
	CreatedAt          string              `json:"created_at"`
	InReplyToID        *string             `json:"in_reply_to_id"`
	InReplyToAccountID *string             `json:"in_reply_to_account_id"`
	Sensitive          bool                `json:"sensitive"`
	SpoilerText        string              `json:"spoiler_text"`
	Visibility         string              `json:"visibility"`
	Language           string              `json:"language"`
	URI                string              `json:"uri"`
	URL                string              `json:"url"`
	RepliesCount       int                 `json:"replies_count"`
	ReblogsCount       int                 `json:"reblogs_count"`
	FavouritesCount    int                 `json:"favourites_count"`
	EditedAt           *string             `json:"edited_at"`
	Content            string              `json:"content"`
	Reblog             *mastodonStatus     `json:"reblog"`
	Application        map[string]*string  `json:"application"`
	Account            mastodonAccountJSON `json:"account"`
	MediaAttachments   []mastodonMedia     `json:"media_attachments"`
	Mentions           []string            `json:"mentions"`
	Tags               []string            `json:"tags"`
	Emojis             []string            `json:"emojis"`
	Card               *string             `json:"card"`
	Poll               *string             `json:"poll"`
}

// mastodonMedia is Mastodon's MediaAttachment entity.
type mastodonMedia struct {
	ID          string  `json:"id"`
	Type        string  `json:"type"`
	URL         string  `json:"url"`
	PreviewURL  string  `json:"preview_url"`
	RemoteURL   *string `json:"remote_url"`
	Description *string `json:"description"`
}

// mastodonStatus renders post p of the account rendered as acc; edits are
// lastEdits. Caller holds mu.
func (a *Account) mastodonStatus(p *post, edits map[string]time.Time, acc mastodonAccountJSON) mastodonStatus {
	id := a.MastodonStatusID(p.ID)
	st := mastodonStatus{
		ID: id, CreatedAt: p.Published.UTC().Format(mastodonTime), Visibility: "public", Language: "en",
		URI: a.h.base + "/users/" + url.PathEscape(a.name) + "/statuses/" + id, URL: a.MastodonStatusURL(p.ID),
		Content:     p.HTML,
		Application: map[string]*string{"name": ptr("Web"), "website": nil},
		Account:     acc, MediaAttachments: []mastodonMedia{},
		Mentions: []string{}, Tags: []string{}, Emojis: []string{},
	}
	if at, ok := edits[p.ID]; ok {
		st.EditedAt = ptr(at.UTC().Format(mastodonTime))
	}
	for _, e := range a.enclosures(p) {
		typ, _, _ := strings.Cut(e.contentType, "/")
		switch typ {
		case "image", "video", "audio":
		default:
			typ = "unknown"
		}
		st.MediaAttachments = append(st.MediaAttachments, mastodonMedia{
			ID: mastodonID("media", e.url), Type: typ, URL: e.url, PreviewURL: e.url,
		})
	}
	return st
}

func ptr[T any](v T) *T { return &v }

// htmlText escapes s for HTML text.
func htmlText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		// Only unmarshalable types fail, and these are all plain structs.
		panic("sandbox: encode JSON: " + err.Error())
	}
	w.Header().Set("Content-Type", jsonType)
	w.Header().Set("Cache-Control", "private, no-store")
	w.WriteHeader(status)
	_, _ = w.Write(body) // the client went away; nothing to tell it
}

// mastodonError answers as Mastodon's API does: {"error": msg}.
func mastodonError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}
