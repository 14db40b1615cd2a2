package feeds

import (
	"encoding/xml"
	"io"
)

type opmlDoc struct {
	XMLName xml.Name    `xml:"opml"`
	Version string      `xml:"version,attr"`
	Title   string      `xml:"head>title"`
	Body    opmlOutline `xml:"body>outline"`
}

type opmlOutline struct {
	Text     string        `xml:"text,attr"`
	Title    string        `xml:"title,attr,omitempty"`
	Type     string        `xml:"type,attr,omitempty"`
	XMLURL   string        `xml:"xmlUrl,attr,omitempty"`
	HTMLURL  string        `xml:"htmlUrl,attr,omitempty"`
	Children []opmlOutline `xml:"outline"`
}

// OPML writes every feed (in format) as an OPML 2.0 list, for a reader to
// import at once.
func (s Site) OPML(w io.Writer, refs []Ref, format Format) error {
	doc := opmlDoc{Version: "2.0", Title: "takedownwatch feeds",
		Body: opmlOutline{Text: "takedownwatch", Title: "takedownwatch"}}
	for _, r := range refs {
		f := &Feed{Name: r.Name}
		doc.Body.Children = append(doc.Body.Children, opmlOutline{
			Text: clean(r.Title), Title: clean(r.Title), Type: "rss",
			XMLURL: s.FeedURL(f, format), HTMLURL: s.PageURL(""),
		})
	}
	return writeXML(w, doc)
}
