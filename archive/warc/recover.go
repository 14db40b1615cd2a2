package warc

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Recovered describes one file a killed writer left open.
type Recovered struct {
	File    string // final base name it now has
	Records int    // intact records kept
	// TornBytes were found after the last intact record; they were moved
	// aside into TornFile, never deleted.
	TornBytes int64
	TornFile  string
}

// Recover seals every file in dir that a killed process left open: intact
// records stay, an unfinished record at the end is moved to a ".torn" file
// beside it (nothing is deleted), and the file gets its final name. Only the
// single writer may call it.
func Recover(dir string) ([]Recovered, error) {
	matches, err := filepath.Glob(filepath.Join(dir, "*"+Ext+OpenSuffix))
	if err != nil {
		return nil, fmt.Errorf("warc: recover: %w", err)
	}
	var out []Recovered
	for _, path := range matches {
		rec, err := recoverFile(path)
		if err != nil {
			return out, err
		}
		out = append(out, rec)
	}
	if len(out) > 0 {
		if err := syncDir(dir); err != nil {
			return out, err
		}
	}
	return out, nil
}

func recoverFile(path string) (Recovered, error) {
	final := strings.TrimSuffix(path, OpenSuffix)
	res := Recovered{File: filepath.Base(final)}
	var end int64
	err := Scan(path, func(r *Record) error {
		res.Records++
		end = r.Offset + r.Length
		return nil
	})
	var se *ScanError
	if err != nil && !errors.As(err, &se) {
		return res, err
	}
	fi, statErr := os.Stat(path)
	if statErr != nil {
		return res, fmt.Errorf("warc: recover %s: %w", res.File, statErr)
	}
	if fi.Size() > end {
		res.TornBytes = fi.Size() - end
		res.TornFile = res.File + ".torn-" + strconv.FormatInt(end, 10)
		if err := moveTail(path, end, filepath.Join(filepath.Dir(path), res.TornFile)); err != nil {
			return res, err
		}
	}
	if res.Records == 0 {
		// Not even the warcinfo record made it: nothing can point here.
		if err := os.Remove(path); err != nil {
			return res, fmt.Errorf("warc: recover %s: %w", res.File, err)
		}
		res.File = ""
		return res, nil
	}
	if err := os.Rename(path, final); err != nil {
		return res, fmt.Errorf("warc: recover %s: %w", res.File, err)
	}
	return res, nil
}

// moveTail copies path[from:] to dst, syncs it, then truncates path.
func moveTail(path string, from int64, dst string) error {
	src, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("warc: recover %s: %w", path, err)
	}
	defer src.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("warc: recover %s: %w", path, err)
	}
	if _, err := io.Copy(out, io.NewSectionReader(src, from, 1<<62)); err != nil {
		out.Close()
		return fmt.Errorf("warc: recover %s: keep torn tail: %w", path, err)
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return fmt.Errorf("warc: recover %s: %w", path, err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("warc: recover %s: %w", path, err)
	}
	if err := src.Truncate(from); err != nil {
		return fmt.Errorf("warc: recover %s: truncate: %w", path, err)
	}
	return src.Sync()
}
