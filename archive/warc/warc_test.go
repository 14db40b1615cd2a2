package warc

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func exchange(url, body string) *Exchange {
	return &Exchange{
		URL:           url,
		RequestHeader: http.Header{"User-Agent": {"takedownwatch-test"}},
		StatusCode:    200,
		Header:        http.Header{"Content-Type": {"text/html; charset=utf-8"}},
		Body:          []byte(body),
		Date:          time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC),
		IP:            "127.0.0.2",
	}
}

func openWriter(t *testing.T, dir string, secrets ...string) *Writer {
	t.Helper()
	w, err := Open(Options{Dir: dir, Redactor: NewRedactor(secrets...)})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestWriter_RoundTrip(t *testing.T) {
	dir := t.TempDir()
	w := openWriter(t, dir)
	first, err := w.WriteExchange(exchange("https://example.org/a", "hello world"), nil)
	if err != nil {
		t.Fatal(err)
	}
	prev := &Previous{RecordID: first.Response.RecordID, TargetURI: "https://example.org/a", Date: time.Now(), PayloadDigest: first.PayloadDigest}
	same, err := w.WriteExchange(exchange("https://example.org/a", "hello world"), prev)
	if err != nil {
		t.Fatal(err)
	}
	nm := exchange("https://example.org/a", "")
	nm.StatusCode = http.StatusNotModified
	notModified, err := w.WriteExchange(nm, prev)
	if err != nil {
		t.Fatal(err)
	}
	changed, err := w.WriteExchange(exchange("https://example.org/a", "hello again"), prev)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Sync(); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name        string
		w           Written
		wantType    string
		wantProfile string
		wantBody    string
		wantStatus  int
	}{
		{"first", first, "response", "", "hello world", 200},
		{"identical payload", same, "revisit", ProfileIdenticalPayload, "", 200},
		{"304", notModified, "revisit", ProfileNotModified, "", 304},
		{"changed", changed, "response", "", "hello again", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.w.Type != tt.wantType || tt.w.Profile != tt.wantProfile {
				t.Fatalf("written type %s profile %s, want %s %s", tt.w.Type, tt.w.Profile, tt.wantType, tt.wantProfile)
			}
			rec, err := ReadAt(dir, tt.w.Response)
			if err != nil {
				t.Fatal(err)
			}
			if len(rec.Problems) > 0 {
				t.Fatalf("problems on a fresh record: %v", rec.Problems)
			}
			if rec.Type != tt.wantType || rec.Profile != tt.wantProfile {
				t.Errorf("read type %s profile %q, want %s %q", rec.Type, rec.Profile, tt.wantType, tt.wantProfile)
			}
			if rec.BlockDigest != tt.w.BlockDigest || !strings.HasPrefix(rec.BlockDigest, "sha256:") {
				t.Errorf("block digest %q, written %q", rec.BlockDigest, tt.w.BlockDigest)
			}
			if rec.StatusCode != tt.wantStatus {
				t.Errorf("status %d, want %d", rec.StatusCode, tt.wantStatus)
			}
			if tt.wantType == "response" {
				if string(rec.Body) != tt.wantBody || rec.StatusCode != 200 {
					t.Errorf("got %d %q, want 200 %q", rec.StatusCode, rec.Body, tt.wantBody)
				}
				if rec.PayloadDigest != PayloadDigest([]byte(tt.wantBody)) {
					t.Errorf("payload digest %s, want %s", rec.PayloadDigest, PayloadDigest([]byte(tt.wantBody)))
				}
			}
			req, err := ReadAt(dir, tt.w.Request)
			if err != nil || req.Type != "request" || len(req.Problems) > 0 {
				t.Fatalf("request record: %+v, %v", req, err)
			}
		})
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	// After Close the file has its final name and is still readable.
	if _, err := os.Stat(filepath.Join(dir, first.Response.File)); err != nil {
		t.Fatal(err)
	}
	var types []string
	if err := Scan(filepath.Join(dir, first.Response.File), func(r *Record) error {
		types = append(types, r.Type)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := "warcinfo response request revisit request revisit request response request"
	if got := strings.Join(types, " "); got != want {
		t.Errorf("records %q, want %q", got, want)
	}
}

func TestWriter_Rotate(t *testing.T) {
	dir := t.TempDir()
	w, err := Open(Options{Dir: dir, MaxSize: 600})
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]bool{}
	for i := 0; i < 5; i++ {
		wr, err := w.WriteExchange(exchange("https://example.org/x", strings.Repeat("body ", 50)+string(rune('a'+i))), nil)
		if err != nil {
			t.Fatal(err)
		}
		files[wr.Response.File] = true
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if len(files) < 2 {
		t.Fatalf("5 writes over a 600-byte limit used %d file(s)", len(files))
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, "*"+OpenSuffix))
	if len(leftovers) != 0 {
		t.Errorf("open files after Close: %v", leftovers)
	}
}

func TestWriter_SecretsNeverArchived(t *testing.T) {
	const token = "EAAGsecretTOKENvalue123456"
	dir := t.TempDir()
	w := openWriter(t, dir, token)
	ex := exchange("https://graph.example/v19.0/page/posts?fields=id&access_token="+token, `{"paging":{"next":"https://graph.example/next?access_token=`+token+`"}}`)
	ex.RequestHeader.Set("Authorization", "Bearer "+token)
	ex.RequestHeader.Set("Cookie", "session=abc")
	ex.Header.Set("Link", "<https://graph.example/p2?access_token="+token+">; rel=next")
	if _, err := w.WriteExchange(ex, nil); err != nil {
		t.Fatal(err)
	}
	other := exchange("https://example.org/?token=another-query-token-value&q=ok", "ok")
	if _, err := w.WriteExchange(other, nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		plain := gunzipAll(t, raw)
		for _, secret := range []string{token, "another-query-token-value", "session=abc"} {
			if bytes.Contains(plain, []byte(secret)) || bytes.Contains(raw, []byte(secret)) {
				t.Errorf("%s holds secret %q", filepath.Base(f), secret)
			}
		}
		if !bytes.Contains(plain, []byte("q=ok")) {
			t.Errorf("redaction removed an ordinary parameter")
		}
		if !bytes.Contains(plain, []byte("redaction: ")) {
			t.Errorf("warcinfo does not say what is redacted")
		}
	}
}

func gunzipAll(t *testing.T, raw []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestReadAt_DetectsFlippedByte(t *testing.T) {
	dir := t.TempDir()
	w := openWriter(t, dir)
	wr, err := w.WriteExchange(exchange("https://example.org/a", strings.Repeat("evidence ", 100)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, wr.Response.File)
	data, _ := os.ReadFile(path)
	data[wr.Response.Offset+wr.Response.Length/2] ^= 0x01
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	rec, err := ReadAt(dir, wr.Response)
	if err == nil && len(rec.Problems) == 0 {
		t.Fatal("a flipped byte went unnoticed")
	}
}

func TestRecover_TornTail(t *testing.T) {
	dir := t.TempDir()
	w := openWriter(t, dir)
	good, err := w.WriteExchange(exchange("https://example.org/a", "kept"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Sync(); err != nil {
		t.Fatal(err)
	}
	// Simulate a kill halfway through the next record.
	open := filepath.Join(dir, good.Response.File+OpenSuffix)
	f, err := os.OpenFile(open, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte{0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02}); err != nil {
		t.Fatal(err)
	}
	f.Close()

	got, err := Recover(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Records != 3 || got[0].TornBytes != 6 {
		t.Fatalf("recovered %+v, want 1 file, 3 records, 6 torn bytes", got)
	}
	torn, err := os.ReadFile(filepath.Join(dir, got[0].TornFile))
	if err != nil || len(torn) != 6 {
		t.Fatalf("torn tail not kept aside: %v %d", err, len(torn))
	}
	rec, err := ReadAt(dir, good.Response)
	if err != nil || len(rec.Problems) > 0 || string(rec.Body) != "kept" {
		t.Fatalf("record before the tear: %+v %v", rec, err)
	}
	if err := Scan(filepath.Join(dir, good.Response.File), func(*Record) error { return nil }); err != nil {
		t.Fatalf("recovered file does not scan cleanly: %v", err)
	}
}

func TestRedactor_URL(t *testing.T) {
	r := NewRedactor("supersecretvalue")
	tests := []struct{ in, want string }{
		{"https://a.example/p?access_token=x&limit=5", "https://a.example/p?access_token=REDACTED&limit=5"},
		{"https://a.example/p?limit=5", "https://a.example/p?limit=5"},
		{"https://user:pw@a.example/", "https://REDACTED@a.example/"},
		{"https://a.example/p?q=supersecretvalue", "https://a.example/p?q=REDACTED"},
		{"https://a.example/p?Page_Token=abc&x=1", "https://a.example/p?Page_Token=REDACTED&x=1"},
	}
	for _, tt := range tests {
		if got := r.URL(tt.in); got != tt.want {
			t.Errorf("URL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// A record re-compressed after an edit has a valid gzip member, so only the
// digests can catch it.
func TestReadAt_DetectsEditedContent(t *testing.T) {
	dir := t.TempDir()
	w := openWriter(t, dir)
	wr, err := w.WriteExchange(exchange("https://example.org/a", "the minister said yes"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, wr.Response.File)
	data, _ := os.ReadFile(path)
	member := data[wr.Response.Offset : wr.Response.Offset+wr.Response.Length]
	plain := gunzipAll(t, member)
	edited := bytes.Replace(plain, []byte("said yes"), []byte("said no!"), 1)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(edited)
	zw.Close()
	out := append(append(append([]byte{}, data[:wr.Response.Offset]...), buf.Bytes()...), data[wr.Response.Offset+wr.Response.Length:]...)
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	pos := wr.Response
	pos.Length = int64(buf.Len())
	rec, err := ReadAt(dir, pos)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Problems) == 0 {
		t.Fatal("an edited body passed the digest check")
	}
	t.Logf("found: %v", rec.Problems)
}

// TestReadSpan reads records from an open file by their spans, as ReadAt
// reads them by name, and tells a span that is not one record.
func TestReadSpan(t *testing.T) {
	dir := t.TempDir()
	w := openWriter(t, dir)
	var written []Written
	for _, body := range []string{"one", strings.Repeat("two ", 5000), "three"} {
		wr, err := w.WriteExchange(exchange("https://example.org/"+body[:3], body), nil)
		if err != nil {
			t.Fatal(err)
		}
		written = append(written, wr)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, written[0].Response.File))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for i := len(written) - 1; i >= 0; i-- { // backwards: no reader state carries over
		for _, pos := range []Position{written[i].Response, written[i].Request} {
			got, err := ReadSpan(f, pos)
			if err != nil {
				t.Fatal(err)
			}
			want, err := ReadAt(dir, pos)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Problems) > 0 || got.RecordID != want.RecordID || got.Offset != pos.Offset || got.Length != pos.Length ||
				!bytes.Equal(got.Body, want.Body) || got.Type != want.Type {
				t.Errorf("ReadSpan %v: %s %s@%d+%d %v, ReadAt: %s %s", pos, got.Type, got.RecordID, got.Offset, got.Length, got.Problems, want.Type, want.RecordID)
			}
		}
	}
	short := written[1].Response
	short.Length--
	if rec, err := ReadSpan(f, short); err == nil && len(rec.Problems) == 0 {
		t.Errorf("a span one byte short of its record reads as intact")
	}
	long := written[0].Response
	long.Length += written[0].Request.Length
	if rec, err := ReadSpan(f, long); err == nil && len(rec.Problems) == 0 {
		t.Errorf("a span of two records reads as one intact record")
	}
}

// An answer to a request that carried no secret is kept as received, even
// where it holds a configured token: scrubbing it would tell a watched
// source, which reads its archived answers, which of its guesses was the
// token. An answer to a request that carried the token is scrubbed.
func TestWriter_OnlyEchoesOfSentSecretsAreScrubbed(t *testing.T) {
	const token = "EAAGsecretTOKENvalue123456"
	dir := t.TempDir()
	w := openWriter(t, dir, token)
	guesses := exchange("https://watched.example/page", "guesses: password123 "+token+" hunter2")
	guesses.Header.Set("X-Guess", token)
	if _, err := w.WriteExchange(guesses, nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	var plain []byte
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		plain = append(plain, gunzipAll(t, raw)...)
	}
	if !bytes.Contains(plain, []byte("guesses: password123 "+token+" hunter2")) || !bytes.Contains(plain, []byte("X-Guess: "+token)) {
		t.Errorf("an answer to a request without the token was altered:\n%s", plain)
	}
}

// A file open for a day is closed at the next record, however small: a
// quiet archive's evidence is in final files at least daily.
func TestWriter_RotatesByAge(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	w, err := Open(Options{Dir: dir, Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	first, err := w.WriteExchange(exchange("https://example.org/a", "one"), nil)
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(23 * time.Hour)
	second, err := w.WriteExchange(exchange("https://example.org/b", "two"), nil)
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(2 * time.Hour)
	third, err := w.WriteExchange(exchange("https://example.org/c", "three"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if first.Response.File != second.Response.File || third.Response.File == second.Response.File {
		t.Errorf("files %s, %s, %s: want the first two in one file and the third, a day later, in the next",
			first.Response.File, second.Response.File, third.Response.File)
	}
	if _, err := os.Stat(filepath.Join(dir, first.Response.File)); err != nil {
		t.Errorf("the day-old file is not final: %v", err)
	}
}
