package index

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// An index whose files were damaged (truncated segments, a half-written
// meta file) opens as ErrDamaged, as writer and read-only, so that a caller
// can set it aside and rebuild it instead of failing on it.
func TestOpen_damaged(t *testing.T) {
	for _, c := range []struct {
		name   string
		damage func(t *testing.T, dir string)
	}{
		{"segments truncated", func(t *testing.T, dir string) {
			segs, _ := filepath.Glob(filepath.Join(dir, "store", "*.zap"))
			if len(segs) == 0 {
				t.Fatal("no segment files")
			}
			for _, s := range segs {
				if err := os.Truncate(s, 100); err != nil {
					t.Fatal(err)
				}
			}
		}},
		{"meta file cut", func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, "index_meta.json"), []byte(`{"storage":`), 0o600); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "index")
			ix, err := Open(dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if err := ix.Put(t.Context(), []Doc{{PostID: "a", VersionID: 1, Version: 1, Text: "a post", Published: time.Now()}}, "1"); err != nil {
				t.Fatal(err)
			}
			if err := ix.Close(); err != nil {
				t.Fatal(err)
			}
			c.damage(t, dir)
			if _, err := Open(dir, Options{}); !errors.Is(err, ErrDamaged) {
				t.Errorf("Open: %v, want ErrDamaged", err)
			}
			if _, err := OpenReadOnly(dir); !errors.Is(err, ErrDamaged) {
				t.Errorf("OpenReadOnly: %v, want ErrDamaged", err)
			}
		})
	}
}

// MarkIncomplete is kept on disk and said by Outdated until the index is
// replaced; a new index is complete.
func TestMarkIncomplete(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if ix.Incomplete() || ix.Outdated() != "" {
		t.Fatalf("a new index: incomplete %v, outdated %q", ix.Incomplete(), ix.Outdated())
	}
	const why = "holds only what was indexed since 2026-11-29"
	if err := ix.MarkIncomplete(why); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	for _, open := range []func() (*Index, error){
		func() (*Index, error) { return Open(dir, Options{}) },
		func() (*Index, error) { return OpenReadOnly(dir) },
	} {
		ix, err := open()
		if err != nil {
			t.Fatal(err)
		}
		if !ix.Incomplete() || !strings.Contains(ix.Outdated(), why) {
			t.Errorf("reopened: incomplete %v, outdated %q", ix.Incomplete(), ix.Outdated())
		}
		if ix.readOnly {
			if err := ix.MarkIncomplete("x"); !errors.Is(err, ErrReadOnly) {
				t.Errorf("read-only MarkIncomplete: %v", err)
			}
		}
		ix.Close()
	}
}
