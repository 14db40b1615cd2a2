package index

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func putN(t *testing.T, ix *Index, from, to int, mark string) {
	t.Helper()
	var docs []Doc
	for i := from; i < to; i++ {
		docs = append(docs, Doc{PostID: fmt.Sprintf("p%d", i), VersionID: int64(i), Version: 1, Text: "the archived post number " + fmt.Sprint(i)})
	}
	if err := ix.Put(t.Context(), docs, mark); err != nil {
		t.Fatal(err)
	}
}

// A reader opens beside a running writer (which holds bolt's lock), sees
// what was persisted when it opened, and cannot write; a second writer is
// refused at once.
func TestOpenReadOnly_besideWriter(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	w, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	putN(t, w, 0, 10, "w10")

	// a reader sees what is on disk, and a Put with a watermark is on disk
	// when it returns
	r, err := OpenReadOnly(dir)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := r.DocCount(); n != 10 {
		t.Fatalf("reader opened after Put sees %d documents, want 10", n)
	}
	res, err := r.Search(t.Context(), Query{Q: "archived"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 10 {
		t.Errorf("reader total = %d, want 10", res.Total)
	}
	if wm, _ := r.Watermark(); wm != "w10" {
		t.Errorf("reader watermark = %q", wm)
	}
	if err := r.Put(t.Context(), []Doc{{PostID: "x", Text: "x"}}, "x"); !errors.Is(err, ErrReadOnly) {
		t.Errorf("reader put: %v, want ErrReadOnly", err)
	}
	if err := r.DeletePost(t.Context(), "p1"); !errors.Is(err, ErrReadOnly) {
		t.Errorf("reader delete: %v, want ErrReadOnly", err)
	}

	// the writer goes on; the open reader keeps its snapshot
	putN(t, w, 10, 20, "w20")
	if n, _ := r.DocCount(); n != 10 {
		t.Errorf("reader doc count after more writes = %d, want 10", n)
	}
	snap := r.snapDir
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(snap); !os.IsNotExist(err) {
		t.Errorf("snapshot %s left after Close: %v", snap, err)
	}

	// a second writer is refused
	if _, err := Open(dir, Options{}); !errors.Is(err, ErrLocked) {
		t.Errorf("second writer: %v, want ErrLocked", err)
	}

	// a new reader sees the new documents
	if n := docsOnDisk(t, dir); n != 20 {
		t.Errorf("a new reader sees %d documents, want 20", n)
	}
}

// docsOnDisk is the document count a reader opened now sees.
func docsOnDisk(t *testing.T, dir string) uint64 {
	t.Helper()
	r, err := OpenReadOnly(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	n, err := r.DocCount()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Puts without a watermark (a bulk load) return before they are on disk;
// Close writes them.
func TestClose_persistsBulkPuts(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	w, err := Open(dir, Options{BatchSize: 7})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		putN(t, w, i*30, (i+1)*30, "")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if n := docsOnDisk(t, dir); n != 150 {
		t.Errorf("after Close the disk holds %d documents, want 150", n)
	}
	r, err := OpenReadOnly(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if wm, _ := r.Watermark(); wm != "" {
		t.Errorf("watermark %q, want none", wm)
	}
}

func TestOpenReadOnly_noIndex(t *testing.T) {
	if _, err := OpenReadOnly(filepath.Join(t.TempDir(), "none")); err == nil {
		t.Error("read-only open of nothing: no error")
	}
}

// Old snapshots of crashed readers are cleaned up; the index dir holds
// nothing else of the readers'.
func TestOpenReadOnly_staleSnapshots(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	w, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	putN(t, w, 0, 3, "w3")
	w.Close()
	r, err := OpenReadOnly(dir)
	if err != nil {
		t.Fatal(err)
	}
	r.snapDir = "" // as if the reader crashed
	r.Close()
	removeStaleSnapshots(dir, 0)
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), snapPrefix) {
			t.Errorf("stale snapshot %s not removed", e.Name())
		}
	}
}
