package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/takedownwatch/takedownwatch/archive/store"
)

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
	st.Close()
	if code, body := get(); code != 503 || body["error"] != "unavailable" {
		t.Fatalf("database closed: %d %v", code, body)
	}
}
