package normalize

import (
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/takedownwatch/takedownwatch/internal/testtool"
)

func readLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimRight(string(b), "\n"), "\n")
}

// TestText_Khmer checks that a Khmer news article survives normalization
// word for word: it has no spaces between words, marks breaks with U+200B,
// and carries Khmer digits and «» quotes.
func TestText_Khmer(t *testing.T) {
	dir := testtool.Fixtures(t, "khmer")
	lines := readLines(t, filepath.Join(dir, "khmernltk__samples_input.txt"))
	if len(lines) < 10 {
		t.Fatalf("khmer sample: %d lines, want the whole article", len(lines))
	}
	var zwsp int
	for i, line := range lines {
		want := strings.Join(strings.Fields(line), " ")
		zwsp += strings.Count(want, "\u200b")

		if got := Text(line); got != want {
			t.Errorf("line %d as plain text:\n got %q\nwant %q", i+1, got, want)
		}
		// As a feed would carry it: escaped, in a paragraph, with an
		// NBSP and a <b> around the first word.
		words := strings.Fields(line)
		if len(words) == 0 {
			continue
		}
		words[0] = "<b>" + html.EscapeString(words[0]) + "</b>"
		for k := 1; k < len(words); k++ {
			words[k] = html.EscapeString(words[k])
		}
		markup := "<p>" + strings.Join(words, "&nbsp;") + "</p>"
		if got := Text(markup); got != want {
			t.Errorf("line %d as HTML:\n got %q\nwant %q", i+1, got, want)
		}
		if Digest(Text(markup)) != Digest(Text(line)) {
			t.Errorf("line %d: markup changed the digest", i+1)
		}
	}
	if zwsp == 0 {
		t.Error("the sample's U+200B word breaks were lost")
	}

	whole := strings.Join(lines, "\n")
	if got := Text("<div>" + strings.ReplaceAll(html.EscapeString(whole), "\n", "<br>") + "</div>"); !norm.NFC.IsNormalString(got) || strings.Count(got, "\n") != len(lines)-1 {
		t.Errorf("article as HTML: %d lines (want %d), NFC %v", strings.Count(got, "\n")+1, len(lines), norm.NFC.IsNormalString(got))
	}
}

// TestText_KhmerStopwords runs the Khmer stopword list (punctuation such as
// ។ ៕ ៖ ៗ and Khmer digits included) through Text: each is one token that
// must come back unchanged.
func TestText_KhmerStopwords(t *testing.T) {
	dir := testtool.Fixtures(t, "khmer")
	for _, w := range readLines(t, filepath.Join(dir, "sonic__stopwords_khm.txt")) {
		w = strings.TrimSpace(w)
		if w == "" {
			continue
		}
		if got := Text(w); got != w {
			t.Errorf("Text(%q) = %q", w, got)
		}
		if got := Text(norm.NFD.String(w)); got != norm.NFC.String(w) {
			t.Errorf("Text(NFD %q) = %q, want NFC %q", w, got, norm.NFC.String(w))
		}
	}
}
