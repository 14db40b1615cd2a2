package sandbox

import (
	"errors"
	"io"
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Failure is a transient misbehaviour, queued on one post's permalink
// (FailPost), an account (FailNext) or a whole host (FailHost). Make one
// with Status, TooMany, Slow, Reset or Malformed.
type Failure struct {
	kind   failureKind
	status int
	delay  time.Duration
}

type failureKind int

const (
	failStatus failureKind = iota + 1
	failTooMany
	failSlow
	failReset
	failMalformed
)

// Status answers with code and a short page, e.g. Status(503).
func Status(code int) Failure { return Failure{kind: failStatus, status: code} }

// TooMany answers 429 with Retry-After in whole seconds, rounded up.
func TooMany(retryAfter time.Duration) Failure {
	return Failure{kind: failTooMany, status: http.StatusTooManyRequests, delay: retryAfter}
}

// Slow waits d and then answers normally; it gives up early when the
// client goes away or the sandbox closes.
func Slow(d time.Duration) Failure { return Failure{kind: failSlow, delay: d} }

// Reset drops the TCP connection with a RST, so the client sees a network
// error rather than any HTTP status. Go's Transport retries an idempotent
// request once when a reused keep-alive connection fails this way, which
// consumes a second queued failure.
func Reset() Failure { return Failure{kind: failReset} }

// Malformed answers 200 with XML cut off mid-element.
func Malformed() Failure { return Failure{kind: failMalformed, status: http.StatusOK} }

func (f Failure) String() string {
	switch f.kind {
	case failStatus:
		return "Status(" + strconv.Itoa(f.status) + ")"
	case failTooMany:
		return "TooMany(" + f.delay.String() + ")"
	case failSlow:
		return "Slow(" + f.delay.String() + ")"
	case failReset:
		return "Reset()"
	case failMalformed:
		return "Malformed()"
	}
	return "Failure{}"
}

// malformedBody looks like the start of a feed, so a parser gets far
// enough to fail on structure rather than on content type.
const malformedBody = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>broken & unescaped</title>
<item><title>cut off here`

// fail answers r with f. It reports false when the request should go on to
// its normal answer: a Slow failure that ran its course.
func (sb *Sandbox) fail(w http.ResponseWriter, r *http.Request, f Failure) bool {
	switch f.kind {
	case failStatus:
		messagePage(w, f.status, http.StatusText(f.status), "Something went wrong. Please try again later.")
	case failTooMany:
		secs := int64(math.Ceil(f.delay.Seconds()))
		w.Header().Set("Retry-After", strconv.FormatInt(max(secs, 0), 10))
		messagePage(w, f.status, http.StatusText(f.status), "You are making requests too quickly.")
	case failSlow:
		// The server's write timeout would cut a long stall short.
		_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(f.delay + writeTimeout))
		t := time.NewTimer(f.delay)
		defer t.Stop()
		select {
		case <-t.C:
			return false
		case <-r.Context().Done():
		case <-sb.done:
		}
		// Returning would send an empty 200; a stall cut short has no answer.
		panic(http.ErrAbortHandler)
	case failReset:
		reset(w)
	case failMalformed:
		w.Header().Set("Content-Type", "application/xml; charset=utf-8")
		w.WriteHeader(f.status)
		_, _ = io.WriteString(w, malformedBody) // the client went away; nothing to tell it
	default:
		panic(errZeroFailure)
	}
	return true
}

// reset closes the connection with SO_LINGER 0, which sends RST instead
// of FIN, the way a crashing proxy or a middlebox does.
func reset(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// Not hijackable (HTTP/2): aborting still closes the stream
		// without an answer.
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0) // without it the close is a FIN: still an error, just a gentler one
	}
	_ = conn.Close() // the connection is being thrown away on purpose
}

var errZeroFailure = errors.New("sandbox: zero Failure: make one with Status, TooMany, Slow, Reset or Malformed")

// failures is a queue of failures, each for a number of requests.
type failures struct {
	mu sync.Mutex
	q  []queuedFailure
}

type queuedFailure struct {
	left int // < 0: forever
	f    Failure
}

func (fs *failures) add(n int, f Failure) {
	if n == 0 {
		return
	}
	if f.kind == 0 {
		panic(errZeroFailure)
	}
	fs.mu.Lock()
	fs.q = append(fs.q, queuedFailure{left: n, f: f})
	fs.mu.Unlock()
}

// next takes the failure for one request, if any is queued.
func (fs *failures) next() (Failure, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if len(fs.q) == 0 {
		return Failure{}, false
	}
	head := &fs.q[0]
	f := head.f
	if head.left > 0 {
		head.left--
		if head.left == 0 {
			fs.q = fs.q[1:]
		}
	}
	return f, true
}

func (fs *failures) clear() {
	fs.mu.Lock()
	fs.q = nil
	fs.mu.Unlock()
}

// postFailures are the failure queues of an account's permalinks, by post
// id. They have their own lock: queueing a failure changes no page.
type postFailures struct {
	mu sync.Mutex
	m  map[string]*failures
}

func (pf *postFailures) add(id string, n int, f Failure) {
	if n == 0 {
		return
	}
	if f.kind == 0 {
		panic(errZeroFailure)
	}
	pf.mu.Lock()
	defer pf.mu.Unlock()
	fs := pf.m[id]
	if fs == nil {
		if pf.m == nil {
			pf.m = make(map[string]*failures)
		}
		fs = &failures{}
		pf.m[id] = fs
	}
	fs.add(n, f)
}

// next takes the failure for one request of post id, if any is queued.
func (pf *postFailures) next(id string) (Failure, bool) {
	pf.mu.Lock()
	defer pf.mu.Unlock()
	fs := pf.m[id]
	if fs == nil {
		return Failure{}, false
	}
	return fs.next()
}

func (pf *postFailures) clear() {
	pf.mu.Lock()
	pf.m = nil
	pf.mu.Unlock()
}
