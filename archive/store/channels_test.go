package store

import (
	"errors"
	"testing"
	"time"
)

// TestChannelAttempt: failures count in a row, a success resets the count
// and keeps the last error for the record; channels never fetched are not
// listed.
func TestChannelAttempt(t *testing.T) {
	s, _ := openTemp(t)
	defer s.Close()
	ctx := t.Context()
	t0 := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
	attempt := func(id string, at time.Time, err error) {
		t.Helper()
		if err := s.Write(ctx, func(tx *Tx) error { return tx.ChannelAttempt(id, at, err) }); err != nil {
			t.Fatal(err)
		}
	}
	health := func() []ChannelHealth {
		t.Helper()
		list, err := s.ReportChannels(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return list
	}
	attempt("moi", t0, errors.New("status 500"))
	attempt("moi", t0.Add(time.Hour), errors.New("status 503: try later"))
	attempt("lumen", t0, nil)
	got := health()
	want := []ChannelHealth{
		{ID: "lumen", LastSuccess: t0},
		{ID: "moi", LastError: t0.Add(time.Hour), Error: "status 503: try later", Failures: 2},
	}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("after two failures and a success:\n got %+v\nwant %+v", got, want)
	}
	attempt("moi", t0.Add(2*time.Hour), nil)
	if got := health()[1]; got.Failures != 0 || !got.LastSuccess.Equal(t0.Add(2*time.Hour)) || got.Error != "status 503: try later" {
		t.Errorf("after a success: %+v, want 0 failures, the success, the last error kept", got)
	}
}
