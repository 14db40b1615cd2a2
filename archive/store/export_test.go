package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestEachEvent_Ranges: a stream longer than several id ranges comes out
// whole, in order, with each event's source, evidence, reports and folded
// removals, and narrowed by the filters as the single-query reading was.
func TestEachEvent_Ranges(t *testing.T) {
	// Two readers at least, or the ranges are read one after the other.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(2, runtime.GOMAXPROCS(0))))
	defer func(n int64) { eventRange = n }(eventRange)
	eventRange = 100
	s, _ := openTemp(t)
	defer s.Close()
	ctx := t.Context()
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	const posts = 300 // two events each: six ranges
	type want struct {
		actor, affiliation, platform string
		evidence                     []int64
		reports                      []string
		lag                          time.Duration // 0: none
		folded                       int
	}
	wants := map[int64]want{}
	err := s.Write(ctx, func(tx *Tx) error {
		for _, a := range []Actor{{ID: "opp", Name: "Opposition", Affiliation: "opposition"}, {ID: "gov", Name: "Government", Affiliation: "government"}} {
			if err := tx.UpsertActor(a); err != nil {
				return err
			}
		}
		for _, src := range []Source{
			{ID: "opp-feed", ActorID: "opp", Platform: "feed", URL: "https://opp.example/feed", Schedule: "@hourly"},
			{ID: "opp-masto", ActorID: "opp", Platform: "mastodon", URL: "https://masto.example/@opp", Schedule: "@hourly"},
			{ID: "gov-feed", ActorID: "gov", Platform: "feed", URL: "https://gov.example/feed", Schedule: "@hourly"},
		} {
			if err := tx.UpsertSource(src); err != nil {
				return err
			}
		}
		c := &Capture{URL: "https://opp.example/p/1", Kind: "permalink", At: t0, Status: 404, RecordType: "response", WARCFile: "A.warc.gz", WARCLength: 10}
		if err := tx.InsertCapture(c); err != nil {
			return err
		}
		sources := []struct{ id, actor, affiliation, platform string }{
			{"opp-feed", "opp", "opposition", "feed"}, {"opp-masto", "opp", "opposition", "mastodon"}, {"gov-feed", "gov", "government", "feed"},
		}
		at := t0
		event := func(e *Event, w want) error {
			at = at.Add(time.Second)
			e.At = at
			if err := tx.AddEvent(e); err != nil {
				return err
			}
			wants[e.ID] = w
			return nil
		}
		for i := range posts {
			src := sources[i%3]
			p := &Post{Platform: src.platform, PlatformID: fmt.Sprint(i), SourceID: src.id, PostURL: fmt.Sprintf("https://x.example/%d", i), FirstSeen: at}
			if err := tx.InsertPost(p); err != nil {
				return err
			}
			w := want{actor: src.actor, affiliation: src.affiliation, platform: src.platform, evidence: []int64{}, reports: []string{}}
			// The first event names its source; the second leaves it to
			// the post, as detector events may.
			first := &Event{Type: EventNew, PostID: p.ID, SourceID: src.id}
			if err := event(first, w); err != nil {
				return err
			}
			second := &Event{Type: EventEdited, PostID: p.ID}
			if i%7 == 0 {
				filed := at.Add(-time.Hour)
				rid := fmt.Sprintf("r%04d", i)
				if _, err := tx.AddReport(&Report{ID: rid, Channel: "moi", FiledAt: filed, ReceivedAt: at, Fingerprint: rid}, func(u string) string { return u }); err != nil {
					return err
				}
				if _, err := tx.LinkReport(rid, p.ID, p.PostURL, at); err != nil {
					return err
				}
				missing := at.Add(30 * time.Minute)
				second = &Event{Type: EventRemoved, PostID: p.ID, Reason: "deleted", FirstSeenMissing: missing, Evidence: []int64{c.ID}}
				// Every event of a reported post names its reports; a
				// removal has the lag from the filing too.
				wants[first.ID] = want{src.actor, src.affiliation, src.platform, []int64{}, []string{rid}, 0, 0}
				w.evidence, w.reports, w.lag = []int64{c.ID}, []string{rid}, missing.Sub(filed)
			}
			if err := event(second, w); err != nil {
				return err
			}
		}
		gone := &Event{Type: EventAccountGone, SourceID: "gov-feed", Reason: "account_gone"}
		if err := event(gone, want{actor: "gov", affiliation: "government", platform: "feed", evidence: []int64{}, reports: []string{}, folded: 2}); err != nil {
			return err
		}
		for i := range 2 {
			p := PostID("feed", fmt.Sprint(3*i+2))
			w := want{actor: "gov", affiliation: "government", platform: "feed", evidence: []int64{}, reports: []string{}}
			if err := event(&Event{Type: EventRemoved, PostID: p, Reason: "account_gone", ParentID: gone.ID}, w); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(wants)) <= 2*eventRange {
		t.Fatalf("only %d events: the test must span several ranges", len(wants))
	}

	var last int64
	seen := 0
	err = s.EachEvent(ctx, Filter{}, func(r *EventRow) error {
		if r.ID <= last {
			t.Fatalf("event %d after %d: out of order", r.ID, last)
		}
		last = r.ID
		seen++
		w, ok := wants[r.ID]
		if !ok {
			t.Fatalf("event %d was never written", r.ID)
		}
		var lag time.Duration
		if r.ReportLag != nil {
			lag = *r.ReportLag
		}
		got := want{r.Actor, r.Affiliation, r.Platform, r.Evidence, r.ReportIDs, lag, r.Folded}
		if !reflect.DeepEqual(got, w) {
			t.Fatalf("event %d (%s) = %+v, want %+v", r.ID, r.Type, got, w)
		}
		return nil
	})
	if err != nil || seen != len(wants) {
		t.Fatalf("streamed %d of %d events, err %v", seen, len(wants), err)
	}

	// The stream and the feeds' query read events two ways; they must agree.
	for _, q := range []EventQuery{{}, {Actor: "gov"}, {Platform: "mastodon"}, {Affiliation: "opposition"}} {
		var streamed []*EventRow
		if err := s.EachEvent(ctx, Filter{Actor: q.Actor, Platform: q.Platform, Affiliation: q.Affiliation}, func(r *EventRow) error {
			streamed = append(streamed, r)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		q.Ascending, q.Limit = true, 100000
		queried, err := s.Events(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(streamed) != len(queried) {
			t.Fatalf("%+v: EachEvent streamed %d events, Events read %d", q, len(streamed), len(queried))
		}
		for i := range streamed {
			if !reflect.DeepEqual(streamed[i], queried[i]) {
				t.Fatalf("%+v: event %d differs:\n EachEvent %+v\n Events    %+v", q, streamed[i].ID, *streamed[i], *queried[i])
			}
		}
	}

	count := func(f Filter) int {
		n := 0
		if err := s.EachEvent(ctx, f, func(*EventRow) error { n++; return nil }); err != nil {
			t.Fatal(err)
		}
		if c, err := s.CountEvents(ctx, f); err != nil || c != n {
			t.Errorf("CountEvents(%+v) = %d, %v; EachEvent streamed %d", f, c, err, n)
		}
		return n
	}
	for _, tc := range []struct {
		f    Filter
		want int
	}{
		{Filter{Actor: "gov"}, 2*posts/3 + 3},
		{Filter{Affiliation: "opposition"}, 2 * (posts - posts/3)},
		{Filter{Platform: "mastodon"}, 2 * (posts / 3)},
		{Filter{Actor: "opp", Platform: "mastodon"}, 2 * (posts / 3)},
		{Filter{Actor: "nobody"}, 0},
		{Filter{Since: t0.Add(101 * time.Second), Until: t0.Add(421 * time.Second)}, 320},
	} {
		if got := count(tc.f); got != tc.want {
			t.Errorf("EachEvent(%+v) streamed %d events, want %d", tc.f, got, tc.want)
		}
	}

	// The callback's error stops the stream where it was raised.
	stop := errors.New("enough")
	n := 0
	err = s.EachEvent(ctx, Filter{}, func(*EventRow) error {
		if n++; int64(n) == eventRange+10 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || int64(n) != eventRange+10 {
		t.Errorf("EachEvent after the callback failed at row %d: err %v, %d rows", eventRange+10, err, n)
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.EachEvent(canceled, Filter{}, func(*EventRow) error { return nil }); err == nil {
		t.Error("EachEvent on a canceled context succeeded")
	}
}

// TestEachEvent_EveryField: each column of an event comes back as written
// through both read paths, free text with the packed column's separator
// and line breaks included.
func TestEachEvent_EveryField(t *testing.T) {
	s, _ := openTemp(t)
	defer s.Close()
	ctx := t.Context()
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 123456000, time.UTC)
	var written []Event
	err := s.Write(ctx, func(tx *Tx) error {
		if err := tx.UpsertActor(Actor{ID: "a", Name: "A", Affiliation: "opposition"}); err != nil {
			return err
		}
		if err := tx.UpsertSource(Source{ID: "src.a-1", ActorID: "a", Platform: "feed", URL: "https://a.example/feed", Schedule: "@hourly"}); err != nil {
			return err
		}
		p := &Post{Platform: "feed", PlatformID: "1", SourceID: "src.a-1", PostURL: "https://a.example/1", FirstSeen: t0}
		if err := tx.InsertPost(p); err != nil {
			return err
		}
		gone := Event{Type: EventAccountGone, At: t0.Add(3 * time.Hour), SourceID: "src.a-1", Reason: "account_gone", Detail: "HTTP 410"}
		for _, e := range []*Event{
			{Type: EventNew, At: t0, PostID: p.ID, SourceID: "src.a-1"},
			{Type: EventEdited, At: t0.Add(time.Hour), PostID: p.ID, Diff: "- old\x1f line\n+ new \"line\"\x1e"},
			{Type: EventRemoved, At: t0.Add(2 * time.Hour), PostID: p.ID, Reason: "withheld_legal", Detail: "451\x1fUnavailable\nfor legal reasons",
				LikelyCorrection: true, LastSeenLive: t0.Add(90 * time.Minute), FirstSeenMissing: t0.Add(100 * time.Minute)},
			{Type: EventMetricsAnomaly, At: t0.Add(150 * time.Minute), SourceID: "src.a-1", Metric: &Metric{Name: "followers", From: 1234.5, To: 0.1 + 0.2}},
			&gone,
		} {
			if err := tx.AddEvent(e); err != nil {
				return err
			}
			written = append(written, *e)
		}
		last := Event{Type: EventRemoved, At: t0.Add(4 * time.Hour), PostID: p.ID, Reason: "account_gone", ParentID: written[len(written)-1].ID}
		if err := tx.AddEvent(&last); err != nil {
			return err
		}
		written = append(written, last)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var streamed []*EventRow
	if err := s.EachEvent(ctx, Filter{}, func(r *EventRow) error { streamed = append(streamed, r); return nil }); err != nil {
		t.Fatal(err)
	}
	queried, err := s.Events(ctx, EventQuery{Ascending: true, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string][]*EventRow{"EachEvent": streamed, "Events": queried} {
		if len(got) != len(written) {
			t.Fatalf("%s: %d events, want %d", name, len(got), len(written))
		}
		for i, w := range written {
			g := got[i].Event
			if w.Evidence == nil {
				w.Evidence = []int64{}
			}
			if w.SourceID == "" && w.PostID != "" {
				w.SourceID = "src.a-1" // an event given no source is its post's
			}
			if !reflect.DeepEqual(g, w) {
				t.Errorf("%s: event %d read as\n%+v\nwant\n%+v", name, w.ID, g, w)
			}
		}
		if f := got[4].Folded; f != 1 {
			t.Errorf("%s: account_gone event folds %d removals, want 1", name, f)
		}
	}
}

// TestRawEvent_Unpack: a packed column that does not split into its
// fields is an error naming the event, not a row read askew.
func TestRawEvent_Unpack(t *testing.T) {
	for _, packed := range []string{"", "new\x1f2026", strings.Repeat("x\x1f", packedFields)} {
		x := rawEvent{r: &EventRow{Event: Event{ID: 7}}, packed: packed}
		if err := x.unpack(); err == nil || !strings.Contains(err.Error(), "event 7") {
			t.Errorf("unpack(%q) = %v, want an error naming event 7", packed, err)
		}
	}
	x := rawEvent{r: &EventRow{}, packed: strings.Repeat("f\x1f", packedFields-1) + "last"}
	if err := x.unpack(); err != nil || x.f[packedFields-1] != "last" || x.f[0] != "f" {
		t.Errorf("unpack of %d fields: %v, fields %q", packedFields, err, x.f)
	}
}

// LatestMetrics gives each of an actor's metrics' n newest readings, by
// source and name, newest first, and nothing of another actor's.
func TestLatestMetrics(t *testing.T) {
	s, _ := openTemp(t)
	defer s.Close()
	ctx := t.Context()
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	err := s.Write(ctx, func(tx *Tx) error {
		for _, a := range []Actor{{ID: "pm", Name: "PM", Affiliation: "government"}, {ID: "opp", Name: "Opp", Affiliation: "opposition"}} {
			if err := tx.UpsertActor(a); err != nil {
				return err
			}
		}
		for _, src := range []Source{
			{ID: "pm-fb", ActorID: "pm", Platform: "facebook", URL: "https://fb.example/pm", Schedule: "@hourly", Vantage: "direct"},
			{ID: "pm-tg", ActorID: "pm", Platform: "telegram", URL: "https://t.me/s/pm", Schedule: "@hourly", Vantage: "direct"},
			{ID: "opp-fb", ActorID: "opp", Platform: "facebook", URL: "https://fb.example/opp", Schedule: "@hourly", Vantage: "direct"},
		} {
			if err := tx.UpsertSource(src); err != nil {
				return err
			}
		}
		for i := range 10 {
			at := t0.Add(time.Duration(i) * time.Hour)
			for _, m := range []struct {
				src  string
				vals []MetricValue
			}{
				{"pm-fb", []MetricValue{{Name: "followers", Value: float64(100 + i)}, {Name: "posts", Value: float64(i)}}},
				{"pm-tg", []MetricValue{{Name: "subscribers", Value: float64(50 + i)}}},
				{"opp-fb", []MetricValue{{Name: "followers", Value: 7}}},
			} {
				if err := tx.AddMetrics(m.src, at, 0, m.vals); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.LatestMetrics(ctx, "pm", 2)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, m := range got {
		lines = append(lines, fmt.Sprintf("%s %s %s %s %g", m.Actor, m.Platform, m.Source+"/"+m.Name, m.At.Format("15:04"), m.Value))
	}
	want := []string{
		"pm facebook pm-fb/followers 17:00 109", "pm facebook pm-fb/followers 16:00 108",
		"pm facebook pm-fb/posts 17:00 9", "pm facebook pm-fb/posts 16:00 8",
		"pm telegram pm-tg/subscribers 17:00 59", "pm telegram pm-tg/subscribers 16:00 58",
	}
	if !slices.Equal(lines, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	if none, err := s.LatestMetrics(ctx, "nobody", 2); err != nil || len(none) != 0 {
		t.Errorf("an actor without sources: %v, %v", none, err)
	}
}

// A post's platform may differ from its source's (CrowdTangle history
// imported under a page followed through a feed bridge): --platform and
// the feeds' platform select by the platform rows show, the post's, on
// every read path.
func TestFilter_PlatformIsThePosts(t *testing.T) {
	s, _ := openTemp(t)
	defer s.Close()
	ctx := t.Context()
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	err := s.Write(ctx, func(tx *Tx) error {
		if err := tx.UpsertActor(Actor{ID: "pm", Name: "PM", Affiliation: "government"}); err != nil {
			return err
		}
		if err := tx.UpsertSource(Source{ID: "pm-bridge", ActorID: "pm", Platform: "feed", URL: "https://bridge.example/pm", Schedule: "@hourly"}); err != nil {
			return err
		}
		for i, platform := range []string{"feed", "facebook", "facebook"} {
			u := fmt.Sprintf("https://example.org/%d", i)
			p := &Post{Platform: platform, PlatformID: fmt.Sprint(i), SourceID: "pm-bridge", PostURL: u, CanonicalURL: u, Published: t0, FirstSeen: t0}
			if err := tx.InsertPost(p); err != nil {
				return err
			}
			if err := tx.AddEvent(&Event{Type: EventRemoved, At: t0.Add(time.Hour), PostID: p.ID, SourceID: "pm-bridge", Reason: "deleted"}); err != nil {
				return err
			}
		}
		// an event of the source itself shows the source's platform
		return tx.AddEvent(&Event{Type: "account_gone", At: t0.Add(2 * time.Hour), SourceID: "pm-bridge"})
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		platform      string
		posts, events int
	}{{"facebook", 2, 2}, {"feed", 1, 2}, {"mastodon", 0, 0}} {
		f := Filter{Platform: tc.platform}
		posts := 0
		if err := s.EachPost(ctx, f, func(p *PostRow) error {
			if p.Platform != tc.platform {
				t.Errorf("%s: post %s of %s", tc.platform, p.ID, p.Platform)
			}
			posts++
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if n, err := s.CountPosts(ctx, f); err != nil || n != tc.posts || posts != tc.posts {
			t.Errorf("%s: %d posts streamed, %d counted (%v), want %d", tc.platform, posts, n, err, tc.posts)
		}
		counts, err := s.PostCounts(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		counted := 0
		for _, c := range counts {
			counted += c.Posts
		}
		if counted != tc.posts {
			t.Errorf("%s: PostCounts %d, want %d", tc.platform, counted, tc.posts)
		}
		var streamed []*EventRow
		if err := s.EachEvent(ctx, f, func(r *EventRow) error {
			if r.Platform != tc.platform {
				t.Errorf("%s: event %d (%s) of %s", tc.platform, r.ID, r.Type, r.Platform)
			}
			streamed = append(streamed, r)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		queried, err := s.Events(ctx, EventQuery{Platform: tc.platform, Ascending: true, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if n, err := s.CountEvents(ctx, f); err != nil || n != tc.events || len(streamed) != tc.events || len(queried) != tc.events {
			t.Errorf("%s: %d events streamed, %d queried, %d counted (%v), want %d", tc.platform, len(streamed), len(queried), n, err, tc.events)
		}
	}
}
