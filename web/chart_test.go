package web

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/archive/store"
)

// The actor chart is drawn once per new reading: revalidation with its
// ETag is a 304 until a series gains a reading, which redraws it.
func TestActorChart_RedrawnOnlyForNewReadings(t *testing.T) {
	e := newEvidence(t, Options{})
	get := func(etag string) (int, string, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/actors/opp/metrics.svg", nil)
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("ETag"), string(b)
	}
	code, etag, body := get("")
	if code != 200 || etag == "" || !strings.Contains(body, "<svg") {
		t.Fatalf("first: %d, etag %q", code, etag)
	}
	if code, _, _ := get(etag); code != http.StatusNotModified {
		t.Errorf("revalidation with the same readings: %d, want 304", code)
	}
	if err := e.a.Store.Write(t.Context(), func(tx *store.Tx) error {
		return tx.AddMetrics("opp-site", e.t0.Add(2*time.Hour), 0, []store.MetricValue{{Name: "followers", Value: 175}})
	}); err != nil {
		t.Fatal(err)
	}
	code, etag2, body2 := get(etag)
	if code != 200 || etag2 == etag || body2 == body {
		t.Errorf("after a new reading: %d, etag %q (was %q), body changed %v", code, etag2, etag, body2 != body)
	}
}
