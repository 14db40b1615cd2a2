package htmlpage

import (
	"context"
	"net/http"
	"sync"

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
