package web

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/archive"
	"github.com/takedownwatch/takedownwatch/archive/store"
)

// A damaged record is answered as damage (what, where, and that verify
// lists it), not as an internal error, and its raw bytes are not handed
// out as if intact.
func TestCapture_DamagedRecord(t *testing.T) {
	e := newEvidence(t, Options{})
	c := e.firstCap
	path := filepath.Join(e.a.WARCDir(), c.WARCFile)
	if _, err := os.Stat(path); err != nil {
		path += ".open" // the writer still has it
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 1)
	at := c.WARCOffset + c.WARCLength/2
	if _, err := f.ReadAt(b, at); err != nil {
		t.Fatal(err)
	}
	b[0] ^= 0xff
	if _, err := f.WriteAt(b, at); err != nil {
		t.Fatal(err)
	}
	f.Close()

	get := func(path string) (int, http.Header, string) {
		t.Helper()
		resp, err := http.Get(e.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, string(body)
	}
	id := fmt.Sprint(c.ID)
	for _, p := range []string{"/captures/" + id, "/captures/" + id + ".warc"} {
		code, _, body := get(p)
		if code != http.StatusInternalServerError || !strings.Contains(body, "is damaged") ||
			!strings.Contains(body, c.WARCFile) || !strings.Contains(body, "takedownwatch verify") {
			t.Errorf("%s: %d %s", p, code, body)
		}
	}
	code, h, body := get("/captures/" + id + ".warc?damaged=1")
	if code != http.StatusOK || h.Get("X-Archive-Fixity") != "failed" || int64(len(body)) != c.WARCLength {
		t.Errorf("?damaged=1: %d, fixity %q, %d bytes (record %d)", code, h.Get("X-Archive-Fixity"), len(body), c.WARCLength)
	}
	// a revisit of the damaged record says so, naming the record it
	// revisits, not its own
	rv := fmt.Sprint(c.ID + 1)
	if code, _, body := get("/captures/" + rv); code != http.StatusInternalServerError ||
		!strings.Contains(body, "the record it revisits") || !strings.Contains(body, fmt.Sprintf("capture %d:", c.ID)) {
		t.Errorf("the revisit of a damaged record: %d %s", code, body)
	}
	// the other captures still read
	if code, _, _ := get(fmt.Sprintf("/captures/%d", e.goneCap.ID)); code != http.StatusOK {
		t.Errorf("an intact capture beside the damaged one: %d", code)
	}
}

// A document archived as itself (a report posted to the API) shows its
// body and content type, and downloads as its bytes: it is no HTTP
// exchange ("HTTP 0" and nothing, before).
func TestCapture_ResourceRecord(t *testing.T) {
	e := newEvidence(t, Options{})
	doc := `{"reporter": "Ministry", "notes": "ការរាយការណ៍"}`
	c, err := e.a.RecordResource(t.Context(), "urn:takedownwatch:report:r1", "application/json", []byte(doc), archive.Meta{Kind: "report"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ path, want string }{
		{fmt.Sprintf("/captures/%d", c.ID), "\nContent-Type: application/json\n\n" + doc},
		{fmt.Sprintf("/captures/%d?download=1", c.ID), doc},
	} {
		resp, err := http.Get(e.srv.URL + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.HasSuffix(string(b), tt.want) || strings.Contains(string(b), "HTTP 0") {
			t.Errorf("%s: %d\n%s", tt.path, resp.StatusCode, b)
		}
	}
}

// A post's page is titled by its first words (tabs of several posts were
// all "… — post"); a restored post's event says the reason it had been
// gone for, and a reported one who reported it, in words; the front page's
// latest changes include reports.
func TestPostPage_WordsForReaders(t *testing.T) {
	e := newEvidence(t, Options{})
	if err := e.a.Store.Write(t.Context(), func(tx *store.Tx) error {
		if err := tx.AddEvent(&store.Event{Type: store.EventRestored, At: e.t0.Add(6 * time.Hour), PostID: e.postID, SourceID: "opp-site", Detail: "withheld_legal"}); err != nil {
			return err
		}
		return tx.AddEvent(&store.Event{Type: store.EventReported, At: e.t0.Add(7 * time.Hour), PostID: e.postID, SourceID: "opp-site", Detail: "Ministry of Information"})
	}); err != nil {
		t.Fatal(err)
	}
	post := httpGet(t, e.srv.URL+"/posts/"+e.postID, 200)
	for _, want := range []string{"— We call for a peaceful rally — takedownwatch</title>", "had been withheld for legal reasons", "by Ministry of Information"} {
		if !strings.Contains(post, want) {
			t.Errorf("post page lacks %q", want)
		}
	}
	if home := httpGet(t, e.srv.URL+"/", 200); !strings.Contains(home, ">reported<") {
		t.Errorf("the latest changes leave the report out:\n%s", home)
	}
}

// Khmer text is marked lang="km" (the page is lang="en"), so a browser
// picks a Khmer font and a screen reader a Khmer voice.
func TestPostPage_KhmerTextMarked(t *testing.T) {
	e := newEvidence(t, Options{})
	if err := e.a.Store.Write(t.Context(), func(tx *store.Tx) error {
		return tx.AddVersion(&store.Version{PostID: e.postID, Digest: "km", Text: "រាជរដ្ឋាភិបាលកម្ពុជា", FirstSeen: e.t0.Add(8 * time.Hour), LastSeen: e.t0.Add(8 * time.Hour)})
	}); err != nil {
		t.Fatal(err)
	}
	post := httpGet(t, e.srv.URL+"/posts/"+e.postID, 200)
	if !strings.Contains(post, `<div class="text" lang="km">រាជរដ្ឋាភិបាលកម្ពុជា</div>`) || strings.Count(post, `lang="km"`) != 1 {
		t.Errorf("Khmer text not marked, or English marked too:\n%s", post)
	}
}

// A hit on an older version says so: "version 1 of 2" on the page,
// "versions" beside "version" in the JSON.
func TestSearch_HitSaysWhichVersion(t *testing.T) {
	e := newEvidence(t, Options{})
	e.srv.Config.Handler = New(Options{Store: e.a.Store, WARCDir: e.a.WARCDir(), Search: fakeSearch{ids: []string{e.postID}}})
	if page := httpGet(t, e.srv.URL+"/?q=rally", 200); !strings.Contains(page, "version 1 of 2") {
		t.Errorf("the hit does not say it is the older of two versions:\n%s", page)
	}
	if js := httpGet(t, e.srv.URL+"/api/search?q=rally", 200); !strings.Contains(js, `"version":1,"versions":2`) {
		t.Errorf("JSON: %s", js)
	}
}
