package index

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// buildIndex makes a closed index of n posts in dir.
func buildIndex(t *testing.T, dir string, n int) {
	t.Helper()
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	putN(t, ix, 0, n, "1")
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestMoveIntoPlace(t *testing.T) {
	for _, tc := range []struct {
		name      string
		hadOld    bool
		back      bool
		wantCount uint64
	}{
		{"kept", true, false, 5},
		{"put back", true, true, 3},
		{"first index", false, false, 5},
		{"first index, undone", false, true, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			dir, fresh := filepath.Join(root, "index"), filepath.Join(root, "index.rebuild")
			if tc.hadOld {
				buildIndex(t, dir, 3)
			}
			buildIndex(t, fresh, 5)
			restore, err := MoveIntoPlace(fresh, dir)
			if err != nil {
				t.Fatal(err)
			}
			if got := docsOnDisk(t, dir); got != 5 {
				t.Errorf("after the move, %d documents; want the fresh index's 5", got)
			}
			restore(tc.back)
			if got := docsOnDisk(t, dir); got != tc.wantCount {
				t.Errorf("after restore(%v), %d documents; want %d", tc.back, got, tc.wantCount)
			}
			for _, p := range []string{fresh, dir + asideSuffix} {
				if _, err := os.Stat(p); err == nil {
					t.Errorf("%s is left", p)
				}
			}
		})
	}
}

// A reader that opens while an index is being moved into place waits for
// it rather than saying there is no index.
func TestOpenReadOnly_waitsForSwap(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "index")
	buildIndex(t, dir, 4)
	// The moment between MoveIntoPlace's two renames, held for a while.
	if err := os.Rename(dir, dir+asideSuffix); err != nil {
		t.Fatal(err)
	}
	if !swapping(dir) {
		t.Error("swapping during a swap = false")
	}
	go func() {
		time.Sleep(60 * time.Millisecond)
		os.Rename(dir+asideSuffix, dir)
	}()
	if got := docsOnDisk(t, dir); got != 4 {
		t.Errorf("reader during the swap sees %d documents; want 4", got)
	}
	if _, err := OpenReadOnly(filepath.Join(root, "none")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("read-only open of a missing index: %v; want it to say it does not exist", err)
	}
}
