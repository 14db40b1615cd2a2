//go:build race

package monitor_test

// raceDetector says the tests run under -race, where the pure-Go SQLite is
// about ten times slower: the random scenarios then run one seed per
// platform, and .ci/run runs every seed again without -race.
const raceDetector = true
