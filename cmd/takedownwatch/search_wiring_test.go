package main

import (
	"slices"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/index"
)

// A saved search of removed posts takes the latest removed first, so an
// old post's fresh removal is within the limit; other searches take the
// newest posts.
func TestSearcher_PostIDsOrder(t *testing.T) {
	ix, err := index.Open(t.TempDir(), index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	day := func(n int) time.Time { return time.Date(2026, 1, n, 0, 0, 0, 0, time.UTC) }
	docs := []index.Doc{
		{PostID: "old-post-removed-late", VersionID: 1, Version: 1, Text: "rally", State: "removed", Published: day(1), RemovedAt: day(20)},
		{PostID: "new-post-removed-early", VersionID: 2, Version: 1, Text: "rally", State: "removed", Published: day(10), RemovedAt: day(11)},
		{PostID: "newest-live", VersionID: 3, Version: 1, Text: "rally", State: "live", Published: day(15)},
	}
	if err := ix.Put(t.Context(), docs, "w"); err != nil {
		t.Fatal(err)
	}
	s := searcher{ix: ix}
	for _, tt := range []struct {
		states []string
		want   []string
	}{
		{[]string{"removed"}, []string{"old-post-removed-late", "new-post-removed-early"}},
		{nil, []string{"newest-live", "new-post-removed-early", "old-post-removed-late"}},
	} {
		got, err := s.PostIDs(t.Context(), "rally", tt.states, 10)
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("PostIDs(%v) = %v, %v; want %v", tt.states, got, err, tt.want)
		}
	}
}
