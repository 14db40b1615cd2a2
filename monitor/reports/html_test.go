package reports

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/fetchtest"
	"github.com/takedownwatch/takedownwatch/monitor"
)

func listChannel(url string) *config.ReportChannel {
	return &config.ReportChannel{
		ID: "moi-list", Kind: "html", URL: url, Reporter: "Ministry of Information",
		Selectors: &config.Selectors{Item: "tr.report", Link: "a.letter", Text: "td.links p", Date: "td.date", DateLayout: "02/01/2006"},
	}
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestHTMLChannel_Fetch(t *testing.T) {
	srv := httptest.NewServer(serveFiles(t, map[string]string{
		"/reported":        "moi_list_p1.html",
		"/reported?page=2": "moi_list_p2.html",
	}, "text/html; charset=utf-8"))
	defer srv.Close()
	page1 := []Report{
		{
			ChannelID: srv.URL + "/letters/2024-0112.pdf", Reporter: "Ministry of Information", Channel: "moi-list",
			FiledAt: day(2024, 3, 4), Kind: KindGovernmentRequest,
			TargetURLs: []string{
				"https://m.facebook.com/story.php?story_fbid=1354978971282622&id=598338556946671",
				"https://www.facebook.com/598338556946671/posts/1416659045114614",
			},
			SourceURL: srv.URL + "/letters/2024-0112.pdf",
			Notes:     "False news about the floods.",
		},
		{
			ChannelID: srv.URL + "/letters/2024-0113.pdf", Reporter: "Ministry of Information", Channel: "moi-list",
			FiledAt: day(2024, 3, 5), Kind: KindGovernmentRequest,
			TargetURLs: []string{"https://t.me/s/KhmerDaily/4821", "https://t.me/KhmerDaily/4822"},
			SourceURL:  srv.URL + "/letters/2024-0113.pdf",
			Notes:      "សារ Telegram ពីរ",
		},
	}
	page2 := Report{
		ChannelID: "https://www.information.gov.kh/letters/2024-0110.pdf", Reporter: "Ministry of Information", Channel: "moi-list",
		FiledAt: day(2024, 3, 1), Kind: KindGovernmentRequest,
		TargetURLs: []string{"https://mastodon.social/users/KhmerVoice/statuses/111975123456789012"},
		SourceURL:  "https://www.information.gov.kh/letters/2024-0110.pdf",
	}
	tests := []struct {
		name     string
		pages    int
		want     []Report
		captures []int64
	}{
		{"one page", 0, page1, []int64{1}},
		// Page 2 points back to page 1 as next: read once.
		{"backfill", 5, append(slices.Clone(page1), page2), []int64{1, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := fetchtest.New(t)
			b, err := HTMLChannel{}.Fetch(t.Context(), listChannel(srv.URL+"/reported"), rec, FetchOptions{Pages: tt.pages})
			if err != nil {
				t.Fatal(err)
			}
			checkReports(t, b.Reports, tt.want)
			if b.Skipped != 1 {
				t.Errorf("Skipped = %d; want 1 (the press conference row)", b.Skipped)
			}
			if got := rowErrs(b.Invalid); !slices.Equal(got, []rowErr{{3, "filed_at"}}) {
				t.Errorf("Invalid = %v; want row 3 (date \"soon\")", b.Invalid)
			}
			if !slices.Equal(b.Captures, tt.captures) || b.Incomplete != nil {
				t.Errorf("Captures = %v, Incomplete %v; want %v", b.Captures, b.Incomplete, tt.captures)
			}
			for _, r := range rec.Requests() {
				if r.Kind != monitor.KindReport {
					t.Errorf("request kind %q", r.Kind)
				}
			}
		})
	}
}

func TestHTMLChannel_Errors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.RequestURI() {
		case "/reported":
			w.Write(readTestdata(t, "moi_list_p1.html"))
		case "/reported?page=2":
			http.Error(w, "busy", http.StatusServiceUnavailable)
		case "/redesigned":
			w.Write([]byte(`<html><body><div class="card"><a href="https://t.me/chan/1">x</a></div></body></html>`))
		case "/forbidden":
			http.Error(w, "no", http.StatusForbidden)
		}
	}))
	defer srv.Close()
	rec := fetchtest.New(t)

	b, err := HTMLChannel{}.Fetch(t.Context(), listChannel(srv.URL+"/reported"), rec, FetchOptions{Pages: 2})
	var se *monitor.StatusError
	if err != nil || len(b.Reports) != 2 || !errors.As(b.Incomplete, &se) || se.StatusCode != 503 || len(b.Captures) != 2 {
		t.Errorf("deeper page failing: %v, Incomplete %v, captures %v; want page 1's reports and the 503", err, b.Incomplete, b.Captures)
	}
	_, err = HTMLChannel{}.Fetch(t.Context(), listChannel(srv.URL+"/forbidden"), rec, FetchOptions{})
	if !errors.As(err, &se) || se.StatusCode != http.StatusForbidden {
		t.Errorf("403: %v; want a StatusError", err)
	}
	_, err = HTMLChannel{}.Fetch(t.Context(), listChannel(srv.URL+"/redesigned"), rec, FetchOptions{})
	var pe *monitor.ParseError
	if !errors.As(err, &pe) || !errors.Is(err, ErrNoItems) || pe.CaptureID == 0 {
		t.Errorf("redesigned page: %v; want a ParseError wrapping ErrNoItems", err)
	}
	ch := listChannel(srv.URL + "/reported")
	ch.Selectors.Item = "tr[["
	if _, err := (HTMLChannel{}).Fetch(t.Context(), ch, rec, FetchOptions{}); !errors.Is(err, ErrSelector) {
		t.Errorf("bad selector: %v; want ErrSelector", err)
	}
	ch.Selectors = nil
	if _, err := (HTMLChannel{}).Fetch(t.Context(), ch, rec, FetchOptions{}); err == nil {
		t.Error("no selectors: no error")
	}
}

func TestParseHTML_Dates(t *testing.T) {
	page := func(item string) []byte {
		return []byte(`<html><body><ul><li class="r">` + item + `<a href="https://t.me/chan/1">p</a></li></ul></body></html>`)
	}
	tests := []struct {
		name, item string
		sel        config.Selectors
		want       time.Time
	}{
		{"time element", `<time datetime="2024-03-04T09:30:00+07:00">4 March</time>`, config.Selectors{Item: "li.r"}, ict(2024, 3, 4, 9, 30)},
		{"date selector datetime", `<span class="d" datetime="2024-03-04">x</span>`, config.Selectors{Item: "li.r", Date: ".d"}, day(2024, 3, 4)},
		{"date layout", `<span class="d">4 March 2024</span>`, config.Selectors{Item: "li.r", Date: ".d", DateLayout: "2 January 2006"}, day(2024, 3, 4)},
		{"common form", `<span class="d">March 4, 2024</span>`, config.Selectors{Item: "li.r", Date: ".d"}, day(2024, 3, 4)},
		{"khmer digits", `<span class="d">២០២៤-០៣-០៤</span>`, config.Selectors{Item: "li.r", Date: ".d"}, day(2024, 3, 4)},
		{"khmer date in words", `<span class="d">ថ្ងៃទី០៤ ខែមីនា ឆ្នាំ២០២៤</span>`, config.Selectors{Item: "li.r", Date: ".d"}, day(2024, 3, 4)},
		{"thai date in words, a layout for other forms", `<span class="d">4 มี.ค. 2567</span>`, config.Selectors{Item: "li.r", Date: ".d", DateLayout: "02/01/2006"}, day(2024, 3, 4)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ch := &config.ReportChannel{ID: "x", Reporter: "M", Selectors: &tt.sel}
			b, err := ParseHTML(page(tt.item), "text/html", "https://gov.example/list", ch)
			if err != nil || len(b.Reports) != 1 {
				t.Fatalf("%v; invalid %v", err, b.Invalid)
			}
			if got := b.Reports[0].FiledAt; !got.Equal(tt.want) {
				t.Errorf("FiledAt = %v; want %v", got, tt.want)
			}
			if id := b.Reports[0].ChannelID; len(id) != len("sha256:")+64 {
				t.Errorf("ChannelID = %q; want a digest (no link selector)", id)
			}
		})
	}
}

func TestParseHTML_Charset(t *testing.T) {
	// windows-1252 declared in a meta tag; the text's é must survive.
	body := []byte("<html><head><meta charset=\"windows-1252\"></head><body><div class=r><time datetime=\"2024-03-04\"></time>Arr\xeat\xe9 <a href=\"https://t.me/chan/1\">p</a></div></body></html>")
	ch := &config.ReportChannel{ID: "x", Reporter: "M", Selectors: &config.Selectors{Item: "div.r"}}
	b, err := ParseHTML(body, "text/html", "https://gov.example/", ch)
	if err != nil || len(b.Reports) != 1 {
		t.Fatalf("%v", err)
	}
	if got, want := b.Reports[0].Notes, "Arrêté p"; got != want {
		t.Errorf("Notes = %q; want %q", got, want)
	}
}
