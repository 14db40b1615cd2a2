package clip

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestText(t *testing.T) {
	tests := []struct {
		name string
		s    string
		n    int
		want string
	}{
		{"fits", "short text", 10, "short text"},
		{"whitespace folded", "  a\n\tb   c  ", 10, "a b c"},
		{"latin cut", "abcdefghij", 5, "abcd…"},
		{"no space before the ellipsis", "abc defgh", 5, "abc…"},
		{"invalid UTF-8", "a\xffb", 5, "a\uFFFDb"},
		{"zero", "abc", 0, ""},
		{"one", "abc", 1, "…"},
		// ក្រសួង = ក ្ រ ស ួ ង: a rune cut after 2 leaves a dangling coeng.
		{"khmer coeng kept with its consonant", "កក្រស", 4, "ក…"},
		{"khmer after the subscript", "ក្រសួង", 4, "ក្រ…"},
		{"khmer vowel kept with its consonant", "កសួក", 3, "ក…"},
		{"khmer whole clusters", "ក្រសួងការពារ", 7, "ក្រសួង…"},
		{"thai leading vowel keeps its consonant", "ไทยเป็น", 5, "ไทย…"},
		{"thai sara am stays with its consonant", "กน้ำ", 3, "ก…"},
		{"emoji modifier", "ab👍🏽cd", 4, "ab…"},
		{"emoji zwj sequence", "a👩\u200d💻b", 4, "a…"},
		{"devanagari virama", "कक्षा", 4, "क…"},
		{"one cluster longer than n is cut by runes", "ក្រ", 2, "ក…"},
		{"huge text read only at its start", "ab" + strings.Repeat(" ", 1<<20) + "cd", 5, "ab…"},
		{"huge text cut inside a rune", strings.Repeat("ក", 1000), 3, "កក…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Text(tt.s, tt.n)
			if got != tt.want {
				t.Errorf("Text(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
			}
			if c := utf8.RuneCountInString(got); c > tt.n {
				t.Errorf("Text(%q, %d) has %d runes", tt.s, tt.n, c)
			}
		})
	}
}

// FuzzText checks what every caller relies on: at most n runes, valid
// UTF-8, whitespace folded, and a text that fits comes back as it is.
func FuzzText(f *testing.F) {
	for _, s := range []string{"", "abc def", "ក្រសួងការពារ", "ไทยเป็น", "a👩\u200d💻b", "\xff\xfe", " \n\t "} {
		f.Add(s, 5)
	}
	f.Fuzz(func(t *testing.T, s string, n int) {
		n = n%300 + 1
		if n < 1 {
			n += 300
		}
		got := Text(s, n)
		if !utf8.ValidString(got) {
			t.Fatalf("Text(%q, %d) = %q: invalid UTF-8", s, n, got)
		}
		if c := utf8.RuneCountInString(got); c > n {
			t.Fatalf("Text(%q, %d) = %q: %d runes", s, n, got, c)
		}
		if strings.Join(strings.Fields(got), " ") != got {
			t.Fatalf("Text(%q, %d) = %q: whitespace not folded", s, n, got)
		}
		if !strings.HasSuffix(got, Ellipsis) && Text(got, n) != got {
			t.Fatalf("Text(%q, %d) = %q, which clips again to %q", s, n, got, Text(got, n))
		}
	})
}

func TestWords(t *testing.T) {
	tests := []struct {
		s        string
		words, n int
		want     string
	}{
		{"one two  three", 3, 20, "one two three"},
		{"one two three four", 3, 20, "one two three…"},
		{"one two three four", 3, 13, "one two thre…"}, // the words are 13 runes: cut to make room for the ellipsis
		{"ក្រសួងការពារ ជាតិ", 5, 7, "ក្រសួង…"},         // one long word, cut between clusters
		{"ក្រសួងការពារ ជាតិ រដ្ឋ", 1, 7, "ក្រសួង…"},    // words cut, then runes
		{"", 3, 10, ""},
	}
	for _, tt := range tests {
		if got := Words(tt.s, tt.words, tt.n); got != tt.want {
			t.Errorf("Words(%q, %d, %d) = %q, want %q", tt.s, tt.words, tt.n, got, tt.want)
		}
	}
}
