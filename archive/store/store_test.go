package store

import (
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

func openTemp(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "meta.db")
	s, err := Open(t.Context(), path, false)
	if err != nil {
		t.Fatal(err)
	}
	return s, path
}

func TestOpen_MigratesOnceAndReopens(t *testing.T) {
	s, path := openTemp(t)
	v, err := s.SchemaVersion(t.Context())
	if err != nil || v != latestMigration() || v == 0 {
		t.Fatalf("schema %d (%v), want %d", v, err, latestMigration())
	}
	var mode string
	if err := s.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode %q (%v), want wal", mode, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// Reopening applies nothing twice.
	s, err = Open(t.Context(), path, false)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	s.db.QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&n)
	if n != latestMigration() {
		t.Errorf("%d migration rows, want %d", n, latestMigration())
	}
	s.Close()
}

func TestOpen_ReadOnly(t *testing.T) {
	if _, err := Open(t.Context(), filepath.Join(t.TempDir(), "none.db"), true); !errors.Is(err, ErrNoArchive) {
		t.Fatalf("read-only open of nothing: %v, want ErrNoArchive", err)
	}
	w, path := openTemp(t)
	defer w.Close()
	r, err := Open(t.Context(), path, true)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.Write(t.Context(), func(*Tx) error { return nil }); err == nil {
		t.Error("a read-only store accepted a write")
	}
}

func TestTx_ForeignKeysAndRollback(t *testing.T) {
	s, _ := openTemp(t)
	defer s.Close()
	err := s.Write(t.Context(), func(tx *Tx) error {
		return tx.UpsertSource(Source{ID: "s", ActorID: "nobody", Platform: "feed", URL: "https://x", Schedule: "@hourly"})
	})
	if err == nil {
		t.Fatal("a source of an unknown actor was accepted: foreign keys are off")
	}
	boom := errors.New("boom")
	err = s.Write(t.Context(), func(tx *Tx) error {
		if err := tx.UpsertActor(Actor{ID: "a", Name: "A", Affiliation: "government"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("got %v", err)
	}
	if c, _ := s.Counts(t.Context()); c.Sources != 0 {
		t.Errorf("rolled-back transaction left rows")
	}
	var actors int
	s.rdb.QueryRow(`SELECT count(*) FROM actors`).Scan(&actors)
	if actors != 0 {
		t.Errorf("rolled-back actor is there")
	}
}

func TestPostID_StableAndDistinct(t *testing.T) {
	a, b := PostID("feed", "https://x/1"), PostID("feed", "https://x/1")
	if a != b || len(a) != 21 || a[0] != 'p' {
		t.Fatalf("PostID %q %q", a, b)
	}
	if PostID("mastodon", "https://x/1") == a || PostID("feed", "https://x/2") == a {
		t.Error("different keys share an id")
	}
}

func TestSourceAttempt_Health(t *testing.T) {
	s, _ := openTemp(t)
	defer s.Close()
	ctx := t.Context()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	steps := []struct {
		fail       error
		wantStatus string
		wantFails  int
	}{
		{errors.New("503"), "failing", 1},
		{errors.New("timeout"), "failing", 2},
		{nil, "ok", 0},
	}
	if err := s.Write(ctx, func(tx *Tx) error {
		if err := tx.UpsertActor(Actor{ID: "a", Name: "A", Affiliation: "government"}); err != nil {
			return err
		}
		return tx.UpsertSource(Source{ID: "s", ActorID: "a", Platform: "feed", URL: "https://x", Schedule: "@hourly", Vantage: "direct"})
	}); err != nil {
		t.Fatal(err)
	}
	for i, st := range steps {
		at := t0.Add(time.Duration(i) * time.Minute)
		if err := s.Write(ctx, func(tx *Tx) error { return tx.SourceAttempt("s", at, "", st.fail) }); err != nil {
			t.Fatal(err)
		}
		list, err := s.Sources(ctx)
		if err != nil || len(list) != 1 {
			t.Fatal(list, err)
		}
		got := list[0]
		if got.Status != st.wantStatus || got.ConsecutiveFailures != st.wantFails {
			t.Errorf("step %d: %s/%d, want %s/%d", i, got.Status, got.ConsecutiveFailures, st.wantStatus, st.wantFails)
		}
		if got.LastError != "timeout" && i >= 1 {
			t.Errorf("step %d: last error %q kept, want the latest", i, got.LastError)
		}
	}
}

// PostURLs answers the posts it knows, leaves out the rest, and takes no
// ids as none.
func TestPostURLs(t *testing.T) {
	s, _ := openTemp(t)
	defer s.Close()
	var ids []string
	err := s.Write(t.Context(), func(tx *Tx) error {
		if err := tx.UpsertActor(Actor{ID: "a", Name: "A", Affiliation: "government"}); err != nil {
			return err
		}
		if err := tx.UpsertSource(Source{ID: "s", ActorID: "a", Platform: "feed", URL: "https://x", Schedule: "@hourly"}); err != nil {
			return err
		}
		for _, n := range []string{"1", "2"} {
			p := &Post{Platform: "feed", PlatformID: n, SourceID: "s", PostURL: "https://x/p/" + n, CanonicalURL: "https://x/p/" + n,
				FirstSeen: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
			if err := tx.InsertPost(p); err != nil {
				return err
			}
			ids = append(ids, p.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.PostURLs(t.Context(), append(ids, "p-missing"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{ids[0]: "https://x/p/1", ids[1]: "https://x/p/2"}
	if !maps.Equal(got, want) {
		t.Errorf("PostURLs = %v, want %v", got, want)
	}
	if got, err := s.PostURLs(t.Context(), nil); err != nil || len(got) != 0 {
		t.Errorf("PostURLs(nil) = %v, %v; want an empty map", got, err)
	}
}

// A report's target URLs come back in the order the report lists them: a
// notice's own order is part of what it says.
func TestReport_TargetsInTheReportsOrder(t *testing.T) {
	s, _ := openTemp(t)
	defer s.Close()
	urls := []string{"https://z.example/3", "https://a.example/1", "https://m.example/2"}
	err := s.Write(t.Context(), func(tx *Tx) error {
		_, err := tx.AddReport(&Report{ID: "r1", Channel: "moi", FiledAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
			ReceivedAt: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), Fingerprint: "f", TargetURLs: urls}, func(u string) string { return u })
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	if err := s.EachReport(t.Context(), Filter{}, func(r *Report) error { got = r.TargetURLs; return nil }); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, urls) {
		t.Errorf("targets %v, want %v", got, urls)
	}
}

// QuickCounts, read from the highest ids, equals Counts.
func TestQuickCounts(t *testing.T) {
	s, _ := openTemp(t)
	defer s.Close()
	ctx := t.Context()
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	err := s.Write(ctx, func(tx *Tx) error {
		if err := tx.UpsertActor(Actor{ID: "a", Name: "A", Affiliation: "other"}); err != nil {
			return err
		}
		if err := tx.UpsertSource(Source{ID: "s", ActorID: "a", Platform: "feed", URL: "https://a.example/feed", Schedule: "@hourly"}); err != nil {
			return err
		}
		for i := range 3 {
			u := fmt.Sprintf("https://a.example/%d", i)
			p := &Post{Platform: "feed", PlatformID: u, SourceID: "s", PostURL: u, CanonicalURL: u, FirstSeen: at}
			if err := tx.InsertPost(p); err != nil {
				return err
			}
			if err := tx.InsertCapture(&Capture{URL: u, Kind: "listing", At: at, Status: 200}); err != nil {
				return err
			}
			if err := tx.AddEvent(&Event{Type: EventNew, At: at, PostID: p.ID, SourceID: "s"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	full, err1 := s.Counts(ctx)
	quick, err2 := s.QuickCounts(ctx)
	if err1 != nil || err2 != nil || full != quick || quick.Posts != 3 || quick.Captures != 3 || quick.Sources != 1 {
		t.Errorf("QuickCounts %+v (%v), Counts %+v (%v)", quick, err2, full, err1)
	}
}

// Deactivating reports the sources that were active and are no longer
// named, once: a second sync with the same config deactivates nothing new.
func TestDeactivateSourcesExcept(t *testing.T) {
	s, _ := openTemp(t)
	defer s.Close()
	ctx := t.Context()
	sync := func(ids ...string) []string {
		t.Helper()
		var gone []string
		err := s.Write(ctx, func(tx *Tx) error {
			if err := tx.UpsertActor(Actor{ID: "a", Name: "A", Affiliation: "other"}); err != nil {
				return err
			}
			for _, id := range ids {
				if err := tx.UpsertSource(Source{ID: id, ActorID: "a", Platform: "feed", URL: "https://a.example/" + id, Schedule: "@hourly"}); err != nil {
					return err
				}
			}
			var err error
			gone, err = tx.DeactivateSourcesExcept(ids)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return gone
	}
	if gone := sync("x", "y", "z"); len(gone) != 0 {
		t.Errorf("first sync deactivated %v", gone)
	}
	if gone := sync("y"); !slices.Equal(gone, []string{"x", "z"}) {
		t.Errorf("deactivated %v, want [x z]", gone)
	}
	if gone := sync("y"); len(gone) != 0 {
		t.Errorf("the same config again deactivated %v", gone)
	}
	if gone := sync(); !slices.Equal(gone, []string{"y"}) {
		t.Errorf("an empty config deactivated %v, want [y]", gone)
	}
}

// On a nearly full file system, an open that fails says how much room is
// left (SQLite says only "disk I/O error"); otherwise it adds nothing.
func TestSpaceHint(t *testing.T) {
	defer func(f func(string) (uint64, bool)) { spaceLeft = f }(spaceLeft)
	for _, tc := range []struct {
		free uint64
		ok   bool
		want string
	}{
		{0, true, " (the file system of /data has 0 bytes free: make room, then start again)"},
		{4096, true, " (the file system of /data has 4096 bytes free: make room, then start again)"},
		{2 << 20, true, ""},
		{0, false, ""},
	} {
		spaceLeft = func(string) (uint64, bool) { return tc.free, tc.ok }
		if got := spaceHint("/data/meta.db"); got != tc.want {
			t.Errorf("%d bytes free (%v): %q, want %q", tc.free, tc.ok, got, tc.want)
		}
	}
	if free, ok := freeBytes(t.TempDir()); runtime.GOOS == "linux" && (!ok || free == 0) {
		t.Errorf("freeBytes of a temporary directory: %d, %v", free, ok)
	}
}

func TestPost_NativeID(t *testing.T) {
	for id, want := range map[string]string{
		"113": "113", "113" + OwnSep + "gov-masto": "113", "https://a.example/1" + OwnSep + "gov-feed": "https://a.example/1",
		"at://did:plc:x/app.bsky.feed.post/3k": "at://did:plc:x/app.bsky.feed.post/3k", OwnSep + "x": OwnSep + "x",
	} {
		if got := (&Post{PlatformID: id}).NativeID(); got != want {
			t.Errorf("NativeID of %q = %q, want %q", id, got, want)
		}
	}
}

// CatchUpListed moves only the live posts the source's last whole listing
// showed, to the source's last successful answer, never backwards, and
// their current versions with them.
func TestCatchUpListed(t *testing.T) {
	s, _ := openTemp(t)
	defer s.Close()
	ctx := t.Context()
	at := func(m int) time.Time { return time.Date(2026, 3, 1, 0, m, 0, 0, time.UTC) }
	posts := []struct {
		id, state     string
		listed, live  time.Time
		wantLive      time.Time
		wantVersionAt time.Time
	}{
		{"shown", StateLive, at(10), at(10), at(30), at(30)},
		{"suspect", StateSuspect, at(10), at(10), at(10), at(10)},
		{"not-shown", StateLive, at(0), at(0), at(0), at(0)},
		{"checked-later", StateLive, at(10), at(40), at(40), at(10)},
	}
	moved := func() int64 {
		t.Helper()
		var n int64
		if err := s.Write(ctx, func(tx *Tx) error {
			var err error
			n, err = tx.CatchUpListed("s")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if err := s.Write(ctx, func(tx *Tx) error {
		if err := tx.UpsertActor(Actor{ID: "a", Name: "A", Affiliation: "government"}); err != nil {
			return err
		}
		if err := tx.UpsertSource(Source{ID: "s", ActorID: "a", Platform: "feed", URL: "https://x", Schedule: "@hourly"}); err != nil {
			return err
		}
		for _, p := range posts {
			post := &Post{Platform: "feed", PlatformID: p.id, SourceID: "s", FirstSeen: at(0), State: p.state,
				LastSeenLive: p.live, ListedAt: p.listed}
			if err := tx.InsertPost(post); err != nil {
				return err
			}
			v := &Version{PostID: post.ID, Digest: p.id, Text: p.id, FirstSeen: at(0), LastSeen: p.listed}
			if err := tx.AddVersion(v); err != nil {
				return err
			}
			post.CurrentVersion = v.ID
			if err := tx.UpdatePost(post); err != nil {
				return err
			}
		}
		return tx.SourceAttempt("s", at(10), "", nil)
	}); err != nil {
		t.Fatal(err)
	}
	if n := moved(); n != 0 {
		t.Errorf("a source never read whole moved %d posts", n)
	}
	if err := s.Write(ctx, func(tx *Tx) error {
		if err := tx.SourceListed("s", at(10)); err != nil {
			return err
		}
		// two 304s after the read whole at 10
		if err := tx.SourceAttempt("s", at(20), "", nil); err != nil {
			return err
		}
		return tx.SourceAttempt("s", at(30), "", nil)
	}); err != nil {
		t.Fatal(err)
	}
	if n := moved(); n != 1 {
		t.Errorf("moved %d posts, want 1", n)
	}
	if n := moved(); n != 0 {
		t.Errorf("again: moved %d posts, want 0", n)
	}
	for _, p := range posts {
		got, err := s.PostByKey(ctx, "feed", p.id)
		if err != nil {
			t.Fatal(err)
		}
		if !got.LastSeenLive.Equal(p.wantLive) {
			t.Errorf("%s: last seen live %s, want %s", p.id, got.LastSeenLive, p.wantLive)
		}
		v, err := s.Version(ctx, got.CurrentVersion)
		if err != nil {
			t.Fatal(err)
		}
		if !v.LastSeen.Equal(p.wantVersionAt) {
			t.Errorf("%s: version last seen %s, want %s", p.id, v.LastSeen, p.wantVersionAt)
		}
	}
}

// AdoptPosts takes the posts and metric history of inactive sources of the
// same platform and URL only, keeps the posts' ids, and re-keys a post
// kept under the former source's suffix to its own, unless it has a post
// under that key already: then the former's stays the former's.
func TestAdoptPosts(t *testing.T) {
	s, _ := openTemp(t)
	defer s.Close()
	ctx := t.Context()
	ids := map[string]string{}
	if err := s.Write(ctx, func(tx *Tx) error {
		if err := tx.UpsertActor(Actor{ID: "a", Name: "A", Affiliation: "government"}); err != nil {
			return err
		}
		for _, src := range []Source{
			{ID: "old", URL: "https://x/feed"}, {ID: "other", URL: "https://y/feed"}, {ID: "new", URL: "https://x/feed"},
		} {
			src.ActorID, src.Platform, src.Schedule = "a", "feed", "@hourly"
			if err := tx.UpsertSource(src); err != nil {
				return err
			}
		}
		// 4: the new source ran beside the old one and keeps a post of its
		// own under the key the old one's would be re-keyed to
		for key, src := range map[string]string{"1": "old", "2" + OwnSep + "old": "old", "3": "other",
			"4" + OwnSep + "old": "old", "4" + OwnSep + "new": "new"} {
			p := &Post{Platform: "feed", PlatformID: key, SourceID: src, FirstSeen: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
			if err := tx.InsertPost(p); err != nil {
				return err
			}
			ids[key] = p.ID
		}
		// a Facebook post imported under the feed bridge's source
		if err := tx.InsertPost(&Post{Platform: "facebook", PlatformID: "fb1", SourceID: "old", FirstSeen: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
			return err
		}
		if err := tx.AddMetrics("old", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), 0, []MetricValue{{Name: "followers", Value: 10}}); err != nil {
			return err
		}
		_, err := tx.DeactivateSourcesExcept([]string{"new"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	adopt := func() ([]string, int64) {
		t.Helper()
		var from []string
		var n int64
		if err := s.Write(ctx, func(tx *Tx) error {
			var err error
			from, n, err = tx.AdoptPosts("new")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return from, n
	}
	if from, n := adopt(); !slices.Equal(from, []string{"old"}) || n != 3 {
		t.Errorf("adopted %d posts from %v, want 3 from [old]", n, from)
	}
	if from, n := adopt(); len(from) != 0 || n != 0 {
		t.Errorf("again: adopted %d posts from %v, want none", n, from)
	}
	// its platform feed finds the imported post's events under the new source
	if infos, err := s.sourceInfos(ctx); err != nil || !slices.Contains(infos["new"].postPlatforms, "facebook") {
		t.Errorf("the platforms of the new source's posts: %v (%v), want facebook among them", infos["new"].postPlatforms, err)
	}
	if err := s.Write(ctx, func(tx *Tx) error {
		h, err := tx.MetricHistory("new", "followers", 10)
		if err == nil && len(h) != 1 {
			err = fmt.Errorf("followers history %v, want the former source's reading", h)
		}
		return err
	}); err != nil {
		t.Error(err)
	}
	for _, c := range []struct{ key, was, source string }{
		{"1", "1", "new"}, {"2" + OwnSep + "new", "2" + OwnSep + "old", "new"}, {"3", "3", "other"},
		{"4" + OwnSep + "old", "4" + OwnSep + "old", "old"}, {"4" + OwnSep + "new", "4" + OwnSep + "new", "new"},
	} {
		p, err := s.PostByKey(ctx, "feed", c.key)
		if err != nil {
			t.Errorf("post %q: %v", c.key, err)
			continue
		}
		if p.SourceID != c.source || p.ID != ids[c.was] {
			t.Errorf("post %q: source %s id %s, want %s and the id it had (%s)", c.key, p.SourceID, p.ID, c.source, ids[c.was])
		}
	}
}

// The statements that ask one source's posts run on posts_source, not on
// an index of every post in a state (SQLite prefers posts_state_due for
// `state = 'removed'` and walked every removed post of the archive, once
// per source: seconds on a large archive). The plan is SQLite's choice
// for the schema, whatever the rows.
//
// An actor's events, newest first (its feed, its page), are found by
// events_source: a scan of every event in id order read them all for a
// quiet actor.
func TestPlans_oneSourcesPostsByPostsSource(t *testing.T) {
	s, _ := openTemp(t)
	defer s.Close()
	infos := map[string]sourceInfo{"s": {actor: "a", platform: "feed"}, "t": {actor: "b", platform: "feed", postPlatforms: []string{"facebook"}}}
	actorCond, actorArgs := sourceCond(infos, "a", "", "")
	platformCond, platformArgs := sourceCond(infos, "", "", "facebook")
	for name, q := range map[string]struct {
		sql   string
		args  []any
		index string
	}{
		"sources":             {sourcesQuery, []any{"2026"}, "posts_source"},
		"removedBetween":      {removedBetween, []any{"s", "2026", "2027"}, "posts_source"},
		"catchUpVersions":     {catchUpVersions, []any{"s"}, "posts_source"},
		"catchUpPosts":        {catchUpPosts, []any{"s"}, "posts_source"},
		"scheduleSourcePosts": {scheduleSourcePosts, []any{"2026", "s", "deleted"}, "posts_source"},
		"an actor's events":   {eventSelect + " WHERE " + actorCond + " ORDER BY e.id DESC LIMIT 50", actorArgs, "events_source"},
		"a platform's events": {eventSelect + " WHERE " + platformCond + " ORDER BY e.id DESC LIMIT 50", platformArgs, "events_source"},
	} {
		rows, err := s.db.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+q.sql, q.args...)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, notUsed int
			var detail string
			if err := rows.Scan(&id, &parent, &notUsed, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		all := strings.Join(plan, "; ")
		if !strings.Contains(all, q.index) || strings.Contains(all, "posts_state_due") {
			t.Errorf("%s: plan %q, want it on %s", name, all, q.index)
		}
	}
}

// RecentPosts pages an actor's posts newest first sight first, each with
// what its row shows (text, versions), and no other actor's.
func TestRecentPosts_page(t *testing.T) {
	s, _ := openTemp(t)
	defer s.Close()
	ctx := t.Context()
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	if err := s.Write(ctx, func(tx *Tx) error {
		for _, a := range []string{"a", "b"} {
			if err := tx.UpsertActor(Actor{ID: a, Name: a, Affiliation: "media"}); err != nil {
				return err
			}
			if err := tx.UpsertSource(Source{ID: "s" + a, ActorID: a, Platform: "feed", URL: "https://x/" + a, Schedule: "@hourly"}); err != nil {
				return err
			}
		}
		for i := 0; i < 7; i++ {
			src := "sa"
			if i%3 == 2 {
				src = "sb"
			}
			p := &Post{Platform: "feed", PlatformID: fmt.Sprint(i), SourceID: src, FirstSeen: t0.Add(time.Duration(i) * time.Hour)}
			if err := tx.InsertPost(p); err != nil {
				return err
			}
			v := &Version{PostID: p.ID, Digest: fmt.Sprint(i), Text: "text " + fmt.Sprint(i), FirstSeen: p.FirstSeen, LastSeen: p.FirstSeen}
			if err := tx.AddVersion(v); err != nil {
				return err
			}
			p.CurrentVersion = v.ID
			if err := tx.UpdatePost(p); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// actor a has posts 0, 1, 3, 4, 6: newest first 6, 4, 3, 1, 0
	for _, c := range []struct {
		offset, limit int
		want          []string
	}{
		{0, 2, []string{"6", "4"}}, {1, 3, []string{"4", "3", "1"}}, {4, 10, []string{"0"}}, {5, 10, nil},
	} {
		rows, err := s.RecentPosts(ctx, Filter{Actor: "a"}, c.offset, c.limit)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rows {
			got = append(got, r.PlatformID)
			if r.Text != "text "+r.PlatformID || r.Versions != 1 || r.Actor != "a" {
				t.Errorf("row %+v", r)
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("offset %d limit %d: %v, want %v", c.offset, c.limit, got, c.want)
		}
	}
}
