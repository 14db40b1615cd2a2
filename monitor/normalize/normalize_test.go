package normalize

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"plain", "Hello world", "Hello world"},
		{"plain lines", "one\n\n\n  two  \n", "one\ntwo"},
		{"crlf", "one\r\ntwo\rthree", "one\ntwo\nthree"},
		{"paragraphs", "<p>First para.</p><p>Second <b>bold</b> para.</p>", "First para.\nSecond bold para."},
		{"br", "line one<br>line two<br/><br />line three", "line one\nline two\nline three"},
		{"list", "<ul><li>a</li><li>b</li></ul>after", "a\nb\nafter"},
		{"headings and quotes", "<h1>Title</h1><blockquote>quoted</blockquote>end", "Title\nquoted\nend"},
		{"table", "<table><tr><td>a</td><td>b</td></tr><tr><th>c</th><td>d</td></tr></table>", "a b\nc d"},
		{"inline joins words", "re<b>mark</b>able <i>words</i>", "remarkable words"},
		{"entities", "Tom &amp; Jerry &lt;3 &quot;cheese&quot; &#8230; &#x1F600; &eacute;", "Tom & Jerry <3 \"cheese\" … 😀 é"},
		{"bare ampersand and lt", "x < y & z > w", "x < y & z > w"},
		{"nbsp and odd spaces", "a&nbsp;&nbsp;b\u00a0c\u2003d\u3000e\t\tf", "a b c d e f"},
		{"zero-width space kept", "ចាប់ដៃរួមគ្នា\u200bធ្វើកិច្ច", "ចាប់ដៃរួមគ្នា\u200bធ្វើកិច្ច"},
		{"zwj and zwnj kept", "a\u200db\u200cc", "a\u200db\u200cc"},
		{"bom dropped", "\ufeffhello", "hello"},
		{"controls dropped", "a\x00b\x07c\x1bd\u007fe", "abcde"},
		{"vertical space breaks lines", "a\vb\fc\u2028d\u2029e", "a\nb\nc\nd\ne"},
		// U+0085 is NEL, but in feeds it is windows-1252's "…" read as
		// ISO-8859-1 far more often than a line break.
		{"nel is an ellipsis", "wait\u0085", "wait…"},
		{"script and style dropped", "<style>p{color:red}</style>keep<script>alert('x')</script> this", "keep this"},
		// Browsers show nothing after a raw-text element that never
		// closes; these used to lose the rest of the post.
		{"unclosed script keeps the rest", "before<script>alert(1)<p>never</p>", "beforealert(1)\nnever"},
		{"unclosed script in real html", "<p>Intro</p><script>track();<p>Still <b>the</b> post.</p>", "Intro\ntrack();\nStill the post."},
		{"unclosed style keeps the rest", "<p>a</p><style>b<p>c</p>", "a\nb\nc"},
		{"unclosed textarea keeps the rest", "<p>one</p><textarea>two<p>three &amp; four</p>", "one\ntwo\nthree & four"},
		{"plaintext never closes", "<p>one</p><plaintext><b>two</b>", "one\ntwo"},
		{"self-closing iframe without end tag", `<p>Video:</p><iframe src="https://v.example/1"/><p>More words.</p>`, "Video:\nMore words."},
		{"closed script after an unclosed one", "a<script>x</script>b<script>c", "abc"},
		{"script hiding its end tag", "a<script><!--<script></script>b", "a<!--<script></script>b"},
		{"uppercase end tag closes", "a<SCRIPT>x</Script >b", "ab"},
		{"noscript and iframe dropped", "a<noscript><img src=x></noscript>b<iframe>frame</iframe>c", "abc"},
		{"comments dropped", "hi<!-- secret -->there<!-- unclosed", "hithere"},
		{"attribute with angle bracket", `<a href="x" title="a>b">link</a> text`, "link text"},
		{"event handler", `<img src=x onerror="alert(1)">caption`, "caption"},
		{"unknown and namespaced tags", "<o:p>word</o:p><custom-el>more</custom-el>", "wordmore"},
		{"svg text kept", "<svg><text>drawn</text></svg>", "drawn"},
		// Markup a post shows is kept: it used to be parsed again and lost.
		{"escaped tag in textarea", "<textarea>&lt;typed&gt; x</textarea>", "<typed> x"},
		{"mastodon text naming an element", "<p>I &lt;3 Cambodia; see &lt;Article 19&gt; of the law</p>", "I <3 Cambodia; see <Article 19> of the law"},
		{"mastodon text showing a tag", "<p>type &lt;b&gt; for bold</p>", "type <b> for bold"},
		{"escaped reference in html", "<p>x &amp;lt; y</p>", "x &lt; y"},
		{"escaped script in html", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>", "<script>alert(1)</script>"},
		{"feed text naming script", "Use the &lt;script&gt; tag. More words here.", "Use the <script> tag. More words here."},
		{"feed text naming title", "Set the &lt;title&gt; first", "Set the <title> first"},
		{"bare script in plain text", "Use the <script> tag.", "Use the <script> tag."},
		{"broken heart", "I &lt;/3 you", "I </3 you"},
		{"tag cut by the end", "a<b", "a<b"},
		{"cut tag keeps its text", "x<y &amp; z", "x<y & z"},
		{"double-encoded html", "&lt;p&gt;hi&lt;/p&gt;", "hi"},
		{"double-encoded paragraphs apart", "&lt;p&gt;hi&lt;/p&gt;&lt;p&gt;there&lt;/p&gt;", "hi\nthere"},
		{"double-encoded text showing a tag", "&lt;p&gt;type &amp;lt;b&amp;gt; for bold&lt;/p&gt;", "type <b> for bold"},
		{"double-encoded paragraphs", "&lt;p&gt;one&lt;/p&gt;&lt;p&gt;two &amp;amp; three&lt;/p&gt;", "one\ntwo & three"},
		{"triple-encoded html", "&amp;lt;p&amp;gt;hi&amp;lt;/p&amp;gt;", "hi"},
		// Without markup, entities escaped twice that show no tag are
		// decoded to the end, as the publishers who escape twice mean;
		// one that would show a '<' keeps the first reading.
		{"escaped reference without markup", "AT&amp;amp;T", "AT&T"},
		{"escaped comparison without markup", "x &amp;lt; y", "x &lt; y"},
		{"escaped markup inside markup", "<p>&lt;b&gt;bold&lt;/b&gt; text</p>", "<b>bold</b> text"},
		{"double-encoded script", "&lt;script&gt;alert(1)&lt;/script&gt;ok", "ok"},
		{"invalid utf-8", "caf\xe9 \xff\xfe ok", "caf\uFFFD \uFFFD ok"},
		{"invalid utf-8 in markup", "<p>\xc3</p><p>\xe2\x82</p>", "\uFFFD\n\uFFFD"},
		{"nfd to nfc", "Cafe\u0301 Ha\u0300 Nô\u0323i", "Caf\u00e9 H\u00e0 N\u1ED9i"},
		{"nfd via entity", "e&#x301;", "\u00e9"},
		{"mojibake of utf-8 read as latin-1", "\u00e2\u0080\u00a6 and \u00e2\u0080\u0099", "… and ’"},
		{"windows-1252 read as latin-1", "\u0093quoted\u0094 \u0096 dash", "“quoted” – dash"},
		{"latin-1 without c1 kept", "Ã© stays", "Ã© stays"},
		{"c1 numeric references", "&#147;x&#148;", "“x”"},
		{"deep escaping defused", "&" + strings.Repeat("amp;", 9) + "lt;b&gt;x", "\uFFFDlt;b>x"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Text(tc.in)
			if got != tc.want {
				t.Errorf("Text(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
			checkFixedPoint(t, tc.in, got)
		})
	}
}

// checkFixedPoint checks what Text promises of its own output: text that
// shows no markup comes back unchanged, and its layout is Plain's.
func checkFixedPoint(t *testing.T, in, got string) {
	t.Helper()
	if !strings.ContainsAny(got, "<&") {
		if again := Text(got); again != got {
			t.Errorf("Text(%q) = %q, no markup, but Text of that = %q", in, got, again)
		}
	}
	if p := Plain(got); p != got {
		t.Errorf("Text(%q) = %q, not laid out: Plain of it = %q", in, got, p)
	}
}

func TestText_NFDBecomesNFC(t *testing.T) {
	// Vietnamese and Khmer-adjacent Latin transliterations, Korean jamo
	// and Devanagari nukta forms all have NFD spellings that platforms
	// emit depending on the poster's keyboard.
	for _, s := range []string{
		"Tiếng Việt có dấu", "한국어 텍스트", "क़ ख़ ग़", "Ångström façade naïve",
	} {
		nfd := norm.NFD.String(s)
		if nfd == norm.NFC.String(s) {
			continue // nothing to decompose: not a useful case
		}
		if got, want := Text(nfd), norm.NFC.String(s); got != want {
			t.Errorf("Text(NFD %q) = %q, want NFC %q", s, got, want)
		}
		if Digest(Text(nfd)) != Digest(Text(norm.NFC.String(s))) {
			t.Errorf("NFD and NFC spellings of %q digest differently", s)
		}
	}
}

var digestRe = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

func TestDigest(t *testing.T) {
	tests := []struct {
		name string
		a, b string // post HTML before and after
		same bool
	}{
		{"identical", "<p>Hello world</p>", "<p>Hello world</p>", true},
		{"markup only: bold added", "<p>Hello world</p>", "<p>Hello <b>world</b></p>", true},
		{"markup only: link added", "We met the minister", `We met <a href="/m">the minister</a>`, true},
		{"doubled spaces", "Hello world", "Hello  world", true},
		{"added line break", "<p>Hello world</p>", "<p>Hello<br>world</p>", true},
		{"split paragraph", "<p>one two</p>", "<p>one</p>\n\n<p>two</p>", true},
		{"nbsp for space", "Hello world", "Hello&nbsp;world", true},
		{"trailing whitespace", "Hello world", "  Hello world \n", true},
		{"nfd for nfc", "caf\u00e9", "cafe\u0301", true},
		{"entity for character", "Tom & Jerry", "Tom &amp; Jerry", true},
		{"word changed", "<p>Hello world</p>", "<p>Hello there</p>", false},
		{"word added", "We will win", "We will not win", false},
		{"punctuation changed", "Vote now.", "Vote now!", false},
		{"case changed", "hello", "Hello", false},
		{"zero-width space added", "ចាប់ដៃរួមគ្នាធ្វើ", "ចាប់ដៃរួមគ្នា\u200bធ្វើ", false},
		{"khmer word changed", "ធនាគារចំនួន១៣០", "ធនាគារចំនួន១៤០", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			da, db := Digest(Text(tc.a)), Digest(Text(tc.b))
			if !digestRe.MatchString(da) {
				t.Fatalf("Digest = %q, want sha256:<64 hex>", da)
			}
			if (da == db) != tc.same {
				t.Errorf("digests of %q and %q: equal = %v, want %v", tc.a, tc.b, da == db, tc.same)
			}
		})
	}
}

func TestDigest_FoldsAllWhitespace(t *testing.T) {
	want := Digest("a b c")
	for _, s := range []string{"a b c", " a\tb\nc ", "a\u00a0b\u3000c", "a\r\n\r\nb   c"} {
		if got := Digest(s); got != want {
			t.Errorf("Digest(%q) = %s, want %s", s, got, want)
		}
	}
	if Digest("") != "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Errorf("Digest(\"\") is not the SHA-256 of nothing: %s", Digest(""))
	}
}

func FuzzText(f *testing.F) {
	for _, s := range []string{
		"", "plain", "<p>a</p><p>b</p>", "&lt;p&gt;hi&lt;/p&gt;", "AT&amp;amp;T",
		"a<b", "<script>x</script>y", "\xff\xfe<", "e\u0301", "\u00e2\u0080\u00a6",
		"ចាប់ដៃរួមគ្នា\u200bធ្វើ", "<!--", "&#0;&#x80;&#xD800;", "<textarea>&lt;b&gt;",
		strings.Repeat("&amp;", 12) + "lt;", "<p>I &lt;3 &lt;Article 19&gt;</p>",
		"Use the &lt;script&gt; tag.", "<p>a</p><style>b", "a<script><!--<script></script>b",
		"<plaintext><b>x", "<iframe/>x", "&lt;p&gt;x&amp;lt;b&amp;gt;", "I </3 you",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Text(s)
		if again := Text(s); again != got {
			t.Fatalf("Text(%q) not deterministic: %q, then %q", s, got, again)
		}
		if !utf8.ValidString(got) {
			t.Fatalf("Text(%q) = %q: invalid UTF-8", s, got)
		}
		if !norm.NFC.IsNormalString(got) {
			t.Fatalf("Text(%q) = %q: not NFC", s, got)
		}
		if strings.Contains(got, "\n\n") || strings.HasPrefix(got, "\n") || strings.HasSuffix(got, "\n") {
			t.Fatalf("Text(%q) = %q: empty line", s, got)
		}
		checkFixedPoint(t, s, got)
	})
}

func TestPlain(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"markup is words", "<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>"},
		{"references stay as typed", "AT&amp;T &lt;3", "AT&amp;T &lt;3"},
		{"lines kept, empty ones dropped", "one\r\n\r\n  two  \n", "one\ntwo"},
		{"whitespace folded", "a \t\u00a0 b", "a b"},
		{"controls dropped, invalid UTF-8 replaced", "a\x00b\xff", "ab\uFFFD"},
		{"NFC", "e\u0301", "\u00e9"},
		{"Khmer zero-width space is text", "ចាប់ដៃ\u200bធ្វើ", "ចាប់ដៃ\u200bធ្វើ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Plain(tt.in); got != tt.want {
				t.Errorf("Plain(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzPlain(f *testing.F) {
	for _, s := range []string{"", "<b>x</b>", "a\r\n\r\nb", "\xff\u0085\u0093x\u0094", "e\u0301\u200b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Plain(s)
		if !utf8.ValidString(got) || !norm.NFC.IsNormalString(got) {
			t.Fatalf("Plain(%q) = %q: invalid UTF-8 or not NFC", s, got)
		}
		if strings.Contains(got, "\n\n") || strings.HasPrefix(got, "\n") || strings.HasSuffix(got, "\n") {
			t.Fatalf("Plain(%q) = %q: empty line", s, got)
		}
		if again := Plain(got); again != got {
			t.Fatalf("not idempotent: Plain(%q) = %q, Plain of that = %q", s, got, again)
		}
	})
}

func TestCheckText(t *testing.T) {
	for in, want := range map[string]error{
		"reporter,filed_at\nMinist\xe8re,2024\n": nil, // Latin-1 is text its reader decodes
		"{\"a\": 1}":                             nil,
		"":                                       nil,
		"\x7fELF\x02\x01\x01\x00":                ErrNotText,
		"\xff\xfer\x00e\x00":                     ErrNotText, // UTF-16
		strings.Repeat("a", 9<<10) + "\x00":      nil,        // beyond the first 8 KiB
	} {
		if got := CheckText([]byte(in)); got != want {
			t.Errorf("CheckText(%.20q) = %v, want %v", in, got, want)
		}
	}
}

// HTML reads markup escaped exactly once, in one parse: what it shows
// escaped is its reader's text even without a tag of its own, where Text
// would take it for HTML escaped twice.
func TestHTML(t *testing.T) {
	for in, want := range map[string]string{
		"See &lt;Article 19&gt; of the law":    "See <Article 19> of the law",
		"<p>one</p><p>two &amp; three</p>":     "one\ntwo & three",
		"&lt;p&gt;shown as typed&lt;/p&gt;":    "<p>shown as typed</p>",
		"before<script>alert(1)</script>after": "beforeafter",
		"Cafe\u0301 <b>bold</b>\u00a0 spaced":  "Caf\u00e9 bold spaced",
	} {
		if got := HTML(in); got != want {
			t.Errorf("HTML(%q) = %q, want %q", in, got, want)
		}
		if got := HTML(in); Plain(got) != got {
			t.Errorf("HTML(%q) = %q is not laid out as Plain lays out", in, got)
		}
	}
}
