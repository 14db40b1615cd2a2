package index

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
)

// Reading beside the writer. The writer holds an exclusive flock on
// store/root.bolt for as long as it runs, so bleve's own read-only open
// (a shared flock) would wait for it. OpenReadOnly instead takes a snapshot:
// scorch never changes a segment file (*.zap) once written, so it hard-links
// them into a directory of its own, copies root.bolt (checking that the
// writer did not touch it meanwhile) and opens that copy read-only. The
// snapshot is what the writer had persisted at that moment; Close removes
// it. Snapshots live in dir/.ro-*; ones left by a crashed reader are removed
// after an hour by the next Open or OpenReadOnly.

const snapPrefix = ".ro-"

// OpenReadOnly opens a read-only view of the index in dir, whether or not a
// writer has it open. Writes answer ErrReadOnly.
func OpenReadOnly(dir string) (*Index, error) {
	return OpenReadOnlyWith(dir, Options{})
}

// OpenReadOnlyWith is OpenReadOnly with options (Aggregates, thresholds).
func OpenReadOnlyWith(dir string, opts Options) (*Index, error) {
	removeStaleSnapshots(dir, time.Hour)
	var lastErr error
	same := 0 // the same damage in a row
	for attempt := 0; attempt < 8; attempt++ {
		if attempt > 0 {
			time.Sleep(time.Duration(attempt*25) * time.Millisecond)
		}
		if _, err := os.Stat(filepath.Join(dir, "index_meta.json")); err != nil {
			if !swapping(dir) {
				return nil, fmt.Errorf("index: open read-only %s: %w", dir, err)
			}
			lastErr = err // an index is being moved into place: wait for it
			continue
		}
		snap, err := snapshot(dir)
		if err != nil {
			lastErr = err
			continue
		}
		bi, err := bleve.OpenUsing(snap, map[string]interface{}{"read_only": true, "bolt_timeout": "1s"})
		if err != nil {
			os.RemoveAll(snap)
			// A writer may have added a segment between the copy's steps,
			// which the next attempt has; the same failure three times in
			// a row, with no index being swapped in, is the files themselves.
			derr := damaged(dir, err)
			if lastErr != nil && lastErr.Error() == derr.Error() {
				same++
			} else {
				same = 1
			}
			if same == 3 && !swapping(dir) {
				return nil, derr
			}
			lastErr = derr
			continue
		}
		ix, err := newIndex(dir, opts)
		if err != nil {
			bi.Close()
			os.RemoveAll(snap)
			return nil, err
		}
		ix.bi, ix.readOnly, ix.snapDir = bi, true, snap
		if err := ix.loadLanguages(); err != nil {
			ix.Close()
			return nil, damaged(dir, err)
		}
		return ix, nil
	}
	if errors.Is(lastErr, ErrDamaged) {
		return nil, lastErr // it names dir
	}
	return nil, fmt.Errorf("index: open read-only %s: %w", dir, lastErr)
}

// snapshot makes dir/.ro-XXXX: index_meta.json, store/*.zap (hard links)
// and a consistent copy of store/root.bolt.
func snapshot(dir string) (string, error) {
	snap, err := os.MkdirTemp(dir, snapPrefix)
	if err != nil {
		return "", err
	}
	fail := func(err error) (string, error) {
		os.RemoveAll(snap)
		return "", err
	}
	store, snapStore := filepath.Join(dir, "store"), filepath.Join(snap, "store")
	if err := os.Mkdir(snapStore, 0o700); err != nil {
		return fail(err)
	}
	if err := copyFile(filepath.Join(dir, "index_meta.json"), filepath.Join(snap, "index_meta.json")); err != nil {
		return fail(err)
	}
	if err := linkSegments(store, snapStore); err != nil {
		return fail(err)
	}
	bolt := filepath.Join(store, "root.bolt")
	before, err := os.Stat(bolt)
	if err != nil {
		return fail(err)
	}
	if err := copyFile(bolt, filepath.Join(snapStore, "root.bolt")); err != nil {
		return fail(err)
	}
	after, err := os.Stat(bolt)
	if err != nil {
		return fail(err)
	}
	if !after.ModTime().Equal(before.ModTime()) || after.Size() != before.Size() {
		return fail(errors.New("root.bolt changed while copying"))
	}
	// segments persisted between the first pass and the copy
	if err := linkSegments(store, snapStore); err != nil {
		return fail(err)
	}
	return snap, nil
}

func linkSegments(from, to string) error {
	ents, err := os.ReadDir(from)
	if err != nil {
		return err
	}
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".zap") {
			continue
		}
		src, dst := filepath.Join(from, e.Name()), filepath.Join(to, e.Name())
		if _, err := os.Lstat(dst); err == nil {
			continue
		}
		err := os.Link(src, dst)
		if errors.Is(err, os.ErrNotExist) {
			continue // merged away meanwhile
		}
		if err != nil { // no hard links here (another file system): copy
			if err := copyFile(src, dst); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// removeStaleSnapshots removes snapshot directories older than age.
func removeStaleSnapshots(dir string, age time.Duration) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), snapPrefix) {
			continue
		}
		if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > age {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}
