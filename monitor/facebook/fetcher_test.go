package facebook

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/sandbox"
	"github.com/takedownwatch/takedownwatch/monitor"
)

// answer is one canned answer.
type answer struct {
	code   int
	body   string
	header http.Header
}

// routes is a fetcher answering each URL from a map (a Graph 100/33 for
// the rest), numbering captures from 1 and recording the requests.
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
		a = answer{code: 400, body: `{"error":{"message":"Unsupported get request. Object with ID 'x' does not exist, cannot be loaded due to missing permissions, or does not support this operation.","type":"GraphMethodException","code":100,"error_subcode":33,"fbtrace_id":"A"}}`}
	}
	h := a.header.Clone()
	if h == nil {
		h = http.Header{}
	}
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

// httpFetcher is just enough of the real fetcher for the sandbox: GETs
// that follow redirects (recording the hops), numbered captures, no
// archive.
type httpFetcher struct {
	client *http.Client

	mu       sync.Mutex
	captures int64
	requests []monitor.FetchRequest
}

func newHTTPFetcher(t *testing.T) *httpFetcher {
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &httpFetcher{client: &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (h *httpFetcher) Fetch(ctx context.Context, req *monitor.FetchRequest) (*monitor.FetchResponse, error) {
	h.mu.Lock()
	h.requests = append(h.requests, *req)
	h.mu.Unlock()
	var hops []monitor.Hop
	u := req.URL
	for range 5 {
		r, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
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
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, &monitor.FetchError{URL: req.URL, Transient: true, Err: err}
		}
		h.mu.Lock()
		h.captures++
		id := h.captures
		h.mu.Unlock()
		if loc := resp.Header.Get("Location"); resp.StatusCode/100 == 3 && loc != "" {
			next, err := r.URL.Parse(loc)
			if err != nil {
				return nil, &monitor.FetchError{URL: req.URL, Err: err}
			}
			hops = append(hops, monitor.Hop{URL: u, StatusCode: resp.StatusCode, Location: next.String(), CaptureID: id})
			u = next.String()
			continue
		}
		return &monitor.FetchResponse{
			URL: u, StatusCode: resp.StatusCode, Header: resp.Header, Body: body, Hops: hops,
			Capture: &store.Capture{ID: id, URL: u, Status: resp.StatusCode},
		}, nil
	}
	return nil, &monitor.FetchError{URL: req.URL, Err: io.ErrUnexpectedEOF}
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

func (h *httpFetcher) urls() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, r := range h.requests {
		out = append(out, r.URL)
	}
	return out
}

// testToken is long enough for the archive's scrub (8 bytes at least).
const testToken = "EAAtesttoken0123456789"

// source is a facebook source of a sandbox account, with a token.
func source(a *sandbox.Account) *config.Source {
	return &config.Source{ID: a.Name() + "-fb", Actor: a.Name(), Platform: "facebook", URL: a.FacebookURL(),
		APIBase: a.GraphAPIBase(), Vantage: "direct", Token: testToken}
}

// noToken is the source without its token.
func noToken(src *config.Source) *config.Source {
	cp := *src
	cp.Token = ""
	return &cp
}

// leaks reports whether s holds the token.
func leaks(s string) bool { return strings.Contains(s, testToken) }
