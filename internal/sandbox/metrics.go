package sandbox

import (
	"maps"
	"strconv"
	"time"
)

// SetMetric sets an account metric that platform imitations show in their
// profile answers (followers, following, posts, subscribers, likes).
func (a *Account) SetMetric(name string, v int64) {
	a.change(func(time.Time) Action {
		a.metrics[name] = v
		return Action{Kind: MetricSet, Detail: name + "=" + strconv.FormatInt(v, 10)}
	})
}

// Metrics returns a copy of the account's metrics.
func (a *Account) Metrics() map[string]int64 {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return maps.Clone(a.metrics)
}
