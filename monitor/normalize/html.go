package normalize

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// pass parses s as HTML once and returns its cleaned text, and whether s
// held markup of its own (see tokenize). Text decides from that whether
// the text is final.
func pass(s string) (text string, markup bool) {
	s = strings.ToValidUTF8(s, "\uFFFD")
	text, markup, bare := tokenize(s, false)
	if bare && !markup {
		// Nothing else in s is markup, so a "<script>" or "<title>"
		// that never closes is a word of prose ("use the <script>
		// tag"), not an element: keep it as written.
		text, _, _ = tokenize(s, true)
	}
	return text, markup
}

// tokenize returns the text of s and whether s held markup: a tag, or a
// comment or doctype closed by '>' (one cut by the end of input is what
// "I </3 you" reads as). bare reports a raw-text start tag (script, title
// …) that no end tag closes; it is not counted as markup, and bareAsText
// writes it as the text it is instead of dropping it.
func tokenize(s string, bareAsText bool) (text string, markup, bare bool) {
	var b strings.Builder
	b.Grow(len(s))
	z := html.NewTokenizer(strings.NewReader(s))
	ends := rawEnds{s: s}
	dropText := false
	consumed := 0 // raw bytes of the tokens so far: they partition s
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			// A strings.Reader ends with io.EOF and no buffer limit is
			// set, so this is the end of the input. A tag cut by the end
			// ("a<b") is dropped by HTML parsers; here it is text, or a
			// post saying "x<y" would lose words.
			b.WriteString(html.UnescapeString(s[consumed:]))
			break
		}
		start := consumed
		consumed += len(z.Raw())
		drop := dropText
		dropText = false
		switch tt {
		case html.TextToken:
			// A raw text that reaches the end of input was never
			// closed: a script's escape states ("<!--<script>") can
			// hide the end tag rawEnds found. Its words are kept.
			if !drop || consumed == len(s) {
				b.Write(z.Text())
			}
		case html.CommentToken, html.DoctypeToken:
			markup = markup || strings.HasSuffix(s[start:consumed], ">")
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if tt != html.EndTagToken && rawText[a] {
				// The tokenizer reads a raw-text element's whole
				// content as the next text token, self-closing slash
				// or not, as browsers do, up to its end tag or else
				// the end of input. Browsers then show nothing of the
				// rest; an archive must, so an element that never
				// closes holds no raw text: what follows is parsed.
				if !ends.closed(a, consumed) {
					z.NextIsNotRawText()
					if tt == html.StartTagToken {
						// A self-closing "<iframe … />" is markup
						// whatever follows; a bare "<script>"
						// may be prose.
						bare = true
						if bareAsText {
							b.WriteString(html.UnescapeString(s[start:consumed]))
						} else {
							b.WriteString(separator(a))
						}
						continue
					}
				} else if nonText[a] {
					dropText = true
				}
			}
			markup = true
			b.WriteString(separator(a))
		}
	}
	return clean(b.String()), markup, bare
}

// rawText elements are those whose content the tokenizer reads as raw
// text (RCDATA for textarea and title) up to their end tag.
var rawText = map[atom.Atom]bool{
	atom.Iframe: true, atom.Noembed: true, atom.Noframes: true,
	atom.Noscript: true, atom.Plaintext: true, atom.Script: true,
	atom.Style: true, atom.Textarea: true, atom.Title: true, atom.Xmp: true,
}

// rawEnds finds the end tags of raw-text elements in s, as the tokenizer
// recognizes them: "</", the name in any ASCII case, then whitespace, '/'
// or '>'. Each element remembers its last search, so a post of a thousand
// unclosed "<script>" is read once per element, not once per tag.
type rawEnds struct {
	s    string
	last map[atom.Atom][2]int // searched from, found at (-1: nowhere after)
}

// closed reports whether an end tag of a follows offset from in s.
func (e *rawEnds) closed(a atom.Atom, from int) bool {
	if a == atom.Plaintext {
		return false // it has none: it runs to the end by definition
	}
	if l, ok := e.last[a]; ok && from >= l[0] && (l[1] < 0 || l[1] >= from) {
		return l[1] >= 0
	}
	at := findEnd(e.s, a.String(), from)
	if e.last == nil {
		e.last = map[atom.Atom][2]int{}
	}
	e.last[a] = [2]int{from, at}
	return at >= 0
}

// findEnd returns the offset of the first end tag of name (lower case) in
// s at or after from, or -1.
func findEnd(s, name string, from int) int {
	for i := from; ; {
		k := strings.Index(s[i:], "</")
		if k < 0 {
			return -1
		}
		i += k
		t := s[i+2:]
		if len(t) > len(name) && asciiFoldPrefix(t, name) {
			switch t[len(name)] {
			case ' ', '\n', '\r', '\t', '\f', '/', '>':
				return i
			}
		}
		i += 2
	}
}

// asciiFoldPrefix reports whether s starts with lower, ASCII letters
// matched in either case and nothing else folded: the tokenizer does not
// read "ſcript" (long s) as "script".
func asciiFoldPrefix(s, lower string) bool {
	for i := 0; i < len(lower); i++ {
		if c := s[i]; c != lower[i] && c != lower[i]-('a'-'A') {
			return false
		}
	}
	return true
}

// nonText elements hold code or fallbacks, not words of the post.
var nonText = map[atom.Atom]bool{
	atom.Script:   true,
	atom.Style:    true,
	atom.Iframe:   true,
	atom.Noembed:  true,
	atom.Noframes: true,
	atom.Noscript: true,
}

// block elements start and end a line, so their words never run together
// with their neighbours' and paragraphs stay apart for diffs.
var block = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Aside: true,
	atom.Blockquote: true, atom.Br: true, atom.Caption: true,
	atom.Dd: true, atom.Details: true, atom.Dialog: true, atom.Div: true,
	atom.Dl: true, atom.Dt: true, atom.Fieldset: true, atom.Figcaption: true,
	atom.Figure: true, atom.Footer: true, atom.Form: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true,
	atom.H6: true, atom.Header: true, atom.Hgroup: true, atom.Hr: true,
	atom.Li: true, atom.Main: true, atom.Nav: true, atom.Ol: true,
	atom.P: true, atom.Pre: true, atom.Section: true, atom.Summary: true,
	atom.Table: true, atom.Tbody: true, atom.Tfoot: true, atom.Thead: true,
	atom.Tr: true, atom.Ul: true,
}

// separator is what a tag of element a leaves in the text.
func separator(a atom.Atom) string {
	switch {
	case block[a]:
		return "\n"
	case a == atom.Td || a == atom.Th:
		// Cells of one row stay on one line, apart.
		return " "
	}
	// Inline markup (<b>, <a>, <span>, unknown tags) joins text as it is:
	// "re<b>mark</b>" is one word, as a reader sees it.
	return ""
}
