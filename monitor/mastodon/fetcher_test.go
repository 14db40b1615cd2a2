package mastodon

import (
	"context"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/monitor"
)

// answer is one canned API answer.
type answer struct {
	code   int
	body   string
	header http.Header
}

// routes is a fetcher answering each URL from a map (404 for the rest),
// numbering captures from 1 and recording the requests.
type routes struct {
	mu       sync.Mutex
	m        map[string]answer
	requests []monitor.FetchRequest
}

func (r *routes) Fetch(_ context.Context, req *monitor.FetchRequest) (*monitor.FetchResponse, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests = append(r.requests, *req)
	a, ok := r.m[req.URL]
	if !ok {
		a = answer{code: 404, body: `{"error":"Record not found"}`}
	}
	h := a.header.Clone()
	if h == nil {
		h = http.Header{}
	}
	h.Set("Content-Type", "application/json; charset=utf-8")
	return &monitor.FetchResponse{URL: req.URL, StatusCode: a.code, Header: h, Body: []byte(a.body),
		Capture: &store.Capture{ID: int64(len(r.requests)), URL: req.URL, Status: a.code}}, nil
}

func (r *routes) urls() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, q := range r.requests {
		out = append(out, q.URL)
	}
	return out
}

// httpFetcher is just enough of the real fetcher for the sandbox: plain
// GETs, numbered captures, no archive.
type httpFetcher struct {
	client *http.Client

	mu       sync.Mutex
	captures int64
	requests []monitor.FetchRequest
}

func newHTTPFetcher(t *testing.T) *httpFetcher {
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &httpFetcher{client: &http.Client{Transport: tr}}
}

func (h *httpFetcher) Fetch(ctx context.Context, req *monitor.FetchRequest) (*monitor.FetchResponse, error) {
	h.mu.Lock()
	h.requests = append(h.requests, *req)
	h.mu.Unlock()
	r, err := http.NewRequestWithContext(ctx, http.MethodGet, req.URL, nil)
	if err != nil {
		return nil, &monitor.FetchError{URL: req.URL, Err: err}
	}
	for k, vs := range req.Header {
		r.Header[k] = vs
	}
	resp, err := h.client.Do(r)
	if err != nil {
		return nil, &monitor.FetchError{URL: req.URL, Transient: true, Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, &monitor.FetchError{URL: req.URL, Transient: true, Err: err}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.captures++
	return &monitor.FetchResponse{
		URL: resp.Request.URL.String(), StatusCode: resp.StatusCode, Header: resp.Header, Body: body,
		Capture: &store.Capture{ID: h.captures, URL: req.URL, Status: resp.StatusCode},
	}, nil
}

func (h *httpFetcher) kinds() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, r := range h.requests {
		out = append(out, r.Kind)
	}
	return out
}
