package reports

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/takedownwatch/takedownwatch/internal/clip"
)

// ErrNoZone is a time of day without a time zone: it could be any of 26
// hours, and a report's lag is counted in seconds.
var ErrNoZone = errors.New("a time of day needs a time zone (Z or ±hh:mm)")

// zoned are the layouts accepted for a filing time: RFC 3339 as the record
// says, and what Lumen and Rails write ("2013-05-21 10:01:01 -04:00").
var zoned = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05 Z07:00",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05.999999999 -0700 MST", // Go's own String
	time.RFC1123Z,
	time.RFC1123,
}

// unzoned are layouts that parse but lack the zone a time of day needs.
var unzoned = []string{"2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02 15:04"}

// parseTime reads a filing time: RFC 3339 and the forms in zoned, or a
// bare date ("2024-03-01"), which is that day's midnight UTC.
func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, ErrRequired
	}
	for _, layout := range zoned {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	for _, layout := range unzoned {
		if _, err := time.Parse(layout, s); err == nil {
			return time.Time{}, fmt.Errorf("%q: %w", clip.Text(s, 121), ErrNoZone)
		}
	}
	return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time", clip.Text(s, 121))
}
