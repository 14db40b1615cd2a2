package feed

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/takedownwatch/takedownwatch/internal/testtool"
)

// seedFiles are fixtures that cover the parser's branches: each format,
// legacy and wide encodings, and broken documents.
var seedFiles = []string{
	"rssparser__heraldsun.rss",
	"rssparser__latin2.rss",
	"rssparser__incomplete-fields.atom",
	"rssbridge__microblog_mrss.xml",
	"gofeed__json_version_json_11.json",
	"gofeed__universal_rss_feed_bom.xml",
	"gofeed__atom_entry_content_xml_base_inherit.xml",
	"feedparser__encoding_utf-16le-bom.xml",
	"feedparser__encoding_utf-32be-autodetect.xml",
	"feedparser__illformed_rss_incomplete_cdata.xml",
	"feedparser__illformed_chardet_koi8r.xml",
}

func FuzzParse(f *testing.F) {
	// Without the fixtures (a user's own clone) the inline seeds still run.
	dir := filepath.Join(testtool.Root(f), "..", "shared", "fixtures", "feeds")
	if _, err := os.Stat(dir); err == nil {
		for _, name := range seedFiles {
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				f.Fatalf("seed: %v", err)
			}
			f.Add(b, "")
		}
	} else if os.Getenv("CI") == "true" {
		testtool.Missing(f, "fixture folder "+dir, "it sits beside the repository in development checkouts")
	}
	for _, s := range []struct{ body, contentType string }{
		{"", ""},
		{`<rss version="2.0"><channel><item><guid>1</guid><link>/a</link><description>&lt;p&gt;x&lt;/p&gt;</description></item></channel></rss>`, "application/rss+xml"},
		{`<?xml version="1.0" encoding="iso-8859-1"?><rss><channel><item><title>caf` + "\xe9" + `</title></item></channel></rss>`, "text/xml; charset=utf-8"},
		{`<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://x/"><entry><id>i</id><link href="p"/><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><b>b</b></div></content></entry></feed>`, ""},
		{`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><item><title>t</title></item></rdf:RDF>`, ""},
		{`{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"1","content_text":"hi","attachments":[{"url":"/m.mp4"}]}]}`, "application/feed+json"},
		{`<rss xmlns:media="http://search.yahoo.com/mrss/"><channel><item><media:group><media:content url="a.jpg"><media:thumbnail url="t.jpg"/></media:content></media:group></item></channel></rss>`, ""},
	} {
		f.Add([]byte(s.body), s.contentType)
	}
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		items, err := Parse(body, contentType, "http://fuzz.invalid/feed")
		if err != nil {
			if items != nil || !strings.HasPrefix(err.Error(), "feed: ") {
				t.Fatalf("Parse = %d items, %q: want no items and a feed: error", len(items), err)
			}
			return
		}
		seen := make(map[string]bool)
		for _, it := range items {
			if it.PlatformID == "" || seen[it.PlatformID] {
				t.Fatalf("PlatformID %q empty or repeated", it.PlatformID)
			}
			seen[it.PlatformID] = true
			for _, s := range []string{it.Title, it.Text} {
				if !utf8.ValidString(s) {
					t.Fatalf("invalid UTF-8 in %q", s)
				}
			}
			if it.URL != "" && fetchable(it.URL) == "" {
				t.Fatalf("URL %q is not an absolute http(s) URL", it.URL)
			}
			for _, m := range it.Media {
				if fetchable(m) == "" {
					t.Fatalf("media %q is not an absolute http(s) URL", m)
				}
			}
		}
	})
}
