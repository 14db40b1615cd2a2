package feeds

import "testing"

func TestDetailWords(t *testing.T) {
	for in, want := range map[string]string{
		"410": "HTTP 410 Gone",
		"451 blocked-by https://authority.example/orders/1": "HTTP 451 Unavailable For Legal Reasons: blocked-by https://authority.example/orders/1",
		"absent from getPosts":                              "absent from getPosts",
		"999":                                               "999",
		"4100":                                              "4100",
		"":                                                  "",
		"Post not found":                                    "Post not found",
	} {
		if got := DetailWords(in); got != want {
			t.Errorf("DetailWords(%q) = %q, want %q", in, got, want)
		}
	}
}
