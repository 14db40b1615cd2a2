package reports

import (
	"context"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/monitor"
)

// recorder is a fetcher doing real HTTP, just enough of the real one:
// plain GETs, numbered captures, the requests kept for the test to read.
type recorder struct {
	client *http.Client
	max    int64 // body cap; 0 for none

	mu       sync.Mutex
	captures int64
	requests []monitor.FetchRequest
}

func newRecorder(t *testing.T) *recorder {
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &recorder{client: &http.Client{Transport: tr}}
}

func (r *recorder) fetcher() monitor.FetcherFunc {
	return func(ctx context.Context, req *monitor.FetchRequest) (*monitor.FetchResponse, error) {
		r.mu.Lock()
		r.requests = append(r.requests, *req)
		r.mu.Unlock()
		hr, err := http.NewRequestWithContext(ctx, http.MethodGet, req.URL, nil)
		if err != nil {
			return nil, &monitor.FetchError{URL: req.URL, Err: err}
		}
		for k, vs := range req.Header {
			hr.Header[k] = vs
		}
		resp, err := r.client.Do(hr)
		if err != nil {
			return nil, &monitor.FetchError{URL: req.URL, Transient: true, Err: err}
		}
		defer resp.Body.Close()
		var body io.Reader = resp.Body
		if r.max > 0 {
			body = io.LimitReader(resp.Body, r.max+1)
		}
		b, err := io.ReadAll(body)
		if err != nil {
			return nil, &monitor.FetchError{URL: req.URL, Transient: true, Err: err}
		}
		truncated := r.max > 0 && int64(len(b)) > r.max
		if truncated {
			b = b[:r.max]
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		r.captures++
		return &monitor.FetchResponse{
			URL:        resp.Request.URL.String(),
			StatusCode: resp.StatusCode,
			Header:     resp.Header,
			Body:       b,
			Truncated:  truncated,
			Capture:    &store.Capture{ID: r.captures, URL: req.URL, Kind: req.Kind, Status: resp.StatusCode},
		}, nil
	}
}

// serveFiles serves testdata files by path, with a content type.
func serveFiles(t *testing.T, files map[string]string, contentType string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		name, ok := files[req.URL.RequestURI()]
		if !ok {
			http.NotFound(w, req)
			return
		}
		w.Header().Set("Content-Type", contentType)
		w.Write(readTestdata(t, name))
	})
}
