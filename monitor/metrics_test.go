package monitor

import "testing"

func TestAnomalyRule_Anomalous(t *testing.T) {
	rule := AnomalyRule{MinChangePct: 20, RobustZ: 5}
	tests := []struct {
		name    string
		history []float64
		value   float64
		want    bool
	}{
		{"too little history", []float64{100, 110, 120}, 10000, false},
		{"steady growth", []float64{1000, 1010, 1020, 1030}, 1040, false},
		{"fast steady growth", []float64{1000, 1500, 2000, 2500}, 3000, false},
		{"bought followers", []float64{1000, 1010, 1020, 1030}, 5030, true},
		{"mass unfollow", []float64{5000, 5010, 5020, 5030}, 2000, true},
		{"noisy but ordinary", []float64{1000, 1040, 1020, 1070, 1060}, 1100, false},
		{"large in z but small in percent", []float64{100000, 100001, 100002, 100003}, 100900, false},
		{"large in percent but usual for the account", []float64{10, 30, 10, 30, 10}, 30, false},
	}
	for _, tt := range tests {
		if got := rule.Anomalous(tt.history, tt.value); got != tt.want {
			t.Errorf("%s: Anomalous(%v, %v) = %v, want %v", tt.name, tt.history, tt.value, got, tt.want)
		}
	}
}
