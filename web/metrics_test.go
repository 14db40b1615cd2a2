package web

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/archive"
	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/archive/warc"
)

// The fetch and event totals are counted once, in the background, and
// then only what is new at each scrape: the figures stay exact as captures
// and events are added.
func TestMetrics_TotalsFollowTheArchive(t *testing.T) {
	e := newEvidence(t, Options{})
	scrape := func() (fetches200, fetches404, removed int, up string) {
		t.Helper()
		body := httpGet(t, e.srv.URL+"/metrics", 200)
		num := func(re string) int {
			m := regexp.MustCompile(re + ` (\d+)`).FindStringSubmatch(body)
			if m == nil {
				return 0
			}
			n, _ := strconv.Atoi(m[1])
			return n
		}
		m := regexp.MustCompile(`takedownwatch_archive_up (\d)`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no archive_up:\n%s", body)
		}
		return num(`takedownwatch_fetches_total\{status="200"\}`), num(`takedownwatch_fetches_total\{status="404"\}`),
			num(`takedownwatch_events_total\{type="removed"\}`), m[1]
	}
	// The first count runs beside the scrapes (on millions of rows it
	// outlasts one): its series come once it is done.
	ok0, gone0, removed0, up := scrape()
	if ok0 != 0 || up != "1" {
		t.Errorf("first scrape: 200s %d (want none yet: counting), up %s", ok0, up)
	}
	// (captures and events are counted apart: wait for both)
	for deadline := time.Now().Add(5 * time.Second); (ok0 == 0 || removed0 == 0) && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
		ok0, gone0, removed0, up = scrape()
	}
	if ok0 == 0 || gone0 == 0 || removed0 == 0 || up != "1" {
		t.Fatalf("after the first count: 200s %d, 404s %d, removed %d, up %s", ok0, gone0, removed0, up)
	}
	for i := range 3 {
		if _, err := e.a.Record(t.Context(), &warc.Exchange{URL: "https://party.example/more/" + strconv.Itoa(i), StatusCode: 200,
			Date: e.t0.Add(time.Duration(i) * time.Minute), Header: http.Header{"Content-Type": {"text/plain"}}, Body: []byte("more")},
			archive.Meta{Kind: "listing"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.a.Store.Write(t.Context(), func(tx *store.Tx) error {
		return tx.AddEvent(&store.Event{Type: store.EventRemoved, At: e.t0, SourceID: "opp-site", Reason: "deleted"})
	}); err != nil {
		t.Fatal(err)
	}
	ok1, gone1, removed1, _ := scrape()
	if ok1 != ok0+3 || gone1 != gone0 || removed1 != removed0+1 {
		t.Errorf("after 3 more 200s and a removal: 200s %d→%d, 404s %d→%d, removed %d→%d", ok0, ok1, gone0, gone1, removed0, removed1)
	}
	if ok2, _, removed2, _ := scrape(); ok2 != ok1 || removed2 != removed1 {
		t.Errorf("a scrape with nothing new changed the totals: %d→%d, %d→%d", ok1, ok2, removed1, removed2)
	}
	// each source's health, for an alert on one gone silent
	body := httpGet(t, e.srv.URL+"/metrics", 200)
	for _, want := range []string{
		`takedownwatch_source_consecutive_failures{platform="feed",source="opp-site"} 1`,
		`takedownwatch_source_last_success_timestamp_seconds{platform="feed",source="opp-site"} 0`,
		`takedownwatch_build_info{version=""} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
