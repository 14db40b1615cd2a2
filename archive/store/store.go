// Package store keeps the archive's metadata in SQLite: actors, sources,
// captures, posts, versions, events, reports and metrics. All SQL of the
// project lives here.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // pure-Go driver: the binary builds with CGO_ENABLED=0
)

//go:embed migrations/*.sql
var migrations embed.FS

// ErrNotFound is returned when a row asked for by id does not exist.
var ErrNotFound = errors.New("not found")

// ErrNoArchive is returned when a read-only open finds no database.
var ErrNoArchive = errors.New("no archive database")

// ErrOldSchema is returned when a read-only open finds a database that an
// older binary made: only a writer migrates it.
var ErrOldSchema = errors.New("archive database made by an older version")

// Store is the metadata database. A writable Store has one connection, so
// SQLite's single writer never waits on itself; read-only Stores (the read
// commands beside a running daemon) have a small pool.
type Store struct {
	db  *sql.DB // the writer (one connection) or, read-only, the pool
	rdb *sql.DB // reads
	// r reads and w writes through prepared statements.
	r        readQ
	ws       *stmts
	readOnly bool
	path     string
	// migratedFrom: the schema version this writer's Open migrated an
	// existing database from (0: none, or a new database).
	migratedFrom int
}

// Open opens (and, when writable, creates and migrates) the database at path.
func Open(ctx context.Context, path string, readOnly bool) (*Store, error) {
	if readOnly {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("store: %s: %w", path, ErrNoArchive)
		}
	} else if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_txlock", "immediate")
	if readOnly {
		q.Add("mode", "ro")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(NORMAL)")
	}
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	s := &Store{db: db, rdb: db, readOnly: readOnly, path: path}
	if readOnly {
		db.SetMaxOpenConns(readConns)
		db.SetMaxIdleConns(readConns)
	} else {
		db.SetMaxOpenConns(1)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open %s: %w%s", path, err, spaceHint(path))
	}
	if !readOnly {
		if err := s.migrate(ctx); err != nil {
			db.Close()
			return nil, err
		}
		// Reads get their own pool: they never wait behind the writer's
		// single connection, and a read inside a write transaction cannot
		// deadlock on it.
		rq := url.Values{}
		rq.Add("_pragma", "busy_timeout(10000)")
		rq.Add("_pragma", "foreign_keys(1)")
		rq.Add("_pragma", "query_only(1)")
		if s.rdb, err = sql.Open("sqlite", "file:"+path+"?"+rq.Encode()); err != nil {
			db.Close()
			return nil, fmt.Errorf("store: open %s: %w", path, err)
		}
		s.rdb.SetMaxOpenConns(readConns)
		// Keep them all: a reopened connection parses the schema again.
		s.rdb.SetMaxIdleConns(readConns)
	} else if v, err := s.SchemaVersion(ctx); err != nil {
		db.Close()
		return nil, err
	} else if v < latestMigration() {
		db.Close()
		return nil, fmt.Errorf("store: %s is at schema %d, this binary needs %d: %w", path, v, latestMigration(), ErrOldSchema)
	}
	s.r = readQ{newStmts(s.rdb)}
	s.ws = newStmts(s.db)
	return s, nil
}

// spaceHint says how much room the database's file system has left when
// it is nearly full: SQLite opening a WAL database on a full disk says
// only "disk I/O error", which names neither the disk nor the space.
func spaceHint(path string) string {
	free, ok := spaceLeft(filepath.Dir(path))
	if !ok || free >= 1<<20 {
		return ""
	}
	return fmt.Sprintf(" (the file system of %s has %d bytes free: make room, then start again)", filepath.Dir(path), free)
}

// spaceLeft is freeBytes, replaced in tests.
var spaceLeft = freeBytes

// readConns is how many connections read at once.
const readConns = 4

// Close closes the database.
func (s *Store) Close() error {
	if s.ws != nil {
		s.ws.close()
	}
	if s.r.c != nil && s.rdb != s.db {
		s.r.c.close()
	}
	if s.rdb != s.db {
		s.rdb.Close()
	}
	return s.db.Close()
}

// MigratedFrom returns the schema version Open migrated the database from,
// or 0 when it did not migrate an existing one.
func (s *Store) MigratedFrom() int { return s.migratedFrom }

// ReadOnly reports whether the store was opened for reading only.
func (s *Store) ReadOnly() bool { return s.readOnly }

type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("store: migration %s: name must start with its number", e.Name())
		}
		b, err := migrations.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

func latestMigration() int {
	ms, err := loadMigrations()
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

// SchemaVersion returns the number of the last migration applied.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var exists int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&exists); err != nil {
		return 0, fmt.Errorf("store: schema version: %w", err)
	}
	if exists == 0 {
		return 0, nil
	}
	var v sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("store: schema version: %w", err)
	}
	return int(v.Int64), nil
}

// migrate applies each pending migration in its own transaction.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("store: migrations table: %w", err)
	}
	ms, err := loadMigrations()
	if err != nil {
		return fmt.Errorf("store: load migrations: %w", err)
	}
	current, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if current > 0 && current < latestMigration() {
		s.migratedFrom = current
	}
	for _, m := range ms {
		if m.version <= current {
			continue
		}
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
				m.version, m.name, formatTime(time.Now()))
			return err
		})
		if err != nil {
			return fmt.Errorf("store: migration %s: %w", m.name, err)
		}
	}
	return nil
}

func (s *Store) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// timeLayout is fixed-width UTC so that text order is time order.
const timeLayout = "2006-01-02T15:04:05.000000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func nullTime(t time.Time) sql.NullString {
	if t.IsZero() {
		return sql.NullString{}
	}
	return sql.NullString{String: formatTime(t), Valid: true}
}

func parseTime(s sql.NullString) time.Time { return parseTimeString(s.String) }

// parseTimeString is parseTime of a column read as a plain string ("" for
// NULL).
func parseTimeString(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	if t, ok := parseStored(s); ok {
		return t
	}
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		t, _ = time.Parse(time.RFC3339Nano, s)
	}
	return t
}

// parseStored reads a time in timeLayout without time.Parse, which was a
// tenth of the CPU of a large export (every event carries up to three
// times); anything else, or an impossible date, is left to time.Parse.
func parseStored(v string) (time.Time, bool) {
	if len(v) != len(timeLayout) || v[4] != '-' || v[7] != '-' || v[10] != 'T' || v[13] != ':' ||
		v[16] != ':' || v[19] != '.' || v[26] != 'Z' {
		return time.Time{}, false
	}
	ok := true
	num := func(i, j int) int {
		n := 0
		for _, c := range []byte(v[i:j]) {
			if c < '0' || c > '9' {
				ok = false
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	year, month, day := num(0, 4), num(5, 7), num(8, 10)
	hour, minute, sec, micro := num(11, 13), num(14, 16), num(17, 19), num(20, 26)
	if !ok || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, micro*1000, time.UTC)
	if t.Day() != day { // 31 April: time.Date would roll it into May
		return time.Time{}, false
	}
	return t, true
}

func nullString(s string) sql.NullString {
	return sql.NullString{String: s, Valid: s != ""}
}

// DB exposes the handle to tests in other packages that must corrupt
// metadata on purpose; production code goes through the methods.
func (s *Store) DB() *sql.DB { return s.db }
