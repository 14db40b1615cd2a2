package archive

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/takedownwatch/takedownwatch/archive/warc"
)

// BackupReport says what a backup copied.
type BackupReport struct {
	Dir   string // where the backup is
	Files int    // WARC files copied
	Bytes int64  // of WARC copied
}

// Backup copies the archive to dest, which must not exist, beside a
// running writer: first a snapshot of the database, then every WARC file.
// That order is what makes the copy whole: the writer syncs a record
// before it commits the metadata pointing to it, so every record the
// snapshot names is in the files by the time they are copied (the other
// way round, a naive copy of a live archive named records its WARC copy
// did not hold, and failed verify). A file still being written is copied
// as far as it went; records past what the snapshot names are the
// writer's work in flight. The search index is left out: `reindex`
// rebuilds it from the copy. The copy is made in dest+".partial" and
// renamed when complete and checked, so a stopped backup never looks like
// one. progress, when set, is told the bytes copied of the total; check,
// when set, is run on the copy before it is renamed (verify): when it
// fails, the copy stays in dest+".partial" for a look.
func (a *Archive) Backup(ctx context.Context, dest string, progress func(done, total int64), check func(dir string) error) (*BackupReport, error) {
	if _, err := os.Stat(dest); err == nil {
		return nil, fmt.Errorf("backup: %s exists: a backup goes to a new directory", dest)
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("backup: %w", err)
	}
	tmp := dest + ".partial"
	if err := os.RemoveAll(tmp); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	if err := os.MkdirAll(filepath.Join(tmp, WARCDir), 0o755); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(tmp)
		}
	}()
	if err := a.Store.SnapshotTo(ctx, filepath.Join(tmp, DBFile)); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	files, err := a.warcFiles()
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	type part struct {
		path string
		size int64
	}
	var parts []part
	var total int64
	for _, f := range files {
		p, err := warc.Path(a.warcDir, f)
		if err != nil {
			return nil, fmt.Errorf("backup: %w", err)
		}
		fi, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("backup: %w", err)
		}
		parts = append(parts, part{p, fi.Size()})
		total += fi.Size()
	}
	rep := &BackupReport{Dir: dest}
	for _, p := range parts {
		n, err := copyFile(ctx, p.path, filepath.Join(tmp, WARCDir, filepath.Base(p.path)), p.size, func(n int64) {
			if progress != nil {
				progress(rep.Bytes+n, total)
			}
		})
		if err != nil {
			return nil, fmt.Errorf("backup: %w", err)
		}
		rep.Files++
		rep.Bytes += n
	}
	if check != nil {
		if err := check(tmp); err != nil {
			if ctx.Err() == nil {
				ok = true // kept for a look
			}
			return rep, err
		}
	}
	if err := os.Rename(tmp, dest); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	ok = true
	return rep, nil
}

// copyFile copies size bytes of src (a file being written may be longer
// by now; the writer renames an open file when it rotates it, so src is
// found again by its other name) to dst, synced.
func copyFile(ctx context.Context, src, dst string, size int64, progress func(int64)) (int64, error) {
	in, err := os.Open(src)
	if errors.Is(err, os.ErrNotExist) && filepath.Ext(src) == warc.OpenSuffix {
		in, err = os.Open(src[:len(src)-len(warc.OpenSuffix)])
	}
	if err != nil {
		return 0, err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return 0, err
	}
	var done int64
	buf := make([]byte, 1<<20)
	for done < size {
		if err := ctx.Err(); err != nil {
			out.Close()
			return done, err
		}
		n, err := in.Read(buf[:min(int64(len(buf)), size-done)])
		if n > 0 {
			if _, werr := out.Write(buf[:n]); werr != nil {
				out.Close()
				return done, werr
			}
			done += int64(n)
			progress(done)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			out.Close()
			return done, err
		}
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return done, err
	}
	return done, out.Close()
}
