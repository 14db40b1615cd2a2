// Package pagedate prepares the dates web pages print for Go's time layouts: digits of any script, and Khmer, Thai, Lao and Burmese dates in words.
package pagedate

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Normalize folds runs of whitespace (NBSP included) to one space and turns
// the digits of every script (Khmer ០–៩, Thai ๐–๙, Arabic-Indic, …) into
// ASCII ones. A date written with a Khmer, Thai, Lao or Burmese month
// name, which no Go layout can read ("ថ្ងៃទី២៩ ខែវិច្ឆិកា ឆ្នាំ២០២៦ ម៉ោង
// ១០:៣០", "29 พฤศจิกายน 2569"), is rewritten as "29 November 2026 10:30"
// (or without the time) and words says so: read it with Layouts, not with
// a source's own layout. Thai and Lao years of the Buddhist Era (above
// 2400) become years of the common era (minus 543). A Khmer date with such
// a year is left as it is, unread: Cambodia's Buddhist year turns in April
// or May, so no fixed difference gives the right year; so is a year before
// 1900 (a Burmese date in the Myanmar Era).
func Normalize(s string) (out string, words bool) {
	s = strings.Join(strings.Fields(Digits(s)), " ")
	if d, ok := inWords(s); ok {
		return d, true
	}
	return s, false
}

// Layouts read what Normalize makes of a date in words.
var Layouts = []string{"2 January 2006 15:04", "2 January 2006"}

// Digits replaces every decimal digit of another script by its ASCII
// digit. Unicode keeps each script's digits in a run of ten from zero, so a
// digit's value is its distance from the start of its range, modulo ten.
func Digits(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r > unicode.MaxASCII && unicode.IsDigit(r) }) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r <= unicode.MaxASCII || !unicode.IsDigit(r) {
			return r
		}
		if v, ok := digitValue(r); ok {
			return '0' + v
		}
		return r
	}, s)
}

func digitValue(r rune) (rune, bool) {
	for _, rg := range unicode.Nd.R16 {
		if lo, hi := rune(rg.Lo), rune(rg.Hi); r >= lo && r <= hi && rg.Stride == 1 {
			return (r - lo) % 10, true
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if lo, hi := rune(rg.Lo), rune(rg.Hi); r >= lo && r <= hi && rg.Stride == 1 {
			return (r - lo) % 10, true
		}
	}
	return 0, false
}

// monthName is one way a language writes a month.
type monthName struct {
	name  string
	month int
	be    bool // the language counts years in the Buddhist Era as Thailand does (CE + 543)
}

// monthNames: Khmer (the solar calendar's names, as ministries print
// them), Thai (full names, then the dotted abbreviations), Lao and Burmese
// (the Gregorian months' names), longest first so that no name is found
// inside a longer one.
var monthNames = func() []monthName {
	khmer := []string{"មករា", "កុម្ភៈ", "មីនា", "មេសា", "ឧសភា", "មិថុនា", "កក្កដា", "សីហា", "កញ្ញា", "តុលា", "វិច្ឆិកា", "ធ្នូ"}
	thai := []string{"มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"}
	thaiShort := []string{"ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."}
	lao := []string{"ມັງກອນ", "ກຸມພາ", "ມີນາ", "ເມສາ", "ພຶດສະພາ", "ມິຖຸນາ", "ກໍລະກົດ", "ສິງຫາ", "ກັນຍາ", "ຕຸລາ", "ພະຈິກ", "ທັນວາ"}
	burmese := []string{"ဇန်နဝါရီ", "ဖေဖော်ဝါရီ", "မတ်", "ဧပြီ", "မေ", "ဇွန်", "ဇူလိုင်", "ဩဂုတ်", "စက်တင်ဘာ", "အောက်တိုဘာ", "နိုဝင်ဘာ", "ဒီဇင်ဘာ"}
	var out []monthName
	add := func(names []string, be bool) {
		for i, n := range names {
			out = append(out, monthName{n, i + 1, be})
		}
	}
	add(khmer, false)
	out = append(out, monthName{"កុម្ភា", 2, false}) // a common spelling
	add(thai, true)
	add(thaiShort, true)
	add(lao, true)
	add(burmese, false)
	out = append(out, monthName{"သြဂုတ်", 8, false}) // August, spelt with U+101E U+103C
	// Longest first: "มีนาคม" before "มี.ค.", "มิถุนายน" before "มิ.ย.".
	slices.SortStableFunc(out, func(a, b monthName) int { return len(b.name) - len(a.name) })
	return out
}()

var (
	clockRE  = regexp.MustCompile(`\b([01]?[0-9]|2[0-3])[:.]([0-5][0-9])\b`)
	numberRE = regexp.MustCompile(`[0-9]+`)
)

var englishMonths = [...]string{"", "January", "February", "March", "April", "May", "June",
	"July", "August", "September", "October", "November", "December"}

// inWords reads a date with a Khmer, Thai, Lao or Burmese month name: the month from its
// name, the year from the first four-digit number, the day from the last
// number of one or two digits before the month (or, if none, the first
// after it), and a time from the first hh:mm or hh.mm. Weekdays and words
// such as ថ្ងៃទី / ខែ / ឆ្នាំ, วันที่ / พ.ศ. / น. are passed over.
func inWords(s string) (string, bool) {
	at, m := -1, monthName{}
	for _, mn := range monthNames {
		if i := strings.Index(s, mn.name); i >= 0 && !midCluster(s, i, i+len(mn.name)) {
			at, m = i, mn
			break
		}
	}
	if at < 0 {
		return "", false
	}
	clock := ""
	if loc := clockRE.FindStringSubmatchIndex(s); loc != nil {
		h, _ := strconv.Atoi(s[loc[2]:loc[3]])
		clock = " " + strconv.Itoa(h) + ":" + s[loc[4]:loc[5]]
		s = s[:loc[0]] + " " + s[loc[1]:]
		if loc[0] < at {
			at -= loc[1] - loc[0] - 1
		}
	}
	year, day := 0, 0
	for _, loc := range numberRE.FindAllStringIndex(s, -1) {
		n, err := strconv.Atoi(s[loc[0]:loc[1]])
		if err != nil {
			continue
		}
		switch digits := loc[1] - loc[0]; {
		case digits == 4 && year == 0:
			year = n
		case digits <= 2 && (loc[0] < at || day == 0):
			day = n
		}
	}
	if year >= 2400 {
		if !m.be {
			return "", false
		}
		year -= 543
	}
	// Before 1900 is another era's year (Burmese dates may give the Myanmar
	// Era's, 1388 for 2026) or a misreading.
	if year < 1900 || day < 1 || time.Date(year, time.Month(m.month), day, 0, 0, 0, 0, time.UTC).Day() != day {
		return "", false // no day, no year, or 31 of a shorter month
	}
	return strconv.Itoa(day) + " " + englishMonths[m.month] + " " + strconv.Itoa(year) + clock, true
}

// midCluster reports whether s[i:j] starts or ends inside a cluster: it
// is followed by a combining mark (Burmese "မေး", to ask, holds "မေ",
// May), or follows a Khmer coeng or Burmese virama.
func midCluster(s string, i, j int) bool {
	if r, _ := utf8.DecodeRuneInString(s[j:]); j < len(s) && unicode.IsMark(r) {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return i > 0 && (r == 0x17D2 || r == 0x1039)
}
