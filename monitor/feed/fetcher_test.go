package feed

import (
	"context"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/monitor"
)

// serve is a fetcher answering 200 with body of contentType, as capture 7.
func serve(body []byte, contentType string) monitor.FetcherFunc {
	return monitor.FetcherFunc(func(_ context.Context, req *monitor.FetchRequest) (*monitor.FetchResponse, error) {
		return &monitor.FetchResponse{
			URL:        req.URL,
			StatusCode: http.StatusOK,
			Header:     http.Header{"Content-Type": {contentType}},
			Body:       body,
			Capture:    &store.Capture{ID: 7},
		}, nil
	})
}

// httpFetcher is just enough of the real fetcher for the sandbox: plain
// GETs, conditional ones from the last 200 of the same URL, numbered
// captures and no archive.
type httpFetcher struct {
	client *http.Client

	mu         sync.Mutex
	captures   int64
	validators map[string]http.Header
	requests   []monitor.FetchRequest
}

func newHTTPFetcher(t *testing.T) *httpFetcher {
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &httpFetcher{client: &http.Client{Transport: tr}, validators: make(map[string]http.Header)}
}

func (h *httpFetcher) Fetch(ctx context.Context, req *monitor.FetchRequest) (*monitor.FetchResponse, error) {
	h.mu.Lock()
	h.requests = append(h.requests, *req)
	v := h.validators[req.URL]
	h.mu.Unlock()

	r, err := http.NewRequestWithContext(ctx, http.MethodGet, req.URL, nil)
	if err != nil {
		return nil, &monitor.FetchError{URL: req.URL, Err: err}
	}
	for k, vs := range req.Header {
		r.Header[k] = vs
	}
	if req.Conditional && v != nil {
		if etag := v.Get("ETag"); etag != "" {
			r.Header.Set("If-None-Match", etag)
		}
		if lm := v.Get("Last-Modified"); lm != "" {
			r.Header.Set("If-Modified-Since", lm)
		}
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
	if resp.StatusCode == http.StatusOK {
		h.validators[req.URL] = resp.Header
	}
	return &monitor.FetchResponse{
		URL:         resp.Request.URL.String(),
		StatusCode:  resp.StatusCode,
		Header:      resp.Header,
		Body:        body,
		NotModified: resp.StatusCode == http.StatusNotModified,
		Capture:     &store.Capture{ID: h.captures, URL: req.URL, Status: resp.StatusCode},
	}, nil
}

func (h *httpFetcher) lastRequest() monitor.FetchRequest {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.requests[len(h.requests)-1]
}
