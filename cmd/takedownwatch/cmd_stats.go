package main

import (
	"flag"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/stats"
)

// statsFlags are the flags of `export stats` beyond the shared filters.
type statsFlags struct {
	corrections, restricted bool
}

func (s *statsFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&s.corrections, "corrections", false, "stats: count removals flagged likely_correction (left out by default)")
	fs.BoolVar(&s.restricted, "restricted", false, "stats: count restrictions as removals with reason restricted (left out by default)")
}

// check refuses the stats flags on other kinds.
func (s *statsFlags) check(kind string) error {
	if (s.corrections || s.restricted) && kind != "stats" {
		return usagef("export: --corrections and --restricted apply to stats")
	}
	return nil
}

func (s *statsFlags) options(f store.Filter) stats.Options {
	return stats.Options{Filter: f, Corrections: s.corrections, Restricted: s.restricted}
}
