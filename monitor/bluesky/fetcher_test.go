package bluesky

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/sandbox"
	"github.com/takedownwatch/takedownwatch/monitor"
)

// source is the bluesky source of a sandbox account.
func source(a *sandbox.Account) *config.Source {
	return &config.Source{ID: a.Name() + "-bsky", Actor: a.Name(), Platform: "bluesky", URL: a.BlueskyProfileURL(),
		APIBase: a.BlueskyAPIBase(), PDSBase: a.BlueskyAPIBase(), Vantage: "direct"}
}

// httpFetcher is just enough of the real fetcher for the sandbox: plain
// GETs, numbered captures, no archive, and a record of what was asked.
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
	return &monitor.FetchResponse{URL: req.URL, StatusCode: resp.StatusCode, Header: resp.Header, Body: body,
		Capture: &store.Capture{ID: h.captures, URL: req.URL, Status: resp.StatusCode}}, nil
}

// methods are the XRPC methods (or other paths) asked so far, in order.
func (h *httpFetcher) methods() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, r := range h.requests {
		u, _ := url.Parse(r.URL)
		out = append(out, strings.TrimPrefix(u.Path, "/xrpc/"))
	}
	return out
}

func (h *httpFetcher) last(method string) monitor.FetchRequest {
	h.mu.Lock()
	defer h.mu.Unlock()
	for i := len(h.requests) - 1; i >= 0; i-- {
		if strings.Contains(h.requests[i].URL, "."+method+"?") {
			return h.requests[i]
		}
	}
	return monitor.FetchRequest{}
}

// answer is one canned answer of a fakeFetcher.
type answer struct {
	status int
	body   string
	err    error
}

// fakeFetcher answers by URL: the first key that the request URL contains
// wins, so put longer keys first when they overlap. Unmatched requests
// fail the test.
type fakeFetcher struct {
	t       *testing.T
	answers []struct {
		key string
		a   answer
	}
	mu    sync.Mutex
	asked []string
}

func newFake(t *testing.T) *fakeFetcher { return &fakeFetcher{t: t} }

func (f *fakeFetcher) on(key string, status int, body string) *fakeFetcher {
	f.answers = append(f.answers, struct {
		key string
		a   answer
	}{key, answer{status: status, body: body}})
	return f
}

func (f *fakeFetcher) fail(key string, err error) *fakeFetcher {
	f.answers = append(f.answers, struct {
		key string
		a   answer
	}{key, answer{err: err}})
	return f
}

func (f *fakeFetcher) Fetch(_ context.Context, req *monitor.FetchRequest) (*monitor.FetchResponse, error) {
	f.mu.Lock()
	f.asked = append(f.asked, req.URL)
	n := int64(len(f.asked))
	f.mu.Unlock()
	for _, a := range f.answers {
		if strings.Contains(req.URL, a.key) {
			if a.a.err != nil {
				return nil, a.a.err
			}
			return &monitor.FetchResponse{URL: req.URL, StatusCode: a.a.status, Body: []byte(a.a.body),
				Header: http.Header{"Content-Type": {"application/json; charset=utf-8"}}, Capture: &store.Capture{ID: 100 + n}}, nil
		}
	}
	f.t.Errorf("unexpected fetch of %s", req.URL)
	return nil, &monitor.FetchError{URL: req.URL, Err: io.EOF}
}

func (f *fakeFetcher) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.asked...)
}
