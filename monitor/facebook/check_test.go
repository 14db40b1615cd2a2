package facebook

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/fetchtest"
	"github.com/takedownwatch/takedownwatch/internal/sandbox"
	"github.com/takedownwatch/takedownwatch/internal/sandbox/sandboxtest"
	"github.com/takedownwatch/takedownwatch/monitor"
)

func check(t *testing.T, c *Client, f monitor.Fetcher, src *config.Source, a *sandbox.Account, id string) monitor.Answer {
	t.Helper()
	p, _ := a.Post(id)
	ans, err := c.Check(t.Context(), src, &store.Post{PlatformID: a.FacebookPostID(id), PostURL: a.FacebookPostURL(id)}, textOf(p.HTML), f)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	if leaks(ans.Detail) {
		t.Errorf("detail holds the token: %q", ans.Detail)
	}
	return ans
}

// textOf is what the archive holds of a sandbox post.
func textOf(html string) string {
	return (&post{Message: &html}).text()
}

const (
	deletedDetail = "code 100/33: Unsupported get request. Object with ID '%s' does not exist, cannot be loaded due to missing permissions, or does not support this operation."
	tenDetail     = "code 10: (#10) This endpoint requires the 'pages_read_engagement' permission or the 'Page Public Content Access' feature."
)

// TestClient_Check checks a post in each state the sandbox can put it in,
// through Graph and, without a token, logged out.
func TestClient_Check(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	acc := sb.AddAccount(0, "gov")
	tests := []struct {
		name string
		act  func(id string)
		// Through Graph: class, detail ("%s" is the post's Graph id) and
		// how many captures the answer rests on.
		graph       monitor.Class
		graphDetail string
		graphEv     int
		// Logged out.
		web       monitor.Class
		webDetail string
	}{
		{"live", func(string) {}, monitor.ClassLive, "200", 1, monitor.ClassLive, "200"},
		{"hidden from the listing", func(id string) { acc.HideFromListing(id, true) }, monitor.ClassLive, "200", 1, monitor.ClassLive, "200"},
		// 100/33, the Page asked, the permalink read.
		{"Gone404", func(id string) { acc.Delete(id, sandbox.Gone404) }, monitor.ClassDeleted, deletedDetail, 3, monitor.ClassDeleted, "404"},
		{"Gone410", func(id string) { acc.Delete(id, sandbox.Gone410) }, monitor.ClassDeleted, deletedDetail, 3, monitor.ClassDeleted, "410"},
		{"Soft404", func(id string) { acc.Delete(id, sandbox.Soft404) }, monitor.ClassDeleted, deletedDetail, 3, monitor.ClassDeleted, "This content isn't available right now"},
		{"RedirectHome", func(id string) { acc.Delete(id, sandbox.RedirectHome) }, monitor.ClassDeleted, deletedDetail, 4, monitor.ClassDeleted, "redirect home"},
		{"withheld", func(id string) { acc.Withhold(id, "https://authority.example/o/1") }, monitor.ClassWithheld, "451 blocked-by https://authority.example/o/1", 3,
			monitor.ClassWithheld, "451 blocked-by https://authority.example/o/1"},
		{"Forbidden403", func(id string) { acc.Restrict(id, sandbox.Forbidden403) }, monitor.ClassRestricted, tenDetail, 2, monitor.ClassRestricted, "403"},
		{"LoginRedirect", func(id string) { acc.Restrict(id, sandbox.LoginRedirect) }, monitor.ClassRestricted, tenDetail, 2, monitor.ClassRestricted, "redirect to login"},
		{"503", func(id string) { acc.FailPost(id, 1, sandbox.Status(503)) }, monitor.ClassTransient, "temporary Graph error (code 2): An unexpected error has occurred. Please retry your request later.", 1,
			monitor.ClassTransient, "503"},
		{"429", func(id string) { acc.FailPost(id, 1, sandbox.TooMany(time.Second)) }, monitor.ClassTransient, "rate limited (code 32): (#32) Page request limited reached", 1,
			monitor.ClassTransient, "429"},
		{"malformed", func(id string) { acc.FailPost(id, 1, sandbox.Malformed()) }, monitor.ClassTransient, "200: facebook: not a post: unexpected end of JSON input", 1,
			monitor.ClassLive, "200"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id := acc.Publish(sandbox.Post{HTML: "<p>" + tc.name + " of the government of the kingdom</p>"})
			tc.act(id)
			a := check(t, New(), fetchtest.New(t), source(acc), acc, id)
			detail := tc.graphDetail
			if strings.Contains(detail, "%s") {
				detail = strings.Replace(detail, "%s", acc.FacebookPostID(id), 1)
			}
			if a.Class != tc.graph || a.Detail != detail || len(a.Evidence) != tc.graphEv {
				t.Errorf("through Graph: %+v\nwant %s %q with %d captures", a, tc.graph, detail, tc.graphEv)
			}
			if tc.name == "malformed" {
				return // the failure is spent; the page now answers as it is
			}
			tc.act(id) // failures are spent; queue them again
			if tc.graph != monitor.ClassTransient {
				acc.ClearFailures()
			}
			w := check(t, New(), fetchtest.New(t), noToken(source(acc)), acc, id)
			if w.Class != tc.web || w.Detail != tc.webDetail || len(w.Evidence) == 0 {
				t.Errorf("logged out: %+v, want %s %q", w, tc.web, tc.webDetail)
			}
		})
	}
	t.Run("suspended page", func(t *testing.T) {
		other := sb.AddAccount(0, "opp")
		id := other.Publish(sandbox.Post{HTML: "<p>x</p>"})
		other.Suspend()
		a := check(t, New(), fetchtest.New(t), source(other), other, id)
		if a.Class != monitor.ClassAccountGone || !strings.HasPrefix(a.Detail, "code 100/33: Unsupported get request. Object with ID '"+other.FacebookPageID()+"'") || len(a.Evidence) != 2 {
			t.Errorf("%+v", a)
		}
	})
}

// TestClient_Check_Page: a not-found post is judged by the Page's answer
// to the same token, asked once for a while, or taken from the listing.
func TestClient_Check_Page(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	acc := sb.AddAccount(0, "gov")
	var ids []string
	for range 3 {
		id := acc.Publish(sandbox.Post{HTML: "<p>x</p>"})
		acc.Delete(id, sandbox.Gone404)
		ids = append(ids, id)
	}
	now := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	c := New(WithClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return now }))
	f := fetchtest.New(t)
	pageAsks := func() int {
		n := 0
		for _, u := range f.URLs() {
			if strings.Contains(u, "/"+acc.FacebookPageID()+"?fields=id") {
				n++
			}
		}
		return n
	}
	check(t, c, f, source(acc), acc, ids[0])
	check(t, c, f, source(acc), acc, ids[1])
	if n := pageAsks(); n != 1 {
		t.Errorf("the Page was asked %d times for two posts, want 1", n)
	}
	mu.Lock()
	now = now.Add(pageTTL)
	mu.Unlock()
	check(t, c, f, source(acc), acc, ids[2])
	if n := pageAsks(); n != 2 {
		t.Errorf("the Page was asked %d times after its answer aged, want 2", n)
	}
	// A collection's answer serves the checks after it.
	c2, f2 := New(), fetchtest.New(t)
	collect(t, c2, f2, source(acc), monitor.CollectOptions{})
	before := len(f2.URLs())
	if a := check(t, c2, f2, source(acc), acc, ids[0]); a.Class != monitor.ClassDeleted || len(f2.URLs()) != before+2 {
		t.Errorf("after a collection: %+v, requests %v", a, f2.URLs()[before:])
	}

	// A Page that cannot be read decides nothing.
	const base = "https://graph.example/v19.0"
	src := &config.Source{ID: "gov", URL: "https://www.facebook.com/gov", APIBase: base, Token: testToken}
	postURL := base + "/1_2?fields=" + url.QueryEscape(checkFields)
	for _, tc := range []struct {
		name   string
		page   answer
		detail string
	}{
		{"503", answer{Code: 503, Body: `{"error":{"message":"An unexpected error has occurred. Please retry your request later.","type":"OAuthException","is_transient":true,"code":2}}`},
			"not found (code 100): Unsupported get request.; the page could not be read: temporary Graph error (code 2): An unexpected error has occurred. Please retry your request later."},
		{"not the page", answer{Code: 200, Body: `{"id":"7"}`}, "not found (code 100): Unsupported get request.; the page could not be read: the answer is not the page"},
		{"html", answer{Code: 500, Body: `<html>`}, "not found (code 100): Unsupported get request.; the page could not be read: 500 without a Graph error"},
	} {
		r := routes(map[string]answer{
			postURL:               {Code: 400, Body: `{"error":{"message":"Unsupported get request.","code":100,"error_subcode":33}}`},
			base + "/1?fields=id": tc.page,
		})
		a, err := New().Check(t.Context(), src, &store.Post{PlatformID: "1_2", PostURL: "https://www.facebook.com/gov/posts/2"}, "", r)
		if err != nil || a.Class != monitor.ClassTransient || a.Detail != tc.detail || len(a.Evidence) != 2 {
			t.Errorf("%s: %+v %v", tc.name, a, err)
		}
	}
}

// TestClient_Check_Pauses: a bad token or a rate limit pauses what it
// limits until the source is collected again.
func TestClient_Check_Pauses(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	acc, other := sb.AddAccount(0, "gov"), sb.AddAccount(0, "opp")
	id := acc.Publish(sandbox.Post{HTML: "<p>x</p>"})
	oid := other.Publish(sandbox.Post{HTML: "<p>y</p>"})
	tests := []struct {
		name      string
		act       func()
		undo      func()
		first     string
		paused    string
		otherPage bool // whether the other Page is paused too
	}{
		{"expired token", func() { sb.SetGraphToken("fresh") }, func() { sb.SetGraphToken("") },
			"token expired or invalidated (code 190): Error validating access token: Session has expired on",
			"paused for this cycle: token expired or invalidated (code 190): ", true},
		{"app rate limit", func() { sb.FailGraph(1, 4) }, func() {},
			"rate limited (code 4): (#4) Application request limit reached",
			"paused for this cycle: rate limited (code 4): ", true},
		{"page rate limit", func() { acc.FailPost(id, 1, sandbox.TooMany(time.Second)) }, func() {},
			"rate limited (code 32): (#32) Page request limited reached",
			"paused for this cycle: rate limited (code 32): ", false},
		{"business use case", func() { sb.FailGraph(1, 80001) }, func() {},
			"rate limited (code 80001): (#80001) There have been too many calls to this Page account.",
			"paused for this cycle: rate limited (code 80001): ", false},
		{"app usage at 100", func() { sb.SetGraphUsage(100, 0) }, func() { sb.SetGraphUsage(1, 0) },
			"200", "paused for this cycle: rate limited: X-App-Usage at 100%", true},
		{"page usage at 100", func() { sb.SetGraphUsage(1, 100) }, func() { sb.SetGraphUsage(1, 0) },
			"200", "paused for this cycle: rate limited: Page usage at 100%", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, f := New(), fetchtest.New(t)
			tc.act()
			a := check(t, c, f, source(acc), acc, id)
			if !strings.HasPrefix(a.Detail, tc.first) {
				t.Errorf("first answer %+v, want %q…", a, tc.first)
			}
			n := len(f.URLs())
			a = check(t, c, f, source(acc), acc, id)
			if a.Class != monitor.ClassTransient || !strings.HasPrefix(a.Detail, tc.paused) || len(f.URLs()) != n || len(a.Evidence) != 0 {
				t.Errorf("second answer %+v after %d requests, want paused %q… without asking", a, len(f.URLs())-n, tc.paused)
			}
			o := check(t, c, f, source(other), other, oid)
			if paused := strings.HasPrefix(o.Detail, "paused"); paused != tc.otherPage {
				t.Errorf("the other Page's post: %+v; paused %v, want %v", o, paused, tc.otherPage)
			}
			tc.undo()
			// The source's next collection ends the pause.
			collect(t, c, f, source(acc), monitor.CollectOptions{})
			if a := check(t, c, f, source(acc), acc, id); a.Class != monitor.ClassLive {
				t.Errorf("after the next collection: %+v", a)
			}
		})
	}
	t.Run("pauses end by themselves", func(t *testing.T) {
		now := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
		var mu sync.Mutex
		c, f := New(WithClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })), fetchtest.New(t)
		sb.FailGraph(1, 613)
		check(t, c, f, source(acc), acc, id)
		mu.Lock()
		now = now.Add(pauseMax)
		mu.Unlock()
		if a := check(t, c, f, source(acc), acc, id); a.Class != monitor.ClassLive {
			t.Errorf("after pauseMax: %+v", a)
		}
	})
	t.Run("a collection's 190 pauses the checks", func(t *testing.T) {
		c, f := New(), fetchtest.New(t)
		sb.SetGraphToken("fresh")
		defer sb.SetGraphToken("")
		if _, err := c.Collect(t.Context(), source(acc), f, monitor.CollectOptions{}); err == nil {
			t.Fatal("collected with an expired token")
		}
		n := len(f.URLs())
		if a := check(t, c, f, source(acc), acc, id); a.Class != monitor.ClassTransient || len(f.URLs()) != n ||
			!strings.HasPrefix(a.Detail, "paused for this cycle: token expired or invalidated (code 190): ") {
			t.Errorf("%+v", a)
		}
	})
}

func TestClient_Check_Answers(t *testing.T) {
	const base = "https://graph.example/v19.0"
	src := &config.Source{ID: "gov", URL: "https://www.facebook.com/gov", APIBase: base, Token: testToken}
	postURL := base + "/12345678_987654321?fields=" + url.QueryEscape(checkFields)
	permalink := "https://www.facebook.com/12345678/posts/987654321"
	hidden := string(graphFixture(t, "v2_3_post-ishidden.json"))
	page := answer{Code: 200, Body: `{"id":"12345678"}`}
	tests := []struct {
		name   string
		m      map[string]answer
		text   string
		class  monitor.Class
		detail string
	}{
		{"is_hidden (real answer)", map[string]answer{postURL: {Code: 200, Body: hidden}}, "", monitor.ClassHidden, "is_hidden"},
		{"is_expired", map[string]answer{postURL: {Code: 200, Body: `{"id":"12345678_987654321","is_expired":true}`}}, "", monitor.ClassHidden, "is_expired"},
		{"unpublished", map[string]answer{postURL: {Code: 200, Body: `{"id":"12345678_987654321","is_published":false}`}}, "", monitor.ClassHidden, "is_published false"},
		{"published", map[string]answer{postURL: {Code: 200, Body: `{"id":"12345678_987654321","is_published":true,"is_hidden":false}`}}, "", monitor.ClassLive, "200"},
		{"not a post", map[string]answer{postURL: {Code: 200, Body: `{"author_name":"x"}`}}, "", monitor.ClassTransient, "200: facebook: not a post: it has no id"},
		{"400 without Graph error", map[string]answer{postURL: {Code: 400, Body: `<html>`}}, "", monitor.ClassTransient, "400 without a Graph error"},
		{"404 without Graph error", map[string]answer{postURL: {Code: 404, Body: ``}}, "", monitor.ClassTransient, "404 without a Graph error"},
		{"451 from a proxy", map[string]answer{postURL: {Code: 451, Header: http.Header{"Link": {`<https://gov.example/o>; rel="blocked-by"`}}}}, "",
			monitor.ClassWithheld, "451 blocked-by https://gov.example/o"},
		{"bad id (code 12)", map[string]answer{postURL: {Code: 400, Body: `{"error":{"message":"(#12) singular statuses API is deprecated for versions v2.4 and higher","type":"OAuthException","code":12}}`}}, "",
			monitor.ClassTransient, "Graph error (code 12): (#12) singular statuses API is deprecated for versions v2.4 and higher"},
		{"100/33, the permalink shows the post", map[string]answer{
			base + "/12345678?fields=id": page,
			permalink:                    {Code: 200, Body: `<html><title>Facebook</title><p>The minister said the budget is final.</p></html>`},
		}, "The minister said the budget is final.", monitor.ClassLive, "the permalink shows the post; Graph: code 100/33: Unsupported get request. Object with ID 'x' does not exist, cannot be loaded due to missing permissions, or does not support this operation."},
		{"100/33, the permalink withheld", map[string]answer{
			base + "/12345678?fields=id": page,
			permalink:                    {Code: 200, Body: `<html><p>This content isn't available in your country: it is withheld in your country due to local laws.</p></html>`},
		}, "x", monitor.ClassWithheld, "200: withheld in your country"},
		{"100/33, the permalink a login wall", map[string]answer{
			base + "/12345678?fields=id": page,
			permalink:                    {Code: 403, Body: ``},
		}, "x", monitor.ClassDeleted, "code 100/33: Unsupported get request. Object with ID 'x' does not exist, cannot be loaded due to missing permissions, or does not support this operation."},
		{"the token in a message", map[string]answer{postURL: {Code: 400, Body: `{"error":{"message":"Malformed access token ` + testToken + `","type":"OAuthException","code":190}}`}}, "",
			monitor.ClassTransient, "token expired or invalidated (code 190): Malformed access token REDACTED"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := New().Check(t.Context(), src, &store.Post{PlatformID: "12345678_987654321", PostURL: permalink}, tc.text, routes(tc.m))
			if err != nil || a.Class != tc.class || a.Detail != tc.detail || len(a.Evidence) == 0 {
				t.Errorf("%+v %v\nwant %s %q", a, err, tc.class, tc.detail)
			}
		})
	}
	t.Run("request", func(t *testing.T) {
		r := routes(map[string]answer{postURL: {Code: 200, Body: `{"id":"12345678_987654321"}`}})
		src := *src
		src.Vantage = "proxy-kh"
		if _, err := New().Check(t.Context(), &src, &store.Post{PlatformID: "12345678_987654321"}, "", r); err != nil {
			t.Fatal(err)
		}
		got := r.Requests()[0]
		if got.URL != postURL || got.Kind != monitor.KindPermalink || got.SourceID != "gov" || got.Vantage != "proxy-kh" ||
			got.Header.Get("Authorization") != "Bearer "+testToken || leaks(got.URL) {
			t.Errorf("request %+v", got)
		}
	})
	for _, id := range []string{"987654321", "100063486369524_pfbid02abcDEF", "share/p/abc"} {
		t.Run("no Graph id: logged out "+id, func(t *testing.T) {
			r := routes(map[string]answer{permalink: {Code: 200, Body: `<title>Content not found</title>`}})
			a, err := New().Check(t.Context(), src, &store.Post{PlatformID: id, PostURL: permalink}, "x", r)
			if err != nil || a.Class != monitor.ClassDeleted || a.Detail != "Content not found" || len(r.Requests()) != 1 || r.Requests()[0].Header.Get("Authorization") != "" {
				t.Errorf("%+v %v %+v", a, err, r.Requests())
			}
		})
	}
}

func TestClient_Check_Errors(t *testing.T) {
	disk := errors.New("archive: disk full")
	tests := []struct {
		name      string
		src       *config.Source
		err       error
		wantClass monitor.Class
		wantErr   error
	}{
		{"network", &config.Source{ID: "s", URL: "https://www.facebook.com/x", Token: testToken},
			&monitor.FetchError{URL: "u", Transient: true, CaptureID: 4, Err: errors.New("connection reset")}, monitor.ClassTransient, nil},
		{"network, logged out", &config.Source{ID: "s", URL: "https://www.facebook.com/x"},
			&monitor.FetchError{URL: "u", Transient: true, CaptureID: 4, Err: errors.New("connection reset")}, monitor.ClassTransient, nil},
		{"archive failure", &config.Source{ID: "s", URL: "https://www.facebook.com/x", Token: testToken}, disk, "", disk},
		{"archive failure, logged out", &config.Source{ID: "s", URL: "https://www.facebook.com/x"}, disk, "", disk},
		{"bad source url", &config.Source{ID: "s", URL: "https://www.facebook.com/", Token: testToken}, nil, monitor.ClassTransient, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := monitor.FetcherFunc(func(context.Context, *monitor.FetchRequest) (*monitor.FetchResponse, error) {
				if tc.err == nil {
					t.Error("fetched for a source without a Page")
				}
				return nil, tc.err
			})
			a, err := New().Check(t.Context(), tc.src, &store.Post{PlatformID: "1_2", PostURL: "https://www.facebook.com/x/posts/2"}, "", f)
			if !errors.Is(err, tc.wantErr) || a.Class != tc.wantClass {
				t.Errorf("Check = %+v, %v; want %q, %v", a, err, tc.wantClass, tc.wantErr)
			}
			if strings.HasPrefix(tc.name, "network") && (len(a.Evidence) != 1 || a.Evidence[0] != 4 || !strings.Contains(a.Detail, "reset")) {
				t.Errorf("network failure answer %+v, want its capture and cause", a)
			}
		})
	}
	t.Run("no permalink, logged out", func(t *testing.T) {
		a, err := New().Check(t.Context(), &config.Source{ID: "s", URL: "https://www.facebook.com/x"}, &store.Post{PlatformID: "1_2"}, "", routes(nil))
		if err != nil || a.Class != monitor.ClassTransient {
			t.Errorf("%+v %v", a, err)
		}
	})
}

// TestErrorMapping_RealBodies sends every real error body of the fixtures
// as Graph's answer: to a check (the Page reading fine, the Page gone) and
// to a collection's look at the Page.
func TestErrorMapping_RealBodies(t *testing.T) {
	var bodies [][]byte
	for _, name := range []string{"exampleErrorNew.json", "oauthExampleError.json", "threads_exception.json"} {
		bodies = append(bodies, graphFixture(t, name))
	}
	sc := bufio.NewScanner(bytes.NewReader(graphFixture(t, "real_error_bodies_from_issue_reports.jsonl")))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var line struct {
			Body json.RawMessage `json:"body_as_reported"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatal(err)
		}
		bodies = append(bodies, wireBodies(t, line.Body)...)
	}
	const base = "https://graph.example/v19.0"
	src := &config.Source{ID: "gov", URL: "https://www.facebook.com/gov", APIBase: base, Token: testToken}
	postURL := base + "/1_2?fields=" + url.QueryEscape(checkFields)
	pageOK := answer{Code: 200, Body: `{"id":"1"}`}
	pageGone := answer{Code: 400, Body: `{"error":{"message":"Unsupported get request. Object with ID '1' does not exist, cannot be loaded due to missing permissions, or does not support this operation.","type":"GraphMethodException","code":100,"error_subcode":33}}`}
	counts := map[monitor.Class]int{}
	for _, body := range bodies {
		e, _ := parseGraphError(body)
		// What a check answers, by the error's kind, while the Page reads
		// fine and while it is gone.
		want, wantGone := monitor.ClassTransient, monitor.ClassTransient
		switch e.kind() {
		case kindNotFound:
			want, wantGone = monitor.ClassDeleted, monitor.ClassAccountGone
		case kindPermission:
			want, wantGone = monitor.ClassRestricted, monitor.ClassAccountGone
		}
		for _, tc := range []struct {
			page answer
			want monitor.Class
		}{{pageOK, want}, {pageGone, wantGone}} {
			r := routes(map[string]answer{postURL: {Code: 400, Body: string(body)}, base + "/1?fields=id": tc.page})
			a, err := New().Check(t.Context(), src, &store.Post{PlatformID: "1_2"}, "", r)
			if err != nil || a.Class != tc.want || a.Detail == "" || len(a.Evidence) == 0 {
				t.Errorf("%s, page %d: %+v %v, want %s", body, tc.page.Code, a, err, tc.want)
			}
			counts[a.Class]++
		}
		// The same body as the Page's answer to a collection.
		r := routes(map[string]answer{base + "/gov?fields=" + url.QueryEscape(pageFields): {Code: 400, Body: string(body)}})
		_, err := New().Collect(t.Context(), src, r, monitor.CollectOptions{})
		_, gone := accountGone(err)
		if err == nil || gone != (e.kind() == kindNotFound) || leaks(err.Error()) {
			t.Errorf("%s as the Page's answer: %v (account gone %v)", body, err, gone)
		}
		if e.kind() == kindToken && !strings.Contains(err.Error(), "token expired or invalidated (code 190): ") {
			t.Errorf("%s: %v", body, err)
		}
	}
	if counts[monitor.ClassDeleted] == 0 || counts[monitor.ClassRestricted] == 0 || counts[monitor.ClassAccountGone] == 0 || counts[monitor.ClassTransient] == 0 {
		t.Errorf("answers %v: a class is missing from the real bodies", counts)
	}
}
