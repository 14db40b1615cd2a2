package sandbox_test

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/takedownwatch/takedownwatch/internal/sandbox"
	"github.com/takedownwatch/takedownwatch/internal/sandbox/sandboxtest"
)

func TestMedia(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	c := newClient(t)
	a := sb.AddAccount(0, "alice")
	a.SetMedia("big.bin", 100_003, "application/octet-stream")
	a.SetMedia("p.png", 10, "")
	want := sandbox.MediaBytes("big.bin", 100_003)

	tests := []struct {
		name   string
		file   string
		header http.Header
		status int
		ctype  string
		body   []byte
	}{
		{"whole", "big.bin", nil, http.StatusOK, "application/octet-stream", want},
		{"range", "big.bin", http.Header{"Range": {"bytes=9-20"}}, http.StatusPartialContent, "application/octet-stream", want[9:21]},
		{"type from name", "p.png", nil, http.StatusOK, "image/png", sandbox.MediaBytes("p.png", 10)},
		{"missing", "nope.jpg", nil, http.StatusNotFound, "text/html; charset=utf-8", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := fetch(t, c, a.MediaURL(tc.file), tc.header)
			if resp.StatusCode != tc.status || resp.Header.Get("Content-Type") != tc.ctype {
				t.Errorf("status %d, type %q; want %d, %q", resp.StatusCode, resp.Header.Get("Content-Type"), tc.status, tc.ctype)
			}
			if tc.body != nil && !bytes.Equal([]byte(body), tc.body) {
				t.Errorf("body differs from MediaBytes (%d bytes, want %d)", len(body), len(tc.body))
			}
		})
	}
	if bytes.Equal(sandbox.MediaBytes("a", 64), sandbox.MediaBytes("b", 64)) {
		t.Error("two names share their bytes")
	}
}
