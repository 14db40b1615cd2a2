//go:build !race

package reports_test

const raceDetector = false
