package facebook

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/testtool"
	"github.com/takedownwatch/takedownwatch/monitor"
	"github.com/takedownwatch/takedownwatch/monitor/normalize"
)

// fixtureDir is ../shared/fixtures/facebook/sub, or "" when the fixtures
// are not there (a user's own clone: the inline seeds still run; in CI
// they must be there).
func fixtureDir(f *testing.F, sub string) string {
	f.Helper()
	dir := filepath.Join(testtool.Root(f), "..", "shared", "fixtures", "facebook", sub)
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			testtool.Missing(f, "fixture folder "+dir, "it sits beside the repository in development checkouts")
		}
		return ""
	}
	return dir
}

// seedFiles reads every file of a fixture folder matching pattern.
func seedFiles(f *testing.F, sub, pattern string) [][]byte {
	f.Helper()
	dir := fixtureDir(f, sub)
	if dir == "" {
		return nil
	}
	names, err := filepath.Glob(filepath.Join(dir, pattern))
	if err != nil {
		f.Fatal(err)
	}
	var out [][]byte
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// graphSeeds are every recorded Graph body, the issue reports' error
// bodies as they were sent, and the batch answer's inner bodies.
func graphSeeds(f *testing.F) [][]byte {
	f.Helper()
	seeds := seedFiles(f, "graph", "*.json")
	if dir := fixtureDir(f, "graph"); dir != "" {
		file, err := os.Open(filepath.Join(dir, "real_error_bodies_from_issue_reports.jsonl"))
		if err != nil {
			f.Fatal(err)
		}
		defer file.Close()
		sc := bufio.NewScanner(file)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var line struct {
				Body json.RawMessage `json:"body_as_reported"`
			}
			if json.Unmarshal(sc.Bytes(), &line) == nil {
				seeds = append(seeds, line.Body)
				if s := string(line.Body); strings.HasPrefix(s, `"`) {
					seeds = append(seeds, []byte(`{"error":{"message":`+s+`}}`))
				}
			}
		}
		var batch []struct {
			Body string `json:"body"`
		}
		if b, err := os.ReadFile(filepath.Join(dir, "batch_batch-first-error.json")); err == nil && json.Unmarshal(b, &batch) == nil {
			for _, el := range batch {
				seeds = append(seeds, []byte(el.Body))
			}
		}
	}
	for _, s := range []string{``, `null`, `{}`, `[]`, `{"data":null}`, `{"data":[{}]}`, `{"data":[{"id":5}],"paging":{"next":7}}`,
		`{"id":"1_2","message":"a <b> & \u0000","attachments":{"data":[{"media":{"source":"//x"},"subattachments":{"data":[{"media":{"image":{"src":"https://i/1.jpg"}}}]}}]},"is_published":"no"}`,
		`{"error":{"code":"1e400"}}`, `{"error":{"code":-4,"error_subcode":33.5}}`, `{"error_code":"x"}`, `{"error":"(#4) limit"}`,
		`{"id":"1","fan_count":1e308,"followers_count":-1}`} {
		seeds = append(seeds, []byte(s))
	}
	return seeds
}

func checkItem(t *testing.T, it monitor.Item) {
	t.Helper()
	if it.PlatformID == "" || absolute(it.URL) == "" {
		t.Fatalf("item without id or URL: %+v", it)
	}
	if !utf8.ValidString(it.Text) || normalize.Plain(it.Text) != it.Text {
		t.Fatalf("text %q is not normalized", it.Text)
	}
	for _, m := range it.Media {
		if absolute(m) == "" {
			t.Fatalf("media %q", m)
		}
	}
}

func FuzzParsePosts(f *testing.F) {
	for _, s := range graphSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		pg, err := parsePosts(body)
		if err != nil {
			if pg != nil || !strings.HasPrefix(err.Error(), "facebook: ") {
				t.Fatalf("parsePosts = %+v, %q: want nothing and a facebook: error", pg, err)
			}
			return
		}
		for i := range pg.Data {
			checkItem(t, pg.Data[i].item("https://www.facebook.com"))
		}
		pg.next()
	})
}

func FuzzParsePost(f *testing.F) {
	for _, s := range graphSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := parsePost(body)
		if err != nil {
			if p != nil || !strings.HasPrefix(err.Error(), "facebook: ") {
				t.Fatalf("parsePost = %+v, %q", p, err)
			}
			return
		}
		checkItem(t, p.item("https://www.facebook.com"))
	})
}

func FuzzParsePage(f *testing.F) {
	for _, s := range graphSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := parsePage(body)
		if err != nil {
			if p != nil || !strings.HasPrefix(err.Error(), "facebook: ") {
				t.Fatalf("parsePage = %+v, %q", p, err)
			}
			return
		}
		for _, m := range p.metrics() {
			if (m.Name != monitor.MetricFollowers && m.Name != monitor.MetricLikes) || math.IsNaN(m.Value) || math.IsInf(m.Value, 0) {
				t.Fatalf("metric %+v", m)
			}
		}
	})
}

func FuzzParseGraphError(f *testing.F) {
	for _, s := range graphSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		e, ok := parseGraphError(body)
		if !ok {
			if e != nil {
				t.Fatalf("not an error, yet %+v", e)
			}
			return
		}
		if k := e.kind(); k < kindOther || k > kindTransient {
			t.Fatalf("kind %d", k)
		}
		if msg := e.Error(); msg == "" || !strings.Contains(msg, "(code ") || e.detail() == "" {
			t.Fatalf("error %q, detail %q", msg, e.detail())
		}
		if utf8.RuneCountInString(e.text()) > 301 {
			t.Fatalf("text of %d runes", utf8.RuneCountInString(e.text()))
		}
	})
}

func FuzzParseUsage(f *testing.F) {
	for _, s := range seedFiles(f, "graph", "api_header-business.json") {
		f.Add(string(s))
	}
	for _, s := range []string{`{"call_count":100,"total_cputime":25,"total_time":25}`, `{"x":[{"call_count":"100","estimated_time_to_regain_access":1e9}]}`,
		`{'call_count' : 85}`, `[[[[[[{"total_time":100}]]]]]]`, `{"a":{"b":{"c":{"d":{"e":{"call_count":-5}}}}}}`, ``} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		for _, name := range []string{"X-App-Usage", "X-Page-Usage", "X-Business-Use-Case-Usage"} {
			u := parseUsage(http.Header{name: {v}})
			if u.app < 0 || u.page < 0 || math.IsInf(u.app, 0) || math.IsInf(u.page, 0) || u.regain < 0 || u.regain > 24*time.Hour {
				t.Fatalf("%s %q: %+v", name, v, u)
			}
		}
	})
}

func FuzzClassifyPermalink(f *testing.F) {
	for _, s := range seedFiles(f, "html", "*.html") {
		f.Add(s, "")
	}
	for _, s := range seedFiles(f, "html", "*.txt") {
		f.Add(s, "x")
	}
	for _, s := range []string{"<title>Content not found</title>", "<span>This content isn’t available right now</span>",
		"<script>This content isn't available</script><p>Dieser Inhalt ist momentan nicht verfügbar", "<title><p>You're temporarily blocked", "\xff<title"} {
		f.Add([]byte(s), "a post")
	}
	known := map[monitor.Class]bool{monitor.ClassLive: true, monitor.ClassDeleted: true, monitor.ClassWithheld: true, monitor.ClassAccountGone: true,
		monitor.ClassUnknown: true, monitor.ClassRestricted: true, monitor.ClassTransient: true}
	f.Fuzz(func(t *testing.T, body []byte, text string) {
		const post = "https://www.facebook.com/gov/posts/1"
		for _, resp := range []*monitor.FetchResponse{
			{URL: post, StatusCode: 200, Body: body},
			{URL: "https://www.facebook.com/gov", StatusCode: 200, Body: body, Hops: []monitor.Hop{{URL: post, StatusCode: 302}}},
			{URL: post, StatusCode: 404, Body: body},
		} {
			a, shown := classifyWeb(post, text, resp)
			if !known[a.Class] || a.Detail == "" || (shown && a.Class != monitor.ClassLive) {
				t.Fatalf("%+v shown %v", a, shown)
			}
		}
	})
}

func FuzzParseCrowdTangle(f *testing.F) {
	for _, s := range seedFiles(f, "crowdtangle", "*.json") {
		f.Add(s)
	}
	for _, name := range []string{"crowdtangle_br.csv", "crowdtangle_group_us.csv"} {
		if b, err := os.ReadFile(filepath.Join("testdata", name)); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{"URL\nhttps://www.facebook.com/a/posts/1\n", "URL,Post Created,Likes\n\"x,\"\"y\n", `[{"postUrl":"https://www.facebook.com/a/posts/1","date":"2021-01-01 00:00:00 BRT"}]`,
		`{"result":{"posts":[null,{}]}}`, "\xef\xbb\xbf", "URL,Overperforming Score\nhttps://www.facebook.com/a/posts/1,\"1,4\"\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		posts, bad, err := ParseCrowdTangle("fuzz", data)
		if err != nil {
			if posts != nil || bad != nil || !strings.HasPrefix(err.Error(), "crowdtangle: fuzz: ") {
				t.Fatalf("%d posts, %d row errors and %v", len(posts), len(bad), err)
			}
			return
		}
		for _, p := range posts {
			if p.PlatformID == "" || absolute(p.URL) == "" || p.Published.IsZero() || normalize.Plain(p.Text) != p.Text || !json.Valid(p.Raw) {
				t.Fatalf("post %+v", p)
			}
			for k, v := range p.Counts {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("count %s = %v", k, v)
				}
			}
		}
		for _, b := range bad {
			if b.Line < 1 || b.Err == nil {
				t.Fatalf("row error %+v", b)
			}
		}
	})
}

func FuzzPostIDFromURL(f *testing.F) {
	for _, b := range seedFiles(f, "html", "minet_*.csv") {
		recs, _ := csv.NewReader(strings.NewReader(string(b))).ReadAll()
		for _, rec := range recs {
			if len(rec) > 0 {
				f.Add(rec[0])
			}
		}
	}
	for _, s := range []string{"https://www.facebook.com/groups/1?view=permalink&id=2", "https://www.facebook.com/p/x-1/", "http://fb.com/a/videos/b/c/3", "https://www.facebook.com/%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if owner, id, ok := PostIDFromURL(raw); ok && id == "" {
			t.Fatalf("PostIDFromURL(%q) = %q, %q, true without an id", raw, owner, id)
		}
		tg, err := resolve(&config.Source{ID: "s", URL: raw})
		if err == nil && (tg.page == "" || tg.base != DefaultAPIBase || absolute(tg.web+"/") == "") {
			t.Fatalf("resolve(%q) = %+v", raw, tg)
		}
	})
}
