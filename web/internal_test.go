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
