// Package wacz packages archived WARC records as a WACZ 1.1.1 file (the
// records byte for byte, a CDXJ index, a page list and a datapackage.json
// with digests) that ReplayWeb.page replays and archivists pass on as one file.
package wacz

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path"
	"time"

	"github.com/takedownwatch/takedownwatch/archive/warc"
)

// Version is the WACZ version packages conform to.
const Version = "1.1.1"

// Paths inside a package.
const (
	DataPath    = "archive/data.warc.gz" // every record, gzip member by gzip member, as stored
	IndexPath   = "indexes/index.cdxj"
	PagesPath   = "pages/pages.jsonl"
	PackagePath = "datapackage.json"
	DigestPath  = "datapackage-digest.json"
)

// indexLimit is how many bytes of index lines are sorted in memory before
// they are spilled to a temporary file.
const indexLimit = 16 << 20

// Options describe a package.
type Options struct {
	WARCDir string // where the archive's WARC files are
	// TempDir holds the index and the page list while the records are
	// written (default: the system's); they are removed by Close and Abort.
	TempDir     string
	Title       string // one line
	Description string // Markdown (plain text is Markdown)
	Software    string
	Created     time.Time // default: now
	// Extra are further datapackage.json properties, written after the
	// specified ones, in order; their names must not be the specified ones.
	Extra []Property
}

// Property is one named datapackage.json property.
type Property struct {
	Name  string
	Value any
}

// Span locates one record (its gzip member) in a WARC file.
type Span struct{ Offset, Length int64 }

// Capture names the records of one capture: the response, revisit or
// resource record, and the request that went with it (zero Length: none).
type Capture struct {
	File     string // WARC file name in Options.WARCDir
	Record   Span
	Request  Span
	RecordID string // when set, Record must carry this WARC-Record-ID
}

// Page is one entry of pages/pages.jsonl: a URL at a time that a person
// opens first, with what it shows.
type Page struct {
	ID     string
	URL    string
	TS     time.Time
	Title  string
	Text   string
	PostID string // takedownwatch's own property: the post it is evidence of
	Status int    // takedownwatch's own property: the HTTP status archived
}

// Resource is one file of a package as datapackage.json lists it.
type Resource struct {
	Name  string `json:"name"`
	Path  string `json:"path"`
	Hash  string `json:"hash"` // "sha256:" + hex of the file's bytes
	Bytes int64  `json:"bytes"`
}

// Summary tells what a package holds.
type Summary struct {
	Captures  int
	Records   int // every WARC record, warcinfo and requests included
	Indexed   int // CDXJ lines
	Pages     int
	Resources []Resource
}

// Writer writes one package, streaming: records go straight into the ZIP,
// the index is sorted in bounded memory and the page list waits in a
// temporary file, so memory stays flat however many captures are added.
// Add and AddPage may be called in any order; Close finishes the package.
type Writer struct {
	o     Options
	zw    *zip.Writer
	data  *entry
	index *sorter
	pages *os.File
	pbuf  *bufio.Writer

	file     string // the WARC file open for reading
	f        *os.File
	buf      []byte
	warcinfo map[string]bool // files whose warcinfo record was copied

	sum  Summary
	done bool
}

// NewWriter starts a package on w.
func NewWriter(w io.Writer, o Options) (*Writer, error) {
	if o.WARCDir == "" {
		return nil, errors.New("wacz: no WARC directory")
	}
	if o.Created.IsZero() {
		o.Created = time.Now()
	}
	o.Created = o.Created.UTC().Truncate(time.Second)
	pages, err := os.CreateTemp(o.TempDir, ".wacz-pages-*")
	if err != nil {
		return nil, fmt.Errorf("wacz: %w", err)
	}
	wr := &Writer{
		o:        o,
		zw:       zip.NewWriter(w),
		index:    &sorter{dir: o.TempDir, limit: indexLimit},
		pages:    pages,
		pbuf:     bufio.NewWriter(pages),
		warcinfo: map[string]bool{},
	}
	// Records are gzip members already: stored, so that a reader can seek
	// to any of them by the index's offsets.
	if wr.data, err = wr.create(DataPath, zip.Store); err != nil {
		wr.Abort()
		return nil, err
	}
	return wr, nil
}

// Add copies the records of one capture into the package and indexes it.
// Each record is read back first and its digests checked: a damaged record
// is an error, never passed on. The first capture from a WARC file brings
// that file's warcinfo record (which its records name) along.
func (w *Writer) Add(c Capture) error {
	if w.done {
		return errors.New("wacz: Add after Close")
	}
	if !w.warcinfo[c.File] {
		w.warcinfo[c.File] = true
		info, err := warc.ReadAt(w.o.WARCDir, warc.Position{File: c.File})
		if err != nil {
			return err
		}
		if info.Type == "warcinfo" {
			if len(info.Problems) > 0 {
				return fmt.Errorf("wacz: %s@0: the warcinfo record is damaged (%v); `takedownwatch verify` tells more", c.File, errors.Join(info.Problems...))
			}
			if err := w.copyRecord(c.File, Span{0, info.Length}); err != nil {
				return err
			}
		}
	}
	rec, err := w.check(c.File, c.Record, c.RecordID)
	if err != nil {
		return err
	}
	offset := w.data.n
	if err := w.copyRecord(c.File, c.Record); err != nil {
		return err
	}
	if indexable(rec) {
		line, err := cdxjLine(rec, path.Base(DataPath), offset)
		if err != nil {
			return err
		}
		if err := w.index.add(line); err != nil {
			return err
		}
		w.sum.Indexed++
	}
	if c.Request.Length > 0 {
		req, err := w.check(c.File, c.Request, "")
		if err != nil {
			return err
		}
		if req.Type != "request" {
			return fmt.Errorf("wacz: %s@%d: a %s record where its request should be", c.File, c.Request.Offset, req.Type)
		}
		if err := w.copyRecord(c.File, c.Request); err != nil {
			return err
		}
	}
	w.sum.Captures++
	return nil
}

// check reads the record at s and says what is wrong with it.
func (w *Writer) check(file string, s Span, id string) (*warc.Record, error) {
	if err := w.open(file); err != nil {
		return nil, err
	}
	rec, err := warc.ReadSpan(w.f, warc.Position{File: file, Offset: s.Offset, Length: s.Length, RecordID: id})
	if err != nil {
		return nil, err
	}
	// (a record whose HTTP block does not parse is whole: it goes in as
	// it is, byte for byte, as every record does)
	if d := rec.Damage(); len(d) > 0 {
		return nil, fmt.Errorf("wacz: %s@%d: the record is damaged (%v); `takedownwatch verify` tells more", file, s.Offset, errors.Join(d...))
	}
	return rec, nil
}

// open makes file the WARC file open for reading.
func (w *Writer) open(file string) error {
	if w.file == file && w.f != nil {
		return nil
	}
	if w.f != nil {
		w.f.Close()
		w.f, w.file = nil, ""
	}
	p, err := warc.Path(w.o.WARCDir, file)
	if err != nil {
		return err
	}
	if w.f, err = os.Open(p); err != nil {
		return fmt.Errorf("wacz: %w", err)
	}
	w.file = file
	return nil
}

// copyRecord appends the bytes of a record, exactly as stored.
func (w *Writer) copyRecord(file string, s Span) error {
	if err := w.open(file); err != nil {
		return err
	}
	if w.buf == nil {
		w.buf = make([]byte, 64<<10)
	}
	n, err := io.CopyBuffer(w.data, io.NewSectionReader(w.f, s.Offset, s.Length), w.buf)
	if err != nil {
		return fmt.Errorf("wacz: copy %s@%d: %w", file, s.Offset, err)
	}
	if n != s.Length {
		return fmt.Errorf("wacz: copy %s@%d: %d of %d bytes", file, s.Offset, n, s.Length)
	}
	w.sum.Records++
	return nil
}

// pageLine is how a Page is written.
type pageLine struct {
	ID     string `json:"id"`
	URL    string `json:"url"`
	TS     string `json:"ts"`
	Title  string `json:"title,omitempty"`
	Text   string `json:"text,omitempty"`
	PostID string `json:"post_id,omitempty"`
	Status int    `json:"status,omitempty"`
}

// AddPage adds an entry to the page list.
func (w *Writer) AddPage(p Page) error {
	if w.done {
		return errors.New("wacz: AddPage after Close")
	}
	b, err := marshal(pageLine{ID: p.ID, URL: p.URL, TS: p.TS.UTC().Format(time.RFC3339), Title: p.Title,
		Text: p.Text, PostID: p.PostID, Status: p.Status})
	if err != nil {
		return err
	}
	if _, err := w.pbuf.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("wacz: pages: %w", err)
	}
	w.sum.Pages++
	return nil
}

// Close writes the index, the page list, datapackage.json and
// datapackage-digest.json, and ends the ZIP. The caller closes the
// underlying writer.
func (w *Writer) Close() (Summary, error) {
	if w.done {
		return w.sum, errors.New("wacz: closed twice")
	}
	defer w.Abort()
	w.finish(w.data)

	idx, err := w.create(IndexPath, zip.Deflate)
	if err != nil {
		return w.sum, err
	}
	if _, err := w.index.writeTo(idx); err != nil {
		return w.sum, err
	}
	w.finish(idx)

	pg, err := w.create(PagesPath, zip.Deflate)
	if err != nil {
		return w.sum, err
	}
	head, err := marshal(struct {
		Format string `json:"format"`
		ID     string `json:"id"`
		Title  string `json:"title,omitempty"`
	}{"json-pages-1.0", "pages", w.o.Title})
	if err != nil {
		return w.sum, err
	}
	if _, err := pg.Write(append(head, '\n')); err != nil {
		return w.sum, err
	}
	if err := w.pbuf.Flush(); err != nil {
		return w.sum, fmt.Errorf("wacz: pages: %w", err)
	}
	if _, err := w.pages.Seek(0, io.SeekStart); err != nil {
		return w.sum, fmt.Errorf("wacz: pages: %w", err)
	}
	if _, err := io.Copy(pg, w.pages); err != nil {
		return w.sum, fmt.Errorf("wacz: pages: %w", err)
	}
	w.finish(pg)

	pkg, err := w.datapackage()
	if err != nil {
		return w.sum, err
	}
	sum := sha256.Sum256(pkg)
	digest, err := json.MarshalIndent(struct {
		Path string `json:"path"`
		Hash string `json:"hash"`
	}{PackagePath, "sha256:" + hex.EncodeToString(sum[:])}, "", "  ")
	if err != nil {
		return w.sum, err
	}
	for _, f := range []struct {
		name string
		b    []byte
	}{{PackagePath, pkg}, {DigestPath, append(digest, '\n')}} {
		e, err := w.create(f.name, zip.Deflate)
		if err != nil {
			return w.sum, err
		}
		if _, err := e.Write(f.b); err != nil {
			return w.sum, fmt.Errorf("wacz: %s: %w", f.name, err)
		}
	}
	if err := w.zw.Close(); err != nil {
		return w.sum, fmt.Errorf("wacz: %w", err)
	}
	return w.sum, nil
}

// datapackage renders datapackage.json: the specified properties, then
// the extra ones.
func (w *Writer) datapackage() ([]byte, error) {
	created := w.o.Created.Format(time.RFC3339)
	props := []Property{
		{"profile", "data-package"},
		{"wacz_version", Version},
		{"title", w.o.Title},
		{"description", w.o.Description},
		{"created", created},
		{"modified", created},
		{"software", w.o.Software},
		{"resources", w.sum.Resources},
	}
	specified := map[string]bool{}
	for _, p := range props {
		specified[p.Name] = true
	}
	for _, p := range w.o.Extra {
		if specified[p.Name] {
			return nil, fmt.Errorf("wacz: extra property %q is a specified one", p.Name)
		}
		specified[p.Name] = true
		props = append(props, p)
	}
	var b bytes.Buffer
	b.WriteString("{\n")
	for i, p := range props {
		if s, ok := p.Value.(string); ok && s == "" {
			continue
		}
		k, err := marshal(p.Name)
		if err != nil {
			return nil, err
		}
		v, err := marshal(p.Value)
		if err != nil {
			return nil, fmt.Errorf("wacz: datapackage %s: %w", p.Name, err)
		}
		if i > 0 {
			b.WriteString(",\n")
		}
		b.WriteString("  ")
		b.Write(k)
		b.WriteString(": ")
		if err := json.Indent(&b, v, "  ", "  "); err != nil {
			return nil, fmt.Errorf("wacz: datapackage %s: %w", p.Name, err)
		}
	}
	b.WriteString("\n}\n")
	return b.Bytes(), nil
}

// Abort gives up the package: temporary files are removed and the WARC
// file closed. What was written to the underlying writer is not a package.
func (w *Writer) Abort() {
	w.done = true
	if w.f != nil {
		w.f.Close()
		w.f = nil
	}
	if w.pages != nil {
		w.pages.Close()
		os.Remove(w.pages.Name())
		w.pages = nil
	}
	w.index.cleanup()
}

// entry is one file being written into the ZIP, counted and hashed.
type entry struct {
	name string
	w    io.Writer
	h    hash.Hash
	n    int64
}

func (e *entry) Write(p []byte) (int, error) {
	n, err := e.w.Write(p)
	e.h.Write(p[:n])
	e.n += int64(n)
	return n, err
}

func (w *Writer) create(name string, method uint16) (*entry, error) {
	zw, err := w.zw.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: w.o.Created})
	if err != nil {
		return nil, fmt.Errorf("wacz: %s: %w", name, err)
	}
	return &entry{name: name, w: zw, h: sha256.New()}, nil
}

// finish lists a written entry as a resource.
func (w *Writer) finish(e *entry) {
	w.sum.Resources = append(w.sum.Resources, Resource{
		Name: path.Base(e.name), Path: e.name, Hash: "sha256:" + hex.EncodeToString(e.h.Sum(nil)), Bytes: e.n,
	})
}

// marshal is json.Marshal without HTML escaping: the files are read by
// programs and people, not embedded in pages.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
