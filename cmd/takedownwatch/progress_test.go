package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestDrawProgress(t *testing.T) {
	tests := []struct {
		name  string
		calls [][2]int // done, total
		want  string   // the last line drawn
		lines int      // lines ended
	}{
		{"counted", [][2]int{{1, 4}, {2, 4}, {3, 4}, {4, 4}, {4, 4}}, "export events [##############################] 4/4 (100%)", 1},
		{"half way", [][2]int{{1, 2}}, "export events [###############               ] 1/2 (50%)", 0},
		{"unknown total", [][2]int{{1, 0}, {2, 0}, {3, 0}, {3, 3}}, "export events [##############################] 3/3 (100%)", 1},
		{"rows added after the count", [][2]int{{1, 1}, {2, 1}}, "export events [##############################] 1/1 (100%)", 1},
		{"overtaken before the end", [][2]int{{2, 1}}, "export events 2 rows", 0},
		{"nothing to export", [][2]int{{0, 0}}, "export events 0 rows", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			draw := drawProgress(&b, "export events", 0) // redraw on every call
			for _, c := range tt.calls {
				draw(c[0], c[1])
			}
			out := b.String()
			if got := strings.Count(out, "\n"); got != tt.lines {
				t.Errorf("%d lines ended, want %d: %q", got, tt.lines, out)
			}
			draws := strings.Split(strings.TrimSuffix(out, "\n"), "\r")
			if last := draws[len(draws)-1]; last != tt.want {
				t.Errorf("last drawn %q, want %q", last, tt.want)
			}
		})
	}
	// Within the interval only the final line is drawn.
	var b bytes.Buffer
	draw := drawProgress(&b, "x", time.Hour)
	draw(1, 3)
	draw(2, 3)
	draw(3, 3)
	if got := strings.Count(b.String(), "\r"); got != 2 {
		t.Errorf("%d redraws within the interval, want the first and the final: %q", got, b.String())
	}
}
