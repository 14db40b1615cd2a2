package facebook

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/internal/testtool"
	"github.com/takedownwatch/takedownwatch/monitor/normalize"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// wantPost is what a test checks of an ImportedPost.
type wantPost struct {
	id, url, text, name, handle string
	published                   time.Time
	media                       []string
	counts                      map[string]float64
}

func checkPosts(t *testing.T, got []ImportedPost, want []wantPost) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d posts, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		p := got[i]
		if p.PlatformID != w.id || p.URL != w.url || p.Text != w.text || p.PageName != w.name || p.PageHandle != w.handle ||
			!p.Published.Equal(w.published) || !slices.Equal(p.Media, w.media) {
			p.Raw = nil
			t.Errorf("post %d:\n got %+v\nwant %+v", i, p, w)
		}
		for k, v := range w.counts {
			if p.Counts[k] != v {
				t.Errorf("post %d: %s = %v, want %v", i, k, p.Counts[k], v)
			}
		}
		if p.Text != normalize.Plain(p.Text) {
			t.Errorf("post %d: text not normalized", i)
		}
		if !json.Valid(p.Raw) || len(p.Raw) == 0 {
			t.Errorf("post %d: raw %q", i, p.Raw)
		}
	}
}

// TestParseCrowdTangle_CSV reads exports written in the shape of a real
// 2021 download (the columns the fixtures' README lists): a Page's in a
// comma-decimal locale, a group's in a dot-decimal one.
func TestParseCrowdTangle_CSV(t *testing.T) {
	posts, bad, err := ParseCrowdTangle("crowdtangle_br.csv", readTestdata(t, "crowdtangle_br.csv"))
	if err != nil {
		t.Fatal(err)
	}
	checkPosts(t, posts, []wantPost{
		{id: "100063486369524_4011234567890123", url: "https://www.facebook.com/hunsencambodia/posts/4011234567890123",
			text: "ចាប់ដៃរួមគ្នា ធ្វើកិច្ចការធំមួយ\nSecond \"quoted\" line", name: "Samdech Hun Sen", handle: "hunsencambodia",
			published: time.Date(2021, 3, 1, 13, 0, 0, 0, time.UTC),
			media:     []string{"https://www.facebook.com/hunsencambodia/photos/a.1/4011234567890123/?type=3"},
			counts: map[string]float64{"Likes": 407137, "Comments": 12345, "Shares": 1204, "Likes at Posting": 13954102,
				"Followers at Posting": 14203511, "Total Interactions": 420686, "Overperforming Score": 1.4}},
		{id: "100063486369524_4011234567890124", url: "https://www.facebook.com/hunsencambodia/posts/4011234567890124",
			text: "Statement on the budget & the rule of law <read more>", name: "Samdech Hun Sen", handle: "hunsencambodia",
			published: time.Date(2021, 3, 2, 11, 30, 0, 0, time.UTC),
			counts:    map[string]float64{"Likes": 998, "Overperforming Score": -2.53}},
		{id: "100063486369524_pfbid02abcDEF", url: "https://www.facebook.com/permalink.php?story_fbid=pfbid02abcDEF&id=100063486369524",
			name: "Samdech Hun Sen", handle: "hunsencambodia", published: time.Date(2021, 3, 4, 10, 15, 0, 0, time.UTC)},
	})
	wantBad := []struct {
		line int
		err  string
	}{
		{6, `Post Created: unknown time zone "XYZ" in "2021-03-03 09:00:00 XYZ"`},
		{8, `URL "https://example.com/not-facebook" names no Facebook post`},
		{9, `Likes: "12abc" is not a number`},
		{11, `Post Created: no time`},
	}
	if len(bad) != len(wantBad) {
		t.Fatalf("row errors %v, want %v", bad, wantBad)
	}
	for i, w := range wantBad {
		if bad[i].Line != w.line || bad[i].Err.Error() != w.err || bad[i].Error() != "line "+strconv.Itoa(w.line)+": "+w.err {
			t.Errorf("row error %d: %v, want line %d: %s", i, bad[i], w.line, w.err)
		}
	}
	var raw map[string]string
	if err := json.Unmarshal(posts[0].Raw, &raw); err != nil || raw["Facebook Id"] != "100063486369524" || raw["Overperforming Score"] != "1,4" || len(raw) != 41 {
		t.Errorf("raw row %v, %v", raw, err)
	}

	posts, bad, err = ParseCrowdTangle("crowdtangle_group_us.csv", readTestdata(t, "crowdtangle_group_us.csv"))
	if err != nil || len(bad) != 0 {
		t.Fatalf("%v %v", bad, err)
	}
	checkPosts(t, posts, []wantPost{
		{id: "801598686872970_1321595254873308", url: "https://www.facebook.com/groups/801598686872970/permalink/1321595254873308/",
			text: "Watch the session", name: "Cambodia News Group", published: time.Date(2021, 3, 1, 15, 0, 0, 0, time.UTC),
			media:  []string{"https://www.facebook.com/groups/801598686872970/permalink/1321595254873308/"},
			counts: map[string]float64{"Likes": 1100, "Total Interactions": 1204, "Overperforming Score": 2.53}},
		{id: "801598686872970_1321595254873309", url: "https://www.facebook.com/groups/801598686872970/posts/1321595254873309/",
			text: "Summer", name: "Cambodia News Group", published: time.Date(2021, 7, 1, 14, 0, 0, 0, time.UTC),
			counts: map[string]float64{"Likes": 1000000, "Overperforming Score": 1400.5}},
	})
}

// TestParseCrowdTangle_API reads a real /posts answer.
func TestParseCrowdTangle_API(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(testtool.Fixtures(t, "facebook"), "crowdtangle", "ct_api_posts_response_real.json"))
	if err != nil {
		t.Fatal(err)
	}
	posts, bad, err := ParseCrowdTangle("ct_api_posts_response_real.json", b)
	if err != nil || len(bad) != 0 {
		t.Fatalf("%v %v", bad, err)
	}
	checkPosts(t, posts, []wantPost{
		{id: "11430503918_10159078346893919", url: "https://www.facebook.com/luisfonsi/posts/10159078346893919",
			text: "Salió el sol 😎 Ánimo mi gente que hoy es JUERNES!!!! 🕺🏻#Perfecta", name: "Luis Fonsi", handle: "luisfonsi",
			published: time.Date(2020, 10, 29, 14, 56, 5, 0, time.UTC),
			media:     []string{"https://scontent-sea1-1.xx.fbcdn.net/v/t1.0-0/p600x600/123184409_10159078346898919_2930797796463495309_o.jpg?_nc_cat=110&ccb=2&_nc_sid=2d5d41&_nc_ohc=K6a18H3Rdd0AX_6WnSi&_nc_ht=scontent-sea1-1.xx&tp=6&oh=f2f8879521dd107979e73ccad9a40260&oe=5FC0E9D8"},
			counts:    map[string]float64{"actual.likeCount": 42617, "expected.careCount": 167}},
		{id: "10162931178_10157582304861179", url: "https://www.facebook.com/tobymac/posts/10157582304861179", name: "TobyMac", handle: "tobymac",
			published: time.Date(2020, 10, 29, 17, 0, 0, 0, time.UTC), counts: map[string]float64{"actual.shareCount": 15651},
			media: []string{"https://scontent-sea1-1.xx.fbcdn.net/v/t1.0-9/p720x720/123164065_10157582303606179_1644220515968605599_o.jpg?_nc_cat=102&ccb=2&_nc_sid=8024bb&_nc_ohc=xzqACcCLEjwAX9l86ZA&_nc_ht=scontent-sea1-1.xx&tp=6&oh=cf86ece71d72344058e2115fdcfb7de2&oe=5FC1563B"}},
	})
	// The record is kept as the answer had it.
	var raw map[string]any
	if err := json.Unmarshal(posts[0].Raw, &raw); err != nil || raw["Id"] != "11023|10159078346893919" {
		t.Errorf("raw %v %v", raw["Id"], err)
	}
}

func TestParseCrowdTangle_Shapes(t *testing.T) {
	post := func(extra string) string {
		return `{"platform":"Facebook","date":"2021-01-02 03:04:05","message":"hi","postUrl":"https://www.facebook.com/gov/posts/5"` + extra + `}`
	}
	tests := []struct {
		name    string
		data    string
		posts   []string // platform ids
		bad     []int
		wantErr string
	}{
		{"bare list", `[` + post(`,"platformId":"1_5"`) + `]`, []string{"1_5"}, nil, ""},
		{"posts object", `{"posts":[` + post(`,"platformId":"1_5"`) + `]}`, []string{"1_5"}, nil, ""},
		{"id from the URL and the account", `[` + post(`,"account":{"platformId":77}`) + `]`, []string{"77_5"}, nil, ""},
		{"id from the URL alone", `[` + post(``) + `]`, []string{"5"}, nil, ""},
		{"instagram post", `[` + strings.Replace(post(`,"platformId":"1_5"`), `"Facebook"`, `"Instagram"`, 1) + `,` + post(`,"platformId":"1_6"`) + `]`, []string{"1_6"}, []int{1}, ""},
		{"bad date", `[` + strings.Replace(post(`,"platformId":"1_5"`), "2021-01-02 03:04:05", "yesterday", 1) + `]`, nil, []int{1}, ""},
		{"no url", `[{"platformId":"1_5","date":"2021-01-02 03:04:05"}]`, nil, []int{1}, ""},
		{"not a post", `[5]`, nil, []int{1}, ""},
		{"other JSON", `{"status":200}`, nil, nil, "no result.posts or posts"},
		{"broken JSON", `{"result":`, nil, nil, "not a CrowdTangle answer"},
		{"empty", " \n", nil, nil, "empty file"},
		{"no URL column", "Page Name,Message\nx,y\n", nil, nil, "no URL column"},
		{"binary", "\x7fELF\x02\x01\x01\x00\x00,x\n", nil, nil, "not text (NUL bytes"},
		{"UTF-16", "\xff\xfeU\x00R\x00L\x00", nil, nil, "or UTF-16"},
		{"a long header without URL", strings.Repeat("Column,", 100) + "\nx\n", nil, nil, "Column,Column"},
		{"BOM and CRLF", "\xef\xbb\xbfURL,Facebook Id,Post Created\r\nhttps://www.facebook.com/gov/posts/5,1,2021-01-02 03:04:05 UTC\r\n", []string{"1_5"}, nil, ""},
		{"short row", "URL,Facebook Id,Post Created\nhttps://www.facebook.com/gov/posts/5\n", nil, []int{2}, ""},
		{"broken quote", "URL,Post Created\n\"https://www.facebook.com/gov/posts/5,2021-01-02\n", nil, []int{2}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			posts, bad, err := ParseCrowdTangle("x", []byte(tc.data))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.HasPrefix(err.Error(), "crowdtangle: x: ") {
					t.Errorf("err %v, want %q", err, tc.wantErr)
				}
				if err != nil && len(err.Error()) > 400 {
					t.Errorf("a message of %d bytes: %.80s…", len(err.Error()), err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, p := range posts {
				ids = append(ids, p.PlatformID)
			}
			var lines []int
			for _, b := range bad {
				lines = append(lines, b.Line)
			}
			if !slices.Equal(ids, tc.posts) || !slices.Equal(lines, tc.bad) {
				t.Errorf("posts %v, row errors %v; want %v, lines %v", ids, bad, tc.posts, tc.bad)
			}
		})
	}
}

func TestCTTime(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Time
		wantErr bool
	}{
		{"2021-03-01 10:00:00 BRT", time.Date(2021, 3, 1, 13, 0, 0, 0, time.UTC), false},
		{"2021-03-01 10:00:00 EST", time.Date(2021, 3, 1, 15, 0, 0, 0, time.UTC), false},
		{"2021-03-01 10:00:00 ict", time.Date(2021, 3, 1, 3, 0, 0, 0, time.UTC), false},
		{"2021-03-01 10:00:00 IST", time.Date(2021, 3, 1, 4, 30, 0, 0, time.UTC), false},
		{"2021-03-01 10:00:00 +07", time.Date(2021, 3, 1, 3, 0, 0, 0, time.UTC), false},
		{"2021-03-01 10:00:00 -0330", time.Date(2021, 3, 1, 13, 30, 0, 0, time.UTC), false},
		{"2021-03-01 10:00:00 UTC+7", time.Date(2021, 3, 1, 3, 0, 0, 0, time.UTC), false},
		{"2021-03-01 10:00:00", time.Date(2021, 3, 1, 10, 0, 0, 0, time.UTC), false},
		{" 2021-03-01  10:00 ", time.Date(2021, 3, 1, 10, 0, 0, 0, time.UTC), false},
		{"2021-03-01", time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC), false},
		{"03/01/2021 10:00:00 PST", time.Date(2021, 3, 1, 18, 0, 0, 0, time.UTC), false},
		{"2021-03-01 10:00:00 XYZ", time.Time{}, true},
		{"yesterday", time.Time{}, true},
		{"", time.Time{}, true},
	}
	for _, tc := range tests {
		got, err := ctTime(tc.in)
		if (err != nil) != tc.wantErr || !got.Equal(tc.want) {
			t.Errorf("ctTime(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestLocaleNumber(t *testing.T) {
	tests := []struct {
		in      string
		dec     byte
		want    float64
		wantErr bool
	}{
		{"407.137", 0, 407137, false},
		{"407,137", 0, 407137, false},
		{"13.954.102", 0, 13954102, false},
		{"1\u00a0204", 0, 1204, false},
		{"1,4", ',', 1.4, false},
		{"-2,53", ',', -2.53, false},
		{"1.400,5", ',', 1400.5, false},
		{"1,400.5", '.', 1400.5, false},
		{"2.53", '.', 2.53, false},
		{"12abc", 0, 0, true},
		{"", 0, 0, true},
		{"NaN", '.', 0, true},
	}
	for _, tc := range tests {
		got, err := localeNumber(tc.in, tc.dec)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("localeNumber(%q, %q) = %v, %v; want %v", tc.in, tc.dec, got, err, tc.want)
		}
	}
	for _, tc := range []struct {
		cells []string
		want  byte
	}{
		{[]string{"1,400", "1,4"}, ','},
		{[]string{"1,400", "2.53"}, '.'},
		{[]string{"1.400,25"}, ','},
		{[]string{"1,400"}, '.'},
		{nil, '.'},
	} {
		got := decimalSeparator(func(yield func(string) bool) {
			for _, c := range tc.cells {
				if !yield(c) {
					return
				}
			}
		})
		if got != tc.want {
			t.Errorf("decimalSeparator(%v) = %q, want %q", tc.cells, got, tc.want)
		}
	}
}
