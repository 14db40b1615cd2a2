package store

import (
	"fmt"
	"testing"
	"time"
)

// The head is the highest seq ever logged: trimming what the index holds
// does not take it back, so a watermark set from it (reindex) stays put.
func TestIndexLogHead_survivesTrim(t *testing.T) {
	s, _ := openTemp(t)
	defer s.Close()
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	insert := func(id string) {
		t.Helper()
		err := s.Write(t.Context(), func(tx *Tx) error {
			if err := tx.UpsertActor(Actor{ID: "a", Name: "A", Affiliation: "government"}); err != nil {
				return err
			}
			if err := tx.UpsertSource(Source{ID: "s", ActorID: "a", Platform: "feed", URL: "https://a.example/feed", Schedule: "@hourly"}); err != nil {
				return err
			}
			return tx.InsertPost(&Post{Platform: "feed", PlatformID: id, SourceID: "s", PostURL: "https://a.example/" + id, FirstSeen: t0})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	head := func() int64 {
		t.Helper()
		n, err := s.IndexLogHead(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := head(); n != 0 {
		t.Fatalf("head of an empty log = %d; want 0", n)
	}
	for i := range 3 {
		insert(fmt.Sprint(i))
	}
	if n := head(); n != 3 {
		t.Fatalf("head after 3 posts = %d; want 3", n)
	}
	if err := s.Write(t.Context(), func(tx *Tx) error { return tx.TrimIndexLog(3) }); err != nil {
		t.Fatal(err)
	}
	if ids, _, _ := s.IndexLog(t.Context(), 0, 10); len(ids) != 0 {
		t.Fatalf("log after trimming holds %v", ids)
	}
	if n := head(); n != 3 {
		t.Errorf("head after trimming everything = %d; want 3 still", n)
	}
	insert("3")
	if n := head(); n != 4 {
		t.Errorf("head after one more post = %d; want 4", n)
	}
}

// What a post's search documents say of its attribution (source, actor,
// affiliation) is rewritten when that changes: each change logs the posts
// concerned, and a config synced again unchanged logs none.
func TestIndexLog_attributionChanges(t *testing.T) {
	s, _ := openTemp(t)
	defer s.Close()
	ctx := t.Context()
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	write := func(fn func(tx *Tx) error) {
		t.Helper()
		if err := s.Write(ctx, fn); err != nil {
			t.Fatal(err)
		}
	}
	sync := func(affiliation, actorOfS string, sources ...string) func(tx *Tx) error {
		return func(tx *Tx) error {
			for _, a := range []Actor{{ID: "a", Name: "A", Affiliation: affiliation}, {ID: "b", Name: "B", Affiliation: "media"}} {
				if err := tx.UpsertActor(a); err != nil {
					return err
				}
			}
			for _, id := range sources {
				actor := "a"
				if id == "s" {
					actor = actorOfS
				}
				if err := tx.UpsertSource(Source{ID: id, ActorID: actor, Platform: "feed", URL: "https://x.example/feed", Schedule: "@hourly"}); err != nil {
					return err
				}
			}
			_, err := tx.DeactivateSourcesExcept(sources)
			return err
		}
	}
	write(sync("government", "a", "s", "t"))
	write(func(tx *Tx) error {
		for i, src := range []string{"s", "s", "t"} {
			if err := tx.InsertPost(&Post{Platform: "feed", PlatformID: fmt.Sprint(i), SourceID: src, FirstSeen: t0}); err != nil {
				return err
			}
		}
		return nil
	})
	steps := []struct {
		what string
		fn   func(tx *Tx) error
		want int
	}{
		{"the same config again", sync("government", "a", "s", "t"), 0},
		{"an affiliation corrected", sync("opposition", "a", "s", "t"), 3},
		{"a source given to another actor", sync("opposition", "b", "s", "t"), 2},
		{"a source renamed (same URL)", func(tx *Tx) error {
			if err := sync("opposition", "b", "t")(tx); err != nil {
				return err
			}
			_, _, err := tx.AdoptPosts("t")
			return err
		}, 2},
	}
	for _, st := range steps {
		before, err := s.IndexLogHead(ctx)
		if err != nil {
			t.Fatal(err)
		}
		write(st.fn)
		ids, _, err := s.IndexLog(ctx, before, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) != st.want {
			t.Errorf("%s: %d posts logged (%v), want %d", st.what, len(ids), ids, st.want)
		}
	}
}
