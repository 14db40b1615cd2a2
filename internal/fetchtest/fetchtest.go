// Package fetchtest holds a stand-in for the project's fetcher that
// collector and channel tests run against httptest servers and the sandbox.
package fetchtest

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

// maxHops is how many redirects a fetch follows, as the real fetcher's
// default cap.
const maxHops = 5

// Fetcher is just enough of the real fetcher (monitor/fetch) for tests:
// GETs with the request's headers; redirects followed hop by hop, each hop
// a numbered capture as the archive keeps them; conditional GETs from the
// validators of the last 200 of the same URL; an optional body cap; every
// request recorded; no archive.
type Fetcher struct {
	// Max caps a body at this many bytes, the rest cut and the answer
	// marked Truncated (0: no cap). Set it before the first fetch.
	Max int64

	client *http.Client
	recorder

	mu         sync.Mutex
	captures   int64
	validators map[string]http.Header
}

var _ monitor.Fetcher = (*Fetcher)(nil)

// New returns a Fetcher whose idle connections close when t ends.
func New(t testing.TB) *Fetcher {
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &Fetcher{
		client: &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}},
		validators: make(map[string]http.Header),
	}
}

// Fetch implements monitor.Fetcher.
func (f *Fetcher) Fetch(ctx context.Context, req *monitor.FetchRequest) (*monitor.FetchResponse, error) {
	f.record(req)
	f.mu.Lock()
	v := f.validators[req.URL]
	f.mu.Unlock()

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
			if lm := v.Get("Last-Modified"); lm != "" {
				r.Header.Set("If-Modified-Since", lm)
			}
		}
		resp, err := f.client.Do(r)
		if err != nil {
			return nil, &monitor.FetchError{URL: req.URL, Transient: true, Err: err}
		}
		body, truncated, err := f.read(resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, &monitor.FetchError{URL: req.URL, Transient: true, Err: err}
		}
		f.mu.Lock()
		f.captures++
		id := f.captures
		f.mu.Unlock()
		if loc, err := resp.Location(); err == nil && resp.StatusCode/100 == 3 {
			hops = append(hops, monitor.Hop{URL: target, StatusCode: resp.StatusCode, Location: loc.String(), CaptureID: id})
			if len(hops) > maxHops {
				return nil, &monitor.FetchError{URL: req.URL, Err: errors.New("too many redirects")}
			}
			target = loc.String()
			continue
		}
		if resp.StatusCode == http.StatusOK && len(hops) == 0 {
			f.mu.Lock()
			f.validators[req.URL] = resp.Header
			f.mu.Unlock()
		}
		return &monitor.FetchResponse{
			URL:         target,
			StatusCode:  resp.StatusCode,
			Header:      resp.Header,
			Body:        body,
			Truncated:   truncated,
			NotModified: resp.StatusCode == http.StatusNotModified,
			Capture:     &store.Capture{ID: id, URL: target, Kind: req.Kind, Status: resp.StatusCode},
			Hops:        hops,
		}, nil
	}
}

func (f *Fetcher) read(r io.Reader) (body []byte, truncated bool, err error) {
	if f.Max <= 0 {
		body, err = io.ReadAll(r)
		return body, false, err
	}
	body, err = io.ReadAll(io.LimitReader(r, f.Max+1))
	if int64(len(body)) > f.Max {
		return body[:f.Max], true, err
	}
	return body, false, err
}

// recorder keeps the requests a fake fetcher is asked, for tests to read.
type recorder struct {
	mu       sync.Mutex
	requests []monitor.FetchRequest
}

// record keeps req and returns how many requests there were with it.
func (r *recorder) record(req *monitor.FetchRequest) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests = append(r.requests, *req)
	return len(r.requests)
}

// Requests returns every request asked so far, in order.
func (r *recorder) Requests() []monitor.FetchRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]monitor.FetchRequest(nil), r.requests...)
}

// URLs returns the URL of every request asked so far, in order.
func (r *recorder) URLs() []string {
	var out []string
	for _, q := range r.Requests() {
		out = append(out, q.URL)
	}
	return out
}

// Kinds returns the kind of every request asked so far, in order.
func (r *recorder) Kinds() []string {
	var out []string
	for _, q := range r.Requests() {
		out = append(out, q.Kind)
	}
	return out
}

// Last returns the last request asked; it fails t when there was none.
func (r *recorder) Last(t testing.TB) monitor.FetchRequest {
	t.Helper()
	rs := r.Requests()
	if len(rs) == 0 {
		t.Fatal("no request was made")
	}
	return rs[len(rs)-1]
}

// Captures returns how many answers (hops included) were numbered so far.
func (f *Fetcher) Captures() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.captures
}
