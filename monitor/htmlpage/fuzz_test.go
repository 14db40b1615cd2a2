package htmlpage

import (
	"bytes"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/testtool"
	"github.com/takedownwatch/takedownwatch/monitor/normalize"
)

// fuzzSelectors are what the fuzzer's pages are read with, picked by a
// fuzzed index: the testdata pages' own, and catch-alls.
var fuzzSelectors = []config.Selectors{
	{Item: ".views-row", Link: "h3 a", Text: ".field--name-body", Date: ".date-display-single", DateLayout: "2 January 2006"},
	{Item: "article.type-post", Link: "h2.entry-title a", Text: ".entry-summary", Date: "time.published"},
	{Item: "tr.row", Link: "a.title", Text: ".teaser", Date: "td.date"},
	{Item: "li.news-item", Link: "a.news-link", Text: ".news-summary", Date: ".news-date", DateLayout: "02/01/2006"},
	{Item: "div.item", Link: "a", Text: ".text"},
	{Item: "a.card", Link: "a", Date: ".card__date"},
	fbSel,
	{Item: "*", Link: "*", Text: "*", Date: "*"},
	{Item: "li, div, article", Link: "a, area, link", Date: "time, span", DateLayout: "2 January at 15:04"},
}

func FuzzParse(f *testing.F) {
	entries, err := os.ReadDir("testdata")
	if err != nil {
		f.Fatal(err)
	}
	for i, e := range entries {
		if !e.IsDir() { // testdata/fuzz holds the fuzzer's own finds
			f.Add(readTestdata(f, e.Name()), "text/html", uint8(i))
		}
	}
	// Without the fixtures (a user's own clone) the other seeds still run.
	dir := filepath.Join(testtool.Root(f), "..", "shared", "fixtures", "facebook", "html")
	if _, err := os.Stat(dir); err == nil {
		for _, name := range []string{"m_facebook_Nintendo_posts_timeline_page1.html", "mbasic_content_not_found_phoenix_failed8.html"} {
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				f.Fatalf("seed: %v", err)
			}
			f.Add(b, "text/html; charset=utf-8", uint8(6))
		}
	} else if os.Getenv("CI") == "true" {
		testtool.Missing(f, "fixture folder "+dir, "it sits beside the repository in development checkouts")
	}
	for i, s := range []string{
		``,
		`<div class="item"><a href="/1">x</a></div>`,
		`<base href="//other.example/x/"><div class="item"><a href="1#f">x<img src="i.png"></a><div class="text">&lt;b&gt;t&lt;/b&gt;</div></div><a rel=next href=?p=2>n</a>`,
		`<li class="news-item"><a class="news-link" href="/km/1">ក</a><span class="news-date">០១/០១/២០២៦</span></li>`,
		"<meta charset=koi8-r><div class=item><a href=/1>\xf0\xd2\xc9</a></div>",
		"\xff\xfe<\x00d\x00i\x00v\x00>\x00",
	} {
		f.Add([]byte(s), "", uint8(i))
	}
	pageURL, _ := url.Parse("https://fuzz.example/list/")
	f.Fuzz(func(t *testing.T, body []byte, contentType string, which uint8) {
		sel := fuzzSelectors[int(which)%len(fuzzSelectors)]
		page, err := Parse(body, contentType, pageURL.String(), sel, now)
		if err != nil {
			if page != nil || !strings.HasPrefix(err.Error(), "htmlpage: ") || strings.Contains(err.Error(), "panicked") {
				t.Fatalf("Parse = %v, %q: want no page and an htmlpage: error", page, err)
			}
			return
		}
		if len(page.Items) == 0 {
			t.Fatalf("Parse gave no items and no error")
		}
		seen := make(map[string]bool)
		for _, it := range page.Items {
			if it.PlatformID == "" || seen[it.PlatformID] || it.PlatformID != canonical(it.URL) {
				t.Fatalf("PlatformID %q empty, repeated or not the canonical %q", it.PlatformID, it.URL)
			}
			seen[it.PlatformID] = true
			if !fetchable(it.URL) {
				t.Fatalf("URL %q is not an absolute http(s) URL", it.URL)
			}
			for _, m := range it.Media {
				if !fetchable(m) {
					t.Fatalf("media %q is not an absolute http(s) URL", m)
				}
			}
			for _, s := range []string{it.Title, it.Text} {
				if !utf8.ValidString(s) || normalize.Plain(s) != s {
					t.Fatalf("text %q is not normalized UTF-8", s)
				}
			}
			if !it.Published.IsZero() && (it.Published.Location() != time.UTC || it.Published.Year() < minYear) {
				t.Fatalf("Published %v: want UTC, from %d on", it.Published, minYear)
			}
		}
		if page.Next != "" {
			u, err := url.Parse(page.Next)
			if err != nil || !fetchable(page.Next) || page.Next == pageURL.String() || (!strings.EqualFold(u.Host, pageURL.Host) && !bytes.Contains(bytes.ToLower(body), []byte("base"))) {
				t.Fatalf("Next %q: want another page of the same site", page.Next)
			}
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []struct{ text, layout string }{
		{"28 November 2026", ""},
		{"28th November 2026, 09:30", "2 January 2006, 15:04"},
		{"២៨/១១/២០២៦", "02/01/2006"},
		{"4 June at 17:33", "2 January at 15:04"},
		{"2026-11-28T09:30:00.123456789+07:00", ""},
		{"Sat, 28 Nov 2026 09:30:00 ICT", ""},
		{"\u00a0", "Mon"},
	} {
		f.Add(s.text, s.layout)
	}
	f.Fuzz(func(t *testing.T, text, layout string) {
		got, ok := parseDate(text, layout, now)
		if ok != !got.IsZero() || (ok && (got.Location() != time.UTC || got.Year() < minYear)) {
			t.Fatalf("parseDate(%q, %q) = %v, %v", text, layout, got, ok)
		}
		if dt, ok := parseDatetime(text, now); ok != !dt.IsZero() || (ok && dt.Location() != time.UTC) {
			t.Fatalf("parseDatetime(%q) = %v, %v", text, dt, ok)
		}
	})
}

func fetchable(s string) bool {
	u, err := url.Parse(s)
	return err == nil && webURL(u)
}
