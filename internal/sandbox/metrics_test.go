package sandbox

import "testing"

func TestAccount_SetMetric(t *testing.T) {
	sb, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	a := sb.AddAccount(0, "acc")
	a.SetMetric("followers", 10)
	a.SetMetric("followers", 25)
	a.SetMetric("posts", 3)
	m := a.Metrics()
	if m["followers"] != 25 || m["posts"] != 3 || len(m) != 2 {
		t.Fatalf("metrics %v", m)
	}
	m["followers"] = 0
	if a.Metrics()["followers"] != 25 {
		t.Error("Metrics returned the account's own map")
	}
	var got []string
	for _, act := range sb.Log() {
		if act.Kind == MetricSet {
			got = append(got, act.Detail)
		}
	}
	if len(got) != 3 || got[1] != "followers=25" {
		t.Errorf("logged %v", got)
	}
}
