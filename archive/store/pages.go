package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Actor returns an actor by id, or ErrNotFound.
func (s *Store) Actor(ctx context.Context, id string) (*Actor, error) {
	var a Actor
	err := s.r.QueryRowContext(ctx, `SELECT id, name, affiliation, country, notes FROM actors WHERE id = ?`, id).
		Scan(&a.ID, &a.Name, &a.Affiliation, &a.Country, &a.Notes)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: actor %s: %w", id, err)
	}
	return &a, nil
}

// PostRowByID returns one post with what exports show of it.
func (s *Store) PostRowByID(ctx context.Context, id string) (*PostRow, error) {
	var out *PostRow
	err := s.eachPostWhere(ctx, " WHERE p.id = ?", []any{id}, " LIMIT 1", func(p *PostRow) error {
		out = p
		return nil
	})
	if err != nil {
		return nil, err
	}
	if out == nil {
		return nil, ErrNotFound
	}
	return out, nil
}

// RecentPosts returns a page of posts matching f, newest first sight first.
func (s *Store) RecentPosts(ctx context.Context, f Filter, offset, limit int) ([]*PostRow, error) {
	where, args := f.where("coalesce(p.published, p.first_seen)", "p.platform")
	// The page is chosen first, on the sort key alone: eachPostWhere's
	// columns (versions, reports, text) are subqueries, and sorting its
	// rows computed them for every post of the actor (38 ms for one with
	// 3,871 posts; seconds for an account of a hundred thousand).
	page := fmt.Sprintf(` WHERE p.id IN (SELECT p.id FROM posts p
LEFT JOIN sources s ON s.id = p.source_id
LEFT JOIN actors a ON a.id = s.actor_id%s ORDER BY p.first_seen DESC, p.id LIMIT %d OFFSET %d)`, where, limit, offset)
	var out []*PostRow
	err := s.eachPostWhere(ctx, page, args, " ORDER BY p.first_seen DESC, p.id",
		func(p *PostRow) error {
			out = append(out, p)
			return nil
		})
	return out, err
}

// EachCaptureByURL calls fn for every capture of url that has records,
// oldest first (the mementos of a TimeMap): a URL fetched every few
// minutes has a hundred thousand in a year, never all in memory at once.
func (s *Store) EachCaptureByURL(ctx context.Context, url string, fn func(*Capture) error) error {
	rows, err := s.r.QueryContext(ctx, `SELECT `+captureColumns+` FROM captures WHERE url = ? AND warc_file <> '' ORDER BY at, id`, url)
	if err != nil {
		return fmt.Errorf("store: captures of %s: %w", url, err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanCapture(rows)
		if err != nil {
			return fmt.Errorf("store: captures of %s: %w", url, err)
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: captures of %s: %w", url, err)
	}
	return nil
}

// CaptureSpan is the oldest and the newest capture of a URL.
type CaptureSpan struct{ First, Last *Capture }

// CaptureSpanOf returns the oldest and the newest capture of url that
// have records, or ErrNotFound.
func (s *Store) CaptureSpanOf(ctx context.Context, url string) (CaptureSpan, error) {
	first, err := s.captureOfURL(ctx, url, `ORDER BY at, id LIMIT 1`)
	if err != nil {
		return CaptureSpan{}, err
	}
	last, err := s.captureOfURL(ctx, url, `ORDER BY at DESC, id DESC LIMIT 1`)
	if err != nil {
		return CaptureSpan{}, err
	}
	return CaptureSpan{First: first, Last: last}, nil
}

// CaptureNear returns the capture of url with records nearest in time to
// t (the earlier one on a tie), or ErrNotFound: a TimeGate's choice,
// found by the (url, at) index rather than by reading every capture.
func (s *Store) CaptureNear(ctx context.Context, url string, t time.Time) (*Capture, error) {
	at := formatTime(t)
	before, err := s.captureOfURL(ctx, url, `AND at <= ? ORDER BY at DESC, id DESC LIMIT 1`, at)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	after, err := s.captureOfURL(ctx, url, `AND at > ? ORDER BY at, id LIMIT 1`, at)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	switch {
	case before == nil && after == nil:
		return nil, ErrNotFound
	case before == nil:
		return after, nil
	case after == nil:
		return before, nil
	}
	if t.Sub(before.At) <= after.At.Sub(t) {
		return before, nil
	}
	return after, nil
}

// CaptureWithin returns the newest capture of url with records at or
// after from and before until, or ErrNotFound: a memento named by a
// timestamp in whole seconds.
func (s *Store) CaptureWithin(ctx context.Context, url string, from, until time.Time) (*Capture, error) {
	return s.captureOfURL(ctx, url, `AND at >= ? AND at < ? ORDER BY at DESC, id DESC LIMIT 1`, formatTime(from), formatTime(until))
}

// captureOfURL returns the first capture of url with records that the
// rest of the query (conditions, order, limit) picks, or ErrNotFound.
func (s *Store) captureOfURL(ctx context.Context, url, rest string, args ...any) (*Capture, error) {
	return oneCapture(ctx, s.r, "capture of "+url, `SELECT `+captureColumns+` FROM captures WHERE url = ? AND warc_file <> '' `+rest,
		append([]any{url}, args...)...)
}

// MediaOf returns the media captures linked to a version.
func (s *Store) MediaOf(ctx context.Context, versionID int64) ([]*Capture, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+prefixed("c.", captureColumns)+` FROM version_media m JOIN captures c ON c.id = m.capture_id
WHERE m.version_id = ? ORDER BY c.id`, versionID)
	if err != nil {
		return nil, fmt.Errorf("store: media of version %d: %w", versionID, err)
	}
	defer rows.Close()
	var out []*Capture
	for rows.Next() {
		c, err := scanCapture(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Count is a term and how often it occurs.
type Count struct {
	Term  string
	Count int
}

// RemovalsByReason counts an actor's removed posts by reason ("" actor:
// everyone's).
func (s *Store) RemovalsByReason(ctx context.Context, actor string) ([]Count, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT coalesce(p.reason, 'unknown'), count(*) FROM posts p JOIN sources s ON s.id = p.source_id
WHERE p.state = 'removed' AND (? = '' OR s.actor_id = ?) GROUP BY 1 ORDER BY 2 DESC, 1`, actor, actor)
	if err != nil {
		return nil, fmt.Errorf("store: removals by reason: %w", err)
	}
	defer rows.Close()
	var out []Count
	for rows.Next() {
		var c Count
		if err := rows.Scan(&c.Term, &c.Count); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CapturesByStatusSince counts the captures with an id above after by HTTP
// status (0: no answer), and returns the highest id counted (after when
// none). Captures are only ever added, and their status never changes, so
// a caller that adds these counts to the last ones reads only what is new:
// the metrics endpoint, whose full count of millions of captures had taken
// seconds at each scrape.
func (s *Store) CapturesByStatusSince(ctx context.Context, after int64) (map[string]int, int64, error) {
	return s.countSince(ctx, "captures", "status", after)
}

// EventsByTypeSince is CapturesByStatusSince for events by type (events
// are only added, and their type never changes).
func (s *Store) EventsByTypeSince(ctx context.Context, after int64) (map[string]int, int64, error) {
	return s.countSince(ctx, "events", "type", after)
}

// countSince counts table's rows with an id above after by column.
func (s *Store) countSince(ctx context.Context, table, column string, after int64) (map[string]int, int64, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+column+`, count(*), max(id) FROM `+table+` WHERE id > ? GROUP BY 1`, after)
	if err != nil {
		return nil, after, fmt.Errorf("store: %s by %s: %w", table, column, err)
	}
	defer rows.Close()
	out, last := map[string]int{}, after
	for rows.Next() {
		var k string
		var n int
		var top int64
		if err := rows.Scan(&k, &n, &top); err != nil {
			return nil, after, fmt.Errorf("store: %s by %s: %w", table, column, err)
		}
		out[k], last = n, max(last, top)
	}
	if err := rows.Err(); err != nil {
		return nil, after, fmt.Errorf("store: %s by %s: %w", table, column, err)
	}
	return out, last, nil
}

// Backlog counts the checks due at now.
func (s *Store) Backlog(ctx context.Context, now time.Time) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM posts p JOIN sources s ON s.id = p.source_id
WHERE `+checkablePosts+` AND p.next_check_at <= ?`, formatTime(now)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: backlog: %w", err)
	}
	return n, nil
}
