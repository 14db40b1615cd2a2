package config

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// want is one expected error: where, which key, what message.
type want struct {
	line, col int
	key, msg  string
}

const cronFields = "expected 5 to 6 fields, found "

// Each case holds one kind of error; positions are counted by hand from the
// YAML as written (lines and columns from 1).
func TestParse_errors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []want
	}{
		// YAML and decoding
		{"syntax error", "data_dir: x\nactors: [a\n", []want{
			{2, 1, "", "syntax error: did not find expected ',' or ']'"},
		}},
		{"syntax error from the scanner", "data_dir: x\nhttp:\n  listen: a: b\n", []want{
			{3, 1, "", "syntax error: mapping values are not allowed in this context"},
		}},
		{"syntax error from the parser", "data_dir: x\nactors:\n  - id: a\n name: b\n", []want{
			{4, 1, "", "syntax error: did not find expected key"},
		}},
		{"syntax error on the first line, which the parser leaves unnumbered", "data_dir: @x\n", []want{
			{1, 1, "", "syntax error: found character that cannot start any token"},
		}},
		{"byte that is not UTF-8, found where it is", "data_dir: x\nactors:\n  - {id: a\xff}\n", []want{
			{3, 11, "", "syntax error: invalid leading UTF-8 octet"},
		}},
		{"control character, found where it is", "data_dir: x\nactors:\n  - {id: \x01}\n", []want{
			{3, 10, "", "syntax error: control characters are not allowed"},
		}},

		// tabs: reported where the tab is (the parser names the line
		// before, or calls it a character that cannot start a token),
		// under the innermost mapping or list open on the lines before
		{"tab indenting a key of a list item", "data_dir: ./d\nactors:\n  - id: a1\n\tname: x\n", []want{
			{4, 1, "actors[0]", tabMsg},
		}},
		{"tab before a list item", "data_dir: ./d\nactors:\n\t- id: a1\n", []want{
			{3, 1, "actors", tabMsg},
		}},
		{"tab indenting the first key of a mapping", "http:\n\tlisten: x\n", []want{
			{2, 1, "http", tabMsg},
		}},
		{"tab after spaces", "fetch:\n  media:\n    enabled: true\n  \t max_bytes: 1\n", []want{
			{4, 3, "fetch.media", tabMsg},
		}},
		{"tab after a list item's dash: a new item of the list", "actors:\n  - id: a\n  -\tid: b\n", []want{
			{3, 4, "actors", tabMsg},
		}},
		{"tab after the dash of an item of a nested list", "detector:\n  recheck:\n    - 1h\n    -\t2h\n", []want{
			{4, 6, "detector.recheck", tabMsg},
		}},
		{"tab on the first line: no key", "\tdata_dir: x\n", []want{
			{1, 1, "", tabMsg},
		}},
		{"tab on a blank line: no key at the top level", "data_dir: x\n\t\nactors: []\n", []want{
			{2, 1, "", tabMsg},
		}},
		{"tab after a closed flow list belongs to the top level", "actors: [{id: a}]\n\tsources: []\n", []want{
			{2, 1, "", tabMsg},
		}},
		{"tab that is block scalar content is not the one reported", `actors:
  - id: a
    notes: |
      one
      	two
	name: x
`, []want{
			{6, 1, "actors[0]", tabMsg},
		}},
		{"two documents", "data_dir: a\n---\ndata_dir: b\n", []want{
			{2, 1, "", "a config file holds one YAML document; found another"},
		}},
		{"root not a mapping", "- a\n- b\n", []want{
			{1, 1, "", "expected a mapping, got a list"},
		}},
		{"unknown key", "fetch:\n  colour: red\n", []want{
			{2, 3, "fetch.colour", "unknown key"},
		}},
		{"unknown key near a known one", `actors:
  - {id: a, name: A, affiliation: media}
sources:
  - id: s
    actor: a
    platform: feed
    url: https://example.org/feed.xml
    shedule: "@hourly"
`, []want{
			{8, 5, "sources[0].shedule", `unknown key (did you mean "schedule"?)`},
		}},
		{"unknown top-level key near a known one", "dta_dir: /tmp\n", []want{
			{1, 1, "dta_dir", `unknown key (did you mean "data_dir"?)`},
		}},
		{"token written into the file", "http:\n  admin_token: hunter2\n", []want{
			{2, 3, "http.admin_token", "unknown key (secrets come from the environment: set admin_token_env to the variable's name)"},
		}},
		{"duplicate key", "data_dir: a\ndata_dir: b\n", []want{
			{2, 1, "data_dir", "duplicate key (first at line 1)"},
		}},
		{"duplicate key in a flow mapping", "fetch:\n  media: {enabled: true, enabled: false}\n", []want{
			{2, 26, "fetch.media.enabled", "duplicate key (first at line 2)"},
		}},
		{"mapping expected", "fetch: 5\n", []want{
			{1, 8, "fetch", `expected a mapping, got "5"`},
		}},
		{"mapping expected for a list item, no follow-on errors", "actors:\n  - hun-sen\n", []want{
			{2, 5, "actors[0]", `expected a mapping, got "hun-sen"`},
		}},
		{"list expected", "detector:\n  recheck: 1h\n", []want{
			{2, 12, "detector.recheck", `expected a list, got "1h"`},
		}},
		{"scalar expected", "data_dir: [a, b]\n", []want{
			{1, 11, "data_dir", "expected a string, got a list"},
		}},
		{"bad duration", "fetch:\n  timeout: 15x\n", []want{
			{2, 12, "fetch.timeout", `invalid duration "15x"`},
		}},
		{"duration without unit", "fetch:\n  per_host_interval: 5\n", []want{
			{2, 22, "fetch.per_host_interval", `invalid duration "5"`},
		}},
		{"bad duration in a list", "detector:\n  recheck: [1h, 2x]\n", []want{
			{2, 17, "detector.recheck[1]", `invalid duration "2x"`},
		}},
		{"bad size", "fetch:\n  max_body: 10XB\n", []want{
			{2, 13, "fetch.max_body", `invalid size "10XB" (want bytes, or a number with B, KB, MB, GB, KiB, MiB or GiB)`},
		}},
		{"bad int", "fetch:\n  per_host_concurrency: two\n", []want{
			{2, 25, "fetch.per_host_concurrency", `invalid integer "two"`},
		}},
		{"bad bool", "fetch:\n  media: {enabled: maybe}\n", []want{
			{2, 20, "fetch.media.enabled", `invalid boolean "maybe" (want true or false)`},
		}},
		{"bad number", "detector:\n  metrics_anomaly: {robust_z: high}\n", []want{
			{2, 31, "detector.metrics_anomaly.robust_z", `invalid number "high"`},
		}},

		// ids and references
		{"duplicate actor id", `actors:
  - {id: a, name: A, affiliation: media}
  - {id: a, name: B, affiliation: media}
`, []want{
			{3, 10, "actors[1].id", `duplicate id "a" (first at line 2)`},
		}},
		{"duplicate source id", `actors:
  - {id: a, name: A, affiliation: media}
sources:
  - {id: s, actor: a, platform: feed, url: "https://example.org/a.xml"}
  - {id: s, actor: a, platform: feed, url: "https://example.org/b.xml"}
`, []want{
			{5, 10, "sources[1].id", `duplicate id "s" (first at line 4)`},
		}},
		{"duplicate report channel id", `report_channels:
  - {id: moi, kind: lumen, url: "https://lumendatabase.org", token_env: L}
  - {id: moi, kind: lumen, url: "https://lumendatabase.org", token_env: L}
`, []want{
			{3, 10, "report_channels[1].id", `duplicate id "moi" (first at line 2)`},
		}},
		{"id unfit for a URL path", `actors:
  - id: "hun sen"
    affiliation: media
`, []want{
			{2, 9, "actors[0].id", `invalid id "hun sen" (want letters, digits, '.', '_' and '-', starting with a letter or digit)`},
		}},
		{"missing id, reported at its item", `actors:
  - name: Nobody
    affiliation: media
`, []want{
			{2, 5, "actors[0].id", "required"},
		}},
		{"unknown actor", `actors:
  - {id: a, name: A, affiliation: media}
sources:
  - id: s
    actor: b
    platform: feed
    url: https://example.org/feed.xml
`, []want{
			{5, 12, "sources[0].actor", `unknown actor "b"`},
		}},

		// enumerations
		{"unknown platform", `actors:
  - {id: a, name: A, affiliation: media}
sources:
  - id: s
    actor: a
    platform: myspace
    url: https://example.org/feed.xml
`, []want{
			{6, 15, "sources[0].platform", `unknown platform "myspace" (want one of feed, mastodon, bluesky, telegram, facebook, html)`},
		}},
		{"unknown affiliation", "actors:\n  - {id: a, name: A, affiliation: royal}\n", []want{
			{2, 35, "actors[0].affiliation", `unknown affiliation "royal" (want one of government, opposition, media, civil_society, other)`},
		}},
		{"missing affiliation", "actors:\n  - {id: a, name: A}\n", []want{
			{2, 5, "actors[0].affiliation", "required (want one of government, opposition, media, civil_society, other)"},
		}},
		{"unknown report channel kind", "report_channels:\n  - {id: x, kind: rss, url: \"https://a.example\"}\n", []want{
			{2, 19, "report_channels[0].kind", `unknown kind "rss" (want one of feed, html, lumen)`},
		}},

		// schedules
		{"bad default_schedule", "default_schedule: \"every day\"\n", []want{
			{1, 19, "default_schedule", `invalid schedule "every day": ` + cronFields + "2: [every day]"},
		}},
		{"bad source schedule", `actors:
  - {id: a, name: A, affiliation: media}
sources:
  - id: s
    actor: a
    platform: feed
    url: https://example.org/feed.xml
    schedule: "*/15 * * *"
`, []want{
			{8, 15, "sources[0].schedule", `invalid schedule "*/15 * * *": ` + cronFields + "4: [*/15 * * *]"},
		}},
		{"bad report channel schedule", `report_channels:
  - id: moi
    kind: feed
    url: https://gov.example/reports.rss
    reporter: Ministry of Information
    schedule: "CRON_TZ=Mars/Olympus * * * * *"
`, []want{
			{6, 15, "report_channels[0].schedule", `invalid schedule "CRON_TZ=Mars/Olympus * * * * *": provided bad location Mars/Olympus: unknown time zone Mars/Olympus`},
		}},
		{"time zone and no schedule", "default_schedule: CRON_TZ=UTC\n", []want{
			{1, 19, "default_schedule", `invalid schedule "CRON_TZ=UTC": no spec after the time zone`},
		}},
		{"bad default_schedule reported once, not again for each source using it", `default_schedule: "@fortnightly"
actors:
  - {id: a, name: A, affiliation: media}
sources:
  - {id: s, actor: a, platform: feed, url: "https://example.org/a.xml"}
`, []want{
			{1, 19, "default_schedule", `invalid schedule "@fortnightly": unrecognized descriptor: @fortnightly`},
		}},

		// URLs and addresses
		{"relative source url", `actors:
  - {id: a, name: A, affiliation: media}
sources:
  - id: s
    actor: a
    platform: feed
    url: /feed.xml
`, []want{
			{7, 10, "sources[0].url", `invalid URL "/feed.xml" (want an absolute http or https URL)`},
		}},
		{"missing source url", `actors:
  - {id: a, name: A, affiliation: media}
sources:
  - id: s
    actor: a
    platform: telegram
`, []want{
			{4, 5, "sources[0].url", "required"},
		}},
		{"bad api_base and pds_base", `actors:
  - {id: a, name: A, affiliation: media}
sources:
  - id: s
    actor: a
    platform: bluesky
    url: https://bsky.app/profile/a.example
    api_base: ftp://api.example
    pds_base: "https://"
`, []want{
			{8, 15, "sources[0].api_base", `invalid URL "ftp://api.example" (want an absolute http or https URL)`},
			{9, 15, "sources[0].pds_base", `invalid URL "https://" (no host)`},
		}},
		{"bad base_url", "http:\n  base_url: example.org\n", []want{
			{2, 13, "http.base_url", `invalid URL "example.org" (want an absolute http or https URL)`},
		}},
		{"unparsable report channel url", "report_channels:\n  - {id: l, kind: lumen, url: \"http://[::1\", token_env: L}\n", []want{
			{2, 31, "report_channels[0].url", `invalid URL "http://[::1": missing ']' in host`},
		}},
		{"bad proxy", "fetch:\n  proxies:\n    tor: ftp://127.0.0.1:9050\n", []want{
			{3, 10, "fetch.proxies.tor", `invalid URL "ftp://127.0.0.1:9050" (want an absolute http, https, socks5 or socks5h URL)`},
		}},
		{"proxy named direct", "fetch:\n  proxies: {direct: \"http://proxy.example:3128\"}\n", []want{
			{2, 21, "fetch.proxies.direct", `"direct" is reserved for fetching without a proxy`},
		}},
		{"proxy credentials of no proxy", "fetch:\n  proxies: {kh: \"socks5://10.0.0.1:1080\"}\n  proxy_auth_env: {vpn: VPN_AUTH, kh: KH_AUTH}\n", []want{
			{3, 25, "fetch.proxy_auth_env.vpn", `no proxy "vpn" in fetch.proxies`},
		}},
		{"proxy credentials in a bad variable name", "fetch:\n  proxies: {kh: \"socks5://10.0.0.1:1080\"}\n  proxy_auth_env: {kh: 1KH}\n", []want{
			{3, 24, "fetch.proxy_auth_env.kh", `invalid environment variable name "1KH" (want letters, digits and '_', not starting with a digit)`},
		}},
		{"bad listen", "http:\n  listen: 8080\n", []want{
			{2, 11, "http.listen", `invalid address "8080" (want host:port, e.g. 127.0.0.1:8080)`},
		}},
		{"bad listen port", "http:\n  listen: \"localhost:99999\"\n", []want{
			{2, 11, "http.listen", `invalid port "99999"`},
		}},

		// source URLs the platform's collector would refuse (sourceurl.go)
		{"bluesky url that is no profile", `actors:
  - {id: a, name: A, affiliation: media}
sources:
  - id: s
    actor: a
    platform: bluesky
    url: https://example.org/
`, []want{
			{7, 10, "sources[0].url", `invalid bluesky URL "https://example.org/" (not a profile URL; want https://bsky.app/profile/<handle>, or a DID in place of the handle)`},
		}},
		{"mastodon url without @user", `actors:
  - {id: a, name: A, affiliation: media}
sources:
  - id: s
    actor: a
    platform: mastodon
    url: https://mastodon.social/about
  - id: t
    actor: a
    platform: mastodon
    url: https://mastodon.social/@@example.org
`, []want{
			{7, 10, "sources[0].url", `invalid mastodon URL "https://mastodon.social/about" (no @user in its path; want https://instance/@user; /@user@domain, /web/@user and /users/user work too)`},
			{11, 10, "sources[1].url", `invalid mastodon URL "https://mastodon.social/@@example.org" (no user name in its path; want https://instance/@user; /@user@domain, /web/@user and /users/user work too)`},
		}},
		{"telegram url naming no public channel", `actors:
  - {id: a, name: A, affiliation: media}
sources:
  - id: s
    actor: a
    platform: telegram
    url: https://t.me/s/chan/123
  - id: t
    actor: a
    platform: telegram
    url: https://t.me/+AbCdEf
`, []want{
			{7, 10, "sources[0].url", `invalid telegram URL "https://t.me/s/chan/123" (names no channel; want https://t.me/s/<channel> on any host; https://t.me/<channel> works too)`},
			{11, 10, "sources[1].url", `invalid telegram URL "https://t.me/+AbCdEf" (names no public channel; want https://t.me/s/<channel> on any host; https://t.me/<channel> works too)`},
		}},

		// sources: platform keys
		{"html source without selectors", `actors:
  - {id: a, name: A, affiliation: media}
sources:
  - id: s
    actor: a
    platform: html
    url: https://example.org/news
`, []want{
			{4, 5, "sources[0].selectors", "required for html sources (at least item and link)"},
		}},
		{"html source without link selector", `actors:
  - {id: a, name: A, affiliation: media}
sources:
  - id: s
    actor: a
    platform: html
    url: https://example.org/news
    selectors: {item: article}
`, []want{
			{8, 16, "sources[0].selectors.link", "required"},
		}},
		{"selectors on a feed source", `actors:
  - {id: a, name: A, affiliation: media}
sources:
  - id: s
    actor: a
    platform: feed
    url: https://example.org/feed.xml
    selectors: {item: article, link: a}
`, []want{
			{8, 16, "sources[0].selectors", "only for html sources"},
		}},
		{"api_base and pds_base on the wrong platforms", `actors:
  - {id: a, name: A, affiliation: media}
sources:
  - id: t
    actor: a
    platform: telegram
    url: https://t.me/s/a
    api_base: https://api.telegram.org
  - id: m
    actor: a
    platform: mastodon
    url: https://mastodon.social/@a
    pds_base: https://pds.example
`, []want{
			{8, 15, "sources[0].api_base", "only for bluesky, facebook and mastodon sources"},
			{13, 15, "sources[1].pds_base", "only for bluesky sources"},
		}},
		{"unknown vantage", `fetch:
  proxies: {tor: "socks5://127.0.0.1:9050"}
actors:
  - {id: a, name: A, affiliation: media}
sources:
  - id: s
    actor: a
    platform: feed
    url: https://example.org/feed.xml
    vantage: i2p
`, []want{
			{10, 14, "sources[0].vantage", `unknown vantage "i2p" (want "direct" or a name from fetch.proxies: "tor")`},
		}},

		// report channels
		{"feed channel without reporter", "report_channels:\n  - {id: moi, kind: feed, url: \"https://gov.example/r.rss\"}\n", []want{
			{2, 5, "report_channels[0].reporter", "required for feed channels"},
		}},
		{"html channel without selectors", "report_channels:\n  - {id: trc, kind: html, url: \"https://trc.example\", reporter: TRC}\n", []want{
			{2, 5, "report_channels[0].selectors", "required for html channels (at least item and link)"},
		}},
		{"lumen channel without url", "report_channels:\n  - {id: lumen, kind: lumen, token_env: L}\n", []want{
			{2, 5, "report_channels[0].url", "required"},
		}},
		{"lumen channel without token_env", "report_channels:\n  - {id: lumen, kind: lumen, url: \"https://lumendatabase.org\"}\n", []want{
			{2, 5, "report_channels[0].token_env", "required for lumen channels (Lumen's API refuses searches without a token; set token_env to the variable holding it)"},
		}},
		{"lumen channel with an empty token_env", "report_channels:\n  - {id: lumen, kind: lumen, url: \"https://lumendatabase.org\", token_env: \"\"}\n", []want{
			{2, 75, "report_channels[0].token_env", "required for lumen channels (Lumen's API refuses searches without a token; set token_env to the variable holding it)"},
		}},

		// secrets: *_env keys name variables a shell can set
		{"token_env that is no variable name", `actors:
  - {id: a, name: A, affiliation: media}
sources:
  - id: s
    actor: a
    platform: facebook
    url: https://www.facebook.com/a
    token_env: "lower case"
`, []want{
			{8, 16, "sources[0].token_env", `invalid environment variable name "lower case" (want letters, digits and '_', not starting with a digit)`},
		}},
		{"http *_env starting with a digit, or holding a dash", "http:\n  admin_token_env: 1TOKEN\n  read_token_env: READ-TOKEN\n", []want{
			{2, 20, "http.admin_token_env", `invalid environment variable name "1TOKEN" (want letters, digits and '_', not starting with a digit)`},
			{3, 19, "http.read_token_env", `invalid environment variable name "READ-TOKEN" (want letters, digits and '_', not starting with a digit)`},
		}},
		{"report channel token_env with a $", "report_channels:\n  - {id: l, kind: lumen, url: \"https://lumendatabase.org\", token_env: $LUMEN}\n", []want{
			{2, 71, "report_channels[0].token_env", `invalid environment variable name "$LUMEN" (want letters, digits and '_', not starting with a digit)`},
		}},

		// numbers
		{"zero timeout", "fetch:\n  timeout: 0s\n", []want{
			{2, 12, "fetch.timeout", "must be > 0, got 0s"},
		}},
		{"zero max_body", "fetch:\n  max_body: 0\n", []want{
			{2, 13, "fetch.max_body", "must be > 0, got 0B"},
		}},
		{"zero per_host_concurrency", "fetch:\n  per_host_concurrency: 0\n", []want{
			{2, 25, "fetch.per_host_concurrency", "must be >= 1, got 0"},
		}},
		{"negative per_host_interval", "fetch:\n  per_host_interval: -1s\n", []want{
			{2, 22, "fetch.per_host_interval", "must be >= 0, got -1s"},
		}},
		{"zero media.max_bytes with media on", "fetch:\n  media: {enabled: true, max_bytes: 0}\n", []want{
			{2, 37, "fetch.media.max_bytes", "must be > 0 when media is enabled, got 0B"},
		}},
		{"zero confirm_checks", "detector:\n  confirm_checks: 0\n", []want{
			{2, 19, "detector.confirm_checks", "must be >= 1, got 0"},
		}},
		{"negative confirm_interval", "detector:\n  confirm_interval: -5m\n", []want{
			{2, 21, "detector.confirm_interval", "must be >= 0, got -5m"},
		}},
		{"empty recheck", "detector:\n  recheck: []\n", []want{
			{2, 12, "detector.recheck", "needs at least one step"},
		}},
		{"zero recheck step", "detector:\n  recheck: [1h, 0s, 3h]\n", []want{
			{2, 17, "detector.recheck[1]", "must be > 0, got 0s"},
		}},
		{"empty recheck_reported", "detector:\n  recheck_reported: []\n", []want{
			{2, 21, "detector.recheck_reported", "needs at least one step"},
		}},
		{"zero check_budget", "detector:\n  check_budget: 0\n", []want{
			{2, 17, "detector.check_budget", "must be >= 1, got 0"},
		}},
		{"negative correction_window", "detector:\n  correction_window: -1m\n", []want{
			{2, 22, "detector.correction_window", "must be >= 0, got -1m"},
		}},
		{"negative metrics_anomaly", "detector:\n  metrics_anomaly:\n    min_change_pct: -1\n", []want{
			{3, 21, "detector.metrics_anomaly.min_change_pct", "must be >= 0, got -1"},
		}},
		{"empty data_dir", "data_dir: \"\"\n", []want{
			{1, 11, "data_dir", "required"},
		}},

		// all errors at once, in file order whatever found them
		{"every error collected, sorted", `fetch:
  timeout: 15x
actors:
  - {id: a, name: A, affiliation: royal}
detector:
  check_budget: 0
  confrim_checks: 2
`, []want{
			{2, 12, "fetch.timeout", `invalid duration "15x"`},
			{4, 35, "actors[0].affiliation", `unknown affiliation "royal" (want one of government, opposition, media, civil_society, other)`},
			{6, 17, "detector.check_budget", "must be >= 1, got 0"},
			{7, 3, "detector.confrim_checks", `unknown key (did you mean "confirm_checks"?)`},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Parse("test.yaml", []byte(tt.yaml), noEnv)
			if err == nil {
				t.Fatalf("Parse: no error, want %d", len(tt.want))
			}
			if cfg != nil {
				t.Errorf("Parse returned a config along with an error")
			}
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("Parse error is %T, want ErrorList: %v", err, err)
			}
			var got []want
			for _, e := range list {
				if e.File != "test.yaml" {
					t.Errorf("error %q: File = %q, want test.yaml", e, e.File)
				}
				got = append(got, want{e.Line, e.Col, e.Key, e.Msg})
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("errors:\n got  %v\n want %v\nfull:\n%v", got, tt.want, err)
			}
		})
	}
}

func noEnv(string) string { return "" }

func TestParse_errorText(t *testing.T) {
	_, err := Parse("tw.yaml", []byte("fetch:\n  timeout: 15x\n  max_body: 0\n"), noEnv)
	got := fmt.Sprint(err)
	want := "tw.yaml:2:12: fetch.timeout: invalid duration \"15x\"\n" +
		"tw.yaml:3:13: fetch.max_body: must be > 0, got 0B"
	if got != want {
		t.Errorf("error text:\n got  %s\n want %s", got, want)
	}
}

func TestLoadWith_full(t *testing.T) {
	env := map[string]string{
		"TDW_ADMIN":      "admin-secret",
		"FACEBOOK_TOKEN": "fb-secret",
		"LUMEN_TOKEN":    " lumen-secret\n",
		// TDW_READ unset: an open read side, no error.
	}
	path := filepath.Join("testdata", "full.yaml")
	got, err := LoadWith(path, func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("LoadWith: %v", err)
	}

	const every10 = "*/10 * * * *"
	want := &Config{
		File:            path,
		DataDir:         "/var/lib/takedownwatch",
		DefaultSchedule: every10,
		HTTP: HTTP{
			Listen:        ":9090",
			BaseURL:       "https://watch.example.org",
			AdminTokenEnv: "TDW_ADMIN",
			ReadTokenEnv:  "TDW_READ",
			AdminToken:    "admin-secret",
		},
		Fetch: Fetch{
			UserAgent:          "takedownwatch/1.0 (+https://watch.example.org/contact)",
			Timeout:            Duration(30 * time.Second),
			MaxBody:            5 * MiB,
			PerHostConcurrency: 3,
			PerHostInterval:    Duration(2 * time.Second),
			Media:              Media{Enabled: false, MaxBytes: 512 * 1000},
			Proxies:            map[string]string{"tor": "socks5://127.0.0.1:9050"},
			ProxyAuthEnv:       map[string]string{},
		},
		Detector: Detector{
			ConfirmChecks:    3,
			ConfirmInterval:  0,
			Recheck:          []Duration{Duration(2 * time.Hour), Duration(48 * time.Hour)},
			RecheckReported:  []Duration{Duration(time.Minute)},
			CheckBudget:      50,
			CorrectionWindow: Duration(90 * time.Minute),
			MetricsAnomaly:   MetricsAnomaly{MinChangePct: 12.5, RobustZ: 4},
		},
		Actors: []Actor{
			{ID: "hun-sen", Name: "Hun Sen", Affiliation: "government", Country: "KH"},
			{ID: "cnrp", Name: "Cambodia National Rescue Party", Affiliation: "opposition", Country: "KH", Notes: "dissolved 2017"},
		},
		Sources: []Source{
			{
				ID: "hun-sen-fb", Actor: "hun-sen", Platform: "facebook",
				URL:      "https://www.facebook.com/hunsencambodia",
				Schedule: every10, Vantage: Direct,
				TokenEnv: "FACEBOOK_TOKEN", Token: "fb-secret",
				APIBase: "https://graph.facebook.com/v19.0",
			},
			{
				ID: "cnrp-bsky", Actor: "cnrp", Platform: "bluesky",
				URL:      "https://bsky.app/profile/cnrp.example",
				Schedule: "CRON_TZ=Asia/Phnom_Penh 0 */5 * * * *", Vantage: "tor",
				APIBase: "https://public.api.bsky.app", PDSBase: "https://pds.example",
			},
			{
				ID: "cnrp-site", Actor: "cnrp", Platform: "html",
				URL:      "https://cnrp.example/news",
				Schedule: "@every 1h", Vantage: Direct,
				Selectors: &Selectors{Item: "article", Link: "a.permalink", Text: ".body", Date: "time", DateLayout: "2006-01-02"},
			},
		},
		ReportChannels: []ReportChannel{
			{ID: "moi", Kind: "feed", URL: "https://gov.example/reports.rss", Reporter: "Ministry of Information", Schedule: every10},
			{ID: "lumen", Kind: "lumen", URL: "https://lumendatabase.org", TokenEnv: "LUMEN_TOKEN", Query: "cambodia", Schedule: every10, Token: "lumen-secret"},
			{
				ID: "trc", Kind: "html", URL: "https://trc.example/notices", Reporter: "Telecommunication Regulator",
				Schedule: "@daily", Selectors: &Selectors{Item: "li.notice", Link: "a"},
			},
		},
	}
	if got.pos == nil || !got.pos.has("sources[1].vantage") {
		t.Errorf("positions not recorded")
	}
	got.pos = nil
	if !reflect.DeepEqual(got, want) {
		gj, _ := json.MarshalIndent(got, "", "  ")
		wj, _ := json.MarshalIndent(want, "", "  ")
		t.Errorf("config:\n got  %s\n want %s", gj, wj)
	}
	// Secrets are compared above through DeepEqual, which sees the real
	// values; check the accessors too.
	if got.HTTP.AdminToken.Value() != "admin-secret" || got.HTTP.ReadToken.Value() != "" {
		t.Errorf("http tokens: admin %q read %q", got.HTTP.AdminToken.Value(), got.HTTP.ReadToken.Value())
	}
}

func TestLoad_env(t *testing.T) {
	path := filepath.Join(t.TempDir(), "takedownwatch.yaml")
	if err := os.WriteFile(path, []byte("http: {admin_token_env: TDW_TEST_ADMIN}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TDW_TEST_ADMIN", "s3cret")
	cfg, err := Load(path)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got := cfg.HTTP.AdminToken.Value(); got != "s3cret" {
		t.Errorf("admin token = %q, want s3cret", got)
	}
	if cfg.File != path {
		t.Errorf("File = %q, want %q", cfg.File, path)
	}
}

func TestLoad_missingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.yaml")
	_, err := Load(path)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Load(missing) = %v, want fs.ErrNotExist", err)
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name the file", err)
	}
}

func TestParse_empty(t *testing.T) {
	for _, data := range []string{"", "# nothing yet\n", "---\n", "~\n"} {
		cfg, err := Parse("empty.yaml", []byte(data), noEnv)
		if err != nil {
			t.Fatalf("Parse(%q): %v", data, err)
		}
		cfg.pos, cfg.File = nil, ""
		if want := Default(); !reflect.DeepEqual(cfg, want) {
			t.Errorf("Parse(%q) = %+v, want Default()", data, cfg)
		}
	}
}

func TestParse_scalars(t *testing.T) {
	data := `fetch:
  per_host_concurrency: 010
  media: {enabled: no, max_bytes: 1048576}
detector:
  check_budget: 1_000
  metrics_anomaly: {min_change_pct: 7.5, robust_z: 3}
actors:
  - {id: 007, name: 42, affiliation: other, country: NO}
`
	cfg, err := Parse("t.yaml", []byte(data), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Fetch.PerHostConcurrency; got != 10 {
		t.Errorf("per_host_concurrency = %d, want 10 (decimal, not octal)", got)
	}
	if got := cfg.Fetch.Media; got != (Media{Enabled: false, MaxBytes: MiB}) {
		t.Errorf("media = %+v", got)
	}
	if got := cfg.Detector.CheckBudget; got != 1000 {
		t.Errorf("check_budget = %d, want 1000", got)
	}
	if got := cfg.Detector.MetricsAnomaly; got != (MetricsAnomaly{MinChangePct: 7.5, RobustZ: 3}) {
		t.Errorf("metrics_anomaly = %+v", got)
	}
	// Strings are taken as written, whatever YAML would make of them.
	if got, want := cfg.Actors[0], (Actor{ID: "007", Name: "42", Affiliation: "other", Country: "NO"}); got != want {
		t.Errorf("actor = %+v, want %+v", got, want)
	}
}

// A key given without a value keeps its default; "" empties a string.
func TestParse_null(t *testing.T) {
	cfg, err := Parse("t.yaml", []byte("http:\n  admin_token_env:\n  read_token_env: \"\"\ndetector:\n  recheck: ~\n"), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cfg.HTTP.AdminTokenEnv, Default().HTTP.AdminTokenEnv; got != want {
		t.Errorf("admin_token_env = %q, want default %q", got, want)
	}
	if got, want := cfg.Detector.Recheck, Default().Detector.Recheck; !reflect.DeepEqual(got, want) {
		t.Errorf("recheck = %v, want default %v", got, want)
	}
}

func TestParse_listsReplaceMapsMerge(t *testing.T) {
	cfg, err := Parse("t.yaml", []byte("detector:\n  recheck: [3h]\n"), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cfg.Detector.Recheck, []Duration{Duration(3 * time.Hour)}; !reflect.DeepEqual(got, want) {
		t.Errorf("recheck = %v, want %v (the file's list alone)", got, want)
	}

	// Default() has no proxies, so merging is seen through the decoder
	// on a config that has one.
	base := Default()
	base.Fetch.Proxies = map[string]string{"tor": "socks5://127.0.0.1:9050", "vpn": "http://vpn.example:3128"}
	var node yaml.Node
	if err := yaml.Unmarshal([]byte("fetch:\n  proxies: {vpn: \"http://other.example:3128\", ssh: \"socks5://127.0.0.1:1080\"}\n"), &node); err != nil {
		t.Fatal(err)
	}
	d := newDecoder("t.yaml")
	d.decodeRoot(node.Content[0], base)
	if len(d.errs) > 0 {
		t.Fatal(d.errs)
	}
	want := map[string]string{
		"tor": "socks5://127.0.0.1:9050",
		"vpn": "http://other.example:3128",
		"ssh": "socks5://127.0.0.1:1080",
	}
	if !reflect.DeepEqual(base.Fetch.Proxies, want) {
		t.Errorf("proxies = %v, want %v", base.Fetch.Proxies, want)
	}
}

func TestParse_anchorsAndMerge(t *testing.T) {
	data := `actors:
  - {id: a, name: A, affiliation: media}
sources:
  - &feed {id: s1, actor: a, platform: feed, url: "https://example.org/1.xml", schedule: "@hourly"}
  - <<: *feed
    id: s2
    url: https://example.org/2.xml
  - <<: [{id: x, platform: telegram}, *feed]
    id: s3
    url: https://t.me/s/a
`
	cfg, err := Parse("t.yaml", []byte(data), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	want := []Source{
		{ID: "s1", Actor: "a", Platform: "feed", URL: "https://example.org/1.xml", Schedule: "@hourly", Vantage: Direct},
		{ID: "s2", Actor: "a", Platform: "feed", URL: "https://example.org/2.xml", Schedule: "@hourly", Vantage: Direct},
		{ID: "s3", Actor: "a", Platform: "telegram", URL: "https://t.me/s/a", Schedule: "@hourly", Vantage: Direct},
	}
	if !reflect.DeepEqual(cfg.Sources, want) {
		t.Errorf("sources:\n got  %+v\n want %+v", cfg.Sources, want)
	}
}

func TestParse_hostileAliases(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"merge cycle", "fetch: &f\n  <<: *f\n", "merge refers to itself"},
		{"alias bomb", aliasBomb(), "document too complex"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("t.yaml", []byte(tt.yaml), noEnv)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse: %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// aliasBomb doubles a list of mappings twenty times through merges.
func aliasBomb() string {
	var b strings.Builder
	b.WriteString("actors:\n  - &a0 {id: a, name: A, affiliation: media}\n")
	for i := 1; i <= 20; i++ {
		fmt.Fprintf(&b, "  - &a%d {<<: [*a%d, *a%d]}\n", i, i-1, i-1)
	}
	return b.String()
}

func TestConfig_secretsNeverPrinted(t *testing.T) {
	secrets := map[string]string{
		"TDW_ADMIN": "admin-5ecret-value",
		"TDW_READ":  "read-5ecret-value",
		"FB_TOKEN":  "fb-5ecret-value",
		"LUMEN":     "lumen-5ecret-value",
	}
	data := `http: {admin_token_env: TDW_ADMIN, read_token_env: TDW_READ}
actors:
  - {id: a, name: A, affiliation: media}
sources:
  - {id: s, actor: a, platform: facebook, url: "https://www.facebook.com/a", token_env: FB_TOKEN}
report_channels:
  - {id: l, kind: lumen, url: "https://lumendatabase.org", token_env: LUMEN}
`
	cfg, err := Parse("t.yaml", []byte(data), func(k string) string { return secrets[k] })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Sources[0].Token.Value() != secrets["FB_TOKEN"] {
		t.Fatalf("token not loaded, the test would prove nothing")
	}

	outputs := map[string]string{
		"fmt parts": fmt.Sprint(cfg.HTTP, cfg.Sources, cfg.ReportChannels[0], cfg.HTTP.AdminToken, &cfg.HTTP.ReadToken) +
			fmt.Sprintf("%q %x %10s %-3v", cfg.Sources[0].Token, cfg.Sources[0].Token, cfg.Sources[0].Token, cfg.Sources[0].Token),
	}
	// Verbs from a variable: vet rightly flags %s of a struct, yet someone
	// will write it.
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
		outputs["fmt "+verb] = fmt.Sprintf(verb, cfg)
		outputs["fmt value "+verb] = fmt.Sprintf(verb, *cfg)
	}
	j, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	outputs["json"] = string(j)
	y, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	outputs["yaml"] = string(y)
	y, err = yaml.Marshal(map[string]any{"token": cfg.Sources[0].Token})
	if err != nil {
		t.Fatal(err)
	}
	outputs["yaml secret"] = string(y)
	// logrus renders fields with fmt.Sprint (text) or json.Marshal (JSON),
	// both covered above.

	for name, out := range outputs {
		for _, s := range secrets {
			for _, form := range []string{s, hex.EncodeToString([]byte(s)), strings.ToUpper(hex.EncodeToString([]byte(s)))} {
				if strings.Contains(out, form) {
					t.Errorf("%s output contains a secret (%s): %s", name, form, out)
				}
			}
		}
		if name != "yaml" && !strings.Contains(out, "[redacted]") { // yaml:"-" leaves tokens out
			t.Errorf("%s output does not show [redacted]: %s", name, out)
		}
	}
}

func TestSecret_empty(t *testing.T) {
	var s Secret
	if got := fmt.Sprintf("%v|%s|%#v|%q", s, s, s, s); got != `|||""` {
		t.Errorf("empty secret printed as %q", got)
	}
	if j, _ := json.Marshal(s); string(j) != `""` {
		t.Errorf("empty secret as JSON: %s", j)
	}
}

// A marshalled Default() reads back as Default(): the types' text forms
// round-trip.
func TestDefault_yamlRoundTrip(t *testing.T) {
	data, err := yaml.Marshal(Default())
	if err != nil {
		t.Fatal(err)
	}
	got, err := Parse("", data, noEnv)
	if err != nil {
		t.Fatalf("Parse(marshalled Default()): %v\n%s", err, data)
	}
	got.pos = nil
	want := Default()
	// The marshalled lists are empty, not absent.
	want.Actors, want.Sources, want.ReportChannels = []Actor{}, []Source{}, []ReportChannel{}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round trip:\n got  %+v\n want %+v\n%s", got, want, data)
	}
}

func FuzzParse(f *testing.F) {
	full, err := os.ReadFile(filepath.Join("testdata", "full.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		string(full),
		"",
		"fetch:\n  timeout: 15x\n  max_body: 10 MiB\n  proxies: {a: \"socks5://h:1\"}\n",
		"actors:\n  - {id: a, affiliation: media}\nsources:\n  - {id: s, actor: a, platform: html, url: \"http://x\", selectors: {item: a}}\n",
		"default_schedule: \"TZ=UTC @every 5m\"\nreport_channels:\n  - {id: l, kind: lumen, schedule: CRON_TZ=Local}\n",
		"sources:\n  - &s {id: a}\n  - <<: [*s, *s]\n    <<: *s\n",
		"a: [\n",
		"actors:\n  - id: a\n    notes: |\n      x\n      \ty\n\t- name: x\n",
		"actors:\n  -\tid: a\n",
		"a: 1\n\x01\n",
		"data_dir: x\n---\ndata_dir: y\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse("fuzz.yaml", data, func(k string) string { return "tok-" + k })
		if err != nil {
			if cfg != nil {
				t.Fatal("config returned along with an error")
			}
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error is not a non-empty ErrorList: %T %v", err, err)
			}
			for i, e := range list {
				if e.File != "fuzz.yaml" {
					t.Fatalf("error without the file name: %v", e)
				}
				if i > 0 && (e.Line < list[i-1].Line || e.Line == list[i-1].Line && e.Col < list[i-1].Col) {
					t.Fatalf("errors not sorted:\n%v", err)
				}
			}
			return
		}
		if err := cfg.Validate(); err != nil {
			t.Fatalf("Parse accepted a config Validate rejects: %v", err)
		}
		for _, s := range cfg.Sources {
			if s.Schedule == "" || s.Vantage == "" {
				t.Fatalf("defaults not applied: %+v", s)
			}
			if _, err := ParseSchedule(s.Schedule); err != nil {
				t.Fatalf("accepted source schedule does not parse: %v", err)
			}
		}
	})
}
