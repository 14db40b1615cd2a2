package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/config"
)

// fakeReindexer runs no rebuild: StartReindex marks one running.
type fakeReindexer struct{ st ReindexStatus }

func (f *fakeReindexer) StartReindex() (ReindexStatus, error) {
	if f.st.Running {
		return f.st, ErrReindexRunning
	}
	f.st = ReindexStatus{Running: true, Phase: "building", Total: 10}
	return f.st, nil
}

func (f *fakeReindexer) CancelReindex() ReindexStatus {
	if f.st.Running {
		f.st.Running, f.st.Phase = false, "stopped"
	}
	return f.st
}

func (f *fakeReindexer) ReindexStatus() ReindexStatus { return f.st }

func TestAPIReindex(t *testing.T) {
	const admin = "s3cret-admin"
	rx := &fakeReindexer{}
	st, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "meta.db"), false)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	h := New(Options{Store: st, AdminToken: config.Secret(admin), Reindex: rx})
	noIndex := New(Options{AdminToken: config.Secret(admin)})
	// In order: each step sees the state the steps before left.
	steps := []struct {
		name   string
		h      *Handler
		method string
		token  string
		code   int
		phase  string
	}{
		{"status before any", h, http.MethodGet, "", 200, ""},
		{"start without the token", h, http.MethodPost, "", 401, ""},
		{"start with a wrong token", h, http.MethodPost, "nope", 401, ""},
		{"start", h, http.MethodPost, admin, 202, "building"},
		{"start while running", h, http.MethodPost, admin, 409, "building"},
		{"status while running", h, http.MethodGet, "", 200, "building"},
		{"stop without the token", h, http.MethodDelete, "", 401, ""},
		{"stop", h, http.MethodDelete, admin, 200, "stopped"},
		{"start again", h, http.MethodPost, admin, 202, "building"},
		{"no reindexer", noIndex, http.MethodPost, admin, 503, ""},
		{"other method", h, http.MethodPut, admin, 405, ""},
	}
	for _, s := range steps {
		req := httptest.NewRequest(s.method, "/api/reindex", nil)
		if s.token != "" {
			req.Header.Set("Authorization", "Bearer "+s.token)
		}
		rec := httptest.NewRecorder()
		s.h.ServeHTTP(rec, req)
		if rec.Code != s.code {
			t.Errorf("%s: %d %s; want %d", s.name, rec.Code, rec.Body, s.code)
			continue
		}
		if rec.Code >= 400 && rec.Code != http.StatusConflict {
			continue
		}
		var st ReindexStatus
		if err := json.Unmarshal(rec.Body.Bytes(), &st); err != nil {
			t.Errorf("%s: %v in %s", s.name, err, rec.Body)
			continue
		}
		if st.Phase != s.phase {
			t.Errorf("%s: phase %q; want %q", s.name, st.Phase, s.phase)
		}
		if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
			t.Errorf("%s: Cache-Control %q; want no-store", s.name, cc)
		}
	}
	// The last step left a rebuild running: /metrics shows it.
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	for _, want := range []string{"takedownwatch_index_rebuild_running 1", `takedownwatch_index_rebuild_posts{of="total"} 10`} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("/metrics lacks %q:\n%s", want, rec.Body)
		}
	}
}
