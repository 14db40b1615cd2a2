// Package testtool finds the outside tools and shared fixtures tests use,
// skipping on a user's machine when one is missing and failing in CI.
package testtool

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// inCI reports whether missing tools must fail rather than skip.
func inCI() bool { return os.Getenv("CI") == "true" }

// Missing skips the test, or fails it in CI, saying what is missing and how
// to get it.
func Missing(t testing.TB, what, how string) {
	t.Helper()
	if inCI() {
		t.Fatalf("%s is missing (%s); CI must provide it", what, how)
	}
	t.Skipf("%s is missing (%s); skipping", what, how)
}

// Root returns the repository root (the directory holding go.mod).
func Root(t testing.TB) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Fixtures returns ../shared/fixtures/<name> beside the repository, or skips
// (fails in CI) when it is not there.
func Fixtures(t testing.TB, name string) string {
	t.Helper()
	dir := filepath.Join(Root(t), "..", "shared", "fixtures", name)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		Missing(t, "fixture folder "+dir, "it sits beside the repository in development checkouts")
	}
	return dir
}

// Tool returns the path of an outside program: on PATH, or in the
// repository's .ci/tools/node_modules/.bin (where .ci/run installs npm tools).
func Tool(t testing.TB, name, how string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	p := filepath.Join(Root(t), ".ci", "tools", "node_modules", ".bin", name)
	if _, err := os.Stat(p); err == nil {
		return p
	}
	Missing(t, name, how)
	return ""
}

// NodePackage returns the directory of an npm package installed in the
// repository's .ci/tools (where .ci/run installs npm tools), for packages
// that ship files rather than a program.
func NodePackage(t testing.TB, name, how string) string {
	t.Helper()
	dir := filepath.Join(Root(t), ".ci", "tools", "node_modules", name)
	if fi, err := os.Stat(filepath.Join(dir, "package.json")); err != nil || fi.IsDir() {
		Missing(t, "npm package "+name, how)
	}
	return dir
}
