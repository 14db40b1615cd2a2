package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Report is a takedown report or request as stored.
type Report struct {
	ID                             string
	ChannelID, Reporter, Channel   string
	FiledAt                        time.Time
	Kind, LegalBasis, Jurisdiction string
	TargetURLs                     []string
	SourceURL, Notes               string
	ReceivedAt                     time.Time
	CaptureID                      int64
	Raw                            string
	Fingerprint                    string
	MatchedPostIDs                 []string
}

// AddReport stores r unless a report with its fingerprint is stored
// already; either way r.ID is the stored report's id. canonical gives the
// canonical form of each target URL.
func (t *Tx) AddReport(r *Report, canonical func(string) string) (bool, error) {
	res, err := t.tx.ExecContext(t.ctx, `INSERT OR IGNORE INTO reports (id, channel, channel_id, reporter, filed_at, kind,
    legal_basis, jurisdiction, source_url, notes, received_at, capture_id, raw, fingerprint)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.Channel, r.ChannelID, r.Reporter, nullTime(r.FiledAt), r.Kind, r.LegalBasis, r.Jurisdiction,
		r.SourceURL, r.Notes, formatTime(r.ReceivedAt), nullInt(r.CaptureID), r.Raw, r.Fingerprint)
	if err != nil {
		return false, fmt.Errorf("store: add report: %w", err)
	}
	n, _ := res.RowsAffected()
	if n == 0 {
		if err := t.tx.QueryRowContext(t.ctx, `SELECT id FROM reports WHERE fingerprint = ?`, r.Fingerprint).Scan(&r.ID); err != nil {
			return false, fmt.Errorf("store: find report: %w", err)
		}
		return false, nil
	}
	for _, u := range r.TargetURLs {
		if _, err := t.tx.ExecContext(t.ctx, `INSERT OR IGNORE INTO report_targets (report_id, url, canonical_url) VALUES (?, ?, ?)`,
			r.ID, u, canonical(u)); err != nil {
			return false, fmt.Errorf("store: report target: %w", err)
		}
	}
	return true, nil
}

// LinkReport records that a report names a post; false if it was known.
func (t *Tx) LinkReport(reportID, postID, targetURL string, at time.Time) (bool, error) {
	res, err := t.tx.ExecContext(t.ctx, `INSERT OR IGNORE INTO report_posts (report_id, post_id, target_url, matched_at) VALUES (?, ?, ?, ?)`,
		reportID, postID, targetURL, formatTime(at))
	if err != nil {
		return false, fmt.Errorf("store: link report %s to %s: %w", reportID, postID, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// PostsByCanonical returns the posts whose canonical URL is u.
func (t *Tx) PostsByCanonical(u string) ([]*Post, error) {
	return postsWhere(t.ctx, t.tx, `canonical_url = ? ORDER BY first_seen`, u)
}

// PostsOfSourceBetween returns a source's posts published (else first
// seen) in [from, to]: what a report naming an account reaches.
func (t *Tx) PostsOfSourceBetween(sourceID string, from, to time.Time) ([]*Post, error) {
	return postsWhere(t.ctx, t.tx, `source_id = ? AND coalesce(published, first_seen) BETWEEN ? AND ? ORDER BY first_seen`,
		sourceID, formatTime(from), formatTime(to))
}

// ReportTarget is a report naming a URL.
type ReportTarget struct {
	Report  Report
	URL     string
	FiledAt time.Time
}

// ReportsNaming returns the reports with a target whose canonical form is
// u: how a post first seen after its report finds it.
func (t *Tx) ReportsNaming(u string) ([]ReportTarget, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT r.id, r.reporter, r.kind, r.filed_at, r.capture_id, rt.url FROM report_targets rt
JOIN reports r ON r.id = rt.report_id WHERE rt.canonical_url = ? ORDER BY r.filed_at`, u)
	if err != nil {
		return nil, fmt.Errorf("store: reports naming %s: %w", u, err)
	}
	defer rows.Close()
	var out []ReportTarget
	for rows.Next() {
		var rt ReportTarget
		var filed sql.NullString
		var capture sql.NullInt64
		if err := rows.Scan(&rt.Report.ID, &rt.Report.Reporter, &rt.Report.Kind, &filed, &capture, &rt.URL); err != nil {
			return nil, err
		}
		rt.Report.FiledAt, rt.FiledAt, rt.Report.CaptureID = parseTime(filed), parseTime(filed), capture.Int64
		out = append(out, rt)
	}
	return out, rows.Err()
}

const reportColumns = `r.id, r.channel, r.channel_id, r.reporter, r.filed_at, r.kind, r.legal_basis, r.jurisdiction,
    r.source_url, r.notes, r.received_at, coalesce(r.capture_id, 0), r.raw, coalesce(r.fingerprint, ''),
    (SELECT json_group_array(url) FROM (SELECT url FROM report_targets WHERE report_id = r.id ORDER BY rowid)), -- as the report lists them
    (SELECT json_group_array(post_id) FROM (SELECT post_id FROM report_posts WHERE report_id = r.id ORDER BY post_id))`

func scanReport(row scanner) (*Report, error) {
	var r Report
	var filed, received sql.NullString
	var targets, matched string
	if err := row.Scan(&r.ID, &r.Channel, &r.ChannelID, &r.Reporter, &filed, &r.Kind, &r.LegalBasis, &r.Jurisdiction,
		&r.SourceURL, &r.Notes, &received, &r.CaptureID, &r.Raw, &r.Fingerprint, &targets, &matched); err != nil {
		return nil, err
	}
	r.FiledAt, r.ReceivedAt = parseTime(filed), parseTime(received)
	_ = json.Unmarshal([]byte(targets), &r.TargetURLs)
	_ = json.Unmarshal([]byte(matched), &r.MatchedPostIDs)
	if r.TargetURLs == nil {
		r.TargetURLs = []string{}
	}
	if r.MatchedPostIDs == nil {
		r.MatchedPostIDs = []string{}
	}
	return &r, nil
}

// EachReport streams reports filed in the filter's time span (by filing
// time), ordered by filing time.
func (s *Store) EachReport(ctx context.Context, f Filter, fn func(*Report) error) error {
	var conds []string
	var args []any
	if !f.Since.IsZero() {
		conds, args = append(conds, "r.filed_at >= ?"), append(args, formatTime(f.Since))
	}
	if !f.Until.IsZero() {
		conds, args = append(conds, "r.filed_at < ?"), append(args, formatTime(f.Until))
	}
	if f.Actor != "" || f.Affiliation != "" || f.Platform != "" {
		conds = append(conds, `r.id IN (SELECT rp.report_id FROM report_posts rp JOIN posts p ON p.id = rp.post_id
    JOIN sources s ON s.id = p.source_id LEFT JOIN actors a ON a.id = s.actor_id WHERE (? = '' OR s.actor_id = ?)
    AND (? = '' OR a.affiliation = ?) AND (? = '' OR s.platform = ?))`)
		args = append(args, f.Actor, f.Actor, f.Affiliation, f.Affiliation, f.Platform, f.Platform)
	}
	where := ""
	for i, c := range conds {
		if i == 0 {
			where = " WHERE " + c
		} else {
			where += " AND " + c
		}
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+reportColumns+` FROM reports r`+where+` ORDER BY r.filed_at, r.id`, args...)
	if err != nil {
		return fmt.Errorf("store: reports: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return fmt.Errorf("store: reports: %w", err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ReportsOfPost returns the reports that name a post, by filing time.
func (s *Store) ReportsOfPost(ctx context.Context, postID string) ([]*Report, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+reportColumns+` FROM reports r WHERE r.id IN
    (SELECT report_id FROM report_posts WHERE post_id = ?) ORDER BY r.filed_at, r.id`, postID)
	if err != nil {
		return nil, fmt.Errorf("store: reports of %s: %w", postID, err)
	}
	defer rows.Close()
	var out []*Report
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Setting reads a small fact about the archive ("" when unset).
func (t *Tx) Setting(key string) (string, error) {
	var v string
	err := t.tx.QueryRowContext(t.ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// SetSetting writes a small fact about the archive.
func (t *Tx) SetSetting(key, value string) error {
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// Recanonicalize recomputes every post's canonical URL with fn (after the
// canonicalization rules changed) and returns how many changed.
func (t *Tx) Recanonicalize(fn func(string) string) (int, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT id, post_url, canonical_url FROM posts`)
	if err != nil {
		return 0, err
	}
	type change struct{ id, canon string }
	var changes []change
	for rows.Next() {
		var id, u, c string
		if err := rows.Scan(&id, &u, &c); err != nil {
			rows.Close()
			return 0, err
		}
		if n := fn(u); n != c {
			changes = append(changes, change{id, n})
		}
	}
	rows.Close()
	for _, c := range changes {
		if _, err := t.tx.ExecContext(t.ctx, `UPDATE posts SET canonical_url = ? WHERE id = ?`, c.canon, c.id); err != nil {
			return 0, err
		}
	}
	return len(changes), nil
}

// NamedURL is one URL a report named, with the archived posts it names:
// one for a post's URL, several for an account's, none for a URL never
// archived.
type NamedURL struct {
	URL     string
	PostIDs []string
}

// ReportWithTargets is a report with each URL it named.
type ReportWithTargets struct {
	*Report
	Targets []NamedURL
}

// RecentReports returns reports by filing time, newest first, with their
// targets; neverArchived keeps only reports naming at least one URL no
// archived post answers to.
func (s *Store) RecentReports(ctx context.Context, limit, offset int, neverArchived bool) ([]*ReportWithTargets, error) {
	where := ""
	if neverArchived {
		where = ` WHERE r.id IN (SELECT rt.report_id FROM report_targets rt WHERE NOT EXISTS
    (SELECT 1 FROM report_posts rp WHERE rp.report_id = rt.report_id AND rp.target_url = rt.url))`
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+reportColumns+` FROM reports r`+where+
		` ORDER BY r.filed_at DESC, r.id LIMIT ? OFFSET ?`, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("store: recent reports: %w", err)
	}
	var out []*ReportWithTargets
	byID := map[string]*ReportWithTargets{}
	var ids []string
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: recent reports: %w", err)
		}
		rt := &ReportWithTargets{Report: r, Targets: []NamedURL{}}
		out, byID[r.ID], ids = append(out, rt), rt, append(ids, r.ID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: recent reports: %w", err)
	}
	if len(ids) == 0 {
		return out, nil
	}
	list, _ := json.Marshal(ids)
	// A target names the posts linked through it (report_targets.post_id
	// is never set: a URL may name many posts, report_posts holds them).
	trows, err := s.r.QueryContext(ctx, `SELECT rt.report_id, rt.url, (SELECT group_concat(rp.post_id, char(31))
    FROM report_posts rp WHERE rp.report_id = rt.report_id AND rp.target_url = rt.url)
FROM report_targets rt WHERE rt.report_id IN (SELECT value FROM json_each(?)) ORDER BY rt.report_id, rt.url`, string(list))
	if err != nil {
		return nil, fmt.Errorf("store: report targets: %w", err)
	}
	defer trows.Close()
	for trows.Next() {
		var id string
		var posts sql.NullString
		var t NamedURL
		if err := trows.Scan(&id, &t.URL, &posts); err != nil {
			return nil, fmt.Errorf("store: report targets: %w", err)
		}
		t.PostIDs = splitSorted(posts.String, "\x1f")
		byID[id].Targets = append(byID[id].Targets, t)
	}
	return out, trows.Err()
}
