//go:build !linux && !darwin

package main

import "time"

// cpuTime is not measured on this system.
func cpuTime() time.Duration { return 0 }

// peakRSS is not measured on this system.
func peakRSS() int64 { return 0 }

// rssSplit is not measured on this system.
func rssSplit() (anon, file int64) { return 0, 0 }

// sampleAnon is not measured on this system.
func sampleAnon() (stop func() int64) { return func() int64 { return 0 } }
