package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	logtest "github.com/sirupsen/logrus/hooks/test"
)

// A client that hangs up mid-request is not an archive failure: under load
// (wrk closing its connections) such requests must not fill the log with
// errors, while real failures still do.
func TestInternal_CanceledIsNotAnError(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		wantStatus int
		wantLevel  logrus.Level
	}{
		{"client went away", fmt.Errorf("index: load hits: %w", context.Canceled), http.StatusServiceUnavailable, logrus.DebugLevel},
		{"database broken", errors.New("store: events: disk I/O error"), http.StatusInternalServerError, logrus.ErrorLevel},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logger, hook := logtest.NewNullLogger()
			logger.SetLevel(logrus.DebugLevel)
			h := &Handler{log: logrus.NewEntry(logger)}
			rec := httptest.NewRecorder()
			h.internal(rec, "api search", tt.err)
			if rec.Code != tt.wantStatus {
				t.Errorf("status %d, want %d", rec.Code, tt.wantStatus)
			}
			if e := hook.LastEntry(); e == nil || e.Level != tt.wantLevel {
				t.Errorf("logged %+v, want one entry at %v", e, tt.wantLevel)
			}
		})
	}
}

func TestFmtTook(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{412345 * time.Nanosecond, "410µs"},
		{4 * time.Microsecond, "0s"},
		{999 * time.Microsecond, "1ms"},
		{23456 * time.Microsecond, "23ms"},
		{1500 * time.Millisecond, "1.5s"},
	} {
		if got := fmtTook(c.d); got != c.want {
			t.Errorf("fmtTook(%v) = %q, want %q", c.d, got, c.want)
		}
	}
}

// downsample keeps a short series whole, and of a long one at most four
// readings a bucket, in time order, with its ends, its lowest and highest
// readings and a jump in the middle where it happens.
func TestDownsample(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	series := func(n int, y func(i int) float64) ([]time.Time, []float64) {
		xs, ys := make([]time.Time, n), make([]float64, n)
		for i := range n {
			xs[i], ys[i] = t0.Add(time.Duration(i)*5*time.Minute), y(i)
		}
		return xs, ys
	}
	xs, ys := series(40, func(i int) float64 { return float64(i) })
	if ox, oy := downsample(xs, ys, 10); len(ox) != 40 || len(oy) != 40 {
		t.Errorf("a series of 4n readings: %d kept", len(ox))
	}
	// a year of five-minute readings: slow growth, a dip and a jump
	xs, ys = series(105000, func(i int) float64 {
		switch {
		case i == 30000:
			return -500 // a dip of one reading
		case i >= 70000:
			return 1e6 + float64(i) // bought followers
		}
		return 1000 + float64(i)/100
	})
	ox, oy := downsample(xs, ys, 400)
	if len(ox) > 1600 || len(ox) != len(oy) {
		t.Fatalf("%d times, %d values; want at most 1600 each", len(ox), len(oy))
	}
	for i := 1; i < len(ox); i++ {
		if !ox[i].After(ox[i-1]) {
			t.Fatalf("times out of order at %d", i)
		}
	}
	if !ox[0].Equal(xs[0]) || !ox[len(ox)-1].Equal(xs[len(xs)-1]) || oy[len(oy)-1] != ys[len(ys)-1] {
		t.Errorf("the ends are not kept")
	}
	has := func(x time.Time, y float64) bool {
		for i := range ox {
			if ox[i].Equal(x) && oy[i] == y {
				return true
			}
		}
		return false
	}
	if !has(xs[30000], -500) {
		t.Errorf("the dip is not kept")
	}
	// the jump: within a bucket of it (a pixel or two) a reading before it
	// and one after it, so that the line rises where it did
	width := xs[len(xs)-1].Sub(xs[0]) / 400
	before, after := false, false
	for i := range ox {
		if d := xs[70000].Sub(ox[i]); d > 0 && d <= width && oy[i] < 2000 {
			before = true
		}
		if d := ox[i].Sub(xs[70000]); d >= 0 && d <= width && oy[i] >= 1e6 {
			after = true
		}
	}
	if !before || !after {
		t.Errorf("the jump's two sides are not kept: before %v, after %v", before, after)
	}
}

func TestFmtLag(t *testing.T) {
	for d, want := range map[time.Duration]string{
		64 * time.Second:               "64 seconds",
		time.Second:                    "1 second",
		5*time.Minute + 10*time.Second: "5 minutes",
		2*time.Hour + 5*time.Minute:    "2 hours 5 minutes",
		3 * time.Hour:                  "3 hours",
		76 * time.Hour:                 "3 days 4 hours",
		24 * time.Hour:                 "1 day",
	} {
		if got := fmtLag(d); got != want {
			t.Errorf("fmtLag(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestTextLang(t *testing.T) {
	for s, want := range map[string]string{
		"រាជរដ្ឋាភិបាលកម្ពុជា សូមជម្រាប": "km",
		"Prime Minister Hun Sen said":         "",
		"ประกาศ สำนักงาน":                     "th",
		"Breaking: រាជរដ្ឋាភិបាល":             "km", // mostly Khmer letters
		"A long English sentence with ១ word": "",
		"":                                    "",
	} {
		if got := textLang(s); got != want {
			t.Errorf("textLang(%q) = %q, want %q", s, got, want)
		}
	}
}
