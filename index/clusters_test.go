package index

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/analysis"
	"golang.org/x/text/encoding/charmap"

	"github.com/takedownwatch/takedownwatch/internal/testtool"
)

func TestClusters(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"ធនាគារ", []string{"ធ", "នា", "គា", "រ"}},
		{"ក្រុមហ៊ុន", []string{"ក្រុ", "ម", "ហ៊ុ", "ន"}},
		{"ស្ត្រី", []string{"ស្ត្រី"}},               // two subscripts
		{"បេ្តជ្ញា", []string{"បេ្ត", "ជ្ញា"}},       // vowel typed before the subscript
		{"ក​ខ", []string{"ក", "ខ"}},                  // U+200B
		{"ការ។ ការ", []string{"កា", "រ", "កា", "រ"}}, // punctuation
		{"CIMB និង", []string{"និ", "ង"}},            // Latin dropped
		{"១៣០", []string{"១", "៣", "០"}},             // digits
		{"ាក", []string{"ា", "ក"}},                   // a sign without base
		// Thai: signs after, above and below join; a leading vowel takes its consonant
		{"รัฐบาล", []string{"รั", "ฐ", "บา", "ล"}},
		{"เลือกตั้ง", []string{"เลื", "อ", "ก", "ตั้", "ง"}},
		{"ประเทศไทย", []string{"ป", "ระ", "เท", "ศ", "ไท", "ย"}},
		{"เร็วๆ นี้", []string{"เร็", "ว", "นี้"}}, // ๆ is a break
		{"฿๑๒", []string{"๑", "๒"}},                // ฿ is a break, Thai digits are clusters
		{"เเก", []string{"เ", "เก"}},               // แ typed as เเ
		// Lao
		{"ລັດຖະບານ", []string{"ລັ", "ດ", "ຖະ", "ບາ", "ນ"}},
		{"ເລືອກຕັ້ງ", []string{"ເລື", "ອ", "ກ", "ຕັ້", "ງ"}},
		// Burmese: medials, asat and tones join; the virama stacks a consonant
		{"မြန်မာ", []string{"မြ", "န်", "မာ"}},
		{"အစိုးရ။", []string{"အ", "စိုး", "ရ"}},
		{"သတ္တဝါ", []string{"သ", "တ္တ", "ဝါ"}},
		{"ကြ\u1039", []string{"ကြ\u1039"}}, // a virama at the end takes nothing
	}
	for _, tt := range tests {
		got := Clusters(tt.in)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("Clusters(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Search finds a word wherever it starts at a cluster boundary because
// splitting is local: any run of whole clusters of a text, split on its own,
// gives the same clusters. Checked on random strings of the four scripts'
// letters and signs, ZWJ, spaces and Latin.
func TestClusters_local(t *testing.T) {
	alphabet := []rune("កខគ្ាិុេះំ៉ៗ។" + "กขคงรลเแไะาำั้็ๆ๑" + "ກຂຄເໄະາັ້ຽ" + "ကခမရ္်ြိုး့။" + "\u200d\u200b ab")
	rnd := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 5000; n++ {
		rs := make([]rune, 1+rnd.IntN(20))
		for i := range rs {
			rs[i] = alphabet[rnd.IntN(len(alphabet))]
		}
		s := string(rs)
		var all []span
		for _, seg := range segmentText([]byte(s), textFlags{}) {
			all = append(all, seg.clusters...)
		}
		for i := range all {
			for j := i; j < len(all); j++ {
				if all[j].start != all[i].start && !contiguous(all[i:j+1]) {
					break
				}
				w := s[all[i].start:all[j].end]
				var want []string
				for _, c := range all[i : j+1] {
					want = append(want, s[c.start:c.end])
				}
				if got := Clusters(w); !slices.Equal(got, want) {
					t.Fatalf("in %q (%q), %q alone splits into %q", s, Clusters(s), w, got)
				}
			}
		}
	}
}

// contiguous reports whether the clusters follow each other without a gap
// (they are of one run).
func contiguous(cs []span) bool {
	for k := 1; k < len(cs); k++ {
		if cs[k].start != cs[k-1].end {
			return false
		}
	}
	return true
}

func TestDetectLanguage(t *testing.T) {
	for in, want := range map[string]string{
		"The ministry removed the post": "en",
		"ក្រសួងបានលុបចោលការបង្ហោះ":      "km",
		"CIMB និងធនាគារចំនួន១៣០ទៀត":     "km",
		"":               "en",
		"Hun Sen said ក": "en",
		"รัฐบาลสั่งลบโพสต์ 12 รายการ": "th",
		"ລັດຖະບານລາວ":                 "lo",
		"မြန်မာနိုင်ငံ အစိုးရ":        "my",
		"Prayut said ไป": "en",
		"ក្រសួង ไทย":     "km", // as many of each: the first of km, th, lo, my
	} {
		if got := DetectLanguage(in); got != want {
			t.Errorf("DetectLanguage(%q) = %q, want %q", in, got, want)
		}
	}
}

var posTuple = regexp.MustCompile(`\((?:'([^']*)'|"([^"]*)"), '[^']*'\)`)

// khmerFixture reads the khmer-nltk sample: the input lines (documents) and
// the reference segmentation (words).
func khmerFixture(t *testing.T) (lines []string, words []string) {
	t.Helper()
	dir := testtool.Fixtures(t, "khmer")
	read := func(name string) []string {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		var out []string
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			if s := strings.TrimSpace(sc.Text()); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	lines = read("khmernltk__samples_input.txt")
	seen := map[string]bool{}
	for _, l := range read("khmernltk__samples_output_pos_tagged.txt") {
		for _, m := range posTuple.FindAllStringSubmatch(l, -1) {
			w := m[1] + m[2]
			cl := Clusters(w)
			if len(cl) < 2 || strings.Join(cl, "") != w || seen[w] {
				continue // Latin, punctuation, one-cluster words
			}
			seen[w] = true
			words = append(words, w)
		}
	}
	if len(lines) < 10 || len(words) < 100 {
		t.Fatalf("fixture: %d lines, %d words", len(lines), len(words))
	}
	return lines, words
}

// TestSearch_khmerRecall: every word of khmer-nltk's reference segmentation
// (two clusters or more) finds the sample lines that contain it (recall ≥
// 0.98), and every line it finds contains it.
func TestSearch_khmerRecall(t *testing.T) {
	lines, words := khmerFixture(t)
	khmerRecall(t, lines, lines, words)
}

// The same, with the posts in look-alike spellings (subscript ដ for ត,
// ោ and ើ typed as their parts) and the words searched as the reference
// writes them: folding finds the same posts.
func TestSearch_khmerRecallLookAlikes(t *testing.T) {
	lines, words := khmerFixture(t)
	alike := strings.NewReplacer("\u17d2\u178f", "\u17d2\u178a", "\u17c4", "\u17c1\u17b6", "\u17be", "\u17c1\u17b8")
	var posts []string
	changed := 0
	for _, l := range lines {
		p := alike.Replace(l)
		if p != l {
			changed++
		}
		posts = append(posts, p)
	}
	if changed < len(lines)/2 {
		t.Fatalf("only %d of %d lines have a look-alike: the test would prove little", changed, len(lines))
	}
	khmerRecall(t, posts, lines, words)
}

// The fixture's words written as many Khmer writers do, with U+200B
// between every two (khmer-nltk's segmentation says where), and searched
// as people type: each word, and each two adjacent words without the
// U+200B, which only the bigram across the break finds.
func TestSearch_khmerRecallZWSP(t *testing.T) {
	_, words := khmerFixture(t)
	segmented := khmerSegmented(t)
	var posts []string
	pairs := map[string]bool{}
	for _, ws := range segmented {
		var b strings.Builder
		for i, w := range ws {
			if i > 0 && strings.TrimSpace(w) != "" && strings.TrimSpace(ws[i-1]) != "" {
				b.WriteString("\u200b")
				if a := ws[i-1]; khmerOnly(a) && khmerOnly(w) {
					pairs[a+w] = true
				}
			}
			b.WriteString(w)
		}
		posts = append(posts, b.String())
	}
	queries := slices.Clone(words)
	for p := range pairs {
		queries = append(queries, p)
	}
	if len(pairs) < 100 {
		t.Fatalf("only %d word pairs: the test would prove little", len(pairs))
	}
	khmerRecall(t, posts, posts, queries)
}

// scriptSpace is a space between Khmer letters and a number or a Latin
// word, on either side.
var scriptSpace = regexp.MustCompile(`([\x{1780}-\x{17DD}])\s+([0-9A-Za-z\x{17E0}-\x{17E9}])|([0-9A-Za-z\x{17E0}-\x{17E9}])\s+([\x{1780}-\x{17DD}])`)

// asSearched is a line as the index reads it: without invisible breaks
// (U+200B), and without the spaces between Khmer and a number or a Latin
// word, where a word ends whether or not a space is written ("ចំនួន ១៣០",
// "ចំនួន១៣០").
func asSearched(l string) string {
	l = strings.ReplaceAll(l, "\u200b", "")
	for {
		next := scriptSpace.ReplaceAllString(l, "$1$2$3$4")
		if next == l {
			return l
		}
		l = next
	}
}

// khmerOnly: w is written in clusters only (no Latin, digits or spaces).
func khmerOnly(w string) bool { return w != "" && strings.Join(Clusters(w), "") == w }

// khmerSegmented: the words of each line of khmer-nltk's reference
// segmentation, spaces included.
func khmerSegmented(t *testing.T) [][]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testtool.Fixtures(t, "khmer"), "khmernltk__samples_output_pos_tagged.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for _, l := range strings.Split(string(b), "\n") {
		var ws []string
		for _, m := range posTuple.FindAllStringSubmatch(l, -1) {
			ws = append(ws, m[1]+m[2])
		}
		if len(ws) > 0 {
			out = append(out, ws)
		}
	}
	return out
}

// khmerRecall puts posts (line i of the fixture as posted) and searches
// each word; lines[i] (as the reference writes it) says which posts hold
// it, read as the index reads it (asSearched).
func khmerRecall(t *testing.T, posts, lines, words []string) {
	t.Helper()
	lines = slices.Clone(lines)
	for i, l := range lines {
		lines[i] = asSearched(l)
	}
	ix := openTestIndex(t)
	var docs []Doc
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, l := range posts {
		docs = append(docs, Doc{PostID: fmt.Sprintf("km-%02d", i), VersionID: 1, Version: 1, Text: l,
			Actor: "a", State: "live", Platform: "feed", Published: base.Add(time.Duration(i) * time.Hour)})
	}
	if err := ix.Put(t.Context(), docs, "w1"); err != nil {
		t.Fatal(err)
	}
	var want, found, bad int
	for _, w := range words {
		res, err := ix.Search(t.Context(), Query{Q: w, Limit: 100})
		if err != nil {
			t.Fatalf("search %q: %v", w, err)
		}
		got := map[string]bool{}
		for _, h := range res.Hits {
			got[h.PostID] = true
			var n int
			fmt.Sscanf(h.PostID, "km-%d", &n)
			if !strings.Contains(lines[n], w) {
				bad++
				t.Errorf("search %q returned %s, which does not contain it", w, h.PostID)
			}
		}
		for i, l := range lines {
			if strings.Contains(l, w) {
				want++
				if got[fmt.Sprintf("km-%02d", i)] {
					found++
				} else {
					t.Logf("search %q missed km-%02d", w, i)
				}
			}
		}
	}
	recall := float64(found) / float64(want)
	t.Logf("%d words, %d (word, line) pairs, recall %.4f, wrong hits %d", len(words), want, recall, bad)
	if recall < 0.98 {
		t.Errorf("recall %.4f < 0.98", recall)
	}
}

func openTestIndex(t testing.TB) *Index {
	t.Helper()
	ix, err := Open(filepath.Join(t.TempDir(), "index"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

// A real Thai text (feedparser's TIS-620 sample feed, an announcement of
// Thailand's software agency): its words, a phrase of them, and a phrase
// of a Latin name and Thai words are found; a word it lacks is not.
func TestSearch_thaiFixture(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(testtool.Fixtures(t, "feeds"), "feedparser__illformed_chardet_tis620.xml"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := charmap.Windows874.NewDecoder().Bytes(raw) // TIS-620 and its Windows superset agree on letters
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?s)<description>(.*?)</description>`).FindSubmatch(doc)
	if m == nil {
		t.Fatal("no description in the fixture")
	}
	text := string(m[1])
	if got := DetectLanguage(text); got != "th" {
		t.Errorf("language %q, want th", got)
	}
	ix := openTestIndex(t)
	if err := ix.Put(t.Context(), []Doc{{PostID: "sipa", VersionID: 1, Version: 1, Text: text}}, "1"); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]uint64{
		"ซอฟต์แวร์":                1, // software
		"เมืองไทย":                 1, // Thailand
		"ประกวด":                   1, // contest
		"อุตสาหกรรม":               1, // industry, inside a longer word
		`"ส่งเสริมอุตสาหกรรม"`:     1,
		`"Mambo ในเมืองไทย"`:       1,
		`"Mambo Template Contest"`: 1,
		"รัฐบาล":                   0, // government: not in the text
		`"ในเมืองไทย Mambo"`:       0, // both there, not in this order
		`"ซอฟต์แวร์ อุตสาหกรรม"`:   0,
		"+ซอฟต์แวร์ +sipa":         1,
	} {
		res, err := ix.Search(t.Context(), Query{Q: q})
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if res.Total != want {
			t.Errorf("%s: %d hits, want %d", q, res.Total, want)
		}
	}
}

func TestClusterKey(t *testing.T) {
	tests := []struct {
		in, want string
		changed  bool
	}{
		{"ក្រុ", "ក្រុ", false},
		{"ក\u17bb\u17d2\u179a", "ក្រុ", true},                // vowel typed before the subscript
		{"ប\u17c1\u17d2\u178f", "ប\u17d2\u178f\u17c1", true}, // បេ្ត → ប្តេ
		{"ស្ត្រី", "ស្ត្រី", false},                          // two subscripts stay in order
		{"ស\u17b8\u17d2\u178f\u17d2\u179a", "ស្ត្រី", true},  // both after the vowel
		{"ម\u17c9\u17bc", "ម\u17c9\u17bc", false},            // register shifter, then vowel
		{"ម\u17bc\u17c9", "ម\u17c9\u17bc", true},             // typed the other way
		{"ក\u17c6\u17b6", "ក\u17b6\u17c6", true},             // nikahit before the vowel
		{"ក\u200d\u17b6", "ក\u17b6", true},                   // ZWJ left out
		{"ท\u0e35\u0e48", "ท\u0e35\u0e48", false},            // ที่
		{"ท\u0e48\u0e35", "ท\u0e35\u0e48", true},             // tone mark typed first
		{"ก\u0e33\u0e49", "ก\u0e49\u0e33", true},             // ำ before the tone mark
		{"เก\u0e48", "เก\u0e48", false},                      // leading vowel and its consonant stay first
		{"ເກ\u0ec8\u0eb4", "ເກ\u0eb4\u0ec8", true},           // Lao
		{"မြ", "မြ", false},                                  // Burmese: as typed
		{"မ\u103c\u102c", "မ\u103c\u102c", false},
	}
	for _, fold := range []bool{false, true} {
		for _, tt := range tests {
			checkClusterKey(t, tt.in, fold, tt.want, tt.changed)
		}
	}
}

// Khmer look-alikes are keyed alike when the index folds them (as SIL's
// khnormal does), and as before in an index made before it did.
func TestClusterKey_fold(t *testing.T) {
	tests := []struct {
		in, want string // want: with fold; without, in keys as TestClusterKey does
		changed  bool
	}{
		{"ប\u17d2\u178a\u17c1", "ប\u17d2\u178f\u17c1", true},                         // ប្ដេ → ប្តេ
		{"ប\u17c1\u17d2\u178a", "ប\u17d2\u178f\u17c1", true},                         // and typed vowel first
		{"ក\u17c1\u17b6", "ក\u17c4", true},                                           // េ + ា → ោ
		{"ក\u17c1\u17b8", "ក\u17be", true},                                           // េ + ី → ើ
		{"ក\u17c1\u17bb\u17b6", "ក\u17c4\u17bb", true},                               // a vowel below between the parts
		{"ក\u17c1\u17b7", "ក\u17c1\u17b7", false},                                    // េ + ិ: no one vowel
		{"ក\u17b6\u17c1", "ក\u17b6\u17c1", false},                                    // ា before េ: not the parts of ោ
		{"ស\u17d2\u178a\u17d2\u179a\u17b8", "ស\u17d2\u178f\u17d2\u179a\u17b8", true}, // ស្ដ្រី → ស្ត្រី
		{"ក\u17c4", "ក\u17c4", false},
		{"ក\u17be", "ក\u17be", false},
		{"ស\u17d2\u179a\u17d2\u178f\u17b8", "ស\u17d2\u178f\u17d2\u179a\u17b8", true}, // ស្រ្តី → ស្ត្រី
		{"ស\u17d2\u179a\u17d2\u178a\u17b8", "ស\u17d2\u178f\u17d2\u179a\u17b8", true}, // ស្រ្ដី: both folds
		{"ក\u17d2\u179a\u17bb", "ក\u17d2\u179a\u17bb", false},                        // RO alone
		{"\u17b2\u17d2\u1799", "\u17b1\u17d2\u1799", true},                           // ឲ្យ → ឱ្យ
		{"\u17b1\u17d2\u1799", "\u17b1\u17d2\u1799", false},
		{"น\u0e4d\u0e49\u0e32", "น\u0e49\u0e33", true}, // Thai น้ำ typed ํ ้ า
		{"น\u0e49\u0e4d\u0e32", "น\u0e49\u0e33", true},
		{"น\u0e49\u0e33", "น\u0e49\u0e33", false},
		{"ນ\u0ecd\u0eb2", "ນ\u0eb3", true}, // Lao
		{"ก\u0e4d", "ก\u0e4d", false},      // NIKHAHIT alone
	}
	for _, tt := range tests {
		checkClusterKey(t, tt.in, true, tt.want, tt.changed)
		if !tt.changed {
			continue
		}
		// without fold, only order counts
		plain, _ := clusterKey([]byte(tt.in), textFlags{})
		if strings.Contains(string(plain), "\u17be") && !strings.Contains(tt.in, "\u17be") ||
			strings.Contains(string(plain), "\u17c4") && !strings.Contains(tt.in, "\u17c4") ||
			strings.Contains(tt.in, "\u17d2\u178a") && !strings.Contains(string(plain), "\u17d2\u178a") ||
			strings.Contains(tt.in, "\u17d2\u179a\u17d2") && !strings.Contains(string(plain), "\u17d2\u179a\u17d2") ||
			strings.ContainsAny(string(plain), "\u0e33\u0eb3") && !strings.ContainsAny(tt.in, "\u0e33\u0eb3") {
			t.Errorf("clusterKey(%+q, no fold) = %+q: folded", tt.in, plain)
		}
	}
}

func checkClusterKey(t *testing.T, in string, fold bool, want string, wantChanged bool) {
	t.Helper()
	f := textFlags{fold: fold, qoo: fold}
	got, changed := clusterKey([]byte(in), f)
	if string(got) != want || changed != wantChanged {
		t.Errorf("clusterKey(%+q, fold %v) = %+q, %v; want %+q, %v", in, fold, got, changed, want, wantChanged)
	}
	if again, ch := clusterKey(got, f); string(again) != string(got) || ch {
		t.Errorf("clusterKey(%+q, fold %v) is no key: it keys to %+q", got, fold, again)
	}
}

// Bigrams across breaks: only invisible ones, and only with bridge on.
func TestTextAnalyzer_bridges(t *testing.T) {
	tests := []struct {
		name   string
		text   string
		bridge bool
		want   []string // the bigrams across a break, as "term@position"
	}{
		{"zero width space", "បាន\u200bរិះគន់", true, []string{"នរិះ@2"}},
		{"word joiner", "បាន\u2060រិះគន់", true, []string{"នរិះ@2"}},
		{"two in a row", "បាន\u200b\u200bរិះគន់", true, []string{"នរិះ@2"}},
		{"every break", "ក\u200bខ\u200bគ", true, []string{"កខ@1", "ខគ@2"}},
		{"visible space", "បាន រិះគន់", true, nil},
		{"space beside the invisible one", "បាន\u200b រិះគន់", true, nil},
		{"punctuation", "បាន។\u200bរិះគន់", true, nil},
		{"Latin between", "បាន\u200bHun\u200bរិះគន់", true, nil},
		{"off in an index made before", "បាន\u200bរិះគន់", false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			an := newTextAnalyzer(plainAnalyzer{}, textFlags{fold: true, bridge: tt.bridge})
			var got []string
			for _, tok := range an.Analyze([]byte(tt.text)) {
				if tok.Type == analysis.Shingle && bytes.IndexFunc([]byte(tt.text[tok.Start:tok.End]), func(r rune) bool { return !inCluster(r) }) >= 0 {
					got = append(got, fmt.Sprintf("%s@%d", tok.Term, tok.Position))
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("bigrams across breaks %q, want %q", got, tt.want)
			}
		})
	}
}

// inCluster: r may be part of a cluster (not a break).
func inCluster(r rune) bool { return classify(r) != kNone || r == 0x200C || r == 0x200D }

func TestFoldDigits(t *testing.T) {
	for in, want := range map[string]string{
		"៤៩៤":          "494",
		"๒๕๖๙":         "2569",
		"໑໐":           "10",
		"၁၂":           "12",
		"႑႒":           "12", // Shan digits
		"494":          "494",
		"មាត្រា៤៩៤":    "មាត្រា494",
		"\u17f1\u17f2": "\u17f1\u17f2", // lunar-date numerals stay
		"":             "",
	} {
		if got := string(foldDigits([]byte(in))); got != want {
			t.Errorf("foldDigits(%+q) = %+q, want %+q", in, got, want)
		}
	}
}
