package sandbox

import (
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"
)

// HostStats is what one host saw, for politeness tests.
type HostStats struct {
	Requests    int
	MaxInFlight int
	// Arrivals are real times (time.Now, not Options.Clock): politeness is
	// about real spacing between requests.
	Arrivals []time.Time
}

type hostStats struct {
	mu          sync.Mutex
	requests    int
	inFlight    int
	maxInFlight int
	arrivals    []time.Time
	paths       map[string]*pathStats
	// epoch counts ResetStats calls: a request that arrived before the
	// latest one no longer counts as in flight.
	epoch uint64
}

type pathStats struct {
	count  int
	seq    uint64 // of the last request, to pick the latest across hosts
	header http.Header
}

// arrive counts r and returns the epoch depart must be given.
func (s *hostStats) arrive(r *http.Request, seq uint64) uint64 {
	now := time.Now()
	header := r.Header.Clone()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	s.inFlight++
	s.maxInFlight = max(s.maxInFlight, s.inFlight)
	s.arrivals = append(s.arrivals, now)
	if s.paths == nil {
		s.paths = make(map[string]*pathStats)
	}
	ps := s.paths[r.URL.Path]
	if ps == nil {
		ps = &pathStats{}
		s.paths[r.URL.Path] = ps
	}
	ps.count++
	ps.seq, ps.header = seq, header
	return s.epoch
}

func (s *hostStats) depart(epoch uint64) {
	s.mu.Lock()
	if epoch == s.epoch {
		s.inFlight--
	}
	s.mu.Unlock()
}

// Stats returns what host has seen since New or ResetStats.
func (sb *Sandbox) Stats(host int) HostStats {
	s := &sb.host(host).stats
	s.mu.Lock()
	defer s.mu.Unlock()
	return HostStats{Requests: s.requests, MaxInFlight: s.maxInFlight, Arrivals: slices.Clone(s.arrivals)}
}

// ResetStats forgets every count, arrival and recorded header. Requests in
// flight still finish normally but no longer count: MaxInFlight starts
// again from what follows.
func (sb *Sandbox) ResetStats() {
	for _, h := range sb.hosts {
		s := &h.stats
		s.mu.Lock()
		s.requests, s.maxInFlight, s.arrivals, s.paths = 0, 0, nil, nil
		s.inFlight = 0
		s.epoch++
		s.mu.Unlock()
	}
}

// Requests counts requests for target: a full URL counts on its host
// only, a bare path (query ignored) on every host.
func (sb *Sandbox) Requests(target string) int {
	n := 0
	for _, ps := range sb.pathStats(target) {
		n += ps.count
	}
	return n
}

// LastRequest returns the headers of the latest request for target (a URL
// or a bare path, as in Requests), or nil if there was none.
func (sb *Sandbox) LastRequest(target string) http.Header {
	var last pathStats
	for _, ps := range sb.pathStats(target) {
		if ps.seq > last.seq {
			last = ps
		}
	}
	return last.header.Clone()
}

// pathStats returns copies of target's counters on the hosts it names.
func (sb *Sandbox) pathStats(target string) []pathStats {
	u, err := url.Parse(target)
	if err != nil {
		return nil
	}
	p := u.Path
	if p == "" {
		p = "/"
	}
	var out []pathStats
	for _, h := range sb.hosts {
		if u.Host != "" && u.Host != h.addr {
			continue
		}
		h.stats.mu.Lock()
		if ps := h.stats.paths[p]; ps != nil {
			out = append(out, *ps)
		}
		h.stats.mu.Unlock()
	}
	return out
}
