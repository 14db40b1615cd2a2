package pagedate

import (
	"testing"
	"time"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		in, want string
		words    bool
	}{
		// Khmer, as ministries and press offices print dates
		{"ថ្ងៃទី២៩ ខែវិច្ឆិកា ឆ្នាំ២០២៦", "29 November 2026", true},
		{"ថ្ងៃសុក្រ ទី០៣ ខែមករា ឆ្នាំ២០២៥ ម៉ោង ១០:៣០", "3 January 2025 10:30", true},
		{"៥ កុម្ភៈ ២០២៦", "5 February 2026", true},
		{"05 កុម្ភា 2026", "5 February 2026", true},
		{"ថ្ងៃទី ១៣ ខែ ធ្នូ ឆ្នាំ ២០២៤", "13 December 2024", true},
		{"ព.ស.២៥៦៩ ថ្ងៃទី២៩ ខែវិច្ឆិកា", "ព.ស.2569 ថ្ងៃទី29 ខែវិច្ឆិកា", false}, // a Buddhist year is not guessed
		// Thai, Buddhist Era years
		{"29 พฤศจิกายน 2569", "29 November 2026", true},
		{"วันที่ 1 มีนาคม พ.ศ. 2568 เวลา 09.05 น.", "1 March 2025 9:05", true},
		{"๒ มิ.ย. ๒๕๖๗", "2 June 2024", true},
		{"15 มี.ค. 2026", "15 March 2026", true}, // a common-era year stays
		// Lao, Burmese
		{"ວັນທີ 29 ພະຈິກ 2026", "29 November 2026", true},
		{"໒໙ ພະຈິກ ໒໕໖໙", "29 November 2026", true},
		{"၂၀၂၆ ခုနှစ် နိုဝင်ဘာလ ၂၉ ရက်", "29 November 2026", true},
		{"၂၉ မေ ၂၀၂၅ ၁၄:၀၀", "29 May 2025 14:00", true},
		{"၂၉ မေး ၂၀၂၅", "29 မေး 2025", false},                                           // "to ask" begins as "May" does
		{"၁၃၈၈ ခုနှစ် တန်ဆောင်မုန်းလ ၉ ရက်", "1388 ခုနှစ် တန်ဆောင်မုန်းလ 9 ရက်", false}, // Myanmar Era, its own months
		// not a date in words: digits and spaces only
		{"  2026-11-29\u00a0 10:30 ", "2026-11-29 10:30", false},
		{"٢٩ November ٢٠٢٦", "29 November 2026", false},
		{"ខែវិច្ឆិកា", "ខែវិច្ឆិកា", false}, // no day or year
		{"31 กุมภาพันธ์ 2569", "31 กุมภาพันธ์ 2569", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, words := Normalize(tt.in)
		if got != tt.want || words != tt.words {
			t.Errorf("Normalize(%q) = %q, %v; want %q, %v", tt.in, got, words, tt.want, tt.words)
		}
		if words {
			ok := false
			for _, l := range Layouts {
				if _, err := time.Parse(l, got); err == nil {
					ok = true
				}
			}
			if !ok {
				t.Errorf("%q: no layout reads %q", tt.in, got)
			}
		}
	}
}

// Any input gives a result, never a panic.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"ថ្ងៃទី២៩ ខែវិច្ឆិកា ឆ្នាំ២០២៦ ម៉ោង ១០:៣០", "วันที่ 1 มีนาคม พ.ศ. 2568 เวลา 09.05 น.", "ม.ค.", "99:99 มกราคม 9999999999999999999999", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, words := Normalize(s)
		if words {
			if _, err := time.Parse(Layouts[len(Layouts)-1], out); err != nil {
				if _, err2 := time.Parse(Layouts[0], out); err2 != nil {
					t.Errorf("%q gave %q, which no layout reads", s, out)
				}
			}
		}
	})
}
