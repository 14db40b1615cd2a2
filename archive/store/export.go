package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Filter narrows exports. Zero fields do not filter.
type Filter struct {
	Since, Until time.Time // events: event time; posts: published, else first seen
	Actor        string
	Affiliation  string
	Platform     string
}

func (f Filter) where(timeExpr string) (string, []any) {
	var conds []string
	var args []any
	if !f.Since.IsZero() {
		conds, args = append(conds, timeExpr+" >= ?"), append(args, formatTime(f.Since))
	}
	if !f.Until.IsZero() {
		conds, args = append(conds, timeExpr+" < ?"), append(args, formatTime(f.Until))
	}
	if f.Actor != "" {
		conds, args = append(conds, "s.actor_id = ?"), append(args, f.Actor)
	}
	if f.Affiliation != "" {
		conds, args = append(conds, "a.affiliation = ?"), append(args, f.Affiliation)
	}
	if f.Platform != "" {
		conds, args = append(conds, "s.platform = ?"), append(args, f.Platform)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// EventRow is one event with what an export or a feed shows of it.
type EventRow struct {
	Event
	PostURL, Platform, PlatformID string
	Actor, Affiliation, ActorName string
	ReportIDs                     []string
	// Folded counts the removals an account_gone event stands for.
	Folded int
	// ReportLag is first_seen_missing minus the earliest filing among the
	// post's reports, for removals of reported posts; nil otherwise.
	ReportLag *time.Duration
}

// eventSelect reads events with what exports and feeds show of them.
const eventSelect = `
SELECT e.id, e.type, e.at, coalesce(e.post_id, ''), coalesce(e.source_id, ''), coalesce(e.reason, ''),
    coalesce(e.detail, ''), e.likely_correction, e.last_seen_live, e.first_seen_missing, coalesce(e.diff, ''),
    e.metric_name, e.metric_from, e.metric_to, coalesce(e.parent_id, 0),
    coalesce(p.post_url, ''), coalesce(p.platform, s.platform, ''), coalesce(p.platform_id, ''),
    coalesce(s.actor_id, ''), coalesce(a.affiliation, ''), coalesce(a.name, ''),
    (SELECT group_concat(capture_id) FROM event_evidence ev WHERE ev.event_id = e.id),
    (SELECT group_concat(rt.report_id, char(31)) FROM report_posts rt WHERE rt.post_id = e.post_id AND e.post_id IS NOT NULL),
    (SELECT min(r.filed_at) FROM report_posts rt JOIN reports r ON r.id = rt.report_id WHERE rt.post_id = e.post_id AND e.post_id IS NOT NULL AND r.filed_at <= coalesce(e.first_seen_missing, e.at)),
    (SELECT count(*) FROM events c WHERE c.parent_id = e.id)
FROM events e
LEFT JOIN posts p ON p.id = e.post_id
LEFT JOIN sources s ON s.id = coalesce(e.source_id, p.source_id)
LEFT JOIN actors a ON a.id = s.actor_id`

func scanEvent(rows *sql.Rows) (*EventRow, error) {
	var r EventRow
	var at, live, missing, evidence, reports, firstFiled sql.NullString
	var mname sql.NullString
	var mfrom, mto sql.NullFloat64
	if err := rows.Scan(&r.ID, &r.Type, &at, &r.PostID, &r.SourceID, &r.Reason, &r.Detail, &r.LikelyCorrection,
		&live, &missing, &r.Diff, &mname, &mfrom, &mto, &r.ParentID, &r.PostURL, &r.Platform, &r.PlatformID,
		&r.Actor, &r.Affiliation, &r.ActorName, &evidence, &reports, &firstFiled, &r.Folded); err != nil {
		return nil, err
	}
	r.At, r.LastSeenLive, r.FirstSeenMissing = parseTime(at), parseTime(live), parseTime(missing)
	if mname.Valid {
		r.Metric = &Metric{Name: mname.String, From: mfrom.Float64, To: mto.Float64}
	}
	r.Evidence = splitInts(evidence.String)
	r.ReportIDs = splitSorted(reports.String, "\x1f")
	if filed := parseTime(firstFiled); r.Type == EventRemoved && !filed.IsZero() && !r.FirstSeenMissing.IsZero() {
		lag := r.FirstSeenMissing.Sub(filed)
		r.ReportLag = &lag
	}
	return &r, nil
}

// EachEvent streams events in id order.
func (s *Store) EachEvent(ctx context.Context, f Filter, fn func(*EventRow) error) error {
	where, args := f.where("e.at")
	rows, err := s.r.QueryContext(ctx, eventSelect+where+` ORDER BY e.id`, args...)
	if err != nil {
		return fmt.Errorf("store: events: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanEvent(rows)
		if err != nil {
			return fmt.Errorf("store: events: %w", err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// EventQuery selects events for feeds and the API.
type EventQuery struct {
	Types                        []string // none: every type
	Actor, Affiliation, Platform string
	Reason                       string   // removals with this reason
	PostIDs                      []string // only events of these posts (a saved search)
	// Fold leaves out removals folded into an account_gone event: the
	// account's event stands for them.
	Fold bool
	// NoCorrections leaves out removals that are likely corrections.
	NoCorrections bool
	// After pages forward from an event id; with it (or Ascending) events
	// come in id order, without it the newest come first.
	After     int64
	Ascending bool
	Limit     int
}

// Events returns the events q selects.
func (s *Store) Events(ctx context.Context, q EventQuery) ([]*EventRow, error) {
	var conds []string
	var args []any
	if len(q.Types) > 0 {
		b, _ := json.Marshal(q.Types)
		conds, args = append(conds, "e.type IN (SELECT value FROM json_each(?))"), append(args, string(b))
	}
	if q.Actor != "" {
		conds, args = append(conds, "s.actor_id = ?"), append(args, q.Actor)
	}
	if q.Affiliation != "" {
		conds, args = append(conds, "a.affiliation = ?"), append(args, q.Affiliation)
	}
	if q.Platform != "" {
		conds, args = append(conds, "s.platform = ?"), append(args, q.Platform)
	}
	if q.Reason != "" {
		conds, args = append(conds, "e.reason = ?"), append(args, q.Reason)
	}
	if q.PostIDs != nil {
		b, _ := json.Marshal(q.PostIDs)
		conds, args = append(conds, "e.post_id IN (SELECT value FROM json_each(?))"), append(args, string(b))
	}
	if q.Fold {
		conds = append(conds, "e.parent_id IS NULL")
	}
	if q.NoCorrections {
		conds = append(conds, "e.likely_correction = 0")
	}
	order := " ORDER BY e.id DESC"
	if q.After > 0 {
		conds, args = append(conds, "e.id > ?"), append(args, q.After)
	}
	if q.After > 0 || q.Ascending {
		order = " ORDER BY e.id"
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	rows, err := s.r.QueryContext(ctx, eventSelect+where+order+" LIMIT ?", append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: events: %w", err)
	}
	defer rows.Close()
	var out []*EventRow
	for rows.Next() {
		r, err := scanEvent(rows)
		if err != nil {
			return nil, fmt.Errorf("store: events: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// TextAt returns a post's text as archived at a time: the newest version
// first seen by then (else the first version).
func (s *Store) TextAt(ctx context.Context, postID string, at time.Time) (string, error) {
	var text string
	err := s.r.QueryRowContext(ctx, `SELECT text FROM versions WHERE post_id = ?
ORDER BY (first_seen <= ?) DESC, CASE WHEN first_seen <= ? THEN first_seen END DESC, id LIMIT 1`,
		postID, formatTime(at), formatTime(at)).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: text of %s: %w", postID, err)
	}
	return text, nil
}

// PostRow is one post with what an export shows of it.
type PostRow struct {
	Post
	Actor, Affiliation string
	Versions           int
	ReportIDs          []string
	Text               string // of the current version
}

// EachPost streams posts ordered by first sight.
func (s *Store) EachPost(ctx context.Context, f Filter, fn func(*PostRow) error) error {
	where, args := f.where("coalesce(p.published, p.first_seen)")
	return s.eachPostWhere(ctx, where, args, ` ORDER BY p.first_seen, p.id`, fn)
}

func (s *Store) eachPostWhere(ctx context.Context, where string, args []any, tail string, fn func(*PostRow) error) error {
	rows, err := s.r.QueryContext(ctx, `
SELECT `+prefixed("p.", postColumns)+`, coalesce(s.actor_id, ''), coalesce(a.affiliation, ''),
    (SELECT count(*) FROM versions v WHERE v.post_id = p.id),
    (SELECT group_concat(rt.report_id, char(31)) FROM report_posts rt WHERE rt.post_id = p.id),
    coalesce((SELECT v.text FROM versions v WHERE v.id = p.current_version), '')
FROM posts p
LEFT JOIN sources s ON s.id = p.source_id
LEFT JOIN actors a ON a.id = s.actor_id`+where+tail, args...)
	if err != nil {
		return fmt.Errorf("store: posts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r PostRow
		var reports sql.NullString
		p, err := scanPost(multiScanner{rows, []any{&r.Actor, &r.Affiliation, &r.Versions, &reports, &r.Text}})
		if err != nil {
			return fmt.Errorf("store: posts: %w", err)
		}
		r.Post = *p
		r.ReportIDs = splitSorted(reports.String, "\x1f")
		if err := fn(&r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// multiScanner lets scanPost read a row that carries extra columns.
type multiScanner struct {
	rows  *sql.Rows
	extra []any
}

func (m multiScanner) Scan(dest ...any) error { return m.rows.Scan(append(dest, m.extra...)...) }

func prefixed(prefix, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = prefix + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

func splitInts(s string) []int64 {
	out := []int64{}
	for _, part := range strings.Split(s, ",") {
		if n, err := strconv.ParseInt(part, 10, 64); err == nil {
			out = append(out, n)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func splitSorted(s, sep string) []string {
	out := []string{}
	if s == "" {
		return out
	}
	out = append(out, strings.Split(s, sep)...)
	sort.Strings(out)
	return out
}

// MetricRow is one metric value with its source's actor and platform.
type MetricRow struct {
	Source, Actor, Platform string
	At                      time.Time
	Name                    string
	Value                   float64
}

// EachMetric streams metric values by source, name and time.
func (s *Store) EachMetric(ctx context.Context, f Filter, fn func(*MetricRow) error) error {
	where, args := f.where("m.at")
	rows, err := s.r.QueryContext(ctx, `
SELECT m.source_id, coalesce(s.actor_id, ''), coalesce(s.platform, ''), m.at, m.name, m.value
FROM metrics m
LEFT JOIN sources s ON s.id = m.source_id
LEFT JOIN actors a ON a.id = s.actor_id`+where+`
ORDER BY m.source_id, m.name, m.at`, args...)
	if err != nil {
		return fmt.Errorf("store: metrics: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r MetricRow
		var at sql.NullString
		if err := rows.Scan(&r.Source, &r.Actor, &r.Platform, &at, &r.Name, &r.Value); err != nil {
			return fmt.Errorf("store: metrics: %w", err)
		}
		r.At = parseTime(at)
		if err := fn(&r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// CountEvents counts the events EachEvent streams for f, so a long export
// can show how far it has come.
func (s *Store) CountEvents(ctx context.Context, f Filter) (int, error) {
	where, args := f.where("e.at")
	return s.countRows(ctx, "events", `SELECT count(*) FROM events e
LEFT JOIN posts p ON p.id = e.post_id
LEFT JOIN sources s ON s.id = coalesce(e.source_id, p.source_id)
LEFT JOIN actors a ON a.id = s.actor_id`+where, args)
}

// CountPosts counts the posts EachPost streams for f.
func (s *Store) CountPosts(ctx context.Context, f Filter) (int, error) {
	where, args := f.where("coalesce(p.published, p.first_seen)")
	return s.countRows(ctx, "posts", `SELECT count(*) FROM posts p
LEFT JOIN sources s ON s.id = p.source_id
LEFT JOIN actors a ON a.id = s.actor_id`+where, args)
}

// CountMetrics counts the metric values EachMetric streams for f.
func (s *Store) CountMetrics(ctx context.Context, f Filter) (int, error) {
	where, args := f.where("m.at")
	return s.countRows(ctx, "metrics", `SELECT count(*) FROM metrics m
LEFT JOIN sources s ON s.id = m.source_id
LEFT JOIN actors a ON a.id = s.actor_id`+where, args)
}

func (s *Store) countRows(ctx context.Context, what, query string, args []any) (int, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count %s: %w", what, err)
	}
	return n, nil
}
