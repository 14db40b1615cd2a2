package feeds

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/takedownwatch/takedownwatch/archive/store"
)

var update = flag.Bool("update", false, "rewrite golden files")

var (
	testSite = Site{BaseURL: "https://watch.example.org:8443/", Epoch: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	t0       = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
)

// hostile is post text no feed may choke on.
const hostile = "Breaking <script>alert('x')</script> ]]> & \"quotes\"\x00\x07\x1b ctl " +
	"\xff\xfe bad bytes \u202eRTL override\u202c ក្រសួង​ព័ត៌មាន\nsecond line\r\nthird"

func testFeed() *Feed {
	return &Feed{
		Name: "removals", Title: "takedownwatch: removals", Description: "removals, newest first",
		Entries: []Entry{
			{EventRow: &store.EventRow{Event: store.Event{ID: 42, Type: "removed", At: t0.Add(3 * time.Hour), PostID: "pabc",
				Reason: "withheld_legal", Detail: "451 blocked-by https://authority.example/o/1", Evidence: []int64{7, 9},
				LastSeenLive: t0, FirstSeenMissing: t0.Add(2 * time.Hour)},
				PostURL: "https://social.example/@opp/1", Platform: "mastodon", Actor: "opp", ActorName: "Opposition <Party>",
				ReportIDs: []string{"r1"}}, Text: hostile},
			{EventRow: &store.EventRow{Event: store.Event{ID: 41, Type: "account_gone", At: t0.Add(2 * time.Hour), Detail: "suspended"},
				Platform: "bluesky", Actor: "gone", ActorName: "Gone Actor", Folded: 12}},
			{EventRow: &store.EventRow{Event: store.Event{ID: 40, Type: "edited", At: t0.Add(time.Hour), PostID: "pdef",
				Diff: "--- version 1\n+++ version 2\n-old ]]> <b>\n+new\n"},
				PostURL: "javascript:alert(1)", Platform: "feed", Actor: "gov", ActorName: "Government"}, Text: "new"},
			{EventRow: &store.EventRow{Event: store.Event{ID: 39, Type: "metrics_anomaly", At: t0, Metric: &store.Metric{Name: "followers", From: 1000, To: 5030}},
				Platform: "mastodon", Actor: "gov", ActorName: "Government"}},
		},
	}
}

func render(t *testing.T, f *Feed, format Format) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := testSite.Render(&b, format, f); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestRender_Golden(t *testing.T) {
	for _, format := range Formats {
		t.Run(string(format), func(t *testing.T) {
			got := render(t, testFeed(), format)
			path := filepath.Join("testdata", "golden", "removals."+string(format))
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s (run with -update if the change is intended):\n%s", format, path, got)
			}
		})
	}
}

// wellFormed decodes XML strictly, token by token.
func wellFormed(t *testing.T, b []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, b)
		}
	}
}

func TestRender_HostileTextStaysWellFormed(t *testing.T) {
	f := testFeed()
	for _, format := range Formats {
		b := render(t, f, format)
		if format == JSON {
			if !json.Valid(b) {
				t.Fatalf("invalid JSON:\n%s", b)
			}
		} else {
			wellFormed(t, b)
		}
		body := string(b)
		if format == JSON {
			var doc struct {
				Items []struct {
					ContentHTML string `json:"content_html"`
				} `json:"items"`
			}
			json.Unmarshal(b, &doc)
			body = doc.Items[0].ContentHTML
		}
		if strings.Contains(body, "<script>") {
			t.Errorf("%s carries a live <script> tag", format)
		}
		if bytes.Contains(b, []byte("javascript:")) && bytes.Contains(b, []byte(`href="javascript:`)) {
			t.Errorf("%s links javascript:", format)
		}
	}
}

func TestRender_GorillaPitfalls(t *testing.T) {
	f := testFeed()
	p := gofeed.NewParser()
	for _, format := range Formats {
		t.Run(string(format), func(t *testing.T) {
			b := render(t, f, format)
			parsed, err := p.Parse(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("gofeed cannot read our %s: %v", format, err)
			}
			if len(parsed.Items) != len(f.Entries) {
				t.Fatalf("%d items, want %d", len(parsed.Items), len(f.Entries))
			}
			for i, it := range parsed.Items {
				e := f.Entries[i]
				if it.GUID != testSite.EventID(e.ID) {
					t.Errorf("item %d id %q, want %q", i, it.GUID, testSite.EventID(e.ID))
				}
				if it.Link != testSite.Link(e) {
					t.Errorf("item %d link %q, want %q", i, it.Link, testSite.Link(e))
				}
			}
			// Re-rendering after an item changed keeps every id.
			f2 := testFeed()
			f2.Entries[0].Text = "changed"
			f2.Entries[0].At = f2.Entries[0].At.Add(time.Hour)
			again, _ := p.Parse(bytes.NewReader(render(t, f2, format)))
			for i := range again.Items {
				if again.Items[i].GUID != parsed.Items[i].GUID {
					t.Errorf("item %d id changed from %q to %q", i, parsed.Items[i].GUID, again.Items[i].GUID)
				}
			}
			self := testSite.FeedURL(f, format)
			switch format {
			case Atom:
				if parsed.FeedType != "atom" || !strings.Contains(string(b), `<id>tag:watch.example.org,2026:feed/removals</id>`) {
					t.Errorf("atom feed id is not the feed's tag id")
				}
				if !strings.Contains(string(b), `href="`+self+`" rel="self"`) {
					t.Errorf("atom has no rel=self link to %s", self)
				}
			case RSS:
				if !strings.Contains(string(b), `<link xmlns="http://www.w3.org/2005/Atom" href="`+self+`" rel="self"`) {
					t.Errorf("rss has no atom:link rel=self")
				}
				if strings.Count(string(b), "<guid") != len(f.Entries) {
					t.Errorf("rss items lack guids")
				}
			case JSON:
				var doc struct {
					Version string `json:"version"`
					FeedURL string `json:"feed_url"`
				}
				json.Unmarshal(b, &doc)
				if doc.Version != "https://jsonfeed.org/version/1.1" || doc.FeedURL != self {
					t.Errorf("json version %q feed_url %q", doc.Version, doc.FeedURL)
				}
			}
		})
	}
}

func TestRender_EmptyFeed(t *testing.T) {
	f := &Feed{Name: "actors/nobody", Title: "nobody", Page: "actors/nobody"}
	for _, format := range Formats {
		b := render(t, f, format)
		if _, err := gofeed.NewParser().Parse(bytes.NewReader(b)); err != nil {
			t.Errorf("empty %s feed: %v\n%s", format, err, b)
		}
		if format == JSON && !strings.Contains(string(b), `"items": []`) {
			t.Errorf("empty JSON feed lacks items: %s", b)
		}
	}
}

func TestEntry_Title(t *testing.T) {
	f := testFeed()
	want := []string{
		"Removed — withheld for legal reasons: Opposition <Party>: Breaking <script>alert('x')</script> ]]> & \"quotes\" ctl \ufffd bad bytes RTL override ក្រសួង…",
		"Account gone (suspended): Gone Actor — 12 posts removed with it",
		"Edited: Government: new",
		"Metrics anomaly: Government: followers 1000 → 5030",
	}
	for i, e := range f.Entries {
		if got := e.Title(); got != want[i] {
			t.Errorf("title %d:\n%q\nwant\n%q", i, got, want[i])
		}
	}
}
