package feeds

import (
	"strings"
	"testing"

	"github.com/takedownwatch/takedownwatch/archive/store"
)

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

func TestFirstWords(t *testing.T) {
	// 30 Khmer clusters written without spaces, as Khmer is: 90 runes.
	khmer := strings.Repeat("ក្រសួ", 18) // ក ្ រ ស ួ: two clusters in five runes
	tests := []struct {
		name, in, want string
	}{
		{"short", "Statement  on\nvote", "Statement on vote"},
		{"words", "one two three four five", "one two three…"},
		{"empty", " \n ", ""},
		// 90 runes fit; 91 do not, and the cut (89 runes and the ellipsis) must
		// not leave ក្ without its រ, or ស without its ួ.
		{"khmer fits", khmer, khmer},
		{"khmer cut between clusters", khmer + "ង", strings.Repeat("ក្រសួ", 17) + "ក្រ…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := firstWords(tt.in, 3, 90); got != tt.want {
				t.Errorf("firstWords(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSearchTitle(t *testing.T) {
	tests := []struct {
		q      string
		states []string
		want   string
	}{
		{"rally", nil, `takedownwatch: search "rally"`},
		{`say "no"`, []string{"removed"}, `takedownwatch: search "say \"no\"" (removed)`},
		{"", []string{"removed", "restricted"}, "takedownwatch: every post (removed, restricted)"},
		{"", nil, "takedownwatch: every post"},
	}
	for _, tt := range tests {
		if got := searchTitle(tt.q, tt.states); got != tt.want {
			t.Errorf("searchTitle(%q, %v) = %q, want %q", tt.q, tt.states, got, tt.want)
		}
	}
}

func TestDetailFact(t *testing.T) {
	tests := []struct {
		typ, detail, want string
	}{
		{store.EventRemoved, "451", "The platform's answer: HTTP 451 Unavailable For Legal Reasons"},
		{store.EventAccountGone, "suspended", "The platform's answer: suspended"},
		{store.EventReported, "Ministry of Information (court order)", "Reported by: Ministry of Information (court order)"},
		{store.EventRestored, "withheld_legal", "Had been: withheld for legal reasons"},
		{store.EventEdited, "", ""},
	}
	for _, tt := range tests {
		e := Entry{EventRow: &store.EventRow{}}
		e.Type, e.Detail = tt.typ, tt.detail
		if got := detailFact(e); got != tt.want {
			t.Errorf("detailFact(%s, %q) = %q, want %q", tt.typ, tt.detail, got, tt.want)
		}
	}
}
