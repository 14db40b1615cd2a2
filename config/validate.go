package config

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/robfig/cron/v3"

	// CRON_TZ= schedules must validate, and run, the same on a host without
	// a zoneinfo database (containers); the scheduler imports this package.
	_ "time/tzdata"
)

// Direct is the vantage of fetches that go through no proxy.
const Direct = "direct"

// ReportKinds a report channel may have.
var ReportKinds = []string{"feed", "html", "lumen"}

// CronParser is the one cron parser: Validate checks schedules with it and
// the scheduler must build them with it (through ParseSchedule), so that
// what validates is what runs. It takes an optional seconds field,
// descriptors (@hourly, @every 5m) and a CRON_TZ= or TZ= prefix.
var CronParser = cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseSchedule parses spec with CronParser.
func ParseSchedule(spec string) (cron.Schedule, error) {
	// cron v3.0.1 slices out of range on a time zone prefix with nothing
	// after it ("CRON_TZ=UTC").
	if strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ=") {
		if !strings.Contains(spec, " ") {
			return nil, fmt.Errorf("invalid schedule %q: no spec after the time zone", spec)
		}
	}
	sched, err := CronParser.Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("invalid schedule %q: %w", spec, err)
	}
	return sched, nil
}

// FieldError is one problem in a config, where it is.
type FieldError struct {
	File      string
	Line, Col int    // 0 when the config did not come from a file
	Key       string // e.g. "sources[1].schedule"; "" for the document itself and for syntax errors other than tabs
	Msg       string
}

// Error renders "FILE:LINE:COL: KEY: message", dropping LINE:COL when there
// is no position and KEY when there is no key.
func (e *FieldError) Error() string {
	var b strings.Builder
	if e.File == "" {
		b.WriteString("<config>")
	} else {
		b.WriteString(e.File)
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Col)
	}
	b.WriteString(": ")
	if e.Key != "" {
		b.WriteString(e.Key)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ErrorList is every problem found in a config, in file order. Load, Parse
// and Validate return it as their error; get at it with errors.As.
type ErrorList []*FieldError

// Error is one FieldError a line, as `config check` prints them.
func (l ErrorList) Error() string {
	lines := make([]string, len(l))
	for i, e := range l {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.As reach the single errors.
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}

func (l ErrorList) sort() {
	sort.SliceStable(l, func(i, j int) bool {
		if l[i].Line != l[j].Line {
			return l[i].Line < l[j].Line
		}
		return l[i].Col < l[j].Col
	})
}

type position struct{ Line, Col int }

// positions holds where in the file each key path's value was written. It
// is a pointer in Config so that printing a Config does not dump it.
type positions struct {
	m map[string]position
}

func (p *positions) has(key string) bool {
	if p == nil {
		return false
	}
	_, ok := p.m[key]
	return ok
}

// near returns the position of key, else of its closest ancestor: a missing
// key is reported where its mapping is.
func (p *positions) near(key string) position {
	if p == nil {
		return position{}
	}
	for k := key; ; k = parentKey(k) {
		if pos, ok := p.m[k]; ok {
			return pos
		}
		if k == "" {
			return position{}
		}
	}
}

// Validate checks the config as a whole: ids, references between sections,
// enumerations, schedules, URLs and numeric ranges. Empty schedules and
// vantages pass, as they stand for their defaults (ApplyDefaults).
func (c *Config) Validate() error {
	if errs := c.validate(); len(errs) > 0 {
		errs.sort()
		return errs
	}
	return nil
}

// idPattern keeps ids usable as URL path segments unescaped.
var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// envPattern is what a shell (and an env file) accepts as a variable name:
// a token_env outside it names a variable no deployment can set.
var envPattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

type validator struct {
	c    *Config
	errs ErrorList
}

func (v *validator) errf(key, format string, args ...any) {
	p := v.c.pos.near(key)
	v.errs = append(v.errs, &FieldError{
		File: v.c.File, Line: p.Line, Col: p.Col,
		Key: key, Msg: fmt.Sprintf(format, args...),
	})
}

func (c *Config) validate() ErrorList {
	v := &validator{c: c}

	if c.DataDir == "" {
		v.errf("data_dir", "required")
	}
	if c.DefaultSchedule == "" {
		v.errf("default_schedule", "required")
	} else {
		v.schedule("default_schedule", c.DefaultSchedule)
	}
	v.http()
	v.fetch()
	v.detector()

	actors := v.ids("actors", len(c.Actors), func(i int) string { return c.Actors[i].ID })
	for i, a := range c.Actors {
		v.oneOf(fmt.Sprintf("actors[%d].affiliation", i), "affiliation", a.Affiliation, Affiliations)
	}
	v.ids("sources", len(c.Sources), func(i int) string { return c.Sources[i].ID })
	for i := range c.Sources {
		v.source(i, actors)
	}
	v.ids("report_channels", len(c.ReportChannels), func(i int) string { return c.ReportChannels[i].ID })
	for i := range c.ReportChannels {
		v.channel(i)
	}
	return v.errs
}

func (v *validator) http() {
	h := v.c.HTTP
	if h.Listen == "" {
		v.errf("http.listen", "required")
	} else if host, port, err := net.SplitHostPort(h.Listen); err != nil || strings.ContainsAny(host, " /") {
		v.errf("http.listen", "invalid address %q (want host:port, e.g. 127.0.0.1:8080)", h.Listen)
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		v.errf("http.listen", "invalid port %q", port)
	}
	if h.BaseURL == "" {
		v.errf("http.base_url", "required")
	} else {
		v.url("http.base_url", h.BaseURL, "http", "https")
	}
	v.envName("http.admin_token_env", h.AdminTokenEnv)
	v.envName("http.read_token_env", h.ReadTokenEnv)
}

func (v *validator) fetch() {
	f := v.c.Fetch
	v.positive("fetch.timeout", f.Timeout)
	if f.MaxBody <= 0 {
		v.errf("fetch.max_body", "must be > 0, got %s", f.MaxBody)
	}
	if f.PerHostConcurrency < 1 {
		v.errf("fetch.per_host_concurrency", "must be >= 1, got %d", f.PerHostConcurrency)
	}
	v.nonNegative("fetch.per_host_interval", f.PerHostInterval)
	if f.Media.Enabled && f.Media.MaxBytes <= 0 {
		v.errf("fetch.media.max_bytes", "must be > 0 when media is enabled, got %s", f.Media.MaxBytes)
	}
	// Sorted, so errors come out the same way every run.
	names := make([]string, 0, len(f.Proxies))
	for name := range f.Proxies {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		key := "fetch.proxies." + name
		if name == Direct {
			v.errf(key, "%q is reserved for fetching without a proxy", Direct)
			continue
		}
		if f.Proxies[name] == "" {
			v.errf(key, "required (a proxy URL)")
			continue
		}
		v.url(key, f.Proxies[name], "http", "https", "socks5", "socks5h")
	}
	names = names[:0]
	for name := range f.ProxyAuthEnv {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		key := "fetch.proxy_auth_env." + name
		if _, ok := f.Proxies[name]; !ok || name == Direct {
			v.errf(key, "no proxy %q in fetch.proxies", name)
			continue
		}
		if f.ProxyAuthEnv[name] == "" {
			v.errf(key, "required (the variable holding the proxy's user:password)")
			continue
		}
		v.envName(key, f.ProxyAuthEnv[name])
	}
}

func (v *validator) detector() {
	d := v.c.Detector
	if d.ConfirmChecks < 1 {
		v.errf("detector.confirm_checks", "must be >= 1, got %d", d.ConfirmChecks)
	}
	v.nonNegative("detector.confirm_interval", d.ConfirmInterval)
	v.steps("detector.recheck", d.Recheck)
	v.steps("detector.recheck_reported", d.RecheckReported)
	if d.CheckBudget < 1 {
		v.errf("detector.check_budget", "must be >= 1, got %d", d.CheckBudget)
	}
	v.nonNegative("detector.correction_window", d.CorrectionWindow)
	// Written as !(x >= 0) so that NaN, from a config built in code, fails too.
	if m := d.MetricsAnomaly.MinChangePct; !(m >= 0) {
		v.errf("detector.metrics_anomaly.min_change_pct", "must be >= 0, got %v", m)
	}
	if z := d.MetricsAnomaly.RobustZ; !(z >= 0) {
		v.errf("detector.metrics_anomaly.robust_z", "must be >= 0, got %v", z)
	}
}

func (v *validator) steps(key string, steps []Duration) {
	if len(steps) == 0 {
		v.errf(key, "needs at least one step")
	}
	for i, s := range steps {
		v.positive(fmt.Sprintf("%s[%d]", key, i), s)
	}
}

func (v *validator) source(i int, actors map[string]bool) {
	s := v.c.Sources[i]
	p := fmt.Sprintf("sources[%d]", i)

	if s.Actor == "" {
		v.errf(p+".actor", "required")
	} else if !actors[s.Actor] {
		v.errf(p+".actor", "unknown actor %q", s.Actor)
	}
	v.oneOf(p+".platform", "platform", s.Platform, Platforms)
	if s.URL == "" {
		v.errf(p+".url", "required")
	} else if v.url(p+".url", s.URL, "http", "https") {
		if why := platformURL(s.Platform, s.URL); why != "" {
			v.errf(p+".url", "invalid %s URL %q (%s)", s.Platform, s.URL, why)
		}
	}
	v.sourceSchedule(p+".schedule", s.Schedule)
	v.envName(p+".token_env", s.TokenEnv)

	if s.Vantage != "" && s.Vantage != Direct {
		if _, ok := v.c.Fetch.Proxies[s.Vantage]; !ok {
			v.errf(p+".vantage", "unknown vantage %q (want %s)", s.Vantage, v.vantages())
		}
	}

	if s.APIBase != "" {
		if s.Platform == "bluesky" || s.Platform == "facebook" || s.Platform == "mastodon" {
			v.url(p+".api_base", s.APIBase, "http", "https")
		} else {
			v.errf(p+".api_base", "only for bluesky, facebook and mastodon sources")
		}
	}
	if s.PDSBase != "" {
		if s.Platform == "bluesky" {
			v.url(p+".pds_base", s.PDSBase, "http", "https")
		} else {
			v.errf(p+".pds_base", "only for bluesky sources")
		}
	}

	switch {
	case s.Platform == "html":
		v.selectors(p+".selectors", s.Selectors, "html sources")
	case s.Selectors != nil:
		v.errf(p+".selectors", "only for html sources")
	}
}

func (v *validator) channel(i int) {
	ch := v.c.ReportChannels[i]
	p := fmt.Sprintf("report_channels[%d]", i)

	if !v.oneOf(p+".kind", "kind", ch.Kind, ReportKinds) {
		return // which keys are needed depends on the kind
	}
	if ch.URL == "" {
		v.errf(p+".url", "required")
	} else {
		v.url(p+".url", ch.URL, "http", "https")
	}
	if ch.Kind != "lumen" && ch.Reporter == "" {
		v.errf(p+".reporter", "required for %s channels", ch.Kind)
	}
	// Lumen answers searches only with a token (401 without one), so a
	// channel without one could never read a notice.
	if ch.Kind == "lumen" && ch.TokenEnv == "" {
		v.errf(p+".token_env", "required for lumen channels (Lumen's API refuses searches without a token; set token_env to the variable holding it)")
	}
	v.envName(p+".token_env", ch.TokenEnv)
	switch {
	case ch.Kind == "html":
		v.selectors(p+".selectors", ch.Selectors, "html channels")
	case ch.Selectors != nil:
		v.errf(p+".selectors", "only for html channels")
	}
	v.sourceSchedule(p+".schedule", ch.Schedule)
}

// sourceSchedule checks a source's or channel's schedule. One copied from
// default_schedule by ApplyDefaults is not checked again: its error, if
// any, is reported once, at default_schedule.
func (v *validator) sourceSchedule(key, spec string) {
	if spec == "" || (spec == v.c.DefaultSchedule && !v.c.pos.has(key)) {
		return
	}
	v.schedule(key, spec)
}

func (v *validator) schedule(key, spec string) {
	if _, err := ParseSchedule(spec); err != nil {
		v.errf(key, "%v", err)
	}
}

func (v *validator) selectors(key string, s *Selectors, what string) {
	if s == nil {
		v.errf(key, "required for %s (at least item and link)", what)
		return
	}
	if s.Item == "" {
		v.errf(key+".item", "required")
	}
	if s.Link == "" {
		v.errf(key+".link", "required")
	}
}

// ids checks the ids of one list and returns the set of them.
func (v *validator) ids(list string, n int, id func(int) string) map[string]bool {
	first := map[string]int{}
	for i := range n {
		key := fmt.Sprintf("%s[%d].id", list, i)
		s := id(i)
		switch {
		case s == "":
			v.errf(key, "required")
		case !idPattern.MatchString(s):
			v.errf(key, "invalid id %q (want letters, digits, '.', '_' and '-', starting with a letter or digit)", s)
		default:
			if j, dup := first[s]; dup {
				firstKey := fmt.Sprintf("%s[%d].id", list, j)
				if line := v.c.pos.near(firstKey).Line; line > 0 {
					v.errf(key, "duplicate id %q (first at line %d)", s, line)
				} else {
					v.errf(key, "duplicate id %q (first at %s)", s, firstKey)
				}
				continue
			}
			first[s] = i
		}
	}
	set := make(map[string]bool, len(first))
	for s := range first {
		set[s] = true
	}
	return set
}

// oneOf reports whether value is one of allowed, and an error if not.
func (v *validator) oneOf(key, what, value string, allowed []string) bool {
	if slices.Contains(allowed, value) {
		return true
	}
	want := strings.Join(allowed, ", ")
	if value == "" {
		v.errf(key, "required (want one of %s)", want)
	} else {
		v.errf(key, "unknown %s %q (want one of %s)", what, value, want)
	}
	return false
}

// url reports whether raw is an absolute URL of one of schemes with a host,
// and an error if not.
func (v *validator) url(key, raw string, schemes ...string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		if ue, ok := err.(*url.Error); ok {
			err = ue.Err
		}
		v.errf(key, "invalid URL %q: %v", raw, err)
		return false
	}
	if !slices.Contains(schemes, u.Scheme) {
		v.errf(key, "invalid URL %q (want an absolute %s URL)", raw, orList(schemes))
		return false
	}
	if u.Hostname() == "" {
		v.errf(key, "invalid URL %q (no host)", raw)
		return false
	}
	return true
}

// envName checks the name a *_env key gives; "" means no variable.
func (v *validator) envName(key, name string) {
	if name != "" && !envPattern.MatchString(name) {
		v.errf(key, "invalid environment variable name %q (want letters, digits and '_', not starting with a digit)", name)
	}
}

func (v *validator) vantages() string {
	names := make([]string, 0, len(v.c.Fetch.Proxies))
	for name := range v.c.Fetch.Proxies {
		if name != Direct {
			names = append(names, strconv.Quote(name))
		}
	}
	if len(names) == 0 {
		return strconv.Quote(Direct) + "; fetch.proxies is empty"
	}
	slices.Sort(names)
	return strconv.Quote(Direct) + " or a name from fetch.proxies: " + strings.Join(names, ", ")
}

func (v *validator) positive(key string, d Duration) {
	if d <= 0 {
		v.errf(key, "must be > 0, got %s", d)
	}
}

func (v *validator) nonNegative(key string, d Duration) {
	if d < 0 {
		v.errf(key, "must be >= 0, got %s", d)
	}
}

// orList renders ["a", "b", "c"] as "a, b or c".
func orList(words []string) string {
	if len(words) == 1 {
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}
