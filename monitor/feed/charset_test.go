package feed

import (
	"strings"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
)

// wideTitle has characters outside every legacy code page.
const wideTitle = "Ἀθῆναι ក្រុងភ្នំពេញ café 😀"

func wideFeed(decl string) string {
	return decl + "\n<rss version=\"2.0\"><channel><item><guid>1</guid><title>" + wideTitle + "</title></item></channel></rss>"
}

func encode(t *testing.T, e encoding.Encoding, s string) []byte {
	t.Helper()
	b, err := e.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestParse_WideEncodings covers UTF-16 and UTF-32, with and without a
// byte order mark; encoding/xml cannot read either by itself.
func TestParse_WideEncodings(t *testing.T) {
	tests := []struct {
		name string
		enc  encoding.Encoding
		decl string
	}{
		{"utf-8 bom", unicode.UTF8BOM, `<?xml version="1.0" encoding="utf-8"?>`},
		{"utf-16le bom", unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), `<?xml version="1.0" encoding="utf-16"?>`},
		{"utf-16be bom", unicode.UTF16(unicode.BigEndian, unicode.UseBOM), `<?xml version="1.0" encoding="UTF-16"?>`},
		{"utf-16le", unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), `<?xml version='1.0' encoding='UTF-16LE'?>`},
		{"utf-16be no declaration", unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), ""},
		{"utf-32le bom", utf32.UTF32(utf32.LittleEndian, utf32.UseBOM), `<?xml version="1.0" encoding="utf-32"?>`},
		{"utf-32be", utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM), `<?xml version="1.0" encoding="UTF-32BE"?>`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := encode(t, tc.enc, wideFeed(tc.decl))
			// A server that says "utf-8" about a UTF-16 body is wrong;
			// the bytes are the better witness.
			for _, ct := range []string{"", "application/rss+xml; charset=utf-8"} {
				items, err := Parse(body, ct, "")
				if err != nil {
					t.Fatalf("Parse with %q: %v", ct, err)
				}
				if len(items) != 1 || items[0].Title != wideTitle {
					t.Errorf("Parse with %q = %+v, want one item titled %q", ct, items, wideTitle)
				}
			}
		})
	}
}

// TestParse_Charset covers the order of precedence of step 3 to 5 of
// toUTF8: HTTP charset, XML declaration, UTF-8, windows-1252.
func TestParse_Charset(t *testing.T) {
	latin1 := func(s string) string { return string(encode(t, charmap.ISO8859_1, s)) }
	feed := func(decl, title string) []byte {
		return []byte(decl + "<rss><channel><item><guid>1</guid><title>" + title + "</title></item></channel></rss>")
	}
	decl := func(enc string) string { return `<?xml version="1.0" encoding="` + enc + `"?>` }
	tests := []struct {
		name        string
		body        []byte
		contentType string
		want        string
	}{
		{"utf-8, nothing declared", feed("", "ação"), "", "ação"},
		{"declaration", feed(decl("ISO-8859-1"), latin1("ação")), "text/xml", "ação"},
		{"declaration in single quotes", feed(`<?xml version='1.0' encoding='iso-8859-1'?>`, latin1("ação")), "", "ação"},
		{"header overrides declaration", feed(decl("iso-8859-1"), "ação"), "text/xml; charset=utf-8", "ação"},
		{"header overrides utf-8 declaration", feed(decl("utf-8"), latin1("ação")), "application/rss+xml;charset=ISO-8859-1", "ação"},
		{"lenient header", feed(decl("utf-8"), string(encode(t, charmap.KOI8R, "ночь"))), "text/xml;charset = 'KOI8-R'", "ночь"},
		{"quoted header", feed("", string(encode(t, charmap.Windows1255, "שלום"))), `text/xml; charset="windows-1255"`, "שלום"},
		{"unknown header label skipped", feed(decl("iso-8859-1"), latin1("ação")), "text/xml; charset=bogus", "ação"},
		{"unknown declaration skipped", feed(decl("bogus"), "ação"), "", "ação"},
		{"wide label on narrow bytes skipped", feed(decl("utf-16"), "ação"), "text/xml; charset=utf-16", "ação"},
		{"undeclared legacy bytes read as windows-1252", feed("", latin1("ação")+"\x93q\x94"), "", "ação“q”"},
		{"invalid utf-8 where utf-8 is declared", feed(decl("utf-8"), "a\xffb"), "", "a\uFFFDb"},
		{"us-ascii is windows-1252", feed(decl("iso-8859-1"), "plain"), "text/xml;charset = us-ascii", "plain"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			items, err := Parse(tc.body, tc.contentType, "")
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if len(items) != 1 || items[0].Title != tc.want {
				t.Errorf("Parse = %+v, want one item titled %q", items, tc.want)
			}
		})
	}
}

func TestDeclareUTF8(t *testing.T) {
	tests := []struct{ in, want string }{
		{`<?xml version="1.0" encoding="iso-8859-1"?><rss/>`, `<?xml version="1.0" encoding="UTF-8"?><rss/>`},
		{"\n <?xml version='1.0'\n encoding = 'koi8-r' standalone='yes'?>\n<rss/>", "\n <?xml version='1.0'\n encoding = \"UTF-8\" standalone='yes'?>\n<rss/>"},
		{`<?xml version="1.0"?><rss/>`, `<?xml version="1.0"?><rss/>`},
		{`<rss><?xml encoding="x"?></rss>`, `<rss><?xml encoding="x"?></rss>`},
		{"", ""},
	}
	for _, tc := range tests {
		if got := string(declareUTF8([]byte(tc.in))); got != tc.want {
			t.Errorf("declareUTF8(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCharsetParam(t *testing.T) {
	for ct, want := range map[string]string{
		"":                                    "",
		"text/xml":                            "",
		"text/xml; charset=utf-8":             "utf-8",
		"text/xml;charset = us-ascii":         "us-ascii",
		`application/rss+xml; CHARSET="Big5"`: "Big5",
		"text/xml; format=flowed; charset='koi8-r'": "koi8-r",
	} {
		if got := charsetParam(ct); got != want {
			t.Errorf("charsetParam(%q) = %q, want %q", ct, got, want)
		}
	}
	if strings.Contains(accept, "charset") {
		t.Error("Accept should not restrict charsets")
	}
}
