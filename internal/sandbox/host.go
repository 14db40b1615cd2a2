package sandbox

import (
	"fmt"
	"log"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
)

// host is one loopback server with its own accounts, failures and counters.
type host struct {
	sb    *Sandbox
	index int
	addr  string // 127.0.0.N:port
	base  string // http://127.0.0.N:port
	ln    net.Listener
	srv   *http.Server
	mux   *http.ServeMux

	failures failures
	stats    hostStats

	mu       sync.RWMutex
	accounts map[string]*Account
}

func newHost(sb *Sandbox, index int, ln net.Listener, errorLog *log.Logger) *host {
	h := &host{
		sb:       sb,
		index:    index,
		addr:     ln.Addr().String(),
		ln:       ln,
		accounts: make(map[string]*Account),
	}
	h.base = "http://" + h.addr
	h.mux = h.routes()
	h.srv = &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		ErrorLog:          errorLog,
	}
	return h
}

// routes builds the host's router. Every imitated platform registers its
// patterns from its own file, over the shared account and post model; a new
// platform adds one line here.
func (h *host) routes() *http.ServeMux {
	mux := http.NewServeMux()
	h.webRoutes(mux)
	h.feedRoutes(mux)
	h.mediaRoutes(mux)
	h.telegramRoutes(mux)
	h.mastodonRoutes(mux)
	h.pressRoutes(mux)
	h.blueskyRoutes(mux)
	h.graphRoutes(mux)
	return mux
}

// ServeHTTP counts the request, applies host failures, then routes it.
func (h *host) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !h.sb.enter() {
		http.Error(w, "sandbox closing", http.StatusServiceUnavailable)
		return
	}
	defer h.sb.leave()
	epoch := h.stats.arrive(r, h.sb.seq.Add(1))
	defer h.stats.depart(epoch)
	if f, ok := h.failures.next(); ok && h.sb.fail(w, r, f) {
		return
	}
	h.mux.ServeHTTP(w, r)
}

// withAccount resolves the {name} wildcard and applies the account's
// failures before the platform handler sees the request.
func (h *host) withAccount(next func(http.ResponseWriter, *http.Request, *Account)) http.HandlerFunc {
	return h.accountHandler(false, next)
}

// withPost is withAccount for a post's permalink, whose pattern has an
// {id} wildcard: the post's failures come before the account's.
func (h *host) withPost(next func(http.ResponseWriter, *http.Request, *Account)) http.HandlerFunc {
	return h.accountHandler(true, next)
}

func (h *host) accountHandler(permalink bool, next func(http.ResponseWriter, *http.Request, *Account)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a := h.account(r.PathValue("name"))
		if a == nil {
			notFound(w)
			return
		}
		if permalink {
			if f, ok := a.postFail.next(r.PathValue("id")); ok && h.sb.fail(w, r, f) {
				return
			}
		}
		if f, ok := a.failures.next(); ok && h.sb.fail(w, r, f) {
			return
		}
		next(w, r, a)
	}
}

func (h *host) account(name string) *Account {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.accounts[name]
}

func (h *host) accountList() []*Account {
	h.mu.RLock()
	list := make([]*Account, 0, len(h.accounts))
	for _, a := range h.accounts {
		list = append(list, a)
	}
	h.mu.RUnlock()
	sort.Slice(list, func(i, j int) bool { return list[i].name < list[j].name })
	return list
}

// reservedNames are top-level paths a platform owns; an account of that
// name would be shadowed by them.
var reservedNames = map[string]bool{"login": true}

func (h *host) addAccount(name string) *Account {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/?#") || reservedNames[name] {
		panic(fmt.Sprintf("sandbox: bad account name %q", name))
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if a, ok := h.accounts[name]; ok {
		return a
	}
	a := newAccount(h, name)
	h.accounts[name] = a
	return a
}
