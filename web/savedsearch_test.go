package web

import (
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"

	"github.com/takedownwatch/takedownwatch/archive/store"
)

// A saved search's feed tells the removal of a post it found even when the
// post went with its account (an account_gone event, which names no post,
// stands for it in the other feeds).
func TestSavedSearchFeed_PostRemovedWithItsAccount(t *testing.T) {
	srv, _ := newTestServer(t, fakeSearch{ids: []string{store.PostID("feed", "3")}})
	resp, body := get(t, srv.URL+"/feeds/search.rss?q=budget&state=removed", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	f, err := gofeed.NewParser().ParseString(body)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Items) != 1 || !strings.Contains(f.Items[0].Title+f.Items[0].Description, "Budget approved") {
		t.Fatalf("items %d, want the removal of the post found:\n%s", len(f.Items), body)
	}
}
