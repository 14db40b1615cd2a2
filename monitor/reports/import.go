package reports

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/takedownwatch/takedownwatch/internal/clip"
	"github.com/takedownwatch/takedownwatch/monitor/normalize"
)

// RowError is one record of an import that was left out, and why.
type RowError struct {
	// Line is the CSV line the record starts on (1-based, the header is
	// line 1), the line of a JSON Lines record, or the 0-based index of
	// the record in a JSON list (of reports or Lumen notices).
	Line  int
	Field string // "" when the record as a whole is wrong
	Err   error

	index bool // Line is an index in a JSON list
}

func (e *RowError) Error() string {
	where := fmt.Sprintf("line %d", e.Line)
	if e.index {
		where = fmt.Sprintf("record %d", e.Line)
	}
	if e.Field == "" {
		return where + ": " + e.Err.Error()
	}
	return where + ": " + e.Field + ": " + e.Err.Error()
}

func (e *RowError) Unwrap() error { return e.Err }

// rowError makes a RowError of err, taking the field from a *FieldError.
func rowError(line int, index bool, err error) RowError {
	re := RowError{Line: line, Err: err, index: index}
	var fe *FieldError
	if errors.As(err, &fe) {
		re.Field, re.Err = fe.Field, fe.Err
	}
	return re
}

// ErrEmpty is a file with nothing in it but whitespace.
var ErrEmpty = errors.New("empty file")

// ErrFormat is a file that is none of the formats ParseFile reads.
var ErrFormat = errors.New("unsupported format")

// ParseFile reads the reports of an import file, telling its format from
// its name and content:
//   - JSON (the content starts with "{" or "["): one report record, a list
//     of them, {"reports": [...]}, JSON Lines (one record a line, as
//     `export reports --format jsonl` writes), or Lumen notices as Lumen
//     serves them (see ParseJSON);
//   - CSV otherwise (.csv, .txt, .tsv tab-separated, or no extension): a
//     header row naming the record's columns (Columns, matched
//     case-insensitively; the documented order is what exports write, any
//     order reads; reporter, filed_at and target_urls required; a column of
//     another name is an error, but for the id, received_at and
//     matched_post_ids an export adds, which are read past), then one
//     report a row, target_urls ";"-joined.
//
// Every report is normalized (see Report.Normalize), given the channel
// "import" when it names none, and validated. A record that cannot be read
// or does not validate is left out with a RowError; err is for a file
// that cannot be read at all (empty, of another format, a CSV header that
// is wrong, JSON that does not parse). Any input gives a result, never a
// panic.
func ParseFile(name string, data []byte) (reports []Report, errs []RowError, err error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimSpace(data)
	ext := strings.ToLower(filepath.Ext(name))
	switch {
	case len(trimmed) == 0:
		return nil, nil, fmt.Errorf("reports: %s: %w", name, ErrEmpty)
	case normalize.CheckText(data) != nil:
		return nil, nil, fmt.Errorf("reports: %s: %w: %w", name, normalize.ErrNotText, ErrFormat)
	case trimmed[0] == '{' || trimmed[0] == '[':
		reports, errs, err = ParseJSON(trimmed)
	case ext == ".json" || ext == ".jsonl" || ext == ".ndjson":
		return nil, nil, fmt.Errorf("reports: %s: not JSON (it begins %q): %w", name, begin(trimmed), ErrFormat)
	case ext == ".csv" || ext == ".tsv" || ext == ".txt" || ext == "":
		reports, errs, err = parseCSV(data, ext == ".tsv")
	default:
		return nil, nil, fmt.Errorf("reports: %s: %w %q (want .csv, .tsv, .json or .jsonl)", name, ErrFormat, ext)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("reports: %s: %w", name, err)
	}
	for i := range reports {
		if reports[i].Channel == "" {
			reports[i].Channel = ChannelImport
		}
	}
	return reports, errs, nil
}

// finish normalizes and validates r, adding it to reports or its error to
// errs.
func finish(r Report, line int, index bool, reports []Report, errs []RowError) ([]Report, []RowError) {
	r.Normalize()
	if err := r.Validate(); err != nil {
		return reports, append(errs, rowError(line, index, err))
	}
	return append(reports, r), errs
}

// begin is the start of a body, for an error message.
func begin(b []byte) string {
	return clip.Text(string(b), 41)
}
