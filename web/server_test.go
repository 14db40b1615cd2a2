package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/sirupsen/logrus"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/feeds"
)

type fakeCounter struct {
	counts store.Counts
	err    error
	feeds.Source
}

func (f fakeCounter) Counts(context.Context) (store.Counts, error) { return f.counts, f.err }

func TestHandler_Healthz(t *testing.T) {
	tests := []struct {
		name       string
		st         fakeCounter
		wantStatus int
		wantField  string
	}{
		{"database answers", fakeCounter{counts: store.Counts{Posts: 7}}, 200, "ok"},
		{"database down", fakeCounter{err: errors.New("disk I/O error")}, 503, "unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := New(Options{Store: tt.st, Log: logrus.NewEntry(logrus.New())})
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
			if rec.Code != tt.wantStatus {
				t.Fatalf("status %d, want %d", rec.Code, tt.wantStatus)
			}
			var body map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatal(err)
			}
			if body["status"] != tt.wantField {
				t.Errorf("status field %v, want %s", body["status"], tt.wantField)
			}
			if tt.wantStatus == 200 && body["posts"] != float64(7) {
				t.Errorf("posts %v, want 7", body["posts"])
			}
		})
	}
}
