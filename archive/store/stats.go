package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// statsMonth is the month a post counts in for statistics: of its
// publication, else of its first sighting (the time the post filters use).
const statsMonth = `substr(coalesce(p.published, p.first_seen), 1, 7)`

// PostCount is how many posts one actor has on one platform in one month.
type PostCount struct {
	Actor, Affiliation, Platform string
	Month                        string // YYYY-MM (UTC)
	Posts                        int
}

// PostCounts counts the posts f selects by actor, platform and month of
// publication (else first sighting), in SQL: the denominators of the
// statistics, whatever the number of posts.
func (s *Store) PostCounts(ctx context.Context, f Filter) ([]PostCount, error) {
	where, args := f.where("coalesce(p.published, p.first_seen)", "p.platform")
	rows, err := s.r.QueryContext(ctx, `
SELECT coalesce(s.actor_id, ''), coalesce(a.affiliation, ''), p.platform, `+statsMonth+` AS month, count(*)
FROM posts p
LEFT JOIN sources s ON s.id = p.source_id
LEFT JOIN actors a ON a.id = s.actor_id`+where+`
GROUP BY 1, 2, 3, 4 ORDER BY 1, 3, 4`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: post counts: %w", err)
	}
	defer rows.Close()
	var out []PostCount
	for rows.Next() {
		var c PostCount
		if err := rows.Scan(&c.Actor, &c.Affiliation, &c.Platform, &c.Month, &c.Posts); err != nil {
			return nil, fmt.Errorf("store: post counts: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: post counts: %w", err)
	}
	return out, nil
}

// Removal is one removed or restricted event of a post, with what
// statistics need of the post: its group, its month, when it was
// published, and the takedown reports filed before it went.
type Removal struct {
	EventID                      int64
	Type                         string // removed | restricted
	PostID                       string
	Actor, Affiliation, Platform string
	Month                        string // of the post, as in PostCount
	Reason                       string // of removed events
	LikelyCorrection             bool
	// Start is the post's publication time, else its first sighting.
	Start time.Time
	// LastSeenLive … FirstSeenMissing is the removal bracket.
	LastSeenLive, FirstSeenMissing time.Time
	// At is when the event was recorded.
	At time.Time
	// FirstReport is the earliest filing among the reports naming the post
	// filed by FirstSeenMissing (zero: none), as report_lag_seconds uses.
	FirstReport time.Time
	// Restored tells that a restored event of the post follows this one.
	Restored bool
}

// EachRemoval streams the removed and restricted events of the posts f
// selects (by the post's time, as PostCounts), ordered by post and event:
// a post's first removal comes first.
func (s *Store) EachRemoval(ctx context.Context, f Filter, fn func(*Removal) error) error {
	where, args := f.where("coalesce(p.published, p.first_seen)", "p.platform")
	if where == "" {
		where = " WHERE "
	} else {
		where += " AND "
	}
	rows, err := s.r.QueryContext(ctx, `
SELECT e.id, e.type, e.post_id, coalesce(s.actor_id, ''), coalesce(a.affiliation, ''), p.platform, `+statsMonth+`,
    coalesce(e.reason, ''), e.likely_correction, coalesce(p.published, p.first_seen), e.last_seen_live,
    e.first_seen_missing, e.at,
    (SELECT min(r.filed_at) FROM report_posts rt JOIN reports r ON r.id = rt.report_id
        WHERE rt.post_id = e.post_id AND r.filed_at <= coalesce(e.first_seen_missing, e.at)),
    EXISTS (SELECT 1 FROM events x WHERE x.post_id = e.post_id AND x.type = 'restored' AND x.id > e.id)
FROM events e
JOIN posts p ON p.id = e.post_id
LEFT JOIN sources s ON s.id = p.source_id
LEFT JOIN actors a ON a.id = s.actor_id`+where+`e.type IN ('removed', 'restricted')
ORDER BY e.post_id, e.id`, args...)
	if err != nil {
		return fmt.Errorf("store: removals: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r Removal
		var start, live, missing, at, report sql.NullString
		if err := rows.Scan(&r.EventID, &r.Type, &r.PostID, &r.Actor, &r.Affiliation, &r.Platform, &r.Month, &r.Reason,
			&r.LikelyCorrection, &start, &live, &missing, &at, &report, &r.Restored); err != nil {
			return fmt.Errorf("store: removals: %w", err)
		}
		r.Start, r.LastSeenLive, r.FirstSeenMissing = parseTime(start), parseTime(live), parseTime(missing)
		r.At, r.FirstReport = parseTime(at), parseTime(report)
		if err := fn(&r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: removals: %w", err)
	}
	return nil
}
