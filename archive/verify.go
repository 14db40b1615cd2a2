package archive

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/archive/warc"
)

// Problem is one thing wrong with the archive.
type Problem struct {
	CaptureID int64  // 0 for problems of a file as a whole
	File      string // WARC file
	Offset    int64
	Msg       string
}

func (p Problem) String() string {
	if p.CaptureID != 0 {
		return fmt.Sprintf("capture %d (%s@%d): %s", p.CaptureID, p.File, p.Offset, p.Msg)
	}
	return fmt.Sprintf("%s@%d: %s", p.File, p.Offset, p.Msg)
}

// VerifyReport is the outcome of a fixity check.
type VerifyReport struct {
	Files    int
	Records  int
	Captures int // captures with records checked
	// Unreferenced are records no capture points to (warcinfo apart): a
	// crash or a failed metadata write between WARC and metadata leaves
	// them; anything else was added to the file since. Nothing the archive
	// serves or exports reads them, but the WARC files carry them.
	Unreferenced []Unreferenced
	TornFiles    []string
	// InFlight are unfinished records at the end of files still open for
	// writing, past everything metadata points to.
	InFlight []string
	// Malformed are records whose HTTP block does not parse as HTTP while
	// their bytes are whole (warc.Record.Malformed): no damage, but a
	// replay tool may stumble on them.
	Malformed []Problem
	Problems  []Problem
}

// Unreferenced is a WARC record no capture points to.
type Unreferenced struct {
	File      string
	Offset    int64
	Type      string
	TargetURI string
	Date      time.Time
}

func (u Unreferenced) String() string {
	s := fmt.Sprintf("%s@%d: %s record", u.File, u.Offset, u.Type)
	if u.TargetURI != "" {
		s += " of " + u.TargetURI
	}
	if !u.Date.IsZero() {
		s += " dated " + u.Date.UTC().Format(time.RFC3339)
	}
	return s
}

// OK reports whether every check passed.
func (r *VerifyReport) OK() bool { return len(r.Problems) == 0 }

// Verify re-reads every record of every WARC file, recomputing its digests,
// and checks that each capture's metadata (record id, offsets, lengths,
// digests) matches the record it points to. progress, if not nil, is called
// after each file.
func (a *Archive) Verify(ctx context.Context, progress func(done, total int, file string)) (*VerifyReport, error) {
	rep := &VerifyReport{}
	onDisk, err := a.warcFiles()
	if err != nil {
		return nil, err
	}
	referenced, err := a.Store.WARCFiles(ctx)
	if err != nil {
		return nil, err
	}
	files := union(onDisk, referenced)
	if progress != nil && len(files) > 0 {
		progress(0, len(files), "")
	}
	for i, file := range files {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		if err := a.verifyFile(ctx, file, rep); err != nil {
			return rep, err
		}
		if progress != nil {
			progress(i+1, len(files), file)
		}
	}
	torn, _ := filepath.Glob(filepath.Join(a.warcDir, "*.torn-*"))
	for _, t := range torn {
		rep.TornFiles = append(rep.TornFiles, filepath.Base(t))
	}
	return rep, nil
}

// warcFiles lists the WARC files on disk by their final names.
func (a *Archive) warcFiles() ([]string, error) {
	var out []string
	seen := map[string]bool{}
	// Open files first: one the writer closes between the two globs is
	// then seen by its final name (the other order could miss it).
	for _, pattern := range []string{warcsGlob + warc.OpenSuffix, warcsGlob} {
		m, err := filepath.Glob(filepath.Join(a.warcDir, pattern))
		if err != nil {
			return nil, err
		}
		for _, p := range m {
			if name := strings.TrimSuffix(filepath.Base(p), warc.OpenSuffix); !seen[name] {
				seen[name] = true
				out = append(out, name)
			}
		}
	}
	return out, nil
}

func union(a, b []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range append(append([]string{}, a...), b...) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

type recordAt struct {
	rec  *warc.Record
	seen bool
}

func (a *Archive) verifyFile(ctx context.Context, file string, rep *VerifyReport) error {
	start := time.Now()
	captures, err := a.Store.CapturesInFile(ctx, file)
	if err != nil {
		return err
	}
	rep.Files++
	path, err := warc.Path(a.warcDir, file)
	if err != nil {
		for _, c := range captures {
			rep.Captures++
			rep.Problems = append(rep.Problems, Problem{CaptureID: c.ID, File: file, Offset: c.WARCOffset, Msg: "WARC file is missing"})
		}
		return nil
	}
	// A file still being written grows while it is checked: what it holds
	// once its metadata is read is checked (every record that metadata
	// names is in it; those written meanwhile are in flight), the rest is
	// left to the next check.
	var size int64 = -1
	if fi, err := os.Stat(path); err == nil {
		size = fi.Size()
	}
	if a.verifySize != nil {
		size = a.verifySize(file, size)
	}
	records := map[int64]*recordAt{}
	scanErr := warc.Scan(path, func(r *warc.Record) error {
		if size >= 0 && r.Offset >= size {
			return errWrittenSince
		}
		rep.Records++
		records[r.Offset] = &recordAt{rec: r}
		return nil
	})
	if errors.Is(scanErr, errWrittenSince) {
		scanErr = nil
	}
	if a.verifyScanned != nil {
		a.verifyScanned(file)
	}
	var se *warc.ScanError
	if errors.As(scanErr, &se) {
		if strings.HasSuffix(path, warc.OpenSuffix) && se.Offset >= referencedEnd(captures) {
			// The file is being written (or awaits recovery by the next
			// writer): a record in flight is not damage, and no metadata
			// points there.
			rep.InFlight = append(rep.InFlight, fmt.Sprintf("%s@%d", file, se.Offset))
		} else {
			rep.Problems = append(rep.Problems, Problem{File: file, Offset: se.Offset,
				Msg: "unreadable: " + se.Err.Error() + " (past it, records were read only where metadata points)"})
		}
	} else if scanErr != nil {
		return scanErr
	}
	// Gzip members stand alone: past an unreadable spot, each capture's
	// records are still read at the offsets metadata gives, and so are
	// those written after the scan's end (a capture committed meanwhile,
	// whose response the scan read and whose request it did not).
	lookup := func(off int64) (*recordAt, bool) {
		if r, ok := records[off]; ok {
			return r, true
		}
		if scanErr == nil && (size < 0 || off < size) {
			return nil, false
		}
		rec, err := warc.ReadAt(a.warcDir, warc.Position{File: file, Offset: off})
		if err != nil {
			return nil, false
		}
		records[off] = &recordAt{rec: rec}
		return records[off], true
	}
	for _, c := range captures {
		rep.Captures++
		for _, msg := range checkCapture(c, lookup) {
			rep.Problems = append(rep.Problems, Problem{CaptureID: c.ID, File: file, Offset: c.WARCOffset, Msg: msg})
		}
	}
	open, end := strings.HasSuffix(path, warc.OpenSuffix), referencedEnd(captures)
	offsets := make([]int64, 0, len(records))
	for off := range records {
		offsets = append(offsets, off)
	}
	slices.Sort(offsets)
	if slices.ContainsFunc(offsets, func(off int64) bool { return !records[off].seen && records[off].rec.Type != "warcinfo" }) {
		// Metadata read before the scan may have been committed since
		// for records the scan found (the writer rotated the file in
		// between): those are checked as their captures say.
		later, err := a.Store.CapturesInFile(ctx, file)
		if err != nil {
			return err
		}
		for _, c := range later {
			if r, ok := records[c.WARCOffset]; !ok || r.seen {
				continue
			}
			rep.Captures++
			for _, msg := range checkCapture(c, lookup) {
				rep.Problems = append(rep.Problems, Problem{CaptureID: c.ID, File: file, Offset: c.WARCOffset, Msg: msg})
			}
		}
	}
	writing := lockHeld(filepath.Join(a.dir, LockFile))
	for _, off := range offsets {
		r := records[off]
		d := r.rec.Damage()
		if m := r.rec.Malformed(); len(m) > 0 && len(d) == 0 {
			rep.Malformed = append(rep.Malformed, Problem{File: file, Offset: off, Msg: joinErrs(m)})
		}
		if r.seen {
			continue
		}
		if len(d) > 0 {
			rep.Problems = append(rep.Problems, Problem{File: file, Offset: off, Msg: joinErrs(d)})
		}
		switch {
		case r.rec.Type == "warcinfo":
		case open && (off >= end || start.Sub(r.rec.Date) < inFlightAge),
			writing && start.Sub(r.rec.Date) < inFlightAge:
			// written by the running writer, its metadata not yet
			// committed when it was read (the file may have been closed
			// since: the writer rotates while fetches commit)
			rep.InFlight = append(rep.InFlight, fmt.Sprintf("%s@%d (%s record, no metadata yet)", file, off, r.rec.Type))
		default:
			rep.Unreferenced = append(rep.Unreferenced, Unreferenced{File: file, Offset: off, Type: r.rec.Type,
				TargetURI: r.rec.TargetURI, Date: r.rec.Date})
		}
	}
	return nil
}

// errWrittenSince stops a scan at the records written after the check of
// their file began.
var errWrittenSince = errors.New("written since the check began")

// inFlightAge: a record of a file still being written, dated this recently
// before its check, may be waiting for its metadata (fetches run side by
// side, so one may commit after a later one).
const inFlightAge = 10 * time.Minute

// referencedEnd is the end of the last record metadata points to.
func referencedEnd(captures []*store.Capture) int64 {
	var end int64
	for _, c := range captures {
		end = max(end, c.WARCOffset+c.WARCLength, c.RequestOffset+c.RequestLength)
	}
	return end
}

// checkCapture compares a capture's metadata with its records.
func checkCapture(c *store.Capture, lookup func(int64) (*recordAt, bool)) []string {
	var msgs []string
	resp, ok := lookup(c.WARCOffset)
	if !ok {
		return []string{"no readable record at the offset metadata gives"}
	}
	resp.seen = true
	r := resp.rec
	if d := r.Damage(); len(d) > 0 {
		msgs = append(msgs, joinErrs(d))
	}
	if r.Length != c.WARCLength {
		msgs = append(msgs, fmt.Sprintf("record spans %d bytes, metadata says %d", r.Length, c.WARCLength))
	}
	if r.RecordID != c.RecordID {
		msgs = append(msgs, fmt.Sprintf("record id %s, metadata says %s", r.RecordID, c.RecordID))
	}
	if r.Type != c.RecordType {
		msgs = append(msgs, fmt.Sprintf("record type %s, metadata says %s", r.Type, c.RecordType))
	}
	if r.BlockDigest != c.BlockDigest {
		msgs = append(msgs, fmt.Sprintf("block digest %s, metadata says %s", r.BlockDigest, c.BlockDigest))
	}
	if r.Type == "response" && r.PayloadDigest != c.PayloadDigest {
		msgs = append(msgs, fmt.Sprintf("payload digest %s, metadata says %s", r.PayloadDigest, c.PayloadDigest))
	}
	if c.RecordType == "resource" {
		return msgs // a document, not an exchange: no request record
	}
	req, ok := lookup(c.RequestOffset)
	switch {
	case !ok:
		msgs = append(msgs, "no readable request record at the offset metadata gives")
	default:
		req.seen = true
		if req.rec.Type != "request" {
			msgs = append(msgs, fmt.Sprintf("record at request offset is %s", req.rec.Type))
		}
		if d := req.rec.Damage(); len(d) > 0 {
			msgs = append(msgs, "request record: "+joinErrs(d))
		}
		if req.rec.Length != c.RequestLength {
			msgs = append(msgs, fmt.Sprintf("request record spans %d bytes, metadata says %d", req.rec.Length, c.RequestLength))
		}
	}
	return msgs
}

func joinErrs(errs []error) string {
	parts := make([]string, len(errs))
	for i, e := range errs {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// Exists reports whether dataDir holds an archive database.
func Exists(dataDir string) bool {
	_, err := os.Stat(filepath.Join(dataDir, DBFile))
	return err == nil
}
