package reports

import (
	"time"

	"github.com/takedownwatch/takedownwatch/monitor/pagedate"
)

// pageLayouts are tried on a date a page prints when its channel gives no
// date_layout: unambiguous forms only (never 01/02/2006, which is two
// different days in two countries).
var pageLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	time.DateOnly,
	"2 January 2006",
	"2 Jan 2006",
	"January 2, 2006",
	"Jan 2, 2006",
	"Monday, January 2, 2006",
	"Mon, 2 Jan 2006",
	time.RFC1123Z,
	time.RFC1123,
}

// parseDate reads a date a page prints, with layout (a Go layout) when
// given, else with pageLayouts. Digits of other scripts (Khmer ០–៩, Thai,
// Arabic-Indic…) are read as ASCII digits first, and a Khmer, Thai, Lao
// or Burmese date in words whatever the layout (see pagedate.Normalize); a
// date without a zone is UTC.
func parseDate(s, layout string) (time.Time, bool) {
	s, words := pagedate.Normalize(s)
	if s == "" {
		return time.Time{}, false
	}
	layouts := pageLayouts
	switch {
	case words:
		layouts = pagedate.Layouts
	case layout != "":
		layouts = []string{layout}
	}
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
