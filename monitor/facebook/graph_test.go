package facebook

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/internal/testtool"
	"github.com/takedownwatch/takedownwatch/monitor"
	"github.com/takedownwatch/takedownwatch/monitor/normalize"
)

func graphFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testtool.Fixtures(t, "facebook"), "graph", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParsePosts_Fixtures(t *testing.T) {
	feed, err := parsePosts(graphFixture(t, "v2_1_feed-got.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(feed.Data) != 25 || !strings.Contains(feed.next(), "until=1411172656") {
		t.Fatalf("feed: %d posts, next %q", len(feed.Data), feed.next())
	}
	it := feed.Data[0].item("https://www.facebook.com")
	want := monitor.Item{PlatformID: "74133697733_10152424438657734", URL: "https://www.facebook.com/74133697733/posts/10152424438657734",
		Published: time.Date(2014, 9, 20, 12, 59, 48, 0, time.UTC), Text: "Only Game of Thrones fan will knw :p"}
	if it.PlatformID != want.PlatformID || it.URL != want.URL || !it.Published.Equal(want.Published) || it.Text != want.Text || len(it.Media) != 0 {
		t.Errorf("first item %+v, want %+v", it, want)
	}
	for i, p := range feed.Data {
		it := p.item("https://www.facebook.com")
		if !strings.HasPrefix(it.PlatformID, "74133697733_") || it.Published.IsZero() || it.Text != normalize.Plain(it.Text) {
			t.Errorf("item %d: %+v", i, it)
		}
	}

	empty, err := parsePosts(graphFixture(t, "connection-nodata.json"))
	if err != nil || len(empty.Data) != 0 || empty.next() == "" || empty.Paging.Cursors == nil || empty.Paging.Cursors.After == "" {
		t.Errorf("connection-nodata: %+v, %v: want empty data that still says next", empty, err)
	}
	cursor, err := parsePosts(graphFixture(t, "connection-with-cursor.json"))
	if err != nil || len(cursor.Data) != 6 || cursor.Paging.Cursors.After != "NzU1MjI1MjU0" || !strings.Contains(cursor.next(), "access_token=REDACTED") {
		t.Errorf("connection-with-cursor: %+v, %v", cursor, err)
	}
}

func TestParsePost_Fixtures(t *testing.T) {
	tests := []struct {
		file          string
		id            string
		text          string
		url           string
		hidden        bool
		media         int
		published     time.Time
		wantParseFail bool
	}{
		{file: "v2_1_post-story.json", id: "987654321_678607288890643", url: "https://www.facebook.com/987654321/posts/678607288890643",
			published: time.Date(2014, 8, 22, 10, 32, 44, 0, time.UTC)},
		{file: "v2_1_post-with-likes-totalcount.json", id: "74133697733_10152424275017734",
			text: "Homeboy FRITZ KALKBRENNER starring in the new season of Game of Thrones ... :)\nhttps://www.youtube.com/watch?v=5g7j0TrYKMk&feature=youtu.be",
			url:  "https://www.facebook.com/74133697733/posts/10152424275017734", published: time.Date(2014, 9, 20, 9, 59, 59, 0, time.UTC)},
		{file: "v2_3_post-admin-creator.json", id: "1233456789_53423162", text: "TestImage", url: "https://www.facebook.com/937352753/posts/1233456789",
			published: time.Date(2015, 2, 12, 20, 48, 12, 0, time.UTC)},
		{file: "v2_3_post-attachments.json", id: "1234567891234_987654321987654", text: "Test", media: 3,
			url: "https://www.facebook.com/1234567891234/posts/987654321987654", published: time.Date(2015, 6, 22, 12, 48, 5, 0, time.UTC)},
		{file: "v2_3_post-fullpicture.json", id: "141404215871553_1148486758496622", media: 1,
			url: "https://www.facebook.com/141404215871553/posts/1148486758496622", published: time.Date(2015, 7, 8, 0, 50, 55, 0, time.UTC)},
		{file: "v2_3_post-ishidden.json", id: "12345678_987654321", text: "just a simple test object", hidden: true,
			url: "https://www.facebook.com/12345678/posts/987654321", published: time.Date(2015, 5, 1, 19, 41, 57, 0, time.UTC)},
		{file: "v2_6_post-with-reactions.json", id: "100002241334695_980648432019859", url: "https://www.facebook.com/100002241334695/posts/980648432019859"},
		{file: "v8_0_oembed_post.json", wantParseFail: true},
		{file: "exampleErrorNew.json", wantParseFail: true},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			p, err := parsePost(graphFixture(t, tc.file))
			if tc.wantParseFail {
				if err == nil {
					t.Fatalf("parsed %+v, want an error", p)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			it := p.item("https://www.facebook.com")
			if it.PlatformID != tc.id || it.Text != tc.text || it.URL != tc.url || p.IsHidden != tc.hidden || len(it.Media) != tc.media ||
				!it.Published.Equal(tc.published) {
				t.Errorf("item %+v hidden %v, want id %s text %q url %s hidden %v, %d media, published %v", it, p.IsHidden, tc.id, tc.text, tc.url, tc.hidden, tc.media, tc.published)
			}
			for _, m := range it.Media {
				if !strings.HasPrefix(m, "https://") {
					t.Errorf("media %q", m)
				}
			}
		})
	}
}

func TestPost_Item(t *testing.T) {
	msg := "Line one: x < y & z\n\nLine  two"
	no := false
	p := post{ID: "1_2", Message: &msg, PermalinkURL: "https://www.facebook.com/gov/posts/pfbid02abc", CreatedTime: "2026-01-02T03:04:05+0700",
		IsPublished: &no, FullPicture: "https://cdn.example/full.jpg"}
	p.Attachments = &struct {
		Data []attachment `json:"data"`
	}{Data: []attachment{{Type: "share", URL: "https://news.example/a"}}}
	it := p.item("https://www.facebook.com")
	if it.Text != "Line one: x < y & z\nLine two" || it.URL != "https://www.facebook.com/gov/posts/pfbid02abc" ||
		!it.Published.Equal(time.Date(2026, 1, 1, 20, 4, 5, 0, time.UTC)) || !slices.Equal(it.Media, []string{"https://cdn.example/full.jpg"}) {
		t.Errorf("item %+v", it)
	}
	if normalize.Plain(it.Text) != it.Text {
		t.Error("text is not normalized")
	}
}

func TestParsePage(t *testing.T) {
	tests := []struct {
		body    string
		want    []monitor.Metric
		wantErr bool
	}{
		{`{"id":"11430503918","name":"Luis Fonsi","username":"luisfonsi","fan_count":13231210,"followers_count":"13900000"}`,
			[]monitor.Metric{{Name: "followers", Value: 13900000}, {Name: "likes", Value: 13231210}}, false},
		{`{"id":11430503918,"name":"x"}`, nil, false},
		{`{"name":"x"}`, nil, true},
		{`{"id":"1","fan_count":"many"}`, nil, true},
		{`[]`, nil, true},
	}
	for _, tc := range tests {
		p, err := parsePage([]byte(tc.body))
		if (err != nil) != tc.wantErr {
			t.Errorf("parsePage(%s): %v", tc.body, err)
			continue
		}
		if err == nil && !slices.Equal(p.metrics(), tc.want) {
			t.Errorf("parsePage(%s) metrics %v, want %v", tc.body, p.metrics(), tc.want)
		}
	}
}

// wireBodies turns an error body as an issue reported it into the bodies
// Graph sent: an envelope as it is, a bare error object inside one, and a
// message (what wrappers print) as the envelope's message.
func wireBodies(t *testing.T, raw json.RawMessage) [][]byte {
	t.Helper()
	raw = bytes.TrimSpace(raw)
	switch raw[0] {
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(map[string]map[string]string{"error": {"message": s}})
		return [][]byte{b}
	case '[':
		var list []json.RawMessage
		if err := json.Unmarshal(raw, &list); err != nil {
			t.Fatal(err)
		}
		var out [][]byte
		for _, el := range list {
			out = append(out, wireBodies(t, el)...)
		}
		return out
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(raw, &probe); err != nil {
		t.Fatal(err)
	}
	if _, ok := probe["error"]; ok || probe["error_code"] != nil {
		return [][]byte{raw}
	}
	return [][]byte{[]byte(`{"error":` + string(raw) + `}`)}
}

// TestParseGraphError_IssueBodies reads every real error body of the
// issue reports and sorts it.
func TestParseGraphError_IssueBodies(t *testing.T) {
	f, err := os.Open(filepath.Join(testtool.Fixtures(t, "facebook"), "graph", "real_error_bodies_from_issue_reports.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	type want struct {
		code int
		kind errKind
	}
	// In file order; a reported list gives one entry per element.
	wants := []want{
		{100, kindNotFound},   // Rfacebook #147, message only
		{100, kindNotFound},   // social-feed #326, 100/33
		{100, kindNotFound},   // business-sdk #239, no code: from its words
		{100, kindNotFound},   // fb_graph #273, "Unsupported get request." (pre-2014)
		{100, kindNotFound},   // fb_graph #380, "(#100) This post could not be loaded"
		{33, kindNotFound},    // fbgraph #141, code 33
		{12, kindOther},       // bridgy #496, singular statuses API: our own bad id
		{100, kindNotFound},   // bridgy #496, "Unsupported get request." without subcode
		{4, kindRateLimit},    // Likely #88
		{4, kindRateLimit},    // react-share #70
		{17, kindRateLimit},   // business-sdk #333
		{32, kindRateLimit},   // php-graph-sdk #634, "limited reached"
		{613, kindRateLimit},  // purple-facebook #477, legacy REST envelope
		{190, kindToken},      // bridgy #59, 190/463
		{190, kindToken},      // facy #15, localized date, printed by a wrapper
		{190, kindToken},      // myApi #116, no subcode
		{190, kindToken},      // flutter_facebook_login #151, 460, printed by a wrapper
		{10, kindPermission},  // python-facebook #102
		{10, kindPermission},  // Facepager #131, code as the string "10"
		{100, kindPermission}, // facebook-multi-scraper #4, "(#100) Pages Public Content Access requires …"
		{10, kindPermission},  // facebook-multi-scraper #4, (#10)
		{100, kindNotFound},   // Facepager #174, "Object does not exist … missing permission": ambiguous, not-found
		{4, kindRateLimit},    // 2026 production capture
	}
	var i int
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var line struct {
			Kind   string          `json:"kind"`
			Source string          `json:"source"`
			Body   json.RawMessage `json:"body_as_reported"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatal(err)
		}
		for _, body := range wireBodies(t, line.Body) {
			if i >= len(wants) {
				t.Fatalf("more bodies than expected: %s", body)
			}
			w := wants[i]
			i++
			e, ok := parseGraphError(body)
			if !ok || e.Code != w.code || e.kind() != w.kind {
				t.Errorf("%s (%s): %s\n got %+v (kind %d), want code %d kind %d", line.Kind, line.Source, body, e, e.kindOr(), w.code, w.kind)
				continue
			}
			// The words a source's last error shows.
			msg := e.Error()
			switch w.kind {
			case kindToken:
				if !strings.HasPrefix(msg, "token expired or invalidated (code 190): ") {
					t.Errorf("%s: %q", line.Kind, msg)
				}
			case kindRateLimit:
				if !strings.HasPrefix(msg, "rate limited (code ") || !e.Paused() {
					t.Errorf("%s: %q", line.Kind, msg)
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if i != len(wants) {
		t.Errorf("%d bodies, want %d", i, len(wants))
	}
}

// kindOr is kind() on a possibly nil error, for messages.
func (e *GraphError) kindOr() errKind {
	if e == nil {
		return -1
	}
	return e.kind()
}

func TestParseGraphError_Fixtures(t *testing.T) {
	tests := []struct {
		file             string
		code, subcode    int
		kind             errKind
		detail, errorMsg string
	}{
		{"exampleErrorNew.json", 190, 460, kindToken, "code 190/460: Message describing the error", "token expired or invalidated (code 190): Message describing the error"},
		{"oauthExampleError.json", 1, 1965014, kindTransient, "code 1/1965014: An unknown error occurred", "temporary Graph error (code 1): An unknown error occurred"},
		{"threads_exception.json", 100, 33, kindNotFound,
			"code 100/33: Unsupported get request. Object with ID '1234567' does not exist, cannot be loaded due to missing permissions, or does not support this operation",
			"not found (code 100): Unsupported get request. Object with ID '1234567' does not exist, cannot be loaded due to missing permissions, or does not support this operation"},
	}
	for _, tc := range tests {
		e, ok := parseGraphError(graphFixture(t, tc.file))
		if !ok || e.Code != tc.code || e.Subcode != tc.subcode || e.kind() != tc.kind || e.detail() != tc.detail || e.Error() != tc.errorMsg {
			t.Errorf("%s: %+v\n detail %q\n error %q", tc.file, e, e.detail(), e.Error())
		}
	}
	// The batch answer's first element: a 2015 body without subcode, and
	// the usage header it came with.
	var batch []struct {
		Code    int `json:"code"`
		Headers []struct {
			Name, Value string
		} `json:"headers"`
		Body string `json:"body"`
	}
	if err := json.Unmarshal(graphFixture(t, "batch_batch-first-error.json"), &batch); err != nil {
		t.Fatal(err)
	}
	e, ok := parseGraphError([]byte(batch[0].Body))
	if !ok || e.Code != 100 || e.kind() != kindNotFound || e.detail() != "code 100: Unsupported get request. Object with ID '2' does not exist, cannot be loaded due to missing permissions, or does not support this operation." {
		t.Errorf("batch error: %+v %q", e, e.detail())
	}
	h := http.Header{}
	for _, kv := range batch[0].Headers {
		h.Add(kv.Name, kv.Value)
	}
	if u := parseUsage(h); u.app != 2 || u.page != 0 {
		t.Errorf("batch usage %+v, want app 2", u)
	}
	for _, body := range []string{`{"data":[]}`, `{"id":"1"}`, `not json`, `{"error":5}`, `{"error":null}`, ``} {
		if e, ok := parseGraphError([]byte(body)); ok {
			t.Errorf("parseGraphError(%q) = %+v, want none", body, e)
		}
	}
}

func TestParseUsage(t *testing.T) {
	business := graphFixture(t, "api_header-business.json")
	tests := []struct {
		name      string
		header    http.Header
		app, page float64
		regain    time.Duration
	}{
		{"business use case (real shape)", http.Header{"X-Business-Use-Case-Usage": {string(business)}}, 0, 100, 10 * time.Minute},
		{"app at 100", http.Header{"X-App-Usage": {`{"call_count":100,"total_cputime":25,"total_time":25}`}}, 100, 0, 0},
		{"page", http.Header{"X-Page-Usage": {`{"call_count":85,"total_cputime":56,"total_time":60}`}}, 0, 85, 0},
		{"quoted numbers are no numbers", http.Header{"X-App-Usage": {`{"call_count":"100"}`}}, 0, 0, 0},
		{"php-style dump", http.Header{"X-Page-Usage": {`{'call_count' : 85, 'total_cputime' : 56, 'total_time' : 60}`}}, 0, 0, 0},
		{"nothing", http.Header{}, 0, 0, 0},
	}
	for _, tc := range tests {
		u := parseUsage(tc.header)
		if u.app != tc.app || u.page != tc.page || u.regain != tc.regain {
			t.Errorf("%s: %+v, want app %v page %v regain %v", tc.name, u, tc.app, tc.page, tc.regain)
		}
	}
}
