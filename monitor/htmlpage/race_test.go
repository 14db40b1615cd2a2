//go:build race

package htmlpage

// raceEnabled: the race detector slows parsing some twentyfold, so huge
// pages are made smaller under it.
const raceEnabled = true
