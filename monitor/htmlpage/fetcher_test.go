package htmlpage

import (
	"context"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/monitor"
)

// answer is what pageFetcher answers for one URL.
type answer struct {
	status      int
	body        string
	contentType string
	truncated   bool
	finalURL    string // after redirects; "" is the URL asked for
	err         error
}

// pageFetcher answers from a map of URLs, numbering captures from 1 in
// request order, and records the requests.
type pageFetcher struct {
	pages map[string]answer

	mu       sync.Mutex
	requests []monitor.FetchRequest
	hook     func(n int) // runs before answering request n (from 1)
}

func (f *pageFetcher) Fetch(ctx context.Context, req *monitor.FetchRequest) (*monitor.FetchResponse, error) {
	f.mu.Lock()
	f.requests = append(f.requests, *req)
	n := len(f.requests)
	f.mu.Unlock()
	if f.hook != nil {
		f.hook(n)
	}
	if err := ctx.Err(); err != nil {
		return nil, &monitor.FetchError{URL: req.URL, Transient: true, Err: err}
	}
	a, ok := f.pages[req.URL]
	if !ok {
		a = answer{status: http.StatusNotFound, body: "<title>Page not found</title>"}
	}
	if a.err != nil {
		return nil, a.err
	}
	final := a.finalURL
	if final == "" {
		final = req.URL
	}
	ct := a.contentType
	if ct == "" {
		ct = "text/html; charset=utf-8"
	}
	return &monitor.FetchResponse{
		URL:         final,
		StatusCode:  a.status,
		Header:      http.Header{"Content-Type": {ct}},
		Body:        []byte(a.body),
		Truncated:   a.truncated,
		NotModified: a.status == http.StatusNotModified,
		Capture:     &store.Capture{ID: int64(n), URL: req.URL, Status: a.status},
	}, nil
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
