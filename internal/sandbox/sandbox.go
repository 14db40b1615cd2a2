// Package sandbox imitates, on loopback hosts, the platforms takedownwatch's collectors speak to, scripted from Go by tests, benchmarks and the demo.
package sandbox

import (
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// maxHosts is how many hosts fit between 127.0.0.2 and 127.0.0.254.
const maxHosts = 253

// Server timeouts. writeTimeout is a floor: a Slow failure extends the
// write deadline of its own request, so long stalls can still be answered.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 2 * time.Minute
)

// Options configure a Sandbox; the zero value is one host on the real clock.
type Options struct {
	// Hosts is the number of loopback hosts (default 1). Host i listens on
	// 127.0.0.(i+2) so politeness per host can be observed on one machine.
	Hosts int
	// Clock stamps Last-Modified and default publish times (default time.Now).
	// Request arrivals in Stats always use the real clock.
	Clock func() time.Time
	// ErrorLog receives net/http server errors (nil: the standard logger).
	ErrorLog *log.Logger
}

// Sandbox is a running set of imitation platform hosts.
type Sandbox struct {
	clock func() time.Time
	hosts []*host
	seq   atomic.Uint64 // orders requests across hosts for LastRequest

	actions actionLog // what scripts did, for Log

	// done is closed by Close so stalled handlers return at once.
	done      chan struct{}
	closeOnce sync.Once
	closeErr  error
	serving   sync.WaitGroup
	serveErr  error // first unexpected Serve error, guarded by mu

	mu     sync.Mutex
	idle   *sync.Cond // signalled when active drops to zero
	active int        // handlers running
	closed bool
}

// New starts opts.Hosts loopback servers on kernel-chosen ports.
func New(opts Options) (*Sandbox, error) {
	n := opts.Hosts
	if n == 0 {
		n = 1
	}
	if n < 0 || n > maxHosts {
		return nil, fmt.Errorf("sandbox: %d hosts: want 1 to %d", n, maxHosts)
	}
	sb := &Sandbox{clock: opts.Clock, done: make(chan struct{})}
	if sb.clock == nil {
		sb.clock = time.Now
	}
	sb.idle = sync.NewCond(&sb.mu)
	for i := range n {
		addr := net.JoinHostPort(hostIP(i), "0")
		ln, err := net.Listen("tcp4", addr)
		if err != nil {
			for _, h := range sb.hosts {
				_ = h.ln.Close()
			}
			return nil, fmt.Errorf("sandbox: listen on host %d (%s): %w", i, addr, err)
		}
		sb.hosts = append(sb.hosts, newHost(sb, i, ln, opts.ErrorLog))
	}
	for _, h := range sb.hosts {
		sb.serving.Go(func() {
			if err := h.srv.Serve(h.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				sb.mu.Lock()
				if sb.serveErr == nil {
					sb.serveErr = fmt.Errorf("sandbox: serve host %d: %w", h.index, err)
				}
				sb.mu.Unlock()
			}
		})
	}
	return sb, nil
}

func hostIP(i int) string { return "127.0.0." + strconv.Itoa(i+2) }

// Hosts returns the base URL of every host, such as http://127.0.0.2:41234.
func (sb *Sandbox) Hosts() []string {
	urls := make([]string, len(sb.hosts))
	for i, h := range sb.hosts {
		urls[i] = h.base
	}
	return urls
}

// AddAccount creates the account name on host, or returns it if it exists.
// It panics on a host out of range or a name that is not one path segment:
// both are mistakes in the script, not conditions to handle.
func (sb *Sandbox) AddAccount(host int, name string) *Account {
	return sb.host(host).addAccount(name)
}

func (sb *Sandbox) host(i int) *host {
	if i < 0 || i >= len(sb.hosts) {
		panic(fmt.Sprintf("sandbox: host %d out of range [0, %d)", i, len(sb.hosts)))
	}
	return sb.hosts[i]
}

// FailHost makes the next n requests to host fail with f, whatever their
// path (n < 0: until ClearFailures). Failures queue behind earlier ones.
//
// A request meets the queues in a fixed order: its host's (FailHost),
// then, for a permalink, its post's (FailPost), then its account's
// (FailNext). It takes at most one failure from each queue and
// stops at the first that answers for it; a Slow that ran its course lets
// it go on to the next queue, then to its normal answer.
func (sb *Sandbox) FailHost(host int, n int, f Failure) {
	sb.host(host).failures.add(n, f)
}

// ClearFailures drops every queued failure, of hosts, accounts and posts
// alike.
func (sb *Sandbox) ClearFailures() {
	for _, h := range sb.hosts {
		h.failures.clear()
		for _, a := range h.accountList() {
			a.ClearFailures()
		}
	}
}

// Close stops every host, unblocks stalled handlers and waits for them.
func (sb *Sandbox) Close() error {
	sb.closeOnce.Do(func() {
		sb.mu.Lock()
		sb.closed = true
		sb.mu.Unlock()
		close(sb.done)
		var errs []error
		for _, h := range sb.hosts {
			if err := h.srv.Close(); err != nil {
				errs = append(errs, fmt.Errorf("sandbox: close host %d: %w", h.index, err))
			}
		}
		sb.serving.Wait()
		sb.mu.Lock()
		for sb.active > 0 {
			sb.idle.Wait()
		}
		errs = append(errs, sb.serveErr)
		sb.mu.Unlock()
		sb.closeErr = errors.Join(errs...)
	})
	return sb.closeErr
}

// enter admits a handler unless the sandbox is closing; leave must follow.
func (sb *Sandbox) enter() bool {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	if sb.closed {
		return false
	}
	sb.active++
	return true
}

func (sb *Sandbox) leave() {
	sb.mu.Lock()
	sb.active--
	if sb.active == 0 {
		sb.idle.Broadcast()
	}
	sb.mu.Unlock()
}
