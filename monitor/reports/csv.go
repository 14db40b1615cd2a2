package reports

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/takedownwatch/takedownwatch/internal/clip"
)

// Columns are the record's CSV columns, in the order exports write them.
var Columns = []string{
	"channel_id", "reporter", "channel", "filed_at", "kind", "legal_basis",
	"jurisdiction", "target_urls", "source_url", "notes",
}

// exportColumns are what `export reports` adds to the record: read past,
// so an export imports again as it is.
var exportColumns = []string{"id", "received_at", "matched_post_ids"}

// requiredColumns must be in every header: without them no row validates.
var requiredColumns = []string{"reporter", "filed_at", "target_urls"}

// ErrHeader is a CSV header that is not the record's.
var ErrHeader = errors.New("bad header")

// parseCSV reads a CSV import. The header names columns of Columns,
// matched case-insensitively, in any order, each once; reporter, filed_at
// and target_urls must be among them, and a column of no other name may be
// there (but those `export reports` adds, which are read past). target_urls
// holds the URLs ";"-joined. Blank rows are skipped.
func parseCSV(data []byte, tabs bool) ([]Report, []RowError, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1 // a short or long row is that row's error, not the file's
	if tabs {
		r.Comma = '\t'
	}
	header, err := r.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("csv header: %w", err)
	}
	cols := make([]string, len(header)) // column i's field, "" to read past
	seen := make(map[string]bool)
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		switch {
		case seen[name]:
			return nil, nil, fmt.Errorf("csv header: column %q twice: %w", h, ErrHeader)
		case slices.Contains(Columns, name):
			cols[i] = name
		case slices.Contains(exportColumns, name):
		default:
			return nil, nil, fmt.Errorf("csv header: unknown column %q (the columns are %s): %w", clip.Text(h, 121), strings.Join(Columns, ","), ErrHeader)
		}
		seen[name] = true
	}
	for _, c := range requiredColumns {
		if !seen[c] {
			return nil, nil, fmt.Errorf("csv header: no %s column (the columns are %s): %w", c, strings.Join(Columns, ","), ErrHeader)
		}
	}

	var reports []Report
	var errs []RowError
	lastErrLine := 0
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return nil, nil, fmt.Errorf("csv: %w", err)
			}
			if pe.StartLine == lastErrLine {
				break // the reader is stuck on one spot: nothing more to read
			}
			lastErrLine = pe.StartLine
			errs = append(errs, RowError{Line: pe.StartLine, Err: pe.Err})
			continue
		}
		line, _ := r.FieldPos(0)
		if blank(rec) {
			continue
		}
		if len(rec) != len(header) {
			errs = append(errs, RowError{Line: line, Err: fmt.Errorf("%d cells, the header has %d", len(rec), len(header))})
			continue
		}
		rep, err := csvRow(header, cols, rec)
		if err != nil {
			errs = append(errs, rowError(line, false, err))
			continue
		}
		reports, errs = finish(rep, line, false, reports, errs)
	}
	return reports, errs, nil
}

// csvRow reads one row into a report.
func csvRow(header, cols, rec []string) (Report, error) {
	var r Report
	for i, cell := range rec {
		switch cols[i] {
		case "channel_id":
			r.ChannelID = cell
		case "reporter":
			r.Reporter = cell
		case "channel":
			r.Channel = cell
		case "filed_at":
			t, err := parseTime(cell)
			if err != nil {
				return r, &FieldError{"filed_at", err}
			}
			r.FiledAt = t
		case "kind":
			r.Kind = cell
		case "legal_basis":
			r.LegalBasis = cell
		case "jurisdiction":
			r.Jurisdiction = cell
		case "target_urls":
			r.TargetURLs = splitURLs(cell)
		case "source_url":
			r.SourceURL = cell
		case "notes":
			r.Notes = cell
		}
	}
	r.Raw = rowObject(header, rec)
	return r, nil
}

// rowObject is a row as a JSON object of its columns, in header order.
func rowObject(header, rec []string) json.RawMessage {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, h := range header {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(h)
		v, _ := json.Marshal(rec[i])
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// splitURLs splits a ";"-joined list of URLs. A ";" inside a URL (a
// ";jsessionid=…" path parameter) is not a separator: a piece that does not
// start a URL of its own goes back to the URL before it.
func splitURLs(cell string) []string {
	var out []string
	for piece := range strings.SplitSeq(cell, ";") {
		p := strings.TrimSpace(piece)
		if len(out) > 0 && p != "" && !startsURL(p) {
			out[len(out)-1] += ";" + piece
			continue
		}
		if p != "" {
			out = append(out, p)
		}
	}
	for i := range out {
		out[i] = strings.TrimSpace(out[i])
	}
	return out
}

// startsURL reports whether s begins a URL: a scheme, or a host such as
// "t.me" before the first "/".
func startsURL(s string) bool {
	if strings.Contains(s, "://") {
		return true
	}
	host, _, _ := strings.Cut(s, "/")
	return strings.Contains(host, ".") && !strings.ContainsAny(host, "= ")
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
