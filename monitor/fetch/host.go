package fetch

import (
	"context"
	"sync"
	"time"
)

// hosts holds the politeness state of every host fetched so far. Entries
// are never dropped: one per host the daemon watches is small.
type hosts struct {
	concurrency int
	m           sync.Map // host:port → *host
}

func (hs *hosts) get(key string) *host {
	if h, ok := hs.m.Load(key); ok {
		return h.(*host)
	}
	h, _ := hs.m.LoadOrStore(key, &host{key: key, slots: make(chan struct{}, hs.concurrency)})
	return h.(*host)
}

// host is one host's politeness: a semaphore bounds requests in flight,
// and a request starts no sooner than an interval after the host began to
// answer the one admitted before it (or after that one failed).
//
// Counting from the answer rather than from the send is what makes the
// spacing hold where it matters, at the host: the host saw the previous
// request before it answered, whatever delayed that request on the way
// (a dial, the scheduler, the network), while two sends an interval apart
// can arrive closer than that. It also slows down for a host that is slow
// to answer. Bodies still stream concurrently, up to the slot limit.
type host struct {
	key   string
	slots chan struct{}

	mu         sync.Mutex
	prev       *turn     // the latest request admitted
	retryUntil time.Time // no start before this: the host's Retry-After
}

// turn is one request's place in its host's spacing: the next request
// waits on it alone, so admission is O(1) however many wait.
type turn struct {
	once sync.Once
	done chan struct{} // closed once the fields below are set
	at   time.Time     // when the host began to answer, or the request ended
	// skipped: the request gave its turn up without being sent, and the
	// next one counts from prev instead (nil: from nothing).
	skipped bool
	prev    *turn
}

// answered records when the host began to answer (or the request gave up);
// only the first call counts. A nil turn (no spacing) ignores it.
func (t *turn) answered(at time.Time) {
	if t == nil {
		return
	}
	t.once.Do(func() {
		t.at = at
		close(t.done)
	})
}

// giveUp hands the turn, unused, to from: the request it was counting from.
func (t *turn) giveUp(from *turn) {
	if t == nil {
		return
	}
	t.once.Do(func() {
		t.skipped, t.prev = true, from
		close(t.done)
	})
}

// acquire waits until a request may start on h: a free slot, the interval
// after the previous request's answer, and the host's Retry-After. A Retry-After wait
// beyond maxWait or ctx's deadline fails at once with *RetryAfterError.
// After a nil error the caller must report the answer on the turn and
// call release.
func (h *host) acquire(ctx context.Context, interval, maxWait time.Duration) (*turn, error) {
	h.mu.Lock()
	err := h.waitTooLong(ctx, time.Now(), maxWait)
	h.mu.Unlock()
	if err != nil {
		return nil, err
	}
	select {
	case h.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	t, err := h.awaitTurn(ctx, interval, maxWait)
	if err != nil {
		h.release()
		return nil, err
	}
	return t, nil
}

func (h *host) release() { <-h.slots }

// awaitTurn is acquire's spacing, run while holding a slot, so that only
// requests about to start wait in the chain of turns.
func (h *host) awaitTurn(ctx context.Context, interval, maxWait time.Duration) (*turn, error) {
	var t, from *turn
	if interval > 0 {
		t = &turn{done: make(chan struct{})}
		h.mu.Lock()
		from, h.prev = h.prev, t
		h.mu.Unlock()
	}
	var after time.Time // earliest start the spacing allows
	for from != nil {
		select {
		case <-from.done:
		case <-ctx.Done():
			t.giveUp(from)
			return nil, ctx.Err()
		}
		if !from.skipped {
			after = from.at.Add(interval)
			break
		}
		from = from.prev
	}
	for {
		// Retry-After may grow while this request sleeps: an answer in
		// flight can bring a 429.
		h.mu.Lock()
		now := time.Now()
		err := h.waitTooLong(ctx, now, maxWait)
		until := latest(after, h.retryUntil)
		h.mu.Unlock()
		if err == nil && !now.Before(until) {
			return t, nil
		}
		if err == nil {
			err = sleepUntil(ctx, until)
		}
		if err != nil {
			t.giveUp(from)
			return nil, err
		}
	}
}

// retryAfter keeps the host's request to wait until t (real clock).
func (h *host) retryAfter(t time.Time) {
	h.mu.Lock()
	if t.After(h.retryUntil) {
		h.retryUntil = t
	}
	h.mu.Unlock()
}

// waitTooLong fails when the host's Retry-After outlasts what the caller
// can wait. Caller holds mu.
func (h *host) waitTooLong(ctx context.Context, now time.Time, maxWait time.Duration) error {
	if !h.retryUntil.After(now) {
		return nil
	}
	wait := h.retryUntil.Sub(now)
	deadline, ok := ctx.Deadline()
	if wait > maxWait || ok && deadline.Before(h.retryUntil) {
		return &RetryAfterError{Host: h.key, Until: h.retryUntil.Round(0), Wait: wait}
	}
	return nil
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func sleepUntil(ctx context.Context, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
