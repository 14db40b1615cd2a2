package monitor

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/index"
)

// swappable is the index an Indexer writes to, replaced under Exclusive
// as serve's live reindex replaces its own.
type swappable struct {
	mu sync.RWMutex
	ix *index.Index
}

func (s *swappable) Put(ctx context.Context, docs []index.Doc, wm string) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.ix.Put(ctx, docs, wm)
}

func (s *swappable) Watermark() (string, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.ix.Watermark()
}

func openTestIndex(t *testing.T, dir string) *index.Index {
	t.Helper()
	ix, err := index.Open(dir, index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

func posts(t *testing.T, ix *index.Index, word string) []string {
	t.Helper()
	res, err := ix.Search(t.Context(), index.Query{Q: word, Limit: 50, Sort: "newest"})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.PostID)
	}
	return ids
}

// A rebuild beside the live index, while the indexer goes on writing the
// live one, loses nothing: what was logged after the rebuild began is in
// the log still when the new index is swapped in, and only then trimmed.
func TestIndexer_rebuildBesideLiveIndex(t *testing.T) {
	ctx := t.Context()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "meta.db"), false)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	add := func(i int, word string) {
		t.Helper()
		err := st.Write(ctx, func(tx *store.Tx) error {
			if err := tx.UpsertActor(store.Actor{ID: "a", Name: "A", Affiliation: "government"}); err != nil {
				return err
			}
			if err := tx.UpsertSource(store.Source{ID: "s", ActorID: "a", Platform: "feed", URL: "https://a.example/feed", Schedule: "@hourly"}); err != nil {
				return err
			}
			p := &store.Post{Platform: "feed", PlatformID: fmt.Sprint(i), SourceID: "s", PostURL: fmt.Sprintf("https://a.example/%d", i), FirstSeen: t0.Add(time.Duration(i) * time.Minute)}
			if err := tx.InsertPost(p); err != nil {
				return err
			}
			return tx.AddVersion(&store.Version{PostID: p.ID, Digest: fmt.Sprint(i), Text: word + " number " + fmt.Sprint(i), FirstSeen: p.FirstSeen, LastSeen: p.FirstSeen})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	logged := func() int {
		t.Helper()
		ids, _, err := st.IndexLog(ctx, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		return len(ids)
	}
	for i := range 600 { // more than one of Rebuild's reads
		add(i, "alpha")
	}
	l := logrus.New()
	l.SetOutput(io.Discard)
	live := &swappable{ix: openTestIndex(t, filepath.Join(t.TempDir(), "old"))}
	x := NewIndexer(st, live, logrus.NewEntry(l))
	if n, err := x.CatchUp(ctx); err != nil || n != 600 {
		t.Fatalf("catch-up: %d, %v", n, err)
	}
	if n := logged(); n != 0 {
		t.Fatalf("log holds %d posts after the catch-up; want it trimmed", n)
	}

	release := x.HoldLog()
	fresh := openTestIndex(t, filepath.Join(t.TempDir(), "new"))
	during := 0
	n, err := Rebuild(ctx, st, fresh, func(done, total int) {
		// New posts while the rebuild runs: the live index takes them.
		during++
		add(1000+during, "gamma")
		if _, err := x.CatchUp(ctx); err != nil {
			t.Error(err)
		}
	})
	if err != nil || n < 600 {
		t.Fatalf("rebuild: %d posts, %v", n, err)
	}
	if got := len(posts(t, live.ix, "gamma")); got != during {
		t.Fatalf("the live index found %d gamma posts; want %d", got, during)
	}
	if got := logged(); got != during {
		t.Fatalf("while held, the log holds %d posts; want the %d added during the rebuild", got, during)
	}
	old := live.ix
	if err := x.Exclusive(func() error {
		live.mu.Lock()
		defer live.mu.Unlock()
		live.ix = fresh
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	release()
	release() // a second call changes nothing
	if _, err := x.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if got := len(posts(t, fresh, "gamma")); got != during {
		t.Errorf("the new index found %d gamma posts; want %d", got, during)
	}
	if got := len(posts(t, fresh, "alpha")); got != 50 { // Limit
		t.Errorf("the new index found %d alpha posts on its first page; want 50", got)
	}
	if n := logged(); n != 0 {
		t.Errorf("log holds %d posts after release and catch-up; want it trimmed", n)
	}
	wOld, _ := old.Watermark()
	wNew, _ := fresh.Watermark()
	if wOld != wNew {
		t.Errorf("watermarks: old %s, new %s; want the new one caught up", wOld, wNew)
	}
}
