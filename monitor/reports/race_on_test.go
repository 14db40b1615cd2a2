//go:build race

package reports_test

// raceDetector says the tests run under -race, where the pure-Go SQLite is
// about ten times slower: the report scenario then plays one seed, and
// .ci/run plays every seed again without -race.
const raceDetector = true
