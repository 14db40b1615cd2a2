package htmlpage

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"github.com/takedownwatch/takedownwatch/config"
)

func encode(t *testing.T, e encoding.Encoding, s string) []byte {
	t.Helper()
	b, err := e.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode %q: %v", s, err)
	}
	return b
}

// item is a one-item listing page whose link text and summary are s.
func item(head, s string) string {
	return "<html><head>" + head + `<title>News</title></head><body><ul><li class="n"><a href="/news/1">` + s +
		`</a><p class="s">` + s + "</p></li></ul></body></html>"
}

func TestToUTF8(t *testing.T) {
	const (
		french       = "Communiqué du ministère : « déjà vu » – 30 €"
		russian      = "Пресс-релиз министерства"
		japaneseText = "報道発表 日本語のページ"
		chinese      = "新闻发布会 外交部发言人"
		khmer        = "សេចក្តីប្រកាសព័ត៌មាន"
	)
	tests := []struct {
		name, contentType string
		body              []byte
		want, wantEnc     string
	}{
		{"UTF-8, declared nowhere", "text/html", []byte(item("", khmer)), khmer, "utf-8"},
		{"UTF-8 after an ASCII first kilobyte, declared nowhere", "", []byte(item(strings.Repeat("<!-- padding -->", 100), khmer)), khmer, "utf-8"},
		{"UTF-8 labelled iso-8859-1 by the server", "text/html; charset=iso-8859-1", []byte(item("", french)), french, "utf-8"},
		{"UTF-8 labelled windows-1251 by a meta", "", []byte(item(`<meta charset="windows-1251">`, russian)), russian, "utf-8"},
		{"UTF-8 with a stray Latin-1 byte", "text/html; charset=utf-8", []byte(item("", khmer+"\xe9"+khmer)), khmer + "\uFFFD" + khmer, "utf-8"},
		{"UTF-8 with a byte order mark", "", append([]byte("\xef\xbb\xbf"), item("", khmer)...), khmer, "utf-8"},
		{"windows-1252, declared nowhere", "", encode(t, charmap.Windows1252, item("", french)), french, "windows-1252"},
		{"windows-1252 declared iso-8859-1 by a meta", "", encode(t, charmap.Windows1252, item(`<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">`, french)), french, "windows-1252"},
		{"windows-1251 declared by the header only", "text/html; charset=windows-1251", encode(t, charmap.Windows1251, item("", russian)), russian, "windows-1251"},
		{"a lenient header", "text/html;charset = 'KOI8-R'", encode(t, charmap.KOI8R, item("", russian)), russian, "koi8-r"},
		{"an unknown header label falls back to the meta", "text/html; charset=x-klingon", encode(t, charmap.KOI8R, item(`<meta charset="koi8-r">`, russian)), russian, "koi8-r"},
		{"the header wins over the meta", "text/html; charset=windows-1251", encode(t, charmap.Windows1251, item(`<meta charset="koi8-r">`, russian)), russian, "windows-1251"},
		{"Shift_JIS by the header", "text/html; charset=Shift_JIS", encode(t, japanese.ShiftJIS, item("", japaneseText)), japaneseText, "shift_jis"},
		{"ISO-2022-JP, 7-bit, by the header", "text/html; charset=iso-2022-jp", encode(t, japanese.ISO2022JP, item("", japaneseText)), japaneseText, "iso-2022-jp"},
		{"GBK declared gb2312 by a meta", "", encode(t, simplifiedchinese.GBK, item(`<meta charset="gb2312">`, chinese)), chinese, "gbk"},
		{"UTF-16LE with a byte order mark", "", encode(t, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), item("", khmer)), khmer, "utf-16le"},
		{"UTF-16BE with a byte order mark, against the header", "text/html; charset=utf-8", encode(t, unicode.UTF16(unicode.BigEndian, unicode.UseBOM), item("", khmer)), khmer, "utf-16be"},
	}
	sel := config.Selectors{Item: "li.n", Link: "a", Text: "p.s"}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.body, tc.contentType, "https://gov.example/", sel, now)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if len(got.Items) != 1 || got.Items[0].Text != tc.want || got.Items[0].Title != tc.want || got.Encoding != tc.wantEnc {
				t.Errorf("Parse = %+v (%s); want text and title %q (%s)", got.Items, got.Encoding, tc.want, tc.wantEnc)
			}
		})
	}
}

func TestToUTF8_AlwaysValid(t *testing.T) {
	bodies := [][]byte{
		[]byte("\xff\xfe\x00"),
		[]byte("\xfe\xff\xd8\x00"), // a lone UTF-16 surrogate
		[]byte("<p>\xc3\x28\xa0\xa1 \xe2\x28\xa1 \xf0\x28\x8c\xbc \xed\xa0\x80</p>"),
		[]byte("\xef\xbb\xbf\xff"),
		{},
	}
	for _, ct := range []string{"", "text/html; charset=utf-8", "text/html; charset=shift_jis", "text/html; charset=utf-16le"} {
		for _, b := range bodies {
			if got, enc := toUTF8(b, ct); !utf8.Valid(got) || enc == "" {
				t.Errorf("toUTF8(%q, %q) = %q, %q: want valid UTF-8 and a name", b, ct, got, enc)
			}
		}
	}
}

func TestMostlyUTF8(t *testing.T) {
	tests := []struct {
		body string
		want bool
	}{
		{"", false},
		{"plain ASCII", false},
		{"café", true},
		{"caf\xe9", false},
		{strings.Repeat("ក", 10) + "\xe9", true},
		{strings.Repeat("ក", 9) + "\xe9", false},
		{"\xd1\xb8 \xcf\xf0\xe8\xe2\xe5\xf2", false}, // windows-1251 whose first pair reads as UTF-8
	}
	for _, tc := range tests {
		if got := mostlyUTF8([]byte(tc.body)); got != tc.want {
			t.Errorf("mostlyUTF8(%q) = %v, want %v", tc.body, got, tc.want)
		}
	}
}
