package sandbox

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"strconv"
	"time"
)

// mediaFile is a file set by SetMedia; its bytes are generated on demand,
// so large files for size-limit tests cost no memory.
type mediaFile struct {
	size        int
	contentType string
	modified    time.Time
}

func (h *host) mediaRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /{name}/media/{file}", h.withAccount(serveMedia))
}

func serveMedia(w http.ResponseWriter, r *http.Request, a *Account) {
	file := r.PathValue("file")
	a.mu.RLock()
	suspended := a.suspended
	m, ok := a.media[file]
	a.mu.RUnlock()
	switch {
	case suspended:
		suspendedPage(w)
	case !ok:
		notFound(w)
	default:
		ct := m.contentType
		if ct == "" {
			ct = typeByName(file)
		}
		w.Header().Set("Content-Type", ct)
		w.Header().Set("ETag", `"`+strconv.FormatUint(mediaSeed(file), 16)+"-"+strconv.Itoa(m.size)+`"`)
		http.ServeContent(w, r, file, m.modified, newMediaReader(file, m.size))
	}
}

// MediaBytes returns the bytes the sandbox serves for a media file of that
// name and size, for tests that check what was archived.
func MediaBytes(file string, size int) []byte {
	b := make([]byte, size)
	if _, err := io.ReadFull(newMediaReader(file, size), b); err != nil {
		panic(fmt.Sprintf("sandbox: generate media %q: %v", file, err))
	}
	return b
}

// mediaReader generates a file's bytes as a pure function of name and
// offset: seekable, so http.ServeContent can answer ranges, and different
// per name, so two files never share a digest.
type mediaReader struct {
	seed      uint64
	size, off int64
}

func newMediaReader(file string, size int) *mediaReader {
	return &mediaReader{seed: mediaSeed(file), size: int64(size)}
}

func mediaSeed(file string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(file)) // hash writes never fail
	return h.Sum64()
}

func (m *mediaReader) Read(p []byte) (int, error) {
	if m.off >= m.size {
		return 0, io.EOF
	}
	n := min(int64(len(p)), m.size-m.off)
	var word [8]byte
	for i := int64(0); i < n; {
		pos := m.off + i
		binary.LittleEndian.PutUint64(word[:], splitmix64(m.seed+uint64(pos/8)))
		c := copy(p[i:n], word[pos%8:])
		i += int64(c)
	}
	m.off += n
	return int(n), nil
}

func (m *mediaReader) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += m.off
	case io.SeekEnd:
		offset += m.size
	default:
		return 0, fmt.Errorf("sandbox: media seek: bad whence %d", whence)
	}
	if offset < 0 {
		return 0, errors.New("sandbox: media seek: negative position")
	}
	m.off = offset
	return offset, nil
}

// splitmix64 is a tiny, well-mixed generator step: good enough that media
// bytes do not compress to nothing.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
