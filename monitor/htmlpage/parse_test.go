package htmlpage

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/monitor"
)

// now is when the tests read their pages.
var now = time.Date(2026, 11, 29, 6, 0, 0, 0, time.UTC)

func date(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, time.UTC)
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// diffPages says how got and want differ, item by item.
func diffPages(got, want *Page) string {
	var b strings.Builder
	if got.Encoding != want.Encoding || got.Next != want.Next || got.Unlinked != want.Unlinked || got.Undated != want.Undated {
		fmt.Fprintf(&b, "page: encoding %q next %q unlinked %d undated %d; want %q %q %d %d\n",
			got.Encoding, got.Next, got.Unlinked, got.Undated, want.Encoding, want.Next, want.Unlinked, want.Undated)
	}
	for i := range max(len(got.Items), len(want.Items)) {
		var g, w monitor.Item
		if i < len(got.Items) {
			g = got.Items[i]
		}
		if i < len(want.Items) {
			w = want.Items[i]
		}
		if !reflect.DeepEqual(g, w) {
			fmt.Fprintf(&b, "item %d:\n got  %+v\n want %+v\n", i, g, w)
		}
	}
	return b.String()
}

func TestParse_Pages(t *testing.T) {
	tests := []struct {
		name string
		file string
		url  string
		sel  config.Selectors
		want *Page
	}{
		{
			name: "a Drupal ministry: relative links, dates in words, rel=next in head and pager",
			file: "ministry_press.html", url: "https://www.information.gov.example/en/press-releases",
			sel: config.Selectors{Item: ".views-row", Link: "h3 a", Text: ".field--name-body", Date: ".date-display-single", DateLayout: "2 January 2006"},
			want: &Page{Encoding: "utf-8", Next: "https://www.information.gov.example/en/press-releases?page=1", Unlinked: 0, Undated: 0, Items: []monitor.Item{
				{PlatformID: "https://www.information.gov.example/en/press-release/2026/11/28/statement-regulation-online-content", URL: "https://www.information.gov.example/en/press-release/2026/11/28/statement-regulation-online-content",
					Published: date(2026, 11, 28, 0, 0), Title: "Statement on the Regulation of Online Content",
					Text: "The Ministry of Information wishes to inform the public that the draft sub-decree on the management of online content has been submitted to the Council of Ministers.\nPublic comments may be sent until 15 December 2026."},
				{PlatformID: "https://www.information.gov.example/en/press-release/2026/11/25/clarification-misleading-report", URL: "https://www.information.gov.example/en/press-release/2026/11/25/clarification-misleading-report",
					Published: date(2026, 11, 25, 0, 0), Title: "Clarification on a Misleading Report Circulating on Social Media",
					Text:  "A report shared on social media on 24 November alleging the closure of three news websites is false. The licences concerned were suspended pending review, in accordance with Article 7.\nCopy of the Ministry's letter",
					Media: []string{"https://www.information.gov.example/sites/default/files/2026-11/clarification.jpg"}},
				{PlatformID: "https://www.information.gov.example/en/press-release/2026/11/19/minister-receives-delegation", URL: "https://www.information.gov.example/en/press-release/2026/11/19/minister-receives-delegation",
					Published: date(2026, 11, 19, 0, 0), Title: "Minister Receives Delegation of Regional Press Councils",
					Text: "On the morning of 19 November 2026, H.E. the Minister of Information received a delegation of the regional press councils at the Ministry."},
				{PlatformID: "https://www.information.gov.example/en/press-release/2026/11/03/notice-licence-renewal", URL: "https://www.information.gov.example/en/press-release/2026/11/03/notice-licence-renewal",
					Published: date(2026, 11, 3, 0, 0), Title: "Notice on the Renewal of Broadcasting Licences",
					Text: "Holders of broadcasting licences expiring before 31 March 2027 are requested to submit their renewal applications through the online portal."},
			}},
		},
		{
			name: "a WordPress party site: datetime attributes in +07:00, an aside between posts",
			file: "party_news.html", url: "https://renewalparty.example/category/news/",
			sel: config.Selectors{Item: "article.type-post", Link: "h2.entry-title a", Text: ".entry-summary", Date: "time.published"},
			want: &Page{Encoding: "utf-8", Next: "https://renewalparty.example/category/news/page/2/", Unlinked: 0, Undated: 0, Items: []monitor.Item{
				{PlatformID: "https://renewalparty.example/2026/11/27/party-condemns-arrest-of-youth-activists/", URL: "https://renewalparty.example/2026/11/27/party-condemns-arrest-of-youth-activists/",
					Published: date(2026, 11, 27, 11, 5), Title: "Party Condemns Arrest of Youth Activists in Siem Reap",
					Text: "The National Renewal Party strongly condemns the arrest of four youth activists on Thursday evening and calls for their immediate and unconditional release. … Continue reading “Party Condemns Arrest of Youth Activists in Siem Reap”"},
				{PlatformID: "https://renewalparty.example/2026/11/24/statement-on-the-election-law-amendments/", URL: "https://renewalparty.example/2026/11/24/statement-on-the-election-law-amendments/",
					Published: date(2026, 11, 24, 2, 30), Title: "Statement on the Election Law Amendments",
					Text: "The amendments adopted yesterday by the National Assembly would allow the dissolution of any party whose leaders “collude” with persons convicted of a crime. We reject them. …"},
				{PlatformID: "https://renewalparty.example/2026/11/20/open-letter-to-the-national-election-committee/", URL: "https://renewalparty.example/2026/11/20/open-letter-to-the-national-election-committee/",
					Published: date(2026, 11, 20, 7, 0), Title: "Open Letter to the National Election Committee",
					Text: "Dear Members of the Committee, we write to request the publication of the voter lists for all 25 provinces ahead of the commune elections. …"},
			}},
		},
		{
			name: "an old table layout with <base>: relative, root-relative, scheme-relative links; javascript:, \"#\" and missing links skipped; a fragment duplicate dropped",
			file: "relative_base.html", url: "http://www.mfa.gov.example/news/statements/index.html",
			sel: config.Selectors{Item: "tr.row", Link: "a.title", Text: ".teaser", Date: "td.date"},
			want: &Page{Encoding: "utf-8", Next: "https://WWW.MFA.Gov.Example/news/statements/index.html?start=10", Unlinked: 3, Undated: 0, Items: []monitor.Item{
				{PlatformID: "https://www.mfa.gov.example/news/statements/2026/statement-112.html", URL: "https://WWW.MFA.Gov.Example/news/statements/2026/statement-112.html",
					Published: date(2026, 11, 28, 0, 0), Title: "Statement of the Spokesperson on the Report of the Special Rapporteur",
					Text: "The Ministry categorically rejects the report released on 27 November."},
				{PlatformID: "https://www.mfa.gov.example/news/archive/2026/statement-111.html", URL: "https://WWW.MFA.Gov.Example/news/archive/2026/statement-111.html#top",
					Published: date(2026, 11, 21, 0, 0), Title: "Statement on the Border Incident",
					Text: "Both sides agreed to exercise restraint."},
				{PlatformID: "https://www.mfa.gov.example/press/2026/statement-110.html?lang=en", URL: "https://WWW.MFA.Gov.Example/press/2026/statement-110.html?lang=en",
					Published: date(2026, 11, 14, 0, 0), Title: "Press Briefing of 14 November",
					Text: "Transcript of the weekly press briefing."},
				{PlatformID: "https://docs.mfa.gov.example/pdf/statement-109.pdf", URL: "https://docs.mfa.gov.example/pdf/statement-109.pdf",
					Published: date(2026, 11, 7, 0, 0), Title: "Joint Communiqué (PDF)",
					Text: "Joint communiqué signed in Vientiane."},
				{PlatformID: "https://www.mfa.gov.example/news/statements/2026/statement-105.html", URL: "https://WWW.MFA.Gov.Example/news/statements/2026/statement-105.html",
					Published: date(2026, 10, 28, 0, 0), Title: "Statement 105",
					Text: "Whitespace around the link."},
			}},
		},
		{
			name: "Khmer, undeclared UTF-8 after an ASCII first kilobyte, Khmer digits in dates",
			file: "khmer_press.html", url: "https://www.information.gov.example/km/news",
			sel: config.Selectors{Item: "li.news-item", Link: "a.news-link", Text: ".news-summary", Date: ".news-date", DateLayout: "02/01/2006"},
			want: &Page{Encoding: "utf-8", Next: "https://www.information.gov.example/km/news?page=2", Unlinked: 0, Undated: 0, Items: []monitor.Item{
				{PlatformID: "https://www.information.gov.example/km/news/2026/11/28/1042", URL: "https://www.information.gov.example/km/news/2026/11/28/1042",
					Published: date(2026, 11, 28, 0, 0), Title: "សេចក្តីថ្លែងការណ៍ស្តីពីការគ្រប់គ្រងមាតិកាតាមអនឡាញ",
					Text: "ក្រសួងព័ត៌មានសូមជម្រាបជូនសាធារណជនថា សេចក្តីព្រាងអនុក្រឹត្យស្តីពីការគ្រប់គ្រងមាតិកាតាមអនឡាញ ត្រូវបានដាក់ជូនទីស្តីការគណៈរដ្ឋមន្ត្រី។"},
				{PlatformID: "https://www.information.gov.example/km/news/2026/11/25/1039", URL: "https://www.information.gov.example/km/news/2026/11/25/1039",
					Published: date(2026, 11, 25, 0, 0), Title: "ការបំភ្លឺអំពីរបាយការណ៍មិនពិតនៅលើបណ្តាញសង្គម",
					Text: "របាយការណ៍ដែលបានចែករំលែកនៅលើបណ្តាញសង្គម គឺមិនពិតទេ។"},
				{PlatformID: "https://www.information.gov.example/km/news/2026/11/19/1031", URL: "https://www.information.gov.example/km/news/2026/11/19/1031",
					Published: date(2026, 11, 19, 0, 0), Title: "រដ្ឋមន្ត្រីទទួលជួបគណៈប្រតិភូក្រុមប្រឹក្សាសារព័ត៌មានប្រចាំតំបន់",
					Text: "កាលពីព្រឹកថ្ងៃទី១៩ ខែវិច្ឆិកា ឆ្នាំ២០២៦ ឯកឧត្តមរដ្ឋមន្ត្រីក្រសួងព័ត៌មាន បានទទួលជួបគណៈប្រតិភូ។"},
			}},
		},
		{
			name: "windows-1252 bytes declared iso-8859-1 by a <meta>",
			file: "legacy_latin1.html", url: "http://communication.gouv.example/communiques.php",
			sel: config.Selectors{Item: "div.communique", Link: "h2 a", Text: "p.chapo", Date: ".date", DateLayout: "02/01/2006"},
			want: &Page{Encoding: "windows-1252", Next: "", Unlinked: 0, Undated: 0, Items: []monitor.Item{
				{PlatformID: "http://communication.gouv.example/communique.php?id=311", URL: "http://communication.gouv.example/communique.php?id=311",
					Published: date(2026, 11, 28, 0, 0), Title: "Communiqué relatif à la suspension d’un journal en ligne",
					Text: "Le ministère précise que la décision « n’est pas définitive » et que l’éditeur peut faire appel – délai de 30 jours."},
				{PlatformID: "http://communication.gouv.example/communique.php?id=309", URL: "http://communication.gouv.example/communique.php?id=309",
					Published: date(2026, 11, 21, 0, 0), Title: "Accréditation des journalistes étrangers",
					Text: "Les demandes d’accréditation sont désormais traitées en ligne…"},
			}},
		},
		{
			name: "unclosed elements and quotes, stray end tags, bare entities: read as a browser builds it (an unclosed span swallows a date)",
			file: "broken.html", url: "http://province.gov.example/news",
			sel: config.Selectors{Item: "div.item", Link: "a.headline", Text: ".body", Date: ".date", DateLayout: "2 January 2006"},
			want: &Page{Encoding: "windows-1252", Next: "", Unlinked: 0, Undated: 1, Items: []monitor.Item{
				{PlatformID: "http://province.gov.example/news/501", URL: "http://province.gov.example/news/501",
					Published: date(2026, 11, 26, 0, 0), Title: "Governor inspects flood defences",
					Text: "The Governor inspected the dykes along the river on Wednesday\nRepairs will start next week."},
				{PlatformID: "http://province.gov.example/news/500", URL: "http://province.gov.example/news/500",
					Published: time.Time{}, Title: "Road closure notice",
					Text: "National Road 5 will be closed between km 12 and km 15\nTariffs stay the same in 2027 & tap water is safe © 2026 💧 � �"},
				{PlatformID: "http://province.gov.example/news/499", URL: "http://province.gov.example/news/499",
					Published: date(2026, 11, 20, 0, 0), Title: "Water tariffs unchanged",
					Text: "Tariffs stay the same in 2027 & tap water is safe © 2026 💧 � �"},
				{PlatformID: "http://province.gov.example/news/498", URL: "http://province.gov.example/news/498",
					Published: date(2026, 11, 18, 0, 0), Title: "Vaccination campaign",
					Text: "Children under five"},
			}},
		},
		{
			name: "fake items in comments, scripts, templates, textareas; script and data: links; a javascript: base; an off-site rel=next",
			file: "hostile.html", url: "https://council.gov.example/communiques",
			sel: config.Selectors{Item: "div.item", Link: "a", Text: ".text"},
			want: &Page{Encoding: "utf-8", Next: "https://council.gov.example/communiques?page=2", Unlinked: 2, Undated: 0, Items: []monitor.Item{
				{PlatformID: "https://council.gov.example/communiques/77", URL: "https://council.gov.example/communiques/77",
					Published: date(2026, 11, 27, 3, 0), Title: "Communiqué of the 77th meeting",
					Text:  "The Council adopted three draft laws.",
					Media: []string{"https://council.gov.example/x"}},
				{PlatformID: "https://council.gov.example/communiques/76", URL: "https://council.gov.example/communiques/76",
					Published: date(2026, 11, 20, 0, 0), Title: "the real link comes second",
					Text: "Second link wins."},
				{PlatformID: "https://council.gov.example/communiques/74", URL: "https://council.gov.example/communiques/74",
					Published: time.Time{}, Title: "Communiqué <b>escaped</b> &lt;twice&gt;", // as the page shows it: a page's HTML is escaped once
					Text: "<p>Escaped &amp; markup</p>"},
				{PlatformID: "https://council.gov.example/communiques/73", URL: "https://council.gov.example/communiques/73",
					Published: time.Time{}, Title: "Nested",
					Text: "inner text\nouter text"},
				{PlatformID: "https://council.gov.example/communiques/71", URL: "https://council.gov.example/communiques/71",
					Published: time.Time{}, Title: "Zero\u200bwidth and bidi \u202eoverride\u202c",
					Text: "text�with NUL, bell and …NEL"},
			}},
		},
		{
			name: "cards that are themselves the link; dates read with the common layouts",
			file: "redesigned.html", url: "https://www.information.gov.example/en/press-releases",
			sel: config.Selectors{Item: "a.card", Link: "a", Text: ".card__title", Date: ".card__date"},
			want: &Page{Encoding: "utf-8", Next: "", Unlinked: 0, Undated: 0, Items: []monitor.Item{
				{PlatformID: "https://www.information.gov.example/en/press-release/2026/11/28/statement-regulation-online-content", URL: "https://www.information.gov.example/en/press-release/2026/11/28/statement-regulation-online-content",
					Published: date(2026, 11, 28, 0, 0), Title: "Statement on the Regulation of Online Content\n28.11.2026",
					Text: "Statement on the Regulation of Online Content"},
				{PlatformID: "https://www.information.gov.example/en/press-release/2026/11/25/clarification-misleading-report", URL: "https://www.information.gov.example/en/press-release/2026/11/25/clarification-misleading-report",
					Published: date(2026, 11, 25, 0, 0), Title: "Clarification on a Misleading Report Circulating on Social Media\n25.11.2026",
					Text: "Clarification on a Misleading Report Circulating on Social Media"},
			}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			got, err := Parse(readTestdata(t, tc.file), "text/html", tc.url, tc.sel, now)
			if err != nil {
				t.Fatalf("%s: Parse: %v", tc.name, err)
			}
			if d := diffPages(got, tc.want); d != "" {
				t.Errorf("%s:\n%s", tc.name, d)
			}
		})
	}
}

func TestParse_Errors(t *testing.T) {
	ministry := config.Selectors{Item: ".views-row", Link: "h3 a", Text: ".field--name-body", Date: ".date-display-single", DateLayout: "2 January 2006"}
	with := func(change func(*config.Selectors)) config.Selectors {
		s := ministry
		change(&s)
		return s
	}
	tests := []struct {
		name    string
		body    []byte
		sel     config.Selectors
		wantErr error
		wantMsg string
	}{
		{"invalid item selector", readTestdata(t, "ministry_press.html"), with(func(s *config.Selectors) { s.Item = "div[" }),
			ErrSelector, `htmlpage: item selector "div[": invalid selector: `},
		{"empty link selector", readTestdata(t, "ministry_press.html"), with(func(s *config.Selectors) { s.Link = " " }),
			ErrSelector, `htmlpage: link selector is empty: invalid selector`},
		{"invalid date selector", readTestdata(t, "ministry_press.html"), with(func(s *config.Selectors) { s.Date = ":nope(" }),
			ErrSelector, `htmlpage: date selector ":nope(": invalid selector: `},
		{"a redesigned site", readTestdata(t, "redesigned.html"), ministry,
			ErrNoItems, `htmlpage: item selector ".views-row" matched nothing`},
		{"an empty body", nil, ministry, ErrNoItems, `htmlpage: item selector ".views-row" matched nothing`},
		{"a login page in place of the listing", []byte(`<html><title>Log in</title><form action="/user/login"><input type="password"></form>`), ministry,
			ErrNoItems, "matched nothing"},
		{"an unclosed <title> swallows the page, as in a browser", []byte(`<title>Press<body><div class="views-row"><h3><a href="/x">x</a></h3></div>`), ministry,
			ErrNoItems, "matched nothing"},
		{"items only in a <template>", []byte(`<template><div class="views-row"><h3><a href="/x">x</a></h3></div></template>`), ministry,
			ErrNoItems, "matched nothing"},
		{"a link selector that finds nothing", readTestdata(t, "ministry_press.html"), with(func(s *config.Selectors) { s.Link = "a.permalink" }),
			ErrNoLinks, `htmlpage: link selector "a.permalink" gave no http(s) link in any of 4 items`},
		{"links that are no permalinks", []byte(`<div class="views-row"><h3><a href="#">a</a></h3></div><div class="views-row"><h3><a href="mailto:press@gov.example">b</a></h3></div>`), ministry,
			ErrNoLinks, "gave no http(s) link in any of 2 items"},
		{"a date selector that finds nothing", readTestdata(t, "ministry_press.html"), with(func(s *config.Selectors) { s.Date = "time" }),
			ErrNoDates, `htmlpage: date selector "time" gave no date: it matched in none of 4 items`},
		{"a date layout that reads no date", readTestdata(t, "ministry_press.html"), with(func(s *config.Selectors) { s.DateLayout = "2006-01-02" }),
			ErrNoDates, `htmlpage: date selector ".date-display-single" gave no date: "28 November 2026" does not parse with "2006-01-02"`},
		{"dates in no common layout", readTestdata(t, "khmer_press.html"), config.Selectors{Item: "li.news-item", Link: "a", Date: ".news-date"},
			ErrNoDates, `"២៨/១១/២០២៦" does not parse with "any common layout"`},
		{"nesting deeper than browsers build", []byte(strings.Repeat("<div>", 600) + `<div class="views-row"><h3><a href="/x">x</a></h3></div>`), ministry,
			nil, "htmlpage: html: open stack of elements exceeds 512 nodes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.body, "text/html; charset=utf-8", "https://www.information.gov.example/en/press-releases", tc.sel, now)
			if err == nil {
				t.Fatalf("Parse = %d items, no error; want %q", len(got.Items), tc.wantMsg)
			}
			if got != nil || (tc.wantErr != nil && !errors.Is(err, tc.wantErr)) || !strings.Contains(err.Error(), tc.wantMsg) {
				t.Errorf("Parse = %v, %q; want nil, %v containing %q", got, err, tc.wantErr, tc.wantMsg)
			}
		})
	}
}

// TestParse_Items covers what a listing item can look like, one rule at a time.
func TestParse_Items(t *testing.T) {
	const page = "https://gov.example/news/"
	tests := []struct {
		name     string
		body     string
		sel      config.Selectors
		want     []monitor.Item
		wantNext string
	}{
		{
			name: "an item that is itself the link, text of the whole item",
			body: `<a class="card" href="/news/1"><h3>Title</h3><p>Body <b>bold</b></p></a>`,
			sel:  config.Selectors{Item: "a.card", Link: "a"},
			want: []monitor.Item{{PlatformID: "https://gov.example/news/1", URL: "https://gov.example/news/1", Title: "Title\nBody bold", Text: "Title\nBody bold"}},
		},
		{
			name: "every text match in order, nested matches once",
			body: `<li><a href="1">t</a><div class="p">one<div class="p">two</div></div><p>skip</p><div class="p">three</div></li>`,
			sel:  config.Selectors{Item: "li", Link: "a", Text: "div.p"},
			want: []monitor.Item{{PlatformID: page + "1", URL: page + "1", Title: "t", Text: "one\ntwo\nthree"}},
		},
		{
			name: "a text selector matching nothing gives no text",
			body: `<li><a href="1">t</a><p>body</p></li>`,
			sel:  config.Selectors{Item: "li", Link: "a", Text: ".summary"},
			want: []monitor.Item{{PlatformID: page + "1", URL: page + "1", Title: "t"}},
		},
		{
			name: "without a date selector, the item's <time datetime>",
			body: `<li><a href="1">t</a><time datetime="2026-11-28T09:30:00+07:00">28 Nov</time></li><li><a href="2">u</a><time>yesterday</time></li>`,
			sel:  config.Selectors{Item: "li", Link: "a", Text: "p"},
			want: []monitor.Item{
				{PlatformID: page + "1", URL: page + "1", Title: "t", Published: date(2026, 11, 28, 2, 30)},
				{PlatformID: page + "2", URL: page + "2", Title: "u"},
			},
		},
		{
			name: "a datetime attribute wins over the text; a bad one falls back to the text",
			body: `<li><a href="1">t</a><span class="d" datetime="2026-11-28">1 January 2020</span></li><li><a href="2">u</a><span class="d" datetime="soon">27 November 2026</span></li>`,
			sel:  config.Selectors{Item: "li", Link: "a", Text: "p", Date: ".d", DateLayout: "2 January 2006"},
			want: []monitor.Item{
				{PlatformID: page + "1", URL: page + "1", Title: "t", Published: date(2026, 11, 28, 0, 0)},
				{PlatformID: page + "2", URL: page + "2", Title: "u", Published: date(2026, 11, 27, 0, 0)},
			},
		},
		{
			name: "dates without a year take now's, or last year's when ahead of now",
			body: `<li><a href="1">t</a><abbr>4 June at 17:33</abbr></li><li><a href="2">u</a><abbr>28 December at 09:00</abbr></li>`,
			sel:  config.Selectors{Item: "li", Link: "a", Text: "p", Date: "abbr", DateLayout: "2 January at 15:04"},
			want: []monitor.Item{
				{PlatformID: page + "1", URL: page + "1", Title: "t", Published: date(2026, 6, 4, 17, 33)},
				{PlatformID: page + "2", URL: page + "2", Title: "u", Published: date(2025, 12, 28, 9, 0)},
			},
		},
		{
			name: "a date selector on the item itself",
			body: `<article class="d"><a href="1">2026-11-28</a></article>`,
			sel:  config.Selectors{Item: "article", Link: "a", Text: "p", Date: "article.d"},
			want: []monitor.Item{{PlatformID: page + "1", URL: page + "1", Title: "2026-11-28", Published: date(2026, 11, 28, 0, 0)}},
		},
		{
			name: "of items sharing a link the first is kept; links differing in host case and fragment are one",
			body: `<li><a href="https://GOV.example/news/1#a">first</a></li><li><a href="/news/1#b">second</a></li><li><a href="/news/1?b">third</a></li>`,
			sel:  config.Selectors{Item: "li", Link: "a", Text: "p"},
			want: []monitor.Item{
				{PlatformID: page + "1", URL: "https://GOV.example/news/1#a", Title: "first"},
				{PlatformID: page + "1?b", URL: page + "1?b", Title: "third"},
			},
		},
		{
			name: "images of the text: resolved, each once, data: and srcless ones left out",
			body: `<li><a href="1">t</a><div class="x"><img src="a.jpg"><img src="/a.jpg"><img src="a.jpg"><img src="data:image/png;base64,AA=="><img alt="none"></div><img src="outside.jpg"></li>`,
			sel:  config.Selectors{Item: "li", Link: "a", Text: ".x"},
			want: []monitor.Item{{PlatformID: page + "1", URL: page + "1", Title: "t", Media: []string{page + "a.jpg", "https://gov.example/a.jpg"}}},
		},
		{
			name:     "a relative <base> resolves against the page; rel=next among other tokens, on the base's host",
			body:     `<base href="/en/"><li><a href="1">t</a></li><a rel="nofollow NEXT" href="?page=2">»</a>`,
			sel:      config.Selectors{Item: "li", Link: "a", Text: "p"},
			want:     []monitor.Item{{PlatformID: "https://gov.example/en/1", URL: "https://gov.example/en/1", Title: "t"}},
			wantNext: "https://gov.example/en/?page=2",
		},
		{
			name: "a rel=next to another site, or to the page itself, is not followed",
			body: `<link rel="next" href="https://elsewhere.example/?page=2"><li><a href="1">t</a></li><a rel="next" href="#more">more</a><a rel="next" href="">again</a>`,
			sel:  config.Selectors{Item: "li", Link: "a[href]:not([rel])", Text: "p"},
			want: []monitor.Item{{PlatformID: page + "1", URL: page + "1", Title: "t"}},
		},
		{
			name: "the first usable link of the item",
			body: `<li><a>no href</a><a href="javascript:void(0)">js</a><a href="mailto:a@b">mail</a><a href="https:">empty host</a><a href=" HTTP://gov.example/2 ">ok</a><a href="/3">later</a></li>`,
			sel:  config.Selectors{Item: "li", Link: "a", Text: "p"},
			want: []monitor.Item{{PlatformID: "http://gov.example/2", URL: "http://gov.example/2", Title: "ok"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse([]byte(tc.body), "text/html", page, tc.sel, now)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			// An ASCII page declaring nothing is read as windows-1252,
			// as browsers do; charset_test.go is about encodings.
			want := &Page{Encoding: got.Encoding, Items: tc.want, Next: tc.wantNext, Unlinked: got.Unlinked, Undated: got.Undated}
			if d := diffPages(got, want); d != "" {
				t.Error(d)
			}
		})
	}
}
