package reports

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// rowErr is a RowError as tests want it.
type rowErr struct {
	line  int
	field string
}

func rowErrs(errs []RowError) []rowErr {
	out := make([]rowErr, len(errs))
	for i, e := range errs {
		out[i] = rowErr{e.Line, e.Field}
	}
	return out
}

func ict(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, time.FixedZone("ICT", 7*3600)).UTC()
}

func TestParseFile_CSV(t *testing.T) {
	reports, errs, err := ParseFile("moi_requests.csv", readTestdata(t, "moi_requests.csv"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Report{
		{
			ChannelID: "MOI-2024-0112", Reporter: "Ministry of Information", Channel: "moi-letters",
			FiledAt: ict(2024, 3, 4, 9, 30), Kind: KindGovernmentRequest,
			LegalBasis: "Inter-ministerial Prakas No. 170 (2018), Art. 6", Jurisdiction: "KH",
			TargetURLs: []string{
				"https://m.facebook.com/story.php?story_fbid=1354978971282622&id=598338556946671",
				"https://www.facebook.com/598338556946671/posts/1416659045114614?__cft__[0]=AZX&__tn__=%2CO%2CP-R",
			},
			SourceURL: "https://www.information.gov.kh/letters/2024-0112.pdf",
			Notes:     "Request to remove two posts accused of spreading false news about flooding in Kampong Cham.",
		},
		{
			ChannelID: "MOI-2024-0113", Reporter: "Ministry of Information", Channel: "moi-letters",
			FiledAt: ict(2024, 3, 4, 11, 5), Kind: KindGovernmentRequest,
			LegalBasis: "Law on Telecommunications (2015) Art. 80", Jurisdiction: "KH",
			TargetURLs: []string{
				"https://t.me/s/KhmerDaily/4821", "https://telegram.me/khmerdaily/4822?single", "http://t.me/KhmerDaily/4823?embed=1",
			},
			SourceURL: "https://www.information.gov.kh/letters/2024-0113.pdf",
			Notes:     "ស្នើសុំលុបសារ ៣ នៅលើ Telegram\n(three messages of one channel)",
		},
		{
			ChannelID: "TRC-2024-031", Reporter: "Telecommunication Regulator of Cambodia", Channel: "trc-orders",
			FiledAt: time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC), Kind: KindCourtOrder,
			LegalBasis: "Criminal Code Art. 495 (incitement)", Jurisdiction: "KH",
			TargetURLs: []string{
				"https://mastodon.social/users/KhmerVoice/statuses/111975123456789012",
				"https://mastodon.social/@khmervoice/111975123456789013",
			},
			Notes: "Phnom Penh Municipal Court order forwarded by TRC",
		},
		{
			Reporter: "Ministry of Interior", Channel: ChannelImport,
			FiledAt: time.Date(2024, 3, 6, 8, 0, 0, 0, time.UTC), Kind: KindLawEnforcement, Jurisdiction: "KH",
			TargetURLs: []string{
				"https://mbasic.facebook.com/photo.php?fbid=10222721681573727&set=a.1&type=3",
				"https://web.facebook.com/somepage/videos/a-title/311658803718223/",
			},
		},
		{
			ChannelID: "MOI-2024-0126", Reporter: "Ministry of Information", Channel: "moi-letters",
			FiledAt: ict(2024, 3, 8, 10, 0), Kind: KindGovernmentRequest, LegalBasis: "Prakas No. 170, Art. 6", Jurisdiction: "KH",
			TargetURLs: []string{"https://www.facebook.com/share/p/1Ab2Cd3Ef/?mibextid=WC7FNe", "https://x.com/KhmerTimes/status/1700000000000000001?s=20"},
			Notes:      "share link and a post on X",
		},
	}
	checkReports(t, reports, want)
	wantErrs := []rowErr{{7, "reporter"}, {8, "filed_at"}, {9, "filed_at"}, {10, "kind"}, {11, "target_urls[0]"}, {12, ""}}
	if got := rowErrs(errs); !slices.Equal(got, wantErrs) {
		t.Errorf("errors = %v\nwant %v\n(%v)", got, wantErrs, errs)
	}
	if !errors.Is(errs[2].Err, ErrNoZone) {
		t.Errorf("line 9: %v; want ErrNoZone", errs[2].Err)
	}
	if got := errs[0].Error(); got != "line 7: reporter: required" {
		t.Errorf("error message %q", got)
	}

	// The raw record is the row as an object of its columns.
	var raw map[string]string
	if err := json.Unmarshal(reports[0].Raw, &raw); err != nil {
		t.Fatalf("raw of a CSV row: %v", err)
	}
	if raw["channel_id"] != "MOI-2024-0112" || raw["kind"] != "government_request" || len(raw) != len(Columns) {
		t.Errorf("raw = %v", raw)
	}
}

// checkReports compares reports field by field (Raw aside).
func checkReports(t *testing.T, got, want []Report) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d reports; want %d", len(got), len(want))
		for _, r := range got {
			t.Logf("got %s %q %v", r.ChannelID, r.TargetURLs, r.FiledAt)
		}
	}
	for i := range min(len(got), len(want)) {
		g, w := got[i], want[i]
		if len(g.Raw) == 0 || !json.Valid(g.Raw) {
			t.Errorf("report %d: raw %q is not JSON", i, g.Raw)
		}
		g.Raw, w.Raw = nil, nil
		gj, _ := json.MarshalIndent(g, "", "  ")
		wj, _ := json.MarshalIndent(w, "", "  ")
		if string(gj) != string(wj) {
			t.Errorf("report %d:\n got %s\nwant %s", i, gj, wj)
		}
	}
}

func TestParseFile_JSON(t *testing.T) {
	reports, errs, err := ParseFile("moi_requests.json", readTestdata(t, "moi_requests.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Report{
		{
			ChannelID: "MOI-2024-0112", Reporter: "Ministry of Information", Channel: "moi-email",
			FiledAt: ict(2024, 3, 4, 9, 30), Kind: KindGovernmentRequest,
			LegalBasis: "Inter-ministerial Prakas No. 170 (2018), Art. 6", Jurisdiction: "KH",
			TargetURLs: []string{
				"https://www.facebook.com/598338556946671/posts/1416659045114614/",
				"https://www.facebook.com/permalink.php?story_fbid=1354978971282622&id=598338556946671&ref=share",
			},
			SourceURL: "https://www.information.gov.kh/letters/2024-0112.pdf",
			Notes:     "The same letter, as forwarded by email.",
		},
		{
			ChannelID: "20240305", Reporter: "telecommunication regulator of  Cambodia", Channel: ChannelImport,
			FiledAt: time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC), Kind: KindCourtOrder,
			LegalBasis: "Criminal Code Art. 495 (incitement)", Jurisdiction: "KH, Phnom Penh",
			TargetURLs: []string{
				"https://mastodon.social/@KhmerVoice/111975123456789013",
				"https://mastodon.social/web/@khmervoice/111975123456789012",
			},
			Notes: "Same order as TRC-2024-031, targets in other forms.",
		},
		{
			ChannelID: "MOI-2024-0131", Reporter: "Ministry of Information", Channel: "moi-letters",
			FiledAt: ict(2024, 3, 11, 9, 0), Kind: KindOther,
			TargetURLs: []string{"https://mobile.facebook.com/story.php?story_fbid=pfbid02cKkwzzYPFTwnVfJRRQbZ6Mj&id=100064000000001&mibextid=Nif5oz"},
		},
	}
	checkReports(t, reports, want)
	wantErrs := []rowErr{{2, "target_url"}, {3, "filed_at"}, {4, ""}, {5, "target_urls"}}
	if got := rowErrs(errs); !slices.Equal(got, wantErrs) {
		t.Errorf("errors = %v\nwant %v\n(%v)", got, wantErrs, errs)
	}
	if got := errs[0].Error(); !strings.HasPrefix(got, "record 2: target_url: unknown field") {
		t.Errorf("error message %q", got)
	}
}

// One report sent as a letter (CSV) and forwarded by email (JSON), its
// targets in other URL forms, is one report.
func TestParseFile_SameReportTwoFiles(t *testing.T) {
	csvReports, _, err := ParseFile("a.csv", readTestdata(t, "moi_requests.csv"))
	if err != nil {
		t.Fatal(err)
	}
	jsonReports, _, err := ParseFile("b.json", readTestdata(t, "moi_requests.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, pair := range [][2]int{{0, 0}, {2, 1}} {
		c, j := csvReports[pair[0]], jsonReports[pair[1]]
		if c.Fingerprint() != j.Fingerprint() {
			t.Errorf("CSV %s and JSON %s: fingerprints differ", c.ChannelID, j.ChannelID)
		}
	}
	if csvReports[0].Fingerprint() == csvReports[1].Fingerprint() {
		t.Error("two reports share a fingerprint")
	}
}

func TestParseFile_Formats(t *testing.T) {
	const header = "channel_id,reporter,channel,filed_at,kind,legal_basis,jurisdiction,target_urls,source_url,notes\n"
	const row = "1,Ministry,moi,2024-03-04T09:30:00+07:00,government_request,,KH,https://t.me/chan/1,,\n"
	const record = `{"reporter":"Ministry","filed_at":"2024-03-04T02:30:00Z","target_urls":["https://t.me/chan/1"]}`
	tests := []struct {
		name, file, data string
		reports          int
		errs             []rowErr
		err              error // nil: no error; ErrHeader etc.: errors.Is
	}{
		{"csv", "r.csv", header + row, 1, nil, nil},
		{"csv without extension", "reports", header + row, 1, nil, nil},
		{"csv with BOM and CRLF", "r.csv", "\ufeff" + strings.ReplaceAll(header+row, "\n", "\r\n"), 1, nil, nil},
		{"header case", "r.csv", strings.ToUpper(header) + row, 1, nil, nil},
		{"header with spaces", "r.csv", strings.ReplaceAll(header, ",", ", ") + row, 1, nil, nil},
		{"header in another order", "r.csv", "target_urls,filed_at,reporter\nhttps://t.me/chan/1,2024-03-04,Ministry\n", 1, nil, nil},
		{"export columns read past", "r.csv", "id," + strings.TrimSuffix(header, "\n") + ",received_at,matched_post_ids\nr-1," + strings.TrimSuffix(row, "\n") + ",2024-03-05T00:00:00Z,p-1;p-2\n", 1, nil, nil},
		{"extra column", "r.csv", strings.TrimSuffix(header, "\n") + ",url\n" + strings.TrimSuffix(row, "\n") + ",x\n", 0, nil, ErrHeader},
		{"missing target_urls", "r.csv", "reporter,filed_at\nMinistry,2024-03-04\n", 0, nil, ErrHeader},
		{"column twice", "r.csv", "reporter,filed_at,target_urls,Reporter\n", 0, nil, ErrHeader},
		{"header only", "r.csv", header, 0, nil, nil},
		{"bare quote", "r.csv", header + "2,Min\"istry,moi,2024-03-04,,,,https://t.me/c/1,,\n" + row, 1, []rowErr{{2, ""}}, nil},
		{"tsv", "r.tsv", strings.ReplaceAll(header+row, ",", "\t"), 1, nil, nil},
		{"semicolon in a URL", "r.csv", "reporter,filed_at,target_urls\nMinistry,2024-03-04,https://gov.example/a;jsessionid=1;https://t.me/chan/1\n", 1, nil, nil},
		{"json object", "r.json", record, 1, nil, nil},
		{"json list", "r.json", "[" + record + "," + record + "]", 2, nil, nil},
		{"json reports", "r.json", `{"reports":[` + record + `]}`, 1, nil, nil},
		{"json lines", "r.jsonl", record + "\n\n" + record + "\n{oops\n", 2, []rowErr{{4, ""}}, nil},
		{"json without extension", "upload", record, 1, nil, nil},
		{"json with csv extension", "r.csv", record, 1, nil, nil},
		{"json list of strings", "r.json", `["https://t.me/chan/1"]`, 0, []rowErr{{0, ""}}, nil},
		{"json number", "r.json", `42`, 0, nil, nil},
		{"broken json", "r.json", `{"reporter": "x"`, 0, nil, nil},
		{"json extension, not json", "r.json", header + row, 0, nil, ErrFormat},
		{"spreadsheet", "r.xlsx", "PK\x03\x04", 0, nil, ErrFormat},
		{"empty", "r.csv", " \n\t", 0, nil, ErrEmpty},
		{"binary without extension", "upload", "\x7fELF\x02\x01\x01\x00\x00,x\n", 0, nil, ErrFormat},
		{"utf-16 csv", "r.csv", "\xff\xfer\x00e\x00p\x00", 0, nil, ErrFormat},
		{"latin-1 csv is text", "r.csv", "reporter,filed_at,target_urls\nMinist\xe8re,2024-03-04,https://t.me/chan/1\n", 1, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reports, errs, err := ParseFile(tt.file, []byte(tt.data))
			wantErr := tt.err != nil || strings.HasPrefix(tt.name, "broken") || tt.name == "json number"
			if (err != nil) != wantErr || (tt.err != nil && !errors.Is(err, tt.err)) {
				t.Fatalf("err = %v; want %v", err, tt.err)
			}
			if len(reports) != tt.reports {
				t.Errorf("%d reports; want %d (errors %v)", len(reports), tt.reports, errs)
			}
			if got := rowErrs(errs); !slices.Equal(got, tt.errs) {
				t.Errorf("errors = %v; want %v (%v)", got, tt.errs, errs)
			}
		})
	}
}

func TestSplitURLs(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"https://t.me/chan/1", []string{"https://t.me/chan/1"}},
		{" https://t.me/chan/1 ; https://t.me/chan/2 ;", []string{"https://t.me/chan/1", "https://t.me/chan/2"}},
		{"https://gov.example/a;jsessionid=1; https://t.me/chan/1;t.me/chan/2",
			[]string{"https://gov.example/a;jsessionid=1", "https://t.me/chan/1", "t.me/chan/2"}},
		{";;", nil},
	}
	for _, tt := range tests {
		if got := splitURLs(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("splitURLs(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}
