package warc

import (
	"bytes"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Redacted replaces every secret the archive refuses to keep.
const Redacted = "REDACTED"

// sensitiveHeaders carry credentials on requests we send; the archive keeps
// that the header was there, not its value.
var sensitiveHeaders = []string{
	"Authorization", "Proxy-Authorization", "Cookie", "X-Api-Key", "X-Auth-Token",
	"X-Authentication-Token", // Lumen's API
}

// sensitiveParams are query parameters that carry credentials, on our
// requests and in URLs platforms echo back (Graph paging links carry
// access_token).
var sensitiveParams = map[string]bool{
	"access_token": true, "token": true, "api_key": true, "apikey": true,
	"key": true, "auth": true, "password": true, "passwd": true,
	"client_secret": true, "secret": true, "signature": true, "sig": true,
}

// minSecretLen keeps short values (which would match ordinary text) out of
// the body scrub; real tokens are far longer.
const minSecretLen = 8

// Redactor removes credentials from everything written to a WARC record:
// known secret values anywhere, credential headers, and token parameters.
type Redactor struct {
	secrets [][]byte
}

// NewRedactor returns a Redactor that also scrubs the given secret values
// wherever they occur (URLs, headers, bodies).
func NewRedactor(secrets ...string) *Redactor {
	r := &Redactor{}
	for _, s := range secrets {
		if len(s) >= minSecretLen {
			r.secrets = append(r.secrets, []byte(s))
		}
	}
	return r
}

func isSensitiveParam(name string) bool {
	n := strings.ToLower(name)
	return sensitiveParams[n] || strings.HasSuffix(n, "_token") || strings.HasSuffix(n, "token")
}

// URL returns u with credential parameters and user info replaced.
func (r *Redactor) URL(u string) string {
	out := r.String(u)
	p, err := url.Parse(out)
	if err != nil {
		return out
	}
	changed := false
	if p.User != nil {
		p.User = url.User(Redacted)
		changed = true
	}
	if p.RawQuery != "" {
		parts := strings.Split(p.RawQuery, "&")
		for i, part := range parts {
			name, _, hasValue := strings.Cut(part, "=")
			if dn, err := url.QueryUnescape(name); err == nil {
				name = dn
			}
			if hasValue && isSensitiveParam(name) {
				k, _, _ := strings.Cut(part, "=")
				parts[i] = k + "=" + Redacted
				changed = true
			}
		}
		p.RawQuery = strings.Join(parts, "&")
	}
	if !changed {
		return out
	}
	return p.String()
}

// Header returns a copy of h with credentials replaced.
func (r *Redactor) Header(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		cp := make([]string, len(vs))
		for i, v := range vs {
			cp[i] = r.String(v)
		}
		out[k] = cp
	}
	for _, k := range sensitiveHeaders {
		if vs, ok := out[k]; ok {
			for i := range vs {
				vs[i] = Redacted
			}
		}
	}
	for _, k := range []string{"Location", "Content-Location", "Link"} {
		if vs, ok := out[k]; ok {
			for i, v := range vs {
				vs[i] = r.linkish(v)
			}
		}
	}
	return out
}

// linkish redacts URLs inside header values such as Link: <…>; rel=next.
func (r *Redactor) linkish(v string) string {
	if !strings.Contains(v, "<") {
		return r.URL(v)
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(v, '<')
		if i < 0 {
			b.WriteString(v)
			return b.String()
		}
		j := strings.IndexByte(v[i:], '>')
		if j < 0 {
			b.WriteString(v)
			return b.String()
		}
		b.WriteString(v[:i+1])
		b.WriteString(r.URL(v[i+1 : i+j]))
		b.WriteByte('>')
		v = v[i+j+1:]
	}
}

// Sent is r scrubbing only the secrets that a request sent, in its URL
// or its header's values, which its answer may echo (a Graph paging link
// carries the token it was asked with). An answer to a request that carried no secret
// is kept as received: scrubbing every secret from every answer told a
// watched source, which can read its archived answers at /captures, which
// of the values it served was a token.
func (r *Redactor) Sent(rawURL string, h http.Header) *Redactor {
	out := &Redactor{}
	for _, sec := range r.secrets {
		if strings.Contains(rawURL, string(sec)) {
			out.secrets = append(out.secrets, sec)
			continue
		}
		for _, vs := range h {
			if slices.ContainsFunc(vs, func(v string) bool { return strings.Contains(v, string(sec)) }) {
				out.secrets = append(out.secrets, sec)
				break
			}
		}
	}
	return out
}

// String scrubs known secret values from s.
func (r *Redactor) String(s string) string {
	for _, sec := range r.secrets {
		if strings.Contains(s, string(sec)) {
			s = strings.ReplaceAll(s, string(sec), Redacted)
		}
	}
	return s
}

// Bytes scrubs known secret values from b; b itself is left untouched.
func (r *Redactor) Bytes(b []byte) []byte {
	for _, sec := range r.secrets {
		if bytes.Contains(b, sec) {
			b = bytes.ReplaceAll(b, sec, []byte(Redacted))
		}
	}
	return b
}
