package sandbox_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/takedownwatch/takedownwatch/internal/sandbox"
	"github.com/takedownwatch/takedownwatch/internal/sandbox/sandboxtest"
)

// tgPage is what a reader of a channel preview sees.
type tgPage struct {
	title, subscribers string
	posts              []string // data-post of each message, page order
	texts              []string
	dates              []string
	media              [][]string
	older              string // absolute URL of the ?before= page, "" if none
	noPosts            bool
}

func parseTelegram(t *testing.T, pageURL, body string) tgPage {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	base, err := url.Parse(pageURL)
	if err != nil {
		t.Fatal(err)
	}
	var p tgPage
	p.title = doc.Find(".tgme_channel_info_header_title").Text()
	p.subscribers = strings.TrimSpace(doc.Find(".tgme_channel_info_counter").Text())
	doc.Find(".tgme_widget_message[data-post]").Each(func(_ int, s *goquery.Selection) {
		p.posts = append(p.posts, s.AttrOr("data-post", ""))
		p.texts = append(p.texts, strings.TrimSpace(s.Find(".tgme_widget_message_text").Text()))
		p.dates = append(p.dates, s.Find(".tgme_widget_message_date time").AttrOr("datetime", ""))
		var media []string
		s.Find(".tgme_widget_message_photo_wrap, video").Each(func(_ int, m *goquery.Selection) {
			if src, ok := m.Attr("src"); ok {
				media = append(media, src)
			} else {
				media = append(media, m.AttrOr("style", ""))
			}
		})
		p.media = append(p.media, media)
	})
	if href, ok := doc.Find(`link[rel="prev"]`).Attr("href"); ok {
		u, err := base.Parse(href)
		if err != nil {
			t.Fatal(err)
		}
		p.older = u.String()
		if more := doc.Find("a.tme_messages_more").AttrOr("href", ""); more != href {
			t.Errorf("load-more link %q, want the rel=prev link %q", more, href)
		}
	}
	p.noPosts = doc.Find(".tme_no_messages_found").Length() > 0
	return p
}

func TestTelegram_Preview(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	c := newClient(t)
	a := sb.AddAccount(0, "ministry")
	a.SetMedia("photo.jpg", 10, "image/jpeg")
	a.SetMedia("clip.mp4", 10, "video/mp4")
	start := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	byHour := make([]string, 7)
	for i := range 7 {
		n := (i * 3) % 7 // published out of order: pages follow publish time
		byHour[n] = a.Publish(sandbox.Post{HTML: "<p>statement " + string(rune('a'+n)) + "</p>", Published: start.Add(time.Duration(n) * time.Hour)})
	}
	media := a.Publish(sandbox.Post{HTML: "<p>with media</p>", Published: start.Add(-time.Hour), Media: []string{"photo.jpg", "clip.mp4"}})
	ids := append([]string{media}, byHour...) // oldest first
	a.SetListingLimit(3)
	a.SetMetric("subscribers", 12345)

	// Walk the pages back as a reader would.
	var got []string
	var pages []tgPage
	for u := a.TelegramURL(); u != ""; {
		resp, body := fetch(t, c, u, nil)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
			t.Fatalf("GET %s: %d %s", u, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		p := parseTelegram(t, u, body)
		if p.title != "ministry" || p.subscribers != "12.3K subscribers" {
			t.Errorf("%s: header %q, %q; want ministry, 12.3K subscribers", u, p.title, p.subscribers)
		}
		pages = append(pages, p)
		got = append(slices.Clone(p.posts), got...)
		if len(pages) > 5 {
			t.Fatal("pages do not end")
		}
		u = p.older
	}
	var want []string
	for _, id := range ids {
		want = append(want, "ministry/"+id)
	}
	if !slices.Equal(got, want) {
		t.Errorf("messages over all pages, oldest first:\n got %v\nwant %v", got, want)
	}
	if n := []int{len(pages[0].posts), len(pages[1].posts), len(pages[2].posts)}; !slices.Equal(n, []int{3, 3, 2}) {
		t.Errorf("page sizes %v, want [3 3 2]", n)
	}
	first := pages[0]
	if first.texts[2] != "statement g" || first.dates[2] != "2026-05-01T15:00:00+00:00" {
		t.Errorf("newest message: text %q, date %q", first.texts[2], first.dates[2])
	}
	last := pages[len(pages)-1]
	wantMedia := []string{"width:800px;background-image:url('" + a.MediaURL("photo.jpg") + "')", a.MediaURL("clip.mp4")}
	if !slices.Equal(last.media[0], wantMedia) {
		t.Errorf("media %q, want %q", last.media[0], wantMedia)
	}

	// Posts that leave the listing leave every page.
	a.Delete(ids[len(ids)-1], sandbox.Soft404)
	a.Withhold(ids[len(ids)-2], "")
	a.HideFromListing(ids[len(ids)-3], true)
	_, body := fetch(t, c, a.TelegramURL(), nil)
	if p := parseTelegram(t, a.TelegramURL(), body); !slices.Equal(p.posts, want[len(want)-6:len(want)-3]) {
		t.Errorf("after removals: %v, want %v", p.posts, want[len(want)-6:len(want)-3])
	}
	// A ?before= a post that is gone still pages from where it was.
	u := a.TelegramURL() + "?before=" + ids[len(ids)-1]
	_, body = fetch(t, c, u, nil)
	if p := parseTelegram(t, u, body); !slices.Equal(p.posts, want[len(want)-6:len(want)-3]) {
		t.Errorf("before a deleted post: %v, want %v", p.posts, want[len(want)-6:len(want)-3])
	}

	a.EmptyListing(true)
	_, body = fetch(t, c, a.TelegramURL(), nil)
	if p := parseTelegram(t, a.TelegramURL(), body); len(p.posts) != 0 || !p.noPosts || p.older != "" || p.title != "ministry" {
		t.Errorf("empty listing: %+v, want the header and No posts found", p)
	}
}

func TestTelegram_Counters(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	c := newClient(t)
	a := sb.AddAccount(0, "counted")
	tests := []struct {
		n    int64
		want string
	}{
		{0, "0 subscribers"},
		{1, "1 subscriber"},
		{999, "999 subscribers"},
		{1000, "1K subscribers"},
		{1234, "1.23K subscribers"},
		{1050, "1.05K subscribers"},
		{12345, "12.3K subscribers"},
		{123456, "123K subscribers"},
		{1234567, "1.23M subscribers"},
		{98765432, "98.7M subscribers"},
	}
	_, body := fetch(t, c, a.TelegramURL(), nil)
	if p := parseTelegram(t, a.TelegramURL(), body); p.subscribers != "" {
		t.Errorf("without the metric: counter %q, want none", p.subscribers)
	}
	for _, tt := range tests {
		a.SetMetric("subscribers", tt.n)
		_, body := fetch(t, c, a.TelegramURL(), nil)
		if got := parseTelegram(t, a.TelegramURL(), body).subscribers; got != tt.want {
			t.Errorf("subscribers %d: counter %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestTelegram_Embed(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	c := newClient(t)
	a := sb.AddAccount(0, "channel")
	embed := func(id string) (int, string, string) {
		t.Helper()
		resp, body := fetch(t, c, a.TelegramPostURL(id)+"?embed=1", nil)
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, doc.Find(".tgme_widget_message_error").Text(), strings.TrimSpace(doc.Find(".tgme_widget_message_text").Text())
	}
	tests := []struct {
		name      string
		act       func(id string)
		wantError string
	}{
		{"live", func(string) {}, ""},
		{"hidden from listing", func(id string) { a.HideFromListing(id, true) }, ""},
		{"Gone404", func(id string) { a.Delete(id, sandbox.Gone404) }, sandbox.TelegramNotFoundText},
		{"Gone410", func(id string) { a.Delete(id, sandbox.Gone410) }, sandbox.TelegramNotFoundText},
		{"Soft404", func(id string) { a.Delete(id, sandbox.Soft404) }, sandbox.TelegramNotFoundText},
		{"RedirectHome", func(id string) { a.Delete(id, sandbox.RedirectHome) }, sandbox.TelegramNotFoundText},
		{"withheld", func(id string) { a.Withhold(id, "https://authority.example/1") }, sandbox.TelegramWithheldText},
		{"restricted: no per-post wall", func(id string) { a.Restrict(id, sandbox.LoginRedirect) }, ""},
		{"restored", func(id string) { a.Delete(id, sandbox.Gone404); a.Restore(id) }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := a.Publish(sandbox.Post{HTML: "<p>post " + tt.name + "</p>"})
			tt.act(id)
			status, errText, text := embed(id)
			wantText := ""
			if tt.wantError == "" {
				wantText = "post " + tt.name
			}
			if status != http.StatusOK || errText != tt.wantError || text != wantText {
				t.Errorf("embed: %d, error %q, text %q; want 200, error %q, text %q", status, errText, text, tt.wantError, wantText)
			}
		})
	}
	if status, errText, _ := embed("no-such-post"); status != http.StatusOK || errText != sandbox.TelegramNotFoundText {
		t.Errorf("unknown post: %d %q, want 200 %q", status, errText, sandbox.TelegramNotFoundText)
	}

	// Failures queued on a post or its account reach its embed.
	id := a.Publish(sandbox.Post{HTML: "<p>flaky</p>"})
	a.FailPost(id, 1, sandbox.Status(503))
	a.FailNext(1, sandbox.TooMany(time.Second))
	for _, want := range []int{http.StatusServiceUnavailable, http.StatusTooManyRequests, http.StatusOK} {
		if resp, _ := fetch(t, c, a.TelegramPostURL(id)+"?embed=1", nil); resp.StatusCode != want {
			t.Errorf("embed: %d, want %d", resp.StatusCode, want)
		}
	}

	// A suspended channel's posts are not found.
	a.Suspend()
	if status, errText, _ := embed(id); status != http.StatusOK || errText != sandbox.TelegramNotFoundText {
		t.Errorf("suspended: %d %q, want 200 %q", status, errText, sandbox.TelegramNotFoundText)
	}
}

func TestTelegram_GoneChannel(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	c := newClient(t)
	a := sb.AddAccount(0, "doomed")
	a.Publish(sandbox.Post{HTML: "<p>x</p>"})
	a.FailNext(1, sandbox.Status(502))
	if resp, _ := fetch(t, c, a.TelegramURL(), nil); resp.StatusCode != http.StatusBadGateway {
		t.Errorf("account failure: %d, want 502", resp.StatusCode)
	}
	a.Suspend()
	resp, _ := fetch(t, c, a.TelegramURL(), nil)
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != a.HomeURL() {
		t.Errorf("suspended preview: %d to %q, want 302 to %s", resp.StatusCode, resp.Header.Get("Location"), a.HomeURL())
	}
	if resp, body := fetch(t, c, a.HomeURL(), nil); resp.StatusCode != http.StatusGone || !strings.Contains(body, sandbox.SuspendedText) {
		t.Errorf("suspended channel page: %d, want 410 saying %q", resp.StatusCode, sandbox.SuspendedText)
	}
	a.Unsuspend()
	if resp, _ := fetch(t, c, a.TelegramURL(), nil); resp.StatusCode != http.StatusOK {
		t.Errorf("unsuspended preview: %d, want 200", resp.StatusCode)
	}

	resp, _ = fetch(t, c, strings.Replace(a.TelegramURL(), "/s/doomed", "/s/nobody", 1), nil)
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/nobody" {
		t.Errorf("unknown channel: %d to %q, want 302 to /nobody", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// TestTelegram_Routes checks that Telegram's two-segment paths leave the
// other platforms' paths of the same shape alone.
func TestTelegram_Routes(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	c := newClient(t)
	a := sb.AddAccount(0, "alice")
	a.Publish(sandbox.Post{ID: "feed.rss", HTML: "<p>a post with a tricky id</p>"})
	tests := []struct {
		url, wantType string
		wantStatus    int
		wantIn        string
	}{
		{a.FeedURL(), "application/rss+xml; charset=utf-8", http.StatusOK, "<rss"},
		{a.AtomURL(), "application/atom+xml; charset=utf-8", http.StatusOK, "<feed"},
		{a.PostURL("feed.rss"), "text/html; charset=utf-8", http.StatusOK, `<article class="post">`},
		{a.TelegramURL(), "text/html; charset=utf-8", http.StatusOK, `data-post="alice/feed.rss"`},
		{a.HomeURL() + "/1?embed=1", "text/html; charset=utf-8", http.StatusOK, sandbox.TelegramNotFoundText},
		// Not a channel of this host: another platform's, or nobody's.
		{strings.Replace(a.HomeURL(), "/alice", "/@alice", 1) + "/1", "", 0, ""},
	}
	for _, tt := range tests {
		resp, body := fetch(t, c, tt.url, nil)
		if tt.wantStatus == 0 {
			if strings.Contains(body, "tgme_widget_message") {
				t.Errorf("%s: answered by the Telegram imitation", tt.url)
			}
			continue
		}
		if resp.StatusCode != tt.wantStatus || resp.Header.Get("Content-Type") != tt.wantType || !strings.Contains(body, tt.wantIn) {
			t.Errorf("%s: %d %s, want %d %s with %q", tt.url, resp.StatusCode, resp.Header.Get("Content-Type"), tt.wantStatus, tt.wantType, tt.wantIn)
		}
	}
}

func TestTelegram_ConditionalGet(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	c := newClient(t)
	a := sb.AddAccount(0, "cond")
	id := a.Publish(sandbox.Post{HTML: "<p>v1</p>"})
	for _, u := range []string{a.TelegramURL(), a.TelegramPostURL(id) + "?embed=1"} {
		resp, _ := fetch(t, c, u, nil)
		etag := resp.Header.Get("ETag")
		if resp, _ := fetch(t, c, u, http.Header{"If-None-Match": {etag}}); resp.StatusCode != http.StatusNotModified {
			t.Errorf("%s: unchanged: %d, want 304", u, resp.StatusCode)
		}
		a.Edit(id, "<p>v2</p>")
		if resp, body := fetch(t, c, u, http.Header{"If-None-Match": {etag}}); resp.StatusCode != http.StatusOK || !strings.Contains(body, "v2") {
			t.Errorf("%s: after an edit: %d, want 200 with v2", u, resp.StatusCode)
		}
		a.Edit(id, "<p>v1</p>")
	}
	// The channel header is part of the page: a new counter is a change.
	resp, _ := fetch(t, c, a.TelegramURL(), nil)
	a.SetMetric("subscribers", 7)
	if resp, _ := fetch(t, c, a.TelegramURL(), http.Header{"If-None-Match": {resp.Header.Get("ETag")}}); resp.StatusCode != http.StatusOK {
		t.Errorf("after SetMetric: %d, want 200", resp.StatusCode)
	}
}
