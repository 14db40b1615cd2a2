package feed

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/testtool"
	"github.com/takedownwatch/takedownwatch/monitor"
)

// headerComment is the HTTP header some feedparser fixtures say they are
// served with, in their leading comment.
var headerComment = regexp.MustCompile(`(?im)^\s*Header:\s*Content-type:\s*(.+?)\s*$`)

func fixtureContentType(body []byte) string {
	if m := headerComment.FindSubmatch(body[:min(len(body), 512)]); m != nil {
		return string(m[1])
	}
	return ""
}

// unreadable are the fixtures that are no feed, or broken beyond reading,
// with what their error says.
var unreadable = map[string]string{
	"feedparser__encoding_bozo_invalid-bytes-with-bom.xml":         "feed: XML syntax error on line 11: unexpected EOF",
	"feedparser__illformed_rss_empty_document.xml":                 "feed: not an RSS, Atom or JSON feed",
	"feedparser__illformed_rss_incomplete_cdata.xml":               "feed: XML syntax error on line 13: invalid <![ sequence",
	"feedparser__illformed_rss_item_link_corrupted_ampersands.xml": "feed: XML syntax error on line 13: unexpected EOF",
	"gofeed__universal_empty_feed.xml":                             "feed: empty document",
	"gofeed__universal_invalid.json":                               "feed: unexpected end of JSON input",
	"gofeed__universal_unknown_feed.xml":                           "feed: not an RSS, Atom or JSON feed",
	"rssparser__unrecognized.rss":                                  "feed: not an RSS, Atom or JSON feed",
}

// TestCollector_Collect_Fixtures collects every real-world feed of the
// shared fixtures: each gives items or a clear ParseError, never a panic.
func TestCollector_Collect_Fixtures(t *testing.T) {
	dir := testtool.Fixtures(t, "feeds")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var parsed, failed, items int
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || name == "SOURCES.md" {
			continue
		}
		t.Run(name, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			src := &config.Source{ID: "fixture", URL: "http://fixtures.invalid/" + name}
			l, err := New().Collect(t.Context(), src, serve(body, fixtureContentType(body)), monitor.CollectOptions{})
			want, bad := unreadable[name]
			switch {
			case err == nil && !bad:
				parsed++
				items += len(l.Items)
				for i, it := range l.Items {
					if it.PlatformID == "" {
						t.Errorf("item %d has no PlatformID: %+v", i, it)
					}
				}
			case err == nil:
				t.Errorf("parsed into %d items, want error %q", len(l.Items), want)
			default:
				failed++
				var pe *monitor.ParseError
				if !errors.As(err, &pe) || pe.CaptureID != 7 {
					t.Errorf("err = %v (%T), want a ParseError of capture 7", err, err)
				}
				if !bad || !strings.HasPrefix(pe.Err.Error(), want) {
					t.Errorf("err = %q, want it to start with %q", err, want)
				}
			}
		})
	}
	t.Logf("%d fixtures parsed (%d items), %d gave a ParseError", parsed, items, failed)
}

// TestParse_Fixtures checks what real feeds say, in their encodings.
func TestParse_Fixtures(t *testing.T) {
	dir := testtool.Fixtures(t, "feeds")
	tests := []struct {
		file        string
		contentType string // "": as the fixture says, else as a server would send it
		check       func(t *testing.T, items []monitor.Item)
	}{
		{"rssparser__uolNoticias.rss", "", func(t *testing.T, items []monitor.Item) {
			// ISO-8859-1 with no XML declaration and no charset.
			want(t, len(items), 15, "items")
			want(t, items[0].Title, "Ibope: Bolsonaro perde de Haddad, Ciro e Alckmin em simulações de 2º turno", "title")
			wantPrefix(t, items[0].Text, "Líder na pesquisa Ibope de intenção de voto", "text")
			want(t, items[0].URL, "https://noticias.uol.com.br/politica/eleicoes/2018/noticias/2018/09/24/ibope-bolsonaro-perde-de-haddad-ciro-e-alckmin-em-simulacoes-de-2-turno.htm", "url")
		}},
		{"rssparser__uolNoticias.rss", "application/rss+xml; charset=ISO-8859-1", func(t *testing.T, items []monitor.Item) {
			want(t, items[0].Title, "Ibope: Bolsonaro perde de Haddad, Ciro e Alckmin em simulações de 2º turno", "title")
		}},
		{"rssparser__encoding.rss", "text/xml", func(t *testing.T, items []monitor.Item) {
			// ISO-8859-1 by its XML declaration.
			want(t, len(items), 40, "items")
			wantPrefix(t, items[0].Title, "Mãe de utente é a nova presidente da Rar", "title")
			wantPrefix(t, items[0].Text, "Sónia Laygue, profissional na área", "text")
		}},
		{"rssparser__latin2.rss", "", func(t *testing.T, items []monitor.Item) {
			want(t, items[0].Title, "ZAŻÓŁĆ GĘSLĄ JAŹŃ", "title")
			want(t, items[0].Text, "Szedł sasza suchą szosą", "text")
			want(t, strings.Join(items[0].Media, " "), "http://www.example.pl/image.jpg", "media")
		}},
		{"rssparser__encoding-gb2312.xml", "", func(t *testing.T, items []monitor.Item) {
			want(t, items[0].Title, "拟298亿元重组盛大游戏后 世纪华通发20亿回购预案", "title")
		}},
		{"feedparser__illformed_chardet_koi8r.xml", "application/rss+xml; charset=koi8-r", func(t *testing.T, items []monitor.Item) {
			want(t, items[0].Title, "Как пережить новогоднюю ночь", "title")
		}},
		{"feedparser__illformed_chardet_windows1255.xml", "text/xml; charset=windows-1255", func(t *testing.T, items []monitor.Item) {
			wantPrefix(t, items[0].Text, "האם תדפיס נייר של אתר אינטרנט", "text")
		}},
		{"feedparser__illformed_chardet_tis620.xml", "text/xml; charset=TIS-620", func(t *testing.T, items []monitor.Item) {
			wantPrefix(t, items[0].Text, "สำนักงานส่งเสริมอุตสาห", "text")
		}},
		{"feedparser__encoding_utf-16le-bom.xml", "", func(t *testing.T, items []monitor.Item) { want(t, len(items), 0, "items") }},
		{"feedparser__encoding_utf-32be-autodetect.xml", "", func(t *testing.T, items []monitor.Item) { want(t, len(items), 0, "items") }},
		{"feedparser__encoding_big5.xml", "", func(t *testing.T, items []monitor.Item) { want(t, len(items), 0, "items") }},
		{"feedparser__encoding_http_text_xml_charset_overrides_encoding.xml", "", func(t *testing.T, items []monitor.Item) {
			want(t, len(items), 0, "items")
		}},
		{"gofeed__json_version_json_11.json", "application/feed+json", func(t *testing.T, items []monitor.Item) {
			want(t, len(items), 1, "items")
			it := items[0]
			want(t, it.PlatformID, "id", "id")
			want(t, it.URL, "https://sample-json-feed.com/id", "url")
			want(t, it.Title, "title", "title")
			want(t, it.Text, "content_html", "text")
			want(t, it.Published.Format(time.RFC3339Nano), "2019-10-12T07:20:50.52Z", "published")
			want(t, strings.Join(it.Media, " "), "https://sample-json-feed.com/image.png https://sample-json-feed.com/attachment", "media")
		}},
		{"gofeed__json_version_json_10.json", "application/json", func(t *testing.T, items []monitor.Item) {
			want(t, len(items), 1, "items")
			want(t, items[0].Text, "content_html", "text")
		}},
		{"rssbridge__microblog_jsonfeed.json", "", func(t *testing.T, items []monitor.Item) {
			want(t, len(items), 2, "items")
			want(t, items[0].Text, "Oh 😲 I found three monkeys 🙈🙉🙊", "text")
		}},
		{"feedparser__json_example.json", "", func(t *testing.T, items []monitor.Item) {
			want(t, len(items), 2, "items")
			want(t, strings.Join(items[0].Media, " "), "https://example.org/second-item-show.mp4", "media")
		}},
		{"rssparser__guardian.rss", "", func(t *testing.T, items []monitor.Item) {
			want(t, len(items), 55, "items")
			want(t, len(items[0].Media), 2, "media:content of the first item")
			wantPrefix(t, items[0].Text, "The president’s ‘new American moment’ speech", "text")
		}},
		{"rssparser__heise.atom", "", func(t *testing.T, items []monitor.Item) {
			want(t, len(items), 15, "items")
			want(t, items[0].PlatformID, "http://heise.de/-3088438", "id")
			wantPrefix(t, items[0].Text, "Die nun verfügbare Version 10", "text")
		}},
		{"rssparser__rss-1.rss", "", func(t *testing.T, items []monitor.Item) { want(t, len(items), 69, "RDF items") }},
		{"rssparser__rss091.rss", "", func(t *testing.T, items []monitor.Item) { want(t, len(items), 15, "RSS 0.91 items") }},
		{"rssparser__heraldsun.rss", "", func(t *testing.T, items []monitor.Item) {
			want(t, strings.Join(items[0].Media, " "), "http://www.oreilly.com/001.mp3", "enclosure")
		}},
		{"gofeed__atom_atom10_feed_entry_link_href_invalid_space_prefix.xml", "", func(t *testing.T, items []monitor.Item) {
			want(t, items[0].URL, "http://example.org", "url")
		}},
		{"gofeed__atom_atom10_feed_entry_content_base64.xml", "", func(t *testing.T, items []monitor.Item) {
			want(t, items[0].Text, "Entry Content", "text")
		}},
		{"rssparser__incomplete-fields.atom", "", func(t *testing.T, items []monitor.Item) {
			// No id, no link, no title, no date: keyed by its (empty) text.
			wantPrefix(t, items[0].PlatformID, "sha256:", "id")
		}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join(dir, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			ct := tc.contentType
			if ct == "" {
				ct = fixtureContentType(body)
			}
			items, err := Parse(body, ct, "http://fixtures.invalid/"+tc.file)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			tc.check(t, items)
		})
	}
}

func want[T comparable](t *testing.T, got, want T, what string) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func wantPrefix(t *testing.T, got, prefix, what string) {
	t.Helper()
	if !strings.HasPrefix(got, prefix) {
		t.Errorf("%s = %.80q, want it to start with %q", what, got, prefix)
	}
}
