package wacz

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
)

// TestSorter_SpillsAndMerges sorts more lines than it holds in memory:
// the runs on disk merge into one sorted index, and are removed after.
func TestSorter_SpillsAndMerges(t *testing.T) {
	for _, n := range []int{0, 1, 50, 5000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			dir := t.TempDir()
			s := &sorter{dir: dir, limit: 4096}
			r := rand.New(rand.NewPCG(1, uint64(n)))
			var want []string
			for i := 0; i < n; i++ {
				l := fmt.Sprintf("org,example)/p/%d 2026%010d {\"url\":\"x\"}", r.IntN(n/3+1), r.IntN(1e9))
				want = append(want, l)
				if err := s.add(l); err != nil {
					t.Fatal(err)
				}
			}
			if n == 5000 && len(s.runs) < 10 {
				t.Errorf("%d runs for %d lines: the memory limit is not kept", len(s.runs), n)
			}
			var b bytes.Buffer
			got, err := s.writeTo(&b)
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(want)
			wantText := strings.Join(want, "\n")
			if n > 0 {
				wantText += "\n"
			}
			if got != n || b.String() != wantText {
				t.Errorf("wrote %d lines, want %d sorted", got, n)
			}
			s.cleanup()
			if left, _ := os.ReadDir(dir); len(left) != 0 {
				t.Errorf("runs left behind: %v", left)
			}
		})
	}
}
