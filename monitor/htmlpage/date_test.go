package htmlpage

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		text, layout string
		want         time.Time // zero: no date
	}{
		{"28 November 2026", "", date(2026, 11, 28, 0, 0)},
		{"28 November 2026", "2 January 2006", date(2026, 11, 28, 0, 0)},
		{"November 28, 2026", "", date(2026, 11, 28, 0, 0)},
		{"Nov 28, 2026", "", date(2026, 11, 28, 0, 0)},
		{"28 nov 2026", "", date(2026, 11, 28, 0, 0)},
		{"28th November 2026", "", date(2026, 11, 28, 0, 0)},
		{"November 1st, 2026", "", date(2026, 11, 1, 0, 0)},
		{"Saturday, 28 November 2026", "", date(2026, 11, 28, 0, 0)},
		{"28 November 2026, 09:30", "", date(2026, 11, 28, 9, 30)},
		{"November 28, 2026 9:30 PM", "", date(2026, 11, 28, 21, 30)},
		{"28 Nov 2026 09:30 UTC", "", date(2026, 11, 28, 9, 30)},
		{"Sat, 28 Nov 2026 09:30:00 +0700", "", date(2026, 11, 28, 2, 30)},
		{"2026-11-28T09:30:00+07:00", "", date(2026, 11, 28, 2, 30)},
		{"2026-11-28T09:30:00.250Z", "", time.Date(2026, 11, 28, 9, 30, 0, 250e6, time.UTC)},
		{"2026-11-28 09:30", "", date(2026, 11, 28, 9, 30)},
		{"2026-11-28", "", date(2026, 11, 28, 0, 0)},
		{"2026/11/28", "", date(2026, 11, 28, 0, 0)},
		{"28.11.2026", "", date(2026, 11, 28, 0, 0)},
		{"28/11/2026", "", time.Time{}}, // day or month first: ambiguous
		{"28/11/2026", "02/01/2006", date(2026, 11, 28, 0, 0)},
		{"11/28/2026", "01/02/2006", date(2026, 11, 28, 0, 0)},
		{"២៨/១១/២០២៦", "02/01/2006", date(2026, 11, 28, 0, 0)}, // Khmer digits
		{"٢٨/١١/٢٠٢٦", "02/01/2006", date(2026, 11, 28, 0, 0)}, // Arabic-Indic
		{"२८/११/२०२६", "02/01/2006", date(2026, 11, 28, 0, 0)}, // Devanagari
		{"២៨ November ២០២៦", "", date(2026, 11, 28, 0, 0)},     // mixed
		// Khmer and Thai dates in words, whatever the layout
		{"ថ្ងៃទី២៨ ខែវិច្ឆិកា ឆ្នាំ២០២៦", "", date(2026, 11, 28, 0, 0)},
		{"ថ្ងៃទី២៨ ខែវិច្ឆិកា ឆ្នាំ២០២៦ ម៉ោង ១៤:០៥", "02/01/2006", date(2026, 11, 28, 14, 5)},
		{"28 พฤศจิกายน 2569", "", date(2026, 11, 28, 0, 0)},
		{"๒๘ พ.ย. ๒๕๖๙ เวลา ๐๙.๓๐ น.", "", date(2026, 11, 28, 9, 30)},
		{"28\u00a0November\u00a02026", "", date(2026, 11, 28, 0, 0)}, // NBSP
		{"\n  28   November\n\t2026  ", "", date(2026, 11, 28, 0, 0)},
		{"Published: 28 November 2026", "Published: 2 January 2006", date(2026, 11, 28, 0, 0)},
		{"Published: 28 November 2026", "", time.Time{}},
		{"4 June at 17:33", "2 January at 15:04", date(2026, 6, 4, 17, 33)},
		{"30 November", "2 January", date(2026, 11, 30, 0, 0)}, // tomorrow: this year
		{"25 December", "2 January", date(2025, 12, 25, 0, 0)}, // ahead: last year
		{"1 January 1899", "", time.Time{}},
		{"0001-01-01", "", time.Time{}},
		{"yesterday", "", time.Time{}},
		{"", "", time.Time{}},
		{"   ", "2006", time.Time{}},
	}
	for _, tc := range tests {
		got, ok := parseDate(tc.text, tc.layout, now)
		if !got.Equal(tc.want) || ok == tc.want.IsZero() || got.Location() != time.UTC {
			t.Errorf("parseDate(%q, %q) = %v, %v; want %v", tc.text, tc.layout, got, ok, tc.want)
		}
	}
}

func TestParseDate_NoYearWithoutClock(t *testing.T) {
	if got, ok := parseDate("4 June", "2 January", time.Time{}); ok {
		t.Errorf("parseDate without a clock = %v; want no date", got)
	}
}

func TestParseDatetime(t *testing.T) {
	tests := []struct {
		attr string
		want time.Time
	}{
		{"2026-11-28", date(2026, 11, 28, 0, 0)},
		{" 2026-11-28T09:30 ", date(2026, 11, 28, 9, 30)},
		{"2026-11-28T09:30Z", date(2026, 11, 28, 9, 30)},
		{"2026-11-28T09:30:00+07:00", date(2026, 11, 28, 2, 30)},
		{"2026-11-28T09:30:00.123+0700", time.Date(2026, 11, 28, 2, 30, 0, 123e6, time.UTC)},
		{"2026-11-28 09:30:00", date(2026, 11, 28, 9, 30)},
		{"28 November 2026", time.Time{}}, // an attribute is ISO or nothing
		{"P2D", time.Time{}},              // a duration is valid HTML, not a date
		{"", time.Time{}},
	}
	for _, tc := range tests {
		got, ok := parseDatetime(tc.attr, now)
		if !got.Equal(tc.want) || ok == tc.want.IsZero() {
			t.Errorf("parseDatetime(%q) = %v, %v; want %v", tc.attr, got, ok, tc.want)
		}
	}
}
