package config

import (
	"bytes"
	"encoding"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Load reads the config file at path; secrets come from the process
// environment. A config that does not decode or validate yields an ErrorList
// naming file, line, column and key of every problem found.
func Load(path string) (*Config, error) {
	return LoadWith(path, os.Getenv)
}

// LoadWith is Load with the environment lookup injected, for tests.
func LoadWith(path string, getenv func(string) string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: read %s: %w", path, err)
	}
	return Parse(path, data, getenv)
}

// Parse is Load for a config already in memory; name is the file name errors
// carry. A nil getenv means os.Getenv.
//
// Order: Default(), then the file over it (lists replace, maps merge), then
// secrets from the environment, then the defaults that depend on other
// fields (ApplyDefaults), then Validate.
func Parse(name string, data []byte, getenv func(string) string) (*Config, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	cfg := Default()
	cfg.File = name
	d := newDecoder(name)
	if root := d.parse(data); root != nil {
		d.decodeRoot(root, cfg)
	}
	cfg.pos = &positions{m: d.pos}
	cfg.fillSecrets(getenv)
	cfg.ApplyDefaults()

	errs := d.errs
	if d.truncated {
		errs = append(errs, &FieldError{File: name, Msg: fmt.Sprintf("too many errors; stopped after %d", maxErrors)})
	}
	// Validating a half-decoded config is still worth it (a misspelt key
	// rarely hides a dangling actor id), but not where decoding failed:
	// "required" beside "expected a mapping" is noise.
	if !d.aborted {
		for _, e := range cfg.validate() {
			if !d.failedUnder(e.Key) {
				errs = append(errs, e)
			}
		}
	}
	if len(errs) > 0 {
		errs.sort()
		return nil, errs
	}
	return cfg, nil
}

// ApplyDefaults fills the fields whose defaults depend on other fields: a
// source's or report channel's empty schedule becomes DefaultSchedule, a
// source's empty vantage Direct. Load calls it; configs built in code should
// too.
func (c *Config) ApplyDefaults() {
	for i := range c.Sources {
		s := &c.Sources[i]
		if s.Schedule == "" {
			s.Schedule = c.DefaultSchedule
		}
		if s.Vantage == "" {
			s.Vantage = Direct
		}
	}
	for i := range c.ReportChannels {
		if c.ReportChannels[i].Schedule == "" {
			c.ReportChannels[i].Schedule = c.DefaultSchedule
		}
	}
}

// SecretsFromEnv fills the tokens of a config built in code (the demo's)
// as Load does for a file's.
func (c *Config) SecretsFromEnv() { c.fillSecrets(os.Getenv) }

// fillSecrets reads every token from the variable its *_env key names. An
// unset variable is no error: a source without a token does logged-out
// checks, and writes without an admin token answer 401.
func (c *Config) fillSecrets(getenv func(string) string) {
	// Surrounding whitespace is never part of a token; it comes from
	// env files and `echo`.
	env := func(name string) Secret {
		if name == "" {
			return ""
		}
		return Secret(strings.TrimSpace(getenv(name)))
	}
	c.HTTP.AdminToken = env(c.HTTP.AdminTokenEnv)
	c.HTTP.ReadToken = env(c.HTTP.ReadTokenEnv)
	for i := range c.Sources {
		c.Sources[i].Token = env(c.Sources[i].TokenEnv)
	}
	for i := range c.ReportChannels {
		c.ReportChannels[i].Token = env(c.ReportChannels[i].TokenEnv)
	}
	c.Fetch.ProxyAuth = nil
	for name, v := range c.Fetch.ProxyAuthEnv {
		if c.Fetch.ProxyAuth == nil {
			c.Fetch.ProxyAuth = make(map[string]Secret, len(c.Fetch.ProxyAuthEnv))
		}
		c.Fetch.ProxyAuth[name] = env(v)
	}
}

// Unset is an *_env key of the configuration whose variable holds nothing,
// and what that does.
type Unset struct {
	Key, Var, Effect string
	// Public: it is the read token's: serving would make the archive public.
	Public bool
}

func (u Unset) String() string {
	return fmt.Sprintf("%s: %s is not set: %s", u.Key, u.Var, u.Effect)
}

// UnsetTokens lists the *_env keys set whose variable is empty, so a
// wrong EnvironmentFile shows at start rather than as 401s, logged-out
// reads or a private archive served to anyone.
func (c *Config) UnsetTokens() []Unset {
	var out []Unset
	if c.HTTP.ReadTokenEnv != "" && c.HTTP.ReadToken.Value() == "" {
		out = append(out, Unset{Key: "http.read_token_env", Var: c.HTTP.ReadTokenEnv, Public: true,
			Effect: "every page, feed and API answer would be public: serve refuses to start"})
	}
	if c.HTTP.AdminTokenEnv != "" && c.HTTP.AdminToken.Value() == "" {
		out = append(out, Unset{Key: "http.admin_token_env", Var: c.HTTP.AdminTokenEnv,
			Effect: "writes (POST /api/reports, reindex beside serve) answer 401"})
	}
	for i, s := range c.Sources {
		if s.TokenEnv != "" && s.Token.Value() == "" {
			out = append(out, Unset{Key: fmt.Sprintf("sources[%d] (%s).token_env", i, s.ID), Var: s.TokenEnv,
				Effect: "its requests go without a token (a facebook source cannot read the Graph API)"})
		}
	}
	names := make([]string, 0, len(c.Fetch.ProxyAuthEnv))
	for name := range c.Fetch.ProxyAuthEnv {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if v := c.Fetch.ProxyAuthEnv[name]; v != "" && c.Fetch.ProxyAuth[name].Value() == "" {
			out = append(out, Unset{Key: "fetch.proxy_auth_env." + name, Var: v,
				Effect: "the proxy is asked without credentials (a proxy that needs them refuses every fetch through it)"})
		}
	}
	for i, ch := range c.ReportChannels {
		if ch.TokenEnv != "" && ch.Token.Value() == "" {
			out = append(out, Unset{Key: fmt.Sprintf("report_channels[%d] (%s).token_env", i, ch.ID), Var: ch.TokenEnv,
				Effect: "its requests go without a token (Lumen refuses them)"})
		}
	}
	return out
}

// MinTokenLen is the shortest admin or read token taken without a warning:
// a shorter one can be guessed.
const MinTokenLen = 16

// WeakTokens says which of the HTTP tokens set are shorter than
// MinTokenLen, naming the variable and the length, never the value.
func (c *Config) WeakTokens() []string {
	var out []string
	for _, t := range []struct {
		key, env string
		v        Secret
	}{{"http.admin_token_env", c.HTTP.AdminTokenEnv, c.HTTP.AdminToken}, {"http.read_token_env", c.HTTP.ReadTokenEnv, c.HTTP.ReadToken}} {
		if n := len(t.v.Value()); n > 0 && n < MinTokenLen {
			out = append(out, fmt.Sprintf("%s: the token in %s is %d characters: it can be guessed; use %d or more random characters",
				t.key, t.env, n, MinTokenLen))
		}
	}
	return out
}

// Limits that keep hostile input (alias bombs) from eating memory or time.
// Without aliases decoding visits each node about once; a config that
// reuses anchors stays far below ten times its size.
const (
	maxErrors     = 200
	visitsPerNode = 10
	minVisits     = 1000
)

// decoder walks a yaml.Node tree alongside a Go value, so that each error
// knows the node, hence the line and column, it came from.
type decoder struct {
	file      string
	errs      ErrorList
	truncated bool
	pos       map[string]position // key path → value node position
	bad       map[string]bool     // key paths whose value did not decode
	visits    int
	budget    int // visits allowed
	aborted   bool
	merging   map[*yaml.Node]bool // merge sources being expanded, to stop cycles
	fields    map[reflect.Type]structFields
}

func newDecoder(file string) *decoder {
	return &decoder{
		file:    file,
		pos:     map[string]position{},
		bad:     map[string]bool{},
		merging: map[*yaml.Node]bool{},
		fields:  map[reflect.Type]structFields{},
	}
}

// decodeRoot decodes the document's root node over cfg.
func (d *decoder) decodeRoot(root *yaml.Node, cfg *Config) {
	d.budget = minVisits + visitsPerNode*countNodes(root)
	d.decode(root, reflect.ValueOf(cfg).Elem(), "")
}

// step counts one unit of work at node n and reports whether decoding may
// go on.
func (d *decoder) step(n *yaml.Node, key string) bool {
	if d.aborted {
		return false
	}
	if d.visits++; d.visits > d.budget {
		d.aborted = true
		d.fail(n, key, "document too complex: aliases expand it beyond %d nodes", d.budget)
		return false
	}
	return true
}

// countNodes counts the nodes of the tree at n as written, aliases once.
func countNodes(n *yaml.Node) int {
	c := 1
	for _, child := range n.Content {
		c += countNodes(child)
	}
	return c
}

func (d *decoder) errAt(n *yaml.Node, key, format string, args ...any) {
	if len(d.errs) >= maxErrors {
		d.truncated = true
		return
	}
	d.errs = append(d.errs, &FieldError{
		File: d.file, Line: n.Line, Col: n.Column,
		Key: key, Msg: fmt.Sprintf(format, args...),
	})
}

// fail records an error for a value that did not decode.
func (d *decoder) fail(n *yaml.Node, key, format string, args ...any) {
	d.bad[key] = true
	d.errAt(n, key, format, args...)
}

// failedUnder reports whether key or one of its ancestors failed to decode.
func (d *decoder) failedUnder(key string) bool {
	for k := key; ; k = parentKey(k) {
		if d.bad[k] {
			return true
		}
		if k == "" {
			return false
		}
	}
}

// syntaxErr matches the "yaml: line N: problem" errors of the parser, which
// gives a line but no column.
var syntaxErr = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parserProblems are the messages of go-yaml's parser (parserc.go), as
// opposed to its scanner's.
var parserProblems = map[string]bool{
	"did not find expected <stream-start>":   true,
	"did not find expected <document start>": true,
	"did not find expected node content":     true,
	"did not find expected key":              true,
	"did not find expected '-' indicator":    true,
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"found duplicate %YAML directive":        true,
	"found duplicate %TAG directive":         true,
	"found incompatible YAML document":       true,
	"found undefined tag handle":             true,
}

// parse returns the root node of the one document in data, or nil when the
// document is empty or does not parse (the error is recorded).
func (d *decoder) parse(data []byte) *yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if !errors.Is(err, io.EOF) {
			d.syntax(data, err)
		}
		return nil
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		d.errAt(&next, "", "a config file holds one YAML document; found another")
		return nil
	case !errors.Is(err, io.EOF):
		d.syntax(data, err)
		return nil
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil
	}
	return doc.Content[0]
}

// syntax records a parse error. A tab in indentation, the commonest, is
// reported where the tab is, under the key path it was most likely meant
// for (see openKey), in words that say what is wrong.
func (d *decoder) syntax(data []byte, err error) {
	msg, line := strings.TrimPrefix(err.Error(), "yaml: "), 0
	if m := syntaxErr.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
		// go-yaml numbers the lines of parser errors from 0, those of
		// scanner errors from 1.
		if parserProblems[msg] {
			line++
		}
	}
	if tl, col, ok := tabError(data, line, msg); ok {
		d.errs = append(d.errs, &FieldError{File: d.file, Line: tl, Col: col, Key: openKey(data, tl, col), Msg: tabMsg})
		return
	}
	// The parser reports no column; 1 keeps the FILE:LINE:COL shape tools
	// and editors parse. Other syntax errors carry no KEY: the parser
	// stopped before any key path could be known for sure.
	e := &FieldError{File: d.file, Line: line, Col: 1, Msg: "syntax error: " + msg}
	if line == 0 {
		// No line: the parser stopped on line 1 (it leaves the first
		// line unnumbered), or the reader refused a byte, whose place it
		// does not tell.
		e.Line = 1
		if readerError(msg) {
			if l, c, ok := badChar(data); ok {
				e.Line, e.Col = l, c
			}
		}
	}
	d.errs = append(d.errs, e)
}

// decode stores node n into v, which must be addressable. A null node leaves
// v as it is: a key given without a value keeps its default.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, key string) {
	if !d.step(n, key) {
		return
	}
	n = resolve(n)
	d.pos[key] = position{Line: n.Line, Col: n.Column}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return
	}

	if u, ok := v.Addr().Interface().(encoding.TextUnmarshaler); ok {
		if n.Kind != yaml.ScalarNode {
			d.fail(n, key, "expected %s, got %s", typeWord(v.Type()), describe(n))
			return
		}
		if err := u.UnmarshalText([]byte(n.Value)); err != nil {
			d.fail(n, key, "%v", err)
		}
		return
	}

	switch v.Kind() {
	case reflect.Struct:
		d.structure(n, v, key)
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.structure(n, v.Elem(), key)
	case reflect.Map:
		d.mapping(n, v, key)
	case reflect.Slice:
		d.sequence(n, v, key)
	default:
		d.scalar(n, v, key)
	}
}

// resolve follows aliases to the node they name.
func resolve(n *yaml.Node) *yaml.Node {
	// An anchor cannot sit on an alias, so one hop is all there is; the
	// bound only guards against a malformed tree.
	for i := 0; i < 8 && n.Kind == yaml.AliasNode && n.Alias != nil; i++ {
		n = n.Alias
	}
	return n
}

func (d *decoder) structure(n *yaml.Node, v reflect.Value, key string) {
	fields, ok := d.fields[v.Type()]
	if !ok {
		fields = fieldsOf(v.Type())
		d.fields[v.Type()] = fields
	}
	d.pairs(n, key, func(k, val *yaml.Node) {
		sub := joinKey(key, k.Value)
		i, ok := fields.index[k.Value]
		if !ok {
			d.errAt(k, sub, "%s", unknownKey(k.Value, fields.names))
			return
		}
		d.decode(val, v.Field(i), sub)
	})
}

// mapping merges a YAML mapping into a Go map: keys the file does not name
// keep their default values.
func (d *decoder) mapping(n *yaml.Node, v reflect.Value, key string) {
	if v.IsNil() {
		v.Set(reflect.MakeMap(v.Type()))
	}
	d.pairs(n, key, func(k, val *yaml.Node) {
		e := reflect.New(v.Type().Elem()).Elem()
		d.decode(val, e, joinKey(key, k.Value))
		v.SetMapIndex(reflect.ValueOf(k.Value).Convert(v.Type().Key()), e)
	})
}

// sequence replaces the list in v: a list in the file is the whole list,
// not an addition to the default one.
func (d *decoder) sequence(n *yaml.Node, v reflect.Value, key string) {
	if n.Kind != yaml.SequenceNode {
		d.fail(n, key, "expected a list, got %s", describe(n))
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, c := range n.Content {
		d.decode(c, s.Index(i), fmt.Sprintf("%s[%d]", key, i))
	}
	v.Set(s)
}

// pairs calls fn for every key and value of mapping n, after the mappings
// merged in with "<<" so that explicit keys win wherever they are written.
// Duplicate keys are reported and skipped.
func (d *decoder) pairs(n *yaml.Node, key string, fn func(k, v *yaml.Node)) {
	if n.Kind != yaml.MappingNode {
		d.fail(n, key, "expected a mapping, got %s", describe(n))
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if isMerge(n.Content[i]) {
			d.merge(n.Content[i+1], key, fn)
		}
	}
	first := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := resolve(n.Content[i]), n.Content[i+1]
		if isMerge(n.Content[i]) {
			continue
		}
		if !d.step(k, key) {
			return
		}
		if k.Kind != yaml.ScalarNode {
			d.errAt(k, key, "expected a key, got %s", describe(k))
			continue
		}
		if line, dup := first[k.Value]; dup {
			d.errAt(k, joinKey(key, k.Value), "duplicate key (first at line %d)", line)
			continue
		}
		first[k.Value] = k.Line
		fn(k, val)
	}
}

func isMerge(k *yaml.Node) bool {
	return k.Kind == yaml.ScalarNode && k.Value == "<<" && k.ShortTag() == "!!merge"
}

// merge applies a "<<" value: a mapping, or a list of mappings of which
// the earlier win, as YAML's merge key specifies.
func (d *decoder) merge(n *yaml.Node, key string, fn func(k, v *yaml.Node)) {
	if !d.step(n, key) {
		return
	}
	n = resolve(n)
	if d.merging[n] {
		d.errAt(n, key, "merge refers to itself")
		return
	}
	d.merging[n] = true
	defer delete(d.merging, n)

	switch n.Kind {
	case yaml.MappingNode:
		d.pairs(n, key, fn)
	case yaml.SequenceNode:
		for i := len(n.Content) - 1; i >= 0; i-- {
			if m := resolve(n.Content[i]); m.Kind != yaml.MappingNode {
				d.errAt(m, key, "merge (<<) wants a mapping or a list of mappings, got %s", describe(m))
			} else {
				d.merge(m, key, fn)
			}
		}
	default:
		d.errAt(n, key, "merge (<<) wants a mapping or a list of mappings, got %s", describe(n))
	}
}

func (d *decoder) scalar(n *yaml.Node, v reflect.Value, key string) {
	if n.Kind != yaml.ScalarNode {
		d.fail(n, key, "expected %s, got %s", typeWord(v.Type()), describe(n))
		return
	}
	s := n.Value
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Bool:
		switch strings.ToLower(s) {
		case "true", "yes", "on":
			v.SetBool(true)
		case "false", "no", "off":
			v.SetBool(false)
		default:
			d.fail(n, key, "invalid boolean %q (want true or false)", s)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		i, err := parseInt(s, v.Type().Bits())
		if err != nil {
			d.fail(n, key, "invalid integer %q", s)
			return
		}
		v.SetInt(i)
	case reflect.Float32, reflect.Float64:
		f, err := strconv.ParseFloat(s, v.Type().Bits())
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			d.fail(n, key, "invalid number %q", s)
			return
		}
		v.SetFloat(f)
	default:
		// Only reachable if Config grows a field type this walker lacks.
		d.fail(n, key, "cannot decode into %s", v.Type())
	}
}

// parseInt reads decimal first, since base 0 alone would take "010" for
// octal; base 0 then admits 0x1F, 0o17 and 1_000.
func parseInt(s string, bits int) (int64, error) {
	if i, err := strconv.ParseInt(s, 10, bits); err == nil {
		return i, nil
	}
	return strconv.ParseInt(s, 0, bits)
}

// structFields maps the yaml names of a struct's fields to their indexes.
type structFields struct {
	index map[string]int
	names []string // in declaration order, for "did you mean"
}

func fieldsOf(t reflect.Type) structFields {
	sf := structFields{index: map[string]int{}}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		sf.index[name] = i
		sf.names = append(sf.names, name)
	}
	return sf
}

// unknownKey words the error for key, suggesting the known key it most
// likely meant.
func unknownKey(key string, known []string) string {
	// Tokens are deliberately not config keys: say where they go instead.
	for _, k := range known {
		if k == key+"_env" {
			return fmt.Sprintf("unknown key (secrets come from the environment: set %s to the variable's name)", k)
		}
	}
	best, bestDist := "", 3
	for _, k := range known {
		if dist := editDistance(key, k); dist < bestDist && dist < len(k) {
			best, bestDist = k, dist
		}
	}
	if best == "" {
		return "unknown key"
	}
	return fmt.Sprintf("unknown key (did you mean %q?)", best)
}

// editDistance is the Levenshtein distance between a and b, in bytes (keys
// are ASCII).
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		// No known key is this long; spare the quadratic work.
		return max(len(a), len(b))
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// typeWord names what a value of type t is written as, for messages.
func typeWord(t reflect.Type) string {
	switch t {
	case reflect.TypeFor[Duration]():
		return "a duration"
	case reflect.TypeFor[Size]():
		return "a size"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	}
	return "a " + t.String()
}

// describe names what node n is, for "expected X, got Y".
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		v := n.Value
		if len(v) > 40 {
			v = v[:37] + "..."
		}
		return strconv.Quote(v)
	case yaml.DocumentNode:
		return "a document"
	}
	return "nothing"
}

func joinKey(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// parentKey strips the last ".name" or "[i]" from key. A map key holding a
// dot is cut in two, which only costs lookups an extra step up.
func parentKey(key string) string {
	if i := strings.LastIndexAny(key, ".["); i >= 0 {
		return key[:i]
	}
	return ""
}
