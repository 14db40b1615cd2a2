package bluesky

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/testtool"
	"github.com/takedownwatch/takedownwatch/monitor"
	"github.com/takedownwatch/takedownwatch/monitor/normalize"
)

// The real samples of ../shared/fixtures/bluesky (see its SOURCES.md):
// bsky.social answers recorded in 2023 and 2025, and AppView snapshots of
// the atproto repository with Jest placeholders (user(0), record(3)) where
// DIDs and URIs were. Every JSON sample is read by the parser of its kind;
// the Jest .snap file itself is not JSON, and its three threads are there
// as JSON samples.

// chrisKenny is the account of the recorded profile and author feeds.
const chrisKenny = "did:plc:wpe35pganb6d4pg4ekmfy6u5"

func readFixture(t *testing.T, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fixtureStatus is the HTTP status a sample was answered with: its
// .meta.json says, else 200 (the 2023 recordings kept bodies only).
func fixtureStatus(t *testing.T, dir, name string) int {
	b, err := os.ReadFile(filepath.Join(dir, strings.TrimSuffix(name, ".json")+".meta.json"))
	if err != nil {
		return 200
	}
	var meta struct {
		Status int `json:"status"`
	}
	if err := json.Unmarshal(b, &meta); err != nil {
		t.Fatalf("%s meta: %v", name, err)
	}
	return meta.Status
}

var (
	jestRecord = regexp.MustCompile(`"record\((\d+)\)"`)
	jestUser   = regexp.MustCompile(`"user\((\d+)\)"`)
)

// unJest turns the snapshots' placeholders into a URI and DIDs that read.
func unJest(b []byte) []byte {
	b = jestRecord.ReplaceAll(b, []byte(`"at://did:plc:fixture/app.bsky.feed.post/record$1"`))
	return jestUser.ReplaceAll(b, []byte(`"did:plc:user$1"`))
}

// sampleKind is what a sample answers, by its top-level keys.
func sampleKind(t *testing.T, body []byte) string {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	for _, k := range []string{"feed", "posts", "profiles", "thread", "error", "value", "commit"} {
		if _, ok := top[k]; ok {
			return k
		}
	}
	return "unknown"
}

func TestFixtures(t *testing.T) {
	dir := testtool.Fixtures(t, "bluesky")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || name == "SOURCES.md" || strings.HasSuffix(name, ".meta.json") || strings.HasSuffix(name, ".snap") {
			continue
		}
		t.Run(name, func(t *testing.T) {
			body := unJest(readFixture(t, dir, name))
			kind := sampleKind(t, body)
			counts[kind]++
			switch kind {
			case "feed":
				checkFeedSample(t, body)
			case "posts":
				checkPostsSample(t, body)
			case "profiles":
				p, err := parseProfile(body)
				if err != nil || p.DID != chrisKenny || len(metrics(p)) != 3 {
					t.Errorf("profile %+v, %v", p, err)
				}
			case "thread":
				checkThreadSample(t, body)
			case "error":
				e, ok := parseXRPCError(body)
				if !ok || e.Name != "InvalidRequest" || fixtureStatus(t, dir, name) != 400 {
					t.Errorf("error %+v %v", e, ok)
				}
			case "value", "commit":
				// Record answers (getRecord, createRecord, deleteRecord):
				// none of the parsers here takes them for what it reads.
				if _, err := parseAuthorFeed(body); err == nil {
					t.Error("a record answer read as an author feed")
				}
				if _, err := parsePosts(body); err == nil {
					t.Error("a record answer read as posts")
				}
				if _, err := parseProfile(body); err == nil {
					t.Error("a record answer read as a profile")
				}
			default:
				t.Errorf("a sample of unknown kind")
			}
		})
	}
	if counts["feed"] != 2 || counts["posts"] != 5 || counts["thread"] != 5 || counts["profiles"] != 2 {
		t.Errorf("samples by kind %v: the fixture folder changed?", counts)
	}
}

// checkFeedSample reads an author feed as the listing of its author.
func checkFeedSample(t *testing.T, body []byte) {
	feed, err := parseAuthorFeed(body)
	if err != nil {
		t.Fatal(err)
	}
	if feed.Skipped != 0 || feed.Cursor == "" {
		t.Errorf("skipped %d items, cursor %q", feed.Skipped, feed.Cursor)
	}
	acc := account{web: "https://bsky.app"}
	var own, reposts int
	for _, it := range feed.Items {
		item, ok := acc.item(it, chrisKenny, time.Now())
		if !ok {
			if len(it.Reason) == 0 {
				t.Errorf("own post %s left out", it.Post.URI)
			}
			reposts++
			continue
		}
		own++
		u, _ := parsePostURI(item.PlatformID)
		if item.URL != "https://bsky.app/profile/chriskenny.bsky.social/post/"+u.Rkey {
			t.Errorf("URL %s", item.URL)
		}
		if item.Published.IsZero() || item.Text == "" || normalize.Plain(item.Text) != item.Text {
			t.Errorf("item %+v", item)
		}
		for _, m := range item.Media {
			if !strings.HasPrefix(m, "https://cdn.bsky.app/img/feed_fullsize/") && !strings.HasPrefix(m, "https://av-cdn.bsky.app/img/feed_fullsize/") {
				t.Errorf("media %s is not a full-size image", m)
			}
		}
	}
	if own == 0 || reposts == 0 {
		t.Errorf("%d own posts, %d reposts: the samples have both", own, reposts)
	}
}

// checkPostsSample checks each post of a posts answer as getPosts would
// answer about it: live, and its images read.
func checkPostsSample(t *testing.T, body []byte) {
	views, err := parsePosts(body)
	if err != nil {
		t.Fatal(err)
	}
	if len(views) == 0 {
		t.Fatal("no posts")
	}
	f := newFake(t).on("getPosts", 200, string(body))
	src := &config.Source{ID: "s", URL: "https://bsky.app/profile/x.bsky.social"}
	for _, v := range views {
		u, ok := parsePostURI(v.URI)
		if !ok {
			t.Errorf("URI %q does not read", v.URI)
			continue
		}
		if v.published().IsZero() {
			t.Errorf("%s: no time", v.URI)
		}
		a, err := New().Check(t.Context(), src, &store.Post{PlatformID: v.URI}, "", f)
		if err != nil || a.Class != monitor.ClassLive {
			t.Errorf("%s: %+v, %v; want live", v.URI, a, err)
		}
		if v.Embed != nil && strings.HasSuffix(v.Embed.Type, "images#view") && len(v.media()) == 0 {
			t.Errorf("%s: images not read", u.Rkey)
		}
	}
}

// threadNode is a node of a getPostThread answer.
type threadNode struct {
	Type    string          `json:"$type"`
	Post    json.RawMessage `json:"post"`
	Parent  json.RawMessage `json:"parent"`
	Replies []json.RawMessage
	URI     string `json:"uri"`
}

// checkThreadSample reads every node of a thread as a getPosts answer
// about it: the views stand in for posts the same way there.
func checkThreadSample(t *testing.T, body []byte) {
	var doc struct {
		Thread json.RawMessage `json:"thread"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	want := map[string]monitor.Class{
		"app.bsky.feed.defs#threadViewPost": monitor.ClassLive,
		typeBlockedPost:                     monitor.ClassRestricted,
		typeNotFoundPost:                    monitor.ClassDeleted,
	}
	src := &config.Source{ID: "s", URL: "https://bsky.app/profile/x.bsky.social"}
	var walk func(raw json.RawMessage)
	seen := 0
	walk = func(raw json.RawMessage) {
		if len(raw) == 0 || string(raw) == "null" {
			return
		}
		var n threadNode
		if err := json.Unmarshal(raw, &n); err != nil {
			t.Fatal(err)
		}
		view, uri := raw, n.URI
		if n.Type == "app.bsky.feed.defs#threadViewPost" {
			view = n.Post
			var p postView
			if err := json.Unmarshal(view, &p); err != nil {
				t.Fatal(err)
			}
			uri = p.URI
		}
		seen++
		f := newFake(t).on("getPosts", 200, `{"posts":[`+string(view)+`]}`)
		a, err := New().Check(t.Context(), src, &store.Post{PlatformID: uri}, "", f)
		if err != nil || a.Class != want[n.Type] {
			t.Errorf("%s %s: %+v, %v; want %s", n.Type, uri, a, err, want[n.Type])
		}
		walk(n.Parent)
		for _, r := range n.Replies {
			walk(r)
		}
	}
	walk(doc.Thread)
	if seen == 0 {
		t.Error("no thread nodes")
	}
}

// TestFixtures_Collect collects the recorded account from its recorded
// profile and feed.
func TestFixtures_Collect(t *testing.T) {
	dir := testtool.Fixtures(t, "bluesky")
	f := newFake(t).
		on("getProfile", 200, string(readFixture(t, dir, "bskyr_vcr2025__a_profile.json"))).
		on("getRepoStatus", 200, `{"did":"`+chrisKenny+`","active":true}`).
		on("getAuthorFeed", 200, string(readFixture(t, dir, "bskyr_vcr2025__f_autfeed.json")))
	src := &config.Source{ID: "ck", URL: "https://bsky.app/profile/chriskenny.bsky.social", PDSBase: "https://pds.example"}
	l, err := New().Collect(t.Context(), src, f, monitor.CollectOptions{Pages: 1})
	if err != nil {
		t.Fatal(err)
	}
	wantMetrics := []monitor.Metric{{Name: "followers", Value: 554}, {Name: "following", Value: 296}, {Name: "posts", Value: 65}}
	if len(l.Metrics) != 3 || l.Metrics[0] != wantMetrics[0] || l.Metrics[1] != wantMetrics[1] || l.Metrics[2] != wantMetrics[2] {
		t.Errorf("metrics %v, want %v", l.Metrics, wantMetrics)
	}
	// 28 items, 3 of them reposts; 9 images in 6 posts, 2 of them beside a quote.
	var media, withMedia int
	for _, it := range l.Items {
		media += len(it.Media)
		if len(it.Media) > 0 {
			withMedia++
		}
	}
	if len(l.Items) != 25 || media != 9 || withMedia != 6 || l.Cursor != chrisKenny {
		t.Errorf("%d items, %d media in %d posts, cursor %s; want 25, 9 in 6, %s", len(l.Items), media, withMedia, l.Cursor, chrisKenny)
	}
	first := l.Items[0]
	if first.PlatformID != "at://"+chrisKenny+"/app.bsky.feed.post/3lof7sovfok2h" ||
		first.URL != "https://bsky.app/profile/chriskenny.bsky.social/post/3lof7sovfok2h" ||
		!first.Published.Equal(time.Date(2025, 5, 5, 1, 30, 17, 912_000_000, time.UTC)) ||
		!strings.HasPrefix(first.Text, "If you\u2019re running this on GHA") {
		t.Errorf("first item %+v", first)
	}

	// The recorded 400 of createRecord, as an AppView error about the
	// account: not the account's loss.
	f = newFake(t).on("getProfile", fixtureStatus(t, dir, "bskyr_vcr2025__r_post_errors.json"), string(readFixture(t, dir, "bskyr_vcr2025__r_post_errors.json")))
	_, err = New().Collect(t.Context(), src, f, monitor.CollectOptions{})
	var se *monitor.StatusError
	var ag *monitor.AccountGoneError
	if !errors.As(err, &se) || se.StatusCode != 400 || errors.As(err, &ag) || !strings.Contains(err.Error(), "InvalidRequest") {
		t.Errorf("err %v, want a 400 StatusError naming InvalidRequest", err)
	}
}
