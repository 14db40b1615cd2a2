package store

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestSelection_Evidence: the captures of a selection are every kind of
// evidence of its posts, each once, in file order, and nothing of the
// posts left out.
func TestSelection_Evidence(t *testing.T) {
	s, _ := openTemp(t)
	defer s.Close()
	ctx := t.Context()
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	ids := map[string]int64{}
	err := s.Write(ctx, func(tx *Tx) error {
		must := func(err error) {
			if err != nil {
				t.Fatal(err)
			}
		}
		capture := func(name, url string, at time.Time, file string, offset int64, revisitOf string) {
			c := &Capture{URL: url, Kind: "permalink", At: at, Status: 200, RecordType: "response", WARCFile: file,
				WARCOffset: offset, WARCLength: 10, RevisitOf: ids[revisitOf]}
			if file == "" {
				c.Status, c.RecordType, c.Error = 0, "", "timeout"
			}
			if revisitOf != "" {
				c.RecordType = "revisit"
			}
			must(tx.InsertCapture(c))
			ids[name] = c.ID
		}
		must(tx.UpsertActor(Actor{ID: "opp", Name: "Opposition Party", Affiliation: "opposition"}))
		must(tx.UpsertActor(Actor{ID: "gov", Name: "Government", Affiliation: "government"}))
		must(tx.UpsertSource(Source{ID: "opp-feed", ActorID: "opp", Platform: "feed", URL: "https://opp.example/feed", Schedule: "@hourly"}))
		must(tx.UpsertSource(Source{ID: "gov-feed", ActorID: "gov", Platform: "feed", URL: "https://gov.example/feed", Schedule: "@hourly"}))

		capture("listing", "https://opp.example/feed", t0, "B.warc.gz", 100, "")
		capture("page", "https://opp.example/p/1", t0.Add(time.Hour), "A.warc.gz", 500, "")
		capture("image", "https://opp.example/img.jpg", t0.Add(time.Hour), "A.warc.gz", 300, "")
		capture("gone", "https://opp.example/p/1", t0.Add(3*time.Hour), "B.warc.gz", 900, "")
		capture("timeout", "https://opp.example/p/1", t0.Add(4*time.Hour), "", 0, "")
		capture("origfeed", "https://opp.example/feed2", t0, "A.warc.gz", 10, "")
		capture("revisit", "https://opp.example/feed2", t0.Add(2*time.Hour), "B.warc.gz", 50, "origfeed")
		capture("report", "https://moi.example/letter.pdf", t0, "C.warc.gz", 0, "")
		capture("other", "https://gov.example/p/9", t0, "A.warc.gz", 700, "")
		capture("unrelated", "https://gov.example/feed", t0, "A.warc.gz", 800, "")

		// A removed opposition post: its listing, permalink page and
		// image, the 404 and a failed check, a report naming it.
		p := &Post{Platform: "feed", PlatformID: "1", SourceID: "opp-feed", PostURL: "https://opp.example/p/1",
			CanonicalURL: "https://opp.example/p/1", FirstSeen: t0}
		must(tx.InsertPost(p))
		v := &Version{PostID: p.ID, Digest: "d1", Text: "We reject the new law.", FirstSeen: t0, LastSeen: t0, CaptureID: ids["listing"]}
		must(tx.AddVersion(v))
		must(tx.LinkMedia(v.ID, ids["image"]))
		p.State, p.Reason, p.CurrentVersion = StateRemoved, "deleted", v.ID
		must(tx.UpdatePost(p))
		must(tx.AddEvent(&Event{Type: EventRemoved, At: t0.Add(3 * time.Hour), PostID: p.ID, SourceID: "opp-feed", Reason: "deleted",
			Evidence: []int64{ids["gone"], ids["revisit"]}}))
		r := &Report{ID: "r1", Channel: "moi", ReceivedAt: t0, CaptureID: ids["report"], Fingerprint: "f1"}
		if _, err := tx.AddReport(r, func(u string) string { return u }); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.LinkReport("r1", p.ID, p.PostURL, t0); err != nil {
			t.Fatal(err)
		}
		// A live opposition post never checked, and a government post.
		q := &Post{Platform: "feed", PlatformID: "2", SourceID: "opp-feed", PostURL: "https://opp.example/p/2",
			CanonicalURL: "https://opp.example/p/2", FirstSeen: t0.Add(time.Minute)}
		must(tx.InsertPost(q))
		must(tx.AddVersion(&Version{PostID: q.ID, Digest: "d2", Text: "Join our rally.", FirstSeen: t0, LastSeen: t0, CaptureID: ids["listing"]}))
		g := &Post{Platform: "feed", PlatformID: "9", SourceID: "gov-feed", PostURL: "https://gov.example/p/9",
			CanonicalURL: "https://gov.example/p/9", FirstSeen: t0}
		must(tx.InsertPost(g))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	names := map[int64]string{}
	for n, id := range ids {
		names[id] = n
	}
	evidence := func(sel Selection) []string {
		var got []string
		err := s.EachEvidenceCapture(ctx, sel, func(c *Capture) error {
			got = append(got, names[c.ID])
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	removed := Selection{Filter: Filter{Actor: "opp"}, States: []string{StateRemoved}}
	if got, want := evidence(removed), []string{"origfeed", "image", "page", "revisit", "listing", "gone", "report"}; !reflect.DeepEqual(got, want) {
		t.Errorf("evidence of the removed post: %v, want %v (file order)", got, want)
	}
	if posts, caps, err := s.CountSelection(ctx, removed); err != nil || posts != 1 || caps != 7 {
		t.Errorf("count: %d posts, %d captures, %v; want 1, 7", posts, caps, err)
	}
	if got := evidence(Selection{Filter: Filter{Affiliation: "government"}}); !reflect.DeepEqual(got, []string{"other"}) {
		t.Errorf("evidence of the government post: %v", got)
	}
	if posts, caps, _ := s.CountSelection(ctx, Selection{Filter: Filter{Actor: "gov"}, States: []string{StateRemoved}}); posts != 0 || caps != 0 {
		t.Errorf("no removed government post, yet %d posts, %d captures", posts, caps)
	}
	if posts, _, _ := s.CountSelection(ctx, Selection{Filter: Filter{Since: t0.Add(time.Minute)}}); posts != 1 {
		t.Errorf("posts first seen since t0+1m: %d, want 1", posts)
	}

	var pages []string
	err = s.EachEvidencePage(ctx, Selection{Filter: Filter{Actor: "opp"}}, func(p *EvidencePage) error {
		pages = append(pages, fmt.Sprintf("%s %s listing=%v %q", names[p.Capture.ID], p.ActorName, p.Listing, p.Text))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`page Opposition Party listing=false "We reject the new law."`,
		`gone Opposition Party listing=false "We reject the new law."`,
		`listing Opposition Party listing=true "Join our rally."`,
	}
	if !reflect.DeepEqual(pages, want) {
		t.Errorf("pages:\n%s\nwant:\n%s", strings.Join(pages, "\n"), strings.Join(want, "\n"))
	}
}
