package mastodon

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/takedownwatch/takedownwatch/monitor"
	"github.com/takedownwatch/takedownwatch/monitor/normalize"
)

// id is a Mastodon id: a string in Mastodon's API, a number in some
// servers that imitate it.
type id = monitor.JSONID

// account is the part of Mastodon's Account entity read here.
type account struct {
	ID       id     `json:"id"`
	Username string `json:"username"`
	Acct     string `json:"acct"`
	URL      string `json:"url"`
	// Counts are pointers: an answer without one has no metric, not 0.
	FollowersCount *float64 `json:"followers_count"`
	FollowingCount *float64 `json:"following_count"`
	StatusesCount  *float64 `json:"statuses_count"`
	// Suspended is only present, and true, on a suspended account. An
	// account that is merely limited ("limited": true) is not gone.
	Suspended bool `json:"suspended"`

	capture int64 // the answer it was read from, if fetched by itself
}

// metrics are the account's counts by their normalized names.
func (a *account) metrics() []monitor.Metric {
	var out []monitor.Metric
	for _, m := range []struct {
		name string
		v    *float64
	}{
		{monitor.MetricFollowers, a.FollowersCount},
		{monitor.MetricFollowing, a.FollowingCount},
		{monitor.MetricPosts, a.StatusesCount},
	} {
		if m.v != nil {
			out = append(out, monitor.Metric{Name: m.name, Value: *m.v})
		}
	}
	return out
}

// status is the part of Mastodon's Status entity read here.
type status struct {
	ID          id      `json:"id"`
	CreatedAt   string  `json:"created_at"`
	Visibility  string  `json:"visibility"`
	SpoilerText string  `json:"spoiler_text"`
	URI         string  `json:"uri"`
	URL         *string `json:"url"`
	// Content is a pointer so that JSON without it is told apart. Text
	// (the plain source) stands in for it in the answer to a DELETE.
	Content          *string         `json:"content"`
	Text             *string         `json:"text"`
	EditedAt         *string         `json:"edited_at"`
	Reblog           json.RawMessage `json:"reblog"`
	Account          *account        `json:"account"`
	MediaAttachments []struct {
		URL       *string `json:"url"`
		RemoteURL *string `json:"remote_url"`
	} `json:"media_attachments"`
}

var errNotStatus = errors.New("not a status: it has no id, created_at or content")

// valid tells a status from the other entities that look like one: an
// account (no content), an edit history entry (no id), a status source
// (no created_at).
func (s *status) valid() error {
	if s.ID == "" || s.CreatedAt == "" || (s.Content == nil && s.Text == nil) {
		return errNotStatus
	}
	return nil
}

// contentHTML is the status's content as HTML.
func (s *status) contentHTML() string {
	if s.Content != nil {
		return *s.Content
	}
	if s.Text != nil {
		return html.EscapeString(*s.Text)
	}
	return ""
}

// isReblog: a boost is someone else's post shown in this account's
// timeline. Its removal is not this account's, so boosts are not listed.
func (s *status) isReblog() bool {
	r := bytes.TrimSpace(s.Reblog)
	return len(r) > 0 && !bytes.Equal(r, []byte("null"))
}

// public: followers-only and direct statuses are not public posts; they
// reach a listing only through a token that can see them.
func (s *status) public() bool {
	return s.Visibility != "private" && s.Visibility != "direct"
}

// parseAccount reads an Account entity.
func parseAccount(body []byte) (*account, error) {
	var a account
	if err := json.Unmarshal(body, &a); err != nil {
		return nil, fmt.Errorf("mastodon: not an account: %w", err)
	}
	if a.ID == "" || a.Username == "" {
		return nil, errors.New("mastodon: not an account: it has no id or no username")
	}
	return &a, nil
}

// parseStatus reads one Status entity.
func parseStatus(body []byte) (*status, error) {
	var s status
	if err := json.Unmarshal(body, &s); err != nil {
		return nil, fmt.Errorf("mastodon: not a status: %w", err)
	}
	if err := s.valid(); err != nil {
		return nil, fmt.Errorf("mastodon: %w", err)
	}
	return &s, nil
}

// parseStatuses reads a list of Status entities, as an account's statuses
// answer.
func parseStatuses(body []byte) ([]status, error) {
	var list []status
	if err := json.Unmarshal(body, &list); err != nil {
		return nil, fmt.Errorf("mastodon: not a list of statuses: %w", err)
	}
	if list == nil && !bytes.Equal(bytes.TrimSpace(body), []byte("[]")) {
		return nil, errors.New("mastodon: not a list of statuses: null")
	}
	for i := range list {
		if err := list[i].valid(); err != nil {
			return nil, fmt.Errorf("mastodon: statuses[%d]: %w", i, err)
		}
	}
	return list, nil
}

// item is the status as a listing item. fallback is the status page of an
// instance without a url for it (base/@acct/id).
//
//   - PlatformID is the status id: the id /api/v1/statuses/:id takes on
//     the instance read from, stable for the status's life. (The uri is
//     global, but a check needs the local id.)
//   - Text is the normalized content, after the content warning
//     (spoiler_text, plain text) as its first paragraph when there is one:
//     a warning changed by an edit is a change of what the post says. The
//     warning is also the item's Title.
//   - Published is created_at; edits (edited_at) show as changed content,
//     which the digest tells apart.
func (s *status) item(fallback string) monitor.Item {
	it := monitor.Item{PlatformID: string(s.ID)}
	if s.URL != nil {
		it.URL = absolute(*s.URL)
	}
	if it.URL == "" {
		it.URL = absolute(s.URI)
	}
	if it.URL == "" {
		it.URL = fallback
	}
	it.Published, _ = time.Parse(time.RFC3339Nano, s.CreatedAt) // zero when absent: no window evidence
	content := s.contentHTML()
	if w := strings.TrimSpace(s.SpoilerText); w != "" {
		it.Title = normalize.Plain(w)
		content = "<p>" + html.EscapeString(w) + "</p>" + content
	}
	it.Text = normalize.HTML(content)
	seen := map[string]bool{}
	for _, m := range s.MediaAttachments {
		// url is the instance's copy; a remote file it has not cached
		// has only remote_url.
		var u string
		if m.URL != nil {
			u = absolute(*m.URL)
		}
		if u == "" && m.RemoteURL != nil {
			u = absolute(*m.RemoteURL)
		}
		if u != "" && !seen[u] {
			seen[u] = true
			it.Media = append(it.Media, u)
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

// nextLink returns the rel="next" URL of a Link header (RFC 8288), or "".
// Mastodon pages an account's statuses this way, by max_id.
func nextLink(h http.Header) string {
	for _, v := range h.Values("Link") {
		for rest := v; ; {
			target, rels, tail, ok := cutLink(rest)
			if !ok {
				break
			}
			for rel := range strings.FieldsSeq(rels) {
				if strings.EqualFold(rel, "next") {
					return target
				}
			}
			rest = tail
		}
	}
	return ""
}

// cutLink reads the first link-value of s: its target, its rel parameter
// and what follows it.
func cutLink(s string) (target, rel, rest string, ok bool) {
	i := strings.IndexByte(s, '<')
	if i < 0 {
		return "", "", "", false
	}
	j := strings.IndexByte(s[i:], '>')
	if j < 0 {
		return "", "", "", false
	}
	target, s = s[i+1:i+j], s[i+j+1:]
	// Parameters run to the next comma outside a quoted string.
	end, quoted := len(s), false
	for k := 0; k < len(s); k++ {
		switch c := s[k]; {
		case c == '"':
			quoted = !quoted
		case c == '\\' && quoted:
			k++
		case c == ',' && !quoted:
			end = k
		}
		if end != len(s) {
			break
		}
	}
	params, rest := s[:end], s[min(end+1, len(s)):]
	for p := range strings.SplitSeq(params, ";") {
		k, v, found := strings.Cut(p, "=")
		if found && strings.EqualFold(strings.TrimSpace(k), "rel") {
			rel = strings.Trim(strings.TrimSpace(v), `"`)
		}
	}
	return target, rel, rest, true
}
