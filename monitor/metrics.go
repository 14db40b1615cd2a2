package monitor

import (
	"math"
	"sort"
)

// AnomalyRule flags a jump in an account metric (bought followers, a mass
// unfollow): the change from the last value must be at least MinChangePct
// percent of it AND at least RobustZ robust z-scores away from the
// account's usual changes (median and median absolute deviation), so steady
// growth, however fast, is never flagged, and one jump is flagged once.
type AnomalyRule struct {
	MinChangePct float64
	RobustZ      float64
}

// minChanges is how many earlier changes a series needs before a change
// can be judged unusual.
const minChanges = 3

// Anomalous reports whether value is a jump, given the earlier values of
// the series, oldest first.
func (r AnomalyRule) Anomalous(history []float64, value float64) bool {
	if len(history) < minChanges+1 {
		return false
	}
	last := history[len(history)-1]
	change := value - last
	if math.Abs(change) < r.MinChangePct/100*math.Max(math.Abs(last), 1) {
		return false
	}
	changes := make([]float64, len(history)-1)
	for i := 1; i < len(history); i++ {
		changes[i-1] = history[i] - history[i-1]
	}
	med := median(changes)
	dev := make([]float64, len(changes))
	for i, c := range changes {
		dev[i] = math.Abs(c - med)
	}
	// 1.4826·MAD estimates the standard deviation of normal noise; the
	// floor of one unit keeps a perfectly steady series from dividing by 0.
	scale := math.Max(1.4826*median(dev), 1)
	return math.Abs(change-med)/scale >= r.RobustZ
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	n := len(s)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
