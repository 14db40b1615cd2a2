package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/takedownwatch/takedownwatch/archive"
	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/sandbox"
	"github.com/takedownwatch/takedownwatch/internal/testtool"
)

// saveConfig writes cfg where the CLI can read it.
func saveConfig(t *testing.T, cfg *config.Config) string {
	t.Helper()
	b, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "takedownwatch.yaml")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestExampleConfig_OneCycleOnSandbox runs the shipped example config with
// every source's host rewritten to the sandbox.
func TestExampleConfig_OneCycleOnSandbox(t *testing.T) {
	example := filepath.Join(testtool.Root(t), "examples", "takedownwatch.yaml")
	if out, _, code := runCLI(t, "config", "check", "--config", example); code != 0 || out != "ok\n" {
		t.Fatalf("config check of the example: %d %q", code, out)
	}
	cfg, err := config.Load(example)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Sources) == 0 {
		t.Fatal("example has no sources")
	}
	sb, err := sandbox.New(sandbox.Options{Hosts: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	for i := range cfg.Sources {
		acc := sb.AddAccount(i%2, cfg.Sources[i].ID)
		for j := 0; j < 3; j++ {
			acc.Publish(sandbox.Post{Title: fmt.Sprintf("post %d", j), HTML: fmt.Sprintf("<p>%s says %d</p>", cfg.Sources[i].Actor, j)})
		}
		cfg.Sources[i].URL = acc.FeedURL()
	}
	cfg.DataDir = filepath.Join(t.TempDir(), "data")
	cfg.Fetch.PerHostInterval = 0
	path := saveConfig(t, cfg)

	out, errOut, code := runCLI(t, "snapshot", "--config", path, "--log-level", "warn")
	if code != 0 {
		t.Fatalf("snapshot: %d %s %s", code, out, errOut)
	}
	want := fmt.Sprintf("snapshot: %d sources (0 failed, 0 unchanged), %d items, %d new", len(cfg.Sources), 3*len(cfg.Sources), 3*len(cfg.Sources))
	if !strings.HasPrefix(out, want) {
		t.Errorf("snapshot said %q, want prefix %q", out, want)
	}
	out, _, code = runCLI(t, "sources", "--config", path)
	if code != 0 || strings.Count(out, " ok ") != len(cfg.Sources) {
		t.Errorf("sources:\n%s", out)
	}
	if out, _, code := runCLI(t, "verify", "--config", path); code != 0 {
		t.Errorf("verify: %s", out)
	}

	// Search finds what the snapshot archived, before and after a rebuild.
	total := func() int {
		out, errOut, code := runCLI(t, "search", "says", "--json", "--limit", "100", "--config", path)
		if code != 0 {
			t.Fatalf("search: %d %s", code, errOut)
		}
		if strings.Contains(errOut, "reindex") {
			t.Errorf("search of a current index says it is outdated: %s", errOut)
		}
		var res struct {
			Total int `json:"total"`
			Hits  []struct {
				PostID, Snippet string
				PostURL         string `json:"post_url"`
			} `json:"hits"`
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("search --json: %v\n%s", err, out)
		}
		for _, h := range res.Hits {
			if !strings.Contains(h.Snippet, "<mark>says</mark>") {
				t.Errorf("hit %s snippet %q", h.PostID, h.Snippet)
			}
			if !strings.HasPrefix(h.PostURL, "http://") {
				t.Errorf("hit %s post_url %q", h.PostID, h.PostURL)
			}
		}
		// The text output names each hit's post URL too.
		text, errOut, code := runCLI(t, "search", "says", "--limit", "100", "--config", path)
		if code != 0 {
			t.Fatalf("search: %d %s", code, errOut)
		}
		for _, h := range res.Hits {
			if !strings.Contains(text, h.PostURL) {
				t.Errorf("search's text output lacks %s's URL %s", h.PostID, h.PostURL)
			}
		}
		// Paging: the first page says how to ask for the next, which
		// goes on where the whole list does.
		first, _, _ := runCLI(t, "search", "says", "--limit", "2", "--config", path)
		if want := fmt.Sprintf("results 1 to 2 of %d: --offset 2 for the next 2", res.Total); res.Total > 2 && !strings.Contains(first, want) {
			t.Errorf("first page lacks %q:\n%s", want, first)
		}
		out, _, _ = runCLI(t, "search", "says", "--json", "--limit", "2", "--offset", "2", "--config", path)
		var page struct{ Hits []struct{ PostID string } }
		if err := json.Unmarshal([]byte(out), &page); err != nil || len(page.Hits) != min(2, max(0, len(res.Hits)-2)) {
			t.Fatalf("--offset 2: %v\n%s", err, out)
		}
		for i, h := range page.Hits {
			if h.PostID != res.Hits[2+i].PostID {
				t.Errorf("--offset 2 hit %d is %s, the whole list's is %s", i, h.PostID, res.Hits[2+i].PostID)
			}
		}
		return res.Total
	}
	if n := total(); n != 3*len(cfg.Sources) {
		t.Errorf("search found %d posts, want %d", n, 3*len(cfg.Sources))
	}
	out, errOut, code = runCLI(t, "reindex", "--config", path)
	if code != 0 || !strings.HasPrefix(out, fmt.Sprintf("reindex: %d posts", 3*len(cfg.Sources))) {
		t.Fatalf("reindex: %d %q %s", code, out, errOut)
	}
	if n := total(); n != 3*len(cfg.Sources) {
		t.Errorf("after reindex, search found %d posts, want %d", n, 3*len(cfg.Sources))
	}

	// A writer that stopped between its metadata commit and the index
	// (killed, say) leaves the index behind: search says so until the
	// next snapshot catches up.
	a, err := archive.OpenWriter(t.Context(), archive.Options{DataDir: cfg.DataDir})
	if err != nil {
		t.Fatal(err)
	}
	err = a.Store.Write(t.Context(), func(tx *store.Tx) error {
		posts, err := tx.PostsOfSource(cfg.Sources[0].ID, store.StateLive)
		if err != nil || len(posts) == 0 {
			return fmt.Errorf("posts of %s: %d, %v", cfg.Sources[0].ID, len(posts), err)
		}
		posts[0].State = store.StateSuspect
		return tx.UpdatePost(posts[0])
	})
	a.Close()
	if err != nil {
		t.Fatal(err)
	}
	behind := func() string {
		_, errOut, code := runCLI(t, "search", "says", "--config", path)
		if code != 0 {
			t.Fatalf("search: %d %s", code, errOut)
		}
		return errOut
	}
	if errOut := behind(); !strings.Contains(errOut, "1 change(s) behind the archive") {
		t.Errorf("search beside an index that lacks a state change said %q; want it behind by 1", errOut)
	}
	if _, errOut, code := runCLI(t, "snapshot", "--config", path, "--log-level", "warn"); code != 0 {
		t.Fatalf("second snapshot: %s", errOut)
	}
	if errOut := behind(); strings.Contains(errOut, "behind") {
		t.Errorf("after a snapshot caught up, search said %q", errOut)
	}
}

// buildBinary builds the command once for tests that run it as a process.
var buildBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "takedownwatch-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "takedownwatch")
	// The binary as users build it, pure Go; in CI it shares the compiled
	// dependencies of .ci/run's own pure-Go build.
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

func startServe(t *testing.T, bin, cfgPath, addr string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--config", cfgPath, "--listen", addr, "--log-level", "warn")
	cmd.Stdout, cmd.Stderr = nil, nil
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if healthy(addr, 15*time.Second) {
		return cmd
	}
	cmd.Process.Kill()
	cmd.Wait()
	t.Fatal("serve did not become healthy")
	return nil
}

// healthy waits until serve at addr answers /healthz with 200, at most wait.
func healthy(addr string, wait time.Duration) bool {
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return true
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

func freeAddr(t *testing.T) string {
	t.Helper()
	srv, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := srv.Addr().String()
	srv.Close()
	return addr
}

// TestServe_SurvivesKill kills a serving daemon at random moments while
// it archives; after each kill the archive must verify, every capture must
// resolve to an intact record, and a restart must carry on.
func TestServe_SurvivesKill(t *testing.T) {
	bin, err := buildBinary()
	if err != nil {
		t.Fatal(err)
	}
	sb, err := sandbox.New(sandbox.Options{Hosts: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	cfg := config.Default()
	cfg.DataDir = filepath.Join(t.TempDir(), "data")
	cfg.Fetch.PerHostInterval = 0
	cfg.Actors = []config.Actor{{ID: "a", Name: "A", Affiliation: "government"}}
	var accounts []*sandbox.Account
	for i := 0; i < 12; i++ {
		acc := sb.AddAccount(i%2, fmt.Sprintf("acc%d", i))
		acc.SetMedia("m.png", 64<<10, "image/png")
		accounts = append(accounts, acc)
		cfg.Sources = append(cfg.Sources, config.Source{ID: acc.Name(), Actor: "a", Platform: "feed", URL: acc.FeedURL(), Schedule: "@every 1s", Vantage: "direct"})
	}
	cfgPath := saveConfig(t, cfg)

	// Keep the accounts changing so every cycle writes records.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(15 * time.Millisecond):
			}
			acc := accounts[i%len(accounts)]
			media := []string(nil)
			if i%3 == 0 {
				acc.SetMedia(fmt.Sprintf("m%d.png", i), 32<<10, "image/png")
				media = []string{fmt.Sprintf("m%d.png", i)}
			}
			acc.Publish(sandbox.Post{HTML: fmt.Sprintf("<p>post %d %s</p>", i, strings.Repeat("words ", 40)), Media: media})
		}
	}()
	defer func() { close(stop); wg.Wait() }()

	kills := 20
	if testing.Short() {
		kills = 5
	}
	addr := freeAddr(t)
	lastCaptures := 0
	for i := 0; i < kills; i++ {
		cmd := startServe(t, bin, cfgPath, addr)
		time.Sleep(time.Duration(100+rand.IntN(1400)) * time.Millisecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()

		a, err := archive.OpenReader(t.Context(), cfg.DataDir)
		if err != nil {
			t.Fatalf("kill %d: open: %v", i, err)
		}
		rep, err := a.Verify(t.Context(), nil)
		a.Close()
		if err != nil {
			t.Fatalf("kill %d: verify: %v", i, err)
		}
		if !rep.OK() {
			t.Fatalf("kill %d: verify failed: %v", i, rep.Problems)
		}
		if rep.Captures < lastCaptures {
			t.Fatalf("kill %d: %d captures, had %d: acknowledged captures lost", i, rep.Captures, lastCaptures)
		}
		lastCaptures = rep.Captures
	}
	if lastCaptures == 0 {
		t.Fatal("nothing was archived between kills")
	}
	// A last restart seals what the kills left open. Beside it, read
	// commands work and a second writer refuses at once.
	cmd := startServe(t, bin, cfgPath, addr)
	time.Sleep(300 * time.Millisecond)
	for _, args := range [][]string{
		{"export", "events", "--format", "jsonl"}, {"sources"}, {"verify"}, {"search", "post", "--json"},
	} {
		if out, errOut, code := runCLI(t, append(args, "--config", cfgPath)...); code != 0 {
			t.Errorf("%v beside serve: %d %s %s", args, code, out, errOut)
		}
	}
	start := time.Now()
	_, errOut, code := runCLI(t, "snapshot", "--config", cfgPath)
	if code != 1 || !strings.Contains(errOut, "only one writer") {
		t.Errorf("snapshot beside serve: exit %d, %q", code, errOut)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("snapshot took %s to refuse; it must not wait on the lock", took)
	}
	// an import, refused as well, says how to send reports to serve
	reportsFile := filepath.Join(t.TempDir(), "reports.json")
	if err := os.WriteFile(reportsFile, []byte(`[]`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errOut, code = runCLI(t, "reports", "import", reportsFile, "--config", cfgPath)
	if code != 1 || !strings.Contains(errOut, "only one writer") || !strings.Contains(errOut, "POST /api/reports") {
		t.Errorf("reports import beside serve: exit %d, %q", code, errOut)
	}
	// A hangup (a closing terminal, systemctl reload) stops as SIGINT and
	// SIGTERM do: gracefully, nothing left open.
	cmd.Process.Signal(syscall.SIGHUP)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("graceful stop on SIGHUP: %v", err)
	}
	open, _ := filepath.Glob(filepath.Join(cfg.DataDir, archive.WARCDir, "*.open"))
	if len(open) != 0 {
		t.Errorf("files left open after a graceful stop: %v", open)
	}
	out, _, code := runCLI(t, "verify", "--config", cfgPath)
	if code != 0 {
		t.Fatalf("final verify: %s", out)
	}
	// The index caught up with every kill: one document per version,
	// none missing, none twice.
	a, err := archive.OpenReader(t.Context(), cfg.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	counts, err := a.Store.Counts(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	ix, err := openIndexReader(a.Store, cfg.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := ix.DocCount()
	ix.Close()
	if err != nil || docs != uint64(counts.Versions) {
		t.Errorf("index holds %d documents, the archive %d versions (%v)", docs, counts.Versions, err)
	}
	t.Logf("%d kills; final: %s", kills, strings.TrimSpace(out))
}
