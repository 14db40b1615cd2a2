package reports

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/internal/testtool"
)

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testtool.Fixtures(t, "takedown"), name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The notice of Lumen's API documentation, as /notices/{id}.json serves it.
func TestParseFile_LumenDocNotice(t *testing.T) {
	reports, errs, err := ParseFile("lumen__doc_example_2_dmca.json", readFixture(t, "lumen__doc_example_2_dmca.json"))
	if err != nil || len(errs) > 0 {
		t.Fatalf("err %v, row errors %v", err, errs)
	}
	want := []Report{{
		ChannelID: "1", Reporter: "Joe Lawyer", Channel: ChannelLumen,
		FiledAt: time.Date(2013, 6, 4, 19, 23, 12, 0, time.UTC), Kind: KindOther,
		LegalBasis: "DMCA", Jurisdiction: "US, CA",
		// Every *_urls list, copyrighted_urls included (ARCHITECTURE.md).
		TargetURLs: []string{
			"http://www.example.com/lion_king.mp4", "http://www.example.com/lion_king.mov",
			"http://www.example.com/infringing1", "http://www.example.com/infringing2", "http://www.example.com/infringing3",
		},
		Notes: "Lion King on YouTube",
	}}
	checkReports(t, reports, want)
	if string(reports[0].Raw) != strings.TrimSpace(string(readFixture(t, "lumen__doc_example_2_dmca.json"))) {
		t.Errorf("raw is not the notice as it came:\n%s", reports[0].Raw)
	}
}

// The other JSON examples of the documentation: an empty search answer
// gives nothing; a 422 validation-error body is not a notice and says so.
func TestParseFile_LumenDocOthers(t *testing.T) {
	reports, errs, err := ParseFile("lumen__doc_example_4_notices.json", readFixture(t, "lumen__doc_example_4_notices.json"))
	if err != nil || len(reports) > 0 || len(errs) > 0 {
		t.Errorf("empty search: %d reports, errors %v, %v", len(reports), errs, err)
	}
	reports, errs, err = ParseFile("lumen__doc_example_1_422_validation_errors.json", readFixture(t, "lumen__doc_example_1_422_validation_errors.json"))
	if err != nil || len(reports) > 0 || len(errs) != 1 {
		t.Errorf("422 body: %d reports, errors %v, %v; want one row error", len(reports), errs, err)
	}
}

func TestParseFile_LumenTyped(t *testing.T) {
	reports, errs, err := ParseFile("notice.json", readTestdata(t, "lumen_government_request.json"))
	if err != nil || len(errs) > 0 {
		t.Fatalf("err %v, row errors %v", err, errs)
	}
	want := []Report{{
		ChannelID: "38114512", Reporter: "Ministry of Information", Channel: ChannelLumen,
		FiledAt: ict(2024, 3, 4, 9, 30), Kind: KindGovernmentRequest,
		LegalBasis: "Inter-ministerial Prakas No. 170 (2018), Art. 6", Jurisdiction: "KH",
		TargetURLs: []string{
			"https://www.facebook.com/598338556946671/posts/1416659045114614",
			"https://m.facebook.com/story.php?story_fbid=1354978971282622&id=598338556946671",
		},
		Notes: "Government Request to Facebook\n\nThe Ministry asks for the removal of content that spreads false information about the 2024 floods.",
	}}
	checkReports(t, reports, want)

	// The notice and the ministry's own letter (CSV row 2) are one report.
	letters, _, err := ParseFile("moi_requests.csv", readTestdata(t, "moi_requests.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if reports[0].Fingerprint() != letters[0].Fingerprint() {
		t.Error("the Lumen notice and the letter it copies have different fingerprints")
	}
}

func TestParseFile_LumenSearch(t *testing.T) {
	reports, errs, err := ParseFile("search.json", readTestdata(t, "lumen_search_p1.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Report{
		{
			ChannelID: "41000001", Reporter: "Phnom Penh Municipal Court", Channel: ChannelLumen,
			FiledAt: time.Date(2024, 4, 3, 10, 0, 0, 0, time.UTC), Kind: KindCourtOrder,
			LegalBasis: "Criminal Code Art. 495; Criminal Code Art. 496", Jurisdiction: "KH",
			TargetURLs: []string{"https://t.me/s/KhmerDaily/4821", "http://t.me/KhmerDaily/4822", "https://telegram.me/KhmerDaily/4823?single"},
			Notes:      "Court order to Telegram\n\nOrder of the Phnom Penh Municipal Court of 2 April 2024.",
		},
		{
			ChannelID: "41000002", Reporter: "General Commissariat of National Police", Channel: ChannelLumen,
			FiledAt: ict(2024, 4, 2, 9, 0), Kind: KindLawEnforcement, LegalBasis: "Agency", Jurisdiction: "KH",
			TargetURLs: []string{"https://www.information.gov.kh/statement/2024-04-01", "https://mastodon.social/users/KhmerVoice/statuses/111975123456789012"},
			Notes:      "Police request",
		},
	}
	checkReports(t, reports, want)
	if got, want := rowErrs(errs), []rowErr{{2, "target_urls"}}; !slices.Equal(got, want) {
		t.Errorf("errors = %v; want %v (the local-law notice's URLs are redacted)", errs, want)
	}
}

func TestLumenKind(t *testing.T) {
	tests := map[string]string{
		"GovernmentRequest": KindGovernmentRequest, "government_request": KindGovernmentRequest,
		"CourtOrder": KindCourtOrder, "court_order": KindCourtOrder,
		"LawEnforcementRequest": KindLawEnforcement, "LocalLaw": KindLocalLaw,
		"DMCA": KindOther, "Defamation": KindOther, "PrivateInformation": KindOther,
		"DataProtection": KindOther, "Trademark": KindOther, "Counterfeit": KindOther,
		"Other": KindOther, "": KindOther, "SomethingNew": KindOther,
	}
	for typ, want := range tests {
		if got := lumenKind(typ); got != want {
			t.Errorf("lumenKind(%q) = %q; want %q", typ, got, want)
		}
	}
}

func TestParseJSON_LumenShapes(t *testing.T) {
	const works = `"works":[{"infringing_urls":[{"url":"https://t.me/chan/1"}]}]`
	tests := []struct {
		name, in string
		kind     string
	}{
		{"root-keyed court order", `{"court_order":{"id":7,"date_sent":"2024-01-01","sender_name":"Court",` + works + `}}`, KindCourtOrder},
		{"root-keyed law enforcement", `{"law_enforcement_request":{"id":7,"date_sent":"2024-01-01","sender_name":"Police",` + works + `}}`, KindLawEnforcement},
		{"typed object", `{"id":7,"type":"GovernmentRequest","date_received":"2024-01-01","principal_name":"Ministry",` + works + `}`, KindGovernmentRequest},
		{"list of notices", `[{"id":7,"type":"LocalLaw","date_sent":"2024-01-01","sender_name":"Ministry",` + works + `}]`, KindLocalLaw},
		{"submission", `{"authentication_token":"s3cr3t-t0ken","notice":{"type":"CourtOrder","date_sent":"2024-01-01","sender_name":"Court","works_attributes":[{"infringing_urls_attributes":[{"url":"https://t.me/chan/1"}]}]}}`, KindCourtOrder},
		{"string entries", `{"trademark":{"id":7,"date_sent":"2024-01-01","sender_name":"Brand","marks":[{"infringing_urls":["https://t.me/chan/1"]}]}}`, KindOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reports, errs, err := ParseJSON([]byte(tt.in))
			if err != nil || len(errs) > 0 || len(reports) != 1 {
				t.Fatalf("%d reports, errors %v, %v", len(reports), errs, err)
			}
			r := reports[0]
			if r.Kind != tt.kind || !slices.Equal(r.TargetURLs, []string{"https://t.me/chan/1"}) || r.Channel != ChannelLumen {
				t.Errorf("kind %q targets %q channel %q; want %q", r.Kind, r.TargetURLs, r.Channel, tt.kind)
			}
			if strings.Contains(string(r.Raw), "s3cr3t") {
				t.Errorf("raw keeps the submitter's token: %s", r.Raw)
			}
			if !json.Valid(r.Raw) {
				t.Errorf("raw is not JSON: %s", r.Raw)
			}
		})
	}
}
