package fetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/takedownwatch/takedownwatch/archive/warc"
	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/monitor"
)

// networkError is a request that got no complete HTTP answer: it is
// archived as a failure capture.
type networkError struct{ err error }

func (e *networkError) Error() string { return e.err.Error() }
func (e *networkError) Unwrap() error { return e.err }

// fetchStats sums the hops of one fetch for its log line.
type fetchStats struct {
	wait, net time.Duration
	bytes     int64
}

// roundTrip makes one request when its host allows it and reads the
// answer, capped at limit bytes. The exchange it returns is dated even on
// error, once the request has started.
func (c *Client) roundTrip(ctx context.Context, v *vantage, target string, u *url.URL, header http.Header, limit int64, st *fetchStats) (*warc.Exchange, error) {
	ex := &warc.Exchange{Method: http.MethodGet, URL: target, Vantage: v.name}
	h := c.hosts.get(monitor.HostKey(u))
	queued := time.Now()
	turn, err := h.acquire(ctx, c.interval, c.maxRetryWait)
	if err != nil {
		return ex, err
	}
	defer h.release()
	// Whatever way this ends, the next request's spacing counts from here
	// at the latest.
	defer func() { turn.answered(time.Now()) }()
	started := time.Now()
	st.wait += started.Sub(queued)
	ex.Date = c.now()

	hopCtx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	sent := &sentHeader{direct: v.name == config.Direct, turn: turn}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(hopCtx, sent.trace()), http.MethodGet, target, nil)
	if err != nil {
		return ex, fmt.Errorf("build request: %w", err)
	}
	req.Header = header

	resp, err := v.client.Do(req)
	turn.answered(time.Now()) // unless the trace said so earlier
	if err != nil {
		st.net += time.Since(started)
		return ex, c.networkFailure(ctx, hopCtx, unwrapURLError(err), "")
	}
	defer resp.Body.Close()
	// Before the slot is released: the next request to this host must
	// already see the wait it asked for.
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), c.now()); ok {
			h.retryAfter(time.Now().Add(d))
		}
	}
	body, truncated, err := readCapped(resp.Body, limit, resp.ContentLength)
	st.net += time.Since(started)
	st.bytes += int64(len(body))
	if err != nil {
		return ex, c.networkFailure(ctx, hopCtx, err, fmt.Sprintf("%d %s answer cut off after %d bytes", resp.StatusCode, http.StatusText(resp.StatusCode), len(body)))
	}
	ex.RequestHeader, ex.IP = sent.result(header)
	ex.Proto, ex.StatusCode, ex.Status, ex.Header = resp.Proto, resp.StatusCode, resp.Status, resp.Header
	ex.Body, ex.Truncated = body, truncated
	return ex, nil
}

// networkFailure words a failure without the URL (url.Error would repeat
// it, token and all): the capture and the FetchError name it already.
func (c *Client) networkFailure(ctx, hopCtx context.Context, err error, during string) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if errors.Is(hopCtx.Err(), context.DeadlineExceeded) {
		err = fmt.Errorf("no complete answer within the %s timeout: %w", c.timeout, err)
	}
	if during != "" {
		err = fmt.Errorf("%s: %w", during, err)
	}
	return &networkError{err: redactedError{err: err, msg: c.redact.String(err.Error())}}
}

// redactedError keeps err's chain for errors.Is and As but shows a message
// scrubbed of configured secrets.
type redactedError struct {
	err error
	msg string
}

func (e redactedError) Error() string { return e.msg }
func (e redactedError) Unwrap() error { return e.err }

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// sentHeader collects the header as the transport wrote it, with what the
// transport adds itself (Host, Accept-Encoding), and the address it
// reached; it tells the host's spacing when the answer begins.
type sentHeader struct {
	direct bool
	turn   *turn // told when the answer begins
	mu     sync.Mutex
	h      http.Header
	ip     string
}

func (s *sentHeader) trace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		GotConn: func(info httptrace.GotConnInfo) {
			s.mu.Lock()
			defer s.mu.Unlock()
			// A retry on a fresh connection writes the header again.
			s.h = make(http.Header, 8)
			// Through a proxy the address reached is the proxy's, which
			// WARC-IP-Address would pass off as the origin's.
			if s.direct {
				if host, _, err := net.SplitHostPort(info.Conn.RemoteAddr().String()); err == nil {
					s.ip = host
				}
			}
		},
		GotFirstResponseByte: func() { s.turn.answered(time.Now()) },
		WroteHeaderField: func(key string, value []string) {
			if strings.HasPrefix(key, ":") {
				return // HTTP/2 pseudo-headers are the request line, not fields
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			if s.h != nil {
				k := http.CanonicalHeaderKey(key)
				s.h[k] = append(s.h[k], value...)
			}
		},
	}
}

// result returns the header as sent, or fallback when the transport told
// nothing (a test's RoundTripper).
func (s *sentHeader) result(fallback http.Header) (http.Header, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.h) == 0 {
		return fallback, s.ip
	}
	return s.h, s.ip
}

// logFetch writes the one debug line of a fetch: never header values, and
// the URL without its tokens.
func (c *Client) logFetch(reqURL string, v *vantage, out *monitor.FetchResponse, st *fetchStats, begun time.Time, err error) {
	if !c.log.Logger.IsLevelEnabled(logrus.DebugLevel) {
		return
	}
	l := c.log.WithFields(logrus.Fields{
		"url": c.safeURL(reqURL), "vantage": v.name, "hops": len(out.Hops), "bytes": st.bytes,
		"duration": st.net.Round(time.Microsecond), "wait": st.wait.Round(time.Microsecond),
		"total": time.Since(begun).Round(time.Microsecond),
	})
	if err != nil {
		l.WithError(err).Debug("fetch failed")
		return
	}
	l.WithFields(logrus.Fields{"status": out.StatusCode, "capture": out.Capture.ID, "truncated": out.Truncated}).Debug("fetched")
}
