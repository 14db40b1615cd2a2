package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// putCaptures stores captures of url at each time, with records, and one
// without (a failed fetch), which no lookup may return.
func putCaptures(tb testing.TB, s *Store, url string, ats ...time.Time) []*Capture {
	tb.Helper()
	var out []*Capture
	err := s.Write(context.Background(), func(tx *Tx) error {
		for i, at := range ats {
			c := &Capture{URL: url, Kind: "listing", At: at, Status: 200, PayloadDigest: "sha1:A", BlockDigest: "sha1:B",
				RecordType: "response", RecordID: "<urn:uuid:r>", WARCFile: "a.warc.gz", WARCOffset: int64(i * 100), WARCLength: 90}
			if err := tx.InsertCapture(c); err != nil {
				return err
			}
			out = append(out, c)
		}
		return tx.InsertCapture(&Capture{URL: url, Kind: "listing", At: ats[0].Add(-time.Hour), Error: "timeout"})
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func TestCaptureNear(t *testing.T) {
	s, _ := openTemp(t)
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	const u = "https://example.org/feed.xml"
	caps := putCaptures(t, s, u, t0, t0.Add(10*time.Minute), t0.Add(10*time.Minute), t0.Add(time.Hour))
	for _, tt := range []struct {
		name string
		at   time.Time
		want int64
	}{
		{"before the first", t0.Add(-24 * time.Hour), caps[0].ID},
		{"exactly the first", t0, caps[0].ID},
		{"nearer the first", t0.Add(4 * time.Minute), caps[0].ID},
		{"a tie takes the earlier", t0.Add(5 * time.Minute), caps[0].ID},
		{"two at one time: the later row", t0.Add(10 * time.Minute), caps[2].ID},
		{"nearer the next", t0.Add(36 * time.Minute), caps[3].ID},
		{"after the last", t0.Add(24 * time.Hour), caps[3].ID},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := s.CaptureNear(t.Context(), u, tt.at)
			if err != nil || c.ID != tt.want {
				t.Fatalf("got %+v (%v), want capture %d", c, err, tt.want)
			}
		})
	}
	if _, err := s.CaptureNear(t.Context(), "https://example.org/other", t0); !errors.Is(err, ErrNotFound) {
		t.Errorf("a URL never captured: %v, want ErrNotFound", err)
	}
}

func TestCaptureWithinAndSpan(t *testing.T) {
	s, _ := openTemp(t)
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	const u = "https://example.org/feed.xml"
	caps := putCaptures(t, s, u, t0.Add(200*time.Millisecond), t0.Add(900*time.Millisecond), t0.Add(time.Second))
	c, err := s.CaptureWithin(t.Context(), u, t0, t0.Add(time.Second))
	if err != nil || c.ID != caps[1].ID {
		t.Errorf("within the second: %+v (%v), want the newest in it, %d", c, err, caps[1].ID)
	}
	if _, err := s.CaptureWithin(t.Context(), u, t0.Add(-time.Second), t0); !errors.Is(err, ErrNotFound) {
		t.Errorf("a second without captures: %v, want ErrNotFound", err)
	}
	span, err := s.CaptureSpanOf(t.Context(), u)
	if err != nil || span.First.ID != caps[0].ID || span.Last.ID != caps[2].ID {
		t.Errorf("span %+v (%v), want %d…%d (the failed fetch left out)", span, err, caps[0].ID, caps[2].ID)
	}
	n := 0
	if err := s.EachCaptureByURL(t.Context(), u, func(*Capture) error { n++; return nil }); err != nil || n != 3 {
		t.Errorf("each: %d captures (%v), want 3", n, err)
	}
	if _, err := s.CaptureSpanOf(t.Context(), "https://example.org/other"); !errors.Is(err, ErrNotFound) {
		t.Errorf("span of a URL never captured: %v, want ErrNotFound", err)
	}
}

// A TimeGate's lookup on a URL fetched every five minutes for a year,
// against reading all its captures (as the TimeGate and every memento did
// before): go test -bench Mementos ./archive/store/
func BenchmarkMementos(b *testing.B) {
	s, err := Open(context.Background(), filepath.Join(b.TempDir(), "meta.db"), false)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const u = "https://example.org/feed.xml"
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ats := make([]time.Time, 105_000)
	for i := range ats {
		ats[i] = t0.Add(time.Duration(i) * 5 * time.Minute)
	}
	putCaptures(b, s, u, ats...)
	mid := t0.Add(180 * 24 * time.Hour)
	b.Run("all-captures", func(b *testing.B) {
		for b.Loop() {
			var caps []*Capture
			err := s.EachCaptureByURL(context.Background(), u, func(c *Capture) error {
				caps = append(caps, c)
				return nil
			})
			if err != nil || len(caps) != len(ats) {
				b.Fatal(len(caps), err)
			}
		}
	})
	b.Run("nearest", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.CaptureNear(context.Background(), u, mid); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// A chain of revisits as archives made before revisits named their
// original hold (each naming the one before) is followed to its original
// in one query, however long; a chain whose original is gone ends in none.
func TestOriginalOf(t *testing.T) {
	s, _ := openTemp(t)
	const u = "https://example.org/feed.xml"
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var chain []*Capture
	err := s.Write(t.Context(), func(tx *Tx) error {
		for i := range 500 {
			c := &Capture{URL: u, Kind: "listing", At: t0.Add(time.Duration(i) * time.Minute), Status: 200, PayloadDigest: "sha1:A",
				RecordType: "response", RecordID: fmt.Sprintf("<urn:uuid:%d>", i), WARCFile: "a.warc.gz", WARCOffset: int64(i * 100), WARCLength: 90}
			if i > 0 {
				c.RecordType, c.RevisitOf, c.Status = "revisit", chain[i-1].ID, 304
			}
			if err := tx.InsertCapture(c); err != nil {
				return err
			}
			chain = append(chain, c)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []*Capture{chain[0], chain[1], chain[499]} {
		o, err := s.OriginalOf(t.Context(), c)
		if err != nil || o.ID != chain[0].ID {
			t.Errorf("original of capture %d: %+v (%v), want %d", c.ID, o, err, chain[0].ID)
		}
	}
	orphan := &Capture{ID: 10_000, RecordType: "revisit", RevisitOf: 9_999}
	if _, err := s.OriginalOf(t.Context(), orphan); !errors.Is(err, ErrNotFound) {
		t.Errorf("a revisit of a capture that is not there: %v, want ErrNotFound", err)
	}
}
