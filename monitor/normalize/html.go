package normalize

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// pass parses s as HTML once and returns its cleaned text.
func pass(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s))
	z := html.NewTokenizer(strings.NewReader(s))
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
		consumed += len(z.Raw())
		drop := dropText
		dropText = false
		switch tt {
		case html.TextToken:
			if !drop {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			// The tokenizer reads a raw-text element's whole content as
			// the next text token, self-closing slash or not, as
			// browsers do.
			if tt != html.EndTagToken && nonText[a] {
				dropText = true
			}
			b.WriteString(separator(a))
		}
	}
	return clean(b.String())
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
