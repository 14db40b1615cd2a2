package archive

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// A backup taken while the writer goes on verifies whole: the database is
// copied first, so every record it names is in the WARC files copied
// after it. A backup never overwrites one, and a stopped one leaves none.
func TestArchive_BackupBesideTheWriter(t *testing.T) {
	dir := t.TempDir()
	a := openTest(t, dir)
	defer a.Close()
	fill(t, a, 20)
	ctx, stop := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // the writer at work
		defer wg.Done()
		for i := 0; ctx.Err() == nil; i++ {
			if _, err := a.Record(context.WithoutCancel(ctx), ex(fmt.Sprintf("https://example.org/busy/%d", i), fmt.Sprintf("body %d", i)), Meta{Kind: "listing"}); err != nil {
				t.Error(err)
				return
			}
			if i%7 == 0 {
				if err := a.w.Rotate(); err != nil {
					t.Error(err)
					return
				}
			}
		}
	}()
	dest := filepath.Join(t.TempDir(), "backup")
	var last, total int64
	rep, err := a.Backup(t.Context(), dest, func(done, all int64) { last, total = done, all }, nil)
	stop()
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if rep.Files == 0 || rep.Bytes == 0 || last != rep.Bytes || total != rep.Bytes {
		t.Errorf("report %+v, progress %d of %d", rep, last, total)
	}
	b, err := OpenReader(t.Context(), dest)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	vr, err := b.Verify(t.Context(), nil)
	if err != nil || !vr.OK() || vr.Captures < 20 {
		t.Fatalf("verify of the backup: %v %+v", err, vr)
	}
	if _, err := os.Stat(dest + ".partial"); !os.IsNotExist(err) {
		t.Errorf("the partial copy is left: %v", err)
	}
	if _, err := a.Backup(t.Context(), dest, nil, nil); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("a backup over a backup: %v", err)
	}
	canceled, cancel := context.WithCancel(t.Context())
	cancel()
	other := filepath.Join(t.TempDir(), "stopped")
	if _, err := a.Backup(canceled, other, nil, nil); err == nil {
		t.Error("a stopped backup succeeded")
	}
	for _, p := range []string{other, other + ".partial"} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("a stopped backup left %s", p)
		}
	}
}

// The copy is checked before it takes its name: a failed check keeps it
// under dest.partial for a look, a passed one renames it.
func TestArchive_BackupChecksBeforeNaming(t *testing.T) {
	a := openTest(t, t.TempDir())
	defer a.Close()
	fill(t, a, 3)
	dest := filepath.Join(t.TempDir(), "backup")
	var checked string
	bad := errors.New("the copy failed verify")
	if _, err := a.Backup(t.Context(), dest, nil, func(dir string) error {
		checked = dir
		if _, err := os.Stat(filepath.Join(dir, DBFile)); err != nil {
			t.Errorf("checked before the database was copied: %v", err)
		}
		return bad
	}); !errors.Is(err, bad) {
		t.Fatalf("a failed check: %v, want its error", err)
	}
	if checked != dest+".partial" {
		t.Errorf("checked %q, want the copy under %s.partial", checked, dest)
	}
	if _, err := os.Stat(dest); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a copy that failed its check took the backup's name: %v", err)
	}
	if _, err := os.Stat(dest + ".partial"); err != nil {
		t.Errorf("a copy that failed its check is not kept for a look: %v", err)
	}
	// a retry replaces it
	if _, err := a.Backup(t.Context(), dest, nil, func(string) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dest); err != nil {
		t.Errorf("a checked copy: %v", err)
	}
	if _, err := os.Stat(dest + ".partial"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("dest.partial left beside a checked copy: %v", err)
	}
}
