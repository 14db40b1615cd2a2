package warc

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	gowarc "github.com/nlnwa/gowarc/v3"
)

// Path returns where a file named in metadata is on disk: its final name, or
// the open name while a writer is still appending to it.
func Path(dir, file string) (string, error) {
	if file == "" || strings.ContainsAny(file, `/\`) || file == "." || file == ".." {
		return "", fmt.Errorf("warc: bad file name %q", file)
	}
	for i := 0; i < 2; i++ { // the writer may rename between the two stats
		p := filepath.Join(dir, file)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		if _, err := os.Stat(p + OpenSuffix); err == nil {
			return p + OpenSuffix, nil
		}
	}
	return "", fmt.Errorf("warc: %s: %w", file, os.ErrNotExist)
}

// Record is one record read back, with what the library found wrong with it.
type Record struct {
	Type          string
	RecordID      string
	TargetURI     string
	Date          time.Time
	BlockDigest   string // as the record header states it
	PayloadDigest string
	Profile       string
	Truncated     string
	ContentType   string // the record's own Content-Type header
	Offset        int64
	Length        int64 // bytes the record occupies in the file
	// Problems lists digest, length and syntax findings; empty when intact.
	Problems []error

	// StatusCode and Header are the HTTP answer's, of a response or a
	// revisit (which keeps them but not the body); Body is a response's
	// payload, or a resource record's block (a document archived as such).
	StatusCode int
	Header     http.Header
	Body       []byte
}

// Damage is r's problems other than its HTTP block not parsing as HTTP.
// That one is no damage: the digests, computed on the block's bytes, are
// checked apart, so a record with only it is as it was written (a request
// line with a space in its URL, written before fetches encoded URLs). Nil
// when the bytes are whole.
func (r *Record) Damage() []error {
	var out []error
	for _, p := range r.Problems {
		if !httpSyntax(p) {
			out = append(out, p)
		}
	}
	return out
}

// Malformed is r's HTTP block not parsing as HTTP, if it does not: a
// replay tool may fail on the record though its bytes are whole.
func (r *Record) Malformed() []error {
	var out []error
	for _, p := range r.Problems {
		if httpSyntax(p) {
			out = append(out, p)
		}
	}
	return out
}

// httpSyntax reports whether err is gowarc's finding that a record's HTTP
// block does not parse (its words: "error in http request block: …").
func httpSyntax(err error) bool {
	m := err.Error()
	return strings.HasPrefix(m, "error in http request block: ") || strings.HasPrefix(m, "error in http response block: ")
}

// readOptions make the reader recompute and compare every digest.
func readOptions() []gowarc.WarcRecordOption {
	return []gowarc.WarcRecordOption{
		gowarc.WithSpecViolationPolicy(gowarc.ErrWarn),
		gowarc.WithSyntaxErrorPolicy(gowarc.ErrWarn),
		gowarc.WithUnknownRecordTypePolicy(gowarc.ErrWarn),
		gowarc.WithBlockErrorPolicy(gowarc.ErrWarn),
	}
}

// ReadAt reads the record at pos, checking its digests and that it starts
// exactly at pos.Offset and spans pos.Length bytes (when given).
func ReadAt(dir string, pos Position) (*Record, error) {
	path, err := Path(dir, pos.File)
	if err != nil {
		return nil, err
	}
	r, err := newFileReader(path, pos.Offset, readOptions()...)
	if err != nil {
		return nil, fmt.Errorf("warc: open %s: %w", pos.File, err)
	}
	defer r.Close()
	return readRecord(r, pos)
}

// ReadSpan reads, from f (the open file pos.File), the record that spans
// exactly pos.Length bytes at pos.Offset, with the checks of ReadAt. It
// reads no byte outside the span, so reading many records of one file
// costs their bytes only.
func ReadSpan(f io.ReaderAt, pos Position) (*Record, error) {
	if pos.Length <= 0 {
		return nil, fmt.Errorf("warc: read %s@%d: no length", pos.File, pos.Offset)
	}
	// Not a Seeker: the library would seek to the offset within the span.
	span := struct{ io.Reader }{io.NewSectionReader(f, pos.Offset, pos.Length)}
	r, err := newStreamReader(span, pos.Offset, readOptions()...)
	if err != nil {
		return nil, fmt.Errorf("warc: read %s@%d: %w", pos.File, pos.Offset, err)
	}
	defer r.Close()
	return readRecord(r, pos)
}

func readRecord(r *gowarc.WarcFileReader, pos Position) (*Record, error) {
	rec, err := r.Next()
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("warc: read %s@%d: %w", pos.File, pos.Offset, err)
	}
	defer rec.Close()
	out, err := convert(rec, true)
	if err != nil {
		return out, fmt.Errorf("warc: read %s@%d: %w", pos.File, pos.Offset, err)
	}
	if out.Offset != pos.Offset {
		out.Problems = append(out.Problems, fmt.Errorf("record starts at %d, not at %d", out.Offset, pos.Offset))
	}
	if pos.Length > 0 && out.Length != pos.Length {
		out.Problems = append(out.Problems, fmt.Errorf("record spans %d bytes, metadata says %d", out.Length, pos.Length))
	}
	if pos.RecordID != "" && out.RecordID != pos.RecordID {
		out.Problems = append(out.Problems, fmt.Errorf("record id %s, metadata says %s", out.RecordID, pos.RecordID))
	}
	return out, nil
}

// Scan reads every record of a WARC file in order. fn gets each record
// without its body; a structural error ends the scan and is returned with
// the offset where reading failed.
func Scan(path string, fn func(*Record) error) error {
	r, err := newFileReader(path, 0, readOptions()...)
	if err != nil {
		return fmt.Errorf("warc: open %s: %w", filepath.Base(path), err)
	}
	defer r.Close()
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) && rec.WarcRecord == nil {
			return nil
		}
		if err != nil {
			rec.Close()
			return &ScanError{File: filepath.Base(path), Offset: rec.Offset, Err: err}
		}
		out, cerr := convert(rec, false)
		rec.Close()
		if cerr != nil {
			return &ScanError{File: filepath.Base(path), Offset: rec.Offset, Err: cerr}
		}
		if err := fn(out); err != nil {
			return err
		}
	}
}

// ScanError says where a file stopped being readable.
type ScanError struct {
	File   string
	Offset int64
	Err    error
}

func (e *ScanError) Error() string {
	return fmt.Sprintf("warc: %s unreadable at offset %d: %v", e.File, e.Offset, e.Err)
}

func (e *ScanError) Unwrap() error { return e.Err }

func convert(rec gowarc.Record, withBody bool) (*Record, error) {
	wr := rec.WarcRecord
	h := wr.WarcHeader()
	out := &Record{
		Type:          wr.Type().String(),
		RecordID:      h.GetId(gowarc.WarcRecordID),
		TargetURI:     h.Get(gowarc.WarcTargetURI),
		BlockDigest:   h.Get(gowarc.WarcBlockDigest),
		PayloadDigest: h.Get(gowarc.WarcPayloadDigest),
		Profile:       h.Get(gowarc.WarcProfile),
		Truncated:     h.Get(gowarc.WarcTruncated),
		ContentType:   h.Get(gowarc.ContentType),
		Offset:        rec.Offset,
		Length:        rec.Size,
		Problems:      rec.Validation,
	}
	out.Date, _ = h.GetTime(gowarc.WarcDate)
	// With the spec-violation policy at warn the library caches the block
	// and compares both digests while unmarshaling: rec.Validation holds it.
	var body []byte
	if hb, ok := wr.Block().(gowarc.HttpResponseBlock); ok {
		out.StatusCode = hb.HttpStatusCode()
		if hh := hb.HttpHeader(); hh != nil {
			out.Header = hh.Clone()
		}
		pr, err := hb.PayloadBytes()
		if err != nil {
			return out, err
		}
		if withBody {
			body, err = io.ReadAll(pr)
		} else {
			_, err = io.Copy(io.Discard, pr)
		}
		if err != nil {
			return out, err
		}
	} else {
		// A revisit keeps the answer's status line and headers, not its body.
		if pb, ok := wr.Block().(gowarc.ProtocolHeaderBlock); ok && out.Type == "revisit" {
			if resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(pb.ProtocolHeaderBytes())), nil); err == nil {
				out.StatusCode, out.Header = resp.StatusCode, resp.Header
			}
		}
		raw, err := wr.Block().RawBytes()
		if err != nil {
			return out, err
		}
		if withBody && out.Type == "resource" {
			// a document archived as itself: the block is its body
			body, err = io.ReadAll(raw)
		} else {
			_, err = io.Copy(io.Discard, raw)
		}
		if err != nil {
			return out, err
		}
	}
	out.Body = body
	return out, nil
}

// ReadRaw returns the bytes of the record's gzip member, as stored.
func ReadRaw(dir string, pos Position) ([]byte, error) {
	path, err := Path(dir, pos.File)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("warc: open %s: %w", pos.File, err)
	}
	defer f.Close()
	buf := make([]byte, pos.Length)
	if _, err := f.ReadAt(buf, pos.Offset); err != nil {
		return nil, fmt.Errorf("warc: read %s@%d: %w", pos.File, pos.Offset, err)
	}
	return buf, nil
}
