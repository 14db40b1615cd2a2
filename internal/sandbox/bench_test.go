package sandbox_test

import (
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/internal/sandbox"
)

// BenchmarkFeed serves 20-item RSS feeds over loopback HTTP with keep-alive,
// as a collector's benchmark would fetch them: from one account, and
// rotating over 1,000 accounts so the per-account cache is exercised.
func BenchmarkFeed(b *testing.B) {
	for _, accounts := range []int{1, 1000} {
		b.Run(fmt.Sprintf("accounts=%d", accounts), func(b *testing.B) {
			sb, err := sandbox.New(sandbox.Options{})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = sb.Close() })
			start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			urls := make([]string, accounts)
			for i := range urls {
				a := sb.AddAccount(0, fmt.Sprintf("acct%d", i))
				for j := range 20 {
					a.Publish(sandbox.Post{Title: "post", HTML: "<p>Some text of a post, long enough to look real.</p>", Published: start.Add(time.Duration(j) * time.Minute)})
				}
				urls[i] = a.FeedURL()
			}
			c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
			b.Cleanup(c.CloseIdleConnections)
			i := 0
			for b.Loop() {
				resp, err := c.Get(urls[i%len(urls)])
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, resp.Body); err != nil {
					b.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("status %d", resp.StatusCode)
				}
				i++
			}
		})
	}
}
