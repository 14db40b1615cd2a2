package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"sync/atomic"
	"testing"

	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/sandbox"
)

// TestSources_ReportChannelHealth: `sources` lists the report channels
// beside the sources — one never fetched, one failing with its error and
// failures in a row, and the same one ok again after it answers.
func TestSources_ReportChannelHealth(t *testing.T) {
	var broken atomic.Bool
	broken.Store(true)
	gov := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if broken.Load() {
			http.Error(w, "maintenance", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Reports</title><link>https://gov.example/</link><description>d</description></channel></rss>`)
	}))
	defer gov.Close()
	sb, err := sandbox.New(sandbox.Options{Hosts: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	acc := sb.AddAccount(0, "party")
	acc.Publish(sandbox.Post{HTML: "<p>hello</p>"})
	cfg := config.Default()
	cfg.DataDir = filepath.Join(t.TempDir(), "data")
	cfg.Fetch.PerHostInterval = 0
	cfg.Actors = []config.Actor{{ID: "a", Name: "A", Affiliation: "opposition"}}
	cfg.Sources = []config.Source{{ID: "party", Actor: "a", Platform: "feed", URL: acc.FeedURL(), Schedule: "@hourly", Vantage: "direct"}}
	cfg.ReportChannels = []config.ReportChannel{
		{ID: "moi", Kind: "feed", URL: gov.URL + "/reports.rss", Reporter: "Ministry of Information", Schedule: "@hourly"},
		{ID: "later", Kind: "feed", URL: gov.URL + "/other.rss", Reporter: "Ministry", Schedule: "@hourly"},
	}
	path := saveConfig(t, cfg)

	channelLine := func(id string) string {
		t.Helper()
		out, errOut, code := runCLI(t, "sources", "--config", path)
		if code != 0 {
			t.Fatalf("sources: %d %s", code, errOut)
		}
		m := regexp.MustCompile(`(?m)^` + id + `\s+feed\s+.*$`).FindString(out)
		if m == "" {
			t.Fatalf("sources does not list report channel %s:\n%s", id, out)
		}
		return m
	}
	if line := channelLine("moi"); !regexp.MustCompile(`never run\s+-\s+0`).MatchString(line) {
		t.Errorf("before any snapshot: %q, want never run", line)
	}
	for range 2 {
		if out, errOut, code := runCLI(t, "snapshot", "--config", path, "--log-level", "error"); code != 0 {
			t.Fatalf("snapshot: %d %s %s", code, out, errOut)
		}
	}
	if line := channelLine("moi"); !regexp.MustCompile(`failing\s+-\s+2\s+\S+ .*503`).MatchString(line) {
		t.Errorf("after two failed fetches: %q, want failing, 2 in a row, the 503", line)
	}
	broken.Store(false)
	if out, errOut, code := runCLI(t, "snapshot", "--config", path, "--log-level", "error"); code != 0 {
		t.Fatalf("snapshot: %d %s %s", code, out, errOut)
	}
	if line := channelLine("moi"); !regexp.MustCompile(`ok\s+\d{4}-\S+\s+0\s`).MatchString(line) {
		t.Errorf("after it answered: %q, want ok with a last success and 0 failures", line)
	}
}
