package store

import (
	"database/sql"
	"math/rand/v2"
	"testing"
	"time"
)

// parseStored must read exactly what time.Parse reads in timeLayout, and
// give way on everything else.
func TestParseStored(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"2026-11-28T17:30:01.123456Z", true},
		{"2024-02-29T00:00:00.000000Z", true},
		{"0001-01-01T00:00:00.000000Z", true},
		{"2025-02-29T00:00:00.000000Z", false}, // no such day
		{"2026-04-31T00:00:00.000000Z", false},
		{"2026-13-01T00:00:00.000000Z", false},
		{"2026-00-01T00:00:00.000000Z", false},
		{"2026-01-01T24:00:00.000000Z", false},
		{"2026-01-01T23:60:00.000000Z", false},
		{"2026-01-01T23:59:60.000000Z", false},
		{"2026-01-01T23:59:59.00000aZ", false},
		{"2026-01-01 23:59:59.000000Z", false},
		{"2026-01-01T23:59:59Z", false}, // RFC 3339: time.Parse's job
		{"", false},
	} {
		got, ok := parseStored(tc.in)
		want, err := time.Parse(timeLayout, tc.in)
		if ok != tc.ok || ok != (err == nil) {
			t.Errorf("parseStored(%q) ok = %v, want %v (time.Parse: %v)", tc.in, ok, tc.ok, err)
			continue
		}
		if ok && !got.Equal(want) {
			t.Errorf("parseStored(%q) = %v, time.Parse = %v", tc.in, got, want)
		}
	}
	// Through parseTime, the RFC 3339 fallback still works.
	if got := parseTime(sql.NullString{String: "2026-01-01T23:59:59Z", Valid: true}); got.IsZero() {
		t.Error("parseTime dropped an RFC 3339 time")
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		want := time.Unix(r.Int64N(1<<36)-1<<35, r.Int64N(1e9)).UTC().Truncate(time.Microsecond)
		if want.Year() < 0 || want.Year() > 9999 {
			continue
		}
		if got, ok := parseStored(formatTime(want)); !ok || !got.Equal(want) {
			t.Fatalf("parseStored(%q) = %v, %v; want %v", formatTime(want), got, ok, want)
		}
	}
}
