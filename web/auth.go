package web

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/takedownwatch/takedownwatch/config"
)

// authorized checks the bearer token a request needs: the admin token for
// writes (unset: no write is ever allowed), the read token for reads when
// one is set. Health stays open so supervisors can probe a private
// deployment.
func (h *Handler) authorized(w http.ResponseWriter, r *http.Request) bool {
	write := r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodOptions
	switch {
	case write:
		if tokenMatches(r, h.o.AdminToken) {
			return true
		}
	case r.URL.Path == "/healthz":
		return true
	case h.o.ReadToken.Value() == "":
		return true
	case tokenMatches(r, h.o.ReadToken) || tokenMatches(r, h.o.AdminToken):
		return true
	}
	w.Header().Set("WWW-Authenticate", `Bearer realm="takedownwatch"`)
	jsonError(w, http.StatusUnauthorized, "a valid bearer token is required")
	return false
}

// tokenMatches compares in constant time; an unset token matches nothing.
func tokenMatches(r *http.Request, want config.Secret) bool {
	if want.Value() == "" {
		return false
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(want.Value())) == 1
}
