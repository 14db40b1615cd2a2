package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// tabMsg is the one message for every tab the parser trips on, whatever
// it calls it: "found character that cannot start any token" does not
// even say the character is a tab.
const tabMsg = "syntax error: a tab in indentation: YAML indents with spaces"

// maxTabProbes bounds the re-parses spent telling the offending tab from
// tabs that are content (in block scalars) before it.
const maxTabProbes = 8

// tabError locates the tab behind a parse error: the line and column of
// the first tab in that line's indentation (counting the "- " of list
// items as indentation). line is the parser's line, 0 when it gave none.
// ok is false when the error is not about a tab in indentation.
//
// The parser's line cannot be taken as it is: for a tab that breaks a
// plain or block scalar's indentation it names the line the scalar
// starts on, often the line before the tab or earlier.
func tabError(data []byte, line int, msg string) (tabLine, col int, ok bool) {
	lines := bytes.Split(data, []byte("\n"))
	from := max(line, 1)
	if from > len(lines) {
		return 0, 0, false
	}
	switch {
	case msg == "found character that cannot start any token":
		// Here the parser's line is the character's own: the error is a
		// tab only if that line's indentation holds one.
		if c := indentTab(lines[from-1]); c > 0 {
			return from, c, true
		}
		return 0, 0, false
	case strings.Contains(msg, "tab character"):
		first, firstCol, probes := 0, 0, 0
		end := 0 // of line i, in data
		for _, l := range lines[:from-1] {
			end += len(l) + 1
		}
		for i := from - 1; i < len(lines); i++ {
			end += len(lines[i]) + 1
			c := indentTab(lines[i])
			if c == 0 {
				continue
			}
			if first == 0 {
				first, firstCol = i+1, c
			}
			if probes++; probes > maxTabProbes {
				break
			}
			// The offending tab is the first whose line, with all before
			// it, is enough to fail; tabs a block scalar holds are not.
			if tabFailure(parseErr(data[:min(end, len(data))])) {
				return i + 1, c, true
			}
		}
		return first, firstCol, first > 0
	}
	return 0, 0, false
}

// indentTab is the 1-based column of the first tab in line's indentation,
// or 0 if it has none.
func indentTab(line []byte) int {
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case ' ':
		case '\t':
			return i + 1
		case '-':
			// A list item's dash is part of its content's indentation;
			// "-1" or "---" are not list items.
			if i+1 < len(line) && line[i+1] != ' ' && line[i+1] != '\t' && line[i+1] != '\r' {
				return 0
			}
		default:
			return 0
		}
	}
	return 0
}

func tabFailure(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "tab character") || strings.Contains(s, "cannot start any token")
}

// parseErr is the first error parsing every document in data meets.
func parseErr(data []byte) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		if err := dec.Decode(&n); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

// openKey is the key path of the innermost block mapping or list still open
// after the first line-1 lines of data, or of the innermost list when a
// list item's dash comes before the tab at col: where the line was most
// likely meant to go, since the indentation a tab stands for is
// unknowable. It is "" (no KEY in the error) when that is the document
// itself or when the lines before do not parse.
func openKey(data []byte, line, col int) string {
	lines := bytes.SplitAfter(data, []byte("\n"))
	if line < 1 || line > len(lines) {
		return ""
	}
	item := bytes.IndexByte(lines[line-1][:col-1], '-') >= 0
	dec := yaml.NewDecoder(bytes.NewReader(bytes.Join(lines[:line-1], nil)))
	var last *yaml.Node
	for {
		var n yaml.Node
		if err := dec.Decode(&n); err != nil {
			if !errors.Is(err, io.EOF) {
				return ""
			}
			break
		}
		last = &n
	}
	if last == nil || len(last.Content) == 0 {
		return ""
	}
	n, key := last.Content[0], ""
	list, inList := "", false
	open := func() string {
		if item && inList {
			return list
		}
		return key
	}
	for {
		if n.Kind == yaml.SequenceNode && n.Style&yaml.FlowStyle == 0 {
			list, inList = key, true
		}
		if n.Style&yaml.FlowStyle != 0 || len(n.Content) == 0 {
			return open()
		}
		var sub string
		var child *yaml.Node
		switch n.Kind {
		case yaml.MappingNode:
			k := n.Content[len(n.Content)-2]
			if k.Kind != yaml.ScalarNode || isMerge(k) {
				return open()
			}
			sub, child = joinKey(key, k.Value), n.Content[len(n.Content)-1]
		case yaml.SequenceNode:
			sub, child = fmt.Sprintf("%s[%d]", key, len(n.Content)-1), n.Content[len(n.Content)-1]
		default:
			return open()
		}
		switch {
		case child.Kind == yaml.ScalarNode && child.Value == "" && child.ShortTag() == "!!null":
			// "key:" with nothing after it yet: the tab line is its value.
			return sub
		case (child.Kind == yaml.MappingNode || child.Kind == yaml.SequenceNode) && child.Style&yaml.FlowStyle == 0:
			n, key = child, sub
		default:
			// A scalar, or a flow collection its bracket has closed:
			// what follows belongs to the collection holding it.
			return open()
		}
	}
}

// readerError reports whether msg is one of the errors the parser's reader
// gives for bytes that are no YAML text, which come without a line.
func readerError(msg string) bool {
	return strings.Contains(msg, "UTF-8") || strings.Contains(msg, "UTF-16") ||
		strings.Contains(msg, "control characters") || strings.Contains(msg, "Unicode")
}

// badChar finds the first character YAML does not allow in a stream:
// bytes that are not UTF-8, and control characters other than tab, line
// feed and carriage return. Columns count characters, as the parser's do.
func badChar(data []byte) (line, col int, ok bool) {
	line, col = 1, 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			return line, col, true
		case r == '\n':
			line, col = line+1, 1
			i += size
			continue
		case r == '\t' || r == '\r' || r == 0x85 || r == 0xFEFF:
		case r < 0x20 || r == 0x7F || (r >= 0x80 && r < 0xA0) || r == 0xFFFE || r == 0xFFFF:
			return line, col, true
		}
		col++
		i += size
	}
	return 0, 0, false
}
