package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/takedownwatch/takedownwatch/archive"
	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/archive/warc"
	"github.com/takedownwatch/takedownwatch/export"
	"github.com/takedownwatch/takedownwatch/internal/clip"
)

// seedArchive writes a small archive with one event of most types, so
// exports have every kind of field to show.
func seedArchive(t *testing.T, dataDir string) {
	t.Helper()
	ctx := t.Context()
	a, err := archive.OpenWriter(ctx, archive.Options{DataDir: dataDir})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	c, err := a.Record(ctx, &warc.Exchange{URL: "https://gov.example/feed", StatusCode: 200,
		Header: http.Header{"Content-Type": {"application/rss+xml"}}, Body: []byte("<rss/>"), Date: t0}, archive.Meta{Kind: "listing", SourceID: ""})
	if err != nil {
		t.Fatal(err)
	}
	gone, err := a.Record(ctx, &warc.Exchange{URL: "https://gov.example/p/1", StatusCode: 451,
		Header: http.Header{"Link": {`<https://authority.example>; rel="blocked-by"`}}, Body: []byte("withheld"), Date: t0.Add(3 * time.Hour)}, archive.Meta{Kind: "permalink"})
	if err != nil {
		t.Fatal(err)
	}
	err = a.Store.Write(ctx, func(tx *store.Tx) error {
		must := func(err error) {
			if err != nil {
				t.Fatal(err)
			}
		}
		must(tx.UpsertActor(store.Actor{ID: "hun-sen", Name: "Hun Sen", Affiliation: "government", Country: "KH"}))
		must(tx.UpsertSource(store.Source{ID: "hs-feed", ActorID: "hun-sen", Platform: "feed", URL: "https://gov.example/feed", Schedule: "@hourly", Vantage: "direct"}))
		p := &store.Post{Platform: "feed", PlatformID: "1", SourceID: "hs-feed", PostURL: "https://gov.example/p/1",
			CanonicalURL: "https://gov.example/p/1", Published: t0.Add(-time.Hour), FirstSeen: t0, LastSeenLive: t0.Add(time.Hour)}
		must(tx.InsertPost(p))
		v := &store.Version{PostID: p.ID, Digest: "sha256:x", Text: "hello, \"world\"\nsecond line", FirstSeen: t0, LastSeen: t0, CaptureID: c.ID}
		must(tx.AddVersion(v))
		p.CurrentVersion, p.State, p.Reason, p.Detail, p.FirstSeenMissing = v.ID, "removed", "withheld_legal", "451", t0.Add(2*time.Hour)
		must(tx.UpdatePost(p))
		must(tx.AddEvent(&store.Event{Type: "new", At: t0, PostID: p.ID, SourceID: "hs-feed", Evidence: []int64{c.ID}}))
		must(tx.AddEvent(&store.Event{Type: "edited", At: t0.Add(time.Hour), PostID: p.ID, SourceID: "hs-feed", Diff: "--- a\n+++ b\n-x\n+y\n"}))
		must(tx.AddEvent(&store.Event{Type: "removed", At: t0.Add(3 * time.Hour), PostID: p.ID, SourceID: "hs-feed", Reason: "withheld_legal",
			Detail: "451", LastSeenLive: t0.Add(time.Hour), FirstSeenMissing: t0.Add(2 * time.Hour), Evidence: []int64{gone.ID, c.ID}}))
		must(tx.AddEvent(&store.Event{Type: "metrics_anomaly", At: t0.Add(4 * time.Hour), SourceID: "hs-feed",
			Metric: &store.Metric{Name: "followers", From: 1000, To: 1500.5}}))
		must(tx.AddEvent(&store.Event{Type: "account_gone", At: t0.Add(5 * time.Hour), SourceID: "hs-feed", Detail: "suspended"}))
		must(tx.AddMetrics("hs-feed", t0, c.ID, []store.MetricValue{{Name: "followers", Value: 1000}, {Name: "posts", Value: 12}}))
		must(tx.AddMetrics("hs-feed", t0.Add(time.Hour), 0, []store.MetricValue{{Name: "followers", Value: 1500.5}}))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The rows a report and its match leave, written directly: the test is
	// about the export, not the matching.
	db := a.Store.DB()
	if _, err := db.ExecContext(ctx, `INSERT INTO reports (id, channel, reporter, filed_at, received_at) VALUES ('r1', 'moi', 'Ministry', ?, ?)`,
		"2026-03-01T09:00:00.000000Z", "2026-03-01T09:00:00.000000Z"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO report_targets (report_id, url, canonical_url) VALUES ('r1', ?, ?)`,
		"https://gov.example/p/1", "https://gov.example/p/1"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO report_posts (report_id, post_id, target_url, matched_at) VALUES ('r1', ?, ?, ?)`,
		store.PostID("feed", "1"), "https://gov.example/p/1", "2026-03-01T09:00:00.000000Z"); err != nil {
		t.Fatal(err)
	}
}

// seededConfig writes a config (extra YAML after its data_dir) whose
// archive seedArchive filled, in a temporary directory, and returns its
// path.
func seededConfig(t *testing.T, extra string) string {
	t.Helper()
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	cfg := writeConfig(t, dir, "data_dir: "+data+"\n"+extra)
	seedArchive(t, data)
	return cfg
}

// An actor or platform the archive cannot hold, or a time range that
// ends before it starts, is a usage error naming what there is, not an
// empty export or search that reads as "nothing removed".
func TestSelectionsThatCannotMatch(t *testing.T) {
	cfg := seededConfig(t, "")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"export", "posts", "--format", "csv", "--actor", "hun_sen"}, 2, `export: --actor "hun_sen": no actor with that id in the archive in `},
		{[]string{"export", "events", "--format", "jsonl", "--platform", "myspace"}, 2, `export: --platform "myspace": want one of`},
		{[]string{"search", "post", "--actor", "hun-sen", "--actor", "hun_sen"}, 2, `search: --actor "hun_sen": no actor with that id`},
		{[]string{"export", "events", "--format", "csv", "--since", "2026-03-01", "--until", "2026-03-01"}, 2, "export: --since must be before --until"},
		{[]string{"export", "wacz", "--out", "x.wacz", "--since", "2026-03-02", "--until", "2026-03-01"}, 2, "export wacz: --since must be before --until"},
		{[]string{"export", "posts", "--format", "csv", "--actor", "hun-sen"}, 0, ""},
	} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			out, errOut, code := runCLI(t, append(c.args, "--config", cfg)...)
			if code != c.code || !strings.Contains(errOut, c.want) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, errOut, c.code, c.want)
			}
			if c.code != 0 && out != "" {
				t.Errorf("stdout %q; want nothing", out)
			}
			if c.code != 0 && strings.Contains(c.want, "--actor") && !strings.Contains(errOut, "(actors: hun-sen") {
				t.Errorf("stderr %q; want the archive's actors named", errOut)
			}
		})
	}
}

func TestExport_CSVAndJSONLCarrySameColumns(t *testing.T) {
	cfg := seededConfig(t, "")

	for _, kind := range []struct {
		name string
		cols []string
		args []string
	}{
		{"events", export.EventColumns, nil},
		{"posts", export.PostColumns, nil},
		{"posts", export.PostIDColumns, []string{"--ids-only"}},
		{"metrics", export.MetricColumns, nil},
	} {
		t.Run(kind.name+strings.Join(kind.args, ""), func(t *testing.T) {
			csvOut, errOut, code := runCLI(t, append([]string{"export", kind.name, "--format", "csv", "--config", cfg}, kind.args...)...)
			if code != 0 {
				t.Fatalf("csv export: %d %s", code, errOut)
			}
			jsonOut, errOut, code := runCLI(t, append([]string{"--config", cfg, "export", "--format", "jsonl", kind.name}, kind.args...)...)
			if code != 0 {
				t.Fatalf("jsonl export: %d %s", code, errOut)
			}
			records, err := csv.NewReader(strings.NewReader(csvOut)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(records[0], kind.cols) {
				t.Fatalf("csv header %v\nwant %v", records[0], kind.cols)
			}
			lines := strings.Split(strings.TrimSpace(jsonOut), "\n")
			if len(lines) != len(records)-1 || len(lines) == 0 {
				t.Fatalf("%d jsonl lines, %d csv rows", len(lines), len(records)-1)
			}
			for i, line := range lines {
				keys, values := orderedObject(t, line)
				if !reflect.DeepEqual(keys, kind.cols) {
					t.Fatalf("jsonl keys %v\nwant %v", keys, kind.cols)
				}
				for j, col := range kind.cols {
					if got, want := records[i+1][j], csvFromJSON(values[j]); got != want {
						t.Errorf("row %d %s: csv %q, jsonl %s", i, col, got, values[j])
					}
				}
			}
		})
	}
}

// --bom puts a UTF-8 byte order mark before a CSV export and nothing else;
// it is refused for JSON Lines.
func TestExport_BOM(t *testing.T) {
	cfg := seededConfig(t, "")
	plain, errOut, code := runCLI(t, "export", "posts", "--format", "csv", "--config", cfg)
	if code != 0 {
		t.Fatalf("csv export: %d %s", code, errOut)
	}
	out := filepath.Join(filepath.Dir(cfg), "posts.csv")
	if _, errOut, code = runCLI(t, "export", "posts", "--format", "csv", "--bom", "--out", out, "--config", cfg); code != 0 {
		t.Fatalf("csv export --bom: %d %s", code, errOut)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if want := "\xef\xbb\xbf" + plain; string(b) != want {
		t.Errorf("--bom wrote %q…, want the BOM and then the plain export %q…", clip.Text(string(b), 40), clip.Text(plain, 40))
	}
	_, errOut, code = runCLI(t, "export", "posts", "--format", "jsonl", "--bom", "--config", cfg)
	if code != 2 || !strings.Contains(errOut, "--bom applies to --format csv") {
		t.Errorf("jsonl --bom: exit %d, stderr %q; want a usage error", code, errOut)
	}
}

func TestExport_EventFields(t *testing.T) {
	cfg := seededConfig(t, "")
	out, errOut, code := runCLI(t, "export", "events", "--format", "jsonl", "--config", cfg)
	if code != 0 {
		t.Fatal(errOut)
	}
	var rows []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, m)
	}
	byType := map[string]map[string]any{}
	for _, r := range rows {
		byType[r["type"].(string)] = r
	}
	removed := byType["removed"]
	if removed["reason"] != "withheld_legal" || removed["detail"] != "451" {
		t.Errorf("removed reason %v detail %v", removed["reason"], removed["detail"])
	}
	if removed["report_lag_seconds"] != float64(3600) {
		t.Errorf("report_lag_seconds %v, want 3600 (10:00 missing − 09:00 filed)", removed["report_lag_seconds"])
	}
	if got := removed["report_ids"]; !reflect.DeepEqual(got, []any{"r1"}) {
		t.Errorf("report_ids %v", got)
	}
	if ev := removed["evidence"].([]any); len(ev) != 2 {
		t.Errorf("evidence %v", ev)
	}
	if removed["first_seen_missing"] != "2026-03-01T10:00:00Z" || removed["last_seen_live"] != "2026-03-01T09:00:00Z" {
		t.Errorf("bracket %v … %v", removed["last_seen_live"], removed["first_seen_missing"])
	}
	gone := byType["account_gone"]
	for _, k := range []string{"post_id", "post_url", "platform_id", "reason", "report_lag_seconds", "diff", "metric"} {
		if v, ok := gone[k]; !ok || v != nil {
			t.Errorf("account_gone %s = %v (present %v), want null", k, v, ok)
		}
	}
	if gone["platform"] != "feed" || gone["actor"] != "hun-sen" || gone["affiliation"] != "government" {
		t.Errorf("account_gone source fields %v", gone)
	}
	m := byType["metrics_anomaly"]["metric"].(map[string]any)
	if m["name"] != "followers" || m["from"] != float64(1000) || m["to"] != 1500.5 {
		t.Errorf("metric %v", m)
	}
	if byType["new"]["reason"] != nil || byType["edited"]["diff"] == nil {
		t.Errorf("new reason %v, edited diff %v", byType["new"]["reason"], byType["edited"]["diff"])
	}
	// Filters.
	out, _, _ = runCLI(t, "export", "events", "--format", "jsonl", "--config", cfg, "--since", "2026-03-01T09:30:00Z", "--until", "2026-03-01T12:30:00Z")
	if n := strings.Count(out, "\n"); n != 2 {
		t.Errorf("--since/--until kept %d events, want 2 (removed, metrics_anomaly)", n)
	}
	out, _, _ = runCLI(t, "export", "events", "--format", "jsonl", "--config", cfg, "--affiliation", "opposition")
	if out != "" {
		t.Errorf("--affiliation opposition kept %q", out)
	}
}

// orderedObject returns the keys of a JSON object in document order and
// their raw values.
func orderedObject(t *testing.T, line string) ([]string, []json.RawMessage) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(line))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", line)
	}
	var keys []string
	var vals []json.RawMessage
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			t.Fatal(err)
		}
		keys, vals = append(keys, tok.(string)), append(vals, raw)
	}
	return keys, vals
}

// csvFromJSON renders a JSON value the way the CSV export must.
func csvFromJSON(raw json.RawMessage) string {
	var v any
	_ = json.Unmarshal(raw, &v)
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		if x {
			return "true"
		}
		return "false"
	case float64:
		return strings.TrimSpace(string(raw))
	case []any:
		parts := make([]string, len(x))
		for i, p := range x {
			parts[i] = p.(string)
		}
		return strings.Join(parts, ";")
	default:
		return string(raw)
	}
}

func TestFeed_Command(t *testing.T) {
	cfg := seededConfig(t, "http: {base_url: \"https://watch.example.org\"}\n")
	for _, format := range []string{"rss", "atom", "json"} {
		out, errOut, code := runCLI(t, "feed", "removals", "--format", format, "--config", cfg)
		if code != 0 {
			t.Fatalf("%s: %d %s", format, code, errOut)
		}
		f, err := gofeed.NewParser().ParseString(out)
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		// The removal and the account's loss (no per-post removals folded).
		if len(f.Items) != 2 || !strings.HasPrefix(f.Items[0].GUID, "tag:watch.example.org,2026:event/") {
			t.Errorf("%s: %d items, first id %q", format, len(f.Items), f.Items[0].GUID)
		}
	}
	if _, _, code := runCLI(t, "feed", "actors/nobody", "--config", cfg); code != 2 {
		t.Errorf("unknown feed: exit %d, want 2", code)
	}
	// A name as its URL ends says the format; a --format against it is
	// refused.
	byName, _, code := runCLI(t, "feed", "removals.rss", "--config", cfg)
	byFlag, _, _ := runCLI(t, "feed", "removals", "--format", "rss", "--config", cfg)
	if code != 0 || byName != byFlag || !strings.Contains(byName, "<rss") {
		t.Errorf("feed removals.rss: exit %d, not the RSS feed:\n%s", code, byName)
	}
	if _, errOut, code := runCLI(t, "feed", "actors/hun-sen.json", "--format", "atom", "--config", cfg); code != 2 || !strings.Contains(errOut, "actors/hun-sen.json is json, --format says atom") {
		t.Errorf("feed with two formats: exit %d, %q", code, errOut)
	}
}

// A saved search's feed from the command line reads the index, as
// /feeds/search.EXT?q=…&state=… does.
func TestFeed_Command_savedSearch(t *testing.T) {
	cfg := seededConfig(t, "http: {base_url: \"https://watch.example.org\"}\n")
	if _, errOut, code := runCLI(t, "reindex", "--config", cfg); code != 0 {
		t.Fatalf("reindex: %d %s", code, errOut)
	}
	for _, c := range []struct {
		args  []string
		items int
	}{
		{[]string{"--q", "hello", "--state", "removed"}, 1}, // the removal only
		{[]string{"--q", "hello"}, 3},                       // new, edited, removed
		{[]string{"--q", "nowhere"}, 0},
	} {
		out, errOut, code := runCLI(t, append([]string{"feed", "search", "--format", "json", "--config", cfg}, c.args...)...)
		if code != 0 {
			t.Fatalf("%v: %d %s", c.args, code, errOut)
		}
		f, err := gofeed.NewParser().ParseString(out)
		if err != nil {
			t.Fatalf("%v: %v", c.args, err)
		}
		if len(f.Items) != c.items || !strings.Contains(f.FeedLink, "/feeds/search.json?q=") {
			t.Errorf("%v: %d items, feed link %q; want %d", c.args, len(f.Items), f.FeedLink, c.items)
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"search", "--q", "/[/"}, "feed: --q: /[/: error parsing regexp: missing closing ]"},
		{[]string{"search", "--q", "x", "--state", "gone"}, `--state "gone": want one of`},
		{[]string{"removals", "--q", "x"}, "apply to the feed named search"},
	} {
		if _, errOut, code := runCLI(t, append([]string{"feed", "--config", cfg}, c.args...)...); code != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", c.args, code, errOut, c.want)
		}
	}
}

// The progress bar's total is a separate count query: it must count what
// the export streams, filters included, or the bar lies.
func TestExport_ProgressCountsWhatIsExported(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	seedArchive(t, data)
	a, err := archive.OpenReader(t.Context(), data)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	filters := map[string]store.Filter{
		"all":         {},
		"since":       {Since: t0.Add(90 * time.Minute)},
		"until":       {Until: t0.Add(90 * time.Minute)},
		"actor":       {Actor: "hun-sen"},
		"affiliation": {Affiliation: "opposition"},
		"platform":    {Platform: "feed"},
	}
	for fname, f := range filters {
		for _, tbl := range []struct {
			name  string
			table export.Table
		}{
			{"events", export.Events(a.Store, f)}, {"posts", export.Posts(a.Store, f, false)}, {"metrics", export.Metrics(a.Store, f)},
		} {
			var calls [][2]int
			table, err := export.WithProgress(t.Context(), tbl.table, func(done, total int) { calls = append(calls, [2]int{done, total}) })
			if err != nil {
				t.Fatal(err)
			}
			n, err := export.Write(t.Context(), io.Discard, export.CSV, table)
			if err != nil {
				t.Fatal(err)
			}
			want := make([][2]int, 0, n+1)
			for i := 1; i <= n; i++ {
				want = append(want, [2]int{i, n})
			}
			want = append(want, [2]int{n, n})
			if !reflect.DeepEqual(calls, want) {
				t.Errorf("%s, %s filter: progress %v for %d rows, want %v", tbl.name, fname, calls, n, want)
			}
			if fname == "all" && n == 0 {
				t.Errorf("%s: the seeded archive exported nothing", tbl.name)
			}
		}
	}
}

// --out naming a directory, or a file in a directory that does not exist,
// is a usage error said before any work, and leaves nothing behind.
func TestOut_BadPaths(t *testing.T) {
	cfg := seededConfig(t, "")
	dir := t.TempDir()
	for _, c := range []struct {
		out, want string
	}{
		{dir, "is a directory: name the file to write"},
		{dir + string(filepath.Separator), "is a directory"},
		{filepath.Join(dir, "missing", "x.csv"), "no directory " + filepath.Join(dir, "missing")},
	} {
		for _, args := range [][]string{{"export", "events", "--format", "csv"}, {"feed", "removals", "--format", "rss"}} {
			_, errOut, code := runCLI(t, append(args, "--out", c.out, "--config", cfg)...)
			if code != 2 || !strings.Contains(errOut, c.want) {
				t.Errorf("%v --out %s: exit %d, %q; want 2 and %q", args, c.out, code, errOut, c.want)
			}
		}
	}
	if left, _ := os.ReadDir(dir); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}

// The temporary files of exports killed before their end are removed by a
// later export to the same directory once they are a day old; younger ones
// (an export that may still run) and other files are left alone.
func TestOut_RemovesStaleTemporaries(t *testing.T) {
	cfg := seededConfig(t, "")
	dir := t.TempDir()
	old := time.Now().Add(-25 * time.Hour)
	files := map[string]bool{ // name: removed
		".export-123":       true,
		".wacz-pages-456":   true,
		".wacz-index-789":   true,
		".export-recent":    false,
		"notes.export-keep": false,
	}
	for name := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("left by a killed export"), 0o600); err != nil {
			t.Fatal(err)
		}
		if name != ".export-recent" {
			if err := os.Chtimes(p, old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, errOut, code := runCLI(t, "export", "events", "--format", "csv", "--out", filepath.Join(dir, "events.csv"), "--config", cfg); code != 0 {
		t.Fatalf("export: %d %s", code, errOut)
	}
	for name, removed := range files {
		_, err := os.Stat(filepath.Join(dir, name))
		if gone := errors.Is(err, os.ErrNotExist); gone != removed {
			t.Errorf("%s: removed %v, want %v", name, gone, removed)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "events.csv")); err != nil {
		t.Errorf("the export itself: %v", err)
	}
}

// --state selects posts by state, as it does for wacz; the other kinds,
// which are not posts, refuse it.
func TestExport_PostsByState(t *testing.T) {
	cfg := seededConfig(t, "")
	a, err := archive.OpenWriter(t.Context(), archive.Options{DataDir: filepath.Join(filepath.Dir(cfg), "data")})
	if err != nil {
		t.Fatal(err)
	}
	err = a.Store.Write(t.Context(), func(tx *store.Tx) error {
		return tx.InsertPost(&store.Post{Platform: "feed", PlatformID: "2", SourceID: "hs-feed", PostURL: "https://gov.example/p/2",
			CanonicalURL: "https://gov.example/p/2", FirstSeen: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), State: "live"})
	})
	a.Close()
	if err != nil {
		t.Fatal(err)
	}
	all, _, code := runCLI(t, "export", "posts", "--format", "jsonl", "--config", cfg)
	if code != 0 {
		t.Fatal("export posts")
	}
	byState := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(all), "\n") {
		var p struct{ State string }
		if err := json.Unmarshal([]byte(line), &p); err != nil {
			t.Fatal(err)
		}
		byState[p.State]++
	}
	if byState["removed"] == 0 || len(byState) < 2 {
		t.Fatalf("the seeded archive's posts by state %v: the test needs removed posts and others", byState)
	}
	out, errOut, code := runCLI(t, "export", "posts", "--format", "jsonl", "--state", "removed", "--config", cfg)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != byState["removed"] || strings.Count(out, `"state":"removed"`) != len(lines) {
		t.Errorf("--state removed: exit %d %s, %d lines, want %d removed posts:\n%s", code, errOut, len(lines), byState["removed"], out)
	}
	for _, c := range []struct{ args, want string }{
		{"events --state removed", "--state applies to posts and wacz"},
		{"posts --state gone", `--state "gone": want one of`},
	} {
		if _, errOut, code := runCLI(t, append(append([]string{"export"}, strings.Fields(c.args)...), "--format", "csv", "--config", cfg)...); code != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("export %s: exit %d %q, want 2 and %q", c.args, code, errOut, c.want)
		}
	}
}
