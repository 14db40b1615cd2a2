package web

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/config"
)

// TestReportsPage: reports are listed newest first with every URL they
// named; a URL naming no archived post is shown "reported, never
// archived", escaped, and the filter keeps only such reports.
func TestReportsPage(t *testing.T) {
	e := newEvidence(t, Options{})
	const hostileURL = `https://www.facebook.com/gone/posts/1"><script>alert(9)</script>`
	err := e.a.Store.Write(t.Context(), func(tx *store.Tx) error {
		same := func(u string) string { return u }
		for _, r := range []*store.Report{
			{ID: "rep-matched", Channel: "moi", Reporter: "Ministry of Information", FiledAt: e.t0, ReceivedAt: e.t0,
				Fingerprint: "a", TargetURLs: []string{e.pageURL}},
			{ID: "rep-mixed", Channel: "moi", Reporter: "Ministry of Information", FiledAt: e.t0.Add(time.Hour), ReceivedAt: e.t0,
				Fingerprint: "b", Kind: "government_request", TargetURLs: []string{e.pageURL, hostileURL},
				ChannelID: "MPTC-2026-0042", Notes: `Reported as "false news" <b>ការរាយការណ៍</b>`},
		} {
			if _, err := tx.AddReport(r, same); err != nil {
				return err
			}
			if _, err := tx.LinkReport(r.ID, e.postID, e.pageURL, e.t0); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string) string {
		t.Helper()
		resp, err := http.Get(e.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d\n%s", path, resp.StatusCode, b)
		}
		return string(b)
	}

	all := get("/reports")
	mixed, matched := strings.Index(all, "<h2>rep-mixed</h2>"), strings.Index(all, "<h2>rep-matched</h2>")
	if mixed < 0 || matched < 0 || mixed > matched {
		t.Fatalf("want both reports, the later filing first (at %d and %d):\n%s", mixed, matched, all)
	}
	if n := strings.Count(all, "reported, never archived</span>"); n != 2 { // the legend and the one URL
		t.Errorf("%d never-archived badges, want the legend's and one URL's:\n%s", n-1, all)
	}
	if n := strings.Count(all, `href="/posts/`+e.postID+`"`); n != 2 {
		t.Errorf("the archived post is linked %d times, want once per report", n)
	}
	if strings.Contains(all, "<script>alert(9)") || !strings.Contains(all, "&lt;script&gt;alert(9)&lt;/script&gt;") {
		t.Errorf("the hostile URL is not shown escaped:\n%s", all)
	}
	for _, want := range []string{`<section class="report" id="report-rep-mixed">`, "moi · its reference MPTC-2026-0042",
		"<td>Reported as &#34;false news&#34; &lt;b&gt;ការរាយការណ៍&lt;/b&gt;</td>", "<td>government request</td>", "<th>Received</th>"} {
		if !strings.Contains(all, want) {
			t.Errorf("the reports page lacks %q", want)
		}
	}
	if !strings.Contains(all, "1 of 2 URLs named never archived") {
		t.Errorf("the mixed report does not count its URL never archived")
	}

	post := get("/posts/" + e.postID)
	for _, want := range []string{"<h2>Takedown reports naming this post</h2>", "<td>2026-05-01 09:00:00 UTC</td>",
		"<td>government request</td>", "<td>rep-mixed</td>", "<td>rep-matched</td>"} {
		if !strings.Contains(post, want) {
			t.Errorf("the post page lacks %q:\n%s", want, post)
		}
	}

	never := get("/reports?never_archived=1")
	if !strings.Contains(never, "<h2>rep-mixed</h2>") || strings.Contains(never, "<h2>rep-matched</h2>") {
		t.Errorf("never_archived=1 must keep only the report naming a URL never archived:\n%s", never)
	}
	if !strings.Contains(get("/reports?offset=1"), "<h2>rep-matched</h2>") {
		t.Error("offset=1 does not reach the older report")
	}
}

// TestSourcesPage_ReportChannels: /sources shows each configured report
// channel's health: a failing one with its error (escaped), one never
// fetched as such.
func TestSourcesPage_ReportChannels(t *testing.T) {
	e := newEvidence(t, Options{ReportChannels: []config.ReportChannel{{ID: "moi", Kind: "feed"}, {ID: "lumen", Kind: "lumen"}}})
	err := e.a.Store.Write(t.Context(), func(tx *store.Tx) error {
		return tx.ChannelAttempt("moi", e.t0, errors.New(`status 500 <script>alert(5)</script>`))
	})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(e.srv.URL + "/sources")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	page := string(b)
	for _, want := range []string{
		`<tr><td>moi</td><td>feed</td><td><span class="badge state-suspect">failing</span>`,
		`status 500 &lt;script&gt;alert(5)&lt;/script&gt;`,
		`<tr><td>lumen</td><td>lumen</td><td><span class="badge state-hidden">never run</span>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("/sources lacks %s", want)
		}
	}
	if strings.Contains(page, "<script>alert(5)") {
		t.Error("the channel's error is not escaped")
	}
}
