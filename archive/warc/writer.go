package warc

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/gzip"
	gowarc "github.com/nlnwa/gowarc/v3"
)

// DefaultMaxSize is the size at which a WARC file is closed and a new one
// begun, the IIPC's customary 1 GB.
const DefaultMaxSize = 1 << 30

// DefaultMaxAge is how long a file stays open at most: a quiet archive
// would otherwise write one file for weeks, and a file is final (closed,
// its name without .open) only once closed — what a backup, a partner or
// a fixity log best holds.
const DefaultMaxAge = 24 * time.Hour

// Options configure a Writer.
type Options struct {
	Dir      string
	Prefix   string        // file name prefix; default "TW"
	MaxSize  int64         // rotation size in bytes of the compressed file; default DefaultMaxSize
	MaxAge   time.Duration // rotation age of a file (at its next record); default DefaultMaxAge
	Redactor *Redactor
	Software string // named in each file's warcinfo record
	Clock    func() time.Time
}

// Writer appends records to the current WARC file of a directory. It is safe
// for concurrent use; records of one WriteExchange are adjacent in one file.
type Writer struct {
	opts Options
	red  *Redactor

	mu   sync.Mutex
	f    *os.File
	name string // final base name
	size int64
	born time.Time // when the current file was begun
	info string    // warcinfo record id of the current file
	seq  int
	gz   *gzip.Writer
	dirt bool // written since the last Sync
}

// newRecordID returns a random (version 4) UUID URN. The library's default
// reads a global of github.com/google/uuid that its own constructors write,
// a data race under concurrent writers; this one shares nothing.
func newRecordID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return "urn:uuid:" + h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
}

// recordOptions make the library compute block and payload digests, which it
// leaves off by default.
func recordOptions() []gowarc.WarcRecordOption {
	return []gowarc.WarcRecordOption{
		gowarc.WithRecordIdFunc(newRecordID),
		gowarc.WithAddMissingDigest(true),
		gowarc.WithDefaultDigestAlgorithm(digestAlgorithm),
		gowarc.WithFixContentLength(true),
	}
}

// Open prepares a Writer on dir, first recovering any file a killed process
// left open (see Recover). No file is created until the first record.
func Open(opts Options) (*Writer, error) {
	if opts.Dir == "" {
		return nil, errors.New("warc: no directory")
	}
	if opts.Prefix == "" {
		opts.Prefix = "TW"
	}
	if opts.MaxAge <= 0 {
		opts.MaxAge = DefaultMaxAge
	}
	if opts.MaxSize <= 0 {
		opts.MaxSize = DefaultMaxSize
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.Software == "" {
		opts.Software = "takedownwatch"
	}
	red := opts.Redactor
	if red == nil {
		red = NewRedactor()
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("warc: create %s: %w", opts.Dir, err)
	}
	if _, err := Recover(opts.Dir); err != nil {
		return nil, err
	}
	gz, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression)
	return &Writer{opts: opts, red: red, gz: gz}, nil
}

// WriteExchange writes the response (or a revisit) and request records of one
// exchange. A 304 answer is written as a server-not-modified revisit; an
// answer whose payload digest equals prev's as an identical-payload revisit.
// The records are written but not yet synced: call Sync before metadata
// points to them.
func (w *Writer) WriteExchange(ex *Exchange, prev *Previous) (Written, error) {
	resp, written, err := w.buildResponse(ex, prev)
	if err != nil {
		return Written{}, err
	}
	defer resp.Close()
	req, err := w.buildRequest(ex)
	if err != nil {
		return Written{}, err
	}
	defer req.Close()
	resp.WarcHeader().AddId(gowarc.WarcConcurrentTo, req.WarcHeader().GetId(gowarc.WarcRecordID))
	req.WarcHeader().AddId(gowarc.WarcConcurrentTo, resp.WarcHeader().GetId(gowarc.WarcRecordID))

	w.mu.Lock()
	defer w.mu.Unlock()
	if w.full() {
		if err := w.closeFile(); err != nil {
			return Written{}, err
		}
	}
	if w.f == nil {
		if err := w.createFile(); err != nil {
			return Written{}, err
		}
	}
	written.Response, err = w.writeRecord(resp)
	if err != nil {
		return Written{}, err
	}
	written.Request, err = w.writeRecord(req)
	if err != nil {
		return Written{}, err
	}
	return written, nil
}

// Sync flushes what was written to stable storage. Metadata may point to a
// record only after the Sync that follows its write.
func (w *Writer) Sync() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil || !w.dirt {
		return nil
	}
	if err := w.f.Sync(); err != nil {
		return fmt.Errorf("warc: sync %s: %w", w.name, err)
	}
	w.dirt = false
	return nil
}

// full reports whether the current file is to be closed before the next
// record: it reached MaxSize, or MaxAge.
func (w *Writer) full() bool {
	return w.f != nil && (w.size >= w.opts.MaxSize || w.opts.Clock().Sub(w.born) >= w.opts.MaxAge)
}

// Rotate closes the current file; the next record starts a new one.
func (w *Writer) Rotate() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.closeFile()
}

// Close syncs and closes the current file.
func (w *Writer) Close() error {
	return w.Rotate()
}

// CurrentFile returns the base name of the file being written ("" if none).
func (w *Writer) CurrentFile() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.name
}

func (w *Writer) createFile() error {
	now := w.opts.Clock().UTC()
	var rnd [3]byte
	_, _ = rand.Read(rnd[:])
	w.seq++
	name := fmt.Sprintf("%s-%s-%05d-%s%s", w.opts.Prefix, now.Format("20060102150405"), w.seq, hex.EncodeToString(rnd[:]), Ext)
	f, err := os.OpenFile(filepath.Join(w.opts.Dir, name+OpenSuffix), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("warc: create file: %w", err)
	}
	w.f, w.name, w.size, w.info, w.born = f, name, 0, "", now

	info, err := w.buildWarcinfo(name, now)
	if err != nil {
		_ = w.abandonFile()
		return err
	}
	defer info.Close()
	pos, err := w.writeRecord(info)
	if err != nil {
		_ = w.abandonFile()
		return err
	}
	w.info = pos.RecordID
	return nil
}

// abandonFile removes a file that failed before holding any record.
func (w *Writer) abandonFile() error {
	path := w.f.Name()
	_ = w.f.Close()
	w.f, w.name, w.size, w.info = nil, "", 0, ""
	return os.Remove(path)
}

func (w *Writer) closeFile() error {
	if w.f == nil {
		return nil
	}
	f, name := w.f, w.name
	w.f, w.name, w.size, w.info, w.dirt = nil, "", 0, "", false
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return fmt.Errorf("warc: sync %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("warc: close %s: %w", name, err)
	}
	if err := os.Rename(f.Name(), filepath.Join(w.opts.Dir, name)); err != nil {
		return fmt.Errorf("warc: seal %s: %w", name, err)
	}
	return syncDir(w.opts.Dir)
}

// countingWriter counts the compressed bytes of one gzip member.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// writeRecord writes one record as its own gzip member. A failed write is
// truncated away so the file never holds half a record followed by more.
func (w *Writer) writeRecord(rec gowarc.WarcRecord) (Position, error) {
	if w.info != "" {
		rec.WarcHeader().SetId(gowarc.WarcWarcinfoID, w.info)
	}
	cw := &countingWriter{w: w.f}
	w.gz.Reset(cw)
	_, _, err := gowarc.NewMarshaler().Marshal(w.gz, rec, 0)
	if err == nil {
		err = w.gz.Close()
	}
	if err != nil {
		if terr := w.f.Truncate(w.size); terr == nil {
			_, _ = w.f.Seek(w.size, io.SeekStart)
		}
		return Position{}, fmt.Errorf("warc: write record to %s: %w", w.name, err)
	}
	pos := Position{File: w.name, Offset: w.size, Length: cw.n, RecordID: rec.WarcHeader().GetId(gowarc.WarcRecordID)}
	w.size += cw.n
	w.dirt = true
	return pos, nil
}

func (w *Writer) buildWarcinfo(name string, now time.Time) (gowarc.WarcRecord, error) {
	b := newRecordBuilder(gowarc.Warcinfo, recordOptions()...)
	b.AddWarcHeaderTime(gowarc.WarcDate, now)
	b.AddWarcHeader(gowarc.WarcFilename, name)
	b.AddWarcHeader(gowarc.ContentType, gowarc.ApplicationWarcFields)
	fields := [][2]string{
		{"software", w.opts.Software},
		{"format", "WARC File Format 1.1"},
		{"conformsTo", "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"},
		{"description", "takedownwatch archive of public posts of political actors"},
		{"redaction", "credentials are never archived: Authorization, Proxy-Authorization, Cookie, X-Api-Key, X-Auth-Token and X-Authentication-Token header values, token query parameters (access_token, token, key, *_token ...) and configured secret values are replaced by " + Redacted + " in URIs and request headers, and in the headers and bodies of answers to requests that carried them"},
	}
	for _, f := range fields {
		if _, err := fmt.Fprintf(b, "%s: %s\r\n", f[0], f[1]); err != nil {
			return nil, err
		}
	}
	rec, _, err := b.Build()
	if err != nil {
		return nil, fmt.Errorf("warc: build warcinfo: %w", err)
	}
	return rec, nil
}

func (w *Writer) buildRequest(ex *Exchange) (gowarc.WarcRecord, error) {
	target := w.red.URL(ex.URL)
	u, err := url.Parse(target)
	if err != nil {
		return nil, fmt.Errorf("warc: request URL %q: %w", target, err)
	}
	method := ex.Method
	if method == "" {
		method = http.MethodGet
	}
	var blk bytes.Buffer
	fmt.Fprintf(&blk, "%s %s %s\r\n", method, u.RequestURI(), proto(ex.Proto))
	h := w.red.Header(ex.RequestHeader)
	if h.Get("Host") == "" {
		h.Set("Host", u.Host)
	}
	if err := h.Write(&blk); err != nil {
		return nil, err
	}
	blk.WriteString("\r\n")

	b := newRecordBuilder(gowarc.Request, recordOptions()...)
	w.commonHeaders(b, ex, target)
	b.AddWarcHeader(gowarc.ContentType, "application/http;msgtype=request")
	if _, err := b.Write(blk.Bytes()); err != nil {
		return nil, err
	}
	rec, _, err := b.Build()
	if err != nil {
		return nil, fmt.Errorf("warc: build request record for %s: %w", target, err)
	}
	return rec, nil
}

func (w *Writer) buildResponse(ex *Exchange, prev *Previous) (gowarc.WarcRecord, Written, error) {
	target := w.red.URL(ex.URL)
	red := w.red.Sent(ex.URL, ex.RequestHeader)
	body := red.Bytes(ex.Body)
	written := Written{Type: "response", PayloadDigest: PayloadDigest(body)}

	status := ex.Status
	if status == "" {
		status = strconv.Itoa(ex.StatusCode) + " " + http.StatusText(ex.StatusCode)
	} else if !strings.HasPrefix(status, strconv.Itoa(ex.StatusCode)) {
		status = strconv.Itoa(ex.StatusCode) + " " + status
	}
	var blk bytes.Buffer
	fmt.Fprintf(&blk, "%s %s\r\n", proto(ex.Proto), strings.TrimSpace(status))
	h := red.Header(ex.Header)
	// The body is archived as received after transfer decoding, so framing
	// headers that no longer describe it would mislead a replay tool.
	h.Del("Transfer-Encoding")
	if err := h.Write(&blk); err != nil {
		return nil, written, err
	}
	blk.WriteString("\r\n")
	blk.Write(body)

	b := newRecordBuilder(gowarc.Response, recordOptions()...)
	w.commonHeaders(b, ex, target)
	b.AddWarcHeader(gowarc.ContentType, "application/http;msgtype=response")
	if ex.Truncated {
		b.AddWarcHeader(gowarc.WarcTruncated, "length")
	}
	if _, err := b.Write(blk.Bytes()); err != nil {
		return nil, written, err
	}
	rec, _, err := b.Build()
	if err != nil {
		return nil, written, fmt.Errorf("warc: build response record for %s: %w", target, err)
	}

	var ref *gowarc.RevisitRef
	switch {
	case ex.StatusCode == http.StatusNotModified:
		ref = &gowarc.RevisitRef{Profile: ProfileNotModified}
		if prev != nil {
			ref.TargetRecordId, ref.TargetUri, ref.TargetDate = prev.RecordID, w.red.URL(prev.TargetURI), prev.Date.UTC().Format(time.RFC3339)
		}
	case prev != nil && prev.PayloadDigest == written.PayloadDigest && !ex.Truncated:
		ref = &gowarc.RevisitRef{Profile: ProfileIdenticalPayload, TargetRecordId: prev.RecordID,
			TargetUri: w.red.URL(prev.TargetURI), TargetDate: prev.Date.UTC().Format(time.RFC3339)}
	}
	if ref != nil {
		rv, err := rec.ToRevisitRecord(ref)
		rec.Close()
		if err != nil {
			return nil, written, fmt.Errorf("warc: revisit record for %s: %w", target, err)
		}
		rec = rv
		written.Type, written.Profile = "revisit", ref.Profile
		if ex.StatusCode == http.StatusNotModified {
			// The not-modified block's own digest stands for nothing fetched.
			rec.WarcHeader().Delete(gowarc.WarcPayloadDigest)
		}
	}
	written.BlockDigest = rec.WarcHeader().Get(gowarc.WarcBlockDigest)
	return rec, written, nil
}

func (w *Writer) commonHeaders(b gowarc.WarcRecordBuilder, ex *Exchange, target string) {
	date := ex.Date
	if date.IsZero() {
		date = w.opts.Clock()
	}
	b.AddWarcHeader(gowarc.WarcTargetURI, target)
	b.AddWarcHeaderTime(gowarc.WarcDate, date.UTC())
	if ex.IP != "" {
		b.AddWarcHeader(gowarc.WarcIPAddress, ex.IP)
	}
}

func proto(p string) string {
	if p == "" {
		return "HTTP/1.1"
	}
	return p
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("warc: open dir %s: %w", dir, err)
	}
	defer d.Close()
	// Some filesystems refuse fsync on a directory; the rename stands anyway.
	_ = d.Sync()
	return nil
}

// WriteResource writes a resource record: a document that came to the
// archive without an HTTP exchange (an imported file, a report posted to
// the API), with its own content type.
func (w *Writer) WriteResource(uri, contentType string, body []byte, date time.Time) (Written, error) {
	target := w.red.URL(uri)
	content := w.red.Bytes(body)
	b := newRecordBuilder(gowarc.Resource, recordOptions()...)
	if date.IsZero() {
		date = w.opts.Clock()
	}
	b.AddWarcHeader(gowarc.WarcTargetURI, target)
	b.AddWarcHeaderTime(gowarc.WarcDate, date.UTC())
	b.AddWarcHeader(gowarc.ContentType, contentType)
	if _, err := b.Write(content); err != nil {
		return Written{}, err
	}
	rec, _, err := b.Build()
	if err != nil {
		return Written{}, fmt.Errorf("warc: build resource record for %s: %w", target, err)
	}
	defer rec.Close()
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.full() {
		if err := w.closeFile(); err != nil {
			return Written{}, err
		}
	}
	if w.f == nil {
		if err := w.createFile(); err != nil {
			return Written{}, err
		}
	}
	pos, err := w.writeRecord(rec)
	if err != nil {
		return Written{}, err
	}
	return Written{Response: pos, Type: "resource", BlockDigest: rec.WarcHeader().Get(gowarc.WarcBlockDigest),
		PayloadDigest: PayloadDigest(content)}, nil
}
