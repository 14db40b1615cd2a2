// Package web serves takedownwatch over HTTP for archivists and their
// tools: search and evidence pages, the JSON API, the change feeds, raw
// captures and Memento.
package web

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/takedownwatch/takedownwatch/archive"
	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/feeds"
	"github.com/takedownwatch/takedownwatch/stats"
)

// Searcher is the full-text search the pages, the API and saved-search
// feeds use; nil when no index is at hand.
type Searcher interface {
	feeds.Searcher
	Search(ctx context.Context, q SearchQuery) (*SearchResult, error)
}

// Options are the Handler's dependencies.
type Options struct {
	Store *store.Store
	// WARCDir holds the WARC files captures are read from.
	WARCDir string
	Search  Searcher
	// Site is http.base_url, for absolute links.
	Site feeds.Site
	// Platforms are the platforms of the configured sources (OPML).
	Platforms []string
	// AdminToken guards writes; empty: every write answers 401.
	AdminToken config.Secret
	// ReadToken, when set, guards reads too (private deployments).
	ReadToken config.Secret
	// Reports stores reports posted to /api/reports; nil answers 503.
	Reports ReportSink
	// ReportChannels are the configured report channels, whose health
	// /sources shows.
	ReportChannels []config.ReportChannel
	// Reindex rebuilds the search index in place; nil answers 503.
	Reindex Reindexer
	// Writes, when set, tells whether the archive's writes fail (the
	// daemon's; a read-only process has none): /healthz and the
	// archive_up metric say so.
	Writes WriteHealth
	// Version is the build's, for the build_info metric.
	Version string
	Log     *logrus.Entry
	Clock   func() time.Time
}

// WriteHealth is the archive's write health: the failure while writes
// fail, nil while they succeed.
type WriteHealth interface {
	WriteFailing() *archive.WriteFailure
}

// Handler holds what the HTTP side depends on.
type Handler struct {
	o     Options
	log   *logrus.Entry
	start time.Time
	mux   *http.ServeMux
	pages *pages

	metricsOnce    sync.Once
	metricsHandler http.Handler

	feeds      genCache[renderedFeed]
	statsCache genCache[*stats.Result]
	charts     chartCache
	statsSVG   chartCache // the /stats charts, by chart and filters
}

// New returns the HTTP handler.
func New(o Options) *Handler {
	if o.Log == nil {
		l := logrus.New()
		l.SetLevel(logrus.WarnLevel)
		o.Log = logrus.NewEntry(l)
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	h := &Handler{o: o, log: o.Log.WithField("component", "web"), start: time.Now(), mux: http.NewServeMux(), pages: newPages()}
	h.feeds.size, h.statsCache.size = feedCacheSize, statsCacheSize
	m := h.mux
	m.HandleFunc("GET /healthz", h.healthz)
	m.HandleFunc("GET /metrics", h.metrics)
	m.HandleFunc("GET /static/", h.static)
	m.HandleFunc("GET /{$}", h.searchPage)
	m.HandleFunc("GET /posts/{id}", h.postPage)
	m.HandleFunc("GET /actors/{id}", h.actorPage)
	m.HandleFunc("GET /actors/{id}/metrics.svg", h.actorChart)
	m.HandleFunc("GET /sources", h.sourcesPage)
	m.HandleFunc("GET /reports", h.reportsPage)
	m.HandleFunc("GET /stats", h.statsPage)
	m.HandleFunc("GET /stats/{chart}", h.statsChart)
	m.HandleFunc("GET /api/search", h.apiSearch)
	m.HandleFunc("GET /api/posts/{id}", h.apiPost)
	m.HandleFunc("GET /api/events", h.apiEvents)
	m.HandleFunc("GET /api/actors", h.apiActors)
	m.HandleFunc("GET /api/sources", h.apiSources)
	m.HandleFunc("GET /api/stats", h.apiStats)
	m.HandleFunc("POST /api/reports", h.apiPostReports)
	m.HandleFunc("GET /api/reindex", h.apiReindex)
	m.HandleFunc("POST /api/reindex", h.apiReindex)
	m.HandleFunc("DELETE /api/reindex", h.apiReindex)
	// Feed paths end in ".rss" etc., which ServeMux wildcards cannot
	// express: the rest of the path is parsed by hand.
	m.HandleFunc("GET /feeds/", h.feed)
	m.HandleFunc("GET /feeds.opml", h.opml)
	// Anything else: the site's own 404 (the API's in JSON), not the mux's
	// bare text.
	m.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			jsonError(w, http.StatusNotFound, "no such endpoint")
			return
		}
		h.errorPage(w, http.StatusNotFound, "There is no page at this address.")
	})
	return h
}

// rawPrefixes are served before the mux: their paths carry an original
// URL ("https://…", "//" included) that ServeMux would clean and redirect,
// or an id with an extension that its wildcards cannot express.
var rawPrefixes = []struct {
	prefix string
	serve  func(*Handler, http.ResponseWriter, *http.Request, string)
}{
	{"/timemap/link/", (*Handler).timemap},
	{"/timegate/", (*Handler).timegate},
	{"/memento/", (*Handler).memento},
	{"/captures/", (*Handler).capture},
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	securityHeaders(w.Header())
	if !h.authorized(w, r) {
		return
	}
	raw := r.RequestURI
	if raw == "" || !strings.HasPrefix(raw, "/") {
		raw = r.URL.RequestURI()
	}
	for _, p := range rawPrefixes {
		if strings.HasPrefix(raw, p.prefix) {
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				w.Header().Set("Allow", "GET, HEAD")
				jsonError(w, http.StatusMethodNotAllowed, "method not allowed")
				return
			}
			p.serve(h, w, r, raw[len(p.prefix):])
			return
		}
	}
	h.mux.ServeHTTP(w, r)
}

// securityHeaders are on every answer: nothing archived may run in our
// origin, and no page leaks where a reader came from.
func securityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
}

// Server is an http.Server with every timeout set.
type Server struct {
	srv    *http.Server
	ln     net.Listener
	cancel context.CancelFunc // of the requests' base context
}

// Listen binds addr; Serve then answers with a handler, so the handler can
// be built knowing the address (a port chosen by the kernel).
func Listen(addr string) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	base, cancel := context.WithCancel(context.Background())
	return &Server{ln: ln, cancel: cancel, srv: &http.Server{
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		BaseContext:       func(net.Listener) context.Context { return base },
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

// Close releases the address of a server that never served.
func (s *Server) Close() error { return s.ln.Close() }

// Shutdown stops accepting and waits for requests in flight until ctx ends;
// then it cancels their contexts (a search waiting its turn gives up) and
// closes their connections, so a stop never waits on a client.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.srv.Shutdown(ctx)
	s.cancel()
	if err != nil {
		s.srv.Close()
	}
	return err
}
