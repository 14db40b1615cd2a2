package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs the CLI in-process and returns stdout, stderr and exit code.
func runCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(t.Context(), args, &out, &errb)
	if err != nil && !isQuiet(err) {
		errb.WriteString(err.Error())
	}
	return out.String(), errb.String(), exitCode(err)
}

func writeConfig(t *testing.T, dir, body string) string {
	t.Helper()
	path := filepath.Join(dir, "takedownwatch.yaml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRun_ExitCodes(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "data_dir: "+filepath.Join(dir, "data")+"\n")
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
	}{
		{"no command", nil, 2, ""},
		{"unknown command", []string{"frobnicate"}, 2, ""},
		{"global help", []string{"--help"}, 0, "commands:"},
		{"help command", []string{"help", "export"}, 0, "--format"},
		{"command help", []string{"export", "--help"}, 0, "usage: takedownwatch export"},
		{"version", []string{"version"}, 0, "takedownwatch "},
		{"version with argument", []string{"version", "x"}, 2, ""},
		{"bad flag", []string{"verify", "--nope"}, 2, ""},
		{"export without kind", []string{"export", "--format", "csv", "--config", cfg}, 2, ""},
		{"export bad format", []string{"export", "events", "--format", "xml", "--config", cfg}, 2, ""},
		{"export bad time", []string{"export", "events", "--format", "csv", "--since", "yesterday", "--config", cfg}, 2, ""},
		{"export unknown kind", []string{"--config", cfg, "export", "things", "--format", "csv"}, 1, ""},
		{"export before any snapshot", []string{"export", "events", "--format", "csv", "--config", cfg}, 1, ""},
		{"config check ok", []string{"config", "check", "--config", cfg}, 0, "ok\n"},
		{"config check flags first", []string{"--config", cfg, "config", "check"}, 0, "ok\n"},
		{"config without check", []string{"config"}, 2, ""},
		{"missing explicit config", []string{"verify", "--config", filepath.Join(dir, "nope.yaml")}, 1, ""},
		{"bad log format", []string{"--log-format", "xml", "version"}, 2, ""},
		{"a log level that hides everything", []string{"--log-level", "panic", "version"}, 2, ""},
		{"help of an unknown command", []string{"help", "bogus"}, 2, ""},
		{"demo for a negative time", []string{"demo", "--duration", "-5s"}, 2, ""},
		{"demo interval under cron's second", []string{"demo", "--interval", "500ms"}, 2, ""},
		{"serve with a negative drain", []string{"serve", "--drain", "-1s", "--config", cfg}, 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := runCLI(t, tt.args...)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.wantCode, out, errOut)
			}
			if !strings.Contains(out, tt.wantOut) {
				t.Errorf("stdout %q does not contain %q", out, tt.wantOut)
			}
		})
	}
}

func TestParseInterleaved(t *testing.T) {
	c := exportCmd()
	for _, args := range [][]string{
		{"events", "--format", "jsonl", "--actor", "a"},
		{"--format", "jsonl", "events", "--actor", "a"},
		{"--format=jsonl", "--actor=a", "events"},
	} {
		e := &env{}
		fs := newFlagSet(e, c)
		o := c.flags(fs).(*exportOpts)
		pos, err := parseInterleaved(fs, args)
		if err != nil {
			t.Fatal(err)
		}
		if len(pos) != 1 || pos[0] != "events" || o.format != "jsonl" || o.actor != "a" {
			t.Errorf("%v: pos %v format %q actor %q", args, pos, o.format, o.actor)
		}
	}
	e := &env{}
	fs := newFlagSet(e, c)
	c.flags(fs)
	pos, err := parseInterleaved(fs, []string{"--format", "csv", "--", "--events"})
	if err != nil || len(pos) != 1 || pos[0] != "--events" {
		t.Errorf("after --: %v %v", pos, err)
	}
}

// A line of the standard logger (bleve's) comes out as one warning of the
// command's logger, so that --log-format json stays one JSON object a line.
func TestStdLogWriter(t *testing.T) {
	var b bytes.Buffer
	log, err := newLogger("json", "info", &b)
	if err != nil {
		t.Fatal(err)
	}
	w := stdLogWriter{log.WithField("component", "lib")}
	if n, err := w.Write([]byte("unable to load snapshot, continuing\n")); n != 36 || err != nil {
		t.Fatalf("Write: %d, %v", n, err)
	}
	var line map[string]any
	if err := json.Unmarshal(b.Bytes(), &line); err != nil {
		t.Fatalf("%v: %q", err, b.String())
	}
	if line["msg"] != "unable to load snapshot, continuing" || line["level"] != "warning" || line["component"] != "lib" {
		t.Errorf("logged %v", line)
	}
}

// A read token asked for and missing from the environment: serve refuses
// to start rather than serve a private archive to anyone, and config check
// says so (and of the admin token) without failing: the file is right.
func TestServe_ReadTokenUnsetFailsClosed(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TW_TEST_READ", "")
	t.Setenv("TW_TEST_ADMIN", "")
	cfg := writeConfig(t, dir, "data_dir: "+filepath.Join(dir, "data")+"\nhttp:\n  listen: 127.0.0.1:0\n  read_token_env: TW_TEST_READ\n  admin_token_env: TW_TEST_ADMIN\n")
	out, errOut, code := runCLI(t, "serve", "--config", cfg)
	if code != 1 || !strings.Contains(errOut, "http.read_token_env: TW_TEST_READ is not set: every page, feed and API answer would be public: serve refuses to start") {
		t.Fatalf("serve: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "data")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("serve touched the data directory before refusing: %v", err)
	}
	out, errOut, code = runCLI(t, "config", "check", "--config", cfg)
	if code != 0 || out != "ok\n" || !strings.Contains(errOut, "warning: http.read_token_env: TW_TEST_READ is not set") ||
		!strings.Contains(errOut, "warning: http.admin_token_env: TW_TEST_ADMIN is not set: writes") {
		t.Errorf("config check: exit %d\nstdout: %q\nstderr: %s", code, out, errOut)
	}
}

// sources with nothing to list says why, on stderr, rather than print an
// empty table that reads as "nothing is wrong"; with sources it says
// nothing more.
func TestSources_NothingToListSaysWhy(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	empty := writeConfig(t, dir, "data_dir: "+data+"\n")
	out, errOut, code := runCLI(t, "sources", "--config", empty)
	if code != 0 || !strings.HasPrefix(out, "SOURCE") || !strings.Contains(errOut, "no sources: the config lists none, and there is no archive in "+data+" yet") {
		t.Errorf("no sources: exit %d\n%s%s", code, out, errOut)
	}
	listed := writeConfig(t, dir, "data_dir: "+data+`
actors: [{id: opp, name: Opposition, affiliation: opposition}]
sources: [{id: opp-feed, actor: opp, platform: feed, url: "https://opp.example/feed", schedule: "@hourly"}]
`)
	out, errOut, code = runCLI(t, "sources", "--config", listed)
	if code != 0 || !strings.Contains(out, "opp-feed") || !strings.Contains(out, "never run") || errOut != "" {
		t.Errorf("a configured source: exit %d\n%s%s", code, out, errOut)
	}
}
