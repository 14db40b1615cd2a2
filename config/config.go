// Package config holds takedownwatch's configuration: its types, defaults,
// loading from YAML with line-precise errors, secrets from the environment,
// and validation.
package config

import (
	"net"
	"net/url"
	"strings"
	"time"
)

// Config is the whole configuration, loaded once at start and passed down.
type Config struct {
	// File is the path the config was loaded from ("" for Default()).
	File string `yaml:"-"`

	DataDir         string          `yaml:"data_dir"`
	DefaultSchedule string          `yaml:"default_schedule"`
	HTTP            HTTP            `yaml:"http"`
	Fetch           Fetch           `yaml:"fetch"`
	Detector        Detector        `yaml:"detector"`
	Actors          []Actor         `yaml:"actors"`
	Sources         []Source        `yaml:"sources"`
	ReportChannels  []ReportChannel `yaml:"report_channels"`

	// pos is where each key path was written, so Validate can name lines.
	pos *positions
}

// HTTP configures the web server.
type HTTP struct {
	Listen        string `yaml:"listen"`
	BaseURL       string `yaml:"base_url"`
	AdminTokenEnv string `yaml:"admin_token_env"`
	ReadTokenEnv  string `yaml:"read_token_env"`

	// Filled from the environment by Load; never serialized.
	AdminToken Secret `yaml:"-"`
	ReadToken  Secret `yaml:"-"`
}

// Fetch configures the one HTTP client every fetch goes through.
type Fetch struct {
	UserAgent          string            `yaml:"user_agent"`
	Timeout            Duration          `yaml:"timeout"`
	MaxBody            Size              `yaml:"max_body"`
	PerHostConcurrency int               `yaml:"per_host_concurrency"`
	PerHostInterval    Duration          `yaml:"per_host_interval"`
	Media              Media             `yaml:"media"`
	Proxies            map[string]string `yaml:"proxies"`
	// ProxyAuthEnv names, per proxy, the variable holding its
	// "user:password", so a proxy's password need not be in the file.
	ProxyAuthEnv map[string]string `yaml:"proxy_auth_env"`

	// Filled from the environment by Load; never serialized.
	ProxyAuth map[string]Secret `yaml:"-"`
}

// Media configures fetching of images and enclosures posts reference.
type Media struct {
	Enabled  bool `yaml:"enabled"`
	MaxBytes Size `yaml:"max_bytes"`
}

// Detector configures the post lifecycle.
type Detector struct {
	ConfirmChecks    int            `yaml:"confirm_checks"`
	ConfirmInterval  Duration       `yaml:"confirm_interval"`
	Recheck          []Duration     `yaml:"recheck"`
	RecheckReported  []Duration     `yaml:"recheck_reported"`
	CheckBudget      int            `yaml:"check_budget"`
	CorrectionWindow Duration       `yaml:"correction_window"`
	MetricsAnomaly   MetricsAnomaly `yaml:"metrics_anomaly"`
}

// MetricsAnomaly sets when a jump in an account metric is worth an event.
type MetricsAnomaly struct {
	MinChangePct float64 `yaml:"min_change_pct"`
	RobustZ      float64 `yaml:"robust_z"`
}

// Affiliations an actor may have.
var Affiliations = []string{"government", "opposition", "media", "civil_society", "other"}

// Platforms a source may be on.
var Platforms = []string{"feed", "mastodon", "bluesky", "telegram", "facebook", "html"}

// Actor is a person or organisation whose accounts are watched.
type Actor struct {
	ID          string `yaml:"id"`
	Name        string `yaml:"name"`
	Affiliation string `yaml:"affiliation"`
	Country     string `yaml:"country"`
	Notes       string `yaml:"notes"`
}

// Source is one account of an actor on one platform.
type Source struct {
	ID        string     `yaml:"id"`
	Actor     string     `yaml:"actor"`
	Platform  string     `yaml:"platform"`
	URL       string     `yaml:"url"`
	Schedule  string     `yaml:"schedule"` // defaulted to DefaultSchedule
	Vantage   string     `yaml:"vantage"`  // defaulted to "direct"
	TokenEnv  string     `yaml:"token_env"`
	APIBase   string     `yaml:"api_base"`
	PDSBase   string     `yaml:"pds_base"`
	Selectors *Selectors `yaml:"selectors"`

	// Filled from the environment by Load; never serialized.
	Token Secret `yaml:"-"`
}

// Selectors locate posts on a plain web page (html sources and channels).
type Selectors struct {
	Item       string `yaml:"item"`
	Link       string `yaml:"link"`
	Text       string `yaml:"text"`
	Date       string `yaml:"date"`
	DateLayout string `yaml:"date_layout"`
}

// ReportChannel is where takedown reports come from.
type ReportChannel struct {
	ID        string     `yaml:"id"`
	Kind      string     `yaml:"kind"` // feed | html | lumen
	URL       string     `yaml:"url"`
	Reporter  string     `yaml:"reporter"`
	TokenEnv  string     `yaml:"token_env"`
	Query     string     `yaml:"query"`
	Schedule  string     `yaml:"schedule"`
	Selectors *Selectors `yaml:"selectors"`

	Token Secret `yaml:"-"`
}

// Default returns the configuration used where the file is silent.
func Default() *Config {
	return &Config{
		DataDir:         "./data",
		DefaultSchedule: "*/15 * * * *",
		HTTP: HTTP{
			Listen:        "127.0.0.1:8080",
			BaseURL:       "http://127.0.0.1:8080",
			AdminTokenEnv: "TAKEDOWNWATCH_TOKEN",
		},
		Fetch: Fetch{
			UserAgent:          "takedownwatch/1.0 (+contact)",
			Timeout:            Duration(20 * time.Second),
			MaxBody:            10 * MiB,
			PerHostConcurrency: 2,
			PerHostInterval:    Duration(time.Second),
			Media:              Media{Enabled: true, MaxBytes: 20 * MiB},
			Proxies:            map[string]string{},
			ProxyAuthEnv:       map[string]string{},
		},
		Detector: Detector{
			ConfirmChecks:   2,
			ConfirmInterval: Duration(15 * time.Minute),
			Recheck: []Duration{
				Duration(time.Hour), Duration(6 * time.Hour), Duration(24 * time.Hour),
				Duration(72 * time.Hour), Duration(168 * time.Hour), Duration(720 * time.Hour),
			},
			RecheckReported: []Duration{
				Duration(5 * time.Minute), Duration(15 * time.Minute), Duration(time.Hour),
				Duration(6 * time.Hour), Duration(24 * time.Hour),
			},
			CheckBudget:      500,
			CorrectionWindow: Duration(30 * time.Minute),
			MetricsAnomaly:   MetricsAnomaly{MinChangePct: 20, RobustZ: 5},
		},
	}
}

// Hosts are the hosts, "host:port" (lower case; the port as the URL gives
// it, else its scheme's; each once), of the URLs the operator configured:
// sources' url, api_base and pds_base, report channels' url. The fetcher
// reaches these wherever they are; what watched content links to must be
// on the public internet.
func (c *Config) Hosts() []string {
	var out []string
	seen := map[string]bool{}
	add := func(raw string) {
		u, err := url.Parse(raw)
		if err != nil || u.Hostname() == "" {
			return
		}
		if h := HostPort(u); !seen[h] {
			seen[h] = true
			out = append(out, h)
		}
	}
	for _, s := range c.Sources {
		add(s.URL)
		add(s.APIBase)
		add(s.PDSBase)
	}
	for _, ch := range c.ReportChannels {
		add(ch.URL)
	}
	return out
}

// HostPort is u's host, lower case, and port, else its scheme's, as
// Hosts names them: "127.0.0.1:8080", "party.example:443".
func HostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	return net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

// UpstreamTokens are the token values the config resolved from the
// environment that requests carry to platforms and report channels: the
// fetcher and the archive scrub them from what they keep. The HTTP admin
// and read tokens are not among them: they never leave for a platform,
// and scrubbing them from what a watched source sends would tell that
// source which of its guesses was the token (the scrubbed copy is public
// at /captures).
func (c *Config) UpstreamTokens() []string {
	var out []string
	for _, a := range c.Fetch.ProxyAuth {
		if _, pass, ok := strings.Cut(a.Value(), ":"); ok {
			out = append(out, pass)
		}
	}
	for _, s := range c.Sources {
		out = append(out, s.Token.Value())
	}
	for _, ch := range c.ReportChannels {
		out = append(out, ch.Token.Value())
	}
	return out
}
