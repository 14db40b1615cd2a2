package store

import (
	"context"
	"encoding/json"
	"fmt"
)

// Selection picks posts for an evidence package: the export filters, and
// the posts' states when States is not empty.
type Selection struct {
	Filter
	States []string
}

// selectedPosts is a WITH clause naming the selected posts "sel".
func (sel Selection) selectedPosts() (string, []any) {
	where, args := sel.where("coalesce(p.published, p.first_seen)", "p.platform")
	if len(sel.States) > 0 {
		b, _ := json.Marshal(sel.States)
		cond := "p.state IN (SELECT value FROM json_each(?))"
		if where == "" {
			where = " WHERE " + cond
		} else {
			where += " AND " + cond
		}
		args = append(args, string(b))
	}
	return `sel AS (SELECT p.id, p.post_url, p.first_seen, coalesce(nullif(a.name, ''), s.actor_id) AS actor
    FROM posts p JOIN sources s ON s.id = p.source_id LEFT JOIN actors a ON a.id = s.actor_id` + where + `)`, args
}

// evidenceCTE names the captures that are evidence of the selected posts
// "ev": every capture of a post's permalink (its live pages and the
// answers that showed it gone), the captures its versions were seen in
// and their media, its events' evidence, the source documents of reports
// naming it, and the captures any of these revisit, however deep.
const evidenceCTE = `, ev(id) AS (
    SELECT c.id FROM sel JOIN captures c ON c.url = sel.post_url
    UNION SELECT v.capture_id FROM sel JOIN versions v ON v.post_id = sel.id WHERE v.capture_id IS NOT NULL
    UNION SELECT m.capture_id FROM sel JOIN versions v ON v.post_id = sel.id JOIN version_media m ON m.version_id = v.id
    UNION SELECT ee.capture_id FROM sel JOIN events e ON e.post_id = sel.id JOIN event_evidence ee ON ee.event_id = e.id
    UNION SELECT r.capture_id FROM sel JOIN report_posts rp ON rp.post_id = sel.id JOIN reports r ON r.id = rp.report_id
        WHERE r.capture_id IS NOT NULL
    UNION SELECT c.revisit_of FROM ev JOIN captures c ON c.id = ev.id WHERE c.revisit_of IS NOT NULL)`

// CountSelection counts the selected posts, and the captures with WARC
// records that are evidence of them.
func (s *Store) CountSelection(ctx context.Context, sel Selection) (posts, captures int, err error) {
	with, args := sel.selectedPosts()
	err = s.r.QueryRowContext(ctx, `WITH RECURSIVE `+with+evidenceCTE+`
SELECT (SELECT count(*) FROM sel), (SELECT count(*) FROM captures WHERE id IN (SELECT id FROM ev) AND warc_file <> '')`,
		args...).Scan(&posts, &captures)
	if err != nil {
		return 0, 0, fmt.Errorf("store: count selection: %w", err)
	}
	return posts, captures, nil
}

// EachEvidenceCapture streams the captures with WARC records that are
// evidence of the selected posts, each once, in WARC file and offset order
// (the order reading them is fastest).
func (s *Store) EachEvidenceCapture(ctx context.Context, sel Selection, fn func(*Capture) error) error {
	with, args := sel.selectedPosts()
	rows, err := s.r.QueryContext(ctx, `WITH RECURSIVE `+with+evidenceCTE+`
SELECT `+captureColumns+` FROM captures WHERE id IN (SELECT id FROM ev) AND warc_file <> '' ORDER BY warc_file, warc_offset`, args...)
	if err != nil {
		return fmt.Errorf("store: evidence captures: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanCapture(rows)
		if err != nil {
			return fmt.Errorf("store: evidence captures: %w", err)
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	return rows.Err()
}

// EvidencePage is a capture a person opens first to see a post: one of
// its permalink, or, when its permalink was never fetched, a listing it
// was seen in.
type EvidencePage struct {
	PostID    string
	ActorName string
	// Text is the post's text as archived at the capture's time.
	Text    string
	Listing bool // the capture is of a listing, not of the permalink
	Capture *Capture
}

// EachEvidencePage streams the pages of the selected posts, post by post
// in the order they were first seen, each post's captures oldest first.
func (s *Store) EachEvidencePage(ctx context.Context, sel Selection, fn func(*EvidencePage) error) error {
	with, args := sel.selectedPosts()
	rows, err := s.r.QueryContext(ctx, `WITH `+with+`, pg(pid, first_seen, cid, listing) AS (
    SELECT sel.id, sel.first_seen, c.id, 0 FROM sel JOIN captures c ON c.url = sel.post_url WHERE c.warc_file <> ''
    UNION SELECT sel.id, sel.first_seen, c.id, 1 FROM sel JOIN versions v ON v.post_id = sel.id JOIN captures c ON c.id = v.capture_id
        WHERE c.warc_file <> '' AND NOT EXISTS (SELECT 1 FROM captures pc WHERE pc.url = sel.post_url AND pc.warc_file <> ''))
SELECT `+prefixed("c.", captureColumns)+`, pg.pid, sel.actor, pg.listing,
    coalesce((SELECT v.text FROM versions v WHERE v.post_id = pg.pid
        ORDER BY (v.first_seen <= c.at) DESC, CASE WHEN v.first_seen <= c.at THEN v.first_seen END DESC, v.id LIMIT 1), '')
FROM pg JOIN sel ON sel.id = pg.pid JOIN captures c ON c.id = pg.cid
ORDER BY pg.first_seen, pg.pid, c.at, c.id`, args...)
	if err != nil {
		return fmt.Errorf("store: evidence pages: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p EvidencePage
		var err error
		p.Capture, err = scanCapture(multiScanner{rows: rows, extra: []any{&p.PostID, &p.ActorName, &p.Listing, &p.Text}})
		if err != nil {
			return fmt.Errorf("store: evidence pages: %w", err)
		}
		if err := fn(&p); err != nil {
			return err
		}
	}
	return rows.Err()
}
