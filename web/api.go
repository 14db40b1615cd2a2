package web

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/takedownwatch/takedownwatch/archive"
	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/export"
)

// jsonError answers {"error": msg} with status.
func jsonError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

func writeJSON(w http.ResponseWriter, v any) { writeJSONStatus(w, http.StatusOK, v) }

func writeJSONStatus(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		jsonError(w, http.StatusInternalServerError, "internal error")
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if w.Header().Get("Cache-Control") == "" {
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

func (h *Handler) internal(w http.ResponseWriter, what string, err error) {
	if errors.Is(err, context.Canceled) {
		// The client went away (or the server is shutting down): no
		// one waits for the answer, and nothing is wrong with the archive.
		h.log.WithError(err).Debug(what + ": request canceled")
		jsonError(w, http.StatusServiceUnavailable, "request canceled")
		return
	}
	h.log.WithError(err).Error(what)
	jsonError(w, http.StatusInternalServerError, "internal error")
}

// healthz answers 200 while the archive's database answers.
func (h *Handler) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	c, err := h.o.Store.QuickCounts(ctx)
	if err != nil {
		h.log.WithError(err).Warn("health check: database does not answer")
		jsonError(w, http.StatusServiceUnavailable, "unavailable")
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	out := map[string]any{
		"status": "ok", "uptime_seconds": int64(time.Since(h.start).Seconds()),
		"sources": c.Sources, "posts": c.Posts, "versions": c.Versions, "captures": c.Captures, "events": c.Events,
		"index": h.indexHealth(),
	}
	status := http.StatusOK
	if f := h.writeFailing(); f != nil {
		// The daemon runs but keeps nothing: a supervisor must see it.
		out["status"], status = "failing", http.StatusServiceUnavailable
		arc := map[string]any{"writing": false, "since": export.FormatTime(f.Since)}
		if h.o.ReadToken.Value() == "" {
			// (health answers without a token: a private deployment's
			// error, which names a watched URL, stays in its log)
			arc["error"] = f.Err.Error()
		}
		out["archive"] = arc
	}
	writeJSONStatus(w, status, out)
}

func (h *Handler) writeFailing() *archive.WriteFailure {
	if h.o.Writes == nil {
		return nil
	}
	return h.o.Writes.WriteFailing()
}

// Noticer is a Searcher that can say what its results may leave out (an
// index being rebuilt, outdated, or incomplete); "" when nothing.
type Noticer interface{ Notice() string }

// indexHealth is the search index's part of /healthz: the daemon may be
// healthy (archiving) while its index is rebuilt or needs a reindex, which
// a monitor should see without searching.
func (h *Handler) indexHealth() map[string]any {
	if h.o.Search == nil {
		return map[string]any{"state": "none"}
	}
	out := map[string]any{"state": "ok"}
	if n, ok := h.o.Search.(Noticer); ok {
		if msg := n.Notice(); msg != "" {
			out["state"], out["notice"] = "needs_reindex", msg
		}
	}
	if h.o.Reindex != nil {
		if st := h.o.Reindex.ReindexStatus(); st.Running {
			out["state"], out["phase"] = "rebuilding", st.Phase
		}
	}
	return out
}

func objects(cols []string, rows [][]any) ([]json.RawMessage, error) {
	out := make([]json.RawMessage, 0, len(rows))
	for _, r := range rows {
		o, err := export.Object(cols, r)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// apiPost is one post with its versions, events and captures, field
// names as in the exports.
func (h *Handler) apiPost(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	p, err := h.o.Store.PostRowByID(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		jsonError(w, http.StatusNotFound, "no such post")
		return
	}
	if err != nil {
		h.internal(w, "api post", err)
		return
	}
	post, err := export.Object(export.PostColumns, export.PostValues(p, false))
	if err != nil {
		h.internal(w, "api post", err)
		return
	}
	versions, err := h.o.Store.Versions(r.Context(), id)
	if err != nil {
		h.internal(w, "api post", err)
		return
	}
	events, err := h.o.Store.Events(r.Context(), store.EventQuery{PostIDs: []string{id}, Limit: 500})
	if err != nil {
		h.internal(w, "api post", err)
		return
	}
	var rows [][]any
	for i := len(events) - 1; i >= 0; i-- {
		rows = append(rows, export.EventValues(events[i]))
	}
	evs, err := objects(export.EventColumns, rows)
	if err != nil {
		h.internal(w, "api post", err)
		return
	}
	type version struct {
		Version   int      `json:"version"`
		FirstSeen string   `json:"first_seen"` // the exports' time format (whole seconds, UTC)
		LastSeen  string   `json:"last_seen"`
		Title     string   `json:"title"`
		Text      string   `json:"text"`
		Media     []string `json:"media"`
		Capture   *string  `json:"capture"`
	}
	vs := []version{}
	for i, v := range versions {
		vv := version{Version: i + 1, FirstSeen: export.FormatTime(v.FirstSeen), LastSeen: export.FormatTime(v.LastSeen), Title: v.Title, Text: v.Text, Media: v.Media}
		if vv.Media == nil {
			vv.Media = []string{}
		}
		if v.CaptureID != 0 {
			c := strconv.FormatInt(v.CaptureID, 10)
			vv.Capture = &c
		}
		vs = append(vs, vv)
	}
	writeJSON(w, map[string]any{"post": post, "versions": vs, "events": evs})
}

// apiEvents pages through every event by id: ?after=ID&limit=N.
func (h *Handler) apiEvents(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	// In id order from the start, as a cursor walk expects.
	q := store.EventQuery{Limit: 50, Ascending: true}
	if s := v.Get("after"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			jsonError(w, http.StatusBadRequest, "after: an event id")
			return
		}
		q.After = n
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 500 {
			jsonError(w, http.StatusBadRequest, "limit: 1 to 500")
			return
		}
		q.Limit = n
	}
	events, err := h.o.Store.Events(r.Context(), q)
	if err != nil {
		h.internal(w, "api events", err)
		return
	}
	rows := make([][]any, 0, len(events))
	for _, e := range events {
		rows = append(rows, export.EventValues(e))
	}
	evs, err := objects(export.EventColumns, rows)
	if err != nil {
		h.internal(w, "api events", err)
		return
	}
	var next any
	if len(events) == q.Limit {
		next = strconv.FormatInt(events[len(events)-1].ID, 10)
	}
	writeJSON(w, map[string]any{"events": evs, "next_after": next})
}

// apiActors lists every actor with its removals.
func (h *Handler) apiActors(w http.ResponseWriter, r *http.Request) {
	actors, err := h.o.Store.Actors(r.Context())
	if err != nil {
		h.internal(w, "api actors", err)
		return
	}
	out := []map[string]any{}
	for _, a := range actors {
		reasons, err := h.o.Store.RemovalsByReason(r.Context(), a.ID)
		if err != nil {
			h.internal(w, "api actors", err)
			return
		}
		removed := map[string]int{}
		for _, c := range reasons {
			removed[c.Term] = c.Count
		}
		out = append(out, map[string]any{"actor": a.ID, "name": a.Name, "affiliation": a.Affiliation, "country": a.Country, "removed": removed})
	}
	writeJSON(w, map[string]any{"actors": out})
}

// apiSources lists every source's health.
func (h *Handler) apiSources(w http.ResponseWriter, r *http.Request) {
	list, err := h.o.Store.Sources(r.Context())
	if err != nil {
		h.internal(w, "api sources", err)
		return
	}
	out := []map[string]any{}
	for _, s := range list {
		out = append(out, map[string]any{
			"source": s.ID, "actor": s.ActorID, "platform": s.Platform, "url": s.URL, "active": s.Active, "status": s.Status,
			"last_attempt": timeOrNil(s.LastAttempt), "last_success": timeOrNil(s.LastSuccess), "last_error": strOrNil(s.LastError),
			"last_error_at": timeOrNil(s.LastErrorAt), "consecutive_failures": s.ConsecutiveFailures, "posts": s.Posts,
			"removed": s.Removals, "checks_due": s.Backlog, "pending_account_answer": strOrNil(s.Pending.Class),
		})
	}
	writeJSON(w, map[string]any{"sources": out})
}

func timeOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return export.FormatTime(t)
}

func strOrNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// apiSearch is the search as JSON: {"total", "hits": [{post_id, post_url,
// actor, state, reason, published, version, snippet}]} as `search --json`,
// with "notice" when the index is outdated, "wider" when a Khmer word
// found nothing but does with *, and "hint" when a wildcard found nothing.
func (h *Handler) apiSearch(w http.ResponseWriter, r *http.Request) {
	q, err := h.parseSearch(r, r.URL.Query())
	if err != nil {
		jsonError(w, http.StatusBadRequest, err.Error())
		return
	}
	if h.o.Search == nil {
		jsonError(w, http.StatusServiceUnavailable, "search is not available on this server")
		return
	}
	q.Facets = r.URL.Query().Get("facets") == "1"
	res, err := h.o.Search.Search(r.Context(), q)
	if err != nil {
		var qe *QueryError
		if errors.As(err, &qe) {
			jsonError(w, http.StatusBadRequest, qe.Error())
			return
		}
		h.internal(w, "api search", err)
		return
	}
	writeJSON(w, SearchJSON(r.Context(), h.o.Store, res, q.Facets))
}

// searchJSON is the --json shape of a search result: {"total": N,
// "hits": [...]} with the fields in the contract's order.
type searchJSON struct {
	Total uint64 `json:"total"`
	// Estimated: total is an estimate (many versions of some posts
	// matched); FacetsOfVersions: then the facets count versions.
	Estimated        bool                     `json:"estimated,omitempty"`
	FacetsOfVersions bool                     `json:"facets_of_versions,omitempty"`
	Hits             []searchHitJSON          `json:"hits"`
	Facets           map[string][]store.Count `json:"facets,omitempty"`
	// Notice: what the results may leave out (SearchResult.Notice); a
	// client that only reads JSON must learn it too.
	Notice string `json:"notice,omitempty"`
	// Wider: the word with * and what it finds, when a Khmer (Thai, Lao,
	// Burmese) word found nothing (SearchResult.Wider), as the search
	// page offers it.
	Wider *widerJSON `json:"wider,omitempty"`
	// Hint: SearchResult.Hint, as the search page shows it.
	Hint string `json:"hint,omitempty"`
}

type widerJSON struct {
	Q     string `json:"q"`
	Total uint64 `json:"total"`
}

type searchHitJSON struct {
	PostID    string  `json:"post_id"`
	PostURL   string  `json:"post_url"`
	Actor     string  `json:"actor"`
	State     string  `json:"state"`
	Reason    *string `json:"reason"`
	Published *string `json:"published"`
	Version   int     `json:"version"`
	Versions  int     `json:"versions"` // the post's, so that a hit on an older version says so
	Snippet   string  `json:"snippet"`
}

// SearchJSON is the --json shape of a search result, shared by the API
// and the CLI.
func SearchJSON(ctx context.Context, st *store.Store, res *SearchResult, facets bool) any {
	out := searchJSON{Total: res.Total, Estimated: res.Estimated, Hits: []searchHitJSON{}, Notice: res.Notice, Hint: res.Hint}
	if res.Wider != "" {
		out.Wider = &widerJSON{Q: res.Wider, Total: res.WiderTotal}
	}
	urls, _ := st.PostURLs(ctx, res.PostIDs())        // a failed lookup leaves post_url empty, as a missing post does
	counts, _ := st.VersionCounts(ctx, res.PostIDs()) // and versions 0
	for _, hit := range res.Hits {
		h := searchHitJSON{PostID: hit.PostID, PostURL: urls[hit.PostID], Actor: hit.Actor, State: hit.State, Version: hit.Version,
			Versions: counts[hit.PostID], Snippet: safeSnippet(hit.Snippet)}
		if hit.Reason != "" {
			h.Reason = &hit.Reason
		}
		if !hit.Published.IsZero() {
			t := export.FormatTime(hit.Published)
			h.Published = &t
		}
		out.Hits = append(out.Hits, h)
	}
	if facets {
		out.Facets, out.FacetsOfVersions = res.Facets, res.FacetsOfVersions
	}
	return out
}

// ReportSink stores takedown reports posted to the API.
type ReportSink interface {
	// PostReports reads one report record or a list, validates all of
	// them, stores them (or none) and says what it did.
	PostReports(ctx context.Context, body []byte) (any, error)
}

// maxReportBody bounds a POST /api/reports body.
const maxReportBody = 8 << 20

func (h *Handler) apiPostReports(w http.ResponseWriter, r *http.Request) {
	if h.o.Reports == nil {
		jsonError(w, http.StatusServiceUnavailable, "reports are not accepted on this server")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxReportBody+1))
	if err != nil {
		jsonError(w, http.StatusBadRequest, "could not read the body")
		return
	}
	if len(body) > maxReportBody {
		jsonError(w, http.StatusRequestEntityTooLarge, "body over 8 MiB")
		return
	}
	res, err := h.o.Reports.PostReports(r.Context(), body)
	if err != nil {
		var qe *QueryError
		if errors.As(err, &qe) {
			jsonError(w, http.StatusBadRequest, qe.Error())
			return
		}
		h.internal(w, "api reports", err)
		return
	}
	writeJSONStatus(w, http.StatusCreated, res)
}
