package fetch

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/takedownwatch/takedownwatch/archive"
	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/archive/warc"
	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/sandbox"
	"github.com/takedownwatch/takedownwatch/internal/sandbox/sandboxtest"
	"github.com/takedownwatch/takedownwatch/monitor"
)

var _ Recorder = (*archive.Archive)(nil)

const testUA = "takedownwatch-test/1.0 (+tests)"

// testConfig is fetch.* as tests want it: no spacing unless a test asks.
func testConfig() config.Fetch {
	return config.Fetch{
		UserAgent:          testUA,
		Timeout:            config.Duration(10 * time.Second),
		MaxBody:            config.MiB,
		PerHostConcurrency: 2,
		Proxies:            map[string]string{},
	}
}

func newArchive(t testing.TB, secrets ...string) *archive.Archive {
	t.Helper()
	a, err := archive.OpenWriter(t.Context(), archive.Options{DataDir: t.TempDir(), Secrets: secrets})
	if err != nil {
		t.Fatalf("OpenWriter: %v", err)
	}
	t.Cleanup(func() {
		if err := a.Close(); err != nil {
			t.Errorf("archive Close: %v", err)
		}
	})
	return a
}

func newClient(t testing.TB, cfg config.Fetch, rec Recorder, opts ...Option) *Client {
	t.Helper()
	c, err := New(cfg, rec, opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// addFeed makes an account with one post and returns it.
func addFeed(sb *sandbox.Sandbox, host int, name string) *sandbox.Account {
	a := sb.AddAccount(host, name)
	a.Publish(sandbox.Post{Title: "hello", HTML: "<p>A post of " + name + ".</p>",
		Published: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)})
	return a
}

func countCaptures(t testing.TB, a *archive.Archive) int {
	t.Helper()
	var n int
	if err := a.Store.DB().QueryRowContext(t.Context(), `SELECT count(*) FROM captures`).Scan(&n); err != nil {
		t.Fatalf("count captures: %v", err)
	}
	return n
}

func capture(t testing.TB, a *archive.Archive, id int64) *store.Capture {
	t.Helper()
	c, err := a.Store.Capture(t.Context(), id)
	if err != nil {
		t.Fatalf("Capture(%d): %v", id, err)
	}
	return c
}

func TestNew_Errors(t *testing.T) {
	rec := newArchive(t)
	tests := []struct {
		name string
		edit func(*config.Fetch)
		rec  Recorder
		opts []Option
		want string
	}{
		{"no recorder", nil, nil, nil, "no recorder"},
		{"zero concurrency", func(c *config.Fetch) { c.PerHostConcurrency = 0 }, rec, nil, "per_host_concurrency"},
		{"zero max body", func(c *config.Fetch) { c.MaxBody = 0 }, rec, nil, "max_body"},
		{"no timeout", func(c *config.Fetch) { c.Timeout = 0 }, rec, nil, "timeout must be > 0"},
		{"negative interval", func(c *config.Fetch) { c.PerHostInterval = -1 }, rec, nil, "per_host_interval"},
		{"negative redirects", nil, rec, []Option{WithMaxRedirects(-1)}, "must not be negative"},
		{"ftp proxy", func(c *config.Fetch) { c.Proxies = map[string]string{"p": "ftp://x:1"} }, rec, nil, `scheme "ftp"`},
		{"proxy without host", func(c *config.Fetch) { c.Proxies = map[string]string{"p": "http://"} }, rec, nil, "no host"},
		{"proxy named direct", func(c *config.Fetch) { c.Proxies = map[string]string{"direct": "http://x:1"} }, rec, nil, "reserved"},
		{"unparseable proxy keeps its password", func(c *config.Fetch) { c.Proxies = map[string]string{"p": "http://u:pa%zzss@x"} }, rec, nil, "does not parse"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig()
			if tc.edit != nil {
				tc.edit(&cfg)
			}
			var rec Recorder
			if tc.rec != nil {
				rec = tc.rec
			}
			_, err := New(cfg, rec, tc.opts...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New error = %v, want one containing %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "pa%zzss") {
				t.Errorf("error %q quotes a proxy password", err)
			}
		})
	}
}

// The request says who we are, and asks for English pages first so that
// platforms' "gone" pages are in words the classifier knows.
func TestClient_Fetch_UserAgent(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{Hosts: 1})
	a := addFeed(sb, 0, "alice")
	c := newClient(t, testConfig(), newArchive(t))
	tests := []struct {
		name   string
		header http.Header
	}{
		{"plain", nil},
		// The configured agent is who we are, whatever a collector asks.
		{"caller's own is replaced", http.Header{"User-Agent": {"curl/8"}, "Accept": {"application/rss+xml"}}},
		// English first unless the caller asks for a language itself.
		{"caller's language kept", http.Header{"Accept-Language": {"km"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := tc.header.Clone()
			resp, err := c.Fetch(t.Context(), &monitor.FetchRequest{URL: a.FeedURL(), Kind: monitor.KindListing, Header: tc.header})
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status = %d, want 200", resp.StatusCode)
			}
			got := sb.LastRequest(a.FeedURL())
			if ua := got.Get("User-Agent"); ua != testUA {
				t.Errorf("server saw User-Agent %q, want %q", ua, testUA)
			}
			if want := tc.header.Get("Accept"); got.Get("Accept") != want {
				t.Errorf("server saw Accept %q, want %q", got.Get("Accept"), want)
			}
			wantLang := tc.header.Get("Accept-Language")
			if wantLang == "" {
				wantLang = "en;q=1.0, *;q=0.5"
			}
			if l := got.Get("Accept-Language"); l != wantLang {
				t.Errorf("server saw Accept-Language %q, want %q", l, wantLang)
			}
			if !reflect.DeepEqual(tc.header, before) {
				t.Errorf("Fetch changed the caller's header to %v, want %v", tc.header, before)
			}
		})
	}
}

// endless streams bytes until the client goes away, counting them.
func endless(sent *atomic.Int64) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		chunk := bytes.Repeat([]byte("0123456789abcdef"), 2048)
		for r.Context().Err() == nil {
			n, err := w.Write(chunk)
			sent.Add(int64(n))
			if err != nil {
				return
			}
		}
	}
}

func gzipped(t *testing.T, b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestClient_Fetch_BodyCap(t *testing.T) {
	const limit = 256 << 10
	var sent atomic.Int64
	big := bytes.Repeat([]byte("z"), 4*limit)
	mux := http.NewServeMux()
	mux.Handle("/endless", endless(&sent))
	mux.HandleFunc("/size/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.PathValue("n"))
		_, _ = w.Write(big[:n])
	})
	mux.HandleFunc("/gzip/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.PathValue("n"))
		w.Header().Set("Content-Encoding", "gzip")
		_, _ = w.Write(gzipped(t, big[:n]))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	cfg := testConfig()
	cfg.MaxBody = limit
	a := newArchive(t)
	c := newClient(t, cfg, a)

	tests := []struct {
		name      string
		path      string
		maxBody   int64
		header    http.Header
		wantLen   int
		truncated bool
	}{
		{"endless at the configured cap", "/endless", 0, nil, limit, true},
		{"endless at the request's cap", "/endless", 1000, nil, 1000, true},
		{"exactly the cap", fmt.Sprint("/size/", limit), 0, nil, limit, false},
		{"one byte over", fmt.Sprint("/size/", limit+1), 0, nil, limit, true},
		{"small", "/size/10", 0, nil, 10, false},
		{"empty", "/size/0", 0, nil, 0, false},
		// Decoded by the transport: the cap applies to what is archived.
		{"gzip within the cap", "/gzip/1000", 0, nil, 1000, false},
		{"gzip inflating past the cap", fmt.Sprint("/gzip/", 4*limit), 0, nil, limit, true},
		// A caller's Accept-Encoding would leave the body encoded.
		{"caller's Accept-Encoding dropped", "/gzip/1000", 0, http.Header{"Accept-Encoding": {"gzip"}}, 1000, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := c.Fetch(t.Context(), &monitor.FetchRequest{URL: srv.URL + tc.path, Kind: monitor.KindMedia, MaxBody: tc.maxBody, Header: tc.header})
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			if len(resp.Body) != tc.wantLen || resp.Truncated != tc.truncated {
				t.Errorf("body = %d bytes, truncated %v; want %d, %v", len(resp.Body), resp.Truncated, tc.wantLen, tc.truncated)
			}
			capped := int64(limit)
			if tc.maxBody > 0 {
				capped = tc.maxBody
			}
			if int64(cap(resp.Body)) > capped+1 {
				t.Errorf("body buffer holds %d bytes, want at most the cap + 1 (%d)", cap(resp.Body), capped+1)
			}
			if got := capture(t, a, resp.Capture.ID); got.Truncated != tc.truncated {
				t.Errorf("capture Truncated = %v, want %v", got.Truncated, tc.truncated)
			}
			if enc := resp.Header.Get("Content-Encoding"); enc != "" {
				t.Errorf("Content-Encoding %q left on a decoded body", enc)
			}
		})
	}
}

// memProbe wraps the archive and measures what the fetch allocated before
// it handed the exchange over, so the archive's own copies do not count.
type memProbe struct {
	*archive.Archive
	before, atRecord uint64
}

func (p *memProbe) Record(ctx context.Context, ex *warc.Exchange, m archive.Meta) (*store.Capture, error) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	p.atRecord = ms.TotalAlloc
	return p.Archive.Record(ctx, ex, m)
}

func TestClient_Fetch_EndlessBodyMemory(t *testing.T) {
	const limit = 4 << 20
	var sent atomic.Int64
	srv := httptest.NewServer(endless(&sent))
	t.Cleanup(srv.Close)
	cfg := testConfig()
	cfg.MaxBody = limit
	probe := &memProbe{Archive: newArchive(t)}
	c := newClient(t, cfg, probe)

	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	probe.before = ms.TotalAlloc
	resp, err := c.Fetch(t.Context(), &monitor.FetchRequest{URL: srv.URL, Kind: monitor.KindMedia})
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if !resp.Truncated || len(resp.Body) != limit || !resp.Capture.Truncated {
		t.Fatalf("got %d bytes, truncated %v (capture %v); want %d, true", len(resp.Body), resp.Truncated, resp.Capture.Truncated, limit)
	}
	// Growing the buffer by doubling allocates about twice the cap in
	// total (512 B + 1 KiB + … + cap), while no more than cap+1 is ever
	// kept; 2 MiB covers the transport's and the test server's buffers.
	alloc := probe.atRecord - probe.before
	if bound := uint64(2*limit + 2<<20); alloc > bound {
		t.Errorf("fetch allocated %d bytes for a %d-byte cap, want at most %d", alloc, limit, bound)
	}
	if cap(resp.Body) > limit+1 {
		t.Errorf("body buffer holds %d bytes, want at most %d", cap(resp.Body), limit+1)
	}
	t.Logf("server sent %d bytes before the client hung up; fetch allocated %d bytes", sent.Load(), alloc)
}

// Conditional requests take their validators from the last answer taken
// in: the caller takes an answer in (TakeIn) with what it read from it,
// and an answer never taken in (the process stopped before its posts were
// committed) is no base, or its posts would never be read.
func TestClient_Fetch_Conditional(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{Hosts: 1})
	alice := addFeed(sb, 0, "alice")
	feed := alice.FeedURL()
	a := newArchive(t)
	c := newClient(t, testConfig(), a)

	steps := []struct {
		name        string
		conditional bool
		takeIn      bool // the caller commits what it read
		publish     bool // the feed changes before the fetch
		wantStatus  int
		wantINM     bool // the server saw the first answer's ETag in If-None-Match
		wantRecord  string
		notModified bool
		kind        string // monitor.KindListing when empty
	}{
		{"first fetch has nothing to send", true, true, false, http.StatusOK, false, "response", false, ""},
		{"second fetch is answered 304", true, true, false, http.StatusNotModified, true, "revisit", true, ""},
		{"an unconditional fetch gets the body, archived as a revisit", false, false, false, http.StatusOK, false, "revisit", false, monitor.KindPermalink},
		{"an unconditional listing fetch: pending all the same, and not taken in", false, false, false, http.StatusOK, false, "revisit", false, ""},
		{"and conditional again after it", true, true, false, http.StatusNotModified, true, "revisit", true, ""},
		{"a changed feed, its answer never taken in", true, false, true, http.StatusOK, true, "response", false, ""},
		// (its payload kept again: the revisit's base is an answer taken in)
		{"is fetched again against the last answer taken in", true, true, false, http.StatusOK, true, "response", false, ""},
		{"which, taken in, is the base from then on", true, true, false, http.StatusNotModified, false, "revisit", true, ""},
	}
	var first *monitor.FetchResponse
	for _, st := range steps {
		if st.publish {
			alice.Publish(sandbox.Post{Title: "news", HTML: "<p>Another post.</p>", Published: time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)})
		}
		kind := cmp.Or(st.kind, monitor.KindListing)
		resp, err := c.Fetch(t.Context(), &monitor.FetchRequest{URL: feed, Kind: kind, Conditional: st.conditional})
		if err != nil {
			t.Fatalf("%s: Fetch: %v", st.name, err)
		}
		if first == nil {
			first = resp
		}
		seen := sb.LastRequest(feed)
		if got := seen.Get("If-None-Match"); (got == first.Header.Get("ETag")) != st.wantINM {
			t.Errorf("%s: server saw If-None-Match %q, the first answer's ETag %q: want that %v", st.name, got, first.Header.Get("ETag"), st.wantINM)
		}
		if st.wantINM && seen.Get("If-Modified-Since") != first.Header.Get("Last-Modified") {
			t.Errorf("%s: server saw If-Modified-Since %q, want %q", st.name, seen.Get("If-Modified-Since"), first.Header.Get("Last-Modified"))
		}
		if resp.StatusCode != st.wantStatus || resp.NotModified != st.notModified {
			t.Errorf("%s: status %d, NotModified %v; want %d, %v", st.name, resp.StatusCode, resp.NotModified, st.wantStatus, st.notModified)
		}
		got := capture(t, a, resp.Capture.ID)
		if got.RecordType != st.wantRecord || got.Status != st.wantStatus {
			t.Errorf("%s: capture record_type %q status %d, want %q %d", st.name, got.RecordType, got.Status, st.wantRecord, st.wantStatus)
		}
		if want := st.conditional || kind == monitor.KindListing; got.Pending != want {
			t.Errorf("%s: capture pending %v, want %v (pending until taken in: a conditional fetch, and any listing)", st.name, got.Pending, want)
		}
		if st.takeIn {
			if err := a.Store.Write(t.Context(), func(tx *store.Tx) error { return tx.TakeIn(resp.Evidence()) }); err != nil {
				t.Fatal(err)
			}
		}
	}
	// The request records hold the header as sent, the transport's own
	// fields included.
	var all []byte
	for _, b := range warcBytes(t, a.WARCDir()) {
		all = append(all, b...)
	}
	for _, want := range []string{"If-None-Match: " + first.Header.Get("ETag"), "User-Agent: " + testUA, "Accept-Encoding: gzip"} {
		if !bytes.Contains(all, []byte(want+"\r\n")) {
			t.Errorf("no request record holds %q", want)
		}
	}
}

func TestClient_Fetch_BadRequests(t *testing.T) {
	a := newArchive(t)
	c := newClient(t, testConfig(), a)
	tests := []struct {
		name, url, want string
	}{
		{"not a URL", "http://[::1", "does not parse"},
		{"ftp", "ftp://example.org/x", `scheme "ftp"`},
		{"relative", "/feed.rss", "scheme"},
		{"no host", "http:///feed", "no host"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.Fetch(t.Context(), &monitor.FetchRequest{URL: tc.url})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Fetch(%q) error = %v, want one containing %q", tc.url, err, tc.want)
			}
			if monitor.IsTransient(err) {
				t.Errorf("a bad URL is not transient")
			}
		})
	}
	if n := countCaptures(t, a); n != 0 {
		t.Errorf("%d captures archived for requests never sent", n)
	}
}

func TestClient_Fetch_Logging(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{Hosts: 1})
	feed := addFeed(sb, 0, "alice").FeedURL()
	var buf bytes.Buffer
	l := logrus.New()
	l.Out, l.Level = &buf, logrus.DebugLevel
	c := newClient(t, testConfig(), newArchive(t), WithLogger(logrus.NewEntry(l)))
	if _, err := c.Fetch(t.Context(), &monitor.FetchRequest{URL: feed, Header: http.Header{"X-Probe": {"header-value-42"}}}); err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	out := buf.String()
	for _, want := range []string{"component=fetch", "status=200", "bytes=", "duration=", "url=\"" + feed + "\""} {
		if !strings.Contains(out, want) {
			t.Errorf("log %q lacks %q", out, want)
		}
	}
	if strings.Contains(out, "header-value-42") || strings.Contains(out, testUA) {
		t.Errorf("log shows header values: %q", out)
	}
}

// Errors of the Recorder reach the caller: an answer that could not be
// archived must not be used as if it had been.
func TestClient_Fetch_ArchiveError(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{Hosts: 1})
	feed := addFeed(sb, 0, "alice").FeedURL()
	// Not newArchive: a second Close fails on the lock file.
	a, err := archive.OpenWriter(t.Context(), archive.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, testConfig(), a)
	const token = "tok-1f2e3d4c5b6a"
	_, err = c.Fetch(t.Context(), &monitor.FetchRequest{URL: feed + "?access_token=" + token})
	if err == nil || !strings.Contains(err.Error(), "archive") {
		t.Fatalf("Fetch error = %v, want an archive error", err)
	}
	// The archive quotes the URL; the error must not carry the token on.
	if strings.Contains(err.Error(), token) {
		t.Errorf("error %q holds the token", err)
	}
	t.Log(err)
	var fe *monitor.FetchError
	if errors.As(err, &fe) {
		t.Errorf("archive failure reported as a FetchError: %v", err)
	}
}

func TestClient_Fetch_CallerCancel(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{Hosts: 1})
	a := newArchive(t)
	c := newClient(t, testConfig(), a)
	feed := addFeed(sb, 0, "alice").FeedURL()
	sb.FailHost(0, 1, sandbox.Slow(5*time.Second))
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Fetch(ctx, &monitor.FetchRequest{URL: feed})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Fetch error = %v, want the caller's context.DeadlineExceeded", err)
	}
	var fe *monitor.FetchError
	if errors.As(err, &fe) {
		t.Errorf("the caller's own deadline became a FetchError: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Fetch took %s after the caller gave up", d)
	}
	if n := countCaptures(t, a); n != 0 {
		t.Errorf("%d captures archived for a fetch the caller cancelled", n)
	}
}

// A URL with what no URI may hold (a feed's careless or hostile link) is
// requested and archived percent-encoded: the request line stays one
// line, and the WARC records read back whole (verify found "damage").
// A valid URL goes out as written.
func TestClient_Fetch_URLsAreSentEncoded(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.RequestURI)
		if r.URL.Path == "/moved" {
			http.Redirect(w, r, `/p?to="x y"`, http.StatusFound)
			return
		}
		fmt.Fprint(w, "ok")
	}))
	defer srv.Close()
	a := newArchive(t)
	c := newClient(t, testConfig(), a)
	tests := []struct{ url, want string }{
		{srv.URL + `/p a?x="><y z='1'>"&k=v|w`, srv.URL + `/p%20a?x=%22%3E%3Cy%20z='1'%3E%22&k=v%7Cw`},
		{srv.URL + `/p?q=%E1%9E%80&a=b;c,d`, srv.URL + `/p?q=%E1%9E%80&a=b;c,d`},
		{srv.URL + `/moved`, srv.URL + `/p?to=%22x%20y%22`},
	}
	for _, tc := range tests {
		resp, err := c.Fetch(t.Context(), &monitor.FetchRequest{URL: tc.url})
		if err != nil {
			t.Fatalf("Fetch(%q): %v", tc.url, err)
		}
		if resp.URL != tc.want || capture(t, a, resp.Capture.ID).URL != tc.want {
			t.Errorf("Fetch(%q): fetched and archived %q (capture %q), want %q", tc.url, resp.URL, capture(t, a, resp.Capture.ID).URL, tc.want)
		}
		if sent := srv.URL + got[len(got)-1]; sent != tc.want {
			t.Errorf("Fetch(%q): the server was asked for %q, want %q", tc.url, sent, tc.want)
		}
	}
	rep, err := a.Verify(t.Context(), nil)
	if err != nil || !rep.OK() || len(rep.Unreferenced) != 0 {
		t.Fatalf("verify: %v %+v", err, rep)
	}
}
