package reports

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// ParseJSON reads report records or Lumen notices from JSON: one record
// object, a list of them, {"reports": [...]}, JSON Lines (one object a
// line), and Lumen's own shapes — {"notices": [...]} as the search API
// answers, a single notice root-keyed by its type ({"dmca": {...}},
// {"court_order": {...}}, …) as /notices/{id}.json answers, a notice object
// with a "type" and "works", or {"notice": {...}} as submitted to Lumen.
// It is what ParseFile uses for JSON, and what serves the body of
// POST /api/reports; unlike ParseFile it gives records no channel.
//
// Records are objects of the record's fields (see Report): channel_id a
// string or a number, target_urls a list (or a ";"-joined string),
// filed_at RFC 3339 (or a bare date). A field of no other name is an error
// but for those `export reports` adds (id, received_at, matched_post_ids),
// which are read past.
func ParseJSON(data []byte) (reports []Report, errs []RowError, err error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var first json.RawMessage
	if err := dec.Decode(&first); err != nil {
		return nil, nil, fmt.Errorf("json: %w", err)
	}
	if dec.More() || trailing(dec) {
		return parseJSONLines(data)
	}
	var p jsonParse
	if err := p.top(first); err != nil {
		return nil, nil, err
	}
	return p.reports, p.errs, nil
}

// trailing reports whether anything but whitespace follows the first value.
func trailing(dec *json.Decoder) bool {
	_, err := dec.Token()
	return !errors.Is(err, io.EOF)
}

// parseJSONLines reads one JSON value a line; a line that does not parse
// is that line's error.
func parseJSONLines(data []byte) ([]Report, []RowError, error) {
	var p jsonParse
	for i, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		if !json.Valid(line) {
			p.errs = append(p.errs, RowError{Line: i + 1, Err: errors.New("not a JSON value (one record a line)")})
			continue
		}
		p.item(line, i+1, false)
	}
	return p.reports, p.errs, nil
}

// jsonParse collects what a JSON document gives.
type jsonParse struct {
	reports []Report
	errs    []RowError
}

func (p *jsonParse) top(raw json.RawMessage) error {
	switch firstByte(raw) {
	case '[':
		return p.list(raw)
	case '{':
	default:
		return fmt.Errorf("json: want an object or a list, got %q: %w", begin(raw), ErrFormat)
	}
	obj, err := object(raw)
	if err != nil {
		return fmt.Errorf("json: %w", err)
	}
	if list, ok := obj["reports"]; ok && len(obj) == 1 {
		return p.list(list)
	}
	if list, ok := obj["notices"]; ok {
		// A search answer: {"notices": [...], "meta": {...}}.
		return p.list(list)
	}
	p.item(raw, 0, true)
	return nil
}

// list reads a JSON list of records or notices.
func (p *jsonParse) list(raw json.RawMessage) error {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return fmt.Errorf("json: want a list: %w", err)
	}
	for i, it := range items {
		p.item(it, i, true)
	}
	return nil
}

// item reads one record or notice.
func (p *jsonParse) item(raw json.RawMessage, line int, index bool) {
	obj, err := object(raw)
	if err != nil {
		p.errs = append(p.errs, RowError{Line: line, Err: err, index: index})
		return
	}
	var r Report
	if isNotice(obj) {
		r, err = parseNotice(raw, obj)
		if err == nil && r.Channel == "" {
			r.Channel = ChannelLumen
		}
	} else {
		r, err = parseRecord(obj)
		r.Raw = slices.Clone(raw)
	}
	if err != nil {
		p.errs = append(p.errs, rowError(line, index, err))
		return
	}
	p.reports, p.errs = finish(r, line, index, p.reports, p.errs)
}

// object decodes raw as a JSON object.
func object(raw json.RawMessage) (map[string]json.RawMessage, error) {
	if firstByte(raw) != '{' {
		return nil, fmt.Errorf("want an object, got %q", begin(raw))
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, err
	}
	return obj, nil
}

func firstByte(raw []byte) byte {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return 0
	}
	return raw[0]
}

// parseRecord reads a report record object.
func parseRecord(obj map[string]json.RawMessage) (Report, error) {
	var r Report
	for _, key := range slices.Sorted(maps.Keys(obj)) { // errors in a stable order
		v := obj[key]
		name := strings.ToLower(key)
		var err error
		switch name {
		case "channel_id":
			r.ChannelID, err = jsonString(v)
		case "reporter":
			r.Reporter, err = jsonString(v)
		case "channel":
			r.Channel, err = jsonString(v)
		case "filed_at":
			var s string
			if s, err = jsonString(v); err == nil {
				r.FiledAt, err = parseTime(s)
			}
		case "kind":
			r.Kind, err = jsonString(v)
		case "legal_basis":
			r.LegalBasis, err = jsonString(v)
		case "jurisdiction":
			var list []string
			list, err = jsonStrings(v)
			r.Jurisdiction = strings.Join(list, ", ")
		case "target_urls":
			r.TargetURLs, err = jsonURLs(v)
		case "source_url":
			r.SourceURL, err = jsonString(v)
		case "notes":
			r.Notes, err = jsonString(v)
		default:
			if slices.Contains(exportColumns, name) {
				continue
			}
			err = fmt.Errorf("unknown field (the fields are %s)", strings.Join(Columns, ", "))
		}
		if err != nil {
			return r, &FieldError{key, err}
		}
	}
	return r, nil
}

// jsonString reads a string, a number (as written) or null ("").
func jsonString(v json.RawMessage) (string, error) {
	switch firstByte(v) {
	case 'n':
		return "", nil
	case '"':
		var s string
		err := json.Unmarshal(v, &s)
		return s, err
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		var n json.Number
		err := json.Unmarshal(v, &n)
		return n.String(), err
	}
	return "", fmt.Errorf("want a string, got %q", begin(v))
}

// jsonStrings reads a list of strings (nulls skipped), or one string.
func jsonStrings(v json.RawMessage) ([]string, error) {
	if firstByte(v) != '[' {
		s, err := jsonString(v)
		if err != nil || strings.TrimSpace(s) == "" {
			return nil, err
		}
		return []string{s}, nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(v, &items); err != nil {
		return nil, err
	}
	var out []string
	for i, it := range items {
		s, err := jsonString(it)
		if err != nil {
			return nil, fmt.Errorf("[%d]: %w", i, err)
		}
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out, nil
}

// jsonURLs reads target_urls: a list, or a ";"-joined string.
func jsonURLs(v json.RawMessage) ([]string, error) {
	if firstByte(v) == '"' {
		s, err := jsonString(v)
		return splitURLs(s), err
	}
	return jsonStrings(v)
}

func sortedKeys(m map[string]json.RawMessage) []string { return slices.Sorted(maps.Keys(m)) }
