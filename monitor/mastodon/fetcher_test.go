package mastodon

import (
	"context"
	"net/http"
	"sync"

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
