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
	"github.com/takedownwatch/takedownwatch/internal/fetchtest"
	"github.com/takedownwatch/takedownwatch/internal/sandbox"
	"github.com/takedownwatch/takedownwatch/monitor"
)

// source is the bluesky source of a sandbox account.
func source(a *sandbox.Account) *config.Source {
	return &config.Source{ID: a.Name() + "-bsky", Actor: a.Name(), Platform: "bluesky", URL: a.BlueskyProfileURL(),
		APIBase: a.BlueskyAPIBase(), PDSBase: a.BlueskyAPIBase(), Vantage: "direct"}
}

// methods are the XRPC methods (or other paths) f was asked, in order.
func methods(f *fetchtest.Fetcher) []string {
	var out []string
	for _, u := range f.URLs() {
		pu, _ := url.Parse(u)
		out = append(out, strings.TrimPrefix(pu.Path, "/xrpc/"))
	}
	return out
}

// lastCall is the last request f was asked for the XRPC method.
func lastCall(f *fetchtest.Fetcher, method string) monitor.FetchRequest {
	rs := f.Requests()
	for i := len(rs) - 1; i >= 0; i-- {
		if strings.Contains(rs[i].URL, "."+method+"?") {
			return rs[i]
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
