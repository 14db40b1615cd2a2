package index

import (
	"bufio"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// zapAdvice reads /proc/self/smaps: for each mapping of a segment file in
// dir, whether it carries random-read advice (VmFlags "rr").
func zapAdvice(t *testing.T, dir string) map[string]bool {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]bool{}
	cur := ""
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		fields := strings.Fields(line)
		switch {
		case len(fields) >= 6 && strings.Contains(fields[0], "-") && strings.HasSuffix(fields[5], ".zap"):
			cur = ""
			if strings.HasPrefix(fields[5], dir+string(filepath.Separator)) {
				cur = fields[5]
				out[cur] = out[cur] || false
			}
		case strings.HasPrefix(line, "VmFlags:") && cur != "":
			if strings.Contains(" "+line+" ", " rr ") {
				out[cur] = true
			}
			cur = ""
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// unadvised lists the mapped segment files in dir without random-read
// advice; none mapped fails the test, which would then prove nothing.
func unadvised(t *testing.T, dir string) []string {
	t.Helper()
	m := zapAdvice(t, dir)
	if len(m) == 0 {
		t.Fatalf("no segment file in %s mapped", dir)
	}
	var out []string
	for f, rr := range m {
		if !rr {
			out = append(out, f)
		}
	}
	return out
}

// waitUnadvised waits up to 5 s for a mapped segment file in dir without
// advice (one persisted since the last search) and fails the test, which
// would then prove nothing, if none appears.
func waitUnadvised(t *testing.T, dir string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		for _, rr := range zapAdvice(t, dir) {
			if !rr {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("no new unadvised segment after a put for 5 s: the test would prove nothing")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// allUnadvised fails the test unless no mapped segment file in dir has
// advice yet (before any search).
func allUnadvised(t *testing.T, dir string) {
	t.Helper()
	if n, all := len(unadvised(t, dir)), len(zapAdvice(t, dir)); n != all {
		t.Fatalf("%d of %d segment files advised before any search: the test would prove nothing", all-n, all)
	}
}

func skipUnlessLinux(t *testing.T) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc/self/smaps (Linux)")
	}
}

// Searches advise random access on the mapped segment files, the ones an
// index opened with and the ones merging makes later, so that under a
// memory limit the kernel's read-around does not evict what searches use.
func TestSearch_advisesRandomAccess(t *testing.T) {
	skipUnlessLinux(t)
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	put := func(ix *Index, id, text, wm string) {
		t.Helper()
		if err := ix.Put(t.Context(), []Doc{{PostID: id, VersionID: 1, Version: 1, Text: text}}, wm); err != nil {
			t.Fatal(err)
		}
	}
	put(ix, "p1", "minister statement one", "w1")
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	allUnadvised(t, dir)
	if _, err := ix.Search(t.Context(), Query{Q: "statement"}); err != nil {
		t.Fatal(err)
	}
	if u := unadvised(t, dir); len(u) > 0 {
		t.Errorf("no random-read advice after a search: %v", u)
	}

	// a segment persisted later is advised at the next search
	put(ix, "p2", "second statement", "w2")
	// the persister maps the new segment just after the put returns, and a
	// merge may briefly leave none mapped: wait for an unadvised one
	waitUnadvised(t, dir)
	// scorch swaps the persisted segment in for the in-memory one just
	// after the put returns: searches until then still read the latter.
	deadline := time.Now().Add(5 * time.Second)
	for {
		res, err := ix.Search(t.Context(), Query{Q: "statement"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 2 {
			t.Fatalf("total = %d, want 2", res.Total)
		}
		// (a merge may leave a moment with no segment file mapped:
		// the merged one not yet swapped in; that is no answer yet)
		m := zapAdvice(t, dir)
		var u []string
		for f, rr := range m {
			if !rr {
				u = append(u, f)
			}
		}
		if len(m) > 0 && len(u) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no random-read advice after searches for 5 s: %v", u)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A read-only view (a snapshot beside the writer, as `search` opens one
// while `serve` runs) advises its segment files too.
func TestSearch_readOnlyAdvises(t *testing.T) {
	skipUnlessLinux(t)
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Put(t.Context(), []Doc{{PostID: "p1", VersionID: 1, Version: 1, Text: "minister statement"}}, "w1"); err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ro, err := OpenReadOnly(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	allUnadvised(t, ro.snapDir)
	res, err := ro.Search(t.Context(), Query{Q: "statement"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 {
		t.Errorf("total = %d, want 1", res.Total)
	}
	if u := unadvised(t, ro.snapDir); len(u) > 0 {
		t.Errorf("no random-read advice after a search: %v", u)
	}
}

// A search on a closed index fails; it does not panic in the advice.
func TestSearch_closedIndex(t *testing.T) {
	ix := openTestIndex(t)
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := ix.Search(t.Context(), Query{Q: "statement"}); err == nil {
		t.Error("search on a closed index: no error")
	}
}
