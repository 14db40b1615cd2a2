package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/feeds"
)

// feed serves /feeds/NAME.EXT, NAME possibly with slashes (actors/hun-sen).
func (h *Handler) feed(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, "/feeds/")
	dot := strings.LastIndexByte(rest, '.')
	if dot <= 0 {
		http.NotFound(w, r)
		return
	}
	format, err := feeds.ParseFormat(rest[dot+1:])
	if err != nil {
		http.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	p := feeds.Params{Limit: feeds.DefaultLimit, Corrections: q.Get("corrections") == "1", Q: q.Get("q"), States: q["state"]}
	for _, st := range p.States {
		if !contains(store.States, st) {
			// a typo would follow nothing, silently, for as long as the
			// reader keeps the subscription
			http.Error(w, "state: unknown value "+strconv.Quote(st)+"; want one of "+strings.Join(store.States, ", "), http.StatusBadRequest)
			return
		}
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			http.Error(w, "limit: a positive number, at most "+strconv.Itoa(feeds.MaxLimit), http.StatusBadRequest)
			return
		}
		p.Limit = min(n, feeds.MaxLimit)
	}
	// A feed is a function of the events so far (reports, edits and
	// removals all arrive as events): rendered once per newest event id.
	// A saved search also depends on the index, so it is never cached.
	var key string
	var gen generation
	if !strings.HasPrefix(rest, "search.") {
		if gen, err = archiveGeneration(r.Context(), h.o.Store, false); err != nil {
			h.log.WithError(err).Error("feed")
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		key = r.URL.Path + "?" + r.URL.RawQuery
		if c, ok := h.feeds.get(key, gen); ok {
			h.serveBytes(w, r, c.contentType, c.updated, c.body)
			return
		}
	}
	var search feeds.Searcher
	if h.o.Search != nil {
		search = h.o.Search
	}
	h.feeds.computed.Add(1)
	f, err := feeds.Build(r.Context(), h.o.Store, search, rest[:dot], p)
	switch {
	case errors.Is(err, feeds.ErrUnknown):
		http.NotFound(w, r)
		return
	case errors.Is(err, feeds.ErrNoSearch):
		http.Error(w, "search is not available on this server", http.StatusServiceUnavailable)
		return
	case errors.As(err, new(*QueryError)):
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	case err != nil:
		h.log.WithError(err).Error("feed")
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var b bytes.Buffer
	if err := h.o.Site.Render(&b, format, f); err != nil {
		h.log.WithError(err).Error("render feed")
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if key != "" {
		h.feeds.put(key, gen, renderedFeed{body: b.Bytes(), contentType: format.ContentType(), updated: f.Updated()})
	}
	h.serveBytes(w, r, format.ContentType(), f.Updated(), b.Bytes())
}

// renderedFeed is a feed as served.
type renderedFeed struct {
	body        []byte
	contentType string
	updated     time.Time
}

// feedCacheSize bounds the rendered feeds kept: a reader polling each
// actor's feed in three formats is a few hundred.
const feedCacheSize = 512

// opml serves the list of every feed, for a reader to import at once.
func (h *Handler) opml(w http.ResponseWriter, r *http.Request) {
	refs, err := feeds.All(r.Context(), h.o.Store, h.o.Platforms)
	if err != nil {
		h.log.WithError(err).Error("opml")
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	format := feeds.RSS
	if v := r.URL.Query().Get("format"); v != "" {
		if format, err = feeds.ParseFormat(v); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
	}
	var b bytes.Buffer
	if err := h.o.Site.OPML(&b, refs, format); err != nil {
		h.log.WithError(err).Error("opml")
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h.serveBytes(w, r, "text/x-opml; charset=utf-8", time.Time{}, b.Bytes())
}

// serveBytes answers with validators (a strong ETag of the bytes and,
// when it is safe, Last-Modified), so conditional requests get 304.
func (h *Handler) serveBytes(w http.ResponseWriter, r *http.Request, contentType string, modified time.Time, body []byte) {
	sum := sha256.Sum256(body)
	w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:16])+`"`)
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", h.cacheControl(feedMaxAge))
	http.ServeContent(w, r, "", lastModified(modified, h.o.Clock()), bytes.NewReader(body))
}

// lastModified is the Last-Modified to send for a response reflecting
// changes up to modified, made at now; zero sends none. Last-Modified counts
// whole seconds: after a change in the current second another may follow
// within it, and a client holding only that date would be told 304 and
// never see it. So, as Apache does for files, such a response goes out
// with its ETag alone, and http.ServeContent, given no time, ignores
// If-Modified-Since; once the second is over the date is safe to send and
// to compare. A time after now (a clock set back) is no safer.
func lastModified(modified, now time.Time) time.Time {
	if !modified.Before(now.Truncate(time.Second)) {
		return time.Time{}
	}
	return modified
}
