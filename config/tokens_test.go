package config

import (
	"slices"
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

// An *_env key whose variable is empty is named with what it does; the
// read token's makes serving public, and is marked so.
func TestUnsetTokens(t *testing.T) {
	c := Default()
	c.HTTP.AdminTokenEnv, c.HTTP.ReadTokenEnv = "TW_ADMIN", "TW_READ"
	c.Sources = []Source{{ID: "pm-fb", Platform: "facebook", TokenEnv: "FB_TOKEN"}, {ID: "feed"}}
	c.ReportChannels = []ReportChannel{{ID: "lumen", Kind: "lumen", TokenEnv: "LUMEN"}}
	c.fillSecrets(envMap{"TW_ADMIN": "an-admin-token-long-enough"}.get)
	var got []string
	public := 0
	for _, u := range c.UnsetTokens() {
		got = append(got, u.String())
		if u.Public {
			public++
		}
	}
	want := []string{
		"http.read_token_env: TW_READ is not set: every page, feed and API answer would be public: serve refuses to start",
		"sources[0] (pm-fb).token_env: FB_TOKEN is not set: its requests go without a token (a facebook source cannot read the Graph API)",
		"report_channels[0] (lumen).token_env: LUMEN is not set: its requests go without a token (Lumen refuses them)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") || public != 1 {
		t.Errorf("UnsetTokens():\n%s\nwant\n%s (one public)", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	c.fillSecrets(envMap{"TW_ADMIN": "a", "TW_READ": "b", "FB_TOKEN": "c", "LUMEN": "d"}.get)
	if u := c.UnsetTokens(); len(u) != 0 {
		t.Errorf("every variable set: %v", u)
	}
}

// A proxy's credentials come from the variable fetch.proxy_auth_env names:
// read into ProxyAuth, the password among the upstream tokens scrubbed
// from echoes, and an unset variable named at start.
func TestProxyAuthFromEnv(t *testing.T) {
	yaml := "fetch:\n  proxies: {kh: \"socks5://10.0.0.1:1080\", vpn: \"http://10.0.0.2:3128\"}\n  proxy_auth_env: {kh: KH_AUTH, vpn: VPN_AUTH}\n"
	c, err := Parse("test.yaml", []byte(yaml), envMap{"KH_AUTH": "watcher:kh-secret-pass"}.get)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Fetch.ProxyAuth["kh"].Value(); got != "watcher:kh-secret-pass" {
		t.Errorf("ProxyAuth[kh] = %q", got)
	}
	if !slices.Contains(c.UpstreamTokens(), "kh-secret-pass") {
		t.Errorf("UpstreamTokens() = %q, want the proxy's password among them", c.UpstreamTokens())
	}
	u := c.UnsetTokens()
	if len(u) != 2 || u[1].Key != "fetch.proxy_auth_env.vpn" || u[1].Var != "VPN_AUTH" {
		t.Errorf("UnsetTokens() = %v, want the admin token's and fetch.proxy_auth_env.vpn", u)
	}
}
