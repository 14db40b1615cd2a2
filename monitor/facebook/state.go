package facebook

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"sync"
	"time"
)

// How long what the client learnt stays true without being asked again.
const (
	// pauseMax bounds a pause (rate limit, bad token) when no collection
	// of the source that caused it comes first: shorter than any sensible
	// schedule, so the next cycle tries again, long enough to cover the
	// rest of this one.
	pauseMax = 10 * time.Minute
	// pageTTL is how long a Page's answer ("reads fine", "gone") stands
	// for the checks of its posts. Every collection of the source renews
	// it, so within a cycle checks lean on the listing's own answer.
	pageTTL = 10 * time.Minute
)

// state is what the client remembers between calls, in memory: pauses
// and Pages' answers, keyed by API base, token (hashed) and Page id. It
// is lost at restart, which costs one request per Page at most.
type state struct {
	mu     sync.Mutex
	pauses map[string]pause
	pages  map[string]verdict
	locks  map[string]*sync.Mutex
}

// pause is a scope (a token, or a Page) the client stops asking about.
type pause struct {
	until  time.Time
	reason string // "rate limited (code 4): …", never the token
	by     string // the source whose next collection ends it
}

type pageState int

const (
	pageUnknown pageState = iota // could not be read: says nothing
	pageOK                       // reads fine with this token
	pageGone                     // answers 100/33 itself
)

// verdict is a Page's answer to this token.
type verdict struct {
	state    pageState
	at       time.Time
	detail   string
	evidence []int64
}

// tokenKey names a token without holding it: sha256, cut short.
func tokenKey(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:8])
}

func tokenScope(t target, token string) string { return "token " + t.base + " " + tokenKey(token) }
func pageScope(t target, pageID string) string { return "page " + t.base + " " + pageID }
func verdictKey(t target, token, pageID string) string {
	return t.base + " " + tokenKey(token) + " " + pageID
}

// newCycle is a collection of source id starting: the pauses it caused
// end, as the issue has it ("try again by the next cycle").
func (s *state) newCycle(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, p := range s.pauses {
		if p.by == id {
			delete(s.pauses, k)
		}
	}
}

// paused reports whether the token or the Page is paused at now, and why.
func (s *state) paused(now time.Time, t target, token, pageID string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range []string{tokenScope(t, token), pageScope(t, pageID)} {
		if p, ok := s.pauses[k]; ok {
			if now.Before(p.until) {
				return p.reason, true
			}
			delete(s.pauses, k)
		}
	}
	return "", false
}

// pause stops asking about scope until the source by is collected again,
// or for regain (pauseMax when 0, at most pauseMax).
func (s *state) pause(now time.Time, scope, reason, by string, regain time.Duration) {
	if regain <= 0 || regain > pauseMax {
		regain = pauseMax
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pauses == nil {
		s.pauses = map[string]pause{}
	}
	if old, ok := s.pauses[scope]; ok && now.Before(old.until) {
		return // the first cause stands; its source ends it
	}
	s.pauses[scope] = pause{until: now.Add(regain), reason: reason, by: by}
}

// noteUsage pauses what Graph's usage headers say is used up. It reports
// whether anything was.
func (s *state) noteUsage(now time.Time, t target, token, pageID, by string, h http.Header) bool {
	u := parseUsage(h)
	hit := false
	if u.app >= usageLimit {
		s.pause(now, tokenScope(t, token), "rate limited: X-App-Usage at 100%", by, u.regain)
		hit = true
	}
	if u.page >= usageLimit && pageID != "" {
		s.pause(now, pageScope(t, pageID), "rate limited: Page usage at 100%", by, u.regain)
		hit = true
	}
	return hit
}

// noteError pauses what a Graph error says must rest: the token on a
// token error or an app/user rate limit, the Page on a Page rate limit.
func (s *state) noteError(now time.Time, t target, token, pageID, by string, e *GraphError, h http.Header) {
	switch e.kind() {
	case kindToken:
		s.pause(now, tokenScope(t, token), e.Error(), by, 0)
	case kindRateLimit:
		regain := parseUsage(h).regain
		if e.pageScoped() && pageID != "" {
			s.pause(now, pageScope(t, pageID), e.Error(), by, regain)
		} else {
			s.pause(now, tokenScope(t, token), e.Error(), by, regain)
		}
	}
}

// verdict returns the Page's answer if it is fresh at now.
func (s *state) verdict(now time.Time, key string) (verdict, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.pages[key]
	if !ok || now.Sub(v.at) >= pageTTL || now.Before(v.at) {
		return verdict{}, false
	}
	return v, true
}

// setVerdict keeps a Page's answer; an unknown one forgets what was kept,
// so the next check asks the Page itself.
func (s *state) setVerdict(key string, v verdict) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v.state == pageUnknown {
		delete(s.pages, key)
		return
	}
	if s.pages == nil {
		s.pages = map[string]verdict{}
	}
	s.pages[key] = v
}

// lock serializes the checks that would ask the same Page, so one answer
// serves them all.
func (s *state) lock(key string) *sync.Mutex {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.locks == nil {
		s.locks = map[string]*sync.Mutex{}
	}
	m, ok := s.locks[key]
	if !ok {
		m = &sync.Mutex{}
		s.locks[key] = m
	}
	return m
}
