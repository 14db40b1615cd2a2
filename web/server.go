// Package web serves takedownwatch over HTTP: health, the change feeds,
// and (as those parts land) the JSON API, evidence pages and Memento.
package web

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/feeds"
)

// Counter is what the health check reads from the archive.
type Counter interface {
	Counts(ctx context.Context) (store.Counts, error)
}

// Handler holds what the HTTP side depends on.
type Handler struct {
	store  Counter
	feeds  feeds.Source
	search feeds.Searcher
	site   feeds.Site
	plats  []string
	log    *logrus.Entry
	start  time.Time
	mux    *http.ServeMux
}

// Options are the Handler's dependencies.
type Options struct {
	// Store answers the health check and the feeds (an *store.Store).
	Store interface {
		Counter
		feeds.Source
	}
	// Search serves saved-search feeds; nil answers them 503.
	Search feeds.Searcher
	// Site is http.base_url, for absolute links.
	Site feeds.Site
	// Platforms are the platforms of the configured sources (OPML).
	Platforms []string
	Log       *logrus.Entry
}

// New returns the HTTP handler.
func New(o Options) *Handler {
	h := &Handler{store: o.Store, feeds: o.Store, search: o.Search, site: o.Site, plats: o.Platforms,
		log: o.Log.WithField("component", "web"), start: time.Now(), mux: http.NewServeMux()}
	h.mux.HandleFunc("GET /healthz", h.healthz)
	// Feed paths end in ".rss" etc., which ServeMux wildcards cannot
	// express: the rest of the path is parsed by hand.
	h.mux.HandleFunc("GET /feeds/", h.feed)
	h.mux.HandleFunc("GET /feeds.opml", h.opml)
	return h
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

// healthz answers 200 while the archive's database answers.
func (h *Handler) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	c, err := h.store.Counts(ctx)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if err != nil {
		h.log.WithError(err).Warn("health check: database does not answer")
		w.WriteHeader(http.StatusServiceUnavailable)
		_ = json.NewEncoder(w).Encode(map[string]any{"status": "unavailable"})
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{
		"status": "ok", "uptime_seconds": int64(time.Since(h.start).Seconds()),
		"sources": c.Sources, "posts": c.Posts, "versions": c.Versions, "captures": c.Captures, "events": c.Events,
	})
}

// Server is an http.Server with every timeout set.
type Server struct {
	srv *http.Server
	ln  net.Listener
}

// Listen binds addr; Serve then answers with a handler, so the handler can
// be built knowing the address (a port chosen by the kernel).
func Listen(addr string) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &Server{ln: ln, srv: &http.Server{
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}}, nil
}

// Addr returns the address the server listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Serve serves h until Shutdown.
func (s *Server) Serve(h http.Handler) error {
	s.srv.Handler = h
	if err := s.srv.Serve(s.ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Shutdown stops accepting and waits for requests in flight until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error { return s.srv.Shutdown(ctx) }
