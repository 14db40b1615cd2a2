package fetch

import (
	"context"
	"maps"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/archive"
	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/archive/warc"
	"github.com/takedownwatch/takedownwatch/internal/sandbox"
	"github.com/takedownwatch/takedownwatch/internal/sandbox/sandboxtest"
	"github.com/takedownwatch/takedownwatch/monitor"
)

// nopRecorder archives nothing, to measure the fetch without the disk.
type nopRecorder struct{}

func (nopRecorder) Record(context.Context, *warc.Exchange, archive.Meta) (*store.Capture, error) {
	return &store.Capture{ID: 1}, nil
}

func (nopRecorder) RecordFailure(context.Context, string, time.Time, string, archive.Meta, error) (*store.Capture, error) {
	return &store.Capture{ID: 1}, nil
}

func (nopRecorder) LastCapture(context.Context, string) (*store.Capture, error) {
	return nil, store.ErrNotFound
}

// memRecorder keeps exchanges in memory, for tests whose subject is not
// the archive; it holds no bodies.
type memRecorder struct {
	nopRecorder
	mu   sync.Mutex
	seen map[string]int
}

func (r *memRecorder) Record(_ context.Context, ex *warc.Exchange, _ archive.Meta) (*store.Capture, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen == nil {
		r.seen = make(map[string]int)
	}
	r.seen[ex.URL]++
	return &store.Capture{ID: int64(len(r.seen)), URL: ex.URL, Status: ex.StatusCode, Vantage: ex.Vantage}, nil
}

func (r *memRecorder) urls() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return maps.Clone(r.seen)
}

// BenchmarkFetch fetches a 20-item feed from the sandbox without spacing:
// archived for real (WARC + SQLite, each capture synced), and into a
// recorder that keeps nothing, which isolates the client's own cost.
func BenchmarkFetch(b *testing.B) {
	for _, bc := range []struct {
		name string
		rec  func(b *testing.B) Recorder
	}{
		{"archive", func(b *testing.B) Recorder { return newArchive(b) }},
		{"nop", func(*testing.B) Recorder { return nopRecorder{} }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			sb := sandboxtest.New(b, sandbox.Options{Hosts: 1})
			acct := sb.AddAccount(0, "alice")
			for j := range 20 {
				acct.Publish(sandbox.Post{Title: "post", HTML: "<p>Some text of a post, long enough to look real.</p>",
					Published: time.Date(2026, 1, 1, 0, j, 0, 0, time.UTC)})
			}
			cfg := testConfig()
			cfg.PerHostInterval = 0
			c := newClient(b, cfg, bc.rec(b))
			req := &monitor.FetchRequest{URL: acct.FeedURL(), Kind: monitor.KindListing}
			b.ReportAllocs()
			for b.Loop() {
				resp, err := c.Fetch(b.Context(), req)
				if err != nil {
					b.Fatal(err)
				}
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("status %d", resp.StatusCode)
				}
			}
		})
	}
}
