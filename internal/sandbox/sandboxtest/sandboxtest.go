// Package sandboxtest starts the sandbox platform for a test and stops it
// when the test ends, as httptest does for servers.
package sandboxtest

import (
	"testing"

	"github.com/takedownwatch/takedownwatch/internal/sandbox"
)

// New starts a sandbox with opts; the test fails if it cannot start, and
// it is closed (the close checked) when the test and its subtests end.
func New(t testing.TB, opts sandbox.Options) *sandbox.Sandbox {
	t.Helper()
	sb, err := sandbox.New(opts)
	if err != nil {
		t.Fatalf("sandbox: %v", err)
	}
	t.Cleanup(func() {
		if err := sb.Close(); err != nil {
			t.Errorf("sandbox close: %v", err)
		}
	})
	return sb
}
