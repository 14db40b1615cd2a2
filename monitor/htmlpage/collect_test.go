package htmlpage

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"
	logtest "github.com/sirupsen/logrus/hooks/test"

	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/monitor"
)

const listURL = "https://gov.example/press"

var pressSel = config.Selectors{Item: "li.release", Link: "a", Text: "p", Date: "time"}

func pressSource() *config.Source {
	sel := pressSel
	return &config.Source{ID: "moi-press", Actor: "moi", Platform: "html", URL: listURL, Vantage: "direct", Selectors: &sel}
}

// pressList is a listing page with releases ids (newest first) and a
// rel=next to next, if not "".
func pressList(next string, ids ...int) string {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html><title>Press</title><ul>")
	for _, id := range ids {
		fmt.Fprintf(&b, `<li class="release"><a href="/press/%d">Release %d</a><time datetime="2026-11-%02dT09:00:00Z">%d November</time><p>Text %d</p></li>`, id, id, id, id, id)
	}
	b.WriteString("</ul>")
	if next != "" {
		fmt.Fprintf(&b, `<a rel="next" href="%s">Older</a>`, next)
	}
	return b.String()
}

func ok(body string) answer { return answer{status: http.StatusOK, body: body} }

func itemIDs(items []monitor.Item) []string {
	var ids []string
	for _, it := range items {
		ids = append(ids, strings.TrimPrefix(it.PlatformID, "https://gov.example/press/"))
	}
	return ids
}

func TestCollector_Collect(t *testing.T) {
	three := map[string]answer{
		listURL:                   ok(pressList("?page=2", 28, 27)),
		listURL + "?page=2":       ok(pressList("/press?page=3", 26, 25)),
		listURL + "?page=3":       ok(pressList("", 24)),
		"https://gov.example/old": ok(pressList("", 1)),
	}
	with := func(m map[string]answer, url string, a answer) map[string]answer {
		out := make(map[string]answer, len(m)+1)
		for k, v := range m {
			out[k] = v
		}
		out[url] = a
		return out
	}
	tests := []struct {
		name         string
		pages        map[string]answer
		opt          monitor.CollectOptions
		wantIDs      []string
		wantCaptures []int64
		wantURLs     []string
	}{
		{"one page by default", three, monitor.CollectOptions{}, []string{"28", "27"}, []int64{1}, []string{listURL}},
		{"pages via rel=next", three, monitor.CollectOptions{Pages: 3}, []string{"28", "27", "26", "25", "24"}, []int64{1, 2, 3},
			[]string{listURL, listURL + "?page=2", listURL + "?page=3"}},
		{"fewer pages than asked", three, monitor.CollectOptions{Pages: 10}, []string{"28", "27", "26", "25", "24"}, []int64{1, 2, 3},
			[]string{listURL, listURL + "?page=2", listURL + "?page=3"}},
		{"a pager going round in circles", with(three, listURL+"?page=2", ok(pressList("/press", 27, 26))), monitor.CollectOptions{Pages: 5},
			[]string{"28", "27", "26"}, []int64{1, 2}, []string{listURL, listURL + "?page=2"}},
		{"a deeper page failing ends the listing", with(three, listURL+"?page=2", answer{status: 503}), monitor.CollectOptions{Pages: 3},
			[]string{"28", "27"}, []int64{1, 2}, []string{listURL, listURL + "?page=2"}},
		{"a deeper page unreadable ends the listing", with(three, listURL+"?page=2", ok("<p>maintenance</p>")), monitor.CollectOptions{Pages: 3},
			[]string{"28", "27"}, []int64{1, 2}, []string{listURL, listURL + "?page=2"}},
		{"a deeper page unreachable ends the listing", with(three, listURL+"?page=2", answer{err: &monitor.FetchError{URL: "x", Transient: true, Err: errors.New("reset")}}),
			monitor.CollectOptions{Pages: 3}, []string{"28", "27"}, []int64{1}, []string{listURL, listURL + "?page=2"}},
		{"a redirected listing resolves against where it landed", map[string]answer{listURL: {status: 200, body: `<li class="release"><a href="9">x</a><time datetime="2026-11-09">9</time></li>`, finalURL: "https://gov.example/press/"}},
			monitor.CollectOptions{}, []string{"9"}, []int64{1}, []string{listURL}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := &pageFetcher{pages: tc.pages}
			l, err := New().Collect(t.Context(), pressSource(), f, tc.opt)
			if err != nil {
				t.Fatalf("Collect: %v", err)
			}
			var urls []string
			for i, r := range f.requests {
				urls = append(urls, r.URL)
				if r.Kind != monitor.KindListing || r.SourceID != "moi-press" || r.Vantage != "direct" || r.Conditional != (i == 0) ||
					!strings.HasPrefix(r.Header.Get("Accept"), "text/html") {
					t.Errorf("request %d = %+v", i, r)
				}
			}
			if got := itemIDs(l.Items); !slices.Equal(got, tc.wantIDs) || !slices.Equal(l.Captures, tc.wantCaptures) || !slices.Equal(urls, tc.wantURLs) {
				t.Errorf("items %v, captures %v, requests %v\nwant %v, %v, %v", got, l.Captures, urls, tc.wantIDs, tc.wantCaptures, tc.wantURLs)
			}
			if l.NotModified || l.Metrics != nil || l.Cursor != "" {
				t.Errorf("listing = %+v", l)
			}
		})
	}
}

func TestCollector_Collect_Errors(t *testing.T) {
	tests := []struct {
		name     string
		src      func(*config.Source)
		page     answer
		check    func(error) bool
		wantMsg  string
		wantReqs int
	}{
		{"not found: the account is gone, to the detector", nil, answer{status: 404},
			func(err error) bool {
				var se *monitor.StatusError
				return errors.As(err, &se) && se.StatusCode == 404 && se.CaptureID == 1 && se.URL == listURL
			}, "https://gov.example/press answered 404 Not Found", 1},
		{"server error", nil, answer{status: 502},
			func(err error) bool { var se *monitor.StatusError; return errors.As(err, &se) && se.StatusCode == 502 }, "answered 502", 1},
		{"redesigned", nil, ok(`<div class="card"><a href="/press/1">x</a></div>`),
			func(err error) bool {
				var pe *monitor.ParseError
				return errors.As(err, &pe) && pe.CaptureID == 1 && errors.Is(err, ErrNoItems)
			}, `parse: htmlpage: item selector "li.release" matched nothing`, 1},
		{"cut at the size cap", nil, answer{status: 200, body: pressList("", 3), truncated: true},
			func(err error) bool { var pe *monitor.ParseError; return errors.As(err, &pe) && pe.CaptureID == 1 },
			"page cut at the size cap", 1},
		{"unreachable", nil, answer{err: &monitor.FetchError{URL: listURL, Transient: true, Err: errors.New("connection reset")}},
			monitor.IsTransient, "htmlpage: source moi-press: fetch https://gov.example/press: connection reset", 1},
		{"no selectors", func(s *config.Source) { s.Selectors = nil }, ok(pressList("", 1)),
			func(err error) bool { return err != nil }, "htmlpage: source moi-press: no selectors", 0},
		{"a bad selector fails before fetching", func(s *config.Source) { s.Selectors.Text = "p[" }, ok(pressList("", 1)),
			func(err error) bool { return errors.Is(err, ErrSelector) }, `htmlpage: source moi-press: htmlpage: text selector "p["`, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := pressSource()
			if tc.src != nil {
				tc.src(src)
			}
			f := &pageFetcher{pages: map[string]answer{listURL: tc.page}}
			l, err := New().Collect(t.Context(), src, f, monitor.CollectOptions{Pages: 2})
			if l != nil || err == nil || !tc.check(err) || !strings.Contains(err.Error(), tc.wantMsg) || len(f.requests) != tc.wantReqs {
				t.Errorf("Collect = %+v, %v (%d requests); want %q (%d requests)", l, err, len(f.requests), tc.wantMsg, tc.wantReqs)
			}
		})
	}
}

func TestCollector_Collect_NotModified(t *testing.T) {
	f := &pageFetcher{pages: map[string]answer{listURL: {status: http.StatusNotModified}}}
	l, err := New().Collect(t.Context(), pressSource(), f, monitor.CollectOptions{Pages: 3})
	if err != nil || !l.NotModified || len(l.Items) != 0 || !slices.Equal(l.Captures, []int64{1}) || len(f.requests) != 1 {
		t.Errorf("Collect = %+v, %v; want NotModified with capture 1 and no further page", l, err)
	}
}

func TestCollector_Collect_NoAnswer(t *testing.T) {
	f := monitor.FetcherFunc(func(context.Context, *monitor.FetchRequest) (*monitor.FetchResponse, error) { return nil, nil })
	if l, err := New().Collect(t.Context(), pressSource(), f, monitor.CollectOptions{}); l != nil || err == nil {
		t.Errorf("Collect = %v, %v; want an error", l, err)
	}
}

func TestCollector_Collect_Cancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	f := &pageFetcher{
		pages: map[string]answer{listURL: ok(pressList("?page=2", 2)), listURL + "?page=2": ok(pressList("", 1))},
		hook: func(n int) {
			if n == 2 {
				cancel()
			}
		},
	}
	l, err := New().Collect(ctx, pressSource(), f, monitor.CollectOptions{Pages: 2})
	if l != nil || !errors.Is(err, context.Canceled) {
		t.Errorf("Collect = %v, %v; want context.Canceled", l, err)
	}
}

func TestCollector_Collect_MaxBody(t *testing.T) {
	for _, tc := range []struct {
		opt  Option
		want int64
	}{{WithMaxBody(1 << 20), 1 << 20}, {WithMaxBody(0), 0}, {WithMaxBody(-1), 0}} {
		f := &pageFetcher{pages: map[string]answer{listURL: ok(pressList("", 1))}}
		if _, err := New(tc.opt).Collect(t.Context(), pressSource(), f, monitor.CollectOptions{}); err != nil {
			t.Fatal(err)
		}
		if got := f.requests[0].MaxBody; got != tc.want {
			t.Errorf("MaxBody = %d, want %d", got, tc.want)
		}
	}
}

func TestCollector_Collect_Logs(t *testing.T) {
	logger, hook := logtest.NewNullLogger()
	logger.SetLevel(logrus.DebugLevel)
	f := &pageFetcher{pages: map[string]answer{
		listURL:             ok(pressList("?page=2", 3) + `<li class="release"><a>no link</a></li><li class="release"><a href="/press/2">undated</a></li>`),
		listURL + "?page=2": {status: http.StatusServiceUnavailable},
	}}
	if _, err := New(WithLogger(logrus.NewEntry(logger))).Collect(t.Context(), pressSource(), f, monitor.CollectOptions{Pages: 2}); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range hook.AllEntries() {
		got = append(got, fmt.Sprintf("%s %s page=%v unlinked=%v undated=%v source=%v component=%v",
			e.Level, e.Message, e.Data["page"], e.Data["unlinked"], e.Data["undated"], e.Data["source"], e.Data["component"]))
	}
	want := []string{
		"debug items skipped for want of a link, or kept without a date page=1 unlinked=1 undated=1 source=moi-press component=htmlpage",
		"warning deeper listing page unread: listing cut short page=2 unlinked=<nil> undated=<nil> source=moi-press component=htmlpage",
	}
	if !slices.Equal(got, want) {
		t.Errorf("log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
