package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/takedownwatch/takedownwatch/archive"
	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/index"
	"github.com/takedownwatch/takedownwatch/web"
)

func TestDialAddr(t *testing.T) {
	for _, tc := range []struct{ listen, want string }{
		{"127.0.0.1:8080", "127.0.0.1:8080"},
		{":9090", "127.0.0.1:9090"},
		{"0.0.0.0:80", "127.0.0.1:80"},
		{"[::]:8080", "[::1]:8080"},
		{"[2001:db8::1]:8080", "[2001:db8::1]:8080"},
		{"archive.example:8080", "archive.example:8080"},
	} {
		if got := dialAddr(tc.listen); got != tc.want {
			t.Errorf("dialAddr(%q) = %q; want %q", tc.listen, got, tc.want)
		}
	}
}

// serveInProcess runs serve on cfgPath, with more flags if given, until
// the test ends or it calls the stop function it gets.
func serveInProcess(t *testing.T, cfgPath string, flags ...string) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var logs lockedBuffer
	go func() {
		done <- run(ctx, append([]string{"serve", "--config", cfgPath, "--log-level", "info"}, flags...), io.Discard, &logs)
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve: %v\n%s", err, logs.String())
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// `reindex` beside a running serve asks it to rebuild its index, follows
// it to the end, and serve searches the new index afterwards; without the
// admin token, or with a wrong one, it says what to do.
func TestReindex_AsksRunningServe(t *testing.T) {
	addr := freeAddr(t)
	t.Setenv("TW_TEST_ADMIN", "admin-token-for-the-test")
	cfg := seededConfig(t, "http:\n  listen: "+addr+"\n  admin_token_env: TW_TEST_ADMIN\n")
	serveInProcess(t, cfg)
	if !healthy(addr, 20*time.Second) {
		t.Fatal("serve did not become healthy")
	}
	dataDir := filepath.Join(filepath.Dir(cfg), "data")
	before, err := os.Stat(indexDir(dataDir))
	if err != nil {
		t.Fatal(err)
	}

	out, errOut, code := runCLI(t, "reindex", "--config", cfg)
	if code != 0 || !strings.HasPrefix(out, "reindex: 1 posts in ") || !strings.Contains(out, "(by serve)") {
		t.Fatalf("reindex beside serve: %d %q\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "serve at http://"+addr+" is rebuilding its index") {
		t.Errorf("reindex did not say who rebuilds:\n%s", errOut)
	}
	after, err := os.Stat(indexDir(dataDir))
	if err != nil {
		t.Fatal(err)
	}
	if os.SameFile(before, after) {
		t.Error("the index directory is the one from before the reindex")
	}
	for _, aside := range []string{rebuildSuffix, ".old"} {
		if _, err := os.Stat(indexDir(dataDir) + aside); !os.IsNotExist(err) {
			t.Errorf("%s left beside the index (%v)", aside, err)
		}
	}
	// serve searches the new index, and so does a search beside it.
	resp, err := http.Get("http://" + addr + "/api/search?q=hello")
	if err != nil {
		t.Fatal(err)
	}
	var res struct{ Total int }
	err = json.NewDecoder(resp.Body).Decode(&res)
	resp.Body.Close()
	if err != nil || res.Total != 1 {
		t.Errorf("serve's search after the reindex: total %d (%v); want 1", res.Total, err)
	}
	if out, errOut, code := runCLI(t, "search", "hello", "--config", cfg); code != 0 || !strings.Contains(out, "hun-sen") {
		t.Errorf("search beside serve after the reindex: %d %q %s", code, out, errOut)
	}

	for _, tc := range []struct{ token, server, want string }{
		{"", "", "set TW_TEST_ADMIN for serve and for reindex"},
		{"not-the-admin-token", "", "answered 401"},
		{"admin-token-for-the-test", "http://" + freeAddr(t), "say where with --server"},
	} {
		t.Setenv("TW_TEST_ADMIN", tc.token)
		args := []string{"reindex", "--config", cfg}
		if tc.server != "" {
			args = append(args, "--server", tc.server)
		}
		_, errOut, code := runCLI(t, args...)
		if code == 0 || !strings.Contains(errOut, tc.want) || !strings.Contains(errOut, "holds") && tc.token == "" {
			t.Errorf("reindex with admin token %q: exit %d, stderr %q; want it to say %q", tc.token, code, errOut, tc.want)
		}
		if tc.token != "" && strings.Contains(errOut, tc.token) {
			t.Errorf("the admin token reached stderr: %s", errOut)
		}
	}
}

// reindex finds a serve that listens elsewhere than the config's
// http.listen (serve --listen, the demo's port 0) through the address it
// recorded in the data directory, and the record goes when serve stops.
func TestReindex_FindsServeOnItsRecordedAddress(t *testing.T) {
	t.Setenv("TW_TEST_ADMIN", "admin-token-for-the-test")
	cfg := seededConfig(t, "http:\n  listen: "+freeAddr(t)+"\n  admin_token_env: TW_TEST_ADMIN\n")
	dataDir := filepath.Join(filepath.Dir(cfg), "data")
	stop := serveInProcess(t, cfg, "--listen", "127.0.0.1:0")
	var server string
	for deadline := time.Now().Add(20 * time.Second); server == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		var err error
		if server, err = readServeAddr(dataDir); err != nil {
			t.Fatal(err)
		}
	}
	if !strings.HasPrefix(server, "http://127.0.0.1:") || !healthy(strings.TrimPrefix(server, "http://"), 20*time.Second) {
		t.Fatalf("serve recorded %q, and no healthy serve answers there", server)
	}

	out, errOut, code := runCLI(t, "reindex", "--config", cfg)
	if code != 0 || !strings.Contains(out, "(by serve)") || !strings.Contains(errOut, "serve at "+server+" is rebuilding") {
		t.Fatalf("reindex beside serve on a port of the kernel's choosing: %d %q\n%s", code, out, errOut)
	}

	stop()
	if _, err := os.Stat(filepath.Join(dataDir, serveAddrFile)); !os.IsNotExist(err) {
		t.Errorf("the address record outlived serve (%v)", err)
	}
}

// A writer's live index goes on answering searches and taking puts while
// it is rebuilt, holds afterwards what was put meanwhile, and a rebuild
// stopped by Close leaves the old index whole.
func TestLiveIndex_RebuildAndStop(t *testing.T) {
	ctx := t.Context()
	dataDir := t.TempDir()
	a, err := archive.OpenWriter(ctx, archive.Options{DataDir: dataDir})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	next := 0
	add := func(n int, word string) {
		t.Helper()
		err := a.Store.Write(ctx, func(tx *store.Tx) error {
			if err := tx.UpsertActor(store.Actor{ID: "a", Name: "A", Affiliation: "government"}); err != nil {
				return err
			}
			if err := tx.UpsertSource(store.Source{ID: "s", ActorID: "a", Platform: "feed", URL: "https://a.example/feed", Schedule: "@hourly"}); err != nil {
				return err
			}
			for range n {
				next++
				p := &store.Post{Platform: "feed", PlatformID: fmt.Sprint(next), SourceID: "s", PostURL: fmt.Sprintf("https://a.example/%d", next), FirstSeen: t0}
				if err := tx.InsertPost(p); err != nil {
					return err
				}
				if err := tx.AddVersion(&store.Version{PostID: p.ID, Digest: fmt.Sprint(next), Text: fmt.Sprintf("%s post %d", word, next), FirstSeen: t0, LastSeen: t0}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	total := func(l *liveIndex, q string) uint64 {
		t.Helper()
		res, err := l.Search(ctx, index.Query{Q: q, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		return res.Total
	}
	logger := logrus.New()
	logger.SetOutput(io.Discard)
	dir := filepath.Join(dataDir, archive.IndexDir)
	l, err := openLiveIndex(a.Store, dir, logrus.NewEntry(logger))
	if err != nil {
		t.Fatal(err)
	}
	add(200, "alpha")
	if _, err := l.indexer.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}

	if _, err := l.StartReindex(); err != nil {
		t.Fatal(err)
	}
	if _, err := l.StartReindex(); err != web.ErrReindexRunning {
		t.Errorf("a second reindex while one runs: %v; want ErrReindexRunning", err)
	}
	// Writes and searches go on meanwhile.
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for l.ReindexStatus().Running {
			if _, err := l.Search(ctx, index.Query{Q: "alpha"}); err != nil {
				t.Errorf("search during the rebuild: %v", err)
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	for i := 0; i == 0 || l.ReindexStatus().Running && i < 20; i++ {
		add(10, "gamma")
		l.indexer.CatchUp(ctx)
		time.Sleep(10 * time.Millisecond)
	}
	deadline := time.Now().Add(time.Minute)
	for l.ReindexStatus().Running && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	wg.Wait()
	st := l.ReindexStatus()
	if st.Phase != "done" || st.Error != "" || st.Done < 200 || st.Finished == nil {
		t.Fatalf("status after the rebuild: %+v", st)
	}
	if n := l.notice(); n != "" {
		t.Errorf("notice after the rebuild: %q", n)
	}
	if _, err := l.indexer.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if got, want := total(l, "gamma"), uint64(next-200); got != want {
		t.Errorf("gamma posts after the swap: %d; want %d", got, want)
	}
	if got := total(l, "alpha"); got != 200 {
		t.Errorf("alpha posts after the swap: %d; want 200", got)
	}

	// Stopped at once by Close: the index in use stays, whole.
	add(300, "delta")
	if _, err := l.indexer.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := l.StartReindex(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(l.notice(), "being rebuilt") {
		t.Errorf("notice while rebuilding: %q", l.notice())
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if st := l.ReindexStatus(); st.Phase != "stopped" || st.Running {
		t.Errorf("status after Close: %+v; want stopped", st)
	}
	if _, err := l.StartReindex(); err == nil {
		t.Error("a reindex started on a closed index")
	}
	if _, err := os.Stat(dir + rebuildSuffix); !os.IsNotExist(err) {
		t.Errorf("the stopped rebuild left %s (%v)", dir+rebuildSuffix, err)
	}
	// A killed rebuild leaves its half-built index, which the next writer
	// removes when it opens the index.
	if err := os.MkdirAll(filepath.Join(dir+rebuildSuffix, "store"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir+rebuildSuffix, "store", "000000000001.zap"), []byte("half a segment"), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err = openLiveIndex(a.Store, dir, logrus.NewEntry(logger))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if _, err := os.Stat(dir + rebuildSuffix); !os.IsNotExist(err) {
		t.Errorf("the half-built index a killed rebuild left is still there: %v", err)
	}
	if got := total(l, "delta"); got != 300 {
		t.Errorf("delta posts in the index after the stopped rebuild: %d; want 300", got)
	}
}

// A damaged index does not stop serve: it is set aside (kept), a fresh one
// takes its place, and serve rebuilds it from the archive, after which
// searches find the old posts again. A search meanwhile says what mends it.
func TestServe_DamagedIndex(t *testing.T) {
	cfg := seededConfig(t, "")
	dataDir := filepath.Join(filepath.Dir(cfg), "data")
	if _, errOut, code := runCLI(t, "reindex", "--config", cfg); code != 0 {
		t.Fatalf("reindex: %d %s", code, errOut)
	}
	if err := os.WriteFile(filepath.Join(indexDir(dataDir), "index_meta.json"), []byte(`{"storage":`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := runCLI(t, "search", "hello", "--config", cfg); code != 1 || !strings.Contains(errOut, "`reindex` rebuilds it from the archive") {
		t.Fatalf("search on a damaged index: %d %q", code, errOut)
	}

	stop := serveInProcess(t, cfg, "--listen", "127.0.0.1:0")
	found := false
	for deadline := time.Now().Add(30 * time.Second); !found && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		out, errOut, code := runCLI(t, "search", "hello", "--config", cfg)
		found = code == 0 && strings.HasPrefix(out, "1 result") && !strings.Contains(errOut, "holds only")
	}
	if !found {
		t.Fatal("serve did not rebuild the damaged index: the old post is not found")
	}
	stop()
	aside, _ := filepath.Glob(indexDir(dataDir) + damagedSuffix + "*")
	if len(aside) != 1 {
		t.Errorf("the damaged index was not kept aside: %v", aside)
	}
	out, errOut, code := runCLI(t, "search", "hello", "--config", cfg)
	if code != 0 || !strings.HasPrefix(out, "1 result") || errOut != "" {
		t.Errorf("after serve: %d %q %q", code, out, errOut)
	}
	// a hit prints when it was published and removed (what --sort orders by)
	if !strings.Contains(out, "  hun-sen  2026-03-01 07:00Z  removed (withheld_legal) 2026-03-01 10:00Z  v1  https://gov.example/p/1\n") {
		t.Errorf("the hit's line:\n%s", out)
	}
}
