package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/archive"
)

// A WARC file no metadata points to (copied in from another archive, as a
// forger would add one) is listed record by record; --strict fails on it
// and --json reports it.
func TestVerify_UnreferencedRecords(t *testing.T) {
	dir := t.TempDir()
	data, other := filepath.Join(dir, "data"), filepath.Join(dir, "other")
	cfg := writeConfig(t, dir, "data_dir: "+data+"\n")
	for _, d := range []string{data, other} {
		a, err := archive.OpenWriter(t.Context(), archive.Options{DataDir: d})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.RecordResource(t.Context(), "https://example.org/"+filepath.Base(d), "text/plain", []byte("x"), archive.Meta{Kind: "document"}); err != nil {
			t.Fatal(err)
		}
		if err := a.Close(); err != nil {
			t.Fatal(err)
		}
	}
	files, _ := filepath.Glob(filepath.Join(other, archive.WARCDir, "*.warc.gz"))
	if len(files) != 1 {
		t.Fatalf("other archive's WARC files: %v", files)
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, archive.WARCDir, "added.warc.gz"), b, 0o644); err != nil {
		t.Fatal(err)
	}

	out, errOut, code := runCLI(t, "verify", "--config", cfg)
	if code != 0 || !strings.Contains(out, "note: no capture points to added.warc.gz@") ||
		!strings.Contains(out, "resource record of https://example.org/other") || !strings.Contains(out, "1 unreferenced records, 0 problems") {
		t.Errorf("verify: exit %d\n%s%s", code, out, errOut)
	}
	if out, _, code := runCLI(t, "verify", "--strict", "--config", cfg); code != 1 || !strings.Contains(out, "FAIL added.warc.gz@") {
		t.Errorf("verify --strict: exit %d, want 1\n%s", code, out)
	}
	out, _, code = runCLI(t, "verify", "--json", "--strict", "--config", cfg)
	var rep struct {
		OK           bool `json:"ok"`
		Captures     int  `json:"captures"`
		Unreferenced []struct {
			File, Type string
			TargetURI  string `json:"target_uri"`
		} `json:"unreferenced"`
		Problems []any `json:"problems"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 1 {
		t.Fatalf("verify --json: exit %d, %v\n%s", code, err, out)
	}
	if rep.OK || rep.Captures != 1 || len(rep.Problems) != 0 || len(rep.Unreferenced) != 1 ||
		rep.Unreferenced[0].File != "added.warc.gz" || rep.Unreferenced[0].Type != "resource" || rep.Unreferenced[0].TargetURI != "https://example.org/other" {
		t.Errorf("verify --json: %+v", rep)
	}
}

// backup copies the archive to a new directory and verifies the copy,
// which then opens as an archive of its own; it never writes over a
// directory that exists.
func TestBackup_CopiesAndVerifies(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	cfg := writeConfig(t, dir, "data_dir: "+data+"\n")
	a, err := archive.OpenWriter(t.Context(), archive.Options{DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if _, err := a.RecordResource(t.Context(), "https://example.org/doc/"+string(rune('a'+i)), "text/plain", []byte("evidence"), archive.Meta{Kind: "document"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(dir, "backup")
	out, errOut, code := runCLI(t, "backup", dest, "--config", cfg)
	if code != 0 || !strings.Contains(out, "backup: the database and 1 WARC files") || !strings.Contains(out, "verify ok: 1 files, 6 records, 5 captures checked") {
		t.Fatalf("backup: exit %d\n%s%s", code, out, errOut)
	}
	b, err := archive.OpenReader(t.Context(), dest)
	if err != nil {
		t.Fatal(err)
	}
	counts, err := b.Store.Counts(t.Context())
	b.Close()
	if err != nil || counts.Captures != 5 {
		t.Errorf("the copy holds %+v (%v), want 5 captures", counts, err)
	}
	if _, errOut, code := runCLI(t, "backup", dest, "--config", cfg); code != 1 || !strings.Contains(errOut, "exists") {
		t.Errorf("backup over a backup: exit %d %s", code, errOut)
	}
	if _, _, code := runCLI(t, "backup", "--config", cfg); code != 2 {
		t.Errorf("backup without DEST: exit %d, want 2", code)
	}
}

// backup's check of its copy names ten records without metadata and counts
// the rest; verify names each.
func TestPrintVerifyNotes_limit(t *testing.T) {
	rep := &archive.VerifyReport{Files: 1}
	for i := range 25 {
		rep.Unreferenced = append(rep.Unreferenced, archive.Unreferenced{File: "a.warc.gz", Offset: int64(i * 100), Type: "response"})
	}
	for _, c := range []struct {
		max, named int
		more       string
	}{{10, 10, "and 15 more records"}, {0, 25, ""}} {
		var b strings.Builder
		printVerifyNotes(&b, rep, false, true, time.Now(), c.max)
		out := b.String()
		if n := strings.Count(out, "note: no capture points to"); n != c.named {
			t.Errorf("limit %d: %d records named, want %d:\n%s", c.max, n, c.named, out)
		}
		if c.more != "" && !strings.Contains(out, c.more) || c.more == "" && strings.Contains(out, "more records") {
			t.Errorf("limit %d: want %q:\n%s", c.max, c.more, out)
		}
		if !strings.Contains(out, "verify ok: 1 files, 0 records, 0 captures checked, 25 unreferenced records") {
			t.Errorf("limit %d: the summary line:\n%s", c.max, out)
		}
	}
}
