package export

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"
)

func jsonString(s string) string {
	var b bytes.Buffer
	w := bufio.NewWriter(&b)
	writeJSONString(w, s)
	w.Flush()
	return b.String()
}

// TestWriteJSONString: the hand-written encoder writes exactly what
// encoding/json writes, so JSONL exports did not change when it came in.
func TestWriteJSONString(t *testing.T) {
	for _, s := range []string{
		"", "plain", `quote " and \ backslash`, "<script>alert(1)</script> & co", "\x00\x01\x1f\x7f",
		"\b\f\n\r\t", "line\u2028para\u2029end", "bad \xff\xfe utf-8 \xe2\x82", "ខ្មែរ សួស្តី", "emoji 🇰🇭 \U0010ffff",
		"\ufeffbom", "\ufffd already",
	} {
		want, _ := json.Marshal(s)
		if got := jsonString(s); got != string(want) {
			t.Errorf("%q: got %s, encoding/json %s", s, got, want)
		}
	}
}

func FuzzWriteJSONString(f *testing.F) {
	for _, s := range []string{"", "a\"b", "<&>", "\u2028", "\xff", "ខ្មែរ\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := jsonString(s); got != string(want) {
			t.Fatalf("%q: got %s, encoding/json %s", s, got, want)
		}
	})
}

// TestWriteObject: every kind of value a row holds is written as
// encoding/json writes it (times as FormatTime strings, zero times null),
// whichever of writeObject's paths it takes.
func TestWriteObject(t *testing.T) {
	phnomPenh := time.FixedZone("ICT", 7*3600)
	for _, v := range []any{
		nil, true, false, int64(-42), 7, 3.25, "text <b>&", []string{}, []string{"a", "b\n"},
		time.Time{}, time.Date(2026, 3, 1, 7, 30, 15, 999_999_999, phnomPenh), time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC),
		metric{Name: "followers", From: 10, To: 2.5e6}, new(string), &[]string{"a \u2028"}[0],
		new(time.Time), &[]time.Time{time.Date(2026, 3, 1, 7, 30, 15, 0, phnomPenh)}[0],
	} {
		var b bytes.Buffer
		w := bufio.NewWriterSize(&b, 16) // small: times are formatted into what is left of it
		w.WriteString("0123456789")
		if err := writeObject(w, []string{"c"}, jsonKeys([]string{"c"}), []any{v}); err != nil {
			t.Fatal(err)
		}
		w.Flush()
		want, err := json.Marshal(map[string]any{"c": jsonValue(v)})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimPrefix(b.String(), "0123456789"); got != string(want)+"\n" {
			t.Errorf("%T %v: wrote %q, encoding/json %q", v, v, got, want)
		}
	}
}

// BenchmarkWriteJSONString: a post's text with an edit diff, the longest
// strings an events export writes.
func BenchmarkWriteJSONString(b *testing.B) {
	s := strings.Repeat("The minister's statement on the land dispute was removed; ", 8) +
		"\n- old line\n+ new line \"quoted\" ខ្មែរ សួស្តី"
	w := bufio.NewWriterSize(io.Discard, 64<<10)
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		writeJSONString(w, s)
	}
}
