// Package web serves takedownwatch over HTTP: health and metrics now; the
// JSON API, feeds, evidence pages and Memento as those parts land.
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
)

// Counter is what the health check reads from the archive.
type Counter interface {
	Counts(ctx context.Context) (store.Counts, error)
}

// Handler holds what the HTTP side depends on.
type Handler struct {
	store Counter
	log   *logrus.Entry
	start time.Time
	mux   *http.ServeMux
}

// New returns the HTTP handler.
func New(st Counter, log *logrus.Entry) *Handler {
	h := &Handler{store: st, log: log.WithField("component", "web"), start: time.Now(), mux: http.NewServeMux()}
	h.mux.HandleFunc("GET /healthz", h.healthz)
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

// Listen binds addr and returns a Server ready to Serve.
func Listen(addr string, h http.Handler) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &Server{ln: ln, srv: &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}}, nil
}

// Addr returns the address the server listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Serve serves until Shutdown.
func (s *Server) Serve() error {
	if err := s.srv.Serve(s.ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Shutdown stops accepting and waits for requests in flight until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error { return s.srv.Shutdown(ctx) }
