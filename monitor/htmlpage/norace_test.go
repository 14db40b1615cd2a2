//go:build !race

package htmlpage

const raceEnabled = false
