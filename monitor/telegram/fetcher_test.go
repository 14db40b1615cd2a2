package telegram

import (
	"context"
	"net/http"

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
