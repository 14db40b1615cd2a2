package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/takedownwatch/takedownwatch/index"
)

// The generator makes sandbox-like posts, the same sequence for the same
// seed: ~300 characters, 60 % English and 40 % Khmer (Khmer words written
// without spaces, a space between phrases, ។ at sentence ends, English names
// and the odd Latin word inside); 200 actors with Zipf-distributed
// activity; affiliations, states, reasons and platforms in the proportions
// a watch list of Cambodian political accounts shows; published over two
// years. One post in four carries the word "statement" (the facet query's
// word); government actors write one post in four.

const (
	nActors    = 200
	facetWord  = "statement"
	englishPct = 60
)

var (
	epoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	span  = 2 * 365 * 24 * time.Hour
)

type actor struct{ id, affiliation string }

type generator struct {
	seed      uint64
	actors    []actor
	actorZipf *rand.Zipf
	enWords   []string
	kmWords   []string
	rng       *rand.Rand
	enZipf    *rand.Zipf
	kmZipf    *rand.Zipf
}

// common English words, most frequent first; the rest of the vocabulary is
// made-up words (names, places) drawn after them.
var enCommon = strings.Fields(`the of and to in a is that for on said was with as by
government minister post it at from his be are has party have not an will this
people ministry opposition national police court law election prime said
rights media facebook who they were which their been after also more
province would had one two new but its or about over leader members
public officials than other into we called against phnom penh cambodia
press security told land activists arrested report released council
article freedom comment political first last week year years under
human information order statement workers union journalists account
page deleted removed video claims support group decision president
senate assembly commune protest border military case charges prison
judge lawyer family village farmers company development project
environment forest river health school teachers students online
social network campaign vote votes voters candidate results official
spokesman spokeswoman according interview citing sources local foreign
international embassy aid donors corruption anti committee investigation`)

func newGenerator(seed uint64) *generator {
	g := &generator{seed: seed}
	r := rand.New(rand.NewPCG(seed, 1))
	// Zipf activity (as rand.Zipf draws it: P(k) ∝ (8+k)^-1.1); each actor
	// gets the affiliation furthest below its share of posts so far, so
	// affiliations hold their shares of posts and an actor keeps one.
	share := make([]float64, nActors)
	var sum float64
	for k := range share {
		share[k] = math.Pow(8+float64(k), -1.1)
		sum += share[k]
	}
	got := make([]float64, len(affs))
	for k := 0; k < nActors; k++ {
		best, bestDef := 0, math.Inf(-1)
		for j := range affs {
			if def := float64(affPct[j])/100 - got[j]; def > bestDef {
				best, bestDef = j, def
			}
		}
		got[best] += share[k] / sum
		g.actors = append(g.actors, actor{id: fmt.Sprintf("actor-%03d", k), affiliation: affs[best]})
	}
	g.actorZipf = rand.NewZipf(r, 1.1, 8, nActors-1)

	g.enWords = append(g.enWords, enCommon...)
	for len(g.enWords) < 20000 {
		g.enWords = append(g.enWords, pseudoWord(r))
	}
	for len(g.kmWords) < 8000 {
		g.kmWords = append(g.kmWords, khmerWord(r))
	}
	g.rng = rand.New(rand.NewPCG(seed, 2))
	g.enZipf = rand.NewZipf(g.rng, 1.07, 2, uint64(len(g.enWords)-1))
	g.kmZipf = rand.NewZipf(g.rng, 1.07, 2, uint64(len(g.kmWords)-1))
	return g
}

func pseudoWord(r *rand.Rand) string {
	const cons, vow = "bcdfghjklmnprstvwyz", "aeiou"
	n := 2 + r.IntN(3)
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteByte(cons[r.IntN(len(cons))])
		b.WriteByte(vow[r.IntN(len(vow))])
	}
	if r.IntN(2) == 0 {
		b.WriteByte(cons[r.IntN(len(cons))])
	}
	return b.String()
}

// khmerWord: 1–3 syllables, each a consonant, sometimes a subscript, a
// vowel sign, sometimes a final consonant or sign.
func khmerWord(r *rand.Rand) string {
	consonants := []rune("កខគឃងចឆជឈញដឋឌឍណតថទធនបផពភមយរលវសហឡអ")
	subs := []rune("ករលមនវយសត")
	vowels := []rune("ាិីឹឺុូួើឿៀេែៃោៅ")
	finals := []rune("កងចញតនបមយលសំះ")
	var b strings.Builder
	n := 1 + r.IntN(3)
	for i := 0; i < n; i++ {
		b.WriteRune(consonants[r.IntN(len(consonants))])
		if r.IntN(4) == 0 {
			b.WriteRune('\u17D2')
			b.WriteRune(subs[r.IntN(len(subs))])
		}
		if r.IntN(5) != 0 {
			b.WriteRune(vowels[r.IntN(len(vowels))])
		}
		if r.IntN(2) == 0 {
			b.WriteRune(finals[r.IntN(len(finals))])
		}
	}
	return b.String()
}

var (
	states    = []string{"live", "removed", "restricted", "suspect", "hidden"}
	statePct  = []int{80, 12, 3, 3, 2}
	reasons   = []string{"deleted", "withheld_legal", "account_gone", "unknown"}
	reasonPct = []int{70, 15, 10, 5}
	platforms = []string{"facebook", "telegram", "feed", "mastodon", "bluesky", "html"}
	platPct   = []int{40, 25, 15, 8, 7, 5}
	affs      = []string{"government", "opposition", "media", "civil_society", "other"}
	affPct    = []int{25, 20, 30, 18, 7}
)

func pick(r *rand.Rand, vals []string, pct []int) string {
	n := r.IntN(100)
	for i, p := range pct {
		if n < p {
			return vals[i]
		}
		n -= p
	}
	return vals[len(vals)-1]
}

// post returns post i (generated in order: call with i = 0, 1, 2, ...).
func (g *generator) post(i int) index.Doc {
	r := g.rng
	a := g.actors[g.actorZipf.Uint64()]
	d := index.Doc{
		PostID:      fmt.Sprintf("p%07d", i),
		VersionID:   int64(i + 1),
		Version:     1,
		Actor:       a.id,
		Affiliation: a.affiliation,
		Platform:    pick(r, platforms, platPct),
		State:       pick(r, states, statePct),
	}
	d.Source = d.Actor + "-" + d.Platform
	d.Published = epoch.Add(time.Duration(r.Int64N(int64(span)))).Truncate(time.Second)
	d.FirstSeen = d.Published.Add(time.Duration(r.IntN(3600)) * time.Second)
	if d.State == "removed" {
		d.Reason = pick(r, reasons, reasonPct)
		d.RemovedAt = d.FirstSeen.Add(time.Duration(1+r.IntN(72*3600)) * time.Second)
	}
	withWord := r.IntN(4) == 0
	if r.IntN(100) < englishPct {
		d.Language = "en"
		d.Text = g.english(withWord)
	} else {
		d.Language = "km"
		d.Text = g.khmer(withWord)
	}
	return d
}

func (g *generator) english(withWord bool) string {
	var b strings.Builder
	target := 260 + g.rng.IntN(80)
	sentence := 0
	at := -1
	if withWord {
		at = g.rng.IntN(30)
	}
	for n := 0; b.Len() < target; n++ {
		w := g.enWords[g.enZipf.Uint64()]
		if n == at {
			w = facetWord
		}
		if w == facetWord && n != at {
			w = "announcement"
		}
		if sentence == 0 && len(w) > 0 {
			w = strings.ToUpper(w[:1]) + w[1:]
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w)
		sentence++
		if sentence > 8 && g.rng.IntN(6) == 0 {
			b.WriteByte('.')
			sentence = 0
		}
	}
	b.WriteByte('.')
	return b.String()
}

func (g *generator) khmer(withWord bool) string {
	var b strings.Builder
	target := 300 + g.rng.IntN(80) // runes ≈ characters
	runes := 0
	phrase := 0
	wrote := false
	for runes < target {
		w := g.kmWords[g.kmZipf.Uint64()]
		if g.rng.IntN(25) == 0 { // a Latin name or word
			w = " " + g.enWords[g.enZipf.Uint64()] + " "
		}
		if withWord && !wrote && runes > target/3 {
			w = " " + facetWord + " "
			wrote = true
		}
		b.WriteString(w)
		runes += len([]rune(w))
		phrase++
		if phrase > 4 && g.rng.IntN(3) == 0 {
			if g.rng.IntN(4) == 0 {
				b.WriteString("។ ")
			} else {
				b.WriteByte(' ')
			}
			runes++
			phrase = 0
		}
	}
	if withWord && !wrote {
		b.WriteString(" " + facetWord)
	}
	b.WriteString("។")
	return b.String()
}
