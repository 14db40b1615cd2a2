package web

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/export"
	"github.com/takedownwatch/takedownwatch/feeds"
	"github.com/takedownwatch/takedownwatch/stats"
)

const hostileName = `Ministry <script>alert("name")</script> & Co`

// statsServer serves a small archive: a government actor with a hostile
// name (4 posts, 1 removed) and an opposition actor (4 posts, 2 removed,
// one of them reported inside its removal bracket), in March and April 2026. empty leaves the
// archive without any post.
func statsServer(t *testing.T, o Options, empty bool) *httptest.Server {
	t.Helper()
	st, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "meta.db"), false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	t0 := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	err = st.Write(t.Context(), func(tx *store.Tx) error {
		if empty {
			return nil
		}
		must := func(err error) {
			if err != nil {
				t.Fatal(err)
			}
		}
		must(tx.UpsertActor(store.Actor{ID: "gov", Name: hostileName, Affiliation: "government"}))
		must(tx.UpsertActor(store.Actor{ID: "opp", Name: "Opposition", Affiliation: "opposition"}))
		must(tx.UpsertSource(store.Source{ID: "gov-feed", ActorID: "gov", Platform: "feed", URL: "https://gov.example/feed", Schedule: "@hourly", Vantage: "direct"}))
		must(tx.UpsertSource(store.Source{ID: "opp-masto", ActorID: "opp", Platform: "mastodon", URL: "https://m.example/@opp", Schedule: "@hourly", Vantage: "direct"}))
		for i, p := range []struct {
			source, platform string
			month            int
			reason           string
		}{
			{"gov-feed", "feed", 3, "deleted"}, {"gov-feed", "feed", 3, ""}, {"gov-feed", "feed", 4, ""}, {"gov-feed", "feed", 4, ""},
			{"opp-masto", "mastodon", 3, "withheld_legal"}, {"opp-masto", "mastodon", 3, ""}, {"opp-masto", "mastodon", 4, "deleted"}, {"opp-masto", "mastodon", 4, ""},
		} {
			pub := t0.AddDate(0, p.month-3, 0)
			u := "https://example.org/" + p.source + "/" + string(rune('a'+i))
			post := &store.Post{Platform: p.platform, PlatformID: string(rune('a' + i)), SourceID: p.source, PostURL: u, CanonicalURL: u,
				Published: pub, FirstSeen: pub, LastSeenLive: pub}
			must(tx.InsertPost(post))
			if p.reason == "" {
				continue
			}
			must(tx.AddEvent(&store.Event{Type: "removed", At: pub.Add(5 * time.Hour), PostID: post.ID, SourceID: p.source,
				Reason: p.reason, LastSeenLive: pub.Add(2 * time.Hour), FirstSeenMissing: pub.Add(4 * time.Hour)}))
			if p.reason == "withheld_legal" {
				r := &store.Report{ID: "r1", Channel: "moi", Reporter: "Ministry", FiledAt: pub.Add(3 * time.Hour), Kind: "government_request",
					TargetURLs: []string{u}, ReceivedAt: pub.Add(3 * time.Hour), Fingerprint: "fp1"}
				if _, err := tx.AddReport(r, func(s string) string { return s }); err != nil {
					t.Fatal(err)
				}
				if _, err := tx.LinkReport("r1", post.ID, u, pub.Add(3*time.Hour)); err != nil {
					t.Fatal(err)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(nil)
	t.Cleanup(srv.Close)
	o.Store, o.Site = st, feeds.Site{BaseURL: srv.URL}
	srv.Config.Handler = New(o)
	return srv
}

func fetch(t *testing.T, srv *httptest.Server, path string, header http.Header) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

func TestAPIStats(t *testing.T) {
	srv := statsServer(t, Options{}, false)
	resp, body := fetch(t, srv, "/api/stats", nil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json; charset=utf-8" {
		t.Fatalf("%d %s: %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	var got struct {
		Includes      []string          `json:"includes"`
		Rows          []json.RawMessage `json:"rows"`
		Comparison    map[string]any    `json:"comparison"`
		TimeToRemoval []map[string]any  `json:"time_to_removal"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	// 2 months + all, for all, 2 affiliations, 2 actors, 2 platforms.
	if len(got.Rows) != 21 || got.Includes == nil {
		t.Fatalf("%d rows, includes %v", len(got.Rows), got.Includes)
	}
	// Every row has the export's fields, in its order.
	for _, raw := range got.Rows {
		dec := json.NewDecoder(strings.NewReader(string(raw)))
		dec.Token()
		var keys []string
		for dec.More() {
			k, _ := dec.Token()
			keys = append(keys, k.(string))
			var skip json.RawMessage
			dec.Decode(&skip)
		}
		if !reflect.DeepEqual(keys, export.StatsColumns) {
			t.Fatalf("row keys %v\nwant %v", keys, export.StatsColumns)
		}
	}
	// Opposition 2 of 4, government 1 of 4: RR 2; var = 1/2 − 1/4 + 1 − 1/4 = 1,
	// CI = exp(ln 2 ∓ 1.959964) = 0.281727 … 14.198143.
	c := got.Comparison
	want := map[string]any{"group": "opposition", "reference_group": "government", "period": "all", "posts_seen": 4.0, "removed": 2.0,
		"removal_rate": 0.5, "reference_posts_seen": 4.0, "reference_removed": 1.0, "reference_removal_rate": 0.25,
		"rate_ratio": 2.0, "rate_ratio_ci_low": 0.281727, "rate_ratio_ci_high": 14.198143, "confidence_level": 0.95,
		"rate_ratio_method": "risk ratio, 95% CI by the Katz log method"}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("comparison %v\nwant %v", c, want)
	}
	// Each removal's bracket is 2 … 4 hours after publication: midpoint 3, in 1-6 hours.
	if len(got.TimeToRemoval) != 7 || got.TimeToRemoval[1]["removed"] != 3.0 || got.TimeToRemoval[6]["to_hours"] != nil {
		t.Errorf("time_to_removal %v", got.TimeToRemoval)
	}

	// group_by and period select rows; the filters narrow the posts.
	_, body = fetch(t, srv, "/api/stats?group_by=affiliation&period=2026-04&platform=mastodon&corrections=1", nil)
	var sel struct {
		Includes   []string         `json:"includes"`
		Rows       []map[string]any `json:"rows"`
		Comparison map[string]any   `json:"comparison"`
	}
	if err := json.Unmarshal([]byte(body), &sel); err != nil {
		t.Fatal(err)
	}
	if len(sel.Rows) != 1 || sel.Rows[0]["group"] != "opposition" || sel.Rows[0]["removed"] != 1.0 ||
		sel.Rows[0]["rate_ratio_method"] != "undefined: no posts in one of the groups" ||
		!reflect.DeepEqual(sel.Includes, []string{"likely_corrections"}) || sel.Comparison["period"] != "2026-04" {
		t.Errorf("selected rows %v includes %v comparison %v", sel.Rows, sel.Includes, sel.Comparison)
	}
}

func TestStats_BadParams(t *testing.T) {
	srv := statsServer(t, Options{}, false)
	for _, q := range []string{
		"since=yesterday", "until=2026-13-01", "since=2026-05-01&until=2026-04-01", "affiliation=bogus",
		"affiliation=%3Cscript%3Ealert(1)%3C%2Fscript%3E", "platform=myspace", "group_by=month", "period=2026-13",
		"period=March", "corrections=maybe", "restricted=2", "actor=" + strings.Repeat("x", 300),
	} {
		for _, path := range []string{"/api/stats", "/stats", "/stats/removals.svg", "/stats/time-to-removal.svg"} {
			resp, body := fetch(t, srv, path+"?"+q, nil)
			if resp.StatusCode != 400 {
				t.Errorf("%s?%s: %d, want 400", path, q, resp.StatusCode)
			}
			if strings.Contains(body, "<script>") {
				t.Errorf("%s?%s: the parameter comes back unescaped: %s", path, q, body)
			}
		}
	}
	// An actor the archive does not know is an error, as in the search
	// and the exports: its empty selection would read as "no removals".
	for _, path := range []string{"/api/stats", "/stats"} {
		resp, body := fetch(t, srv, path+"?actor=%3Cscript%3E", nil)
		if resp.StatusCode != 400 || !strings.Contains(body, "no actor") || strings.Contains(body, "<script>") {
			t.Errorf("%s, unknown actor: %d, want 400 saying so, escaped:\n%s", path, resp.StatusCode, body)
		}
		if resp, _ := fetch(t, srv, path+"?actor=opp", nil); resp.StatusCode != 200 {
			t.Errorf("%s, a known actor: %d, want 200", path, resp.StatusCode)
		}
	}
	if resp, _ := fetch(t, srv, "/stats/bogus.svg", nil); resp.StatusCode != 404 {
		t.Errorf("unknown chart: %d, want 404", resp.StatusCode)
	}
}

func TestStatsPage(t *testing.T) {
	srv := statsServer(t, Options{}, false)
	resp, body := fetch(t, srv, "/stats?affiliation=government&corrections=1", nil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("%d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("CSP %q", csp)
	}
	if strings.Contains(body, "<script") || !strings.Contains(body, "Ministry &lt;script&gt;alert(&#34;name&#34;)&lt;/script&gt; &amp; Co") {
		t.Errorf("the actor's name is not escaped:\n%s", body)
	}
	for _, want := range []string{
		`<link rel="alternate" type="application/atom&#43;xml" title="Removals (Atom)" href="` + srv.URL + `/feeds/removals.atom">`,
		`href="` + srv.URL + `/feeds/affiliations/government.atom"`,
		`<a href="/stats">Statistics</a>`,
		`src="/stats/removals.svg?affiliation=government&amp;corrections=1"`,
		`src="/stats/reasons.svg?`, `src="/stats/time-to-removal.svg?`, `href="/api/stats?affiliation=government&amp;corrections=1"`,
		"undefined: no posts in one of the groups", "likely corrections included",
		`<a href="/actors/gov">`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	// The page without filters: the comparison and the tables beside the charts.
	_, body = fetch(t, srv, "/stats", nil)
	for _, want := range []string{
		"<dd>2.00</dd>", "<dd>0.28 – 14.20</dd>", "<dd>risk ratio, 95% CI by the Katz log method</dd>",
		"<td>2026-03</td><td class=\"num\">1</td><td class=\"num\">1</td>", // removals per month: government, opposition
		"<td>withheld_legal</td><td class=\"num\">1</td>",
		"<td>1–6 hours</td><td class=\"num\">3</td>",
		// filed after the post was last seen live: it may have followed the removal
		"<td class=\"num\">33.3 % (at least 0.0 %)</td>",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	// The other pages link to it.
	if _, body := fetch(t, srv, "/sources", nil); !strings.Contains(body, `<a href="/stats">Statistics</a>`) {
		t.Error("/sources does not link to /stats")
	}
}

func TestStatsCharts(t *testing.T) {
	for _, empty := range []bool{false, true} {
		srv := statsServer(t, Options{}, empty)
		for _, path := range []string{"/stats/removals.svg", "/stats/reasons.svg?restricted=1", "/stats/time-to-removal.svg", "/stats/removals.svg?since=2026-04-01"} {
			resp, body := fetch(t, srv, path, nil)
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/svg+xml" {
				t.Errorf("empty %v %s: %d %s %s", empty, path, resp.StatusCode, resp.Header.Get("Content-Type"), body)
				continue
			}
			if !strings.HasPrefix(body, "<svg") {
				t.Errorf("%s: not SVG: %.80s", path, body)
			}
			// Well-formed XML, so browsers draw it.
			dec := xml.NewDecoder(strings.NewReader(body))
			for {
				if _, err := dec.Token(); err != nil {
					if !errors.Is(err, io.EOF) {
						t.Errorf("empty %v %s: %v", empty, path, err)
					}
					break
				}
			}
		}
		if empty {
			if resp, body := fetch(t, srv, "/stats", nil); resp.StatusCode != 200 || !strings.Contains(body, "undefined: no posts in one of the groups") {
				t.Errorf("empty archive page: %d", resp.StatusCode)
			}
		}
	}
}

func TestStats_ReadToken(t *testing.T) {
	srv := statsServer(t, Options{ReadToken: config.Secret("reader")}, false)
	for _, path := range []string{"/stats", "/api/stats", "/stats/removals.svg"} {
		if resp, _ := fetch(t, srv, path, nil); resp.StatusCode != 401 {
			t.Errorf("%s without a token: %d, want 401", path, resp.StatusCode)
		}
		if resp, _ := fetch(t, srv, path, http.Header{"Authorization": {"Bearer reader"}}); resp.StatusCode != 200 {
			t.Errorf("%s with the read token: %d, want 200", path, resp.StatusCode)
		}
	}
}

func TestBinLabel(t *testing.T) {
	var got []string
	for _, b := range []stats.Bin{{From: 0, To: 1}, {From: 1, To: 6}, {From: 6, To: 24}, {From: 24, To: 72}, {From: 168, To: 720}, {From: 720}} {
		got = append(got, binLabel(b))
	}
	if want := []string{"0-1h", "1-6h", "6-24h", "1-3d", "7-30d", "30d+"}; !reflect.DeepEqual(got, want) {
		t.Errorf("labels %v, want %v", got, want)
	}
}

// A /stats page and its three charts compute the statistics once; a new
// post or event computes them again, and the answer has it.
func TestStats_CachedPerGeneration(t *testing.T) {
	srv := statsServer(t, Options{}, false)
	h := srv.Config.Handler.(*Handler)
	st := h.o.Store
	computed := func(want int64, after string) {
		t.Helper()
		if got := h.statsCache.computed.Load(); got != want {
			t.Errorf("after %s: statistics computed %d times, want %d", after, got, want)
		}
	}
	postsSeen := func() float64 {
		t.Helper()
		_, body := fetch(t, srv, "/api/stats?group_by=all&period=all", nil)
		var got struct {
			Rows []map[string]any `json:"rows"`
		}
		if err := json.Unmarshal([]byte(body), &got); err != nil || len(got.Rows) != 1 {
			t.Fatalf("%v: %s", err, body)
		}
		return got.Rows[0]["posts_seen"].(float64)
	}
	for _, path := range []string{"/stats?platform=feed", "/stats/removals.svg?platform=feed", "/stats/reasons.svg?platform=feed", "/stats/time-to-removal.svg?platform=feed"} {
		if resp, body := fetch(t, srv, path, nil); resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, body)
		}
	}
	computed(1, "a page and its charts")
	if n := postsSeen(); n != 8 {
		t.Fatalf("posts seen %v, want 8", n)
	}
	postsSeen()
	computed(2, "another filter, asked twice")

	pub := time.Date(2026, 4, 20, 0, 0, 0, 0, time.UTC)
	err := st.Write(t.Context(), func(tx *store.Tx) error {
		return tx.InsertPost(&store.Post{Platform: "feed", PlatformID: "new", SourceID: "gov-feed", PostURL: "https://example.org/new",
			Published: pub, FirstSeen: pub, LastSeenLive: pub})
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := postsSeen(); n != 9 {
		t.Errorf("after a new post (no event), posts seen %v, want 9", n)
	}
	computed(3, "a new post")
	err = st.Write(t.Context(), func(tx *store.Tx) error {
		return tx.AddEvent(&store.Event{Type: "removed", At: pub.Add(5 * time.Hour), PostID: store.PostID("feed", "new"), SourceID: "gov-feed",
			Reason: "deleted", LastSeenLive: pub.Add(2 * time.Hour), FirstSeenMissing: pub.Add(4 * time.Hour)})
	})
	if err != nil {
		t.Fatal(err)
	}
	fetch(t, srv, "/stats?platform=feed", nil)
	computed(4, "a new event")
}

// A /stats chart carries an ETag of the archive's generation and its
// filters: a browser revalidating gets 304, other filters another chart.
func TestStatsChart_Revalidates(t *testing.T) {
	srv := statsServer(t, Options{}, false)
	resp, body := fetch(t, srv, "/stats/reasons.svg", nil)
	etag := resp.Header.Get("ETag")
	if resp.StatusCode != 200 || etag == "" || !strings.Contains(body, "<svg") {
		t.Fatalf("%d, ETag %q", resp.StatusCode, etag)
	}
	if resp, _ := fetch(t, srv, "/stats/reasons.svg", http.Header{"If-None-Match": {etag}}); resp.StatusCode != http.StatusNotModified {
		t.Errorf("revalidated: %d, want 304", resp.StatusCode)
	}
	again, body2 := fetch(t, srv, "/stats/reasons.svg", nil)
	if again.Header.Get("ETag") != etag || body2 != body {
		t.Errorf("the same chart twice differs: %q %q", again.Header.Get("ETag"), etag)
	}
	other, _ := fetch(t, srv, "/stats/reasons.svg?affiliation=government", http.Header{"If-None-Match": {etag}})
	if other.StatusCode != 200 || other.Header.Get("ETag") == etag {
		t.Errorf("another selection: %d, ETag %q (the unfiltered one's %q)", other.StatusCode, other.Header.Get("ETag"), etag)
	}
	if resp, _ := fetch(t, srv, "/stats/nothing.svg", nil); resp.StatusCode != 404 {
		t.Errorf("unknown chart: %d", resp.StatusCode)
	}
}
