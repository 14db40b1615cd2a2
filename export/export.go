// Package export writes research exports (events, posts, …) as CSV or JSONL
// with the stable column names and order of the contract.
package export

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Format is an export file format.
type Format string

// Formats.
const (
	CSV   Format = "csv"
	JSONL Format = "jsonl"
)

// ParseFormat accepts "csv" or "jsonl".
func ParseFormat(s string) (Format, error) {
	switch Format(s) {
	case CSV, JSONL:
		return Format(s), nil
	}
	return "", fmt.Errorf("unknown format %q (want csv or jsonl)", s)
}

// Table is one export kind: its columns, and a function that streams its
// rows as values in column order. Rows may reuse the slice it passes to
// emit for the next row: emit must not keep it.
type Table struct {
	Columns []string
	Rows    func(ctx context.Context, emit func([]any) error) error
	// Count, when set, says how many rows Rows will emit, for a progress
	// bar; it costs a query, so only a terminal asks.
	Count func(ctx context.Context) (int, error)
}

// WithProgress returns t reporting each emitted row to progress, with the
// total from t.Count (0 when t cannot count). A nil progress returns t.
func WithProgress(ctx context.Context, t Table, progress func(done, total int)) (Table, error) {
	if progress == nil {
		return t, nil
	}
	total := 0
	if t.Count != nil {
		n, err := t.Count(ctx)
		if err != nil {
			return t, err
		}
		total = n
	}
	rows := t.Rows
	t.Rows = func(ctx context.Context, emit func([]any) error) error {
		done := 0
		err := rows(ctx, func(vals []any) error {
			done++
			progress(done, total)
			return emit(vals)
		})
		if err == nil {
			progress(done, done) // the last redraw, even when the count was off
		}
		return err
	}
	return t, nil
}

// WriteOption changes how Write writes.
type WriteOption func(*writeOptions)

type writeOptions struct{ defuse bool }

// DefuseFormulas makes CSV text cells that a spreadsheet would run as a
// formula (beginning with =, +, -, @, a tab or a carriage return: an
// edited row's diff, a hostile post's =HYPERLINK(…)) begin with an
// apostrophe, which Excel and LibreOffice show as text. Numbers are left
// as they are. For files meant to be opened in a spreadsheet (--bom).
func DefuseFormulas() WriteOption { return func(o *writeOptions) { o.defuse = true } }

// Write streams t in format f to w. Values are nil (null), string, bool,
// int, int64, float64, time.Time, *string, *time.Time, []string or
// json.Marshaler-able objects.
func Write(ctx context.Context, w io.Writer, f Format, t Table, opts ...WriteOption) (int, error) {
	var o writeOptions
	for _, opt := range opts {
		opt(&o)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	n := 0
	var err error
	switch f {
	case CSV:
		cw := csv.NewWriter(bw)
		if err := cw.Write(t.Columns); err != nil {
			return 0, err
		}
		cells := make([]string, len(t.Columns))
		err = t.Rows(ctx, func(vals []any) error {
			for i, v := range vals {
				cells[i] = csvCell(v)
				if o.defuse && isText(v) {
					cells[i] = defuse(cells[i])
				}
			}
			n++
			return cw.Write(cells)
		})
		cw.Flush()
		if err == nil {
			err = cw.Error()
		}
	case JSONL:
		keys := jsonKeys(t.Columns)
		err = t.Rows(ctx, func(vals []any) error {
			n++
			return writeObject(bw, t.Columns, keys, vals)
		})
	default:
		return 0, fmt.Errorf("export: unknown format %q", f)
	}
	if err != nil {
		return n, err
	}
	return n, bw.Flush()
}

// writeObject writes one JSON object with keys in column order, so the
// JSONL and CSV files read the same left to right.
// jsonKeys are columns as JSON object keys with their colons.
func jsonKeys(cols []string) [][]byte {
	keys := make([][]byte, len(cols))
	for i, c := range cols {
		k, _ := json.Marshal(c)
		keys[i] = append(k, ':')
	}
	return keys
}

// keys are jsonKeys(cols), worked out once per table.
func writeObject(w *bufio.Writer, cols []string, keys [][]byte, vals []any) error {
	w.WriteByte('{')
	for i, c := range cols {
		if i > 0 {
			w.WriteByte(',')
		}
		w.Write(keys[i])
		switch v := vals[i].(type) {
		case nil:
			w.WriteString("null")
		case bool:
			w.WriteString(strconv.FormatBool(v))
		case int64:
			w.WriteString(strconv.FormatInt(v, 10))
		case string:
			writeJSONString(w, v)
		case *string:
			writeJSONString(w, *v)
		case time.Time:
			writeJSONTime(w, v)
		case *time.Time:
			writeJSONTime(w, *v)
		case []string:
			w.WriteByte('[')
			for j, e := range v {
				if j > 0 {
					w.WriteByte(',')
				}
				writeJSONString(w, e)
			}
			w.WriteByte(']')
		default:
			b, err := json.Marshal(jsonValue(v))
			if err != nil {
				return fmt.Errorf("export: column %s: %w", c, err)
			}
			w.Write(b)
		}
	}
	w.WriteByte('}')
	_, err := w.WriteString("\n")
	return err
}

// writeJSONTime writes t as FormatTime, quoted, or null for the zero
// time. Most rows carry several times: formatted in place, they skip
// json.Marshal's reflection and two allocations each.
func writeJSONTime(w *bufio.Writer, t time.Time) {
	if t.IsZero() {
		w.WriteString("null")
		return
	}
	w.WriteByte('"')
	w.Write(t.UTC().AppendFormat(w.AvailableBuffer(), time.RFC3339))
	w.WriteByte('"')
}

// writeJSONString writes s as encoding/json would (HTML characters, U+2028
// and U+2029 escaped, invalid UTF-8 as U+FFFD; a test holds it to that):
// most of a JSONL export is strings, and writing rows through json.Marshal
// took about a sixth of a JSONL export's CPU, half of it saved here.
// jsonSafe says which ASCII bytes a JSON string holds as they are.
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for b := 0x20; b < utf8.RuneSelf; b++ {
		t[b] = b != '"' && b != '\\' && b != '<' && b != '>' && b != '&'
	}
	return t
}()

func writeJSONString(w *bufio.Writer, s string) {
	const hex = "0123456789abcdef"
	w.WriteByte('"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if jsonSafe[b] {
				i++
				continue
			}
			w.WriteString(s[start:i])
			switch b {
			case '"', '\\':
				w.WriteByte('\\')
				w.WriteByte(b)
			case '\b':
				w.WriteString(`\b`)
			case '\f':
				w.WriteString(`\f`)
			case '\n':
				w.WriteString(`\n`)
			case '\r':
				w.WriteString(`\r`)
			case '\t':
				w.WriteString(`\t`)
			default:
				w.WriteString(`\u00`)
				w.WriteByte(hex[b>>4])
				w.WriteByte(hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			w.WriteString(s[start:i])
			w.WriteString(`\ufffd`)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			w.WriteString(s[start:i])
			w.WriteString(`\u202`)
			w.WriteByte(hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	w.WriteString(s[start:])
	w.WriteByte('"')
}

func jsonValue(v any) any {
	switch x := v.(type) {
	case *string:
		return *x
	case *time.Time:
		return jsonValue(*x)
	case time.Time:
		if x.IsZero() {
			return nil
		}
		return FormatTime(x)
	case []string:
		if x == nil {
			return []string{}
		}
	}
	return v
}

// FormatTime is how every export writes a time: RFC 3339, UTC, seconds.
func FormatTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// isText reports whether a value is written as text (not a number, time
// or boolean).
func isText(v any) bool {
	switch v.(type) {
	case nil, bool, int, int64, float64, time.Time, *time.Time:
		return false
	}
	return true
}

// defuse prefixes an apostrophe to a cell a spreadsheet would take for a
// formula (see DefuseFormulas).
func defuse(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}

func csvCell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case *string:
		return *x
	case *time.Time:
		return csvCell(*x)
	case bool:
		return strconv.FormatBool(x)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case time.Time:
		if x.IsZero() {
			return ""
		}
		return FormatTime(x)
	case []string:
		return strings.Join(x, ";")
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return fmt.Sprint(x)
		}
		return string(b)
	}
}

// str returns nil for an empty string so that fields that do not apply are
// null rather than "".
func str(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// strp is str for a string that outlives the row's use: the pointer goes
// into the interface without a copy of the string header.
func strp(s *string) any {
	if *s == "" {
		return nil
	}
	return s
}

// tmp is tm for a time that outlives the row's use.
func tmp(t *time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

func tm(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}
