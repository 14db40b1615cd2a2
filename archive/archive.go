// Package archive keeps what was seen, for good: every fetch is written to
// WARC and synced before the metadata that points to it is committed, and
// Verify proves the two still agree.
package archive

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/archive/warc"
)

// Layout of a data directory.
const (
	WARCDir   = "archive"
	DBFile    = "meta.db"
	IndexDir  = "index"
	LockFile  = "writer.lock"
	warcsGlob = "*" + warc.Ext
)

// LockedError says another writer holds the data directory.
type LockedError struct {
	Path  string
	PID   string
	Stale bool
}

func (e *LockedError) Error() string {
	who := "another takedownwatch writer"
	if e.PID != "" {
		who += " (pid " + e.PID + ")"
	}
	msg := fmt.Sprintf("%s holds %s: only one writer (serve or snapshot) may run on a data directory; read commands (search, export, sources, verify) work beside it", who, e.Path)
	if e.Stale {
		msg += "; if no such process runs, remove the lock file"
	}
	return msg
}

// Options configure an Archive.
type Options struct {
	DataDir string
	// MaxWARCSize rotates WARC files; 0 means warc.DefaultMaxSize.
	MaxWARCSize int64
	// Secrets are values that must never reach a record (API tokens).
	Secrets  []string
	Software string
	Clock    func() time.Time
}

// Archive is the WARC files and the metadata store of one data directory.
type Archive struct {
	Store   *store.Store
	dir     string
	warcDir string
	w       *warc.Writer
	lock    *os.File
	clock   func() time.Time
	red     *warc.Redactor
	closed  bool
	// Recovered lists files a killed writer had left open, sealed at Open.
	Recovered []warc.Recovered
	// MigratedFrom is the schema version OpenReader found and migrated
	// from (0: none).
	MigratedFrom int

	writeFailure atomic.Pointer[WriteFailure] // the last write's failure; nil once one succeeds

	// verifyScanned, when set (by tests), runs after Verify scanned a
	// file: a commit there is one that raced the check. verifySize, when
	// set, changes the size Verify found the file to have, as if it had
	// looked at another moment of the writing.
	verifyScanned func(file string)
	verifySize    func(file string, size int64) int64
}

// ErrWrite wraps every failure to write a capture (its WARC records or
// their metadata): the archive's trouble (a full disk, a read-only
// directory), not the source's whose answer it was keeping.
var ErrWrite = errors.New("archive: cannot write")

// WriteFailure is the archive's latest failure to write, while no write
// has succeeded since.
type WriteFailure struct {
	Err   error
	Since time.Time // the first failure of the run
}

// WriteFailing returns the failure of the archive's writes while they fail
// (none has succeeded since), else nil: a health check's answer.
func (a *Archive) WriteFailing() *WriteFailure { return a.writeFailure.Load() }

// wrote records a write's outcome and returns err wrapped in ErrWrite.
// Writes run side by side, so the state may for a moment be one write
// behind (a failure recorded just after a success); the next write sets it
// right, which is all a health check needs.
func (a *Archive) wrote(err error) error {
	if err == nil {
		a.writeFailure.Store(nil)
		return nil
	}
	since := a.clock()
	if prev := a.writeFailure.Load(); prev != nil {
		since = prev.Since
	}
	err = fmt.Errorf("%w: %w", ErrWrite, err)
	a.writeFailure.Store(&WriteFailure{Err: err, Since: since})
	return err
}

// OpenWriter opens the data directory for writing: it takes the writer lock,
// seals WARC files a killed process left open, and migrates the database.
func OpenWriter(ctx context.Context, opts Options) (*Archive, error) {
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if err := os.MkdirAll(opts.DataDir, 0o755); err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	lock, err := lockFile(filepath.Join(opts.DataDir, LockFile))
	if err != nil {
		return nil, err
	}
	red := warc.NewRedactor(opts.Secrets...)
	a := &Archive{dir: opts.DataDir, warcDir: filepath.Join(opts.DataDir, WARCDir), lock: lock, clock: opts.Clock, red: red}
	if err := os.MkdirAll(a.warcDir, 0o755); err != nil {
		a.Close()
		return nil, fmt.Errorf("archive: %w", err)
	}
	if a.Recovered, err = warc.Recover(a.warcDir); err != nil {
		a.Close()
		return nil, err
	}
	a.w, err = warc.Open(warc.Options{
		Dir: a.warcDir, MaxSize: opts.MaxWARCSize, Redactor: red,
		Software: opts.Software, Clock: opts.Clock,
	})
	if err != nil {
		a.Close()
		return nil, err
	}
	if a.Store, err = store.Open(ctx, filepath.Join(opts.DataDir, DBFile), false); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

// OpenReader opens the data directory for reading, beside a running writer.
//
// A database an older binary made is migrated first when no writer holds
// the directory, as a writer would at its start: after an upgrade, or on a
// copy of an archive, a read command then works without a collection cycle
// (snapshot or serve fetch). Migrations only add tables and indexes; the
// WARC files are not touched. A running writer (an older binary, or it
// would have migrated) keeps the database as it is, and the error says so.
func OpenReader(ctx context.Context, dataDir string) (*Archive, error) {
	path := filepath.Join(dataDir, DBFile)
	st, err := store.Open(ctx, path, true)
	from := 0
	if errors.Is(err, store.ErrOldSchema) {
		if from, err = migrateIdle(ctx, dataDir); err == nil {
			st, err = store.Open(ctx, path, true)
		}
	}
	if err != nil {
		if errors.Is(err, store.ErrNoArchive) {
			return nil, fmt.Errorf("no archive in %s yet: run `takedownwatch snapshot` or `serve` first", dataDir)
		}
		return nil, err
	}
	return &Archive{Store: st, dir: dataDir, warcDir: filepath.Join(dataDir, WARCDir), clock: time.Now, red: warc.NewRedactor(), MigratedFrom: from}, nil
}

// migrateIdle migrates the database of dataDir under the writer lock and
// returns the schema version it migrated from (0 when a writer did it
// first).
func migrateIdle(ctx context.Context, dataDir string) (int, error) {
	path := filepath.Join(dataDir, DBFile)
	lock, err := lockFile(filepath.Join(dataDir, LockFile))
	var le *LockedError
	if errors.As(err, &le) {
		who := "the writer that holds it"
		if le.PID != "" {
			who += " (pid " + le.PID + ")"
		}
		return 0, fmt.Errorf("archive: %s was made by an older takedownwatch and %s runs one: restart it with this one, which migrates the database: %w", path, who, store.ErrOldSchema)
	}
	if err != nil {
		return 0, fmt.Errorf("archive: %s was made by an older takedownwatch and cannot be migrated here: %w", path, err)
	}
	defer unlockFile(lock)
	w, err := store.Open(ctx, path, false)
	if err != nil {
		return 0, fmt.Errorf("archive: migrate %s: %w", path, err)
	}
	from := w.MigratedFrom()
	if err := w.Close(); err != nil {
		return 0, fmt.Errorf("archive: migrate %s: %w", path, err)
	}
	return from, nil
}

// Payload reads a capture's record and the body it stands for: a
// revisit's is the one of the capture it revisits, and a 304's status and
// headers are the ones it stood for. The record is read as archived,
// digests checked.
func Payload(ctx context.Context, st *store.Store, warcDir string, c *store.Capture) (*warc.Record, []byte, error) {
	rec, err := warc.ReadAt(warcDir, warc.Position{File: c.WARCFile, Offset: c.WARCOffset, Length: c.WARCLength, RecordID: c.RecordID})
	if err != nil {
		return nil, nil, &UnreadableError{Capture: c, Err: err}
	}
	body := rec.Body
	if c.RecordType == "revisit" && c.RevisitOf != 0 {
		orig, err := st.OriginalOf(ctx, c)
		if err != nil {
			return rec, nil, err
		}
		o, err := warc.ReadAt(warcDir, warc.Position{File: orig.WARCFile, Offset: orig.WARCOffset, Length: orig.WARCLength, RecordID: orig.RecordID})
		if err != nil {
			return rec, nil, &UnreadableError{Capture: orig, Err: fmt.Errorf("the record it revisits: %w", err)}
		}
		body = o.Body
		if rec.StatusCode == http.StatusNotModified || rec.StatusCode == 0 {
			rec.StatusCode, rec.Header = o.StatusCode, o.Header
		}
	}
	return rec, body, nil
}

// UnreadableError is a capture whose record cannot be read as archived.
type UnreadableError struct {
	Capture *store.Capture
	Err     error
}

func (e *UnreadableError) Error() string {
	return fmt.Sprintf("capture %d (%s@%d): %v", e.Capture.ID, e.Capture.WARCFile, e.Capture.WARCOffset, e.Err)
}

func (e *UnreadableError) Unwrap() error { return e.Err }

// RedactURL returns u as the archive keeps URLs: without user info, token
// parameters or the secrets it sends.
func (a *Archive) RedactURL(u string) string { return a.red.URL(u) }

// WARCDir returns the directory holding the WARC files.
func (a *Archive) WARCDir() string { return a.warcDir }

// Close flushes and closes, in order: WARC writer, database, lock. A second
// Close does nothing.
func (a *Archive) Close() error {
	if a.closed {
		return nil
	}
	a.closed = true
	var errs []error
	if a.w != nil {
		errs = append(errs, a.w.Close())
	}
	if a.Store != nil {
		errs = append(errs, a.Store.Close())
	}
	if a.lock != nil {
		errs = append(errs, unlockFile(a.lock))
	}
	return errors.Join(errs...)
}

// Meta says what a capture is for.
type Meta struct {
	Kind     string // listing | permalink | media | report | account
	SourceID string
	// Last is the newest archived answer of the same URL when the caller
	// already looked it up (LastKnown; nil: there is none), saving Record
	// the same query.
	Last      *store.Capture
	LastKnown bool
	// Pending: the caller commits what it reads from the answer later,
	// and then takes the capture in (store.Tx.TakeIn); until then it is
	// no base for a conditional request (LastCapture).
	Pending bool
}

// Record archives one exchange: the WARC records are written and synced,
// then the capture row that points to them is committed. An answer equal to
// the last archived one of the same URL becomes a revisit.
func (a *Archive) Record(ctx context.Context, ex *warc.Exchange, m Meta) (*store.Capture, error) {
	if a.w == nil {
		return nil, errors.New("archive: opened read-only")
	}
	// Metadata keeps the URL as the record names it: credentials redacted.
	target := a.red.URL(ex.URL)
	var prev *warc.Previous
	last, err := m.Last, error(nil)
	switch {
	case ex.StatusCode < 200 || ex.StatusCode > 399:
		// An error answer repeated (a removed post's 404 page, fetched
		// again at every re-check for as long as it stays removed) is
		// a revisit of the last one with the same status: its headers
		// kept, its payload once.
		if last, err = a.Store.LastCaptureWithStatus(ctx, target, ex.StatusCode); errors.Is(err, store.ErrNotFound) {
			last, err = nil, nil
		}
	case !m.LastKnown:
		if last, err = a.Store.LastCapture(ctx, target); errors.Is(err, store.ErrNotFound) {
			last, err = nil, nil
		}
	}
	if err != nil {
		return nil, err
	}
	// A revisit names the record that holds the payload, never another
	// revisit: a feed answered 304 every few minutes made a chain one
	// longer at each fetch, which every reader of the newest had to walk.
	base := last
	if last != nil && last.RecordType == "revisit" {
		if base, err = a.Store.OriginalOf(ctx, last); errors.Is(err, store.ErrNotFound) {
			base, err = nil, nil // its original is gone: no revisit
		}
		if err != nil {
			return nil, err
		}
	}
	if base != nil {
		prev = &warc.Previous{RecordID: base.RecordID, TargetURI: base.URL, Date: base.At, PayloadDigest: base.PayloadDigest}
	}
	if ex.Date.IsZero() {
		ex.Date = a.clock()
	}
	wr, err := a.w.WriteExchange(ex, prev)
	if err != nil {
		return nil, a.wrote(fmt.Errorf("%s: %w", target, err))
	}
	if err := a.w.Sync(); err != nil {
		return nil, a.wrote(err)
	}
	c := &store.Capture{
		URL: target, Kind: m.Kind, SourceID: m.SourceID, At: ex.Date, Status: ex.StatusCode,
		ContentType:   ex.Header.Get("Content-Type"),
		ETag:          ex.Header.Get("ETag"),
		LastModified:  ex.Header.Get("Last-Modified"),
		PayloadDigest: wr.PayloadDigest, BlockDigest: wr.BlockDigest, RecordType: wr.Type,
		RecordID: wr.Response.RecordID, WARCFile: wr.Response.File, WARCOffset: wr.Response.Offset,
		WARCLength: wr.Response.Length, RequestOffset: wr.Request.Offset, RequestLength: wr.Request.Length,
		Truncated: ex.Truncated, Vantage: ex.Vantage, Pending: m.Pending,
	}
	if wr.Type == "revisit" && base != nil {
		c.RevisitOf = base.ID
		if ex.StatusCode == http.StatusNotModified {
			// A 304 stands for the last payload: keep its digest so the next
			// identical 200 is still a revisit, and its validators when the
			// 304 repeats none.
			c.PayloadDigest = base.PayloadDigest
			if c.ETag == "" {
				c.ETag = last.ETag
			}
			if c.LastModified == "" {
				c.LastModified = last.LastModified
			}
		}
	}
	if err := a.Store.Write(ctx, func(tx *store.Tx) error { return tx.InsertCapture(c) }); err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		return nil, a.wrote(err)
	}
	return c, a.wrote(nil)
}

// RecordFailure keeps a fetch that got no HTTP answer (timeout, reset, DNS):
// there is nothing for WARC, but the attempt is evidence of its own.
func (a *Archive) RecordFailure(ctx context.Context, url string, at time.Time, vantage string, m Meta, fail error) (*store.Capture, error) {
	c := &store.Capture{URL: a.red.URL(url), Kind: m.Kind, SourceID: m.SourceID, At: at, Vantage: vantage, Error: a.red.String(fail.Error())}
	if err := a.Store.Write(ctx, func(tx *store.Tx) error { return tx.InsertCapture(c) }); err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		return nil, a.wrote(err)
	}
	return c, a.wrote(nil)
}

// LastCapture returns the newest archived 2xx/3xx answer for url (the base
// of conditional requests), or store.ErrNotFound.
func (a *Archive) LastCapture(ctx context.Context, url string) (*store.Capture, error) {
	return a.Store.LastCapture(ctx, a.red.URL(url))
}

// RecordResource archives a document that came without an HTTP exchange
// (an imported file, a report posted to the API) as a resource record,
// synced before its capture row is committed.
func (a *Archive) RecordResource(ctx context.Context, uri, contentType string, body []byte, m Meta) (*store.Capture, error) {
	if a.w == nil {
		return nil, errors.New("archive: opened read-only")
	}
	now := a.clock()
	wr, err := a.w.WriteResource(uri, contentType, body, now)
	if err != nil {
		return nil, a.wrote(err)
	}
	if err := a.w.Sync(); err != nil {
		return nil, a.wrote(err)
	}
	c := &store.Capture{URL: a.red.URL(uri), Kind: m.Kind, SourceID: m.SourceID, At: now, Status: 200, ContentType: contentType,
		PayloadDigest: wr.PayloadDigest, BlockDigest: wr.BlockDigest, RecordType: wr.Type, RecordID: wr.Response.RecordID,
		WARCFile: wr.Response.File, WARCOffset: wr.Response.Offset, WARCLength: wr.Response.Length, Vantage: "direct"}
	if err := a.Store.Write(ctx, func(tx *store.Tx) error { return tx.InsertCapture(c) }); err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		return nil, a.wrote(err)
	}
	return c, a.wrote(nil)
}
