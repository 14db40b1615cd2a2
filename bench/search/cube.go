package main

import (
	"context"
	"slices"

	"github.com/takedownwatch/takedownwatch/index"
)

// cube is the fake store behind index.Aggregates in the bench: the counts a
// store keeps as it commits posts (a table of post counts per actor,
// affiliation, state, reason, platform, language and month, maintained on
// insert), summed the way SQL would answer
//
//	SELECT actor, SUM(n) FROM post_counts WHERE affiliation IN (...) AND ...
//	GROUP BY actor
//
// It answers filter-only queries with whole-month (or no) date bounds on
// published, and declines everything else (text queries, removal-time
// bounds), as a store without full-text counts must.
type cube struct {
	cells map[cell]int
}

type cell struct {
	actor, affiliation, state, reason, platform, language, month string
}

func newCube() *cube { return &cube{cells: map[cell]int{}} }

func (c *cube) add(d *index.Doc) {
	c.cells[cell{d.Actor, d.Affiliation, d.State, d.Reason, d.Platform, d.Language,
		d.Published.UTC().Format("2006-01")}]++
}

func (c *cube) Aggregate(_ context.Context, q index.Query, facets []string, size int) (*index.Aggregate, error) {
	if q.HasText() || !q.RemovedSince.IsZero() || !q.RemovedUntil.IsZero() {
		return nil, nil
	}
	sinceMonth, untilMonth := "", ""
	if !q.Since.IsZero() {
		s := q.Since.UTC()
		if s.Day() != 1 || s.Hour() != 0 || s.Minute() != 0 || s.Second() != 0 || s.Nanosecond() != 0 {
			return nil, nil
		}
		sinceMonth = s.Format("2006-01")
	}
	if !q.Until.IsZero() {
		u := q.Until.UTC().Add(1) // inclusive end: the last instant of a month
		if u.Day() != 1 || u.Hour() != 0 || u.Minute() != 0 || u.Second() != 0 || u.Nanosecond() != 0 {
			return nil, nil
		}
		untilMonth = u.AddDate(0, -1, 0).Format("2006-01")
	}
	in := func(list []string, v string) bool { return len(list) == 0 || slices.Contains(list, v) }
	sums := map[string]map[string]int{}
	for _, f := range facets {
		sums[f] = map[string]int{}
	}
	var total uint64
	for k, n := range c.cells {
		if !in(q.States, k.state) || !in(q.Reasons, k.reason) || !in(q.Actors, k.actor) ||
			!in(q.Affiliations, k.affiliation) || !in(q.Platforms, k.platform) || !in(q.Languages, k.language) ||
			(sinceMonth != "" && k.month < sinceMonth) || (untilMonth != "" && k.month > untilMonth) {
			continue
		}
		total += uint64(n)
		for _, f := range facets {
			var v string
			switch f {
			case "actor":
				v = k.actor
			case "affiliation":
				v = k.affiliation
			case "reason":
				v = k.reason
			case "platform":
				v = k.platform
			case "month":
				v = k.month
			}
			if v != "" {
				sums[f][v] += n
			}
		}
	}
	out := map[string][]index.FacetCount{}
	for f, m := range sums {
		list := make([]index.FacetCount, 0, len(m))
		for t, n := range m {
			list = append(list, index.FacetCount{Term: t, Count: n})
		}
		index.SortFacet(list)
		if len(list) > size {
			list = list[:size]
		}
		out[f] = list
	}
	return &index.Aggregate{Total: total, Facets: out}, nil
}
