package reports

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"

	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/fetchtest"
	"github.com/takedownwatch/takedownwatch/monitor"
)

func TestFeedChannel_Fetch(t *testing.T) {
	srv := httptest.NewServer(serveFiles(t, map[string]string{"/announcements.rss": "moi_announcements.rss"}, "application/rss+xml; charset=utf-8"))
	defer srv.Close()
	rec := fetchtest.New(t)
	ch := &config.ReportChannel{ID: "moi", Kind: "feed", URL: srv.URL + "/announcements.rss", Reporter: "Ministry of Information"}

	b, err := ForKind("feed").Fetch(t.Context(), ch, rec, FetchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Report{
		{
			ChannelID: "moi-ann-2024-0112", Reporter: "Ministry of Information", Channel: "moi",
			FiledAt: ict(2024, 3, 4, 9, 30), Kind: KindGovernmentRequest,
			TargetURLs: []string{
				"https://m.facebook.com/story.php?story_fbid=1354978971282622&id=598338556946671",
				"https://www.facebook.com/598338556946671/posts/1416659045114614?__cft__[0]=AZX&__tn__=%2CO%2CP-R",
			},
			SourceURL: "https://www.information.gov.kh/announcements/2024/0112",
			Notes:     "Request to remove false news about the floods\n\nThe Ministry has asked Facebook to remove the following posts:\npost of 1 March\npost of 2 March\nthe letter (PDF)",
		},
		{
			ChannelID: "https://t.me/KhmerDaily/4821", Reporter: "Ministry of Information", Channel: "moi",
			FiledAt: ict(2024, 3, 4, 11, 5), Kind: KindGovernmentRequest,
			TargetURLs: []string{"https://t.me/KhmerDaily/4821"},
			SourceURL:  "https://t.me/KhmerDaily/4821",
			Notes:      "Telegram message ordered removed\n\nRemoval ordered under the Law on Telecommunications.",
		},
		{
			ChannelID: "https://www.information.gov.kh/announcements/2024/0114", Reporter: "Ministry of Information", Channel: "moi",
			FiledAt: ict(2024, 3, 5, 8, 0), Kind: KindGovernmentRequest,
			TargetURLs: []string{"https://t.me/s/KhmerDaily/4822", "https://mastodon.social/@KhmerVoice/111975123456789012"},
			SourceURL:  "https://www.information.gov.kh/announcements/2024/0114",
			Notes:      "សេចក្តីជូនដំណឹង\n\nក្រសួងបានស្នើសុំឱ្យលុបសារ t.me/s/KhmerDaily/4822 និង https://mastodon.social/@KhmerVoice/111975123456789012. (សូមមើល facebook.com/hunsencambodia ផងដែរ)",
		},
	}
	checkReports(t, b.Reports, want)
	if b.Skipped != 1 {
		t.Errorf("Skipped = %d; want 1 (the press-association item links a page, not a post)", b.Skipped)
	}
	if got := rowErrs(b.Invalid); !slices.Equal(got, []rowErr{{4, "filed_at"}}) {
		t.Errorf("Invalid = %v; want the undated item", b.Invalid)
	}
	if !slices.Equal(b.Captures, []int64{1}) {
		t.Errorf("Captures = %v; want [1]", b.Captures)
	}
	if len(rec.Requests()) != 1 {
		t.Fatalf("%d requests; want 1", len(rec.Requests()))
	}
	r := rec.Requests()[0]
	if r.Kind != monitor.KindReport || r.SourceID != "" || r.Conditional {
		t.Errorf("request = kind %q source %q conditional %v; want an unconditional report fetch, not tied to a source", r.Kind, r.SourceID, r.Conditional)
	}
}

func TestParseFeed_Atom(t *testing.T) {
	ch := &config.ReportChannel{ID: "trc"} // no reporter: the feed's title
	b, err := ParseFeed(readTestdata(t, "trc_orders.atom"), "application/atom+xml", "https://trc.gov.kh/orders/feed.atom", ch)
	if err != nil {
		t.Fatal(err)
	}
	want := []Report{{
		ChannelID: "tag:trc.gov.kh,2024:order-31", Reporter: "TRC orders", Channel: "trc",
		FiledAt: time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC), Kind: KindGovernmentRequest,
		TargetURLs: []string{
			"https://twitter.com/KhmerTimes/status/1700000000000000001",
			"https://bsky.app/profile/khmervoice.bsky.social/post/3k2la7kq2ab2c",
		},
		SourceURL: "https://trc.gov.kh/orders/order-31.html",
		Notes:     "Order 31/2024\n\nBlocked: this post and this one.",
	}}
	checkReports(t, b.Reports, want)
}

// A feed in a legacy encoding that only its HTTP header names (no XML
// declaration) is read in that encoding, as a feed of posts is: without the
// header its Cyrillic bytes would read as windows-1252.
func TestFeedChannel_charsetFromHeader(t *testing.T) {
	const title = "Решение о блокировке"
	rss := `<rss version="2.0"><channel><title>Агентство</title><item><title>` + title + `</title>
<link>https://t.me/KhmerDaily/4821</link><guid>order-7</guid><pubDate>Mon, 04 Mar 2024 09:30:00 +0700</pubDate></item></channel></rss>`
	body, err := charmap.Windows1251.NewEncoder().String(rss)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml; charset=windows-1251")
		w.Write([]byte(body))
	}))
	defer srv.Close()
	ch := &config.ReportChannel{ID: "agency", Kind: "feed", URL: srv.URL}
	b, err := FeedChannel{}.Fetch(t.Context(), ch, fetchtest.New(t), FetchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Reports) != 1 {
		t.Fatalf("%d reports; want 1", len(b.Reports))
	}
	if r := b.Reports[0]; r.Notes != title || r.Reporter != "Агентство" {
		t.Errorf("notes %q, reporter %q; want %q, %q", r.Notes, r.Reporter, title, "Агентство")
	}
}

func TestFeedChannel_Errors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/gone":
			http.Error(w, "gone", http.StatusGone)
		case "/html":
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<!DOCTYPE html><html><body>Maintenance</body></html>"))
		case "/big":
			w.Write(readTestdata(t, "moi_announcements.rss"))
		}
	}))
	defer srv.Close()
	rec := fetchtest.New(t)
	rec.Max = 200
	fetch := func(path string) error {
		ch := &config.ReportChannel{ID: "moi", Kind: "feed", URL: srv.URL + path, Reporter: "M"}
		_, err := FeedChannel{}.Fetch(t.Context(), ch, rec, FetchOptions{})
		return err
	}
	var se *monitor.StatusError
	if err := fetch("/gone"); !errors.As(err, &se) || se.StatusCode != http.StatusGone || se.CaptureID == 0 {
		t.Errorf("410: %v; want a StatusError with its capture", err)
	}
	var pe *monitor.ParseError
	if err := fetch("/html"); !errors.As(err, &pe) || pe.CaptureID == 0 {
		t.Errorf("HTML page: %v; want a ParseError with its capture", err)
	}
	if err := fetch("/big"); !errors.As(err, &pe) {
		t.Errorf("cut feed: %v; want a ParseError", err)
	}
	failing := monitor.FetcherFunc(func(ctx context.Context, req *monitor.FetchRequest) (*monitor.FetchResponse, error) {
		return nil, &monitor.FetchError{URL: req.URL, Transient: true, Err: errors.New("connection reset")}
	})
	_, err := FeedChannel{}.Fetch(t.Context(), &config.ReportChannel{ID: "moi", URL: srv.URL}, failing, FetchOptions{})
	if !monitor.IsTransient(err) {
		t.Errorf("fetch failure: %v; want the transient FetchError, wrapped", err)
	}
}
