package fetch

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// endlessReader yields 'x' forever, a few bytes at a time.
type endlessReader struct{}

func (endlessReader) Read(p []byte) (int, error) {
	n := min(len(p), 7)
	for i := range n {
		p[i] = 'x'
	}
	return n, nil
}

func TestReadCapped(t *testing.T) {
	errBroken := errors.New("broken")
	tests := []struct {
		name      string
		r         io.Reader
		limit     int64
		hint      int64
		wantLen   int
		truncated bool
		wantErr   error
	}{
		{"empty", strings.NewReader(""), 10, -1, 0, false, nil},
		{"under", strings.NewReader("abc"), 10, -1, 3, false, nil},
		{"exact", strings.NewReader("0123456789"), 10, -1, 10, false, nil},
		{"over", strings.NewReader("0123456789A"), 10, -1, 10, true, nil},
		{"endless", endlessReader{}, 5000, -1, 5000, true, nil},
		{"exact with hint", strings.NewReader("0123456789"), 10, 10, 10, false, nil},
		{"hint too small", strings.NewReader(strings.Repeat("y", 3000)), 5000, 10, 3000, false, nil},
		{"hint a lie past the cap", endlessReader{}, 1000, 1 << 40, 1000, true, nil},
		{"error keeps what came", io.MultiReader(strings.NewReader("abc"), iotest.ErrReader(errBroken)), 10, -1, 3, false, errBroken},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, truncated, err := readCapped(tc.r, tc.limit, tc.hint)
			if len(got) != tc.wantLen || truncated != tc.truncated || !errors.Is(err, tc.wantErr) {
				t.Errorf("readCapped = %d bytes, %v, %v; want %d, %v, %v", len(got), truncated, err, tc.wantLen, tc.truncated, tc.wantErr)
			}
			if int64(cap(got)) > tc.limit+1 {
				t.Errorf("buffer capacity %d past the cap + 1 (%d)", cap(got), tc.limit+1)
			}
			if tc.name == "over" && !bytes.Equal(got, []byte("0123456789")) {
				t.Errorf("kept %q, want the first 10 bytes", got)
			}
		})
	}
}
