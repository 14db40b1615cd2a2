package telegram

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/monitor"
)

// serve is a fetcher answering every URL with status and body, as capture 7.
func serve(status int, body []byte) monitor.FetcherFunc {
	return monitor.FetcherFunc(func(_ context.Context, req *monitor.FetchRequest) (*monitor.FetchResponse, error) {
		return &monitor.FetchResponse{
			URL: req.URL, StatusCode: status, Body: body,
			Header:  http.Header{"Content-Type": {"text/html; charset=utf-8"}},
			Capture: &store.Capture{ID: 7},
		}, nil
	})
}

// httpFetcher is just enough of the real fetcher for the sandbox: GETs
// that follow redirects hop by hop (each hop a capture, as the archive
// keeps them), conditional ones from the last 200 of the same URL, and no
// archive.
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
	return &httpFetcher{
		client: &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}},
		validators: make(map[string]http.Header),
	}
}

func (h *httpFetcher) Fetch(ctx context.Context, req *monitor.FetchRequest) (*monitor.FetchResponse, error) {
	h.mu.Lock()
	h.requests = append(h.requests, *req)
	v := h.validators[req.URL]
	h.mu.Unlock()

	var hops []monitor.Hop
	target := req.URL
	for {
		r, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
		if err != nil {
			return nil, &monitor.FetchError{URL: req.URL, Err: err}
		}
		for k, vs := range req.Header {
			r.Header[k] = vs
		}
		if req.Conditional && v != nil && len(hops) == 0 {
			if etag := v.Get("ETag"); etag != "" {
				r.Header.Set("If-None-Match", etag)
			}
		}
		resp, err := h.client.Do(r)
		if err != nil {
			return nil, &monitor.FetchError{URL: req.URL, Transient: true, Err: err}
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, &monitor.FetchError{URL: req.URL, Transient: true, Err: err}
		}
		h.mu.Lock()
		h.captures++
		id := h.captures
		h.mu.Unlock()
		if loc, err := resp.Location(); err == nil && resp.StatusCode >= 300 && resp.StatusCode < 400 {
			hops = append(hops, monitor.Hop{URL: target, StatusCode: resp.StatusCode, Location: resp.Header.Get("Location"), CaptureID: id})
			if len(hops) > 5 {
				return nil, &monitor.FetchError{URL: req.URL, Err: errors.New("too many redirects")}
			}
			target = loc.String()
			continue
		}
		h.mu.Lock()
		if resp.StatusCode == http.StatusOK && len(hops) == 0 {
			h.validators[req.URL] = resp.Header
		}
		h.mu.Unlock()
		return &monitor.FetchResponse{
			URL:         target,
			StatusCode:  resp.StatusCode,
			Header:      resp.Header,
			Body:        body,
			NotModified: resp.StatusCode == http.StatusNotModified,
			Capture:     &store.Capture{ID: id, URL: target, Status: resp.StatusCode},
			Hops:        hops,
		}, nil
	}
}

func (h *httpFetcher) urls() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, r := range h.requests {
		out = append(out, r.URL)
	}
	return out
}

func (h *httpFetcher) lastRequest() monitor.FetchRequest {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.requests[len(h.requests)-1]
}
