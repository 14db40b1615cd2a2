package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/archive"
	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/internal/testtool"
	"github.com/takedownwatch/takedownwatch/monitor/canon"
)

// archivedPosts are posts the archive holds, by the form a collector
// records; the import names them in other forms.
var archivedPosts = []struct{ platform, id, url string }{
	{"facebook", "1", "https://www.facebook.com/hunsencambodia/posts/10158819522801830"},
	{"facebook", "2", "https://www.facebook.com/candlelightparty/posts/pfbid02abcDEF"},
	{"telegram", "freshnewsasia/44521", "https://t.me/FreshNewsAsia/44521"},
	{"mastodon", "3", "https://social.example/@opposition/113000000000000001"},
}

const importCSV = `channel_id,reporter,channel,filed_at,kind,legal_basis,jurisdiction,target_urls,source_url,notes
MOI-1,Ministry of Information,letter,2026-03-01T09:00:00Z,government_request,Law on Telecommunications art. 80,KH,https://m.facebook.com/story.php?story_fbid=10158819522801830&id=hunsencambodia&__tn__=K-R;https://t.me/s/FreshNewsAsia/44521,,first letter
MOI-2,Ministry of Information,letter,2026-03-02T09:00:00Z,government_request,,KH,https://web.facebook.com/candlelightparty/posts/pfbid02abcDEF?fbclid=XYZ,,
MOI-3,Ministry of Information,letter,2026-03-03T09:00:00Z,court_order,,KH,https://social.example/users/opposition/statuses/113000000000000001;https://www.facebook.com/somebody/posts/999,,one never archived
`

func TestReportsImport(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	cfg := writeConfig(t, dir, "data_dir: "+data+"\n")
	a, err := archive.OpenWriter(t.Context(), archive.Options{DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	err = a.Store.Write(t.Context(), func(tx *store.Tx) error {
		if err := tx.UpsertActor(store.Actor{ID: "opp", Name: "Opposition", Affiliation: "opposition"}); err != nil {
			return err
		}
		if err := tx.UpsertSource(store.Source{ID: "s", ActorID: "opp", Platform: "feed", URL: "https://x.example", Schedule: "@hourly", Vantage: "direct"}); err != nil {
			return err
		}
		for _, p := range archivedPosts {
			if err := tx.InsertPost(&store.Post{Platform: p.platform, PlatformID: p.id, SourceID: "s", PostURL: p.url,
				CanonicalURL: canon.URL(p.url), FirstSeen: t0, LastSeenLive: t0}); err != nil {
				return err
			}
		}
		return nil
	})
	a.Close()
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}

	// A malformed row: nothing is imported, and the row is named by line.
	bad := write("bad.csv", importCSV+"MOI-4,Ministry of Information,letter,yesterday,government_request,,KH,https://t.me/x/1,,\n")
	_, errOut, code := runCLI(t, "reports", "import", bad, "--config", cfg)
	if code != 1 || !strings.Contains(errOut, "line 5: filed_at") {
		t.Fatalf("bad file: exit %d, stderr %q", code, errOut)
	}
	if out, _, _ := runCLI(t, "export", "reports", "--format", "jsonl", "--config", cfg); out != "" {
		t.Fatalf("a bad file stored reports: %s", out)
	}
	// --skip-invalid stores the three good ones.
	out, errOut, code := runCLI(t, "reports", "import", bad, "--skip-invalid", "--config", cfg)
	if code != 0 || !strings.Contains(out, "3 stored, 0 already stored, 4 posts linked, 1 target URLs never archived, 1 invalid skipped") {
		t.Fatalf("--skip-invalid: %d %q %q", code, out, errOut)
	}
	// The same reports again (a JSON file this time): stored once.
	js := write("again.json", `{"reports": [{"reporter": "Ministry of Information", "filed_at": "2026-03-02T09:00:00Z", "kind": "government_request",
	  "target_urls": ["https://web.facebook.com/candlelightparty/posts/pfbid02abcDEF?fbclid=XYZ"]}]}`)
	out, _, code = runCLI(t, "reports", "import", js, "--config", cfg)
	if code != 0 || !strings.Contains(out, "0 stored, 1 already stored") {
		t.Fatalf("re-import: %d %q", code, out)
	}
	// Every archived post is linked: the events say reported, the export
	// lists the matches.
	out, _, _ = runCLI(t, "export", "reports", "--format", "csv", "--config", cfg)
	if strings.Count(out, "\n") != 4 {
		t.Errorf("export reports:\n%s", out)
	}
	events, _, _ := runCLI(t, "export", "events", "--format", "jsonl", "--config", cfg)
	if n := strings.Count(events, `"type":"reported"`); n != 4 {
		t.Errorf("%d reported events, want 4:\n%s", n, events)
	}
	posts, _, _ := runCLI(t, "export", "posts", "--format", "jsonl", "--config", cfg)
	if strings.Contains(posts, `"report_ids":[]`) {
		t.Errorf("a post is left unlinked:\n%s", posts)
	}
	// The imported file is archived, and the archive verifies.
	if out, _, code := runCLI(t, "verify", "--config", cfg); code != 0 {
		t.Errorf("verify: %s", out)
	}
}

func TestReportsImport_Lumen(t *testing.T) {
	fixtures := testtool.Fixtures(t, "takedown")
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "data_dir: "+filepath.Join(dir, "data")+"\n")
	out, errOut, code := runCLI(t, "reports", "import", filepath.Join(fixtures, "lumen__doc_example_2_dmca.json"), "--config", cfg)
	if code != 0 || !strings.Contains(out, "1 stored") {
		t.Fatalf("lumen example: %d %q %q", code, out, errOut)
	}
	out, _, _ = runCLI(t, "export", "reports", "--format", "jsonl", "--config", cfg)
	for _, want := range []string{`"reporter":"Joe Lawyer"`, `"channel":"lumen"`, `"filed_at":"2013-06-04T19:23:12Z"`, "infringing1"} {
		if !strings.Contains(out, want) {
			t.Errorf("export lacks %s:\n%s", want, out)
		}
	}
}
