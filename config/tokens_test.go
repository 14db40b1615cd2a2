package config

import (
	"strings"
	"testing"
)

// Short HTTP tokens are named by variable and length, and their values
// are never in the warning.
func TestWeakTokens(t *testing.T) {
	c := Default()
	c.HTTP.AdminTokenEnv, c.HTTP.ReadTokenEnv = "TW_ADMIN", "TW_READ"
	c.fillSecrets(envMap{"TW_ADMIN": "t0k", "TW_READ": "a-long-enough-read-token"}.get)
	got := c.WeakTokens()
	if len(got) != 1 || !strings.HasPrefix(got[0], "http.admin_token_env: the token in TW_ADMIN is 3 characters") || strings.Contains(got[0], "t0k") {
		t.Errorf("WeakTokens() = %q", got)
	}
	c.fillSecrets(envMap{}.get) // unset: nothing to warn of
	if got := c.WeakTokens(); len(got) != 0 {
		t.Errorf("unset tokens: %q", got)
	}
}

type envMap map[string]string

func (m envMap) get(k string) string { return m[k] }
