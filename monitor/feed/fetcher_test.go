package feed

import (
	"context"
	"net/http"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/monitor"
)

// serve is a fetcher answering 200 with body of contentType, as capture 7.
func serve(body []byte, contentType string) monitor.FetcherFunc {
	return monitor.FetcherFunc(func(_ context.Context, req *monitor.FetchRequest) (*monitor.FetchResponse, error) {
		return &monitor.FetchResponse{
			URL:        req.URL,
			StatusCode: http.StatusOK,
			Header:     http.Header{"Content-Type": {contentType}},
			Body:       body,
			Capture:    &store.Capture{ID: 7},
		}, nil
	})
}
