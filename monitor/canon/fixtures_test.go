package canon

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/takedownwatch/takedownwatch/internal/testtool"
)

// readURLColumn reads the url column of a minet CSV (see the folder's
// SOURCES.md: medialab/minet ftest/resources).
func readURLColumn(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(rows) < 2 || rows[0][0] != "url" {
		t.Fatalf("%s: want a url column and rows, got %d rows", path, len(rows))
	}
	var urls []string
	for _, r := range rows[1:] {
		urls = append(urls, r[0])
	}
	return urls
}

// Every URL form minet tests its Facebook URL parser with: canonicalized
// without panic into a fixed point, https, on a canonical Facebook host.
func TestURL_MinetFixtures(t *testing.T) {
	dir := filepath.Join(testtool.Fixtures(t, "facebook"), "html")
	for _, name := range []string{"minet_fburls_url_forms.csv", "minet_fbpost_problematic_links_dead.csv"} {
		for i, in := range readURLColumn(t, filepath.Join(dir, name)) {
			got := URL(in)
			if again := URL(got); again != got {
				t.Errorf("%s row %d: URL(%q) = %q, but URL of that is %q", name, i+2, in, got, again)
			}
			if !strings.HasPrefix(got, "https://") {
				t.Errorf("%s row %d: URL(%q) = %q, not https", name, i+2, in, got)
			}
			if strings.Contains(in, "facebook.com") && !strings.HasPrefix(got, "https://facebook.com") {
				t.Errorf("%s row %d: URL(%q) = %q, not on facebook.com", name, i+2, in, got)
			}
			if strings.ContainsAny(got, "#") || strings.Contains(got, "__tn__") || strings.Contains(got, "amp;") {
				t.Errorf("%s row %d: URL(%q) = %q keeps a fragment, tracking or an escaped &", name, i+2, in, got)
			}
			p, id, ok := Key(in)
			if p2, id2, ok2 := Key(got); p != p2 || id != id2 || ok != ok2 {
				t.Errorf("%s row %d: Key(%q) = %q %q %v, but Key(%q) = %q %q %v", name, i+2, in, p, id, ok, got, p2, id2, ok2)
			}
		}
	}
}

// What the forms of minet's fburls.csv name, row by row (row 1 is the
// header): the post forms have a key, pages and profiles none.
func TestKey_MinetFixtures(t *testing.T) {
	urls := readURLColumn(t, filepath.Join(testtool.Fixtures(t, "facebook"), "html", "minet_fburls_url_forms.csv"))
	want := map[int]string{ // row → id; rows not listed have no key
		2: "10158819522801830", 3: "10158544709064277", 4: "10159642882554739",
		5: "1321595254873308", 6: "3725489204159777", 7: "3586872241411061",
		8: "524959150913285", 22: "428202057564823", 23: "1354978971282622",
		24: "235340200705144", 25: "1416659045114614", 27: "1786992671454427",
		29: "5477353885670191", 30: "3706618546072727", 31: "10157313353192931",
		32: "311658803718223", 33: "311658803718223", 34: "10222721681573727",
		35: "4191267614222491", 36: "10222721681573727", 37: "4406607732735318",
		38: "524959150913285", 39: "157864073831", 40: "1454919154621936",
	}
	for i, in := range urls {
		row := i + 2
		p, id, ok := Key(in)
		if w, post := want[row]; post {
			if !ok || p != Facebook || id != w {
				t.Errorf("row %d: Key(%q) = %q, %q, %v; want facebook, %q", row, in, p, id, ok, w)
			}
		} else if ok {
			t.Errorf("row %d: Key(%q) = %q, %q; want no key", row, in, p, id)
		}
	}
}
