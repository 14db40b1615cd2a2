package reports

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func validReport() Report {
	return Report{
		ChannelID:  "MOI-1",
		Reporter:   "Ministry of Information",
		Channel:    "moi",
		FiledAt:    time.Date(2024, 3, 4, 2, 30, 0, 0, time.UTC),
		Kind:       KindGovernmentRequest,
		TargetURLs: []string{"https://www.facebook.com/598338556946671/posts/1416659045114614"},
	}
}

func TestReport_Validate(t *testing.T) {
	tests := []struct {
		name   string
		change func(r *Report)
		field  string // "" for valid
		err    error
	}{
		{"valid", func(*Report) {}, "", nil},
		{"no reporter", func(r *Report) { r.Reporter = "  " }, "reporter", ErrRequired},
		{"no filed_at", func(r *Report) { r.FiledAt = time.Time{} }, "filed_at", ErrRequired},
		{"no kind", func(r *Report) { r.Kind = "" }, "kind", ErrKind},
		{"unknown kind", func(r *Report) { r.Kind = "takedown" }, "kind", ErrKind},
		{"every kind", func(r *Report) { r.Kind = KindPlatformNotice }, "", nil},
		{"no targets", func(r *Report) { r.TargetURLs = nil }, "target_urls", ErrRequired},
		{"relative target", func(r *Report) { r.TargetURLs = append(r.TargetURLs, "/posts/1") }, "target_urls[1]", ErrNotURL},
		{"scheme-less target", func(r *Report) { r.TargetURLs = []string{"t.me/chan/1"} }, "target_urls[0]", ErrNotURL},
		{"ftp target", func(r *Report) { r.TargetURLs = []string{"ftp://example.org/x"} }, "target_urls[0]", ErrNotURL},
		{"words", func(r *Report) { r.TargetURLs = []string{"the post about the bridge"} }, "target_urls[0]", ErrNotURL},
		{"bad source_url", func(r *Report) { r.SourceURL = "letter.pdf" }, "source_url", ErrNotURL},
		{"http source_url", func(r *Report) { r.SourceURL = "http://gov.example/letter.pdf" }, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := validReport()
			tt.change(&r)
			err := r.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate() = %v; want nil", err)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field || !errors.Is(err, tt.err) {
				t.Fatalf("Validate() = %v; want a FieldError on %s wrapping %v", err, tt.field, tt.err)
			}
		})
	}
}

func TestReport_Normalize(t *testing.T) {
	r := Report{
		ChannelID: " 12 ", Reporter: " Ministry ", Kind: " Court_Order ",
		FiledAt: time.Date(2024, 3, 4, 9, 30, 0, 0, time.FixedZone("ICT", 7*3600)),
		TargetURLs: []string{
			" https://m.facebook.com/page/posts/1 ", "", "https://www.facebook.com/page/posts/1/?__tn__=R",
			"https://t.me/s/chan/5", "https://t.me/chan/5?single", "https://t.me/chan/6",
		},
	}
	r.Normalize()
	if r.ChannelID != "12" || r.Reporter != "Ministry" || r.Kind != KindCourtOrder {
		t.Errorf("fields = %q %q %q; want trimmed, kind lowercased", r.ChannelID, r.Reporter, r.Kind)
	}
	if got, want := r.FiledAt, time.Date(2024, 3, 4, 2, 30, 0, 0, time.UTC); got != want {
		t.Errorf("FiledAt = %v; want %v", got, want)
	}
	want := []string{"https://m.facebook.com/page/posts/1", "https://t.me/s/chan/5", "https://t.me/chan/6"}
	if !slices.Equal(r.TargetURLs, want) {
		t.Errorf("TargetURLs = %q; want %q (first form of each kept, as written)", r.TargetURLs, want)
	}
	empty := Report{}
	empty.Normalize()
	if empty.Kind != KindOther {
		t.Errorf("empty kind normalized to %q; want %q", empty.Kind, KindOther)
	}
}

func TestReport_Fingerprint(t *testing.T) {
	base := validReport()
	same := []struct {
		name   string
		change func(r *Report)
	}{
		{"other channel and id", func(r *Report) { r.Channel, r.ChannelID = "lumen", "38114512" }},
		{"other kind, notes, legal basis", func(r *Report) { r.Kind, r.Notes, r.LegalBasis = KindOther, "x", "y" }},
		{"reporter case and spaces", func(r *Report) { r.Reporter = " ministry  of INFORMATION" }},
		{"another zone", func(r *Report) { r.FiledAt = r.FiledAt.In(time.FixedZone("ICT", 7*3600)) }},
		{"sub-second", func(r *Report) { r.FiledAt = r.FiledAt.Add(400 * time.Millisecond) }},
		{"other URL form", func(r *Report) {
			r.TargetURLs = []string{"https://m.facebook.com/story.php?story_fbid=1416659045114614&id=598338556946671"}
		}},
		{"a form twice", func(r *Report) {
			r.TargetURLs = append(r.TargetURLs, "http://facebook.com/598338556946671/posts/1416659045114614/")
		}},
	}
	for _, tt := range same {
		r := validReport()
		tt.change(&r)
		if r.Fingerprint() != base.Fingerprint() {
			t.Errorf("%s: fingerprint changed", tt.name)
		}
	}
	differ := []struct {
		name   string
		change func(r *Report)
	}{
		{"reporter", func(r *Report) { r.Reporter = "Ministry of Interior" }},
		{"time", func(r *Report) { r.FiledAt = r.FiledAt.Add(time.Second) }},
		{"another target", func(r *Report) { r.TargetURLs = append(r.TargetURLs, "https://t.me/chan/1") }},
		{"other target", func(r *Report) { r.TargetURLs = []string{"https://t.me/chan/1"} }},
	}
	for _, tt := range differ {
		r := validReport()
		tt.change(&r)
		if r.Fingerprint() == base.Fingerprint() {
			t.Errorf("%s: fingerprint unchanged", tt.name)
		}
	}
	a := validReport()
	a.TargetURLs = []string{"https://t.me/a/1", "https://t.me/b/2"}
	b := validReport()
	b.TargetURLs = []string{"https://t.me/b/2", "https://t.me/a/1"}
	if a.Fingerprint() != b.Fingerprint() {
		t.Error("target order changed the fingerprint")
	}
	if n := len(base.Fingerprint()); n != 64 {
		t.Errorf("fingerprint has %d characters; want 64 (hex SHA-256)", n)
	}
}

func TestParseTime(t *testing.T) {
	utc := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, time.UTC) }
	tests := []struct {
		in   string
		want time.Time
		err  bool
	}{
		{"2024-03-04T09:30:00+07:00", utc(2024, 3, 4, 2, 30), false},
		{"2024-03-04T02:30:00Z", utc(2024, 3, 4, 2, 30), false},
		{"2024-03-04T02:30:00.000Z", utc(2024, 3, 4, 2, 30), false},
		{"2024-03-04T09:30:00+0700", utc(2024, 3, 4, 2, 30), false},
		{"2013-05-21 10:01:01 -04:00", time.Date(2013, 5, 21, 14, 1, 1, 0, time.UTC), false},
		{"2024-03-04", utc(2024, 3, 4, 0, 0), false},
		{"Mon, 04 Mar 2024 09:30:00 +0700", utc(2024, 3, 4, 2, 30), false},
		{"2024-03-04 09:30:00", time.Time{}, true},
		{"2024-03-04T09:30", time.Time{}, true},
		{"04/03/2024", time.Time{}, true},
		{"", time.Time{}, true},
	}
	for _, tt := range tests {
		got, err := parseTime(tt.in)
		if (err != nil) != tt.err || !got.Equal(tt.want) {
			t.Errorf("parseTime(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.err)
		}
	}
	if _, err := parseTime("2024-03-04 09:30:00"); !errors.Is(err, ErrNoZone) {
		t.Errorf("a time without a zone: %v; want ErrNoZone", err)
	}
}
