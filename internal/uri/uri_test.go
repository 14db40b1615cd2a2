package uri

import "testing"

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"https://a.example/p?q=1&r=b;c,d":                "https://a.example/p?q=1&r=b;c,d",
		`/p a?x="><y z='1'>"&k=v|w`:                      `/p%20a?x=%22%3E%3Cy%20z='1'%3E%22&k=v%7Cw`,
		"q=%E1%9E%80":                                    "q=%E1%9E%80",
		"ក\t^`{}\\\x7f":                                  "ក%09%5E%60%7B%7D%5C%7F",
		`https://x/a>;rel="first memento",<http://evil/`: `https://x/a%3E;rel=%22first%20memento%22,%3Chttp://evil/`,
		"": "",
	} {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
		if NeedsEscape(in) != (in != want) {
			t.Errorf("NeedsEscape(%q) = %v", in, NeedsEscape(in))
		}
	}
}
