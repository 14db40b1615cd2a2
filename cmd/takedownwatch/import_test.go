package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/takedownwatch/takedownwatch/internal/testtool"
)

func TestImportCrowdTangle(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "data_dir: "+filepath.Join(dir, "data")+`
actors: [{id: hun-sen, name: Hun Sen, affiliation: government}]
sources:
  - {id: hs-fb, actor: hun-sen, platform: facebook, url: "https://www.facebook.com/hunsencambodia"}
`)
	file := filepath.Join(testtool.Root(t), "monitor", "facebook", "testdata", "crowdtangle_br.csv")
	out, errOut, code := runCLI(t, "import", "crowdtangle", file, "--config", cfg)
	// Every rejected row is named with its line and why.
	for _, want := range []string{"line 6: Post Created: unknown time zone", "line 8: URL", "names no Facebook post", "line 9: Likes", "line 11: Post Created: no time"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if code != 1 || !strings.Contains(out, "3 posts imported, 0 already archived, 4 rows rejected") {
		t.Fatalf("import: %d %q", code, out)
	}
	out, _, _ = runCLI(t, "export", "posts", "--format", "jsonl", "--config", cfg)
	if strings.Count(out, `"imported":true`) != 3 || !strings.Contains(out, `"platform_id":"100063486369524_4011234567890123"`) {
		t.Errorf("imported posts:\n%s", out)
	}
	// Again: nothing twice.
	out, _, _ = runCLI(t, "import", "crowdtangle", file, "--config", cfg)
	if !strings.Contains(out, "0 posts imported, 3 already archived") {
		t.Errorf("second import: %q", out)
	}
	if out, _, code := runCLI(t, "verify", "--config", cfg); code != 0 {
		t.Errorf("verify: %s", out)
	}
	if _, _, code := runCLI(t, "import", "crowdtangle", file, "--source", "nope", "--config", cfg); code != 2 {
		t.Errorf("unknown --source: exit %d, want 2", code)
	}
}
