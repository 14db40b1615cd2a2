// Package reports reads takedown reports filed through government and legal channels: the report record, its imports (CSV, JSON, Lumen notices) and the channels that fetch reports (an agency's feed or web page, the Lumen API).
package reports

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/takedownwatch/takedownwatch/internal/clip"
	"github.com/takedownwatch/takedownwatch/monitor/canon"
)

// Kinds of report.
const (
	KindGovernmentRequest = "government_request"
	KindCourtOrder        = "court_order"
	KindLawEnforcement    = "law_enforcement"
	KindLocalLaw          = "local_law"
	KindPlatformNotice    = "platform_notice"
	KindOther             = "other"
)

// Kinds lists every kind a report may have.
var Kinds = []string{KindGovernmentRequest, KindCourtOrder, KindLawEnforcement, KindLocalLaw, KindPlatformNotice, KindOther}

// Channels a report may come through besides configured report channels.
const (
	ChannelImport = "import" // reports import FILE
	ChannelLumen  = "lumen"  // a Lumen notice, imported or fetched
)

// Report is a takedown report or request made through a government or
// legal channel. The JSON names are the record's (imports, exports, the
// body of POST /api/reports).
type Report struct {
	ChannelID string    `json:"channel_id"` // the report's id in its channel
	Reporter  string    `json:"reporter"`
	Channel   string    `json:"channel"`
	FiledAt   time.Time `json:"filed_at"`
	// Kind is one of Kinds.
	Kind         string   `json:"kind"`
	LegalBasis   string   `json:"legal_basis"`
	Jurisdiction string   `json:"jurisdiction"`
	TargetURLs   []string `json:"target_urls"`
	SourceURL    string   `json:"source_url"`
	Notes        string   `json:"notes"`
	// Raw is the record as it came: a Lumen notice's JSON, a CSV row as an
	// object of its columns, a feed item as gofeed reads it.
	Raw json.RawMessage `json:"-"`
}

// FieldError is a report field that is missing or wrong.
type FieldError struct {
	Field string
	Err   error
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }
func (e *FieldError) Unwrap() error { return e.Err }

// What a report can lack; FieldError wraps them.
var (
	ErrRequired = errors.New("required")
	ErrNotURL   = errors.New("not an absolute http(s) URL")
	ErrKind     = fmt.Errorf("not one of %s", strings.Join(Kinds, ", "))
)

// Normalize tidies r as every importer and channel does before Validate:
// fields trimmed, kind lowercased ("" becomes other), the filing time in
// UTC, blank target URLs dropped and the forms of one URL kept once (the
// first, as written: canonical forms are for matching only).
func (r *Report) Normalize() {
	for _, s := range []*string{&r.ChannelID, &r.Reporter, &r.Channel, &r.LegalBasis, &r.Jurisdiction, &r.SourceURL, &r.Notes} {
		*s = strings.TrimSpace(*s)
	}
	r.Kind = strings.ToLower(strings.TrimSpace(r.Kind))
	if r.Kind == "" {
		r.Kind = KindOther
	}
	r.FiledAt = r.FiledAt.UTC()
	seen := make(map[string]bool, len(r.TargetURLs))
	targets := r.TargetURLs[:0:0]
	for _, t := range r.TargetURLs {
		t = strings.TrimSpace(t)
		if t == "" || seen[canon.URL(t)] {
			continue
		}
		seen[canon.URL(t)] = true
		targets = append(targets, t)
	}
	r.TargetURLs = targets
}

// Validate reports the first thing wrong with r as a *FieldError: a
// reporter, a filing time and at least one target URL are required, each
// target (and the source URL, if any) an absolute http(s) URL, and the
// kind one of Kinds.
func (r *Report) Validate() error {
	switch {
	case strings.TrimSpace(r.Reporter) == "":
		return &FieldError{"reporter", ErrRequired}
	case r.FiledAt.IsZero():
		return &FieldError{"filed_at", ErrRequired}
	case !slices.Contains(Kinds, r.Kind):
		return &FieldError{"kind", fmt.Errorf("%q: %w", r.Kind, ErrKind)}
	case len(r.TargetURLs) == 0:
		return &FieldError{"target_urls", ErrRequired}
	}
	for i, t := range r.TargetURLs {
		if !webURL(t) {
			return &FieldError{fmt.Sprintf("target_urls[%d]", i), fmt.Errorf("%q: %w", clip.Text(t, 121), ErrNotURL)}
		}
	}
	if r.SourceURL != "" && !webURL(r.SourceURL) {
		return &FieldError{"source_url", fmt.Errorf("%q: %w", clip.Text(r.SourceURL, 121), ErrNotURL)}
	}
	return nil
}

// Fingerprint is the key one report has whatever channel it came through:
// the same reporter (case and spacing aside), filing time (to the second)
// and set of targets (canonical URLs) give the same fingerprint, a hex
// SHA-256.
func (r *Report) Fingerprint() string {
	targets := make([]string, 0, len(r.TargetURLs))
	for _, t := range r.TargetURLs {
		if c := canon.URL(t); c != "" {
			targets = append(targets, c)
		}
	}
	slices.Sort(targets)
	targets = slices.Compact(targets)
	h := sha256.New()
	reporter := strings.Join(strings.Fields(strings.ToLower(r.Reporter)), " ")
	fmt.Fprintf(h, "report/1\x00%s\x00%s", reporter, r.FiledAt.UTC().Truncate(time.Second).Format(time.RFC3339))
	for _, t := range targets {
		fmt.Fprintf(h, "\x00%s", t)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// webURL reports whether s is an absolute http(s) URL with a host.
func webURL(s string) bool {
	u, err := url.Parse(strings.TrimSpace(s))
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
