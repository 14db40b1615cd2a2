package htmlpage

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/config"
)

// hugeList is a press list of n releases, each with a paragraph of words.
func hugeList(n, words int) []byte {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>Archive</title></head><body><div class="view-content">`)
	para := strings.Repeat("ក្រសួងព័ត៌មាន statement ", words)
	for i := range n {
		fmt.Fprintf(&b, `<div class="views-row"><h3><a href="/en/press-release/%d">Release %d</a></h3><span class="date">%s</span><div class="body"><p>%s</p></div></div>`+"\n",
			i, i, time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC).Add(-time.Duration(i)*time.Hour).Format("2 January 2006 15:04"), para)
	}
	b.WriteString(`</div></body></html>`)
	return []byte(b.String())
}

var hugeSel = config.Selectors{Item: ".views-row", Link: "h3 a", Text: ".body", Date: ".date", DateLayout: "2 January 2006 15:04"}

// TestParse_Huge reads pages of the size fetch.max_body lets through (10 MiB
// by default): many items, or one item of a great deal of text.
func TestParse_Huge(t *testing.T) {
	if testing.Short() {
		t.Skip("huge pages take a few seconds")
	}
	scale := 1
	if raceEnabled {
		scale = 10
	}
	tests := []struct {
		name   string
		body   []byte
		items  int
		budget time.Duration
	}{
		{"5000 items", hugeList(5000/scale, 10), 5000 / scale, time.Minute},
		{"one item of 5 MiB", hugeList(1, 100000/scale), 1, time.Minute},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			page, err := Parse(tc.body, "text/html", "https://gov.example/", hugeSel, now)
			took := time.Since(start)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if len(page.Items) != tc.items || page.Undated != 0 {
				t.Errorf("%d items (%d undated), want %d", len(page.Items), page.Undated, tc.items)
			}
			t.Logf("%d bytes in %v", len(tc.body), took)
			// A generous bound: -race and slow CI machines included, it
			// catches quadratic behaviour, not slowness.
			if took > tc.budget {
				t.Errorf("took %v, over %v", took, tc.budget)
			}
		})
	}
}

func BenchmarkParse(b *testing.B) {
	for _, bc := range []struct {
		name string
		body []byte
		sel  config.Selectors
	}{
		{"ministry", readTestdata(b, "ministry_press.html"), config.Selectors{Item: ".views-row", Link: "h3 a", Text: ".field--name-body", Date: ".date-display-single", DateLayout: "2 January 2006"}},
		{"1000 items", hugeList(1000, 20), hugeSel},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.body)))
			for b.Loop() {
				if _, err := Parse(bc.body, "text/html", "https://gov.example/", bc.sel, now); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
