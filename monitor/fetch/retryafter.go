package fetch

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// maxRetryAfter bounds what a host may ask for, so a huge number cannot
// overflow a Duration; any wait this long fails every fetch fast anyway.
const maxRetryAfter = 7 * 24 * time.Hour

// RetryAfterError is a fetch not made because its host asked, with
// Retry-After, for a wait longer than the caller can afford. Nothing was
// sent and nothing archived.
type RetryAfterError struct {
	Host  string    // host:port
	Until time.Time // no request to Host before this
	Wait  time.Duration
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("%s asked to wait until %s (Retry-After, %s from now): not fetched",
		e.Host, e.Until.UTC().Format(time.RFC3339), e.Wait.Round(time.Millisecond))
}

// parseRetryAfter reads a Retry-After value, delay-seconds or an HTTP
// date (RFC 9110 §10.2.3), as a wait from now. Values in the past or
// unreadable give no wait.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	var d time.Duration
	if secs, err := strconv.ParseUint(v, 10, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		d = maxRetryAfter
		if secs < uint64(maxRetryAfter/time.Second) {
			d = time.Duration(secs) * time.Second
		}
	} else if t, err := http.ParseTime(v); err == nil {
		d = min(t.Sub(now), maxRetryAfter)
	}
	if d <= 0 {
		return 0, false
	}
	return d, true
}
