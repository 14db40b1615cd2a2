package fetchtest

import (
	"context"
	"net/http"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/monitor"
)

// Answer is one canned answer of Routes.
type Answer struct {
	Code   int
	Body   string
	Header http.Header
}

// Routes is a fetcher that never touches a network: it answers each URL
// from M, any other with Default, numbering captures from 1 in request
// order and recording the requests. ContentType, when set, is every
// answer's Content-Type. Safe for concurrent use.
type Routes struct {
	M           map[string]Answer
	Default     Answer
	ContentType string

	recorder
}

var _ monitor.Fetcher = (*Routes)(nil)

// Fetch answers req from the map.
func (r *Routes) Fetch(_ context.Context, req *monitor.FetchRequest) (*monitor.FetchResponse, error) {
	n := r.record(req)
	a, ok := r.M[req.URL]
	if !ok {
		a = r.Default
	}
	h := a.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	if r.ContentType != "" {
		h.Set("Content-Type", r.ContentType)
	}
	return &monitor.FetchResponse{URL: req.URL, StatusCode: a.Code, Header: h, Body: []byte(a.Body),
		Capture: &store.Capture{ID: int64(n), URL: req.URL, Status: a.Code}}, nil
}
