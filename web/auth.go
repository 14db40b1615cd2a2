package web

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/takedownwatch/takedownwatch/config"
)

// authorized checks the token a request needs: the admin token for writes
// (unset: no write is ever allowed), the read token for reads when one is
// set. Health stays open so supervisors can probe a private deployment.
//
// The admin token is taken as a bearer token only. The read token is also
// taken as the password of HTTP Basic, since most feed readers can send
// nothing else (user:password in the feed's URL); the admin token is kept
// out of that form so it never ends up in a reader's subscription list.
func (h *Handler) authorized(w http.ResponseWriter, r *http.Request) bool {
	write := r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodOptions
	switch {
	case write && !writable(r.URL.Path):
		// No token makes a feed, a page or a memento writable: a 401
		// would send the client looking for one.
		w.Header().Set("Allow", "GET, HEAD")
		jsonError(w, http.StatusMethodNotAllowed, "method not allowed")
		return false
	case write:
		if bearerMatches(r, h.o.AdminToken) {
			return true
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="takedownwatch"`)
		jsonError(w, http.StatusUnauthorized, "a valid bearer token is required")
		return false
	case r.URL.Path == "/healthz":
		return true
	case h.o.ReadToken.Value() == "":
		return true
	case bearerMatches(r, h.o.ReadToken) || bearerMatches(r, h.o.AdminToken) || basicMatches(r, h.o.ReadToken):
		return true
	}
	// Basic first: clients that heed only one challenge are mostly feed
	// readers and browsers, which know no other.
	w.Header().Add("WWW-Authenticate", `Basic realm="takedownwatch"`)
	w.Header().Add("WWW-Authenticate", `Bearer realm="takedownwatch"`)
	jsonError(w, http.StatusUnauthorized, "a valid token is required: a bearer token, or the password of HTTP Basic")
	return false
}

// writable says whether path takes writes (with the admin token): the
// report intake and the index rebuild; everything else is read-only.
func writable(path string) bool {
	return path == "/api/reports" || path == "/api/reindex"
}

// bearerMatches compares in constant time; an unset token matches nothing.
// The scheme's name is case-insensitive (RFC 9110, 11.1): "bearer" too.
func bearerMatches(r *http.Request, want config.Secret) bool {
	scheme, got, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	return ok && strings.EqualFold(scheme, "Bearer") && secretMatches(strings.TrimSpace(got), want)
}

// basicMatches takes the password of HTTP Basic, whatever the user name:
// readers need some name in the URL, and the token alone is the secret.
func basicMatches(r *http.Request, want config.Secret) bool {
	_, password, ok := r.BasicAuth()
	return ok && secretMatches(password, want)
}

// secretMatches compares in constant time; an unset secret matches nothing.
func secretMatches(got string, want config.Secret) bool {
	if want.Value() == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(want.Value())) == 1
}
