package feed

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/monitor"
)

func rss(items string) string {
	return `<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>c</title>` + items + `</channel></rss>`
}

func parseOne(t *testing.T, body, base string) []monitor.Item {
	t.Helper()
	items, err := Parse([]byte(body), "", base)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return items
}

func TestParse_Items(t *testing.T) {
	const base = "http://feeds.example/site/feed.xml"
	tests := []struct {
		name string
		body string
		want []monitor.Item
	}{
		{
			name: "guid permalink stands in for a missing link",
			body: rss(`<item><guid>https://site.example/p/1</guid><title>t</title></item>`),
			want: []monitor.Item{{PlatformID: "https://site.example/p/1", URL: "https://site.example/p/1", Title: "t", Text: "t"}},
		},
		{
			name: "opaque guid and no link: no URL",
			body: rss(`<item><guid isPermaLink="false">abc-1</guid><description>d</description></item>`),
			want: []monitor.Item{{PlatformID: "abc-1", Text: "d"}},
		},
		{
			name: "relative link against the channel link",
			body: `<rss><channel><link>https://site.example/blog/</link><item><link>posts/2</link></item></channel></rss>`,
			want: []monitor.Item{{PlatformID: "https://site.example/blog/posts/2", URL: "https://site.example/blog/posts/2"}},
		},
		{
			name: "relative link against the fetched URL",
			body: rss(`<item><link>/p/3</link></item>`),
			want: []monitor.Item{{PlatformID: "http://feeds.example/p/3", URL: "http://feeds.example/p/3"}},
		},
		{
			name: "atom xml:base",
			body: `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://site.example/a/"><entry><id>urn:x:1</id>` +
				`<link rel="alternate" href="e/1"/><updated>2026-03-01T10:00:00+07:00</updated><summary>s</summary></entry></feed>`,
			want: []monitor.Item{{PlatformID: "urn:x:1", URL: "https://site.example/a/e/1", Published: time.Date(2026, 3, 1, 3, 0, 0, 0, time.UTC), Text: "s"}},
		},
		{
			name: "atom 0.3",
			body: `<feed version="0.3" xmlns="http://purl.org/atom/ns#"><entry><id>tag:a,2004:1</id>` +
				`<link rel="alternate" type="text/html" href="http://site.example/1"/><issued>2004-01-02T03:04:05Z</issued>` +
				`<content type="text/html" mode="escaped">&lt;p&gt;old &amp;amp; new&lt;/p&gt;</content></entry></feed>`,
			want: []monitor.Item{{PlatformID: "tag:a,2004:1", URL: "http://site.example/1", Published: time.Date(2004, 1, 2, 3, 4, 5, 0, time.UTC), Text: "old & new"}},
		},
		{
			name: "absolute link kept as written",
			body: rss(`<item><link> https://Site.example/p?q=a%20b&amp;x=1 </link></item>`),
			want: []monitor.Item{{PlatformID: "https://Site.example/p?q=a%20b&x=1", URL: "https://Site.example/p?q=a%20b&x=1"}},
		},
		{
			name: "link that cannot be fetched",
			body: rss(`<item><guid>g</guid><link>javascript:alert(1)</link></item>`),
			want: []monitor.Item{{PlatformID: "g"}},
		},
		{
			name: "repeated guid: one kept, whatever the order",
			body: rss(`<item><guid>g</guid><title>first</title></item><item><guid>g</guid><title>second</title></item><item><guid>h</guid></item>`),
			want: []monitor.Item{{PlatformID: "g", Title: "first", Text: "first"}, {PlatformID: "h"}},
		},
		{
			// a feed that swaps them at every fetch made an edit of each
			name: "repeated guid in the other order: the same one",
			body: rss(`<item><guid>g</guid><title>second</title></item><item><guid>g</guid><title>first</title></item><item><guid>h</guid></item>`),
			want: []monitor.Item{{PlatformID: "g", Title: "first", Text: "first"}, {PlatformID: "h"}},
		},
		{
			name: "repeated guid: the latest published",
			body: rss(`<item><guid>g</guid><title>first</title><pubDate>Tue, 03 Feb 2026 04:05:06 +0000</pubDate></item>` +
				`<item><guid>g</guid><title>second</title><pubDate>Wed, 04 Feb 2026 04:05:06 +0000</pubDate></item>`),
			want: []monitor.Item{{PlatformID: "g", Title: "second", Text: "second", Published: time.Date(2026, 2, 4, 4, 5, 6, 0, time.UTC)}},
		},
		{
			name: "content, else description, else title",
			body: rss(`<item><guid>1</guid><title>T1</title><description>D1</description>` +
				`<content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/">&lt;p&gt;C1&lt;/p&gt;</content:encoded></item>` +
				`<item><guid>2</guid><title>T2</title><description>&lt;p&gt;D2&lt;/p&gt;</description>` +
				`<content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/">&lt;img src="x.jpg"&gt;</content:encoded></item>` +
				`<item><guid>3</guid><title>T&amp;amp;3</title></item>`),
			want: []monitor.Item{
				{PlatformID: "1", Title: "T1", Text: "C1"},
				{PlatformID: "2", Title: "T2", Text: "D2"},
				{PlatformID: "3", Title: "T&3", Text: "T&3"},
			},
		},
		{
			// the type is what tells "type <b> for bold" from HTML
			name: "atom content typed text keeps the tags it shows; html and untyped are markup",
			body: `<feed xmlns="http://www.w3.org/2005/Atom">` +
				`<entry><id>t</id><content type="text">type &lt;b&gt; for bold &amp;amp; &lt;Article 19&gt;</content></entry>` +
				`<entry><id>h</id><content type="html">&lt;p&gt;type &amp;lt;b&amp;gt; for bold&lt;/p&gt;</content></entry>` +
				`<entry><id>u</id><content>&lt;p&gt;untyped&lt;/p&gt;</content></entry>` +
				`<entry><id>s</id><content type="text"> </content><summary>&lt;i&gt;summary&lt;/i&gt;</summary></entry></feed>`,
			want: []monitor.Item{
				{PlatformID: "t", Text: "type <b> for bold &amp; <Article 19>"},
				{PlatformID: "h", Text: "type <b> for bold"},
				{PlatformID: "u", Text: "untyped"},
				{PlatformID: "s", Text: "summary"},
			},
		},
		{
			name: "json feed content_text is text, content_html markup",
			body: `{"version":"https://jsonfeed.org/version/1.1","items":[` +
				`{"id":"p","content_text":"use the <script> tag &amp; <b>"},` +
				`{"id":"h","content_html":"<p>html &lt;b&gt;</p>","content_text":"ignored"}]}`,
			want: []monitor.Item{
				{PlatformID: "p", Text: "use the <script> tag &amp; <b>"},
				{PlatformID: "h", Text: "html <b>"},
			},
		},
		{
			name: "published, else updated",
			body: rss(`<item><guid>1</guid><pubDate>Tue, 03 Feb 2026 04:05:06 +0200</pubDate></item>` +
				`<item><guid>2</guid><dc:date xmlns:dc="http://purl.org/dc/elements/1.1/">2026-02-04T00:00:00Z</dc:date></item>` +
				`<item><guid>3</guid><pubDate>not a date</pubDate></item>`),
			want: []monitor.Item{
				{PlatformID: "1", Published: time.Date(2026, 2, 3, 2, 5, 6, 0, time.UTC)},
				{PlatformID: "2", Published: time.Date(2026, 2, 4, 0, 0, 0, 0, time.UTC)},
				{PlatformID: "3"},
			},
		},
		{
			name: "media: image, enclosures, media rss; absolute, once each, http(s) only",
			body: rss(`<item><guid>m</guid>` +
				`<enclosure url="/media/a.mp3" type="audio/mpeg" length="1"/>` +
				`<enclosure url="http://feeds.example/media/a.mp3" type="audio/mpeg" length="1"/>` +
				`<enclosure url="data:image/png;base64,AAAA" type="image/png" length="1"/>` +
				`<media:content url="https://cdn.example/v.mp4" medium="video"><media:thumbnail url="https://cdn.example/v.jpg"/></media:content>` +
				`<media:group><media:content url="https://cdn.example/hd.mp4"/><media:thumbnail url="thumb.jpg"/></media:group>` +
				`<media:thumbnail url="https://cdn.example/v.jpg"/>` +
				`</item>`),
			want: []monitor.Item{{PlatformID: "m", Media: []string{
				"http://feeds.example/media/a.mp3", "https://cdn.example/v.mp4", "https://cdn.example/v.jpg",
				"https://cdn.example/hd.mp4", "http://feeds.example/site/thumb.jpg",
			}}},
		},
		{
			name: "json feed attachments and image",
			body: `{"version":"https://jsonfeed.org/version/1.1","home_page_url":"https://site.example/","items":[` +
				`{"id":"j1","url":"/j1","content_text":"plain <3 text","image":"img.png","attachments":[{"url":"/a.ogg","mime_type":"audio/ogg"}]}]}`,
			want: []monitor.Item{{PlatformID: "j1", URL: "https://site.example/j1", Text: "plain <3 text",
				Media: []string{"https://site.example/img.png", "https://site.example/a.ogg"}}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := parseOne(t, tc.body, base)
			if len(got) != len(tc.want) {
				t.Fatalf("got %d items %+v, want %d", len(got), got, len(tc.want))
			}
			for i := range got {
				g, w := got[i], tc.want[i]
				if g.PlatformID != w.PlatformID || g.URL != w.URL || !g.Published.Equal(w.Published) ||
					g.Title != w.Title || g.Text != w.Text || !slices.Equal(g.Media, w.Media) {
					t.Errorf("item %d:\n got %+v\nwant %+v", i, g, w)
				}
			}
		})
	}
}

// TestParse_DigestIDs covers items with neither guid nor link: their key
// comes from title and date, so it stays put across fetches and edits of
// the text, and tells apart posts that differ in either.
func TestParse_DigestIDs(t *testing.T) {
	item := func(title, date, text string) string {
		return `<item><title>` + title + `</title><pubDate>` + date + `</pubDate><description>` + text + `</description></item>`
	}
	const date = "Tue, 03 Feb 2026 04:05:06 +0000"
	id := func(body string) string {
		t.Helper()
		items := parseOne(t, rss(body), "")
		if len(items) != 1 {
			t.Fatalf("items = %+v", items)
		}
		if !strings.HasPrefix(items[0].PlatformID, "sha256:") || len(items[0].PlatformID) != len("sha256:")+64 {
			t.Fatalf("PlatformID = %q, want sha256:<hex>", items[0].PlatformID)
		}
		return items[0].PlatformID
	}
	first := id(item("Notice", date, "v1"))
	if got := id(item("Notice", date, "v2 edited")); got != first {
		t.Error("editing the text changed the id")
	}
	if got := id(item("<b>Notice</b>", "Tue, 03 Feb 2026 06:05:06 +0200", "v1")); got != first {
		t.Error("markup in the title or another zone for the same time changed the id")
	}
	if got := id(item("Notice", "Wed, 04 Feb 2026 04:05:06 +0000", "v1")); got == first {
		t.Error("another date gave the same id")
	}
	if got := id(item("Other", date, "v1")); got == first {
		t.Error("another title gave the same id")
	}
	a, b := id(`<item><description>one</description></item>`), id(`<item><description>two</description></item>`)
	if a == b {
		t.Error("items with only a text share an id")
	}
}

// Declared plain text that an earlier build, reading it as markup, read
// otherwise carries that former reading, so the archive does not take the
// new reading for an edit; content both read alike carries none.
func TestParse_FormerText(t *testing.T) {
	body := `<feed xmlns="http://www.w3.org/2005/Atom">` +
		`<entry><id>t</id><content type="text">type &lt;b&gt; for bold</content></entry>` +
		`<entry><id>same</id><content type="text">plain words</content></entry>` +
		`<entry><id>h</id><content type="html">&lt;p&gt;html&lt;/p&gt;</content></entry></feed>`
	got := parseOne(t, body, "https://feeds.example/atom")
	want := map[string]string{"t": "type for bold", "same": "", "h": ""}
	for _, it := range got {
		if it.FormerText != want[it.PlatformID] {
			t.Errorf("%s: FormerText %q, want %q", it.PlatformID, it.FormerText, want[it.PlatformID])
		}
	}
}
