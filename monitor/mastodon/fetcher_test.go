package mastodon

import "github.com/takedownwatch/takedownwatch/internal/fetchtest"

// answer is one canned API answer.
type answer = fetchtest.Answer

// routes is a fetcher answering each URL from m (Mastodon's 404 for the
// rest) as JSON, numbering captures from 1 and recording the requests.
func routes(m map[string]answer) *fetchtest.Routes {
	return &fetchtest.Routes{M: m, Default: answer{Code: 404, Body: `{"error":"Record not found"}`},
		ContentType: "application/json; charset=utf-8"}
}
