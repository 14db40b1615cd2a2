package facebook

import (
	"context"
	"net/http"
	"strings"
	"sync"

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
