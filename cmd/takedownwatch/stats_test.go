package main

import (
	"encoding/csv"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/takedownwatch/takedownwatch/export"
)

// TestExportStats runs `export stats` on seedArchive's one post: published
// 07:00, last seen live 09:00, first seen missing 10:00 (withheld_legal),
// reported at 09:00. Hours to removal: 2 … 3, midpoint 2.5; report lag 1.
func TestExportStats(t *testing.T) {
	cfg := seededConfig(t, "")

	csvOut, errOut, code := runCLI(t, "export", "stats", "--format", "csv", "--config", cfg)
	if code != 0 {
		t.Fatalf("csv: %d %s", code, errOut)
	}
	jsonOut, errOut, code := runCLI(t, "--config", cfg, "export", "--format", "jsonl", "stats")
	if code != 0 {
		t.Fatalf("jsonl: %d %s", code, errOut)
	}
	records, err := csv.NewReader(strings.NewReader(csvOut)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(records[0], export.StatsColumns) {
		t.Fatalf("csv header %v\nwant %v", records[0], export.StatsColumns)
	}
	lines := strings.Split(strings.TrimSpace(jsonOut), "\n")
	// all, affiliation, actor, platform × (2026-03, all).
	if len(lines) != 8 || len(records) != 9 {
		t.Fatalf("%d jsonl lines, %d csv rows, want 8", len(lines), len(records)-1)
	}
	for i, line := range lines {
		keys, values := orderedObject(t, line)
		if !reflect.DeepEqual(keys, export.StatsColumns) {
			t.Fatalf("jsonl keys %v", keys)
		}
		for j, col := range keys {
			if got, want := records[i+1][j], csvFromJSON(values[j]); got != want {
				t.Errorf("row %d %s: csv %q, jsonl %s", i, col, got, values[j])
			}
		}
	}
	var all map[string]any
	if err := json.Unmarshal([]byte(lines[1]), &all); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"group_by": "all", "group": "all", "period": "all", "posts_seen": 1.0, "removed": 1.0, "removed_withheld_legal": 1.0,
		"removal_rate": 1.0, "median_hours_to_removal": 2.5, "median_hours_to_removal_low": 2.0, "median_hours_to_removal_high": 3.0,
		"p90_hours_to_removal": 2.5, "reported_share": 1.0, "median_report_lag_hours": 1.0, "removed_restricted": nil,
		"includes": []any{}, "rate_ratio": nil, "rate_ratio_method": nil,
	}
	for k, v := range want {
		if !reflect.DeepEqual(all[k], v) {
			t.Errorf("%s = %v, want %v", k, all[k], v)
		}
	}

	// Filters and options.
	out, _, code := runCLI(t, "export", "stats", "--format", "jsonl", "--config", cfg, "--affiliation", "opposition", "--restricted", "--corrections")
	if code != 0 || !strings.Contains(out, `"posts_seen":0`) || !strings.Contains(out, `"removed_restricted":0`) ||
		!strings.Contains(out, `"includes":["likely_corrections","restrictions"]`) {
		t.Errorf("--affiliation opposition --restricted --corrections: %d %s", code, out)
	}
	if _, errOut, code := runCLI(t, "export", "events", "--format", "csv", "--config", cfg, "--restricted"); code != 2 || !strings.Contains(errOut, "apply to stats") {
		t.Errorf("--restricted on events: exit %d %q, want 2", code, errOut)
	}
}
