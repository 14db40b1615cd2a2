package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/archive"
	"github.com/takedownwatch/takedownwatch/archive/store"
)

type fakeWrites struct{ f *archive.WriteFailure }

func (w fakeWrites) WriteFailing() *archive.WriteFailure { return w.f }

func TestHandler_Healthz(t *testing.T) {
	st, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "meta.db"), false)
	if err != nil {
		t.Fatal(err)
	}
	h := New(Options{Store: st})
	get := func() (int, map[string]any) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
		var body map[string]any
		json.Unmarshal(rec.Body.Bytes(), &body)
		return rec.Code, body
	}
	if code, body := get(); code != 200 || body["status"] != "ok" {
		t.Fatalf("healthy: %d %v", code, body)
	}
	// the index's state beside the daemon's: none, ok, needs a reindex,
	// being rebuilt
	for _, c := range []struct {
		o    Options
		want map[string]any
	}{
		{Options{Store: st}, map[string]any{"state": "none"}},
		{Options{Store: st, Search: fakeSearch{}}, map[string]any{"state": "ok"}},
		{Options{Store: st, Search: fakeSearch{notice: "The search index holds only what was indexed since …"}},
			map[string]any{"state": "needs_reindex", "notice": "The search index holds only what was indexed since …"}},
		{Options{Store: st, Search: fakeSearch{}, Reindex: &fakeReindexer{st: ReindexStatus{Running: true, Phase: "building"}}},
			map[string]any{"state": "rebuilding", "phase": "building"}},
	} {
		h = New(c.o)
		code, body := get()
		if idx, _ := body["index"].(map[string]any); code != 200 || body["status"] != "ok" || !reflect.DeepEqual(idx, c.want) {
			t.Errorf("%d %v; want index %v", code, body, c.want)
		}
	}
	// writes failing: the daemon runs but keeps nothing, and says so
	failing := &archive.WriteFailure{Err: fmt.Errorf("%w: warc: create file: read-only file system", archive.ErrWrite),
		Since: time.Date(2026, 11, 29, 19, 0, 0, 0, time.UTC)}
	h = New(Options{Store: st, Writes: fakeWrites{failing}})
	code, body := get()
	arc, _ := body["archive"].(map[string]any)
	if code != 503 || body["status"] != "failing" || arc["writing"] != false || arc["since"] != "2026-11-29T19:00:00Z" ||
		arc["error"] != "archive: cannot write: warc: create file: read-only file system" {
		t.Errorf("writes failing: %d %v", code, body)
	}
	// a private deployment's health answers without a token: no error text
	h = New(Options{Store: st, Writes: fakeWrites{failing}, ReadToken: "r3ad-token"})
	if code, body := get(); code != 503 || body["status"] != "failing" || body["archive"].(map[string]any)["error"] != nil {
		t.Errorf("writes failing, private: %d %v", code, body)
	}
	h = New(Options{Store: st, Writes: fakeWrites{nil}})
	if code, body := get(); code != 200 || body["status"] != "ok" || body["archive"] != nil {
		t.Errorf("writes succeeding: %d %v", code, body)
	}
	st.Close()
	if code, body := get(); code != 503 || body["error"] != "unavailable" {
		t.Fatalf("database closed: %d %v", code, body)
	}
}

// A request still running when the stop's time is up (a search waiting
// its turn) sees its context cancelled, and the stop does not wait on it.
func TestServer_ShutdownCancelsRequestsInFlight(t *testing.T) {
	srv, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	started, cancelled := make(chan struct{}), make(chan struct{})
	go srv.Serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-r.Context().Done()
		close(cancelled)
	}))
	go http.Get("http://" + srv.Addr() + "/slow")
	<-started
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	if err := srv.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown: %v, want its deadline", err)
	}
	select {
	case <-cancelled:
	case <-time.After(5 * time.Second):
		t.Fatal("the request's context was not cancelled")
	}
}
