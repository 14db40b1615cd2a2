package index

import (
	"errors"
	"os"
	"os/exec"
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
			for _, open := range []struct {
				name string
				open func() (*Index, error)
			}{
				{"Open", func() (*Index, error) { return Open(dir, Options{}) }},
				{"OpenReadOnly", func() (*Index, error) { return OpenReadOnly(dir) }},
			} {
				ix, err := open.open()
				if err == nil {
					// bleve falls back to an older snapshot it still can
					// read (when the persister wrote the index's creation
					// apart from the put): that is an index behind the
					// archive, never ahead, which catches up from its
					// watermark
					wm, werr := ix.Watermark()
					n, nerr := ix.DocCount()
					ix.Close()
					if werr != nil || nerr != nil || wm == "1" || n != 0 {
						t.Errorf("%s: opened with watermark %q (%v) and %d documents (%v): want ErrDamaged or an older snapshot, without the damaged put", open.name, wm, werr, n, nerr)
					}
					continue
				}
				if !errors.Is(err, ErrDamaged) {
					t.Errorf("%s: %v, want ErrDamaged", open.name, err)
				}
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

// An index this process may not read (another user made it: a reindex run
// as root) is a permission error that says so, not damage to set aside:
// rebuilding it in the same place would not mend it. As root, whom
// permissions never stop, the open is run again as nobody (setpriv).
func TestOpen_permissionIsNotDamage(t *testing.T) {
	if dir := os.Getenv("TDW_INDEX_PERM_DIR"); dir != "" {
		_, err := Open(dir, Options{})
		if err == nil || errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), "permission denied") {
			t.Fatalf("Open of an index another user owns: %v, want a permission error, not ErrDamaged", err)
		}
		return
	}
	base := t.TempDir()
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(base, "index")
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Put(t.Context(), []Doc{{PostID: "p", VersionID: 1, Version: 1, Text: "words", Actor: "a", Platform: "feed", State: "live"}}, "t"); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	// as a reindex run by root leaves it: the directory readable, its
	// files not
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(dir, "index_meta.json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() != 0 {
		if err := os.Chmod(filepath.Join(dir, "index_meta.json"), 0); err != nil {
			t.Fatal(err)
		}
		_, err := Open(dir, Options{})
		if err == nil || errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), "permission denied") {
			t.Fatalf("Open: %v, want a permission error, not ErrDamaged", err)
		}
		return
	}
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("setpriv (util-linux) is needed to run this test as root")
		}
		t.Skip("running as root without setpriv: cannot open the index as another user")
	}
	if err := os.Chmod(dir, 0o777); err != nil { // nobody may create its lock, not read the meta file
		t.Fatal(err)
	}
	cmd := exec.Command(setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", os.Args[0], "-test.run=^TestOpen_permissionIsNotDamage$", "-test.v")
	cmd.Env = append(os.Environ(), "TDW_INDEX_PERM_DIR="+dir, "HOME=/tmp", "GOCACHE=/tmp")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS") {
		t.Fatalf("as nobody: %v\n%s", err, out)
	}
}
