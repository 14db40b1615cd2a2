package htmlpage

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/fetchtest"
	"github.com/takedownwatch/takedownwatch/internal/sandbox"
	"github.com/takedownwatch/takedownwatch/internal/sandbox/sandboxtest"
	"github.com/takedownwatch/takedownwatch/monitor"
	"github.com/takedownwatch/takedownwatch/monitor/normalize"
)

// Selectors a person would write for the sandbox's pages.
var (
	pressRoomSel = config.Selectors{Item: "article.press-release", Link: "h2.title a", Text: ".summary", Date: ".date", DateLayout: sandbox.PressDateLayout}
	homeSel      = config.Selectors{Item: "li.item", Link: "a.link", Text: "div.text", Date: "time"}
)

func sandboxSource(url string, sel config.Selectors) *config.Source {
	return &config.Source{ID: "sb", Actor: "sb", Platform: "html", URL: url, Vantage: "direct", Selectors: &sel}
}

// TestCollector_Sandbox reads the sandbox's press room and home page: every
// listed post once, newest first, with its permalink, text and date.
func TestCollector_Sandbox(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	a := sb.AddAccount(0, "ministry")
	start := time.Date(2026, 11, 1, 8, 0, 30, 0, time.UTC)
	for i := 1; i <= 25; i++ {
		a.Publish(sandbox.Post{ID: fmt.Sprint(i), Title: fmt.Sprintf("Release %d & more", i),
			HTML: fmt.Sprintf("<p>Statement <b>%d</b>:</p>\n<p>the ministry&nbsp;informs.</p><script>x()</script>", i), Published: start.Add(time.Duration(i) * time.Hour)})
	}
	a.SetListingLimit(10)
	a.Delete("25", sandbox.Gone404)
	a.Withhold("24", "")
	a.HideFromListing("23", true)
	wantIDs := func(from, to int) []string { // live and listed, newest first
		var out []string
		for i := from; i >= to; i-- {
			out = append(out, fmt.Sprint(i))
		}
		return out
	}
	tests := []struct {
		name string
		url  string
		sel  config.Selectors
		// round is what the page's dates keep of the publication time.
		round time.Duration
		opt   monitor.CollectOptions
		want  []string
	}{
		{"press room", a.PressURL(), pressRoomSel, time.Minute, monitor.CollectOptions{}, wantIDs(22, 13)},
		{"press room backfill", a.PressURL(), pressRoomSel, time.Minute, monitor.CollectOptions{Pages: 5}, wantIDs(22, 1)},
		{"home page", a.HomeURL(), homeSel, time.Second, monitor.CollectOptions{Pages: 5}, wantIDs(22, 13)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l, err := New().Collect(t.Context(), sandboxSource(tc.url, tc.sel), fetchtest.New(t), tc.opt)
			if err != nil {
				t.Fatalf("Collect: %v", err)
			}
			if len(l.Items) != len(tc.want) {
				t.Fatalf("%d items, want %d: %v", len(l.Items), len(tc.want), itemIDs(l.Items))
			}
			for i, it := range l.Items {
				p, _ := a.Post(tc.want[i])
				want := monitor.Item{PlatformID: a.PostURL(p.ID), URL: a.PostURL(p.ID), Title: p.Title,
					Text: normalize.Text(p.HTML), Published: p.Published.Truncate(tc.round)}
				if it.PlatformID != want.PlatformID || it.URL != want.URL || it.Title != want.Title || it.Text != want.Text || !it.Published.Equal(want.Published) {
					t.Errorf("item %d:\n got  %+v\n want %+v", i, it, want)
				}
			}
		})
	}
}

func TestCollector_Sandbox_States(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	tests := []struct {
		name  string
		setup func(a *sandbox.Account)
		check func(l *monitor.Listing, err error) bool
	}{
		{"unchanged: 304", func(*sandbox.Account) {}, func(l *monitor.Listing, err error) bool { return err == nil && l.NotModified }},
		{"edited: read again", func(a *sandbox.Account) { a.Edit("1", "<p>v2</p>") },
			func(l *monitor.Listing, err error) bool {
				return err == nil && !l.NotModified && l.Items[0].Text == "v2"
			}},
		{"an empty listing is an error, not evidence", func(a *sandbox.Account) { a.EmptyListing(true) },
			func(_ *monitor.Listing, err error) bool {
				var pe *monitor.ParseError
				return errors.As(err, &pe) && errors.Is(err, ErrNoItems) && pe.CaptureID != 0
			}},
		{"suspended: 410", func(a *sandbox.Account) { a.Suspend() },
			func(_ *monitor.Listing, err error) bool {
				var se *monitor.StatusError
				return errors.As(err, &se) && se.StatusCode == http.StatusGone
			}},
		{"failing: 503", func(a *sandbox.Account) { a.FailNext(1, sandbox.Status(503)) },
			func(_ *monitor.Listing, err error) bool {
				var se *monitor.StatusError
				return errors.As(err, &se) && se.StatusCode == http.StatusServiceUnavailable
			}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := sb.AddAccount(0, fmt.Sprintf("party%d", i))
			a.Publish(sandbox.Post{ID: "1", Title: "t", HTML: "<p>v1</p>"})
			f := fetchtest.New(t)
			src := sandboxSource(a.PressURL(), pressRoomSel)
			if _, err := New().Collect(t.Context(), src, f, monitor.CollectOptions{}); err != nil {
				t.Fatalf("first Collect: %v", err)
			}
			tc.setup(a)
			l, err := New().Collect(t.Context(), src, f, monitor.CollectOptions{})
			if !tc.check(l, err) {
				t.Errorf("Collect = %+v, %v", l, err)
			}
		})
	}
}
