package fetchtest

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/takedownwatch/takedownwatch/monitor"
)

func TestFetcher(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/moved":
			http.Redirect(w, r, "/page", http.StatusFound)
		case "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		case "/page":
			if r.Header.Get("If-None-Match") == `"v1"` {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Header().Set("ETag", `"v1"`)
			w.Write([]byte(strings.Repeat("x", 100)))
		}
	}))
	defer srv.Close()
	f := New(t)
	get := func(path string, conditional bool) (*monitor.FetchResponse, error) {
		return f.Fetch(t.Context(), &monitor.FetchRequest{URL: srv.URL + path, Kind: monitor.KindListing, Conditional: conditional})
	}

	resp, err := get("/moved", false)
	if err != nil {
		t.Fatal(err)
	}
	if resp.URL != srv.URL+"/page" || len(resp.Hops) != 1 || resp.Hops[0].CaptureID != 1 || resp.Capture.ID != 2 {
		t.Errorf("redirect: URL %s, hops %+v, capture %d; want /page after one hop (capture 1), capture 2", resp.URL, resp.Hops, resp.Capture.ID)
	}
	if _, err := get("/page", false); err != nil {
		t.Fatal(err)
	}
	if resp, err = get("/page", true); err != nil || !resp.NotModified {
		t.Errorf("conditional GET after a 200 with an ETag: %+v, %v; want a 304", resp, err)
	}
	if _, err := get("/loop", false); err == nil || !strings.Contains(err.Error(), "redirects") {
		t.Errorf("redirect loop: %v; want too many redirects", err)
	}

	f.Max = 10
	if resp, err = get("/page", false); err != nil || !resp.Truncated || len(resp.Body) != 10 {
		t.Errorf("over the cap: %d bytes, truncated %v, %v; want 10, true", len(resp.Body), resp.Truncated, err)
	}
	if got, want := f.URLs()[:3], []string{srv.URL + "/moved", srv.URL + "/page", srv.URL + "/page"}; !slices.Equal(got, want) {
		t.Errorf("URLs = %v; want %v", got, want)
	}
	if got := f.Last(t); got.URL != srv.URL+"/page" || got.Kind != monitor.KindListing {
		t.Errorf("Last = %+v", got)
	}
}

// Routes answers from its map, any other URL with its default, numbers
// captures in request order and keeps the requests.
func TestRoutes(t *testing.T) {
	r := &Routes{
		M:           map[string]Answer{"https://a.example/1": {Code: 200, Body: "one", Header: http.Header{"Etag": {`"x"`}}}},
		Default:     Answer{Code: 404, Body: "none"},
		ContentType: "application/json",
	}
	for i, tc := range []struct {
		url        string
		code       int
		body, etag string
	}{
		{"https://a.example/1", 200, "one", `"x"`},
		{"https://a.example/2", 404, "none", ""},
		{"https://a.example/1", 200, "one", `"x"`},
	} {
		resp, err := r.Fetch(t.Context(), &monitor.FetchRequest{URL: tc.url})
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != tc.code || string(resp.Body) != tc.body || resp.Header.Get("Etag") != tc.etag ||
			resp.Header.Get("Content-Type") != "application/json" || resp.Capture.ID != int64(i+1) {
			t.Errorf("fetch %d of %s: %d %q %v capture %d", i+1, tc.url, resp.StatusCode, resp.Body, resp.Header, resp.Capture.ID)
		}
	}
	if got := r.URLs(); len(got) != 3 || got[1] != "https://a.example/2" {
		t.Errorf("URLs = %v", got)
	}
	if r.M["https://a.example/1"].Header.Get("Content-Type") != "" {
		t.Error("the canned answer's header was changed")
	}
}
