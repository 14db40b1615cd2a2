package reports

import (
	"net/http"
	"testing"
)

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
