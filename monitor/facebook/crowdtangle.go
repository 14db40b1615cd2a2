package facebook

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/takedownwatch/takedownwatch/internal/clip"
	"github.com/takedownwatch/takedownwatch/monitor/normalize"
)

// ImportedPost is one post of a CrowdTangle export, as the archive takes
// it: the same PlatformID and Text a Graph listing of the post would give,
// so an import and later snapshots of the same post meet as one post and
// one version.
type ImportedPost struct {
	// PlatformID is the Graph id PAGEID_POSTID when the export tells both
	// (CSV: Facebook Id and the id inside URL; JSON: platformId), else
	// the post id alone (a group post, a pfbid… URL without a page id).
	PlatformID string
	// URL is the post's permalink as the export holds it (CSV URL, JSON
	// postUrl).
	URL       string
	Published time.Time
	// Text is the normalized message (normalize.Text), "" for a post
	// without one.
	Text string
	// PageName is the Page's (or group's) name; PageHandle its user name.
	PageName, PageHandle string
	Media                []string
	// Counts are the export's numbers by its own column names ("Likes",
	// "Followers at Posting", "Overperforming Score" …; the JSON's
	// statistics as "actual.likeCount" …), read from their locale forms.
	Counts map[string]float64
	// Raw is the record as the export has it: the JSON post, or the CSV
	// row as an object of header → cell.
	Raw json.RawMessage
}

// RowError is one record of an export that could not be imported: Line is
// the CSV line it starts on (1 is the header), or for JSON the post's
// position in the list, from 1.
type RowError struct {
	Line int
	Err  error
}

func (e RowError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e RowError) Unwrap() error { return e.Err }

// ParseCrowdTangle reads a CrowdTangle export: a CSV download of the
// dashboard (columns as of 2021: Page Name, User Name, Facebook Id, …,
// Post Created, …, URL, Message, Link, …) or an API answer (/posts, a
// bare list of posts, or {"posts": [...]}). name is the file's name, for
// messages. Records that cannot be read are named in the RowErrors and
// left out; the error is for a file that is neither, or has no URL
// column. Any input gives posts, row errors or an error, never a panic.
func ParseCrowdTangle(name string, data []byte) ([]ImportedPost, []RowError, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, nil, fmt.Errorf("crowdtangle: %s: empty file", name)
	}
	if err := normalize.CheckText(data); err != nil {
		return nil, nil, fmt.Errorf("crowdtangle: %s: %w", name, err)
	}
	if trimmed[0] == '{' || trimmed[0] == '[' {
		posts, rows, err := parseCTJSON(trimmed)
		if err != nil {
			return nil, nil, fmt.Errorf("crowdtangle: %s: %w", name, err)
		}
		return posts, rows, nil
	}
	posts, rows, err := parseCTCSV(data)
	if err != nil {
		return nil, nil, fmt.Errorf("crowdtangle: %s: %w", name, err)
	}
	return posts, rows, nil
}

// ctCounts are the CSV's count columns: whole numbers, so any separator in
// them groups thousands ("407.137", "407,137").
var ctCounts = []string{
	"Likes at Posting", "Followers at Posting", "Total Interactions", "Likes", "Comments", "Shares",
	"Love", "Wow", "Haha", "Sad", "Angry", "Care", "Post Views", "Total Views", "Total Views For All Crossposts",
}

// ctScores are the CSV's fractional columns ("1,4" in a comma locale).
var ctScores = []string{"Overperforming Score"}

func parseCTCSV(data []byte) ([]ImportedPost, []RowError, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = false
	header, err := r.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("not a CSV file: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		if _, dup := col[strings.ToLower(h)]; !dup {
			col[strings.ToLower(h)] = i
		}
		// "Total Interactions (weighted — …)" and the like keep their
		// name up to the parenthesis too.
		if j := strings.IndexByte(h, '('); j > 0 {
			if short := strings.ToLower(strings.TrimSpace(h[:j])); short != "total interactions" {
				if _, dup := col[short]; !dup {
					col[short] = i
				}
			}
		}
	}
	if _, ok := col["url"]; !ok {
		h := clip.Text(strings.Join(header, ","), 201)
		return nil, nil, fmt.Errorf("no URL column in the header %q: not a CrowdTangle export", h)
	}
	type row struct {
		line   int
		fields []string
	}
	var rows []row
	var bad []RowError
	for {
		line, _ := r.FieldPos(0)
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				bad = append(bad, RowError{Line: pe.StartLine, Err: pe.Err})
				if pe.Err == csv.ErrQuote || pe.Err == csv.ErrBareQuote {
					break // the rest of the file is one broken field
				}
				continue
			}
			return nil, nil, err
		}
		line, _ = r.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		rows = append(rows, row{line, rec})
	}
	// The file's decimal separator, from score cells that can only be
	// read one way ("1,4" or "2.53"; not "1,400").
	dec := decimalSeparator(func(yield func(string) bool) {
		for _, rw := range rows {
			for _, name := range ctScores {
				if i, ok := col[strings.ToLower(name)]; ok && i < len(rw.fields) && !yield(rw.fields[i]) {
					return
				}
			}
		}
	})
	var posts []ImportedPost
	for _, rw := range rows {
		cell := func(name string) string {
			if i, ok := col[strings.ToLower(name)]; ok && i < len(rw.fields) {
				return strings.TrimSpace(rw.fields[i])
			}
			return ""
		}
		p, err := ctRow(cell, dec)
		if err != nil {
			bad = append(bad, RowError{Line: rw.line, Err: err})
			continue
		}
		raw := map[string]string{}
		for i, h := range header {
			if i < len(rw.fields) {
				raw[strings.TrimSpace(h)] = strings.ToValidUTF8(rw.fields[i], "\uFFFD")
			}
		}
		p.Raw, _ = json.Marshal(raw) // a map of strings always marshals
		posts = append(posts, p)
	}
	return posts, bad, nil
}

// ctRow reads one CSV row.
func ctRow(cell func(string) string, dec byte) (ImportedPost, error) {
	p := ImportedPost{URL: cell("URL"), PageName: cell("Page Name"), PageHandle: cell("User Name")}
	if p.PageName == "" {
		p.PageName = cell("Group Name")
	}
	if absolute(p.URL) == "" {
		return p, fmt.Errorf("URL %q is not an http(s) URL", p.URL)
	}
	owner, id, ok := PostIDFromURL(p.URL)
	if !ok {
		return p, fmt.Errorf("URL %q names no Facebook post", p.URL)
	}
	page := cell("Facebook Id")
	if !numeric(page) && numeric(owner) {
		page = owner
	}
	p.PlatformID = id
	if numeric(page) {
		p.PlatformID = page + "_" + id
	}
	created := cell("Post Created")
	if created == "" && cell("Post Created Date") != "" {
		created = strings.TrimSpace(cell("Post Created Date") + " " + cell("Post Created Time"))
	}
	t, err := ctTime(created)
	if err != nil {
		return p, fmt.Errorf("Post Created: %w", err)
	}
	p.Published = t
	p.Text = messageText(cell("Message"))
	if typ := strings.ToLower(cell("Type")); strings.Contains(typ, "photo") || strings.Contains(typ, "video") || strings.Contains(typ, "album") {
		if u := absolute(cell("Link")); u != "" {
			p.Media = []string{u}
		}
	}
	read := func(name string, sep byte) error {
		v := cell(name)
		if v == "" {
			return nil
		}
		n, err := localeNumber(v, sep)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if p.Counts == nil {
			p.Counts = map[string]float64{}
		}
		p.Counts[name] = n
		return nil
	}
	for _, name := range ctCounts {
		if err := read(name, 0); err != nil { // whole numbers: every separator groups
			return p, err
		}
	}
	for _, name := range ctScores {
		if err := read(name, dec); err != nil {
			return p, err
		}
	}
	return p, nil
}

// messageText is a message's normalized text, as a Graph listing gives it.
func messageText(msg string) string {
	if msg == "" {
		return ""
	}
	m := msg
	return (&post{Message: &m}).text()
}

// ctZones are the time-zone abbreviations CrowdTangle writes after its
// times (the dashboard's zone), with their offsets. Abbreviations that
// mean several zones take CrowdTangle's reading: CST is US Central, IST
// India, AST Atlantic.
var ctZones = map[string]int{ // minutes east of UTC
	"UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "WEST": 60, "BST": 60, "IST": 330, "CET": 60, "CEST": 120,
	"EET": 120, "EEST": 180, "MSK": 180, "TRT": 180, "EAT": 180, "CAT": 120, "WAT": 60, "SAST": 120,
	"GST": 240, "PKT": 300, "NPT": 345, "BDT": 360, "MMT": 390, "ICT": 420, "WIB": 420, "WITA": 480, "WIT": 540,
	"HKT": 480, "SGT": 480, "MYT": 480, "PHT": 480, "PST": -480, "AWST": 480, "JST": 540, "KST": 540,
	"ACST": 570, "AEST": 600, "AEDT": 660, "NZST": 720, "NZDT": 780,
	"EST": -300, "EDT": -240, "CST": -360, "CDT": -300, "MST": -420, "MDT": -360, "PDT": -420,
	"AKST": -540, "AKDT": -480, "HST": -600, "AST": -240, "ADT": -180, "NST": -210, "NDT": -150,
	"BRT": -180, "BRST": -120, "ART": -180, "CLT": -240, "CLST": -180, "COT": -300, "PET": -300,
	"VET": -240, "BOT": -240, "PYT": -240, "UYT": -180,
}

var numericZone = regexp.MustCompile(`^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$`)

// ctTime reads a CrowdTangle time, "2021-03-01 10:00:00 BRT": the
// dashboard's local time and its zone's abbreviation (or a numeric
// offset). A time without a zone is UTC, as the API writes its times.
func ctTime(s string) (time.Time, error) {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return time.Time{}, errors.New("no time")
	}
	fields := strings.Fields(s)
	zone, offset := "", 0
	if last := fields[len(fields)-1]; len(fields) >= 2 {
		if m := numericZone.FindStringSubmatch(last); m != nil {
			h, _ := strconv.Atoi(m[2])
			mins, _ := strconv.Atoi(m[3])
			offset = h*60 + mins
			if m[1] == "-" {
				offset = -offset
			}
			zone = last
		} else if isAlpha(last) {
			off, ok := ctZones[strings.ToUpper(last)]
			if !ok {
				return time.Time{}, fmt.Errorf("unknown time zone %q in %q", last, s)
			}
			zone, offset = last, off
		}
	}
	local := strings.TrimSpace(strings.TrimSuffix(s, zone))
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02", "01/02/2006 15:04:05", "01/02/2006 15:04"} {
		if t, err := time.ParseInLocation(layout, local, time.UTC); err == nil {
			return t.Add(-time.Duration(offset) * time.Minute), nil
		}
	}
	return time.Time{}, fmt.Errorf("time %q is not like 2021-03-01 10:00:00 BRT", s)
}

func isAlpha(s string) bool {
	for _, c := range s {
		if (c < 'A' || c > 'Z') && (c < 'a' || c > 'z') {
			return false
		}
	}
	return s != ""
}

// decimalSeparator finds a file's decimal separator from cells that show
// it unambiguously: one kind of separator followed by other than three
// digits ("1,4", "2.53"), or both kinds, the last being decimal. '.' when
// nothing tells.
func decimalSeparator(cells func(yield func(string) bool)) byte {
	dec := byte(0)
	cells(func(c string) bool {
		c = strings.TrimSpace(c)
		i := strings.LastIndexAny(c, ".,")
		if i < 0 {
			return true
		}
		if strings.ContainsAny(c[:i], ".,") && c[:i][strings.LastIndexAny(c[:i], ".,")] != c[i] {
			dec = c[i]
			return false
		}
		if digits := len(c) - i - 1; digits != 3 {
			dec = c[i]
			return false
		}
		return true
	})
	if dec == 0 {
		return '.'
	}
	return dec
}

// localeNumber reads a number written with grouping separators and the
// decimal separator dec; dec 0 reads a whole number, every '.' and ','
// grouping. Spaces (NBSP included) and apostrophes group too.
func localeNumber(s string, dec byte) (float64, error) {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\u00a0' || r == '\u202f' || r == ' ' || r == '\'':
		case dec != 0 && byte(r) == dec && r < utf8.RuneSelf:
			b.WriteByte('.')
		case r == '.' || r == ',':
		default:
			b.WriteRune(r)
		}
		i += size
	}
	f, err := strconv.ParseFloat(b.String(), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	return f, nil
}

// ctPost is the part of a CrowdTangle API post read here.
type ctPost struct {
	PlatformID string `json:"platformId"`
	Platform   string `json:"platform"`
	Date       string `json:"date"`
	Message    string `json:"message"`
	PostURL    string `json:"postUrl"`
	Link       string `json:"link"`
	Account    *struct {
		Name       string `json:"name"`
		Handle     string `json:"handle"`
		PlatformID flexID `json:"platformId"`
	} `json:"account"`
	Media []struct {
		Type string `json:"type"`
		URL  string `json:"url"`
		Full string `json:"full"`
	} `json:"media"`
	Statistics map[string]map[string]flexNumber `json:"statistics"`
}

func parseCTJSON(data []byte) ([]ImportedPost, []RowError, error) {
	var list []json.RawMessage
	if data[0] == '[' {
		if err := json.Unmarshal(data, &list); err != nil {
			return nil, nil, fmt.Errorf("not a list of CrowdTangle posts: %w", err)
		}
	} else {
		var env struct {
			Status *flexNumber `json:"status"`
			Result *struct {
				Posts []json.RawMessage `json:"posts"`
			} `json:"result"`
			Posts []json.RawMessage `json:"posts"`
		}
		if err := json.Unmarshal(data, &env); err != nil {
			return nil, nil, fmt.Errorf("not a CrowdTangle answer: %w", err)
		}
		switch {
		case env.Result != nil:
			list = env.Result.Posts
		case env.Posts != nil:
			list = env.Posts
		default:
			return nil, nil, errors.New("not a CrowdTangle answer: no result.posts or posts")
		}
	}
	var posts []ImportedPost
	var bad []RowError
	for i, raw := range list {
		p, err := ctJSONPost(raw)
		if err != nil {
			bad = append(bad, RowError{Line: i + 1, Err: err})
			continue
		}
		posts = append(posts, p)
	}
	return posts, bad, nil
}

func ctJSONPost(raw json.RawMessage) (ImportedPost, error) {
	var c ctPost
	if err := json.Unmarshal(raw, &c); err != nil {
		return ImportedPost{}, fmt.Errorf("not a CrowdTangle post: %w", err)
	}
	if c.Platform != "" && !strings.EqualFold(c.Platform, "facebook") {
		return ImportedPost{}, fmt.Errorf("a %s post, not a Facebook one", c.Platform)
	}
	p := ImportedPost{PlatformID: c.PlatformID, URL: absolute(c.PostURL), Text: messageText(c.Message), Raw: raw}
	if p.URL == "" {
		return p, fmt.Errorf("postUrl %q is not an http(s) URL", c.PostURL)
	}
	if p.PlatformID == "" {
		// Graph's id is not there; the URL's is.
		owner, id, ok := PostIDFromURL(p.URL)
		if !ok {
			return p, fmt.Errorf("no platformId, and postUrl %q names no post", p.URL)
		}
		p.PlatformID = id
		if c.Account != nil && numeric(string(c.Account.PlatformID)) {
			p.PlatformID = string(c.Account.PlatformID) + "_" + id
		} else if numeric(owner) {
			p.PlatformID = owner + "_" + id
		}
	}
	t, err := ctTime(c.Date)
	if err != nil {
		return p, fmt.Errorf("date: %w", err)
	}
	p.Published = t
	if c.Account != nil {
		p.PageName, p.PageHandle = c.Account.Name, c.Account.Handle
	}
	seen := map[string]bool{}
	for _, m := range c.Media {
		u := absolute(m.Full)
		if u == "" {
			u = absolute(m.URL)
		}
		if u != "" && !seen[u] {
			seen[u] = true
			p.Media = append(p.Media, u)
		}
	}
	for group, counts := range c.Statistics {
		for name, v := range counts {
			if p.Counts == nil {
				p.Counts = map[string]float64{}
			}
			p.Counts[group+"."+name] = float64(v)
		}
	}
	return p, nil
}
