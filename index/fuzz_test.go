package index

import (
	"errors"
	"path/filepath"
	"testing"
	"time"
	"unicode/utf8"
)

// Any query string, however odd, gives a result or an error, never a panic.
func FuzzSearch(f *testing.F) {
	for _, s := range []string{
		"", "*", "word", `"a phrase"`, "+must -not", "field:value", "published:>\"2026-01-01\"",
		"ការបង្ហោះ", `"គណបក្ស ប្រឆាំង"`, "១៣០", "a~2", "wild*card", "/re.ex/", "x^3", `"unclosed`,
		"text:(", "((", ")", ":", "+", "-", "~", "^", `\`, "title:\"x\"", "\u200b", "ក\u17d2", "\u17d2",
		"a:b:c", "version:>2", "99", "-99", "actor:>=3", `published:<="x"`, "e-mail", "Hun Sen's",
		"รัฐบาล", `"ลบโพสต์"`, "เ", "ไ\u0e31", "ລຶບ", "မြန်မာ", "\u1039က", "ๆ", "฿",
		"เเ", "เเปลก", "ເເ", "៤៩*", "๒๕๖๙", "មាត្រា៤៩៤", "\u200b\u200b", "ក\u200b",
	} {
		f.Add(s)
	}
	dir := filepath.Join(f.TempDir(), "ix")
	ix, err := Open(dir, Options{})
	if err != nil {
		f.Fatal(err)
	}
	defer ix.Close()
	docs := []Doc{
		{PostID: "a", VersionID: 1, Version: 1, Text: "The prime minister's post was removed. ការបង្ហោះត្រូវបានលុប។ ១៣០",
			Actor: "x", Published: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
		{PostID: "a", VersionID: 2, Version: 2, Text: "The post was edited."},
		{PostID: "b", VersionID: 3, Version: 1, Text: "គណបក្សប្រឆាំង\u200bបាន\u200bរិះគន់ Hun Sen"},
		{PostID: "c", VersionID: 4, Version: 1, Text: "รัฐบาลสั่งลบโพสต์ ລັດຖະບານ မြန်မာနိုင်ငံ"},
		{PostID: "d", VersionID: 5, Version: 1, Text: "เรื่องเเปลก ๒๕๖๙ มาตรา๑๑๒ មាត្រា៤៩៤\u200bនៃ"},
	}
	if err := ix.Put(f.Context(), docs, "1"); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q string) {
		for _, hl := range []bool{false, true} {
			res, err := ix.Search(t.Context(), Query{Q: q, Highlight: hl, Facets: hl, Limit: 5})
			if err != nil {
				// anything else is a failure of the server (a 500 on the web)
				if !errors.Is(err, ErrBadQuery) {
					t.Fatalf("%q: %v, not a bad query", q, err)
				}
				continue
			}
			if res.Total < uint64(len(res.Hits)) {
				t.Errorf("%q: total %d < %d hits", q, res.Total, len(res.Hits))
			}
		}
	})
}

// Any document text gives tokens that lie inside it, on rune boundaries,
// with terms; never a panic. All flags on: bridges, digits, SARA E twice.
func FuzzTextAnalyzer(f *testing.F) {
	for _, s := range []string{
		"", "word", "ការបង្ហោះ\u200bត្រូវ", "เเปลก", "ເເ", "เเเ", "៤៩៤", "ក៤\u200bខ", "\u17d2", "ក\u17d2",
		"รัฐบาล ๒๕๖๙", "မြန်မာ၁၂", "\xff\xfe", "a\u200b\u2060\ufeffb", "ក\u200b\u200bខ",
	} {
		f.Add(s)
	}
	an := newTextAnalyzer(plainAnalyzer{}, newFormats().textFlags)
	f.Fuzz(func(t *testing.T, s string) {
		for _, tok := range an.Analyze([]byte(s)) {
			if tok.Start < 0 || tok.End > len(s) || tok.Start >= tok.End || len(tok.Term) == 0 {
				t.Fatalf("%+q: token %q at [%d, %d)", s, tok.Term, tok.Start, tok.End)
			}
			// (archived text is valid UTF-8; a stray byte is no rune to cut)
			if utf8.ValidString(s) && (!utf8.RuneStart(s[tok.Start]) || tok.End < len(s) && !utf8.RuneStart(s[tok.End])) {
				t.Fatalf("%+q: token %q at [%d, %d) cuts a rune", s, tok.Term, tok.Start, tok.End)
			}
		}
	})
}
