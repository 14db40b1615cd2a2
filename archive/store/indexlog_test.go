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
