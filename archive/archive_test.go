package archive

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/archive/warc"
)

func openTest(t *testing.T, dir string) *Archive {
	t.Helper()
	a, err := OpenWriter(t.Context(), Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func ex(url, body string) *warc.Exchange {
	return &warc.Exchange{
		URL: url, StatusCode: 200, Header: http.Header{"Content-Type": {"text/plain"}, "Etag": {`"v1"`}},
		Body: []byte(body), RequestHeader: http.Header{"User-Agent": {"test"}},
	}
}

func fill(t *testing.T, a *Archive, n int) []*store.Capture {
	t.Helper()
	var out []*store.Capture
	for i := 0; i < n; i++ {
		c, err := a.Record(t.Context(), ex(fmt.Sprintf("https://example.org/%d", i%3), fmt.Sprintf("body %d", i/6)), Meta{Kind: "listing"})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

func TestArchive_VerifyGoodArchive(t *testing.T) {
	dir := t.TempDir()
	a := openTest(t, dir)
	caps := fill(t, a, 12)
	if _, err := a.RecordFailure(t.Context(), "https://example.org/down", time.Now(), "direct", Meta{Kind: "listing"}, errors.New("connection reset")); err != nil {
		t.Fatal(err)
	}
	// Verify works while the writer still has its file open.
	rep, err := a.Verify(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.Captures != len(caps) || len(rep.Unreferenced) != 0 {
		t.Fatalf("open archive: %+v", rep)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := OpenReader(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var calls []string
	rep, err = r.Verify(t.Context(), func(done, total int, file string) {
		calls = append(calls, fmt.Sprintf("%d/%d", done, total))
	})
	if err != nil {
		t.Fatal(err)
	}
	// progress from the start (a big file takes a while) to the end
	if want := []string{"0/1", "1/1"}; !slices.Equal(calls, want) {
		t.Errorf("progress calls %v, want %v", calls, want)
	}
	// warcinfo + 12 × (response|revisit + request)
	if !rep.OK() || rep.Files != 1 || rep.Records != 25 || rep.Captures != 12 {
		t.Fatalf("closed archive: %+v", rep)
	}
	revisits := 0
	for _, c := range caps {
		if c.RecordType == "revisit" {
			revisits++
		}
	}
	if revisits == 0 {
		t.Error("repeated bodies of one URL wrote no revisit")
	}
}

func TestArchive_VerifyNamesTheDamagedCapture(t *testing.T) {
	dir := t.TempDir()
	a := openTest(t, dir)
	caps := fill(t, a, 6)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	victim := caps[3]
	path := filepath.Join(dir, WARCDir, victim.WARCFile)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data[victim.WARCOffset+victim.WARCLength/2] ^= 0x20
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}

	r, err := OpenReader(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rep, err := r.Verify(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() {
		t.Fatal("verify passed after a byte was flipped")
	}
	named := map[int64]bool{}
	for _, p := range rep.Problems {
		if p.CaptureID != 0 {
			named[p.CaptureID] = true
		}
	}
	if !named[victim.ID] {
		t.Errorf("problems %v do not name capture %d", rep.Problems, victim.ID)
	}
	// Captures after the damage are still read (gzip members stand alone).
	for _, c := range caps[4:] {
		if named[c.ID] {
			t.Errorf("intact capture %d reported: %v", c.ID, rep.Problems)
		}
	}
}

func TestArchive_VerifyCatchesMetadataMismatch(t *testing.T) {
	dir := t.TempDir()
	a := openTest(t, dir)
	caps := fill(t, a, 2)
	if _, err := a.Store.DB().Exec(`UPDATE captures SET payload_digest = 'sha256:00' WHERE id = ?`, caps[0].ID); err != nil {
		t.Fatal(err)
	}
	rep, err := a.Verify(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) != 1 || rep.Problems[0].CaptureID != caps[0].ID || !strings.Contains(rep.Problems[0].Msg, "payload digest") {
		t.Fatalf("problems %v, want one payload digest problem on capture %d", rep.Problems, caps[0].ID)
	}
	a.Close()
}

func TestArchive_SecondWriterRefuses(t *testing.T) {
	dir := t.TempDir()
	a := openTest(t, dir)
	defer a.Close()
	_, err := OpenWriter(t.Context(), Options{DataDir: dir})
	var le *LockedError
	if !errors.As(err, &le) {
		t.Fatalf("second writer: %v, want LockedError", err)
	}
	if !strings.Contains(err.Error(), "only one writer") {
		t.Errorf("message %q does not say why", err)
	}
	r, err := OpenReader(t.Context(), dir)
	if err != nil {
		t.Fatalf("reader beside the writer: %v", err)
	}
	r.Close()
}

func TestArchive_ConditionalAnswerKeepsValidators(t *testing.T) {
	dir := t.TempDir()
	a := openTest(t, dir)
	defer a.Close()
	first, err := a.Record(t.Context(), ex("https://example.org/feed", "items"), Meta{Kind: "listing"})
	if err != nil {
		t.Fatal(err)
	}
	nm := ex("https://example.org/feed", "")
	nm.StatusCode = http.StatusNotModified
	nm.Header = http.Header{}
	second, err := a.Record(t.Context(), nm, Meta{Kind: "listing"})
	if err != nil {
		t.Fatal(err)
	}
	if second.RecordType != "revisit" || second.RevisitOf != first.ID || second.ETag != `"v1"` || second.PayloadDigest != first.PayloadDigest {
		t.Fatalf("304 capture %+v", second)
	}
	third, err := a.Record(t.Context(), ex("https://example.org/feed", "items"), Meta{Kind: "listing"})
	if err != nil {
		t.Fatal(err)
	}
	if third.RecordType != "revisit" {
		t.Errorf("same payload after a 304 wrote a %s", third.RecordType)
	}
}

func TestArchive_MetadataKeepsNoToken(t *testing.T) {
	const token = "EAAB-page-token-0123456789"
	dir := t.TempDir()
	a, err := OpenWriter(t.Context(), Options{DataDir: dir, Secrets: []string{token}})
	if err != nil {
		t.Fatal(err)
	}
	e := ex("https://graph.example/v19.0/page/posts?access_token="+token, `{"data":[]}`)
	e.RequestHeader.Set("Authorization", "OAuth "+token)
	c, err := a.Record(t.Context(), e, Meta{Kind: "listing"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(c.URL, token) {
		t.Errorf("capture URL %s holds the token", c.URL)
	}
	if _, err := a.Record(t.Context(), e, Meta{Kind: "listing"}); err != nil {
		t.Fatal(err)
	}
	if last, err := a.LastCapture(t.Context(), e.URL); err != nil || last.RecordType != "revisit" {
		t.Errorf("the redacted URL no longer finds its last capture: %+v %v", last, err)
	}
	if _, err := a.RecordFailure(t.Context(), e.URL, time.Now(), "direct", Meta{Kind: "listing"},
		fmt.Errorf("Get %q: connection reset", e.URL)); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	err = filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(string(raw), token) {
			t.Errorf("%s holds the token", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestArchive_VerifyToleratesRecordInFlight(t *testing.T) {
	dir := t.TempDir()
	a := openTest(t, dir)
	defer a.Close()
	caps := fill(t, a, 3)
	// A writer killed (or still busy) halfway through a record.
	open := filepath.Join(dir, WARCDir, caps[0].WARCFile+warc.OpenSuffix)
	f, err := os.OpenFile(open, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte{0x1f, 0x8b, 0x08, 0x00, 0x00})
	f.Close()
	rep, err := a.Verify(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || len(rep.InFlight) != 1 || rep.Captures != 3 {
		t.Fatalf("report %+v, want ok with one record in flight", rep)
	}
}

// A record no capture points to (here one written without its metadata,
// as a failed commit leaves it, or as one added to the file would be) is
// named by file, offset, type and target, and is not damage.
func TestArchive_VerifyNamesUnreferencedRecords(t *testing.T) {
	dir := t.TempDir()
	a := openTest(t, dir)
	defer a.Close()
	fill(t, a, 2)
	at := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	w, err := a.w.WriteResource("https://example.org/forged", "text/plain", []byte("never committed"), at)
	if err != nil {
		t.Fatal(err)
	}
	fill(t, a, 2)
	rep, err := a.Verify(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := Unreferenced{File: w.Response.File, Offset: w.Response.Offset, Type: "resource", TargetURI: "https://example.org/forged", Date: at}
	if !rep.OK() || len(rep.Unreferenced) != 1 || rep.Unreferenced[0] != want {
		t.Fatalf("report %+v, want ok with %+v unreferenced", rep, want)
	}
	if got := rep.Unreferenced[0].String(); !strings.HasSuffix(got, "resource record of https://example.org/forged dated 2026-05-01T09:00:00Z") {
		t.Errorf("String() = %q", got)
	}
}

// Beside a running writer, a record whose metadata is not committed yet
// (the last of the file still being written, or one dated just now) is in
// flight, not unreferenced: verify --strict must not fail on a writer's
// ordinary work.
func TestArchive_VerifyBesideTheWriter(t *testing.T) {
	dir := t.TempDir()
	a := openTest(t, dir)
	defer a.Close()
	fill(t, a, 2)
	if _, err := a.w.WriteResource("https://example.org/committing", "text/plain", []byte("metadata on its way"), time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := a.w.Sync(); err != nil {
		t.Fatal(err)
	}
	rep, err := a.Verify(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || len(rep.Unreferenced) != 0 || len(rep.InFlight) != 1 || !strings.Contains(rep.InFlight[0], "resource record, no metadata yet") {
		t.Fatalf("report %+v, want the record in flight", rep)
	}
}

// The writer closes a file (rotation) while a fetch's metadata is on its
// way: beside a running writer its recent record is in flight, though its
// file is closed. Once no writer runs, no metadata is coming, and the same
// record is unreferenced.
func TestArchive_VerifyAcrossRotation(t *testing.T) {
	dir := t.TempDir()
	a := openTest(t, dir)
	fill(t, a, 2)
	w, err := a.w.WriteResource("https://example.org/committing", "text/plain", []byte("metadata on its way"), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := a.w.Rotate(); err != nil {
		t.Fatal(err)
	}
	rep, err := a.Verify(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || len(rep.Unreferenced) != 0 || len(rep.InFlight) != 1 || !strings.Contains(rep.InFlight[0], w.Response.File) {
		t.Fatalf("report %+v, want the record of the closed file in flight", rep)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := OpenReader(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rep, err = r.Verify(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || len(rep.InFlight) != 0 || len(rep.Unreferenced) != 1 || rep.Unreferenced[0].Offset != w.Response.Offset {
		t.Fatalf("report %+v, want the record unreferenced once no writer runs", rep)
	}
}

// Metadata committed between verify's reading of it and its scan of the
// file (a fetch finishing as its file is checked) makes no unreferenced
// record and no damage: the capture is read again and checked, and its
// request record read where it is when the scan ended before it (the file's
// size was taken between the exchange's two records).
func TestArchive_VerifyMetadataCommittedDuringScan(t *testing.T) {
	for _, requestLate := range []bool{false, true} {
		t.Run(fmt.Sprintf("request record written after the size was taken: %v", requestLate), func(t *testing.T) {
			dir := t.TempDir()
			a := openTest(t, dir)
			defer a.Close()
			fill(t, a, 2)
			e := ex("https://example.org/late", "committed late")
			e.Date = time.Now().Add(-2 * inFlightAge) // not recent: no in-flight grace
			wr, err := a.w.WriteExchange(e, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := a.w.Sync(); err != nil {
				t.Fatal(err)
			}
			if requestLate {
				if wr.Request.Offset <= wr.Response.Offset {
					t.Fatalf("request record at %d, response at %d: the test needs the request after", wr.Request.Offset, wr.Response.Offset)
				}
				a.verifySize = func(string, int64) int64 { return wr.Request.Offset }
			}
			a.verifyScanned = func(string) {
				c := &store.Capture{URL: e.URL, Kind: "listing", At: e.Date, Status: 200, PayloadDigest: wr.PayloadDigest,
					BlockDigest: wr.BlockDigest, RecordType: wr.Type, RecordID: wr.Response.RecordID, WARCFile: wr.Response.File,
					WARCOffset: wr.Response.Offset, WARCLength: wr.Response.Length, RequestOffset: wr.Request.Offset, RequestLength: wr.Request.Length}
				if err := a.Store.Write(t.Context(), func(tx *store.Tx) error { return tx.InsertCapture(c) }); err != nil {
					t.Error(err)
				}
			}
			rep, err := a.Verify(t.Context(), nil)
			if err != nil {
				t.Fatal(err)
			}
			if !rep.OK() || len(rep.Unreferenced) != 0 || len(rep.InFlight) != 0 || rep.Captures != 3 {
				t.Fatalf("report %+v, want 3 captures checked, no problem and nothing unreferenced", rep)
			}
		})
	}
}

func TestArchive_ResourceRecords(t *testing.T) {
	dir := t.TempDir()
	a := openTest(t, dir)
	c, err := a.RecordResource(t.Context(), "file:///imports/moi_requests.csv", "text/csv", []byte("reporter,filed_at\nMoI,2026-01-01T00:00:00Z\n"), Meta{Kind: "report"})
	if err != nil {
		t.Fatal(err)
	}
	fill(t, a, 2)
	rep, err := a.Verify(t.Context(), nil)
	if err != nil || !rep.OK() || rep.Captures != 3 {
		t.Fatalf("verify: %v %+v", err, rep)
	}
	rec, err := warc.ReadAt(a.WARCDir(), warc.Position{File: c.WARCFile, Offset: c.WARCOffset, Length: c.WARCLength})
	if err != nil || rec.Type != "resource" || len(rec.Problems) > 0 || rec.TargetURI != "file:///imports/moi_requests.csv" {
		t.Fatalf("resource record %+v %v", rec, err)
	}
	a.Close()
}

// olderSchema makes dir's database look as a binary of schema 5 left it:
// without migrations 0006 to 0011 (their indexes, tables, columns, triggers and rows).
func olderSchema(t *testing.T, dir string) {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(dir, DBFile))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		`DELETE FROM schema_migrations WHERE version >= 6`,
		`DROP INDEX events_removals`,
		`DROP INDEX posts_stats`,
		`DROP INDEX captures_listings`,
		`ALTER TABLE captures DROP COLUMN pending`,
		`ALTER TABLE posts DROP COLUMN listed_at`,
		`ALTER TABLE sources DROP COLUMN listed_at`,
		`DROP TRIGGER index_log_source_actor`,
		`DROP TRIGGER index_log_actor_affiliation`,
		`DROP INDEX events_source`,
		`DROP TABLE source_platforms`,
		`DROP TRIGGER source_platforms_post`,
		`DROP TRIGGER source_platforms_move`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func schemaOf(t *testing.T, dir string) int {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(dir, DBFile))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v int
	if err := db.QueryRow(`SELECT max(version) FROM schema_migrations`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// After an upgrade (or on a copy of an archive) a read command migrates
// the database itself when no writer runs: no collection cycle needed.
func TestOpenReader_MigratesWhenNoWriterRuns(t *testing.T) {
	dir := t.TempDir()
	a := openTest(t, dir)
	fill(t, a, 3)
	latest := schemaOf(t, dir)
	a.Close()
	olderSchema(t, dir)

	r, err := OpenReader(t.Context(), dir)
	if err != nil {
		t.Fatalf("reader on an older database: %v", err)
	}
	if r.MigratedFrom != 5 {
		t.Errorf("MigratedFrom = %d, want 5", r.MigratedFrom)
	}
	if v, err := r.Store.SchemaVersion(t.Context()); err != nil || v != latest {
		t.Errorf("schema after the reader's migration = %d (%v), want %d", v, err, latest)
	}
	if byStatus, _, err := r.Store.CapturesByStatusSince(t.Context(), 0); err != nil || byStatus["200"] != 3 {
		t.Errorf("captures after migration: %v (%v), want 3 of status 200", byStatus, err)
	}
	// listing answers from before are no base for a conditional request:
	// the first cycle reads each listing whole, finding posts a process
	// stopped at the wrong moment had left unread
	if c, err := r.LastCapture(t.Context(), "https://example.org/0"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a listing answer from before the upgrade is a conditional base: %+v (%v)", c, err)
	}
	r.Close()
	if _, err := os.Stat(filepath.Join(dir, LockFile)); err != nil {
		t.Errorf("lock file: %v", err)
	}
	w := openTest(t, dir) // the lock was released
	w.Close()

	r, err = OpenReader(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if r.MigratedFrom != 0 {
		t.Errorf("second reader: MigratedFrom = %d, want 0", r.MigratedFrom)
	}
	r.Close()
}

// A writer of an older binary holds the directory: the reader leaves the
// database alone and says what to do.
func TestOpenReader_OlderWriterRunning(t *testing.T) {
	dir := t.TempDir()
	a := openTest(t, dir)
	a.Close()
	olderSchema(t, dir)
	lock, err := lockFile(filepath.Join(dir, LockFile)) // the older writer
	if err != nil {
		t.Fatal(err)
	}
	defer unlockFile(lock)

	_, err = OpenReader(t.Context(), dir)
	if !errors.Is(err, store.ErrOldSchema) || !strings.Contains(err.Error(), "restart it with this one") {
		t.Fatalf("reader beside an older writer: %v, want ErrOldSchema saying to restart the writer", err)
	}
	if v := schemaOf(t, dir); v != 5 {
		t.Errorf("schema = %d, want 5 left alone", v)
	}
}

// A write that fails (here its metadata: a source the archive does not
// hold) is ErrWrite and makes the archive's writes failing, since the
// first failure, until one succeeds.
func TestArchive_WriteFailing(t *testing.T) {
	a := openTest(t, t.TempDir())
	defer a.Close()
	if f := a.WriteFailing(); f != nil {
		t.Fatalf("a new archive fails: %v", f.Err)
	}
	var first time.Time
	for i := range 2 {
		_, err := a.Record(t.Context(), ex("https://example.org/x", "x"), Meta{Kind: "listing", SourceID: "no-such-source"})
		f := a.WriteFailing()
		if !errors.Is(err, ErrWrite) || f == nil || !errors.Is(f.Err, ErrWrite) {
			t.Fatalf("failed write %d: %v, failing %+v", i, err, f)
		}
		if i == 0 {
			first = f.Since
		} else if !f.Since.Equal(first) {
			t.Errorf("since moved from %v to %v: it is the first failure's", first, f.Since)
		}
	}
	fill(t, a, 1)
	if f := a.WriteFailing(); f != nil {
		t.Errorf("still failing after a write succeeded: %v", f.Err)
	}
}

// A record whose HTTP block does not parse (a request line holding a space,
// as archives made before fetches encoded URLs have) is whole: verify
// passes and names it apart, for replay tools may stumble on it.
func TestArchive_VerifyMalformedIsNotDamage(t *testing.T) {
	dir := t.TempDir()
	a := openTest(t, dir)
	defer a.Close()
	fill(t, a, 2)
	c, err := a.Record(t.Context(), ex(`https://example.org/p?a="><x y='1'>"`, "body"), Meta{Kind: "permalink"})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := a.Verify(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.Captures != 3 || len(rep.Malformed) != 1 || rep.Malformed[0].Offset != c.RequestOffset ||
		!strings.Contains(rep.Malformed[0].Msg, "error in http request block") {
		t.Fatalf("report %+v, want ok with the request record named malformed", rep)
	}
}

// Answers repeated unchanged are revisits of the record holding the
// payload — never of another revisit, whose chain would grow by one at
// each fetch — and an error answer repeated (a removed post's 404 page,
// fetched at every re-check) is a revisit of the last one with its status.
func TestArchive_RevisitsNameTheirOriginal(t *testing.T) {
	a := openTest(t, t.TempDir())
	defer a.Close()
	const u = "https://example.org/post/1"
	answer := func(status int, body string) *store.Capture {
		t.Helper()
		e := ex(u, body)
		e.StatusCode = status
		c, err := a.Record(t.Context(), e, Meta{Kind: "permalink"})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	first := answer(200, "the post")
	for i := range 5 {
		c := answer(200, "the post")
		if c.RecordType != "revisit" || c.RevisitOf != first.ID {
			t.Fatalf("repeat %d: %s of %d, want a revisit of the first answer, %d", i, c.RecordType, c.RevisitOf, first.ID)
		}
	}
	gone := answer(404, "this content isn't available")
	if gone.RecordType != "response" || gone.Status != 404 {
		t.Fatalf("the first 404: %s %d, want a response", gone.RecordType, gone.Status)
	}
	for i := range 3 {
		c := answer(404, "this content isn't available")
		if c.RecordType != "revisit" || c.RevisitOf != gone.ID || c.Status != 404 {
			t.Fatalf("404 repeat %d: %s of %d status %d, want a 404 revisit of %d", i, c.RecordType, c.RevisitOf, c.Status, gone.ID)
		}
		rec, err := warc.ReadAt(a.WARCDir(), warc.Position{File: c.WARCFile, Offset: c.WARCOffset, Length: c.WARCLength})
		if err != nil || rec.StatusCode != 404 {
			t.Fatalf("404 repeat %d: its record %+v (%v), want the 404 status line kept", i, rec, err)
		}
	}
	// a 410 after the 404s is an answer of its own
	if c := answer(410, "this content isn't available"); c.RecordType != "response" {
		t.Errorf("a 410 after 404s with the same body: %s, want a response (a revisit keeps one status)", c.RecordType)
	}
	rep, err := a.Verify(t.Context(), nil)
	if err != nil || !rep.OK() {
		t.Fatalf("verify: %+v (%v)", rep, err)
	}
}
