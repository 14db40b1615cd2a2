package web

import (
	"bufio"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/archive/warc"
	"github.com/takedownwatch/takedownwatch/internal/uri"
)

// Memento (RFC 7089) over the archive's captures: a TimeMap lists one
// memento per capture of a URL (revisits included), the TimeGate picks the
// capture nearest to Accept-Datetime, and a memento serves an archived
// answer — inert, under the sandbox CSP, like every capture.

const mementoStamp = "20060102150405"

// originalURL reads the {url} part of a Memento path: the raw original
// URL as clients send it ("https://x/a?b=c", "//" kept), or
// percent-encoded as some tools send it.
func originalURL(rest string) (string, bool) {
	if strings.HasPrefix(rest, "http%3A") || strings.HasPrefix(rest, "https%3A") || strings.HasPrefix(rest, "http%3a") || strings.HasPrefix(rest, "https%3a") {
		if u, err := url.PathUnescape(rest); err == nil {
			rest = u
		}
	}
	u, err := url.Parse(rest)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", false
	}
	return rest, true
}

// archived finds the URL the captures of original are archived under:
// original itself or, when it has none, the first of its look-alikes that
// has some — with or without a trailing slash, and over the other of http
// and https (a URL typed or linked with the wrong one names the same page
// to its reader). It returns "" when there is none, and the span of the
// captures.
func (h *Handler) archived(r *http.Request, original string) (string, store.CaptureSpan, error) {
	slash := func(u string) string {
		if t := strings.TrimSuffix(u, "/"); t != u {
			return t
		}
		return u + "/"
	}
	other := "https://" + strings.TrimPrefix(original, "http://")
	if strings.HasPrefix(original, "https://") {
		other = "http://" + strings.TrimPrefix(original, "https://")
	}
	cands := []string{original, slash(original), other, slash(other)}
	// The links this archive writes percent-encode what an archived URL
	// holds raw (a space, a '>': linkURI); followed back, they name it.
	if raw, err := url.PathUnescape(original); err == nil && raw != original && linkURI(raw) == original {
		cands = append(cands, raw)
	}
	// A URL with credentials in it (user:pass@, ?token=) is archived
	// with them redacted: asked for as its publisher wrote it, it names
	// that capture.
	if red := linkRedactor.URL(original); red != original {
		cands = append(cands, red)
	}
	for _, u := range cands {
		span, err := h.o.Store.CaptureSpanOf(r.Context(), u)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return "", store.CaptureSpan{}, err
		}
		return u, span, nil
	}
	return "", store.CaptureSpan{}, nil
}

// linkRedactor redacts URLs as the archive does (user info and token
// parameters; no secret values).
var linkRedactor = warc.NewRedactor()

// mementoLinks are the Link header of a TimeGate's redirect: the original
// and its TimeMap.
func (h *Handler) mementoLinks(original string) string {
	o := linkURI(original)
	return fmt.Sprintf(`<%s>; rel="original", <%s>; rel="timemap"; type="application/link-format"`,
		o, h.o.Site.PageURL("timemap/link/"+o))
}

func (h *Handler) mementoURL(c *store.Capture) string {
	return h.o.Site.PageURL("memento/" + c.At.UTC().Format(mementoStamp) + "/" + linkURI(c.URL))
}

// linkURI is an archived URL as written into a Link or Location header or
// a TimeMap: percent-encoded where no URI may hold a byte as itself, so a
// URL archived with a ">" in it (older archives kept links raw) cannot
// close its <…> and add relations of a hostile source's choosing
// ("<http://evil.example/>; rel=\"original\"").
func linkURI(s string) string { return uri.Escape(s) }

func httpDate(t time.Time) string { return t.UTC().Format(http.TimeFormat) }

// timemap serves /timemap/link/{url} in application/link-format.
func (h *Handler) timemap(w http.ResponseWriter, r *http.Request, rest string) {
	original, ok := originalURL(rest)
	if !ok {
		jsonError(w, http.StatusBadRequest, "want /timemap/link/ followed by an absolute http(s) URL")
		return
	}
	archived, span, err := h.archived(r, original)
	if err != nil {
		h.internal(w, "timemap", err)
		return
	}
	if archived == "" {
		jsonError(w, http.StatusNotFound, "no capture of that URL in this archive")
		return
	}
	w.Header().Set("Content-Type", "application/link-format")
	// Written as the captures are read: a URL fetched every few minutes
	// has a hundred thousand mementos in a year.
	bw := bufio.NewWriter(w)
	o := linkURI(original)
	fmt.Fprintf(bw, "<%s>; rel=\"original\",\n", o)
	fmt.Fprintf(bw, "<%s>; rel=\"timegate\",\n", h.o.Site.PageURL("timegate/"+o))
	fmt.Fprintf(bw, "<%s>; rel=\"self\"; type=\"application/link-format\"; from=\"%s\"; until=\"%s\"",
		h.o.Site.PageURL("timemap/link/"+o), httpDate(span.First.At), httpDate(span.Last.At))
	err = h.o.Store.EachCaptureByURL(r.Context(), archived, func(c *store.Capture) error {
		var rel []string
		if c.ID == span.First.ID {
			rel = append(rel, "first")
		}
		if c.ID == span.Last.ID {
			rel = append(rel, "last")
		}
		fmt.Fprintf(bw, ",\n<%s>; rel=\"%s\"; datetime=\"%s\"", h.mementoURL(c), strings.Join(append(rel, "memento"), " "), httpDate(c.At))
		return nil
	})
	if err != nil {
		// the status line is sent: the list ends short, and the log says why
		h.o.Log.WithError(err).Error("timemap: reading the captures")
		return
	}
	bw.WriteString("\n")
	_ = bw.Flush()
}

// timegate serves /timegate/{url}: a 302 to the memento nearest to
// Accept-Datetime (the latest without one). The Location is always one of
// our own memento URLs: no open redirect.
func (h *Handler) timegate(w http.ResponseWriter, r *http.Request, rest string) {
	original, ok := originalURL(rest)
	if !ok {
		jsonError(w, http.StatusBadRequest, "want /timegate/ followed by an absolute http(s) URL")
		return
	}
	want := time.Now()
	if ad := r.Header.Get("Accept-Datetime"); ad != "" {
		t, err := http.ParseTime(ad)
		if err != nil {
			w.Header().Set("Vary", "accept-datetime")
			jsonError(w, http.StatusBadRequest, "Accept-Datetime: want an RFC 1123 date, e.g. Thu, 01 Apr 2010 00:00:00 GMT")
			return
		}
		want = t
	}
	archived, _, err := h.archived(r, original)
	if err != nil {
		h.internal(w, "timegate", err)
		return
	}
	if archived == "" {
		jsonError(w, http.StatusNotFound, "no capture of that URL in this archive")
		return
	}
	best, err := h.o.Store.CaptureNear(r.Context(), archived, want)
	if err != nil {
		h.internal(w, "timegate", err)
		return
	}
	w.Header().Set("Vary", "accept-datetime")
	w.Header().Set("Location", h.mementoURL(best))
	w.Header().Set("Link", h.mementoLinks(original))
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusFound)
	fmt.Fprintf(w, "The archive's copy nearest to %s: %s\n", httpDate(want), h.mementoURL(best))
}

// memento serves /memento/{14-digit timestamp}/{url}: the archived answer
// of that moment, with Memento-Datetime and Link headers. A timestamp that
// matches no capture exactly redirects to the nearest one.
func (h *Handler) memento(w http.ResponseWriter, r *http.Request, rest string) {
	stamp, raw, ok := strings.Cut(rest, "/")
	t, err := time.Parse(mementoStamp, stamp)
	if !ok || len(stamp) != len(mementoStamp) || err != nil {
		jsonError(w, http.StatusBadRequest, "want /memento/YYYYMMDDhhmmss/ followed by an absolute http(s) URL")
		return
	}
	original, ok := originalURL(raw)
	if !ok {
		jsonError(w, http.StatusBadRequest, "want /memento/YYYYMMDDhhmmss/ followed by an absolute http(s) URL")
		return
	}
	archived, _, err := h.archived(r, original)
	if err != nil {
		h.internal(w, "memento", err)
		return
	}
	if archived == "" {
		jsonError(w, http.StatusNotFound, "no capture of that URL in this archive")
		return
	}
	c, err := h.o.Store.CaptureWithin(r.Context(), archived, t, t.Add(time.Second))
	if errors.Is(err, store.ErrNotFound) {
		near, err := h.o.Store.CaptureNear(r.Context(), archived, t)
		if err != nil {
			h.internal(w, "memento", err)
			return
		}
		w.Header().Set("Location", h.mementoURL(near))
		w.Header().Set("Link", h.mementoLinks(original))
		w.WriteHeader(http.StatusFound)
		return
	}
	if err != nil {
		h.internal(w, "memento", err)
		return
	}
	rec, body, err := h.payload(r, c)
	if err != nil {
		h.payloadFailed(w, "memento", err)
		return
	}
	hd := w.Header()
	hd.Set("Memento-Datetime", httpDate(c.At))
	o := linkURI(original)
	hd.Set("Link", fmt.Sprintf(`<%s>; rel="original", <%s>; rel="timegate", <%s>; rel="timemap"; type="application/link-format"`,
		o, h.o.Site.PageURL("timegate/"+o), h.o.Site.PageURL("timemap/link/"+o)))
	hd.Set("Content-Security-Policy", sandboxCSP)
	if ct := rec.Header.Get("Content-Type"); ct != "" {
		hd.Set("Content-Type", ct)
	} else {
		hd.Set("Content-Type", "application/octet-stream")
	}
	// Archived redirects and errors are mementos too; their Location is
	// the archive's word, not a redirect of ours.
	if loc := rec.Header.Get("Location"); loc != "" {
		hd.Set("X-Archive-Location", loc)
	}
	// The archived Link header is evidence (a 451's rel="blocked-by",
	// RFC 7725, names who demanded the block) that the memento's own Link
	// header, Memento's relations, would hide.
	for _, l := range rec.Header.Values("Link") {
		hd.Add("X-Archive-Link", l)
	}
	status := rec.StatusCode
	if status < 200 || (status >= 300 && status < 400) || status > 599 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
