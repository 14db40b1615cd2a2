package facebook

import (
	"strings"

	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/fetchtest"
	"github.com/takedownwatch/takedownwatch/internal/sandbox"
)

// answer is one canned answer.
type answer = fetchtest.Answer

// routes is a fetcher answering each URL from m (a Graph 100/33 for the
// rest), numbering captures from 1 and recording the requests.
func routes(m map[string]answer) *fetchtest.Routes {
	return &fetchtest.Routes{M: m, Default: answer{Code: 400, Body: `{"error":{"message":"Unsupported get request. Object with ID 'x' does not exist, cannot be loaded due to missing permissions, or does not support this operation.","type":"GraphMethodException","code":100,"error_subcode":33,"fbtrace_id":"A"}}`}}
}

// testToken is long enough for the archive's scrub (8 bytes at least).
const testToken = "EAAtesttoken0123456789"

// source is a facebook source of a sandbox account, with a token.
func source(a *sandbox.Account) *config.Source {
	return &config.Source{ID: a.Name() + "-fb", Actor: a.Name(), Platform: "facebook", URL: a.FacebookURL(),
		APIBase: a.GraphAPIBase(), Vantage: "direct", Token: testToken}
}

// noToken is the source without its token.
func noToken(src *config.Source) *config.Source {
	cp := *src
	cp.Token = ""
	return &cp
}

// leaks reports whether s holds the token.
func leaks(s string) bool { return strings.Contains(s, testToken) }
