package store

import (
	"context"
	"encoding/json"
	"fmt"
)

// IndexLog returns up to limit distinct posts logged for indexing after
// seq, and the highest seq they cover (the next watermark).
func (s *Store) IndexLog(ctx context.Context, after int64, limit int) ([]string, int64, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT seq, post_id FROM index_log WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit)
	if err != nil {
		return nil, after, fmt.Errorf("store: index log: %w", err)
	}
	defer rows.Close()
	seen := map[string]bool{}
	var ids []string
	upto := after
	for rows.Next() {
		var seq int64
		var id string
		if err := rows.Scan(&seq, &id); err != nil {
			return nil, after, err
		}
		upto = seq
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids, upto, rows.Err()
}

// IndexLogHead is the highest seq ever logged (0: none), trimmed entries
// included: the table's AUTOINCREMENT counter, not its highest row, which
// is none once the index has caught up and the log was trimmed (a reindex
// then took 0 for its watermark, and the lag it reported afterwards
// counted every entry since the archive began).
func (s *Store) IndexLogHead(ctx context.Context) (int64, error) {
	var n int64
	if err := s.r.QueryRowContext(ctx, `SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'index_log'), 0)`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: index log: %w", err)
	}
	return n, nil
}

// TrimIndexLog forgets what the index holds already.
func (t *Tx) TrimIndexLog(upto int64) error {
	if _, err := t.tx.ExecContext(t.ctx, `DELETE FROM index_log WHERE seq <= ?`, upto); err != nil {
		return fmt.Errorf("store: trim index log: %w", err)
	}
	return nil
}

// IndexPost is a post with every version, as the index needs it.
type IndexPost struct {
	*PostRow
	Versions []*Version
}

// PostsForIndex loads posts by id with their versions.
func (s *Store) PostsForIndex(ctx context.Context, ids []string) ([]IndexPost, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	list, _ := json.Marshal(ids)
	byID := map[string]*IndexPost{}
	var out []IndexPost
	err := s.eachPostWhere(ctx, " WHERE p.id IN (SELECT value FROM json_each(?))", []any{string(list)}, " ORDER BY p.id",
		func(p *PostRow) error {
			out = append(out, IndexPost{PostRow: p})
			return nil
		})
	if err != nil {
		return nil, err
	}
	for i := range out {
		byID[out[i].ID] = &out[i]
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+versionColumns+` FROM versions WHERE post_id IN (SELECT value FROM json_each(?)) ORDER BY post_id, id`, string(list))
	if err != nil {
		return nil, fmt.Errorf("store: versions for index: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, err
		}
		if p := byID[v.PostID]; p != nil {
			p.Versions = append(p.Versions, v)
		}
	}
	return out, rows.Err()
}

// EachPostID streams every post id, oldest first: a full reindex.
func (s *Store) EachPostID(ctx context.Context, fn func(id string) error) error {
	rows, err := s.r.QueryContext(ctx, `SELECT id FROM posts ORDER BY first_seen, id`)
	if err != nil {
		return fmt.Errorf("store: post ids: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		if err := fn(id); err != nil {
			return err
		}
	}
	return rows.Err()
}
