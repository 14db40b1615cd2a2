package web

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/takedownwatch/takedownwatch/archive/store"
)

// generation is how far the archive has come: the newest event, and the
// index log's head (every new post, version, state and report link). Both
// only grow, so a page computed at one generation holds until either moves.
// (A likely-correction mark comes with a removal event or a new post, so it
// moves one of them too.)
type generation struct{ events, log int64 }

// older says whether g comes before o in either count.
func (g generation) older(o generation) bool { return g.events < o.events || g.log < o.log }

// archiveGeneration reads the archive's generation; withLog false leaves
// the log out (for what only events change).
func archiveGeneration(ctx context.Context, st *store.Store, withLog bool) (generation, error) {
	var g generation
	var err error
	if g.events, err = st.LastEventID(ctx); err != nil {
		return g, fmt.Errorf("archive generation: %w", err)
	}
	if withLog {
		if g.log, err = st.IndexLogHead(ctx); err != nil {
			return g, fmt.Errorf("archive generation: %w", err)
		}
	}
	return g, nil
}

// genCache keeps values (rendered feeds, computed statistics) for one
// generation of the archive: the first request after a change computes
// again, every other is served from memory. It holds at most size values.
type genCache[T any] struct {
	size     int
	computed atomic.Int64 // values computed, cached or not (tests read it)

	mu    sync.Mutex
	gen   generation
	byKey map[string]T
}

func (c *genCache[T]) get(key string, gen generation) (T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var zero T
	if c.gen != gen {
		return zero, false
	}
	v, ok := c.byKey[key]
	return v, ok
}

func (c *genCache[T]) put(key string, gen generation, v T) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen || c.byKey == nil || len(c.byKey) >= c.size {
		// A new generation, or full (unknown query strings are many):
		// start over rather than track recency.
		if gen.older(c.gen) && c.byKey != nil {
			return // a slow request of an older generation
		}
		c.gen, c.byKey = gen, map[string]T{}
	}
	c.byKey[key] = v
}

// feedMaxAge is how long a reader may keep a feed before asking again.
const feedMaxAge = 300

// cacheControl lets readers keep an answer for maxAge seconds, and shared
// caches too unless a read token guards it: a proxy would hand what one
// reader was let see to whoever asks next ("public" even overrides the
// rule that keeps shared caches from answers to requests with
// Authorization, RFC 9111 section 3.5).
func (h *Handler) cacheControl(maxAge int) string {
	scope := "public"
	if h.o.ReadToken.Value() != "" {
		scope = "private"
	}
	return scope + ", max-age=" + strconv.Itoa(maxAge)
}
