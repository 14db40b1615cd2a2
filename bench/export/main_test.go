package main

import (
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/archive"
	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/export"
	"github.com/takedownwatch/takedownwatch/stats"
)

// TestSmoke fills a small archive the way the benchmark does and checks
// what the benchmark relies on: the count it asked for, and --until
// selecting exactly the first rows (events are one second apart).
func TestSmoke(t *testing.T) {
	ctx := t.Context()
	dir := filepath.Join(t.TempDir(), "data")
	n, err := populate(ctx, dir, 200)
	if err != nil || n != 200 {
		t.Fatalf("populate: %d events, %v", n, err)
	}
	if got, err := filled(ctx, dir); err != nil || got != 200 {
		t.Fatalf("filled: %d, %v", got, err)
	}
	a, err := archive.OpenReader(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	for _, rows := range []int{1, 73, 200} {
		f := store.Filter{Until: t0.Add(time.Duration(rows+1) * time.Second)}
		for _, format := range []export.Format{export.CSV, export.JSONL} {
			if got, err := export.Write(ctx, io.Discard, format, export.Events(a.Store, f)); err != nil || got != rows {
				t.Errorf("%s until row %d: %d rows, %v", format, rows, got, err)
			}
		}
		if got, err := rawScan(ctx, a.Store.DB(), io.Discard, rows); err != nil || got != rows {
			t.Errorf("raw scan of %d: %d rows, %v", rows, got, err)
		}
	}
	// The stats measurement: one row per group and period at least.
	if got, err := export.Write(ctx, io.Discard, export.CSV, export.Stats(a.Store, stats.Options{})); err != nil || got < 2 {
		t.Errorf("stats: %d rows, %v", got, err)
	}
}
