package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/sandbox"
	"github.com/takedownwatch/takedownwatch/internal/testtool"
	"github.com/takedownwatch/takedownwatch/wacz/wacztest"
)

// The story the archive of these tests tells: the opposition's statement
// is archived live, then deleted (410); its rally post stays live; the
// Prime Minister's Office is read through the Graph API with a token.
const (
	statementText = "We reject the new law that silences critics."
	rallyText     = "Join our peaceful rally on Sunday."
)

// waczArchive runs three snapshot cycles against the sandbox, with a Graph
// token in the environment, and returns the config, the permalinks of the
// statement and the rally post, and the token.
func waczArchive(t *testing.T) (cfgPath, statementURL, rallyURL, token string) {
	t.Helper()
	sb, err := sandbox.New(sandbox.Options{Hosts: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	var rnd [20]byte
	_, _ = rand.Read(rnd[:])
	token = "EAAtest" + hex.EncodeToString(rnd[:])
	t.Setenv("TW_TEST_GRAPH_TOKEN", token)
	sb.SetGraphToken(token)

	opp := sb.AddAccount(1, "opposition-party")
	statement := opp.Publish(sandbox.Post{Title: "Statement", HTML: "<p>" + statementText + "</p>"})
	rally := opp.Publish(sandbox.Post{Title: "Rally", HTML: "<p>" + rallyText + "</p>"})
	pm := sb.AddAccount(0, "pm-office")
	pm.Publish(sandbox.Post{Title: "Cabinet", HTML: "<p>The Council of Ministers approved the budget.</p>"})

	cfg := config.Default()
	cfg.DataDir = filepath.Join(t.TempDir(), "data")
	cfg.Fetch.PerHostInterval = 0
	cfg.Fetch.Media.Enabled = false
	// Every post is checked in every cycle, and one answer confirms.
	cfg.Detector.Recheck = []config.Duration{config.Duration(time.Millisecond)}
	cfg.Detector.ConfirmChecks, cfg.Detector.ConfirmInterval = 1, 0
	cfg.Actors = []config.Actor{
		{ID: "opp", Name: "Opposition Party", Affiliation: "opposition", Country: "KH"},
		{ID: "pm", Name: "Prime Minister's Office", Affiliation: "government", Country: "KH"},
	}
	cfg.Sources = []config.Source{
		{ID: "opp-feed", Actor: "opp", Platform: "feed", URL: opp.FeedURL(), Vantage: config.Direct},
		{ID: "pm-fb", Actor: "pm", Platform: "facebook", URL: pm.FacebookURL(), APIBase: pm.GraphAPIBase(),
			TokenEnv: "TW_TEST_GRAPH_TOKEN", Vantage: config.Direct},
	}
	cfgPath = saveConfig(t, cfg)
	snapshot := func() {
		t.Helper()
		if out, errOut, code := runCLI(t, "snapshot", "--config", cfgPath, "--log-level", "warn"); code != 0 {
			t.Fatalf("snapshot: %d %s %s", code, out, errOut)
		}
	}
	// A post is checked once its first re-check step has passed: in the
	// cycle that first sees it when the cycle runs over a millisecond after
	// (usually), in the next one for sure.
	snapshot()
	snapshot()
	opp.Delete(statement, sandbox.Gone410)
	snapshot()
	return cfgPath, opp.PostURL(statement), opp.PostURL(rally), token
}

func TestExportWACZ(t *testing.T) {
	cfgPath, statementURL, rallyURL, token := waczArchive(t)
	dir := t.TempDir()
	removed := filepath.Join(dir, "removed.wacz")
	if out, errOut, code := runCLI(t, "export", "wacz", "--out", removed, "--state", "removed", "--config", cfgPath); code != 0 {
		t.Fatalf("export wacz: %d %s %s", code, out, errOut)
	}
	p := wacztest.Open(t, removed)

	t.Run("removed posts only, live and gone", func(t *testing.T) {
		if len(p.Pages) < 2 {
			t.Fatalf("%d pages, want the statement live (once or twice) and gone: %v", len(p.Pages), p.Pages)
		}
		for _, live := range p.Pages[:len(p.Pages)-1] {
			if live["url"] != statementURL || live["status"] != 200.0 || live["text"] != statementText ||
				live["title"] != "Opposition Party: "+statementText {
				t.Errorf("page %v, want the statement live", live)
			}
		}
		gone := p.Pages[len(p.Pages)-1]
		if gone["url"] != statementURL || gone["status"] != 410.0 || gone["text"] != nil ||
			!strings.HasSuffix(gone["title"].(string), "[HTTP 410 Gone]") {
			t.Errorf("last page %v, want the statement gone", gone)
		}
		for _, l := range p.Index {
			if strings.Contains(l.Fields["url"], "pm-office") || l.Fields["url"] == rallyURL {
				t.Errorf("a capture of a post not removed: %v", l.Fields["url"])
			}
		}
		if !strings.Contains(p.Datapackage.Title, "removed posts of every actor") ||
			!strings.Contains(p.Datapackage.Description, "`export wacz --state removed`") {
			t.Errorf("title %q, description %q", p.Datapackage.Title, p.Datapackage.Description)
		}
	})

	t.Run("warcio reads it", func(t *testing.T) { p.IndexWithWarcio(t) })

	t.Run("no secret in it", func(t *testing.T) {
		all := filepath.Join(dir, "all.wacz")
		if out, errOut, code := runCLI(t, "export", "wacz", "--out", all, "--config", cfgPath); code != 0 {
			t.Fatalf("export wacz: %d %s %s", code, out, errOut)
		}
		whole := wacztest.Open(t, all)
		raw, err := os.ReadFile(all)
		if err != nil {
			t.Fatal(err)
		}
		// The WARC records are gzip members: read them inflated too.
		var plain bytes.Buffer
		warcs, _ := filepath.Glob(filepath.Join(whole.WARCDir, "*"))
		for _, f := range warcs {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			zr, err := gzip.NewReader(bytes.NewReader(b)) // reads member after member
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.Copy(&plain, zr); err != nil {
				t.Fatal(err)
			}
		}
		graph := false
		for _, l := range whole.Index {
			graph = graph || strings.Contains(l.Fields["url"], "/graph/")
		}
		if !graph || !strings.Contains(plain.String(), "REDACTED") {
			t.Fatalf("the export holds no Graph capture with a redacted token: the test proves nothing")
		}
		for name, b := range map[string][]byte{"the WACZ file": raw, "its WARC records, inflated": plain.Bytes()} {
			if bytes.Contains(b, []byte(token)) {
				t.Errorf("the Graph token occurs in %s", name)
			}
		}
	})

	t.Run("replays in ReplayWeb.page", func(t *testing.T) {
		live := p.Pages[0]
		ts, err := time.Parse(time.RFC3339, live["ts"].(string))
		if err != nil {
			t.Fatal(err)
		}
		// The sandbox answers 410 for the statement now: its text can only
		// come from the WACZ.
		text, shot := replay(t, removed, statementURL, ts.Format("20060102150405"))
		if !strings.Contains(text, statementText) || !strings.Contains(text, "Statement") {
			t.Errorf("the replayed page reads %q, want the statement", text)
		}
		path := filepath.Join(os.TempDir(), "takedownwatch-wacz-replay.png")
		if err := os.WriteFile(path, shot, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot of the replay: %s", path)
	})
}

// replay serves ReplayWeb.page (the npm package's ui.js and sw.js) and the
// WACZ from a server on localhost, where service workers may run, opens
// the capture of pageURL at ts in headless Chromium, and returns the text
// of the replayed page and a screenshot. Chromium's only way out is a
// proxy that does not exist, so nothing is fetched from the internet.
func replay(t *testing.T, waczPath, pageURL, ts string) (string, []byte) {
	t.Helper()
	chromium := testtool.Tool(t, "chromium", "apt-get install chromium")
	rwp := testtool.NodePackage(t, "replaywebpage", "npm install --prefix .ci/tools replaywebpage@2.5.3")

	mux := http.NewServeMux()
	mux.Handle("GET /replay/", http.StripPrefix("/replay/", http.FileServer(http.Dir(rwp))))
	mux.HandleFunc("GET /evidence.wacz", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, waczPath) // with Range requests, which the replay reads the ZIP by
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>replay</title><script src="/replay/ui.js"></script></head>
<body style="margin:0"><replay-web-page source="/evidence.wacz" url="%s" ts="%s" replayBase="/replay/" style="height:600px"></replay-web-page></body></html>`,
			htmlAttr(pageURL), htmlAttr(ts))
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(mux)
	srv.Listener = ln
	srv.Start()
	defer srv.Close()
	home := "http://localhost:" + strconv.Itoa(ln.Addr().(*net.TCPAddr).Port) + "/"

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium), chromedp.NoSandbox,
		chromedp.WindowSize(1000, 600), chromedp.Flag("proxy-server", "http://127.0.0.1:9"))
	actx, cancel := chromedp.NewExecAllocator(t.Context(), opts...)
	defer cancel()
	bctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	if err := chromedp.Do(bctx); err != nil { // starts the browser, outside the timeout below
		t.Fatalf("start chromium: %v", err)
	}
	ctx, cancel := context.WithTimeout(bctx, 45*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(home)); err != nil {
		t.Fatalf("open %s: %v", home, err)
	}
	// The replayed page is an iframe, under the component's shadow root and
	// the app's iframe, whose address names the capture: …/{ts}mp_/{url}.
	want := ts + "mp_/" + pageURL
	var frames []replayFrame
	for {
		frames, err = chromedp.Run(ctx, chromedp.Evaluate[[]replayFrame](framesJS))
		if err != nil {
			t.Fatalf("read the replay: %v (frames so far: %v)", err, frames)
		}
		for _, f := range frames {
			if strings.HasSuffix(f.Href, want) && strings.TrimSpace(f.Text) != "" {
				shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
				if err != nil {
					t.Fatalf("screenshot: %v", err)
				}
				return f.Text, shot
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("no replay of %s after 45 s; frames: %v", want, frames)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

type replayFrame struct {
	Href string `json:"href"`
	Text string `json:"text"`
}

// framesJS lists every same-origin iframe, through shadow roots, with its
// address and text.
const framesJS = `(() => {
  const out = [];
  const walk = (root) => {
    for (const el of root.querySelectorAll("*")) {
      if (el.shadowRoot) walk(el.shadowRoot);
      if (el.tagName !== "IFRAME") continue;
      let doc = null, href = "";
      try { doc = el.contentDocument; href = el.contentWindow.location.href; } catch (e) {}
      if (!doc) continue;
      out.push({href: href, text: doc.body ? doc.body.innerText : ""});
      walk(doc);
    }
  };
  walk(document);
  return out;
})()`

func htmlAttr(s string) string {
	return strings.NewReplacer(`&`, "&amp;", `"`, "&quot;", `<`, "&lt;", `>`, "&gt;").Replace(s)
}

// TestExportWACZ_Refuses: bad flags are usage errors, an empty selection
// says what matched nothing, and neither leaves a file.
func TestExportWACZ_Refuses(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	cfg := writeConfig(t, dir, "data_dir: "+data+"\n")
	seedArchive(t, data)
	out := filepath.Join(dir, "x.wacz")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{}, 2, "--out FILE.wacz is required"},
		{[]string{"--out", filepath.Join(dir, "x.zip")}, 2, "must end in .wacz"},
		{[]string{"--out", out, "--format", "csv"}, 2, "--format applies to"},
		{[]string{"--out", out, "--ids-only"}, 2, "--ids-only applies to posts"},
		{[]string{"--out", out, "--corrections"}, 2, "apply to stats"},
		{[]string{"--out", out, "--state", "gone"}, 2, `--state "gone": want one of`},
		{[]string{"--out", out, "--since", "yesterday"}, 2, "--since"},
		{[]string{"--out", out, "--affiliation", "party"}, 2, "--affiliation"},
		{[]string{"--out", out, "--platform", "myspace"}, 2, "--platform"},
		{[]string{"--out", out, "--actor", "nobody"}, 2, `--actor "nobody": no actor with that id`},
		{[]string{"--out", out, "--actor", "hun-sen", "--state", "live"}, 1, "no posts match `export wacz --actor hun-sen --state live`"},
		{[]string{"--out", out, "--platform", "mastodon"}, 1, "no posts match `export wacz --platform mastodon`"},
	} {
		t.Run(strings.ReplaceAll(strings.Join(c.args, " "), dir+string(filepath.Separator), ""), func(t *testing.T) {
			_, errOut, code := runCLI(t, append([]string{"export", "wacz", "--config", cfg}, c.args...)...)
			if code != c.code || !strings.Contains(errOut, c.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errOut, c.code, c.want)
			}
			if left, _ := filepath.Glob(filepath.Join(dir, "*.wacz")); len(left) > 0 {
				t.Errorf("files left: %v", left)
			}
			if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) > 0 {
				t.Errorf("temporary files left: %v", left)
			}
		})
	}
	if _, errOut, code := runCLI(t, "export", "--config", cfg, "events", "--format", "csv", "--state", "removed"); code != 2 || !strings.Contains(errOut, "--state applies to posts and wacz") {
		t.Errorf("export events --state: %d %q", code, errOut)
	}
}

// TestExportWACZ_DamagedRecord: a record that no longer matches its
// digests stops the export, which names the capture and leaves no file.
func TestExportWACZ_DamagedRecord(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	cfg := writeConfig(t, dir, "data_dir: "+data+"\n")
	seedArchive(t, data)
	warcs, _ := filepath.Glob(filepath.Join(data, "archive", "*.warc.gz"))
	if len(warcs) != 1 {
		t.Fatalf("WARC files %v", warcs)
	}
	b, err := os.ReadFile(warcs[0])
	if err != nil {
		t.Fatal(err)
	}
	for i := len(b) / 2; i < len(b)/2+8; i++ {
		b[i] ^= 0xff
	}
	if err := os.WriteFile(warcs[0], b, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "evidence.wacz")
	_, errOut, code := runCLI(t, "export", "wacz", "--out", out, "--config", cfg)
	if code != 1 || !strings.Contains(errOut, "export wacz: capture ") {
		t.Errorf("export of a damaged archive: exit %d, %q; want 1 naming the capture", code, errOut)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*wacz*")); len(left) > 0 {
		t.Errorf("files left: %v", left)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}
