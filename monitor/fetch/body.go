package fetch

import (
	"errors"
	"io"
)

// readCapped reads r up to limit bytes and reports whether r held more.
// It never holds more than limit+1 bytes, however long r is, and takes a
// Content-Length (hint, -1 when unknown) only as a first guess: a server
// may lie about it.
func readCapped(r io.Reader, limit, hint int64) (body []byte, truncated bool, err error) {
	size := int64(512)
	if hint >= 0 {
		size = hint + 1 // room to read EOF without growing
	}
	buf := make([]byte, 0, min(size, limit+1))
	for {
		if len(buf) == cap(buf) {
			if int64(len(buf)) > limit {
				return buf[:limit], true, nil
			}
			// Grown by hand: append would round capacity past the cap.
			// Near the cap, straight to it: one more doubling step there
			// would copy the whole body once more.
			n := max(2*int64(cap(buf)), 512)
			if n >= limit {
				n = limit + 1
			}
			grown := make([]byte, len(buf), n)
			copy(grown, buf)
			buf = grown
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) {
			if int64(len(buf)) > limit {
				return buf[:limit], true, nil
			}
			return buf, false, nil
		}
		if err != nil {
			return buf, false, err
		}
	}
}
