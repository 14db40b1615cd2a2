package sandbox_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/internal/sandbox"
	"github.com/takedownwatch/takedownwatch/internal/sandbox/sandboxtest"
	"github.com/takedownwatch/takedownwatch/internal/testtool"
)

// graphGet fetches a Graph URL with token (as access_token, unless "")
// and decodes its JSON body into v (unless v is nil).
func graphGet(t *testing.T, c *http.Client, target, token string, v any) *http.Response {
	t.Helper()
	if token != "" {
		sep := "?"
		if strings.Contains(target, "?") {
			sep = "&"
		}
		target += sep + "access_token=" + url.QueryEscape(token)
	}
	resp, body := fetch(t, c, target, nil)
	if v != nil {
		if err := json.Unmarshal([]byte(body), v); err != nil {
			t.Fatalf("GET %s: %d, not JSON: %v\n%s", target, resp.StatusCode, err, body)
		}
	}
	return resp
}

type graphErrorBody struct {
	Error struct {
		Message     string `json:"message"`
		Type        string `json:"type"`
		Code        int    `json:"code"`
		Subcode     int    `json:"error_subcode"`
		IsTransient bool   `json:"is_transient"`
		FBTraceID   string `json:"fbtrace_id"`
	} `json:"error"`
}

type graphPosts struct {
	Data []struct {
		ID           string `json:"id"`
		Message      string `json:"message"`
		CreatedTime  string `json:"created_time"`
		PermalinkURL string `json:"permalink_url"`
		IsHidden     *bool  `json:"is_hidden"`
		Attachments  *struct {
			Data []struct {
				Type  string `json:"type"`
				Media struct {
					Image struct {
						Src string `json:"src"`
					} `json:"image"`
					Source string `json:"source"`
				} `json:"media"`
			} `json:"data"`
		} `json:"attachments"`
	} `json:"data"`
	Paging *struct {
		Cursors struct {
			Before string `json:"before"`
			After  string `json:"after"`
		} `json:"cursors"`
		Next string `json:"next"`
	} `json:"paging"`
}

func TestGraph_IDs(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{Hosts: 2})
	a, b, other := sb.AddAccount(0, "alice"), sb.AddAccount(0, "bob"), sb.AddAccount(1, "alice")
	// Hard-coded: ids must not change between runs or releases, or an
	// archive made against the sandbox would no longer match it.
	if got, want := a.FacebookPageID(), "327308734122902"; got != want {
		t.Errorf("FacebookPageID = %s, want %s", got, want)
	}
	if got, want := a.FacebookPostID("1"), "327308734122902_4056572427303852"; got != want {
		t.Errorf("FacebookPostID = %s, want %s", got, want)
	}
	ids := []string{a.FacebookPageID(), b.FacebookPageID(), other.FacebookPageID()}
	posts := []string{a.FacebookPostID("1"), a.FacebookPostID("2"), b.FacebookPostID("1"), other.FacebookPostID("1")}
	if len(slices.Compact(slices.Sorted(slices.Values(ids)))) != 3 || len(slices.Compact(slices.Sorted(slices.Values(posts)))) != 4 {
		t.Errorf("ids collide: %v %v", ids, posts)
	}
	shape := regexp.MustCompile(`^[1-9][0-9]{14}_[1-9][0-9]{15}$`)
	for _, id := range posts {
		if !shape.MatchString(id) {
			t.Errorf("post id %q is not PAGEID_POSTID with 15 and 16 digits", id)
		}
	}
	if got, want := a.GraphAPIBase(), sb.Hosts()[0]+"/graph/v19.0"; got != want {
		t.Errorf("GraphAPIBase = %s, want %s", got, want)
	}
	if a.FacebookURL() != a.HomeURL() || a.FacebookPostURL("3") != a.PostURL("3") {
		t.Errorf("FacebookURL %s, FacebookPostURL %s: want the web pages", a.FacebookURL(), a.FacebookPostURL("3"))
	}
}

func TestGraph_Page(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	c := newClient(t)
	a := sb.AddAccount(0, "gov")
	a.SetMetric("likes", 407137)
	a.SetMetric("followers", 512000)
	type page struct {
		ID        string `json:"id"`
		Name      string `json:"name"`
		Username  string `json:"username"`
		FanCount  *int64 `json:"fan_count"`
		Followers *int64 `json:"followers_count"`
	}
	for _, node := range []string{"gov", a.FacebookPageID()} {
		var p page
		resp := graphGet(t, c, a.GraphAPIBase()+"/"+node+"?fields=id,name,username,fan_count,followers_count", "tok", &p)
		if resp.StatusCode != 200 || p.ID != a.FacebookPageID() || p.Name != "gov" || p.Username != "gov" ||
			p.FanCount == nil || *p.FanCount != 407137 || p.Followers == nil || *p.Followers != 512000 {
			t.Errorf("page by %s: %d %+v", node, resp.StatusCode, p)
		}
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") || resp.Header.Get("X-App-Usage") == "" {
			t.Errorf("page by %s: headers %v", node, resp.Header)
		}
	}
	var def map[string]any
	graphGet(t, c, a.GraphAPIBase()+"/gov", "tok", &def)
	if len(def) != 2 || def["id"] != a.FacebookPageID() || def["name"] != "gov" {
		t.Errorf("page without fields: %v, want id and name", def)
	}

	for _, tc := range []struct {
		node          string
		status, code  int
		subcode       int
		messagePrefix string
	}{
		{"nobody", 404, 803, 0, "(#803) Some of the aliases you requested do not exist: nobody"},
		{"123456789012345", 400, 100, 33, "Unsupported get request. Object with ID '123456789012345' does not exist"},
	} {
		var e graphErrorBody
		resp := graphGet(t, c, a.GraphAPIBase()+"/"+tc.node, "tok", &e)
		if resp.StatusCode != tc.status || e.Error.Code != tc.code || e.Error.Subcode != tc.subcode || !strings.HasPrefix(e.Error.Message, tc.messagePrefix) {
			t.Errorf("unknown %s: %d %+v", tc.node, resp.StatusCode, e)
		}
	}

	a.Suspend()
	for _, node := range []string{"gov", a.FacebookPageID()} {
		var e graphErrorBody
		resp := graphGet(t, c, a.GraphAPIBase()+"/"+node+"?fields=id", "tok", &e)
		if resp.StatusCode != 400 || e.Error.Code != 100 || e.Error.Subcode != 33 || e.Error.Type != "GraphMethodException" ||
			!strings.Contains(e.Error.Message, "Object with ID '"+node+"' does not exist") || e.Error.FBTraceID == "" {
			t.Errorf("suspended page by %s: %d %+v", node, resp.StatusCode, e)
		}
	}
	var e graphErrorBody
	if resp := graphGet(t, c, a.GraphAPIBase()+"/"+a.FacebookPageID()+"/posts", "tok", &e); resp.StatusCode != 400 || e.Error.Code != 100 || e.Error.Subcode != 33 {
		t.Errorf("suspended page's posts: %d %+v", resp.StatusCode, e)
	}
}

func TestGraph_Posts(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	c := newClient(t)
	a := sb.AddAccount(0, "gov")
	a.SetMedia("photo.jpg", 10, "image/jpeg")
	start := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	var ids []string
	for i := range 5 {
		p := sandbox.Post{Published: start.Add(time.Duration(i) * time.Hour), HTML: "<p>Post <b>number</b> " + string(rune('A'+i)) + " &amp; more</p><p>second line</p>"}
		if i == 4 {
			p.Media = []string{"photo.jpg", "https://cdn.example/v.mp4"}
		}
		ids = append(ids, a.Publish(p))
	}
	base := a.GraphAPIBase() + "/" + a.FacebookPageID() + "/posts"

	var first graphPosts
	graphGet(t, c, base+"?fields=id,message,created_time,permalink_url,is_hidden,attachments&limit=2", "secret-token", &first)
	if len(first.Data) != 2 || first.Paging == nil || first.Paging.Next == "" {
		t.Fatalf("first page: %+v", first)
	}
	d := first.Data[0]
	if d.ID != a.FacebookPostID(ids[4]) || d.Message != "Post number E & more\nsecond line" || d.CreatedTime != "2026-03-01T14:00:00+0000" ||
		d.PermalinkURL != a.PostURL(ids[4]) || d.IsHidden == nil || *d.IsHidden {
		t.Errorf("newest post: %+v", d)
	}
	if d.Attachments == nil || len(d.Attachments.Data) != 2 || d.Attachments.Data[0].Type != "photo" || d.Attachments.Data[0].Media.Image.Src != a.MediaURL("photo.jpg") ||
		d.Attachments.Data[1].Type != "video_inline" || d.Attachments.Data[1].Media.Source != "https://cdn.example/v.mp4" {
		t.Errorf("attachments: %+v", d.Attachments)
	}
	if first.Data[1].Attachments != nil {
		t.Errorf("a post without media has attachments: %+v", first.Data[1].Attachments)
	}
	// Real paging links carry the token and every parameter of the request.
	next, err := url.Parse(first.Paging.Next)
	if err != nil || next.Query().Get("access_token") != "secret-token" || next.Query().Get("limit") != "2" ||
		next.Query().Get("after") != first.Paging.Cursors.After || !strings.HasPrefix(first.Paging.Next, base+"?") {
		t.Errorf("next %q", first.Paging.Next)
	}

	// Following next to the end: 2 + 2 + 1 posts, then the empty page
	// that still says next, then the empty page that does not.
	var got []string
	var shapes []string
	target := base + "?limit=2&access_token=secret-token"
	for range 10 {
		var pg graphPosts
		graphGet(t, c, target, "", &pg)
		for _, p := range pg.Data {
			got = append(got, p.ID)
		}
		shape := "data"
		if len(pg.Data) == 0 {
			shape = "empty"
		}
		if pg.Paging != nil && pg.Paging.Next != "" {
			shape += "+next"
		}
		shapes = append(shapes, shape)
		if pg.Paging == nil || pg.Paging.Next == "" {
			break
		}
		target = pg.Paging.Next
	}
	want := []string{a.FacebookPostID(ids[4]), a.FacebookPostID(ids[3]), a.FacebookPostID(ids[2]), a.FacebookPostID(ids[1]), a.FacebookPostID(ids[0])}
	if !slices.Equal(got, want) || !slices.Equal(shapes, []string{"data+next", "data+next", "data+next", "empty+next", "empty"}) {
		t.Errorf("paging: got %v in pages %v", got, shapes)
	}

	// The page past the end has the shape of Graph's own (connection-nodata).
	var raw map[string]json.RawMessage
	var past graphPosts
	graphGet(t, c, base+"?limit=100&after="+url.QueryEscape(lastCursor(t, c, base)), "tok", &past)
	if len(past.Data) != 0 || past.Paging == nil || past.Paging.Next == "" || past.Paging.Cursors.After == "" {
		t.Errorf("past the end: %+v", past)
	}
	graphGet(t, c, past.Paging.Next, "", &raw)
	if len(raw) != 1 || string(raw["data"]) != "[]" {
		t.Errorf("end: %v, want {\"data\":[]} alone", raw)
	}

	// Listing window, hidden posts and an empty listing, as every listing.
	a.SetListingLimit(3)
	a.HideFromListing(ids[4], true)
	var win graphPosts
	graphGet(t, c, base+"?limit=100", "tok", &win)
	if len(win.Data) != 3 || win.Data[0].ID != a.FacebookPostID(ids[3]) || win.Data[2].ID != a.FacebookPostID(ids[1]) {
		t.Errorf("window of 3 without the hidden post: %+v", win.Data)
	}
	var def struct {
		Data []map[string]any `json:"data"`
	}
	graphGet(t, c, base, "tok", &def)
	for _, p := range def.Data {
		if len(p) != 3 || p["id"] == nil || p["message"] == nil || p["created_time"] == nil {
			t.Errorf("post without fields asked: %v, want id, message, created_time", p)
		}
	}
	a.EmptyListing(true)
	var empty graphPosts
	graphGet(t, c, base, "tok", &empty)
	if len(empty.Data) != 0 || empty.Paging == nil || empty.Paging.Next == "" {
		t.Errorf("empty listing: %+v, want empty data with next", empty)
	}
	if resp := graphGet(t, c, a.GraphAPIBase()+"/gov/posts", "tok", nil); resp.StatusCode != 200 {
		t.Errorf("posts by page name: %d", resp.StatusCode)
	}
	if resp := graphGet(t, c, base+"?after=bm90IGEgY3Vyc29y", "tok", &empty); resp.StatusCode != 200 || len(empty.Data) != 0 {
		t.Errorf("bad cursor: %d %+v", resp.StatusCode, empty)
	}
}

// lastCursor is the after cursor of the listing's last page.
func lastCursor(t *testing.T, c *http.Client, base string) string {
	t.Helper()
	var pg graphPosts
	graphGet(t, c, base+"?limit=100", "tok", &pg)
	if pg.Paging == nil {
		t.Fatal("no paging")
	}
	return pg.Paging.Cursors.After
}

func TestGraph_PostStates(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	a := sb.AddAccount(0, "gov")
	tests := []struct {
		name          string
		act           func(id string)
		status, code  int
		subcode       int
		messagePrefix string
	}{
		{"live", func(string) {}, 200, 0, 0, ""},
		{"hidden from the listing", func(id string) { a.HideFromListing(id, true) }, 200, 0, 0, ""},
		{"Gone404", func(id string) { a.Delete(id, sandbox.Gone404) }, 400, 100, 33, "Unsupported get request. Object with ID '"},
		{"Gone410", func(id string) { a.Delete(id, sandbox.Gone410) }, 400, 100, 33, "Unsupported get request."},
		{"Soft404", func(id string) { a.Delete(id, sandbox.Soft404) }, 400, 100, 33, "Unsupported get request."},
		{"RedirectHome", func(id string) { a.Delete(id, sandbox.RedirectHome) }, 400, 100, 33, "Unsupported get request."},
		{"withheld", func(id string) { a.Withhold(id, "https://authority.example/1") }, 400, 100, 33, "Unsupported get request."},
		{"Forbidden403", func(id string) { a.Restrict(id, sandbox.Forbidden403) }, 400, 10, 0, "(#10) This endpoint requires"},
		{"LoginRedirect", func(id string) { a.Restrict(id, sandbox.LoginRedirect) }, 400, 10, 0, "(#10) This endpoint requires"},
		{"503", func(id string) { a.FailPost(id, 1, sandbox.Status(503)) }, 503, 2, 0, "An unexpected error has occurred."},
		{"429", func(id string) { a.FailPost(id, 1, sandbox.TooMany(time.Second)) }, 400, 32, 0, "(#32) Page request limited reached"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newClient(t)
			id := a.Publish(sandbox.Post{HTML: "<p>" + tc.name + "</p>"})
			tc.act(id)
			target := a.GraphAPIBase() + "/" + a.FacebookPostID(id) + "?fields=id,message,is_hidden,is_published"
			if tc.status == 200 {
				var p map[string]any
				resp := graphGet(t, c, target, "tok", &p)
				if resp.StatusCode != 200 || p["id"] != a.FacebookPostID(id) || p["message"] != tc.name || p["is_hidden"] != false || p["is_published"] != true {
					t.Errorf("%d %v", resp.StatusCode, p)
				}
				return
			}
			var e graphErrorBody
			resp := graphGet(t, c, target, "tok", &e)
			if resp.StatusCode != tc.status || e.Error.Code != tc.code || e.Error.Subcode != tc.subcode || !strings.HasPrefix(e.Error.Message, tc.messagePrefix) {
				t.Errorf("%d %+v, want %d code %d/%d %q…", resp.StatusCode, e, tc.status, tc.code, tc.subcode, tc.messagePrefix)
			}
		})
	}
	t.Run("unknown and suspended", func(t *testing.T) {
		c := newClient(t)
		id := a.Publish(sandbox.Post{HTML: "<p>x</p>"})
		for _, node := range []string{a.FacebookPageID() + "_1", "gov_" + strings.Split(a.FacebookPostID(id), "_")[1], "1_2"} {
			var e graphErrorBody
			if resp := graphGet(t, c, a.GraphAPIBase()+"/"+node, "tok", &e); resp.StatusCode != 400 || e.Error.Code != 100 || e.Error.Subcode != 33 {
				t.Errorf("%s: %d %+v", node, resp.StatusCode, e)
			}
		}
		a.Suspend()
		var e graphErrorBody
		if resp := graphGet(t, c, a.GraphAPIBase()+"/"+a.FacebookPostID(id), "tok", &e); resp.StatusCode != 400 || e.Error.Code != 100 || e.Error.Subcode != 33 {
			t.Errorf("post of a suspended page: %d %+v", resp.StatusCode, e)
		}
	})
}

func TestGraph_Tokens(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{Clock: func() time.Time { return time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC) }})
	c := newClient(t)
	a := sb.AddAccount(0, "gov")
	page := a.GraphAPIBase() + "/gov"
	code := func(header http.Header, token string) (int, graphErrorBody) {
		t.Helper()
		target := page
		if token != "" {
			target += "?access_token=" + url.QueryEscape(token)
		}
		resp, body := fetch(t, c, target, header)
		var e graphErrorBody
		if resp.StatusCode != 200 {
			if err := json.Unmarshal([]byte(body), &e); err != nil {
				t.Fatalf("%d %s", resp.StatusCode, body)
			}
			if !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), `OAuth "Facebook Platform" "invalid_token"`) {
				t.Errorf("WWW-Authenticate %q", resp.Header.Get("WWW-Authenticate"))
			}
		}
		return resp.StatusCode, e
	}
	if st, e := code(nil, ""); st != 400 || e.Error.Code != 104 {
		t.Errorf("no token: %d %+v, want 400 code 104", st, e)
	}
	for _, h := range []http.Header{{"Authorization": {"Bearer any"}}, {"Authorization": {"OAuth any"}}, nil} {
		if st, _ := code(h, map[bool]string{true: "any"}[h == nil]); st != 200 {
			t.Errorf("token in %v: %d", h, st)
		}
	}
	sb.SetGraphToken("fresh-token")
	st, e := code(nil, "old-token")
	if st != 400 || e.Error.Code != 190 || e.Error.Subcode != 463 || e.Error.Type != "OAuthException" ||
		e.Error.Message != "Error validating access token: Session has expired on Monday, 01-Jun-26 07:00:00 UTC. The current time is Monday, 01-Jun-26 08:00:00 UTC." {
		t.Errorf("expired token: %d %+v", st, e)
	}
	if st, _ := code(http.Header{"Authorization": {"Bearer fresh-token"}}, ""); st != 200 {
		t.Errorf("valid token: %d", st)
	}
	sb.SetGraphToken("")
	if st, _ := code(nil, "old-token"); st != 200 {
		t.Errorf("any token again: %d", st)
	}
}

func TestGraph_Failures(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	a := sb.AddAccount(0, "gov")
	id := a.Publish(sandbox.Post{HTML: "<p>x</p>"})
	for _, tc := range []struct {
		code, status int
		header       string
		message      string
	}{
		{1, 500, "", "An unknown error occurred"},
		{2, 500, "", "An unexpected error has occurred. Please retry your request later."},
		{4, 400, "X-App-Usage", "(#4) Application request limit reached"},
		{17, 400, "X-App-Usage", "(#17) User request limit reached"},
		{32, 400, "X-Page-Usage", "(#32) Page request limited reached"},
		{613, 400, "X-App-Usage", "(#613) Calls to this api have exceeded the rate limit."},
		{80001, 400, "X-Business-Use-Case-Usage", "(#80001) There have been too many calls to this Page account."},
	} {
		c := newClient(t)
		sb.FailGraph(1, tc.code)
		var e graphErrorBody
		resp := graphGet(t, c, a.GraphAPIBase()+"/"+a.FacebookPostID(id), "tok", &e)
		if resp.StatusCode != tc.status || e.Error.Code != tc.code || !e.Error.IsTransient || !strings.HasPrefix(e.Error.Message, tc.message) {
			t.Errorf("FailGraph(%d): %d %+v", tc.code, resp.StatusCode, e)
		}
		if tc.header != "" && !strings.Contains(resp.Header.Get(tc.header), `"call_count":100`) {
			t.Errorf("FailGraph(%d): %s %q", tc.code, tc.header, resp.Header.Get(tc.header))
		}
		if tc.code == 80001 && !strings.Contains(resp.Header.Get(tc.header), `{"`+a.FacebookPageID()+`":[{"type":"pages"`) {
			t.Errorf("business use case header %q names no page", resp.Header.Get(tc.header))
		}
		if resp := graphGet(t, c, a.GraphAPIBase()+"/"+a.FacebookPostID(id), "tok", nil); resp.StatusCode != 200 {
			t.Errorf("FailGraph(%d): the next request answered %d", tc.code, resp.StatusCode)
		}
	}
	c := newClient(t)
	sb.FailGraph(-1, 4)
	for range 3 {
		if resp := graphGet(t, c, a.GraphAPIBase()+"/gov", "tok", nil); resp.StatusCode != 400 {
			t.Errorf("FailGraph(-1): %d", resp.StatusCode)
		}
	}
	sb.ClearGraphFailures()
	if resp := graphGet(t, c, a.GraphAPIBase()+"/gov", "tok", nil); resp.StatusCode != 200 {
		t.Errorf("after ClearGraphFailures: %d", resp.StatusCode)
	}
	// The token is checked first: a request without one never meets a failure.
	sb.FailGraph(1, 4)
	var e graphErrorBody
	if graphGet(t, c, a.GraphAPIBase()+"/gov", "", &e); e.Error.Code != 104 {
		t.Errorf("no token under FailGraph: %+v", e)
	}
	sb.ClearGraphFailures()

	// The shared queues, in Graph's shape.
	a.FailNext(1, sandbox.Malformed())
	resp, body := fetch(t, c, a.GraphAPIBase()+"/gov/posts?access_token=tok", nil)
	if resp.StatusCode != 200 || json.Valid([]byte(body)) {
		t.Errorf("Malformed: %d %q", resp.StatusCode, body)
	}
	a.FailNext(1, sandbox.Status(404))
	if resp, _ := fetch(t, c, a.GraphAPIBase()+"/gov?access_token=tok", nil); resp.StatusCode != 404 {
		t.Errorf("Status(404): %d", resp.StatusCode)
	}

	sb.SetGraphUsage(100, 85)
	resp = graphGet(t, c, a.GraphAPIBase()+"/gov", "tok", nil)
	if resp.StatusCode != 200 || resp.Header.Get("X-App-Usage") != `{"call_count":100,"total_cputime":50,"total_time":50}` ||
		resp.Header.Get("X-Page-Usage") != `{"call_count":85,"total_cputime":42,"total_time":42}` {
		t.Errorf("SetGraphUsage: %d %v", resp.StatusCode, resp.Header)
	}
	defer func() {
		if recover() == nil {
			t.Error("FailGraph(1, 190) did not panic")
		}
	}()
	sb.FailGraph(1, 190)
}

// TestGraph_Shapes compares the imitation's answers with real Graph ones:
// no key a real answer lacks.
func TestGraph_Shapes(t *testing.T) {
	dir := filepath.Join(testtool.Fixtures(t, "facebook"), "graph")
	keys := func(t *testing.T, raw []byte, path ...string) []string {
		t.Helper()
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		for _, p := range path {
			if err := json.Unmarshal(m[p], &m); err != nil {
				t.Fatalf("%s: %v", p, err)
			}
		}
		var out []string
		for k := range m {
			out = append(out, k)
		}
		slices.Sort(out)
		return out
	}
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var realErr []string
	for _, name := range []string{"exampleErrorNew.json", "oauthExampleError.json", "threads_exception.json"} {
		realErr = append(realErr, keys(t, read(name), "error")...)
	}
	realPaging := keys(t, read("connection-with-cursor.json"), "paging")
	realCursors := keys(t, read("connection-with-cursor.json"), "paging", "cursors")

	sb := sandboxtest.New(t, sandbox.Options{})
	c := newClient(t)
	a := sb.AddAccount(0, "gov")
	a.Publish(sandbox.Post{HTML: "<p>hi</p>"})
	_, body := fetch(t, c, a.GraphAPIBase()+"/gov/posts?access_token=tok", nil)
	for _, tc := range []struct {
		what      string
		ours, all []string
	}{
		{"paging", keys(t, []byte(body), "paging"), realPaging},
		{"cursors", keys(t, []byte(body), "paging", "cursors"), realCursors},
	} {
		for _, k := range tc.ours {
			if !slices.Contains(tc.all, k) {
				t.Errorf("%s: key %q is not in the real answer's %v", tc.what, k, tc.all)
			}
		}
	}
	sb.FailGraph(1, 4)
	_, body = fetch(t, c, a.GraphAPIBase()+"/gov?access_token=tok", nil)
	for _, k := range keys(t, []byte(body), "error") {
		if !slices.Contains(realErr, k) && k != "is_transient" {
			t.Errorf("error key %q is in no real error %v", k, realErr)
		}
	}
}

func TestGraph_SetGraphHidden(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	c := newClient(t)
	a := sb.AddAccount(0, "gov")
	id := a.Publish(sandbox.Post{HTML: "<p>x</p>"})
	other := a.Publish(sandbox.Post{HTML: "<p>y</p>"})
	sb.SetGraphHidden(a, id, true)
	hidden := func() (node bool, listed map[string]bool) {
		t.Helper()
		var p map[string]any
		graphGet(t, c, a.GraphAPIBase()+"/"+a.FacebookPostID(id)+"?fields=id,is_hidden", "tok", &p)
		var pg graphPosts
		graphGet(t, c, a.GraphAPIBase()+"/gov/posts?fields=id,is_hidden", "tok", &pg)
		listed = map[string]bool{}
		for _, d := range pg.Data {
			listed[d.ID] = d.IsHidden != nil && *d.IsHidden
		}
		return p["is_hidden"] == true, listed
	}
	node, listed := hidden()
	if !node || !listed[a.FacebookPostID(id)] || listed[a.FacebookPostID(other)] || len(listed) != 2 {
		t.Errorf("hidden: node %v, listing %v", node, listed)
	}
	if st, _ := a.Status(id); !st.Live || !st.InListing {
		t.Errorf("the shared model changed: %+v", st)
	}
	sb.SetGraphHidden(a, id, false)
	if node, listed := hidden(); node || listed[a.FacebookPostID(id)] {
		t.Errorf("shown again: node %v, listing %v", node, listed)
	}
	defer func() {
		if recover() == nil {
			t.Error("SetGraphHidden of an unknown post did not panic")
		}
	}()
	sb.SetGraphHidden(a, "nope", true)
}
