package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// AggFilter selects posts to count for search facets.
type AggFilter struct {
	States, Reasons, Actors, Affiliations, Platforms []string
	Since, Until                                     time.Time // published (else first seen), inclusive
	RemovedSince, RemovedUntil                       time.Time // first seen missing of removed posts, inclusive
}

// aggFacets are the facets Aggregate counts, by their SQL expressions.
var aggFacets = map[string]string{
	"actor":       "s.actor_id",
	"affiliation": "a.affiliation",
	"reason":      "p.reason",
	"platform":    "p.platform",
	"month":       "substr(coalesce(p.published, p.first_seen), 1, 7)",
}

// Aggregate counts the posts f selects and, for each facet, the top size
// terms among them: what a search without text would walk every hit for.
func (s *Store) Aggregate(ctx context.Context, f AggFilter, facets []string, size int) (int, map[string][]Count, error) {
	var conds []string
	var args []any
	in := func(expr string, vals []string) {
		if len(vals) > 0 {
			b, _ := json.Marshal(vals)
			conds, args = append(conds, expr+" IN (SELECT value FROM json_each(?))"), append(args, string(b))
		}
	}
	in("p.state", f.States)
	in("p.reason", f.Reasons)
	in("s.actor_id", f.Actors)
	in("a.affiliation", f.Affiliations)
	in("p.platform", f.Platforms)
	published := "coalesce(p.published, p.first_seen)"
	if !f.Since.IsZero() {
		conds, args = append(conds, published+" >= ?"), append(args, formatTime(f.Since))
	}
	if !f.Until.IsZero() {
		conds, args = append(conds, published+" <= ?"), append(args, formatTime(f.Until))
	}
	if !f.RemovedSince.IsZero() || !f.RemovedUntil.IsZero() {
		conds = append(conds, "p.state = 'removed'")
	}
	if !f.RemovedSince.IsZero() {
		conds, args = append(conds, "p.first_seen_missing >= ?"), append(args, formatTime(f.RemovedSince))
	}
	if !f.RemovedUntil.IsZero() {
		conds, args = append(conds, "p.first_seen_missing <= ?"), append(args, formatTime(f.RemovedUntil))
	}
	from := ` FROM posts p LEFT JOIN sources s ON s.id = p.source_id LEFT JOIN actors a ON a.id = s.actor_id`
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	var total int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*)`+from+where, args...).Scan(&total); err != nil {
		return 0, nil, fmt.Errorf("store: aggregate: %w", err)
	}
	out := map[string][]Count{}
	for _, name := range facets {
		expr, ok := aggFacets[name]
		if !ok {
			continue
		}
		rows, err := s.r.QueryContext(ctx, `SELECT `+expr+` AS term, count(*) AS n`+from+where+
			` GROUP BY term HAVING term IS NOT NULL AND term <> '' ORDER BY n DESC, term LIMIT ?`, append(args, size)...)
		if err != nil {
			return 0, nil, fmt.Errorf("store: aggregate %s: %w", name, err)
		}
		for rows.Next() {
			var c Count
			if err := rows.Scan(&c.Term, &c.Count); err != nil {
				rows.Close()
				return 0, nil, err
			}
			out[name] = append(out[name], c)
		}
		rows.Close()
	}
	return total, out, nil
}
