package store

import (
	"context"
	"database/sql"
	"sync"
)

// stmts caches prepared statements of one *sql.DB by their SQL text:
// parsing and planning a statement cost more than running most of ours
// (measured: a third of an unchanged cycle's CPU went to sqlite3_prepare).
type stmts struct {
	db *sql.DB
	mu sync.Mutex
	m  map[string]*sql.Stmt
	// pending are statements a transaction ran unprepared: the writer has
	// one connection, busy during the transaction, so they are prepared
	// once it is over.
	pending map[string]bool
}

func newStmts(db *sql.DB) *stmts {
	return &stmts{db: db, m: map[string]*sql.Stmt{}, pending: map[string]bool{}}
}

func (c *stmts) get(q string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[q]
}

// prepare returns the cached statement, preparing it now if need be.
func (c *stmts) prepare(ctx context.Context, q string) (*sql.Stmt, error) {
	if st := c.get(q); st != nil {
		return st, nil
	}
	st, err := c.db.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.m[q]; old != nil {
		st.Close()
		return old, nil
	}
	c.m[q] = st
	return st, nil
}

func (c *stmts) note(q string) {
	c.mu.Lock()
	c.pending[q] = true
	c.mu.Unlock()
}

// flush prepares the statements transactions ran unprepared.
func (c *stmts) flush(ctx context.Context) {
	c.mu.Lock()
	var qs []string
	for q := range c.pending {
		qs = append(qs, q)
	}
	clear(c.pending)
	c.mu.Unlock()
	for _, q := range qs {
		// A statement that fails to prepare runs unprepared next time too.
		_, _ = c.prepare(ctx, q)
	}
}

func (c *stmts) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.m {
		st.Close()
		delete(c.m, q)
	}
}

// readQ runs reads through prepared statements.
type readQ struct{ c *stmts }

func (r readQ) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	st, err := r.c.prepare(ctx, q)
	if err != nil {
		return r.c.db.QueryContext(ctx, q, args...)
	}
	return st.QueryContext(ctx, args...)
}

func (r readQ) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	st, err := r.c.prepare(ctx, q)
	if err != nil {
		return r.c.db.QueryRowContext(ctx, q, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

func (r readQ) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	st, err := r.c.prepare(ctx, q)
	if err != nil {
		return r.c.db.ExecContext(ctx, q, args...)
	}
	return st.ExecContext(ctx, args...)
}

// txQ runs a transaction's statements through the writer's prepared ones
// (bound to the transaction), or unprepared the first time.
type txQ struct {
	tx *sql.Tx
	c  *stmts
}

func (t txQ) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := t.c.get(q); st != nil {
		return t.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	t.c.note(q)
	return t.tx.QueryContext(ctx, q, args...)
}

func (t txQ) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if st := t.c.get(q); st != nil {
		return t.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	t.c.note(q)
	return t.tx.QueryRowContext(ctx, q, args...)
}

func (t txQ) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if st := t.c.get(q); st != nil {
		return t.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	t.c.note(q)
	return t.tx.ExecContext(ctx, q, args...)
}
