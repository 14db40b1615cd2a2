package htmlpage

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/testtool"
)

// There are no generic press pages among the shared fixtures; the real
// m.facebook.com pages are the stress test: big, script-laden, every class
// name generated, dates without a year, posts hidden in comments.

// fbSel reads m.facebook.com's logged-out timeline: each story an
// <article>, its permalink the "Open story" link, its date an <abbr>.
var fbSel = config.Selectors{Item: "article", Link: "a._5msj", Text: "div._5rgt", Date: "abbr", DateLayout: "2 January at 15:04"}

// fbNow is when the pages were saved (SOURCES.md): it gives the dates their year.
var fbNow = time.Date(2021, 6, 8, 12, 0, 0, 0, time.UTC)

// forLoopJSON is Facebook's anti-hijacking prefix of its JSON answers.
const forLoopJSON = "for (;;);"

// fbPayloadHTML unwraps the HTML of a "see more" answer:
// for (;;);{"payload":{"actions":[{"cmd":"replace","html":…}]}}.
func fbPayloadHTML(t *testing.T, b []byte) []byte {
	t.Helper()
	var v struct {
		Payload struct {
			Actions []struct {
				HTML string `json:"html"`
			} `json:"actions"`
		} `json:"payload"`
	}
	if err := json.Unmarshal(bytes.TrimPrefix(b, []byte(forLoopJSON)), &v); err != nil {
		t.Fatalf("payload: %v", err)
	}
	var out []byte
	for _, a := range v.Payload.Actions {
		out = append(out, a.HTML...)
	}
	return out
}

func TestParse_FacebookFixtures(t *testing.T) {
	dir := filepath.Join(testtool.Fixtures(t, "facebook"), "html")
	story := func(id string) string {
		return "https://m.facebook.com/story.php?story_fbid=" + id + "&id=119240841493711&__tn__=%2As%2As-R"
	}
	type want struct {
		links []string
		dates []time.Time
		text  string // the start of the first text that has one
		err   error
	}
	wants := map[string]want{
		"m_facebook_Nintendo_posts_timeline_page1.html": {
			links: []string{story("4194935043924250"), story("4193752747375813")},
			dates: []time.Time{date(2021, 6, 4, 17, 33), date(2021, 6, 4, 8, 11)},
			text:  "May 2021 is in the books!",
		},
		// The single post's story sits in an HTML comment, for scripts to
		// reveal: no selector reaches it, as none would in a browser.
		"m_facebook_Nintendo_posts_4188053201279101_single_post.html": {err: ErrNoItems},
		"mbasic_content_not_found_phoenix_failed8.html":               {err: ErrNoItems},
		// JSON, CSV: no HTML listing in them.
		"m_facebook_page_content_list_view_more_page2.for_loop_json.txt": {err: ErrNoItems},
		"m_facebook_post_302_redirect_to_video.json":                     {err: ErrNoItems},
		"minet_fbpost_problematic_links_dead.csv":                        {err: ErrNoItems},
		"minet_fburls_url_forms.csv":                                     {err: ErrNoItems},
		// The HTML inside the "see more" answer is the timeline's page 2.
		"m_facebook_page_content_list_view_more_page2.for_loop_json.txt#payload": {
			dates: []time.Time{date(2021, 6, 3, 11, 0), date(2021, 6, 2, 12, 1), date(2021, 6, 2, 11, 0), date(2021, 6, 2, 7, 0)},
		},
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, e := range entries {
		if e.IsDir() || e.Name() == "SOURCES.md" {
			continue
		}
		body, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		names := []string{e.Name()}
		if bytes.HasPrefix(body, []byte(forLoopJSON)) {
			names = append(names, e.Name()+"#payload")
		}
		for _, name := range names {
			t.Run(name, func(t *testing.T) {
				w, ok := wants[name]
				if !ok {
					t.Fatalf("no expectation for fixture %s: add one", name)
				}
				seen++
				b := body
				if strings.HasSuffix(name, "#payload") {
					b = fbPayloadHTML(t, body)
				}
				page, err := Parse(b, "text/html; charset=utf-8", "https://m.facebook.com/Nintendo/posts/", fbSel, fbNow)
				if w.err != nil {
					if !errors.Is(err, w.err) {
						t.Errorf("Parse = %v; want %v", err, w.err)
					}
					return
				}
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				var links []string
				var dates []time.Time
				text := ""
				for _, it := range page.Items {
					links = append(links, it.URL)
					dates = append(dates, it.Published)
					if text == "" {
						text = it.Text
					}
				}
				if w.links != nil && !slices.Equal(links, w.links) {
					t.Errorf("links %q\nwant %q", links, w.links)
				}
				if !slices.EqualFunc(dates, w.dates, time.Time.Equal) || !strings.HasPrefix(text, w.text) {
					t.Errorf("dates %v, first text %.60q; want %v, %q…", dates, text, w.dates, w.text)
				}
			})
		}
	}
	if seen != len(wants) {
		t.Errorf("%d fixtures read, %d expected: a fixture went missing", seen, len(wants))
	}
}
