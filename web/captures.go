package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/takedownwatch/takedownwatch/archive"
	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/archive/warc"
)

// sandboxCSP keeps archived bytes inert in a browser: no script, no
// plugin, no same origin, nothing loaded.
const sandboxCSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"

// capture serves /captures/{id} and /captures/{id}.warc. The archived
// answer is never rendered live: by default it is the whole HTTP message as
// plain text under a sandbox CSP; ?download=1 gives the payload as an
// attachment; .warc gives the WARC record itself.
func (h *Handler) capture(w http.ResponseWriter, r *http.Request, rest string) {
	rest, _, _ = strings.Cut(rest, "?")
	idText, ext, _ := strings.Cut(rest, ".")
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || id <= 0 || (ext != "" && ext != "warc") {
		jsonError(w, http.StatusNotFound, "no such capture")
		return
	}
	c, err := h.o.Store.Capture(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		jsonError(w, http.StatusNotFound, "no such capture")
		return
	}
	if err != nil {
		h.internal(w, "capture", err)
		return
	}
	if !c.HasRecord() {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Content-Security-Policy", sandboxCSP)
		fmt.Fprintf(w, "Capture %d: %s at %s got no HTTP answer.\nError: %s\nVantage: %s\n", c.ID, c.URL, fmtTime(c.At), c.Error, c.Vantage)
		return
	}
	pos := warc.Position{File: c.WARCFile, Offset: c.WARCOffset, Length: c.WARCLength, RecordID: c.RecordID}
	if ext == "warc" {
		rec, err := warc.ReadAt(h.o.WARCDir, pos)
		problem := damage(c, rec, err)
		if problem != "" && r.URL.Query().Get("damaged") != "1" {
			h.damaged(w, c, problem, "; ?damaged=1 downloads the bytes as they are")
			return
		}
		raw, err := warc.ReadRaw(h.o.WARCDir, pos)
		if err != nil {
			h.damaged(w, c, err.Error(), "")
			return
		}
		if problem != "" {
			w.Header().Set("X-Archive-Fixity", "failed")
		}
		w.Header().Set("Content-Type", "application/warc")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="capture-%d.warc.gz"`, c.ID))
		_, _ = w.Write(raw)
		return
	}
	rec, body, err := h.payload(r, c)
	if err != nil {
		h.payloadFailed(w, "capture", err)
		return
	}
	problem := damage(c, rec, nil)
	if problem != "" {
		w.Header().Set("X-Archive-Fixity", "failed")
	}
	w.Header().Set("Content-Security-Policy", sandboxCSP)
	w.Header().Set("X-Archive-Capture", strconv.FormatInt(c.ID, 10))
	w.Header().Set("X-Archive-Record-Type", c.RecordType)
	if r.URL.Query().Get("download") == "1" {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="capture-%d.bin"`, c.ID))
		_, _ = w.Write(body)
		return
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# takedownwatch capture %d: %s\n# fetched %s via %s; WARC %s @%d; %s record; payload %s\n",
		c.ID, c.URL, fmtTime(c.At), c.Vantage, c.WARCFile, c.WARCOffset, c.RecordType, c.PayloadDigest)
	if problem != "" {
		fmt.Fprintf(&b, "# FIXITY CHECK FAILED: %s (takedownwatch verify lists every damaged record)\n", problem)
	}
	if c.Truncated {
		b.WriteString("# the body was cut at the size cap (WARC-Truncated: length)\n")
	}
	if c.Error != "" {
		fmt.Fprintf(&b, "# could not be read: %s\n", c.Error)
	}
	if rec.Type == "resource" {
		// a document archived as itself (a report posted to the API, an
		// imported file): no HTTP exchange, its own content type
		fmt.Fprintf(&b, "\nContent-Type: %s\n\n", rec.ContentType)
		b.Write(body)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write(b.Bytes())
		return
	}
	fmt.Fprintf(&b, "\nHTTP %d %s\n", rec.StatusCode, http.StatusText(rec.StatusCode))
	keys := make([]string, 0, len(rec.Header))
	for k := range rec.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range rec.Header[k] {
			fmt.Fprintf(&b, "%s: %s\n", k, v)
		}
	}
	b.WriteString("\n")
	b.Write(body)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write(b.Bytes())
}

// payloadFailed answers payload's error: damage for a record that cannot
// be read, naming that record; the database's trouble as such.
func (h *Handler) payloadFailed(w http.ResponseWriter, what string, err error) {
	var u *archive.UnreadableError
	if errors.As(err, &u) && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		h.damaged(w, u.Capture, u.Err.Error(), "")
		return
	}
	h.internal(w, what, err)
}

// damage says what is wrong with a capture's record as read (rec, err):
// unreadable, failing its own digests, or not the record metadata names;
// "" when intact.
func damage(c *store.Capture, rec *warc.Record, err error) string {
	switch {
	case err != nil:
		return err.Error()
	case len(rec.Problems) > 0:
		msgs := make([]string, len(rec.Problems))
		for i, p := range rec.Problems {
			msgs[i] = p.Error()
		}
		return strings.Join(msgs, "; ")
	case c.BlockDigest != "" && rec.BlockDigest != c.BlockDigest:
		return fmt.Sprintf("block digest %s, metadata says %s", rec.BlockDigest, c.BlockDigest)
	}
	return ""
}

// damaged answers for a capture whose record cannot be read as archived:
// the archive is damaged, which the archivist must learn as such (and not
// as "internal error"); the log says it too.
func (h *Handler) damaged(w http.ResponseWriter, c *store.Capture, problem, more string) {
	h.log.WithField("capture", c.ID).WithField("file", c.WARCFile).Error("archived record damaged: " + problem)
	jsonError(w, http.StatusInternalServerError, fmt.Sprintf("capture %d: its WARC record (%s@%d) is damaged: %s; `takedownwatch verify` lists every damaged record%s",
		c.ID, c.WARCFile, c.WARCOffset, problem, more))
}

// payload reads a capture's response and its body (archive.Payload): an
// *archive.UnreadableError when a record cannot be read as archived.
func (h *Handler) payload(r *http.Request, c *store.Capture) (*warc.Record, []byte, error) {
	return archive.Payload(r.Context(), h.o.Store, h.o.WARCDir, c)
}
