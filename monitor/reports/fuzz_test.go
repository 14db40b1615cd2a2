package reports

import (
	"testing"

	"github.com/takedownwatch/takedownwatch/config"
)

// checkValid fails for a report that an import or channel gave but that
// does not validate, or whose fingerprint is not one.
func checkValid(t *testing.T, reports []Report) {
	t.Helper()
	for i := range reports {
		if err := reports[i].Validate(); err != nil {
			t.Fatalf("report %d does not validate: %v", i, err)
		}
		if len(reports[i].Fingerprint()) != 64 {
			t.Fatalf("report %d: fingerprint %q", i, reports[i].Fingerprint())
		}
	}
}

var fuzzNames = []string{"r.csv", "r.json", "r.jsonl", "r.tsv", "r", "r.xlsx"}

func FuzzParseFile(f *testing.F) {
	for _, name := range []string{"moi_requests.csv", "moi_requests.json", "lumen_government_request.json", "lumen_search_p1.json", "lumen_search_p2.json"} {
		f.Add(uint8(0), readTestdata(f, name))
	}
	for _, s := range []string{
		"", "reporter,filed_at,target_urls\n", "reporter,filed_at,target_urls\nM,2024-01-01,https://t.me/a/1\n",
		`{"dmca":{"works":[{"infringing_urls":["x"]}]}}`, `[1,"a",null,{}]`, "{}\n{}\n", `{"notices":{}}`,
		"a,\"b\nc", `{"notice":{"works_attributes":[{"a_urls":[{"url":"t.me/a/1"}]}]}}`,
	} {
		f.Add(uint8(1), []byte(s))
	}
	f.Fuzz(func(t *testing.T, n uint8, data []byte) {
		reports, errs, err := ParseFile(fuzzNames[int(n)%len(fuzzNames)], data)
		if err != nil && (len(reports) > 0 || len(errs) > 0) {
			t.Fatalf("an error (%v) and results", err)
		}
		checkValid(t, reports)
		for _, e := range errs {
			if e.Err == nil {
				t.Fatalf("row error without an error: %+v", e)
			}
			_ = e.Error()
		}
	})
}

func FuzzParseFeed(f *testing.F) {
	f.Add(readTestdata(f, "moi_announcements.rss"))
	f.Add(readTestdata(f, "trc_orders.atom"))
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"1","content_html":"<a href='https://t.me/a/1'>x</a>","date_published":"2024-01-01T00:00:00Z"}]}`))
	ch := &config.ReportChannel{ID: "moi", Reporter: "M"}
	f.Fuzz(func(t *testing.T, body []byte) {
		b, err := ParseFeed(body, "", "https://gov.example/feed", ch)
		if err == nil {
			checkValid(t, b.Reports)
		}
	})
}

func FuzzParseHTML(f *testing.F) {
	f.Add(readTestdata(f, "moi_list_p1.html"), "02/01/2006")
	f.Add(readTestdata(f, "moi_list_p2.html"), "")
	f.Fuzz(func(t *testing.T, body []byte, layout string) {
		ch := &config.ReportChannel{ID: "moi", Reporter: "M", Selectors: &config.Selectors{
			Item: "tr.report", Link: "a.letter", Text: "td.links p", Date: "td.date", DateLayout: layout,
		}}
		b, err := ParseHTML(body, "text/html", "https://gov.example/reported", ch)
		if err == nil {
			checkValid(t, b.Reports)
		}
	})
}

func FuzzParseLumenSearch(f *testing.F) {
	f.Add(readTestdata(f, "lumen_search_p1.json"))
	f.Add(readTestdata(f, "lumen_search_p2.json"))
	ch := &config.ReportChannel{ID: "lumen", URL: "https://lumendatabase.org"}
	f.Fuzz(func(t *testing.T, body []byte) {
		b, err := ParseLumenSearch(body, ch)
		if err == nil {
			checkValid(t, b.Reports)
		}
	})
}
