package main

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/takedownwatch/takedownwatch/internal/sandbox"
	"github.com/takedownwatch/takedownwatch/internal/testtool"
)

// hostileText is what a troll pastes into a post: the archive must show it
// as text and never run it.
const hostileText = `<img src=x onerror=alert(1)>`

// TestBrowser_DemoEvidence is the archivist's path in a real browser: the
// demo runs, the archivist searches, opens the statement the opposition
// edited and then deleted, and finds the reason and the diff on the page. A
// post made of markup is shown and runs nothing.
func TestBrowser_DemoEvidence(t *testing.T) {
	chromium := testtool.Tool(t, "chromium", "apt-get install chromium")

	// The story's accounts plus a Bluesky account whose post is markup:
	// Bluesky posts are plain text, so the archive keeps it word for word.
	saved := demoAccounts
	t.Cleanup(func() { demoAccounts = saved })
	demoAccounts = append(saved[:len(saved):len(saved)], demoAccount{
		host: 1, name: "opposition-youth", actor: "youth", actorName: "Opposition Youth", affn: "opposition", platform: "bluesky",
		posts: []sandbox.Post{{HTML: "<p>" + html.EscapeString(hostileText) + "</p>"}},
	})

	addr := freeAddr(t)
	base := "http://" + addr
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	var logs lockedBuffer
	// The data directory is made before the cleanup below is registered:
	// cleanups run last-in first-out, and the demo must stop before its
	// directory is removed.
	data := t.TempDir()
	go func() {
		done <- run(ctx, []string{"demo", "--data", data, "--listen", addr, "--interval", "1s"}, io.Discard, &logs)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("demo: %v\n%s", err, logs.String())
		}
	})

	// Step 6 of the story deletes the edited statement; wait until the
	// detector has confirmed it and the index has it.
	removed := base + "/api/search?q=journalists&state=removed"
	deadline := time.Now().Add(60 * time.Second)
	for {
		var res struct {
			Total int `json:"total"`
		}
		if resp, err := http.Get(removed); err == nil {
			_ = json.NewDecoder(resp.Body).Decode(&res)
			resp.Body.Close()
		}
		if res.Total > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the edited statement was not reported removed within 60s; logs:\n%s", logs.String())
		}
		time.Sleep(250 * time.Millisecond)
	}

	browser, dialogs := startChromium(t, chromium)

	// Positive control: the dialog listener catches a script that runs.
	control := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, `<!doctype html><title>control</title><img src=x onerror="alert('control')">`)
	}))
	defer control.Close()
	if err := chromedp.Do(browser, chromedp.Navigate(control.URL)); err != nil {
		t.Fatal(err)
	}
	if got := dialogs.wait(3 * time.Second); len(got) != 1 || got[0] != "control" {
		t.Fatalf("dialog listener saw %q on the control page, want [control]: it cannot vouch for anything", got)
	}

	// The archivist's path: search, open the result, read the evidence.
	err := chromedp.Do(browser,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(`input[name=q]`),
		chromedp.SendKeys(`input[name=q]`, "journalists"),
		chromedp.Click(`form.search button[type=submit]`),
		chromedp.WaitVisible(`ol.hits li a[href^="/posts/"]`),
		chromedp.Click(`ol.hits li a[href^="/posts/"]`),
		chromedp.WaitVisible(`div.removal`),
	)
	if err != nil {
		t.Fatalf("browsing to the evidence: %v", err)
	}
	postURL := must(chromedp.Run(browser, chromedp.Location()))(t)
	body := must(chromedp.Run(browser, chromedp.Text(`body`)))(t)
	if !strings.Contains(body, "Versions (2)") {
		// (reading a diff the page lacks would wait for the whole limit)
		t.Fatalf("the evidence page %s shows no edit:\n%s\nlogs:\n%s", postURL, body, logs.String())
	}
	diff := must(chromedp.Run(browser, chromedp.Text(`pre.diff`)))(t)
	for _, want := range []string{"removed — deleted", "Removed — deleted.", "The platform's answer: HTTP 410 Gone", "Last seen live", "first seen missing", "Versions (2)"} {
		if !strings.Contains(body, want) {
			t.Errorf("the evidence page %s lacks %q:\n%s", postURL, want, body)
		}
	}
	if !strings.Contains(diff, "+") || !strings.Contains(diff, "journalists") || !strings.Contains(diff, "-") {
		t.Errorf("the diff does not show the edit (\"and journalists\" added):\n%s", diff)
	}
	t.Logf("screenshot of the evidence page %s: %s", postURL, screenshot(t, browser, "evidence"))

	// The hostile post: in the results, on its page, its raw capture and
	// its actor's timeline.
	if err := chromedp.Do(browser, chromedp.Navigate(base+"/?q=onerror"), chromedp.WaitVisible(`ol.hits li a[href^="/posts/"]`)); err != nil {
		t.Fatalf("searching for the hostile post: %v", err)
	}
	if hits := must(chromedp.Run(browser, chromedp.Text(`ol.hits`)))(t); !strings.Contains(hits, hostileText) {
		t.Errorf("the search result does not show the hostile post as text:\n%s", hits)
	}
	hostilePost := must(chromedp.Run(browser, chromedp.AttributeValue(`ol.hits li a[href^="/posts/"]`, "href")))(t).Value
	if err := chromedp.Do(browser, chromedp.Navigate(base+hostilePost), chromedp.WaitVisible(`div.version`)); err != nil {
		t.Fatalf("opening the hostile post: %v", err)
	}
	if hostileBody := must(chromedp.Run(browser, chromedp.Text(`body`)))(t); !strings.Contains(hostileBody, hostileText) {
		t.Errorf("the hostile post is not shown as text on %s:\n%s", hostilePost, hostileBody)
	}
	t.Logf("screenshot of the hostile post: %s", screenshot(t, browser, "hostile"))
	capture := must(chromedp.Run(browser, chromedp.AttributeValue(`div.version a[href^="/captures/"]`, "href")))(t).Value
	for _, path := range []string{capture, "/actors/youth"} {
		if err := chromedp.Do(browser, chromedp.Navigate(base+path)); err != nil {
			t.Fatalf("opening %s: %v", path, err)
		}
	}
	if got := dialogs.wait(time.Second); len(got) > 0 {
		t.Errorf("hostile markup ran as script: dialogs %q", got)
	}
}

// must returns a check of a browser action's result that fails the test
// on an error.
func must[T any](v T, err error) func(*testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatalf("browser: %v", err)
		}
		return v
	}
}

// startChromium starts headless Debian chromium and returns a tab, and the
// dialogs pages open in it (each dismissed, so a page never hangs).
func startChromium(t *testing.T, exec string) (context.Context, *dialogLog) {
	t.Helper()
	actx, acancel := chromedp.NewExecAllocator(t.Context(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exec),
		chromedp.WindowSize(1280, 1600),
		// Chromium's own sandbox needs user namespaces, which CI's root
		// containers lack; the pages are our own on loopback.
		chromedp.NoSandbox,
	)...)
	t.Cleanup(acancel)
	browser, bcancel := chromedp.NewContext(actx)
	t.Cleanup(bcancel)
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("starting %s: %v", exec, err)
	}
	dialogs := &dialogLog{seen: make(chan string, 16)}
	opened := chromedp.Events(browser, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range opened {
			if err != nil {
				return
			}
			dialogs.seen <- ev.Message
			_, _ = chromedp.Call(browser, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	// One limit for the whole browsing, so that a page that never loads
	// fails the test rather than the package's timeout: long, as a loaded
	// CI machine took over 90 s for the evidence test's steps.
	tctx, tcancel := context.WithTimeout(browser, 4*time.Minute)
	t.Cleanup(tcancel)
	return tctx, dialogs
}

// screenshot writes the page to a file that outlives the test, for a human
// to look at, and returns its path.
func screenshot(t *testing.T, browser context.Context, name string) string {
	t.Helper()
	png := must(chromedp.Run(browser, chromedp.FullScreenshot(100)))(t)
	dir := filepath.Join(os.TempDir(), "takedownwatch-screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// dialogLog holds the messages of the dialogs pages opened.
type dialogLog struct{ seen chan string }

// wait returns the dialogs seen so far, waiting up to d for a first one.
func (d *dialogLog) wait(wait time.Duration) []string {
	var got []string
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		select {
		case m := <-d.seen:
			got = append(got, m)
		case <-timer.C:
			return got
		}
	}
}

// lockedBuffer is a log sink the demo writes while the test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
