package htmlpage

import (
	"regexp"
	"strings"
	"time"

	"github.com/takedownwatch/takedownwatch/monitor/pagedate"
)

// isoLayouts read the HTML datetime attribute (a date, a date and time, a
// time zone or none, "T" or a space between) and the ISO 8601 forms pages
// print. Go reads fractional seconds after the seconds field without a
// layout saying so.
var isoLayouts = func() []string {
	var out []string
	for _, sep := range []string{"T", " "} {
		for _, clock := range []string{"15:04:05", "15:04"} {
			for _, zone := range []string{"Z07:00", "Z0700", " MST", ""} {
				out = append(out, "2006-01-02"+sep+clock+zone)
			}
		}
	}
	return append(out, "2006-01-02")
}()

// commonLayouts are tried, in order, on a date's text when the source sets
// no date_layout: ISO 8601, the RFC forms, and English dates in words. Day
// first or month first in numbers (01/02/2006) is ambiguous and left to a
// date_layout. Go reads "2" and "1" as one or two digits and month names
// in any case.
var commonLayouts = append(append([]string{}, isoLayouts...),
	time.RFC1123Z, time.RFC1123, time.RFC850, time.RFC822Z, time.RFC822,
	"Mon, 2 Jan 2006 15:04:05 -0700", "Mon, 2 Jan 2006 15:04:05 MST", "Mon, 2 Jan 2006 15:04:05",
	"2 January 2006, 15:04", "2 January 2006 15:04", "2 January 2006 - 15:04", "2 January 2006",
	"2 Jan 2006 15:04 MST", "2 Jan 2006 15:04", "2 Jan 2006",
	"Monday, 2 January 2006", "Monday 2 January 2006", "Mon, 2 Jan 2006",
	"January 2, 2006 3:04 PM", "January 2, 2006 15:04", "January 2, 2006", "Jan 2, 2006",
	"Monday, January 2, 2006", "Mon, Jan 2, 2006",
	"2006/1/2 15:04", "2006/1/2", "2.1.2006 15:04", "2.1.2006",
)

// ordinal is a day number's English suffix, which Go layouts cannot say.
var ordinal = regexp.MustCompile(`(?i)([0-9])(st|nd|rd|th)\b`)

// minYear is the earliest year a post's date may have: a date before it is
// a misreading (a layout's missing year, a page's placeholder), and would
// make the listing seem to cover every post ever published.
const minYear = 1900

// parseDatetime reads an HTML datetime attribute.
func parseDatetime(s string, now time.Time) (time.Time, bool) {
	return parseWith(strings.TrimSpace(s), isoLayouts, now)
}

// parseDate reads a date's text with layout, or with commonLayouts when
// layout is "". Before parsing, runs of whitespace (NBSP included) become
// one space, digits of other scripts (Khmer ១២, Arabic-Indic, Thai …)
// become ASCII and ordinal suffixes go (28th → 28). A Khmer, Thai, Lao or
// Burmese date in words is read whatever the layout (see
// pagedate.Normalize).
func parseDate(s, layout string, now time.Time) (time.Time, bool) {
	s, words := pagedate.Normalize(s)
	if words {
		return parseWith(s, pagedate.Layouts, now)
	}
	s = ordinal.ReplaceAllString(s, "$1")
	if s == "" {
		return time.Time{}, false
	}
	if layout != "" {
		return parseWith(s, []string{layout}, now)
	}
	return parseWith(s, commonLayouts, now)
}

// parseWith tries layouts in order. A time without a zone is UTC (parsing
// is done in UTC, never in the machine's zone, so results do not depend on
// where the daemon runs); so is one with a zone abbreviation other than
// UTC or GMT, which Go cannot place ("ICT" reads as +00:00): a page that
// prints them needs a numeric offset, or its times are hours off. A layout without a year (Facebook's "4 June at
// 17:33") gets now's year, or the year before when that would put the
// date more than two days ahead of now.
func parseWith(s string, layouts []string, now time.Time) (time.Time, bool) {
	for _, l := range layouts {
		t, err := time.ParseInLocation(l, s, time.UTC)
		if err != nil {
			continue
		}
		if t.Year() == 0 && !strings.Contains(l, "06") && !now.IsZero() {
			t = t.AddDate(now.Year(), 0, 0)
			if t.After(now.Add(48 * time.Hour)) {
				t = t.AddDate(-1, 0, 0)
			}
		}
		if t.Year() < minYear {
			return time.Time{}, false
		}
		return t.UTC(), true
	}
	return time.Time{}, false
}
