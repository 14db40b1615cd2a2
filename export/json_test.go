package export

import (
	"bufio"
	"bytes"
	"encoding/json"
	"testing"
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
