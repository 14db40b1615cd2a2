package index

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

const crashBatch = 200

func crashDocs(b int) []Doc {
	docs := make([]Doc, crashBatch)
	for i := range docs {
		n := b*crashBatch + i
		docs[i] = Doc{PostID: fmt.Sprintf("p%06d", n), VersionID: int64(n), Version: 1,
			Text: fmt.Sprintf("post %d of batch %d", n, b)}
	}
	return docs
}

// TestPut_crash: a writer killed with SIGKILL in the middle of indexing
// leaves an index whose watermark says exactly which batches it holds (the
// docs and the watermark go in one bleve batch), every acknowledged one
// included; re-putting from there catches up with no document missing and
// none twice.
func TestPut_crash(t *testing.T) {
	if dir := os.Getenv("TAKEDOWNWATCH_INDEX_CRASH_CHILD"); dir != "" {
		crashChild(dir)
		return
	}
	if testing.Short() {
		t.Skip("starts a child process")
	}
	dir := filepath.Join(t.TempDir(), "index")
	cmd := exec.Command(os.Args[0], "-test.run=^TestPut_crash$")
	cmd.Env = append(os.Environ(), "TAKEDOWNWATCH_INDEX_CRASH_CHILD="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	acked := 0
	for sc.Scan() {
		if n, err := strconv.Atoi(sc.Text()); err == nil {
			acked = n
		}
		if acked >= 8 {
			break
		}
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if acked < 8 {
		t.Fatalf("child acknowledged %d batches", acked)
	}

	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	wm, err := ix.Watermark()
	if err != nil {
		t.Fatal(err)
	}
	w := 0
	if wm != "" {
		w, _ = strconv.Atoi(wm)
	}
	n, _ := ix.DocCount()
	t.Logf("acknowledged %d batches; after the kill the index holds %d docs, watermark %q", acked, n, wm)
	if n != uint64(w*crashBatch) {
		t.Fatalf("%d docs but watermark %d (%d docs): the index is ahead of or behind its watermark", n, w, w*crashBatch)
	}
	// a Put with a watermark returns once it is on disk
	if w < acked {
		t.Fatalf("watermark %d after the kill, but Put acknowledged batch %d", w, acked)
	}
	// catch up from the watermark (re-putting the last batch too: harmless)
	final := acked + 3
	for b := max(w, 1); b <= final; b++ {
		if err := ix.Put(context.Background(), crashDocs(b-1), strconv.Itoa(b)); err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := ix.DocCount(); n != uint64(final*crashBatch) {
		t.Errorf("after catching up: %d docs, want %d", n, final*crashBatch)
	}
	res, err := ix.Search(t.Context(), Query{Q: "post", AllVersions: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != uint64(final*crashBatch) {
		t.Errorf("search total %d, want %d", res.Total, final*crashBatch)
	}
	for _, id := range []int{0, final*crashBatch - 1} {
		r, err := ix.Search(t.Context(), Query{Q: fmt.Sprintf("post_id:p%06d", id)})
		if err != nil || r.Total != 1 {
			t.Errorf("p%06d: total %d, %v", id, r.Total, err)
		}
	}
}

// crashChild indexes batch after batch, printing each acknowledged one,
// until it is killed.
func crashChild(dir string) {
	ix, err := Open(dir, Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for b := 1; ; b++ {
		if err := ix.Put(context.Background(), crashDocs(b-1), strconv.Itoa(b)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println(b)
		if b > 1000 {
			time.Sleep(time.Hour)
		}
	}
}
