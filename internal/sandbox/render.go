package sandbox

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"time"
)

// rendered is one cached response body with validators derived from it.
type rendered struct {
	gen      uint64 // account generation the body was rendered at
	body     []byte
	etag     string
	modified time.Time
}

// update stores body. Last-Modified moves only when the bytes change, and
// then always by at least a second: HTTP dates have whole seconds, and two
// changes within one would otherwise let If-Modified-Since answer 304 to a
// client holding the older body.
func (c *rendered) update(body []byte, gen uint64, changed time.Time) {
	etag := etagOf(body)
	if etag != c.etag {
		m := changed.UTC().Truncate(time.Second)
		if !c.modified.IsZero() && !m.After(c.modified) {
			m = c.modified.Add(time.Second)
		}
		c.etag, c.modified = etag, m
	}
	c.body, c.gen = body, gen
}

// etagOf is a strong validator: equal bytes, equal tag.
func etagOf(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}

// cached returns c, rendering it first if the account changed since. The
// returned body is never mutated afterwards, so it may be served unlocked.
func (a *Account) cached(c func() *rendered, render func() []byte) rendered {
	a.mu.RLock()
	if r := c(); r.gen == a.gen {
		out := *r
		a.mu.RUnlock()
		return out
	}
	a.mu.RUnlock()
	a.mu.Lock()
	defer a.mu.Unlock()
	r := c()
	if r.gen != a.gen {
		r.update(render(), a.gen, a.changed)
	}
	return *r
}

// serveRendered answers with r, or 304 when the request's validators match.
func serveRendered(w http.ResponseWriter, req *http.Request, contentType string, r rendered) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("ETag", r.etag)
	http.ServeContent(w, req, "", r.modified, bytes.NewReader(r.body))
}
