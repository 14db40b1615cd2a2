package reports

import (
	"strings"
	"time"
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
// Arabic-Indic…) are read as ASCII digits first; a date without a zone is
// UTC.
func parseDate(s, layout string) (time.Time, bool) {
	s = strings.Join(strings.Fields(asciiDigits(s)), " ")
	if s == "" {
		return time.Time{}, false
	}
	layouts := pageLayouts
	if layout != "" {
		layouts = []string{layout}
	}
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// digitZeros are the zero digits of scripts whose ten digits are
// consecutive code points.
var digitZeros = []rune{
	0x0660, 0x06F0, 0x0966, 0x09E6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x17E0, 0x1810, 0xFF10,
}

// asciiDigits replaces the digits of other scripts by ASCII ones.
func asciiDigits(s string) string {
	return strings.Map(func(r rune) rune {
		for _, z := range digitZeros {
			if r >= z && r <= z+9 {
				return '0' + (r - z)
			}
		}
		return r
	}, s)
}
