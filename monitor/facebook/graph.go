package facebook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/takedownwatch/takedownwatch/internal/clip"
	"github.com/takedownwatch/takedownwatch/monitor"
	"github.com/takedownwatch/takedownwatch/monitor/normalize"
)

// flexID is a Graph id: a string, though some captures and proxies send
// a number.
type flexID = monitor.JSONID

// flexNumber is a count or a code: a number, or a string holding one (one
// capture sends an error code as "10").
type flexNumber float64

func (n *flexNumber) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return fmt.Errorf("%s is not a number", b)
	}
	*n = flexNumber(f)
	return nil
}

// page is the part of a Graph Page read here.
type page struct {
	ID       flexID `json:"id"`
	Name     string `json:"name"`
	Username string `json:"username"`
	// Counts are pointers: an answer without one has no metric, not 0.
	FanCount       *flexNumber `json:"fan_count"`
	FollowersCount *flexNumber `json:"followers_count"`
}

// metrics are the Page's counts by their normalized names: fan_count is
// likes, followers_count is followers.
func (p *page) metrics() []monitor.Metric {
	var out []monitor.Metric
	if p.FollowersCount != nil {
		out = append(out, monitor.Metric{Name: monitor.MetricFollowers, Value: float64(*p.FollowersCount)})
	}
	if p.FanCount != nil {
		out = append(out, monitor.Metric{Name: monitor.MetricLikes, Value: float64(*p.FanCount)})
	}
	return out
}

// parsePage reads a Page node.
func parsePage(body []byte) (*page, error) {
	var p page
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, fmt.Errorf("facebook: not a Page: %w", err)
	}
	if p.ID == "" {
		return nil, errors.New("facebook: not a Page: it has no id")
	}
	return &p, nil
}

// post is the part of a Graph Post read here.
type post struct {
	ID           flexID  `json:"id"`
	Message      *string `json:"message"`
	CreatedTime  string  `json:"created_time"`
	UpdatedTime  string  `json:"updated_time"`
	PermalinkURL string  `json:"permalink_url"`
	IsHidden     bool    `json:"is_hidden"`
	IsExpired    bool    `json:"is_expired"`
	// IsPublished is a pointer: only an explicit false is unpublished.
	IsPublished *bool  `json:"is_published"`
	FullPicture string `json:"full_picture"`
	Attachments *struct {
		Data []attachment `json:"data"`
	} `json:"attachments"`
	// Actions carry the permalink in answers older than permalink_url.
	Actions []struct {
		Name string `json:"name"`
		Link string `json:"link"`
	} `json:"actions"`
}

// attachment is a post's attachment: a photo, a video, a shared link, an
// album of subattachments.
type attachment struct {
	Type  string `json:"type"`
	URL   string `json:"url"`
	Media *struct {
		Image *struct {
			Src string `json:"src"`
		} `json:"image"`
		Source string `json:"source"`
	} `json:"media"`
	Subattachments *struct {
		Data []attachment `json:"data"`
	} `json:"subattachments"`
}

// postsPage is one page of an edge (/{page}/posts).
type postsPage struct {
	Data   []post `json:"data"`
	Paging *struct {
		Cursors *struct {
			Before string `json:"before"`
			After  string `json:"after"`
		} `json:"cursors"`
		Next     string `json:"next"`
		Previous string `json:"previous"`
	} `json:"paging"`
}

func (p *postsPage) next() string {
	if p.Paging == nil {
		return ""
	}
	return p.Paging.Next
}

// parsePosts reads one page of a posts edge. data must be there, and a
// list: an answer without it is not a listing, even an empty one.
func parsePosts(body []byte) (*postsPage, error) {
	var probe struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &probe); err != nil {
		return nil, fmt.Errorf("facebook: not a list of posts: %w", err)
	}
	if d := bytes.TrimSpace(probe.Data); len(d) == 0 || d[0] != '[' {
		return nil, errors.New("facebook: not a list of posts: it has no data list")
	}
	var pg postsPage
	if err := json.Unmarshal(body, &pg); err != nil {
		return nil, fmt.Errorf("facebook: not a list of posts: %w", err)
	}
	for i := range pg.Data {
		if pg.Data[i].ID == "" {
			return nil, fmt.Errorf("facebook: data[%d]: not a post: it has no id", i)
		}
	}
	return &pg, nil
}

// parsePost reads one Post node.
func parsePost(body []byte) (*post, error) {
	var p post
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, fmt.Errorf("facebook: not a post: %w", err)
	}
	if p.ID == "" {
		return nil, errors.New("facebook: not a post: it has no id")
	}
	return &p, nil
}

// hidden says how the owner hid the post ("" when it is not hidden):
// is_hidden, is_expired, or is_published false.
func (p *post) hidden() string {
	switch {
	case p.IsHidden:
		return "is_hidden"
	case p.IsExpired:
		return "is_expired"
	case p.IsPublished != nil && !*p.IsPublished:
		return "is_published false"
	}
	return ""
}

// graphTime is how Graph writes times: ISO 8601 with a +0000 offset.
const graphTime = "2006-01-02T15:04:05-0700"

// parseTime reads a Graph time; zero when absent or unreadable, so that a
// post without one is no evidence of a listing's window.
func parseTime(s string) time.Time {
	for _, layout := range []string{graphTime, time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// text is the post's message as normalized text. A message is plain text,
// so what looks like markup ("<b>", "x < y") is words of the post.
func (p *post) text() string {
	if p.Message == nil {
		return ""
	}
	return normalize.Plain(*p.Message)
}

// media are the post's photos and videos: a video's source, else the
// image shown for an attachment, its subattachments' too, else
// full_picture. Shared links are not media.
func (p *post) media() []string {
	var out []string
	seen := map[string]bool{}
	add := func(raw string) {
		if u := absolute(raw); u != "" && !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	var walk func(list []attachment, depth int)
	walk = func(list []attachment, depth int) {
		for _, a := range list {
			if a.Media != nil {
				if a.Media.Source != "" {
					add(a.Media.Source)
				} else if a.Media.Image != nil {
					add(a.Media.Image.Src)
				}
			}
			if a.Subattachments != nil && depth < 3 {
				walk(a.Subattachments.Data, depth+1)
			}
		}
	}
	if p.Attachments != nil {
		walk(p.Attachments.Data, 0)
	}
	if len(out) == 0 {
		add(p.FullPicture)
	}
	return out
}

// permalink is where the post lives on the web: permalink_url, else the
// link of its actions (the older answers' form), else "".
func (p *post) permalink() string {
	if u := absolute(p.PermalinkURL); u != "" {
		return u
	}
	for _, a := range p.Actions {
		if u := absolute(a.Link); u != "" {
			return u
		}
	}
	return ""
}

// item is the post as a listing item. web is the site the source's url
// names (https://www.facebook.com), for a post without a permalink.
//
//   - PlatformID is the Graph id, PAGEID_POSTID: the id a check asks for
//     (a bare POSTID answers "(#12) singular statuses API is deprecated"),
//     and the id CrowdTangle's platformId holds, so imports match.
//   - Text is the normalized message (no story, no link texts): the same
//     a CrowdTangle import gives, so an import and a listing of the same
//     post are one version.
func (p *post) item(web string) monitor.Item {
	it := monitor.Item{PlatformID: string(p.ID), URL: p.permalink(), Published: parseTime(p.CreatedTime), Text: p.text(), Media: p.media()}
	if it.URL == "" {
		owner, part, ok := strings.Cut(string(p.ID), "_")
		if ok {
			it.URL = web + "/" + url.PathEscape(owner) + "/posts/" + url.PathEscape(part)
		} else {
			it.URL = web + "/" + url.PathEscape(string(p.ID))
		}
	}
	return it
}

// absolute returns raw if it is an absolute http(s) URL, else "".
func absolute(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

// GraphError is an error answer of the Graph API. Its Error text names
// what kind of error it is, the code, and Facebook's message, which never
// holds the token (the collector scrubs it should one appear).
type GraphError struct {
	// Status is the HTTP status it came with.
	Status    int
	Code      int
	Subcode   int
	Type      string
	Message   string
	Transient bool // is_transient
	CaptureID int64
}

// errKind is what a Graph error means for a post or a source.
type errKind int

const (
	kindOther      errKind = iota
	kindNotFound           // 100/33 and its variants: gone, or not visible to this token
	kindPermission         // 10, 200-299: the token may not read it
	kindToken              // 190 (and 102, 104): the token is expired, invalidated or missing
	kindRateLimit          // 4, 17, 32, 613, 80001…: stop for this cycle
	kindTransient          // 1, 2, or is_transient: try again
)

// kind sorts the error. Graph's codes are coarse: 100 is any bad request,
// so the not-found variants are told by their words.
func (e *GraphError) kind() errKind {
	switch c := e.Code; {
	case c == 190 || c == 102 || c == 104:
		return kindToken
	case c == 4 || c == 17 || c == 32 || c == 341 || c == 368 || c == 613 || (c >= 80001 && c <= 80014):
		return kindRateLimit
	case c == 33 || c == 803 || (c == 100 && (e.Subcode == 33 || notFoundWords.MatchString(e.Message))):
		return kindNotFound
	case c == 10 || (c >= 200 && c <= 299) || (c == 100 && permissionWords.MatchString(e.Message)):
		return kindPermission
	case c == 1 || c == 2 || e.Transient:
		return kindTransient
	}
	return kindOther
}

// scope is what a rate limit limits: the Page (32, the business use cases
// 80001…) or the whole app and user behind the token (4, 17, 613, …).
func (e *GraphError) pageScoped() bool {
	return e.Code == 32 || (e.Code >= 80001 && e.Code <= 80014)
}

var (
	notFoundWords   = regexp.MustCompile(`(?i)does not exist|could not be loaded|unsupported get request`)
	permissionWords = regexp.MustCompile(`(?i)permission|public content access|app secret proof|app token`)
	codeInMessage   = regexp.MustCompile(`\(#(\d{1,6})\)`)
)

func (e *GraphError) Error() string {
	var what string
	switch e.kind() {
	case kindToken:
		what = "token expired or invalidated"
		if e.Code != 190 {
			what = "token rejected"
		}
	case kindRateLimit:
		what = "rate limited"
	case kindNotFound:
		what = "not found"
	case kindPermission:
		what = "permission denied"
	case kindTransient:
		what = "temporary Graph error"
	default:
		what = "Graph error"
	}
	return fmt.Sprintf("%s (code %d): %s", what, e.Code, e.text())
}

// Paused reports whether the error pauses its source for the cycle (a
// token error or a rate limit): the source is retried next cycle, and
// nothing it answered is evidence.
func (e *GraphError) Paused() bool {
	k := e.kind()
	return k == kindToken || k == kindRateLimit
}

// detail is the error as an answer's detail: the codes and Facebook's
// words.
func (e *GraphError) detail() string {
	code := strconv.Itoa(e.Code)
	if e.Subcode != 0 {
		code += "/" + strconv.Itoa(e.Subcode)
	}
	return "code " + code + ": " + e.text()
}

// text is the message without Graph's boilerplate pointer to its docs,
// cut to a readable length.
func (e *GraphError) text() string {
	m := strings.TrimSpace(e.Message)
	for _, pointer := range []string{" Please read the Graph API documentation", " Refer to https://"} {
		if i := strings.Index(m, pointer); i > 0 {
			m = m[:i]
		}
	}
	m = clip.Text(m, 301)
	if m == "" {
		m = "no message"
	}
	return m
}

// parseGraphError reads an error answer: Graph's {"error": {...}} (code
// a number or a string), or the legacy REST envelope {"error_code",
// "error_msg"}. When the code is missing, as in some relayed bodies, it
// is read from the message: "(#4) …", "Error validating access token",
// "Unsupported get request". ok is false for a body that is no error.
func parseGraphError(body []byte) (e *GraphError, ok bool) {
	var env struct {
		Error     json.RawMessage `json:"error"`
		ErrorCode *flexNumber     `json:"error_code"`
		ErrorMsg  string          `json:"error_msg"`
	}
	if json.Unmarshal(body, &env) != nil {
		return nil, false
	}
	e = &GraphError{}
	switch raw := bytes.TrimSpace(env.Error); {
	case len(raw) > 0 && raw[0] == '{':
		var in struct {
			Message     string      `json:"message"`
			Type        string      `json:"type"`
			Code        *flexNumber `json:"code"`
			Subcode     *flexNumber `json:"error_subcode"`
			IsTransient bool        `json:"is_transient"`
		}
		if json.Unmarshal(raw, &in) != nil {
			return nil, false
		}
		e.Message, e.Type, e.Transient = in.Message, in.Type, in.IsTransient
		if in.Code != nil {
			e.Code = int(*in.Code)
		}
		if in.Subcode != nil {
			e.Subcode = int(*in.Subcode)
		}
	case len(raw) > 0 && raw[0] == '"':
		if json.Unmarshal(raw, &e.Message) != nil {
			return nil, false
		}
	case env.ErrorCode != nil:
		e.Code, e.Message = int(*env.ErrorCode), env.ErrorMsg
	default:
		return nil, false
	}
	if e.Code == 0 {
		e.Code = codeOf(e.Message)
	}
	return e, true
}

// codeOf infers a code from a message that came without one.
func codeOf(msg string) int {
	if m := codeInMessage.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	switch {
	case strings.Contains(msg, "Error validating access token"):
		return 190
	case notFoundWords.MatchString(msg):
		return 100
	case strings.Contains(msg, "exceeded the rate limit"):
		return 613
	}
	return 0
}

// usage is what Graph's usage headers say: the highest percentage of the
// app's (X-App-Usage) and of the Page's (X-Page-Usage,
// X-Business-Use-Case-Usage) quotas used, and when access comes back.
type usage struct {
	app, page float64
	regain    time.Duration
}

// usageLimit is the percentage at which Graph throttles.
const usageLimit = 100

// parseUsage reads the usage headers; a header that cannot be read counts
// as nothing used.
func parseUsage(h http.Header) usage {
	var u usage
	if v := h.Get("X-App-Usage"); v != "" {
		u.app, _ = maxUsage([]byte(v))
	}
	for _, name := range []string{"X-Page-Usage", "X-Business-Use-Case-Usage"} {
		if v := h.Get(name); v != "" {
			pct, regain := maxUsage([]byte(v))
			u.page = max(u.page, pct)
			u.regain = max(u.regain, regain)
		}
	}
	return u
}

// maxUsage finds the highest percentage (call_count, total_cputime,
// total_time) and the longest estimated_time_to_regain_access (minutes)
// anywhere in a usage header's JSON: an object of counts, or a business
// use case header's objects of lists of them.
func maxUsage(b []byte) (pct float64, regain time.Duration) {
	var v any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if d.Decode(&v) != nil {
		return 0, 0
	}
	var walk func(v any, depth int)
	walk = func(v any, depth int) {
		if depth > 4 {
			return
		}
		switch x := v.(type) {
		case map[string]any:
			for k, val := range x {
				n, isNum := val.(json.Number)
				f, err := n.Float64()
				switch {
				case !isNum || err != nil || f < 0 || math.IsInf(f, 0):
					walk(val, depth+1)
				case k == "estimated_time_to_regain_access":
					regain = max(regain, time.Duration(min(f, 24*60)*float64(time.Minute)))
				case k == "call_count" || k == "total_cputime" || k == "total_time" || k == "acc_id_util_pct":
					pct = max(pct, f)
				}
			}
		case []any:
			for _, val := range x {
				walk(val, depth+1)
			}
		}
	}
	walk(v, 0)
	return pct, regain
}
