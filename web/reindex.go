package web

import (
	"errors"
	"net/http"
	"time"
)

// Reindexer rebuilds the search index inside the running server, beside
// the one searches use until it is swapped in: `takedownwatch reindex`
// asks for it when serve holds the index.
type Reindexer interface {
	// StartReindex starts a rebuild; ErrReindexRunning (with the running
	// one's status) when one runs already.
	StartReindex() (ReindexStatus, error)
	// CancelReindex stops a running rebuild (the old index stays).
	CancelReindex() ReindexStatus
	ReindexStatus() ReindexStatus
}

// ErrReindexRunning: a rebuild was asked for while one runs.
var ErrReindexRunning = errors.New("a reindex is running already")

// ReindexStatus is the last or running rebuild, as /api/reindex shows it.
type ReindexStatus struct {
	Running bool `json:"running"`
	// Phase: building, merging, swapping while it runs; then done, failed
	// or stopped; "" before any.
	Phase    string     `json:"phase"`
	Done     int        `json:"done"`  // posts indexed so far
	Total    int        `json:"total"` // posts in the archive when it began
	Started  *time.Time `json:"started,omitempty"`
	Finished *time.Time `json:"finished,omitempty"`
	Error    string     `json:"error,omitempty"`
}

// apiReindex: GET shows the status, POST starts a rebuild (202), DELETE
// stops it. Writes need the admin token (authorized).
func (h *Handler) apiReindex(w http.ResponseWriter, r *http.Request) {
	rx := h.o.Reindex
	if rx == nil {
		jsonError(w, http.StatusServiceUnavailable, "this server does not rebuild its search index")
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	switch r.Method {
	case http.MethodPost:
		st, err := rx.StartReindex()
		switch {
		case errors.Is(err, ErrReindexRunning):
			writeJSONStatus(w, http.StatusConflict, st)
		case err != nil: // closing down
			jsonError(w, http.StatusServiceUnavailable, "reindex: "+err.Error())
		default:
			h.log.Info("reindex asked for over HTTP")
			writeJSONStatus(w, http.StatusAccepted, st)
		}
	case http.MethodDelete:
		writeJSON(w, rx.CancelReindex())
	default:
		writeJSON(w, rx.ReindexStatus())
	}
}
