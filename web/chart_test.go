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

// Each metric has its own chart (followers and likes on one axis made the
// smaller a flat line), with no ticks of an unused axis drawn far off the
// image, and counts labelled as counts.
func TestActorChart_OneSeries(t *testing.T) {
	e := newEvidence(t, Options{})
	page := httpGet(t, e.srv.URL+"/actors/opp", 200)
	if !strings.Contains(page, `src="/actors/opp/metrics.svg?series=opp-site%2ffollowers"`) {
		t.Fatalf("the actor page has no chart of its one series:\n%s", page)
	}
	svg := httpGet(t, e.srv.URL+"/actors/opp/metrics.svg?series=opp-site/followers", 200)
	if strings.Contains(svg, "-92233720368547") || !strings.Contains(svg, ">150<") {
		t.Errorf("chart of followers:\n%s", svg)
	}
	httpGet(t, e.srv.URL+"/actors/opp/metrics.svg?series=opp-site/nothing", 404)
}

// httpGet is get that wants status.
func httpGet(t *testing.T, url string, status int) string {
	t.Helper()
	resp, body := get(t, url, nil)
	if resp.StatusCode != status {
		t.Fatalf("GET %s: %d, want %d", url, resp.StatusCode, status)
	}
	return body
}

func TestCountFormatter(t *testing.T) {
	for in, want := range map[float64]string{0: "0", 999: "999", 1000: "1,000", 1500000: "1,500,000", -20000: "-20,000", 2.5: "2.50"} {
		if got := countFormatter(in); got != want {
			t.Errorf("countFormatter(%v) = %q, want %q", in, got, want)
		}
	}
}
