package index

import (
	"bytes"
	"slices"
	"unicode"
	"unicode/utf8"
)

// Khmer, Thai, Lao and Burmese are written without spaces between words,
// and bleve's tokenizers either drop them (standard, web, cjk, unicode) or
// cut words at vowel signs (letter). This file splits these scripts into
// orthographic clusters, the smallest units a word can be made of, so that
// a word of any length is a phrase of clusters. Documents and queries are
// split by the same rules, so a word is found wherever it starts at a
// cluster boundary, which every word of these scripts does.
//
// A cluster is a base followed by any number of signs, in whatever order
// the text has them (typed Khmer often puts a vowel before a subscript),
// plus ZWJ/ZWNJ:
//   - Khmer: a base is a consonant U+1780–U+17A2, an independent vowel
//     U+17A3–U+17B3, a digit or the sign U+17DC; signs are the dependent
//     vowels and signs (U+17B4–U+17D1, U+17D3, U+17DD) and subscripts
//     (coeng U+17D2 + consonant).
//   - Thai and Lao: a base is a consonant, a digit or ฯ/ຯ; signs are the
//     vowels and tone marks written above, below or after it (ะ า ำ
//     included); a leading vowel (เ แ โ ใ ไ, ເ ແ ໂ ໃ ໄ), written before
//     its consonant, starts a cluster and takes that consonant with it.
//   - Burmese (Myanmar block and its extensions): every combining mark is a
//     sign (vowel signs, medials, asat, tones), the virama U+1039 stacks the
//     next consonant as Khmer's coeng does, everything else is a base.
//
// Punctuation (Khmer ។ ៕ ៖ ៗ ៘ ៙ ៚ ៛, Thai ๆ ๏ ๚ ๛ ฿, Lao ໆ, Burmese ၊ ။),
// U+200B, spaces and every other script end a run.

// clusterClass is the role of one rune in a cluster.
type clusterClass int

const (
	kNone  clusterClass = iota // not part of a run: a break
	kBase                      // starts a cluster
	kSign                      // dependent vowel or sign: joins the current cluster
	kCoeng                     // Khmer coeng, Burmese virama: joins, and takes the next consonant with it
	kJoin                      // ZWJ / ZWNJ inside a cluster
	kLead                      // Thai/Lao leading vowel: starts a cluster, and takes the next consonant with it
)

func classify(r rune) clusterClass {
	switch {
	case r < 0x0E00:
		return kNone
	case r <= 0x0EFF:
		return classifyThaiLao(r)
	case r >= 0x1000 && r <= 0x109F, r >= 0xA9E0 && r <= 0xA9FF, r >= 0xAA60 && r <= 0xAA7F:
		return classifyMyanmar(r)
	case r >= 0x1780 && r <= 0x17B3: // consonants, independent vowels
		return kBase
	case r >= 0x17B4 && r <= 0x17D1, r == 0x17D3, r == 0x17DD:
		return kSign
	case r == 0x17D2:
		return kCoeng
	case r == 0x17DC: // avakrahasanya, letter-like
		return kBase
	case r >= 0x17E0 && r <= 0x17E9, r >= 0x17F0 && r <= 0x17F9: // digits
		return kBase
	case r == 0x200C || r == 0x200D:
		return kJoin
	}
	return kNone
}

// classifyThaiLao classifies a rune of the Thai (U+0E00–U+0E7F) or Lao
// (U+0E80–U+0EFF) block; the two are laid out alike, Lao 0x80 above Thai.
func classifyThaiLao(r rune) clusterClass {
	if !unicode.Is(unicode.Thai, r) && !unicode.Is(unicode.Lao, r) {
		return kNone // unassigned, or ฿ (a currency sign of every script)
	}
	c, lao := foldLao(r)
	switch {
	case c >= 0x0E01 && c <= 0x0E2F: // consonants, ฯ/ຯ
		return kBase
	case c >= 0x0E30 && c <= 0x0E3A, c == 0x0E45: // vowels after and above or below, phinthu
		return kSign
	case lao && r == 0x0EBD: // semivowel sign nyo, written after its consonant
		return kSign
	case c >= 0x0E40 && c <= 0x0E44: // leading vowels
		return kLead
	case c >= 0x0E47 && c <= 0x0E4E: // tone marks and other signs
		return kSign
	case c >= 0x0E50 && c <= 0x0E59: // digits
		return kBase
	case lao && r >= 0x0EDC && r <= 0x0EDF: // Lao digraphs
		return kBase
	}
	return kNone // ๆ ๏ ๚ ๛, ໆ
}

// foldLao maps a Lao rune onto the Thai one at its place in the block
// (Lao is laid out 0x80 above Thai), and says whether it was Lao.
func foldLao(r rune) (rune, bool) {
	if r >= 0x0E80 {
		return r - 0x80, true
	}
	return r, false
}

// classifyMyanmar classifies a rune of the Myanmar block or its extensions.
func classifyMyanmar(r rune) clusterClass {
	switch {
	case r == 0x1039: // virama: stacks the next consonant
		return kCoeng
	case r == 0x104A || r == 0x104B: // ၊ ။
		return kNone
	case unicode.Is(unicode.M, r):
		return kSign
	case unicode.IsLetter(r), unicode.IsDigit(r), unicode.IsSymbol(r), unicode.IsPunct(r):
		return kBase
	}
	return kNone // unassigned
}

// takes reports whether r, after a rune of class c (coeng, virama or a
// leading vowel), joins that rune's cluster: a consonant (or, after Khmer's
// coeng, an independent vowel).
func takes(c clusterClass, prev, r rune) bool {
	switch c {
	case kCoeng:
		return prev == 0x17D2 && r >= 0x1780 && r <= 0x17B3 || prev == 0x1039 && r >= 0x1000 && r <= 0x1021
	case kLead:
		return prev < 0x0E80 && r >= 0x0E01 && r <= 0x0E2E || prev >= 0x0E80 && r >= 0x0E81 && r <= 0x0EAE && unicode.Is(unicode.Lao, r)
	}
	return false
}

// Thai and Lao SARA AE "แ" "ແ" are drawn as two SARA E, and writers type
// them so ("เเปลก" for "แปลก"), as PyThaiNLP's normalizer knows. In an
// index made since (keySaraAe) the two are one cluster with the consonant
// after them, keyed with SARA AE (clusterKey).
func saraE(r rune) (saraAe string, ok bool) {
	switch r {
	case '\u0e40':
		return "\u0e41", true
	case '\u0ec0':
		return "\u0ec1", true
	}
	return "", false
}

// saraEAgain reports whether r is the SARA E that cluster c, a lone SARA E,
// already is.
func saraEAgain(c []byte, r rune) bool {
	r0, n := utf8.DecodeRune(c)
	_, ok := saraE(r0)
	return ok && n == len(c) && r == r0
}

// scriptDigit maps a digit of Khmer, Thai, Lao or Burmese (Myanmar and
// Shan digits) to the ASCII digit of the same value.
//
// Those digits are searched as numbers, whole, as ASCII ones are (an
// index made since, see keyDigits): Khmer posts write article numbers,
// dates and sums in Khmer digits ("មាត្រា៤៩៤", "២០២៦"), reports and
// English posts in ASCII ones ("Article 494"), and either written form
// finds both. Khmer's lunar-date numerals (U+17F0–U+17F9) are signs of
// the calendar, not digits, and stay clusters.
func scriptDigit(r rune) (byte, bool) {
	for _, zero := range [...]rune{0x17E0, 0x0E50, 0x0ED0, 0x1040, 0x1090} {
		if r >= zero && r <= zero+9 {
			return byte('0' + r - zero), true
		}
	}
	return 0, false
}

// foldDigits returns b with the digits scriptDigit maps written in ASCII
// (b itself when it has none).
func foldDigits(b []byte) []byte {
	if !hasClusters(b) { // an ASCII or Latin word, as nearly every one is
		return b
	}
	var out []byte
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if d, ok := scriptDigit(r); ok {
			if out == nil {
				out = append(make([]byte, 0, len(b)), b[:i]...)
			}
			out = append(out, d)
		} else if out != nil {
			out = append(out, b[i:i+n]...)
		}
		i += n
	}
	if out == nil {
		return b
	}
	return out
}

// hasClusters reports whether b may hold a rune of a clustered script; it
// looks for UTF-8 lead bytes (E0 B8–BB: Thai and Lao; E1 80–82: Myanmar;
// E1 9E/9F and A7: Khmer and Khmer symbols; EA A7/A9: Myanmar
// extensions). A false positive costs a pass of segmentText, nothing else.
func hasClusters(b []byte) bool {
	for i := 0; i+1 < len(b); i++ {
		switch b[i] {
		case 0xE0:
			if b[i+1] >= 0xB8 && b[i+1] <= 0xBB {
				return true
			}
		case 0xE1:
			if c := b[i+1]; c <= 0x82 && c >= 0x80 || c == 0x9E || c == 0x9F || c == 0xA7 {
				return true
			}
		case 0xEA:
			if b[i+1] == 0xA7 || b[i+1] == 0xA9 {
				return true
			}
		}
	}
	return false
}

// span is a byte range [start, end) of the input.
type span struct{ start, end int }

// segment is a maximal piece of the input that is either a run of a
// clustered script (clusters set) or anything else (handed to a language
// analyzer).
type segment struct {
	span
	clustered bool
	clusters  []span // for runs of a clustered script
}

// segmentText splits b into alternating runs of clustered scripts and other
// segments. Punctuation and U+200B belong to the other segments (they are
// breaks), so two runs are always separated by another segment. With
// f.digits the digits of those scripts do too (see scriptDigit); with
// f.saraAe a Thai or Lao SARA E typed twice is one cluster with the
// consonant after it (see saraAe).
func segmentText(b []byte, f textFlags) []segment {
	var segs []segment
	i := 0
	otherStart := 0
	class := func(r rune) clusterClass {
		c := classify(r)
		if c == kBase && f.digits { // digits are bases
			if _, ok := scriptDigit(r); ok {
				return kNone
			}
		}
		return c
	}
	for i < len(b) {
		r, n := utf8.DecodeRune(b[i:])
		c := class(r)
		if c == kNone {
			i += n
			continue
		}
		// a run starts at i
		if otherStart < i {
			segs = append(segs, segment{span: span{otherStart, i}})
		}
		runStart := i
		var cl []span
		for i < len(b) {
			r, n = utf8.DecodeRune(b[i:])
			c = class(r)
			if c == kNone {
				break
			}
			started := c == kBase || c == kLead || len(cl) == 0
			if started && c == kLead && f.saraAe && len(cl) > 0 && saraEAgain(b[cl[len(cl)-1].start:cl[len(cl)-1].end], r) {
				started = false
			}
			if started {
				cl = append(cl, span{i, i + n})
			} else { // joins the current cluster
				cl[len(cl)-1].end = i + n
			}
			i += n
			// a subscript (stacked) consonant, or a leading vowel's
			// consonant; a coeng that starts a run takes nothing
			if (c == kLead || c == kCoeng && !started) && i < len(b) {
				if r2, n2 := utf8.DecodeRune(b[i:]); takes(c, r, r2) {
					i += n2
					cl[len(cl)-1].end = i
				}
			}
		}
		segs = append(segs, segment{span: span{runStart, i}, clustered: true, clusters: cl})
		otherStart = i
	}
	if otherStart < len(b) {
		segs = append(segs, segment{span: span{otherStart, len(b)}})
	}
	return segs
}

// Clusters returns the orthographic clusters of the Khmer, Thai, Lao and
// Burmese runs in s, in order (everything else is dropped).
func Clusters(s string) []string {
	b := []byte(s)
	var out []string
	for _, seg := range segmentText(b, textFlags{}) {
		for _, c := range seg.clusters {
			out = append(out, s[c.start:c.end])
		}
	}
	return out
}

// clusteredLanguages are the language codes DetectLanguage gives text of
// the clustered scripts, in the order scriptOf numbers them.
var clusteredLanguages = [...]string{"km", "th", "lo", "my"}

// scriptOf returns the index in clusteredLanguages of r's script, or -1.
func scriptOf(r rune) int {
	switch {
	case r >= 0x1780 && r <= 0x17FF, r >= 0x19E0 && r <= 0x19FF:
		return 0
	case r >= 0x0E00 && r <= 0x0E7F:
		return 1
	case r >= 0x0E80 && r <= 0x0EFF:
		return 2
	case r >= 0x1000 && r <= 0x109F, r >= 0xA9E0 && r <= 0xA9FF, r >= 0xAA60 && r <= 0xAA7F:
		return 3
	}
	return -1
}

// DetectLanguage is the index's language detector: "km", "th", "lo" or
// "my" when the letters of that script (cluster bases) are at least a fifth
// of the letters of s and outnumber the other three's, else "en". It looks
// at scripts only; callers that know better set Doc.Language.
func DetectLanguage(s string) string {
	var n [len(clusteredLanguages)]int
	letters := 0
	for _, r := range s {
		switch sc := scriptOf(r); {
		case sc >= 0:
			if c := classify(r); c == kBase || c == kLead {
				n[sc]++
				letters++
			}
		case r < 0x80:
			if (r|0x20) >= 'a' && (r|0x20) <= 'z' {
				letters++
			}
		default:
			if isLetter(r) {
				letters++
			}
		}
	}
	best := 0
	for i := range n {
		if n[i] > n[best] {
			best = i
		}
	}
	if n[best] > 0 && n[best]*5 >= letters {
		return clusteredLanguages[best]
	}
	return "en"
}

// Typed text does not always put a cluster's signs in the order Unicode
// gives them, and renderers draw both orders alike: Khmer "បេ្ត" (vowel,
// then subscript) looks as "ប្តេ" does, Thai "ท่ี" (tone mark, then vowel)
// as "ที่". NFC reorders neither, since these signs are not reordered by
// canonical combining classes. An index term is therefore a cluster's key:
// its base (with a leading vowel's consonant), then its signs sorted by
// rank (stably; a robat first), ZWJ/ZWNJ left out. Burmese clusters are kept as
// typed: the order of its medials and vowels needs more rules than a rank.

// signRank ranks a sign of a Khmer, Thai or Lao cluster by where Unicode's
// encoding order puts it; -1 for the runes a key keeps as typed.
func signRank(r rune) int {
	switch {
	case r == 0x17CC: // robat, written above its base
		return 0
	case r == 0x17D2: // coeng (with its consonant)
		return 1
	case r == 0x17C9 || r == 0x17CA: // register shifters
		return 2
	case r >= 0x17B4 && r <= 0x17C5: // dependent vowels
		return 3
	case r >= 0x17C6 && r <= 0x17D1, r == 0x17D3, r == 0x17DD: // signs
		return 4
	case r >= 0x0E00 && r <= 0x0EFF:
		c, _ := foldLao(r)
		switch {
		case c == 0x0E31, c >= 0x0E34 && c <= 0x0E3C, c == 0x0E47: // vowels above and below (Lao's to 0EBC)
			return 1
		case c >= 0x0E48 && c <= 0x0E4B: // tone marks
			return 2
		case c >= 0x0E4C && c <= 0x0E4E, r == 0x0EBD: // other signs above; Lao nyo
			return 3
		case c == 0x0E30, c == 0x0E32, c == 0x0E33, c == 0x0E45: // vowels after
			return 4
		}
	}
	return -1
}

// Spellings that look alike are also keyed alike when fold is on
// (an index made since, see keyFold), as SIL's Khmer normalizer
// (khnormal) keys them: subscript DA "្ដ" is drawn as subscript TA "្ត"
// and Khmer writers use both ("ប្ដេជ្ញា", "ប្តេជ្ញា"); subscript RO, drawn to
// the left, is often typed before the other subscript ("ស្រ្តី" for
// "ស្ត្រី"); and the two-part vowels "ើ" and "ោ" typed as their parts,
// "េ" then "ី" or "ា" (text converted from legacy fonts does this),
// become the one vowel. Thai and Lao SARA AM "ำ" "ຳ", typed as NIKHAHIT
// and SARA AA ("ํ" then "า", as PyThaiNLP's normalizer also folds them),
// become the one vowel too.
var (
	coengDa, coengTa = []byte("\u17d2\u178a"), []byte("\u17d2\u178f")
	coengRo          = []byte("\u17d2\u179a")
	vowelE           = []byte("\u17c1")
	vowelII, vowelAA = []byte("\u17b8"), []byte("\u17b6")
	vowelParts       = map[string][]byte{string(vowelII): []byte("\u17be"), string(vowelAA): []byte("\u17c4")} // after "េ" -> with it
	// NIKHAHIT -> SARA AA -> SARA AM, Thai and Lao
	amParts = map[string]struct{ aa, am []byte }{
		"\u0e4d": {[]byte("\u0e32"), []byte("\u0e33")},
		"\u0ecd": {[]byte("\u0eb2"), []byte("\u0eb3")},
	}
)

// lookAlikes notes, sign by sign, whether a cluster holds a spelling
// foldLookAlikes folds (found).
type lookAlikes struct {
	ro, e, nikhahit, aa, found bool
}

func (l *lookAlikes) see(sign []byte) {
	if len(sign) == 3 && sign[0] == 0xE0 { // Thai and Lao
		switch string(sign) {
		case "\u0e4d", "\u0ecd":
			l.nikhahit = true
		case "\u0e32", "\u0eb2":
			l.aa = true
		}
		l.found = l.found || l.nikhahit && l.aa
		return
	}
	switch {
	case bytes.Equal(sign, coengDa):
		l.found = true
	case len(sign) == len(coengRo) && bytes.HasPrefix(sign, coengRo[:3]): // a subscript
		l.found = l.found || l.ro
		l.ro = l.ro || bytes.Equal(sign, coengRo)
	case bytes.Equal(sign, vowelE):
		l.e = true
	case l.e && (bytes.Equal(sign, vowelII) || bytes.Equal(sign, vowelAA)):
		l.found = true
	}
}

// clusterKey returns the key of cluster c (see signRank), with look-alike
// spellings folded when fold is set: c itself, and changed false, when it
// is already a key, as nearly every cluster is (checked without
// allocating).
func clusterKey(c []byte, f textFlags) (key []byte, changed bool) {
	fold := f.fold
	r0, head := utf8.DecodeRune(c) // the base, and a leading vowel's consonant
	if ae, ok := saraE(r0); ok {
		if r1, n1 := utf8.DecodeRune(c[head:]); r1 == r0 { // SARA E twice (segmentText made it one cluster)
			k, _ := clusterKey(append([]byte(ae), c[head+n1:]...), f)
			return k, true
		}
	}
	if r0 == qooTwo && f.qoo {
		// ឲ is written only in ឲ្យ, which ឱ្យ spells as well (Unicode
		// recommends the latter; both are in daily use)
		k, _ := clusterKey(append([]byte(string(qooOne)), c[head:]...), f)
		return k, true
	}
	if classify(r0) == kLead {
		if r1, n1 := utf8.DecodeRune(c[head:]); head < len(c) && takes(kLead, r0, r1) {
			head += n1
		}
	}
	// sign returns the sign at c[i:]: its length (a coeng with its
	// subscript) and rank; rank -1 for ZWJ/ZWNJ, -2 for what no rank places.
	sign := func(i int) (n, rank int) {
		r, n := utf8.DecodeRune(c[i:])
		if r == 0x200C || r == 0x200D {
			return n, -1
		}
		if rank = signRank(r); rank < 0 {
			return n, -2
		}
		if r == 0x17D2 && i+n < len(c) {
			if r1, n1 := utf8.DecodeRune(c[i+n:]); takes(kCoeng, r, r1) {
				n += n1
			}
		}
		return n, rank
	}
	ordered, last := true, 0
	var look lookAlikes
	for i := head; i < len(c); {
		n, rank := sign(i)
		switch {
		case rank == -2:
			return c, false // Burmese, or a sign no rank places: as typed
		case rank == -1 || rank < last:
			ordered = false
		default:
			last = rank
		}
		if fold {
			look.see(c[i : i+n])
		}
		i += n
	}
	fold = fold && look.found
	if ordered && !fold {
		return c, false
	}
	var units []signUnit
	for i := head; i < len(c); {
		n, rank := sign(i)
		if rank >= 0 {
			units = append(units, signUnit{c[i : i+n], rank})
		}
		i += n
	}
	slices.SortStableFunc(units, func(a, b signUnit) int { return a.rank - b.rank })
	if fold {
		units = foldLookAlikes(units)
	}
	out := make([]byte, 0, len(c))
	out = append(out, c[:head]...)
	for _, u := range units {
		out = append(out, u.b...)
	}
	if bytes.Equal(out, c) { // foldable, and nothing to fold
		return c, false
	}
	return out, true
}

// signUnit is one sign of a cluster (a coeng with its consonant) and its
// rank.
type signUnit struct {
	b    []byte
	rank int
}

// The Khmer independent vowels QOO TYPE ONE and TWO.
const qooOne, qooTwo = '\u17B1', '\u17B2'

// foldLookAlikes folds the look-alike spellings of a cluster's sorted signs
// (see lookAlikes): subscript DA to TA; subscript RO after the subscript
// that follows it; "េ" with a later "ី" or "ា" of the same cluster, with at
// most a vowel below between them, to "ើ" or "ោ"; and NIKHAHIT directly
// followed by SARA AA to SARA AM.
func foldLookAlikes(units []signUnit) []signUnit {
	for i := 0; i+1 < len(units); i++ {
		if p, ok := amParts[string(units[i].b)]; ok && bytes.Equal(units[i+1].b, p.aa) {
			units[i].b = p.am
			units = slices.Delete(units, i+1, i+2)
		}
	}
	for i, u := range units {
		if bytes.Equal(u.b, coengDa) {
			units[i].b = coengTa
		}
	}
	for i := 0; i+1 < len(units); i++ {
		if bytes.Equal(units[i].b, coengRo) && units[i+1].rank == units[i].rank && !bytes.Equal(units[i+1].b, coengRo) {
			units[i], units[i+1] = units[i+1], units[i]
			break
		}
	}
	for i, u := range units {
		if !bytes.Equal(u.b, vowelE) {
			continue
		}
		for j := i + 1; j < len(units); j++ {
			if whole, ok := vowelParts[string(units[j].b)]; ok {
				units[i].b = whole
				return slices.Delete(units, j, j+1)
			}
			if r, _ := utf8.DecodeRune(units[j].b); r < 0x17BB || r > 0x17BD {
				break // only a vowel below may stand between the parts
			}
		}
	}
	return units
}
