package feeds

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/takedownwatch/takedownwatch/internal/testtool"
)

// feedparserScript prints, for a feed file, feedparser's bozo flag and
// each entry's id and link.
const feedparserScript = `
import json, sys, feedparser
d = feedparser.parse(sys.argv[1])
print(json.dumps({"bozo": int(d.bozo), "error": str(d.get("bozo_exception", "")), "version": d.version,
  "entries": [{"id": e.get("id"), "link": e.get("link")} for e in d.entries]}))
`

// debianPython is Debian's interpreter, where python3-feedparser installs;
// the python3 first on PATH may be another.
const debianPython = "/usr/bin/python3"

func TestRender_FeedparserAccepts(t *testing.T) {
	if err := exec.Command(debianPython, "-c", "import feedparser").Run(); err != nil {
		testtool.Missing(t, "python3-feedparser for "+debianPython, "apt-get install python3-feedparser")
	}
	f := testFeed()
	for _, format := range []Format{RSS, Atom} {
		t.Run(string(format), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "feed."+string(format))
			if err := os.WriteFile(path, render(t, f, format), 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(debianPython, "-c", feedparserScript, path).Output()
			if err != nil {
				t.Fatalf("feedparser: %v", err)
			}
			var got struct {
				Bozo    int    `json:"bozo"`
				Error   string `json:"error"`
				Version string `json:"version"`
				Entries []struct{ ID, Link string }
			}
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			if got.Bozo != 0 {
				t.Fatalf("feedparser says bozo (%s): %s", got.Version, got.Error)
			}
			if len(got.Entries) != len(f.Entries) {
				t.Fatalf("feedparser sees %d entries, want %d", len(got.Entries), len(f.Entries))
			}
			for i, e := range got.Entries {
				if e.ID != testSite.EventID(f.Entries[i].ID) || e.Link != testSite.Link(f.Entries[i]) {
					t.Errorf("entry %d: id %q link %q", i, e.ID, e.Link)
				}
			}
			t.Logf("feedparser: %s, bozo 0, %d entries", got.Version, len(got.Entries))
		})
	}
}
