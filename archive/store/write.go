package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"
)

// querier is what both a Store and a Tx read through.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Tx is one write transaction: metadata and the events it causes commit
// together or not at all.
type Tx struct {
	ctx context.Context
	tx  txQ
}

// Write runs fn in a transaction and commits it when fn returns nil.
func (s *Store) Write(ctx context.Context, fn func(*Tx) error) error {
	if s.readOnly {
		return errors.New("store: opened read-only")
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error { return fn(&Tx{ctx: ctx, tx: txQ{tx: tx, c: s.ws}}) })
	// The connection is free again: prepare what the transaction ran raw.
	s.ws.flush(ctx)
	return err
}

// UpsertActor adds or updates an actor from the config.
func (t *Tx) UpsertActor(a Actor) error {
	_, err := t.tx.ExecContext(t.ctx, `
INSERT INTO actors (id, name, affiliation, country, notes) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET name = excluded.name, affiliation = excluded.affiliation,
    country = excluded.country, notes = excluded.notes`,
		a.ID, a.Name, a.Affiliation, a.Country, a.Notes)
	if err != nil {
		return fmt.Errorf("store: upsert actor %s: %w", a.ID, err)
	}
	return nil
}

// UpsertSource adds or updates a source's configured fields; its health and
// cursor are kept.
func (t *Tx) UpsertSource(s Source) error {
	_, err := t.tx.ExecContext(t.ctx, `
INSERT INTO sources (id, actor_id, platform, url, schedule, vantage, active) VALUES (?, ?, ?, ?, ?, ?, 1)
ON CONFLICT (id) DO UPDATE SET actor_id = excluded.actor_id, platform = excluded.platform,
    url = excluded.url, schedule = excluded.schedule, vantage = excluded.vantage, active = 1`,
		s.ID, s.ActorID, s.Platform, s.URL, s.Schedule, s.Vantage)
	if err != nil {
		return fmt.Errorf("store: upsert source %s: %w", s.ID, err)
	}
	return nil
}

// DeactivateSourcesExcept marks sources the config no longer names as
// inactive; their rows and evidence stay. It returns the ids of those it
// deactivated (active until now).
func (t *Tx) DeactivateSourcesExcept(ids []string) ([]string, error) {
	keep, _ := json.Marshal(append([]string{}, ids...)) // [], never null, for none
	rows, err := t.tx.QueryContext(t.ctx, `UPDATE sources SET active = 0 WHERE active = 1 AND id NOT IN (SELECT value FROM json_each(?)) RETURNING id`, string(keep))
	if err != nil {
		return nil, fmt.Errorf("store: deactivate sources: %w", err)
	}
	defer rows.Close()
	var gone []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: deactivate sources: %w", err)
		}
		gone = append(gone, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: deactivate sources: %w", err)
	}
	sort.Strings(gone)
	return gone, nil
}

// AdoptPosts moves to the source id the posts of inactive sources that
// watched the same URL on the same platform: a source renamed in the
// config, whose posts would otherwise be left with a source nothing
// collects or checks. The account's metric history goes with them, so its
// anomalies are judged against what came before. It returns the ids of
// the sources it took from, sorted, and how many posts moved.
func (t *Tx) AdoptPosts(id string) ([]string, int64, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT o.id FROM sources o JOIN sources s ON s.id = ?1
WHERE o.active = 0 AND o.id != ?1 AND o.platform = s.platform AND o.url = s.url
    AND (EXISTS (SELECT 1 FROM posts WHERE source_id = o.id) OR EXISTS (SELECT 1 FROM metrics WHERE source_id = o.id))
ORDER BY o.id`, id)
	if err != nil {
		return nil, 0, fmt.Errorf("store: source %s: former sources: %w", id, err)
	}
	var former []string
	for rows.Next() {
		var f string
		if err := rows.Scan(&f); err != nil {
			rows.Close()
			return nil, 0, fmt.Errorf("store: source %s: former sources: %w", id, err)
		}
		former = append(former, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("store: source %s: former sources: %w", id, err)
	}
	var from []string
	var moved int64
	for _, f := range former {
		n, err := t.adoptFrom(f, id)
		if err != nil {
			return nil, 0, fmt.Errorf("store: source %s: adopt from %s: %w", id, f, err)
		}
		if n.posts+n.metrics > 0 {
			from, moved = append(from, f), moved+n.posts
		}
	}
	return from, moved, nil
}

// adoptFrom moves the posts and metrics of source f to source id.
func (t *Tx) adoptFrom(f, id string) (n struct{ posts, metrics int64 }, err error) {
	// A post kept under another actor's id (OwnSep and the source's id) is
	// re-keyed to the key id looks it up by. OR IGNORE: where id already
	// keeps a post of its own under that key (it ran beside f), f's stays
	// f's, unmoved below, rather than fail the start.
	if _, err := t.tx.ExecContext(t.ctx, `UPDATE OR IGNORE posts SET platform_id = substr(platform_id, 1, length(platform_id) - length(?2)) || ?3
WHERE source_id = ?1 AND substr(platform_id, -length(?2)) = ?2`, f, OwnSep+f, OwnSep+id); err != nil {
		return n, err
	}
	res, err := t.tx.ExecContext(t.ctx, `UPDATE posts SET source_id = ?2 WHERE source_id = ?1 AND substr(platform_id, -length(?3)) <> ?3`,
		f, id, OwnSep+f)
	if err != nil {
		return n, err
	}
	if n.posts, err = res.RowsAffected(); err != nil {
		return n, err
	}
	// OR IGNORE: a reading id already has at the same moment stays f's
	if res, err = t.tx.ExecContext(t.ctx, `UPDATE OR IGNORE metrics SET source_id = ?2 WHERE source_id = ?1`, f, id); err != nil {
		return n, err
	}
	n.metrics, err = res.RowsAffected()
	return n, err
}

// SourceAttempt records the outcome of collecting a source. A nil err is a
// success; status overrides the derived status when not empty (e.g. paused).
func (t *Tx) SourceAttempt(id string, at time.Time, status string, fail error) error {
	var err error
	if fail == nil {
		if status == "" {
			status = "ok"
		}
		// A listing that answers is a sighting of the account too.
		_, err = t.tx.ExecContext(t.ctx, `UPDATE sources SET last_attempt = ?, last_success = ?, last_seen_live = ?, status = ?,
    consecutive_failures = 0 WHERE id = ?`,
			formatTime(at), formatTime(at), formatTime(at), status, id)
	} else {
		if status == "" {
			status = "failing"
		}
		// A gone account stays gone while its listing keeps failing.
		_, err = t.tx.ExecContext(t.ctx, `UPDATE sources SET last_attempt = ?, last_error = ?, last_error_at = ?,
    status = CASE WHEN status = 'gone' THEN 'gone' ELSE ? END,
    consecutive_failures = consecutive_failures + 1 WHERE id = ?`,
			formatTime(at), fail.Error(), formatTime(at), status, id)
	}
	if err != nil {
		return fmt.Errorf("store: source %s attempt: %w", id, err)
	}
	return nil
}

// SourceListed notes that a listing of the source was read whole at at:
// the posts it showed carry the same ListedAt.
func (t *Tx) SourceListed(id string, at time.Time) error {
	if _, err := t.tx.ExecContext(t.ctx, `UPDATE sources SET listed_at = ? WHERE id = ?`, formatTime(at), id); err != nil {
		return fmt.Errorf("store: source %s listed: %w", id, err)
	}
	return nil
}

// CatchUpListed carries the source's last successful listing over to the
// live posts its last whole listing showed: a 304 since then said that
// listing still stood, so they were live until that answer, and so are
// their current versions. It returns how many posts moved. Callers run it
// before anything ends such a post's live span, so the removal's bracket
// starts at the last answer that showed the post, not at the last 200.
func (t *Tx) CatchUpListed(sourceID string) (int64, error) {
	if _, err := t.tx.ExecContext(t.ctx, catchUpVersions, sourceID); err != nil {
		return 0, fmt.Errorf("store: source %s: versions still listed: %w", sourceID, err)
	}
	res, err := t.tx.ExecContext(t.ctx, catchUpPosts, sourceID)
	if err != nil {
		return 0, fmt.Errorf("store: source %s: posts still listed: %w", sourceID, err)
	}
	return res.RowsAffected()
}

// stillListed is a live post p that the last whole listing of its source
// s showed, seen live before s's last success: a 304 since then said that
// listing still stood. CatchUpListed writes it; eachPostWhere shows it
// before then. +p.state keeps one source's posts on posts_source, not
// every live post on posts_state_due, which SQLite picks otherwise: 17 ms
// a call over 20,000 posts, against well under one.
const stillListed = `+p.state = 'live' AND p.listed_at = s.listed_at AND p.last_seen_live < s.last_success`

const catchUpVersions = `UPDATE versions SET last_seen = s.last_success
FROM posts p JOIN sources s ON s.id = p.source_id
WHERE p.source_id = ?1 AND ` + stillListed + ` AND versions.id = p.current_version AND versions.last_seen < s.last_success`

const catchUpPosts = `UPDATE posts AS p SET last_seen_live = s.last_success FROM sources s
WHERE s.id = ?1 AND p.source_id = ?1 AND ` + stillListed

// SetSourceCursor keeps collector state for a source.
func (t *Tx) SetSourceCursor(id, cursor string) error {
	if _, err := t.tx.ExecContext(t.ctx, `UPDATE sources SET cursor = ? WHERE id = ?`, cursor, id); err != nil {
		return fmt.Errorf("store: source %s cursor: %w", id, err)
	}
	return nil
}

// InsertCapture records a capture whose records (if any) are already synced
// to disk, and sets c.ID.
func (t *Tx) InsertCapture(c *Capture) error {
	res, err := t.tx.ExecContext(t.ctx, `
INSERT INTO captures (url, kind, source_id, at, status, content_type, etag, last_modified, payload_digest,
    block_digest, record_type, record_id, warc_file, warc_offset, warc_length, request_offset, request_length,
    truncated, vantage, error, revisit_of, pending)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.URL, c.Kind, nullString(c.SourceID), formatTime(c.At), c.Status, c.ContentType, c.ETag, c.LastModified,
		c.PayloadDigest, c.BlockDigest, c.RecordType, c.RecordID, c.WARCFile, c.WARCOffset, c.WARCLength,
		c.RequestOffset, c.RequestLength, c.Truncated, orDirect(c.Vantage), c.Error, nullInt(c.RevisitOf), c.Pending)
	if err != nil {
		return fmt.Errorf("store: insert capture of %s: %w", c.URL, err)
	}
	c.ID, err = res.LastInsertId()
	return err
}

// TakeIn marks the captures as taken in: what the caller read from them
// is committed with this transaction, and the newest may be the base of
// the next conditional request.
func (t *Tx) TakeIn(ids []int64) error {
	for _, id := range ids {
		if _, err := t.tx.ExecContext(t.ctx, `UPDATE captures SET pending = 0 WHERE id = ? AND pending <> 0`, id); err != nil {
			return fmt.Errorf("store: take in capture %d: %w", id, err)
		}
	}
	return nil
}

func orDirect(v string) string {
	if v == "" {
		return "direct"
	}
	return v
}

func nullInt(v int64) sql.NullInt64 { return sql.NullInt64{Int64: v, Valid: v != 0} }

// InsertPost adds a post seen for the first time.
func (t *Tx) InsertPost(p *Post) error {
	if p.ID == "" {
		p.ID = PostID(p.Platform, p.PlatformID)
	}
	if p.State == "" {
		p.State = StateLive
	}
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO posts (id, platform, platform_id, source_id, post_url, canonical_url, first_seen, imported)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, p.Platform, p.PlatformID, p.SourceID, p.PostURL, p.CanonicalURL, formatTime(p.FirstSeen), p.Imported)
	if err != nil {
		return fmt.Errorf("store: insert post %s/%s: %w", p.Platform, p.PlatformID, err)
	}
	return t.UpdatePost(p)
}

// UpdatePost writes every mutable field of p.
func (t *Tx) UpdatePost(p *Post) error {
	evidence, _ := json.Marshal(nonNilInts(p.Pending.Evidence))
	_, err := t.tx.ExecContext(t.ctx, `
UPDATE posts SET source_id = ?, post_url = ?, canonical_url = ?, published = ?, last_seen_live = ?, state = ?, reason = ?, detail = ?,
    first_seen_missing = ?, likely_correction = ?, current_version = ?, next_check_at = ?, check_step = ?,
    pending_class = ?, pending_count = ?, pending_at = ?, pending_detail = ?, pending_evidence = ?, transients = ?,
    removal_event = ?, reported_at = ?, listed_at = ?
WHERE id = ?`,
		p.SourceID, p.PostURL, p.CanonicalURL, nullTime(p.Published), nullTime(p.LastSeenLive), p.State, nullString(p.Reason),
		nullString(p.Detail), nullTime(p.FirstSeenMissing), p.LikelyCorrection, nullInt(p.CurrentVersion),
		nullTime(p.NextCheckAt), p.CheckStep, p.Pending.Class, p.Pending.Count, nullTime(p.Pending.At), p.Pending.Detail,
		string(evidence), p.Transients, nullInt(p.RemovalEvent), nullTime(p.ReportedAt), nullTime(p.ListedAt), p.ID)
	if err != nil {
		return fmt.Errorf("store: update post %s: %w", p.ID, err)
	}
	return nil
}

func nonNilInts(s []int64) []int64 {
	if s == nil {
		return []int64{}
	}
	return s
}

// AddVersion records a new distinct content of a post and sets v.ID.
func (t *Tx) AddVersion(v *Version) error {
	media, _ := json.Marshal(nonNil(v.Media))
	res, err := t.tx.ExecContext(t.ctx, `
INSERT INTO versions (post_id, digest, title, text, media, first_seen, last_seen, capture_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		v.PostID, v.Digest, v.Title, v.Text, string(media), formatTime(v.FirstSeen), formatTime(v.LastSeen), nullInt(v.CaptureID))
	if err != nil {
		return fmt.Errorf("store: add version of %s: %w", v.PostID, err)
	}
	v.ID, err = res.LastInsertId()
	return err
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// TouchVersion moves a version's last_seen forward.
func (t *Tx) TouchVersion(id int64, at time.Time) error {
	if _, err := t.tx.ExecContext(t.ctx, `UPDATE versions SET last_seen = ? WHERE id = ? AND last_seen < ?`, formatTime(at), id, formatTime(at)); err != nil {
		return fmt.Errorf("store: touch version %d: %w", id, err)
	}
	return nil
}

// LinkMedia ties an archived media capture to the version that references it.
func (t *Tx) LinkMedia(versionID, captureID int64) error {
	if _, err := t.tx.ExecContext(t.ctx, `INSERT OR IGNORE INTO version_media (version_id, capture_id) VALUES (?, ?)`, versionID, captureID); err != nil {
		return fmt.Errorf("store: link media %d to version %d: %w", captureID, versionID, err)
	}
	return nil
}

// AddEvent records an event with its evidence and sets e.ID.
// An event given no source is its post's: feeds and pages of an actor find
// events by their source alone (sourceCond).
func (t *Tx) AddEvent(e *Event) error {
	var name sql.NullString
	var from, to sql.NullFloat64
	if e.Metric != nil {
		name = sql.NullString{String: e.Metric.Name, Valid: true}
		from = sql.NullFloat64{Float64: e.Metric.From, Valid: true}
		to = sql.NullFloat64{Float64: e.Metric.To, Valid: true}
	}
	res, err := t.tx.ExecContext(t.ctx, `
INSERT INTO events (type, at, post_id, source_id, reason, detail, likely_correction, last_seen_live, first_seen_missing,
    diff, metric_name, metric_from, metric_to, parent_id)
VALUES (?1, ?2, ?3, coalesce(?4, (SELECT source_id FROM posts WHERE id = ?3)), ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)`,
		e.Type, formatTime(e.At), nullString(e.PostID), nullString(e.SourceID), nullString(e.Reason), nullString(e.Detail),
		e.LikelyCorrection, nullTime(e.LastSeenLive), nullTime(e.FirstSeenMissing), nullString(e.Diff), name, from, to,
		nullInt(e.ParentID))
	if err != nil {
		return fmt.Errorf("store: add %s event: %w", e.Type, err)
	}
	if e.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	for _, c := range e.Evidence {
		if _, err := t.tx.ExecContext(t.ctx, `INSERT OR IGNORE INTO event_evidence (event_id, capture_id) VALUES (?, ?)`, e.ID, c); err != nil {
			return fmt.Errorf("store: evidence of event %d: %w", e.ID, err)
		}
	}
	return nil
}

// Post returns the post with that key, or ErrNotFound.
func (t *Tx) Post(platform, platformID string) (*Post, error) {
	return getPost(t.ctx, t.tx, `platform = ? AND platform_id = ?`, platform, platformID)
}

// Version returns a version by id.
func (t *Tx) Version(id int64) (*Version, error) { return getVersion(t.ctx, t.tx, id) }

// LastCapture returns the newest capture of url that has a response record
// (the base for conditional GETs and revisits), or ErrNotFound.
func (t *Tx) LastCapture(url string) (*Capture, error) { return lastCapture(t.ctx, t.tx, url) }

// VersionCount returns how many versions a post has.
func (t *Tx) VersionCount(postID string) (int, error) {
	var n int
	if err := t.tx.QueryRowContext(t.ctx, `SELECT count(*) FROM versions WHERE post_id = ?`, postID).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: versions of %s: %w", postID, err)
	}
	return n, nil
}

// SetCaptureError notes why an archived answer could not be read (a
// malformed feed): the bytes stay, the reason is kept beside them.
func (t *Tx) SetCaptureError(id int64, msg string) error {
	if _, err := t.tx.ExecContext(t.ctx, `UPDATE captures SET error = ? WHERE id = ?`, msg, id); err != nil {
		return fmt.Errorf("store: capture %d error: %w", id, err)
	}
	return nil
}

// Source returns a source by id inside the transaction.
func (t *Tx) Source(id string) (*Source, error) { return getSource(t.ctx, t.tx, id) }

// UpdateSourceTrack writes a source's account-level detector fields.
func (t *Tx) UpdateSourceTrack(s *Source) error {
	evidence, _ := json.Marshal(nonNilInts(s.Pending.Evidence))
	_, err := t.tx.ExecContext(t.ctx, `UPDATE sources SET pending_class = ?, pending_count = ?, pending_at = ?,
    pending_detail = ?, pending_evidence = ?, gone_at = ?, gone_detail = ?, last_seen_live = ?, missing_since = ?,
    status = CASE WHEN ? THEN 'gone' WHEN status = 'gone' THEN 'ok' ELSE status END
WHERE id = ?`,
		s.Pending.Class, s.Pending.Count, nullTime(s.Pending.At), s.Pending.Detail, string(evidence), nullTime(s.GoneAt),
		s.GoneDetail, nullTime(s.LastSeenLive), nullTime(s.MissingSince), !s.GoneAt.IsZero(), s.ID)
	if err != nil {
		return fmt.Errorf("store: source %s track: %w", s.ID, err)
	}
	return nil
}

// PostsOfSource returns a source's posts in the given states.
func (t *Tx) PostsOfSource(sourceID string, states ...string) ([]*Post, error) {
	list, _ := json.Marshal(states)
	return postsWhere(t.ctx, t.tx, `source_id = ? AND state IN (SELECT value FROM json_each(?)) ORDER BY first_seen, id`, sourceID, string(list))
}

// PostsFirstSeen returns a source's posts first seen in [from, to], with
// the text of their current version, for likely-correction matching.
func (t *Tx) PostsFirstSeen(sourceID string, from, to time.Time) ([]*Post, []string, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT `+prefixed("p.", postColumns)+`, coalesce(v.text, '')
FROM posts p LEFT JOIN versions v ON v.id = p.current_version
WHERE p.source_id = ? AND p.first_seen >= ? AND p.first_seen <= ? ORDER BY p.first_seen`, sourceID, formatTime(from), formatTime(to))
	if err != nil {
		return nil, nil, fmt.Errorf("store: posts first seen: %w", err)
	}
	return scanPostsWithText(rows, "posts first seen")
}

// removedBetween runs for every new post: +p.state keeps it on the
// source's posts, not every removed post of the archive (5 ms a call at
// 10,000 of them).
var removedBetween = `SELECT ` + prefixed("p.", postColumns) + `, coalesce(v.text, '')
FROM posts p LEFT JOIN versions v ON v.id = p.current_version
WHERE p.source_id = ? AND +p.state = 'removed' AND p.reason <> 'account_gone'
    AND p.first_seen_missing >= ? AND p.first_seen_missing <= ?`

// RemovedBetween returns a source's posts removed (not with account_gone)
// whose removal was first seen in [from, to], with their current text.
func (t *Tx) RemovedBetween(sourceID string, from, to time.Time) ([]*Post, []string, error) {
	rows, err := t.tx.QueryContext(t.ctx, removedBetween, sourceID, formatTime(from), formatTime(to))
	if err != nil {
		return nil, nil, fmt.Errorf("store: removed posts: %w", err)
	}
	return scanPostsWithText(rows, "removed posts")
}

// scanPostsWithText reads rows of postColumns followed by a text, and
// closes them; what names the query in errors.
func scanPostsWithText(rows *sql.Rows, what string) ([]*Post, []string, error) {
	defer rows.Close()
	var posts []*Post
	var texts []string
	for rows.Next() {
		var text string
		p, err := scanPost(multiScanner{rows, []any{&text}})
		if err != nil {
			return nil, nil, fmt.Errorf("store: %s: %w", what, err)
		}
		posts, texts = append(posts, p), append(texts, text)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("store: %s: %w", what, err)
	}
	return posts, texts, nil
}

// MarkLikelyCorrection flags a post and the event of its removal.
func (t *Tx) MarkLikelyCorrection(postID string, eventID int64) error {
	if _, err := t.tx.ExecContext(t.ctx, `UPDATE posts SET likely_correction = 1 WHERE id = ?`, postID); err != nil {
		return fmt.Errorf("store: likely correction %s: %w", postID, err)
	}
	if eventID != 0 {
		if _, err := t.tx.ExecContext(t.ctx, `UPDATE events SET likely_correction = 1 WHERE id = ?`, eventID); err != nil {
			return fmt.Errorf("store: likely correction of event %d: %w", eventID, err)
		}
	}
	return nil
}

// scheduleSourcePosts: +state, as in stillListed.
const scheduleSourcePosts = `UPDATE posts SET next_check_at = ? WHERE source_id = ? AND +state = 'removed' AND reason = ?`

// ScheduleSourcePosts makes a source's posts removed with a reason due for
// a check at once (an account that came back).
func (t *Tx) ScheduleSourcePosts(sourceID, reason string, at time.Time) error {
	if _, err := t.tx.ExecContext(t.ctx, scheduleSourcePosts,
		formatTime(at), sourceID, reason); err != nil {
		return fmt.Errorf("store: schedule posts of %s: %w", sourceID, err)
	}
	return nil
}

// AddMetrics records account metrics of a source at a snapshot.
func (t *Tx) AddMetrics(sourceID string, at time.Time, captureID int64, values []MetricValue) error {
	for _, m := range values {
		if _, err := t.tx.ExecContext(t.ctx, `INSERT INTO metrics (source_id, at, name, value, capture_id) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (source_id, name, at) DO UPDATE SET value = excluded.value, capture_id = excluded.capture_id`,
			sourceID, formatTime(at), m.Name, m.Value, nullInt(captureID)); err != nil {
			return fmt.Errorf("store: metric %s of %s: %w", m.Name, sourceID, err)
		}
	}
	return nil
}

// MetricHistory returns up to n latest values of a source's metric, oldest
// first.
func (t *Tx) MetricHistory(sourceID, name string, n int) ([]float64, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT value FROM (SELECT value, at FROM metrics WHERE source_id = ? AND name = ?
ORDER BY at DESC LIMIT ?) ORDER BY at`, sourceID, name, n)
	if err != nil {
		return nil, fmt.Errorf("store: metric history %s of %s: %w", name, sourceID, err)
	}
	defer rows.Close()
	var out []float64
	for rows.Next() {
		var v float64
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
