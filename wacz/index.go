package wacz

import (
	"bufio"
	"bytes"
	"container/heap"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/takedownwatch/takedownwatch/archive/warc"
)

// cdxjBlock is the JSON part of a CDXJ line, its fields in the order
// webrecorder's indexers write them; numbers are strings, as they write
// them too.
type cdxjBlock struct {
	URL      string `json:"url"`
	Mime     string `json:"mime,omitempty"`
	Status   string `json:"status,omitempty"`
	Digest   string `json:"digest,omitempty"`
	Length   string `json:"length"`
	Offset   string `json:"offset"`
	Filename string `json:"filename"`
}

// indexable reports whether a record gets a CDXJ line: what a browser can
// ask for (responses, revisits, resources), not requests, warcinfo or
// field lists.
func indexable(rec *warc.Record) bool {
	switch rec.Type {
	case "response", "revisit":
		return true
	case "resource", "metadata":
		return mediaType(rec.ContentType) != "application/warc-fields"
	}
	return false
}

// cdxjLine is the index line of rec, written at offset in the package's
// WARC file: SURT, 14-digit timestamp, JSON block (without newline).
func cdxjLine(rec *warc.Record, filename string, offset int64) (string, error) {
	blk := cdxjBlock{
		URL:      rec.TargetURI,
		Digest:   rec.PayloadDigest,
		Length:   strconv.FormatInt(rec.Length, 10),
		Offset:   strconv.FormatInt(offset, 10),
		Filename: filename,
	}
	switch rec.Type {
	case "revisit":
		blk.Mime = "warc/revisit"
		blk.Status = strconv.Itoa(rec.StatusCode)
	case "response":
		blk.Mime = mediaType(rec.Header.Get("Content-Type"))
		blk.Status = strconv.Itoa(rec.StatusCode)
	default: // a resource has no HTTP status: replay serves it as 200
		blk.Mime = mediaType(rec.ContentType)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(blk); err != nil {
		return "", err
	}
	ts := rec.Date.UTC().Format("20060102150405")
	return SURT(rec.TargetURI) + " " + ts + " " + strings.TrimSuffix(b.String(), "\n"), nil
}

// mediaType is a Content-Type without its parameters.
func mediaType(ct string) string {
	mt, _, _ := strings.Cut(ct, ";")
	return strings.TrimSpace(mt)
}

// sorter sorts lines in bounded memory: past limit bytes, the lines held
// are sorted and spilled to a temporary file (a run), and the runs are
// merged when written out.
type sorter struct {
	dir   string
	limit int
	lines []string
	size  int
	runs  []string
}

func (s *sorter) add(line string) error {
	s.lines = append(s.lines, line)
	s.size += len(line) + 16
	if s.size >= s.limit {
		return s.spill()
	}
	return nil
}

func (s *sorter) spill() error {
	slices.Sort(s.lines)
	f, err := os.CreateTemp(s.dir, ".wacz-index-*")
	if err != nil {
		return fmt.Errorf("wacz: index: %w", err)
	}
	s.runs = append(s.runs, f.Name())
	w := bufio.NewWriter(f)
	for _, l := range s.lines {
		w.WriteString(l)
		w.WriteByte('\n')
	}
	err = w.Flush()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("wacz: index: %w", err)
	}
	s.lines, s.size = s.lines[:0], 0
	return nil
}

// writeTo writes every line, sorted by their bytes, each ending in "\n".
func (s *sorter) writeTo(w io.Writer) (int, error) {
	bw := bufio.NewWriter(w)
	n := 0
	if len(s.runs) == 0 {
		slices.Sort(s.lines)
		for _, l := range s.lines {
			bw.WriteString(l)
			bw.WriteByte('\n')
			n++
		}
		return n, bw.Flush()
	}
	if len(s.lines) > 0 {
		if err := s.spill(); err != nil {
			return 0, err
		}
	}
	h := make(runHeap, 0, len(s.runs))
	for _, path := range s.runs {
		f, err := os.Open(path)
		if err != nil {
			return n, fmt.Errorf("wacz: index: %w", err)
		}
		defer f.Close()
		r := &run{r: bufio.NewReader(f)}
		if ok, err := r.next(); err != nil {
			return n, err
		} else if ok {
			h = append(h, r)
		}
	}
	heap.Init(&h)
	for len(h) > 0 {
		r := h[0]
		bw.WriteString(r.line)
		n++
		ok, err := r.next()
		if err != nil {
			return n, err
		}
		if ok {
			heap.Fix(&h, 0)
		} else {
			heap.Pop(&h)
		}
	}
	return n, bw.Flush()
}

// cleanup removes the runs.
func (s *sorter) cleanup() {
	for _, p := range s.runs {
		os.Remove(p)
	}
	s.runs, s.lines = nil, nil
}

// run is one sorted temporary file being merged; line keeps its "\n".
type run struct {
	r    *bufio.Reader
	line string
}

func (r *run) next() (bool, error) {
	line, err := r.r.ReadString('\n')
	if err == io.EOF && line == "" {
		return false, nil
	}
	if err != nil && err != io.EOF {
		return false, fmt.Errorf("wacz: index: %w", err)
	}
	if !strings.HasSuffix(line, "\n") {
		line += "\n"
	}
	r.line = line
	return true, nil
}

type runHeap []*run

func (h runHeap) Len() int           { return len(h) }
func (h runHeap) Less(i, j int) bool { return h[i].line < h[j].line }
func (h runHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *runHeap) Push(x any)        { *h = append(*h, x.(*run)) }
func (h *runHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
