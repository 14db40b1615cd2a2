package sandbox

import (
	"fmt"
	"mime"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultListingLimit is how many posts an account's listings show at most
// until SetListingLimit changes it: the listing window.
const DefaultListingLimit = 20

// Account is one account on one host: the shared model every imitated
// platform renders. Its methods are safe for concurrent use with serving.
// Script methods panic on an unknown post id or a bad argument: those are
// bugs in the script, and a test should stop at the line that made them.
type Account struct {
	h        *host
	name     string
	failures failures
	postFail postFailures

	mu        sync.RWMutex
	posts     map[string]*post
	seq       int // publish order, to break ties between equal times
	nextID    int
	limit     int
	empty     bool
	suspended bool
	media     map[string]mediaFile
	metrics   map[string]int64
	created   time.Time
	// gen counts changes: a cached rendering is fresh only at the current
	// gen, so one change invalidates every page of the account in O(1).
	gen     uint64
	changed time.Time // clock time of the latest change

	home, rss, atom rendered
}

func newAccount(h *host, name string) *Account {
	now := h.sb.clock()
	return &Account{
		h:       h,
		name:    name,
		posts:   make(map[string]*post),
		nextID:  1,
		limit:   DefaultListingLimit,
		media:   make(map[string]mediaFile),
		metrics: make(map[string]int64),
		created: now,
		gen:     1,
		changed: now,
	}
}

// Name returns the account's name, its first path segment.
func (a *Account) Name() string { return a.name }

// Host returns the index of the account's host.
func (a *Account) Host() int { return a.h.index }

// HomeURL returns the account's HTML home page.
func (a *Account) HomeURL() string { return a.h.base + "/" + url.PathEscape(a.name) }

// FeedURL returns the account's RSS 2.0 feed.
func (a *Account) FeedURL() string { return a.HomeURL() + "/feed.rss" }

// AtomURL returns the account's Atom 1.0 feed.
func (a *Account) AtomURL() string { return a.HomeURL() + "/feed.atom" }

// PostURL returns the permalink of post id, published or not.
func (a *Account) PostURL(id string) string { return a.HomeURL() + "/posts/" + url.PathEscape(id) }

// MediaURL returns the URL of a media file of the account.
func (a *Account) MediaURL(file string) string {
	return a.HomeURL() + "/media/" + url.PathEscape(file)
}

// change runs fn under the write lock, marks every rendering stale and
// logs the Action fn returns, stamped with the same clock reading fn got.
// Logging under the lock keeps the log in the order changes took effect.
func (a *Account) change(fn func(now time.Time) Action) {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.h.sb.clock()
	act := fn(now)
	a.gen++
	a.changed = now
	act.At, act.Host, act.Account = now, a.h.index, a.name
	a.h.sb.actions.add(act)
}

// Suspend makes the home page, feeds, permalinks and media answer 410.
func (a *Account) Suspend() {
	a.change(func(time.Time) Action {
		a.suspended = true
		return Action{Kind: Suspended}
	})
}

// Unsuspend undoes Suspend; posts keep the states they had.
func (a *Account) Unsuspend() {
	a.change(func(time.Time) Action {
		a.suspended = false
		return Action{Kind: Unsuspended}
	})
}

// SetListingLimit sets the listing window: feeds and the home page show at
// most n posts, newest first (n <= 0: every live post).
func (a *Account) SetListingLimit(n int) {
	a.change(func(time.Time) Action {
		a.limit = n
		return Action{Kind: ListingLimit, Detail: strconv.Itoa(n)}
	})
}

// EmptyListing makes feeds and the home page valid but without posts, as a
// platform does when its listing misbehaves; permalinks are unaffected.
func (a *Account) EmptyListing(on bool) {
	a.change(func(time.Time) Action {
		a.empty = on
		return Action{Kind: EmptyListing, Detail: onOff(on)}
	})
}

// SetMedia makes file servable at MediaURL(file): size deterministic bytes
// (see MediaBytes) of contentType. Posts naming file get its size and type
// in their enclosures.
func (a *Account) SetMedia(file string, size int, contentType string) {
	if file == "" || strings.ContainsAny(file, "/?#") || size < 0 {
		panic(fmt.Sprintf("sandbox: bad media file %q of size %d", file, size))
	}
	a.change(func(now time.Time) Action {
		a.media[file] = mediaFile{size: size, contentType: contentType, modified: now}
		return Action{Kind: MediaSet, Detail: file}
	})
}

// FailNext makes the next n requests to the account's paths fail with f
// (n < 0: until ClearFailures). Failures queue behind earlier ones; see
// FailHost for how the queues of hosts, posts and accounts combine.
func (a *Account) FailNext(n int, f Failure) { a.failures.add(n, f) }

// FailPost makes the next n requests for post id's permalink fail with f
// (n < 0: until ClearFailures), whatever the post's state; other paths of
// the account are unaffected. Failures queue behind earlier ones of the
// same post; see FailHost for how they combine with the others. The queue
// belongs to the id, so it survives a Publish that replaces the post.
func (a *Account) FailPost(id string, n int, f Failure) {
	a.mu.RLock()
	_, ok := a.posts[id]
	a.mu.RUnlock()
	if !ok {
		panic(fmt.Sprintf("sandbox: account %q has no post %q", a.name, id))
	}
	a.postFail.add(id, n, f)
}

// ClearFailures drops the queued failures of the account and its posts.
func (a *Account) ClearFailures() {
	a.failures.clear()
	a.postFail.clear()
}

// listing returns the posts a listing shows, newest first. Caller holds mu.
func (a *Account) listing() []*post {
	if a.empty {
		return nil
	}
	var list []*post
	for _, p := range a.posts {
		if p.state == stateLive && !p.hidden {
			list = append(list, p)
		}
	}
	sort.Slice(list, func(i, j int) bool {
		if !list[i].Published.Equal(list[j].Published) {
			return list[i].Published.After(list[j].Published)
		}
		return list[i].seq > list[j].seq
	})
	if a.limit > 0 && len(list) > a.limit {
		list = list[:a.limit]
	}
	return list
}

// enclosure is one media item of a post as listings and pages show it.
type enclosure struct {
	url, contentType string
	size             int
}

// enclosures resolves a post's media: a bare file name is the account's own
// media, anything with a scheme is taken as it is. Caller holds mu.
func (a *Account) enclosures(p *post) []enclosure {
	var out []enclosure
	for _, m := range p.Media {
		if strings.Contains(m, "://") {
			out = append(out, enclosure{url: m, contentType: typeByName(m)})
			continue
		}
		e := enclosure{url: a.MediaURL(m), contentType: typeByName(m)}
		if f, ok := a.media[m]; ok {
			e.size = f.size
			if f.contentType != "" {
				e.contentType = f.contentType
			}
		}
		out = append(out, e)
	}
	return out
}

func typeByName(name string) string {
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// tagURI is an Atom id that survives restarts: it names the host by index,
// not by its kernel-chosen port.
func (a *Account) tagURI(rest string) string {
	return fmt.Sprintf("tag:sandbox.invalid,2026:host%d/%s%s", a.h.index, url.PathEscape(a.name), rest)
}
