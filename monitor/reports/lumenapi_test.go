package reports

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/fetchtest"
	"github.com/takedownwatch/takedownwatch/monitor"
)

const lumenToken = "lumen-researcher-token-0123456789"

// lumenServer imitates lumendatabase.org's search API: the token in
// X-Authentication-Token or 401 with an empty body, pages from testdata.
type lumenServer struct {
	*httptest.Server
	mu      sync.Mutex
	queries []string
}

func newLumenServer(t *testing.T, pages map[string]string) *lumenServer {
	s := &lumenServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.queries = append(s.queries, r.URL.RawQuery)
		s.mu.Unlock()
		if r.Header.Get("X-Authentication-Token") != lumenToken {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if r.URL.Path != "/notices/search.json" {
			http.NotFound(w, r)
			return
		}
		name, ok := pages[r.URL.Query().Get("page")]
		if !ok {
			http.Error(w, "no such page", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		if strings.HasPrefix(name, "raw:") {
			w.Write([]byte(strings.TrimPrefix(name, "raw:")))
			return
		}
		w.Write(readTestdata(t, name))
	}))
	t.Cleanup(s.Close)
	return s
}

func lumenChannel(url string) *config.ReportChannel {
	return &config.ReportChannel{
		ID: "lumen", Kind: "lumen", URL: url + "/", TokenEnv: "LUMEN_TOKEN", Token: config.Secret(lumenToken),
		Query: "?term=Cambodia&sort_by=date_received+desc",
	}
}

func TestLumenChannel_Fetch(t *testing.T) {
	srv := newLumenServer(t, map[string]string{"1": "lumen_search_p1.json", "2": "lumen_search_p2.json"})
	rec := fetchtest.New(t)

	b, err := ForKind("lumen").Fetch(t.Context(), lumenChannel(srv.URL), rec, FetchOptions{Pages: 5})
	if err != nil {
		t.Fatal(err)
	}
	var ids, sources []string
	for _, r := range b.Reports {
		ids = append(ids, r.ChannelID)
		sources = append(sources, r.SourceURL)
		if r.Channel != "lumen" || len(r.Raw) == 0 {
			t.Errorf("%s: channel %q, raw %d bytes", r.ChannelID, r.Channel, len(r.Raw))
		}
	}
	if want := []string{"41000001", "41000002", "40000004"}; !slices.Equal(ids, want) {
		t.Errorf("notices %v; want %v", ids, want)
	}
	if sources[0] != srv.URL+"/notices/41000001" {
		t.Errorf("source_url %q; want the notice's page", sources[0])
	}
	if got := rowErrs(b.Invalid); !slices.Equal(got, []rowErr{{2, "target_urls"}}) {
		t.Errorf("Invalid = %v; want the redacted local-law notice", b.Invalid)
	}
	if !slices.Equal(b.Captures, []int64{1, 2}) || b.Incomplete != nil {
		t.Errorf("Captures %v, Incomplete %v", b.Captures, b.Incomplete)
	}
	if b.Cursor != "2024-04-03T10:00:00Z" {
		t.Errorf("Cursor = %q; want the latest filing time", b.Cursor)
	}
	if want := []string{"term=Cambodia&sort_by=date_received+desc&page=1", "term=Cambodia&sort_by=date_received+desc&page=2"}; !slices.Equal(srv.queries, want) {
		t.Errorf("queries %q; want %q", srv.queries, want)
	}
	for _, r := range rec.Requests() {
		if r.Kind != monitor.KindReport || r.Header.Get("X-Authentication-Token") != lumenToken || strings.Contains(r.URL, lumenToken) {
			t.Errorf("request %s: kind %q, token header %v", r.URL, r.Kind, r.Header.Get("X-Authentication-Token") != "")
		}
	}
}

// With a cursor, paging stops at the first page with nothing newer.
func TestLumenChannel_Cursor(t *testing.T) {
	srv := newLumenServer(t, map[string]string{"1": "lumen_search_p1.json", "2": "lumen_search_p2.json"})
	rec := fetchtest.New(t)
	b, err := LumenChannel{}.Fetch(t.Context(), lumenChannel(srv.URL), rec, FetchOptions{Pages: 5, Cursor: "2024-04-03T10:00:00Z"})
	if err != nil {
		t.Fatal(err)
	}
	if len(srv.queries) != 1 || b.Cursor != "2024-04-03T10:00:00Z" || len(b.Reports) != 2 {
		t.Errorf("%d pages read, cursor %q, %d reports; want page 1 only, the cursor kept", len(srv.queries), b.Cursor, len(b.Reports))
	}
}

func TestLumenChannel_Errors(t *testing.T) {
	srv := newLumenServer(t, map[string]string{
		"1": "lumen_search_p1.json",
		// page 2 is missing: a 500
	})
	rec := fetchtest.New(t)

	b, err := LumenChannel{}.Fetch(t.Context(), lumenChannel(srv.URL), rec, FetchOptions{Pages: 3})
	var se *monitor.StatusError
	if err != nil || len(b.Reports) != 2 || !errors.As(b.Incomplete, &se) || se.StatusCode != 500 {
		t.Errorf("page 2 failing: %v, %d reports, Incomplete %v; want page 1 and the 500", err, len(b.Reports), b.Incomplete)
	}

	ch := lumenChannel(srv.URL)
	ch.Token = "wrong-token-wrong-token"
	_, err = LumenChannel{}.Fetch(t.Context(), ch, rec, FetchOptions{})
	if !errors.As(err, &se) || se.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong token: %v; want a 401 StatusError", err)
	}
	if strings.Contains(err.Error(), "wrong-token") {
		t.Errorf("the error shows the token: %v", err)
	}

	for name, body := range map[string]string{
		"not json":       "<html>Rate limited</html>",
		"entities":       `{"entities": [], "meta": {"current_page": 1, "total_pages": 0}}`,
		"422 validation": `{"works":["can't be blank"],"title":["can't be blank"]}`,
	} {
		srv := newLumenServer(t, map[string]string{"1": "raw:" + body})
		_, err := LumenChannel{}.Fetch(t.Context(), lumenChannel(srv.URL), rec, FetchOptions{})
		var pe *monitor.ParseError
		if !errors.As(err, &pe) || pe.CaptureID == 0 {
			t.Errorf("%s: %v; want a ParseError with its capture", name, err)
		}
	}
}

// The empty search answer of Lumen's API documentation.
func TestLumenChannel_DocEmpty(t *testing.T) {
	empty := string(readFixture(t, "lumen__doc_example_4_notices.json"))
	srv := newLumenServer(t, map[string]string{"1": "raw:" + empty})
	b, err := LumenChannel{}.Fetch(t.Context(), lumenChannel(srv.URL), fetchtest.New(t), FetchOptions{Pages: 3})
	if err != nil || len(b.Reports) != 0 || len(b.Captures) != 1 || len(srv.queries) != 1 || b.Cursor != "" {
		t.Errorf("%v, %d reports, captures %v, %d pages, cursor %q; want one empty page", err, len(b.Reports), b.Captures, len(srv.queries), b.Cursor)
	}
}

// The search answer of Lumen's API documentation (its JSON has a trailing
// comma in "facets", so the notice is taken as the doc shows it).
func TestParseLumenSearch_DocExample(t *testing.T) {
	doc := `{"notices":[{"id":"491","type":"DMCA","title":"Star Wars","body":null,"date_received":null,
	"language":"en","topics":["Trademark","DMCA Notices","John Doe Anonymity"],"sender_name":"Joe Lawyer",
	"recipient_name":"Google, Inc.","tags":["tag_1","tag_2"],"jurisdictions":["US","CA"],
	"works":[{"description":"Lion King Video","copyrighted_urls":[{"url":"http://www.example.com/lion_king.mp4"},
	{"url":"http://www.example.com/lion_king.mov"}],"infringing_urls":[{"url":"http://www.example.com/infringing1"},
	{"url":"http://www.example.com/infringing2"},{"url":"http://www.example.com/infringing3"}]}],"score":0.64636606}],
	"meta":{"query":{"term":"star"},"current_page":1,"next_page":null,"offset":0,"per_page":10,"previous_page":null,
	"total_entries":1,"total_pages":1}}`
	b, err := ParseLumenSearch([]byte(doc), &config.ReportChannel{ID: "lumen", URL: "https://lumendatabase.org"})
	if err != nil {
		t.Fatal(err)
	}
	// The example has neither date_sent nor date_received: no filing time.
	if len(b.Reports) != 0 || len(b.Invalid) != 1 || b.Invalid[0].Field != "filed_at" {
		t.Errorf("reports %v, invalid %v; want the undated notice invalid", b.Reports, b.Invalid)
	}
}
