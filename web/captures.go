package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

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
		raw, err := warc.ReadRaw(h.o.WARCDir, pos)
		if err != nil {
			h.internal(w, "capture record", err)
			return
		}
		w.Header().Set("Content-Type", "application/warc")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="capture-%d.warc.gz"`, c.ID))
		_, _ = w.Write(raw)
		return
	}
	rec, body, err := h.payload(r, c)
	if err != nil {
		h.internal(w, "capture", err)
		return
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
	if c.Truncated {
		b.WriteString("# the body was cut at the size cap (WARC-Truncated: length)\n")
	}
	if c.Error != "" {
		fmt.Fprintf(&b, "# could not be read: %s\n", c.Error)
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

// payload reads a capture's response and its body; a revisit's body is
// the one of the capture it revisits.
func (h *Handler) payload(r *http.Request, c *store.Capture) (*warc.Record, []byte, error) {
	rec, err := warc.ReadAt(h.o.WARCDir, warc.Position{File: c.WARCFile, Offset: c.WARCOffset, Length: c.WARCLength, RecordID: c.RecordID})
	if err != nil {
		return nil, nil, err
	}
	body := rec.Body
	for hops, prev := 0, c; prev.RecordType == "revisit" && prev.RevisitOf != 0 && hops < 100; hops++ {
		next, err := h.o.Store.Capture(r.Context(), prev.RevisitOf)
		if err != nil {
			return rec, nil, err
		}
		if next.RecordType != "revisit" {
			orig, err := warc.ReadAt(h.o.WARCDir, warc.Position{File: next.WARCFile, Offset: next.WARCOffset, Length: next.WARCLength})
			if err != nil {
				return rec, nil, err
			}
			body = orig.Body
			if rec.StatusCode == http.StatusNotModified || rec.StatusCode == 0 {
				rec.StatusCode, rec.Header = orig.StatusCode, orig.Header
			}
			break
		}
		prev = next
	}
	return rec, body, nil
}
