package facebook

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/internal/testtool"
	"github.com/takedownwatch/takedownwatch/monitor"
	"github.com/takedownwatch/takedownwatch/monitor/feed"
	"github.com/takedownwatch/takedownwatch/monitor/normalize"
)

// TestRSSBridge_Fixtures reads RSS-Bridge's output with the feed
// collector's parser: a bridged Page is a feed source (see README.md).
func TestRSSBridge_Fixtures(t *testing.T) {
	dir := filepath.Join(testtool.Fixtures(t, "facebook"), "rssbridge")
	tests := []struct {
		file, contentType string
		links             []string
	}{
		{"expectedAtomFormat_feed.common.xml", "application/atom+xml", []string{
			"http://example.com/blog/test-entry", "https://jsonfeed.org/2017/05/17/announcing_json_feed",
			"http://example.org/2005/04/02/atom", "http://liftoff.msfc.nasa.gov/news/2003/news-starcity.asp"}},
		{"expectedJsonFormat_feed.common.json", "application/json", []string{
			"http://example.com/blog/test-entry", "https://jsonfeed.org/2017/05/17/announcing_json_feed",
			"http://example.org/2005/04/02/atom", "http://liftoff.msfc.nasa.gov/news/2003/news-starcity.asp"}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join(dir, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			items, err := feed.Parse(body, tc.contentType, "https://bridge.example/?action=display&format=x")
			if err != nil {
				t.Fatal(err)
			}
			var links []string
			for _, it := range items {
				links = append(links, it.URL)
				if it.Text == "" || it.Text != normalize.Plain(it.Text) || it.PlatformID == "" {
					t.Errorf("item %+v", it)
				}
			}
			if !slices.Equal(links, tc.links) {
				t.Errorf("links %v, want %v", links, tc.links)
			}
			if items[0].Text != "Hello world, this is a test entry." || !items[0].Published.Equal(time.Date(2018, 12, 1, 12, 0, 0, 0, time.UTC)) {
				t.Errorf("first item %+v", items[0])
			}
			if !slices.Equal(items[2].Media, []string{"http://example.org/audio/ph34r_my_podcast.mp3"}) {
				t.Errorf("enclosure %v", items[2].Media)
			}
		})
	}
}

// TestRSSBridge_FacebookBridge reads a bridged Page (in the shape of
// FacebookBridge's one item): its link is the post's permalink, which a
// check reads logged out.
func TestRSSBridge_FacebookBridge(t *testing.T) {
	items, err := feed.Parse(readTestdata(t, "rssbridge_facebook.atom"), "application/atom+xml", "https://bridge.example/")
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 {
		t.Fatalf("%d items, want the bridge's one", len(items))
	}
	it := items[0]
	if it.URL != "https://www.facebook.com/hunsencambodia/posts/4011234567890123" || it.Text != "ចាប់ដៃរួមគ្នា ធ្វើកិច្ចការធំមួយ\nSecond line" ||
		!slices.Equal(it.Media, []string{"https://scontent.example/v/t39/photo.jpg"}) {
		t.Errorf("item %+v", it)
	}
	if owner, id, ok := PostIDFromURL(it.URL); !ok || owner != "hunsencambodia" || id != "4011234567890123" {
		t.Errorf("PostIDFromURL(%s) = %q %q %v", it.URL, owner, id, ok)
	}
	gone := &monitor.FetchResponse{URL: it.URL, StatusCode: 200, Body: []byte("<title>Facebook</title><div>This content isn't available right now</div>")}
	if a := ClassifyPermalink(it.URL, it.Text, gone); a.Class != monitor.ClassDeleted {
		t.Errorf("gone permalink: %+v", a)
	}
}
