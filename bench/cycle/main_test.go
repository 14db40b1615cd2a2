package main

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestRun_smoke runs the bench at toy size with the sandbox in-process:
// the program works end to end, and an unchanged cycle adds only request
// and revisit records. The real run is bench/run.sh, never `go test`.
func TestRun_smoke(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a sandbox and an archive")
	}
	out := t.TempDir()
	if err := run(t.Context(), []string{"-inprocess", "-sources", "20", "-posts", "5", "-hosts", "2", "-out", out}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(out, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r results
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Cycles) != 2 {
		t.Fatalf("got %d cycles, want 2", len(r.Cycles))
	}
	if got, want := r.Cycles[0].New, 100; got != want {
		t.Errorf("cycle 1: got %d new posts, want %d", got, want)
	}
	if got, want := r.Cycles[0].Media, 20; got != want {
		t.Errorf("cycle 1: got %d media, want %d", got, want)
	}
	c2 := r.Cycles[1]
	if c2.Unchanged != 20 {
		t.Errorf("cycle 2: got %d sources unchanged, want 20", c2.Unchanged)
	}
	want := map[string]int{"request": 20, "revisit/server-not-modified": 20}
	if len(c2.Records) != len(want) {
		t.Errorf("cycle 2: got records %v, want %v", c2.Records, want)
	}
	for label, n := range want {
		if c2.Records[label].Count != n {
			t.Errorf("cycle 2: got %d %s records, want %d", c2.Records[label].Count, label, n)
		}
	}
	for _, tg := range r.Targets {
		if !tg.OK {
			t.Errorf("target missed: %s = %v (limit %v)", tg.Name, tg.Value, tg.Limit)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "data")); !os.IsNotExist(err) {
		t.Errorf("archive kept without -keep: %v", err)
	}
}

func TestPostText(t *testing.T) {
	for _, c := range []struct{ i, j int }{{0, 0}, {0, 1}, {7, 3}} {
		title, html := postText(c.i, c.j)
		if title == "" || len(html) < 300 {
			t.Errorf("postText(%d, %d) = %q, %d bytes of HTML: want a title and about 300 characters", c.i, c.j, title, len(html))
		}
		if t2, h2 := postText(c.i, c.j); t2 != title || h2 != html {
			t.Errorf("postText(%d, %d) is not deterministic", c.i, c.j)
		}
	}
}
