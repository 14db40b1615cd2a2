package reports

import (
	"encoding/json"
	"fmt"
	"maps"
	"strings"
)

// lumenKinds maps Lumen's notice types to report kinds. Lumen files
// notices sent to platforms; those a state sends are government requests,
// court orders, law enforcement requests and local-law notices, and the
// private complaints (copyright, trademark, defamation, privacy, data
// protection) are "other": none of them is a platform's own notice. A type
// not listed is "other" too.
var lumenKinds = map[string]string{
	"GovernmentRequest":     KindGovernmentRequest,
	"CourtOrder":            KindCourtOrder,
	"LawEnforcementRequest": KindLawEnforcement,
	"LocalLaw":              KindLocalLaw,
	"DMCA":                  KindOther,
	"Counternotice":         KindOther,
	"Counterfeit":           KindOther,
	"Trademark":             KindOther,
	"Defamation":            KindOther,
	"PrivateInformation":    KindOther,
	"DataProtection":        KindOther,
	"International":         KindOther,
	"Other":                 KindOther,
}

// lumenRoots are the root keys of a single notice (/notices/{id}.json),
// the type in snake case, and the type they stand for.
var lumenRoots = map[string]string{
	"government_request":      "GovernmentRequest",
	"court_order":             "CourtOrder",
	"law_enforcement_request": "LawEnforcementRequest",
	"local_law":               "LocalLaw",
	"dmca":                    "DMCA",
	"counternotice":           "Counternotice",
	"counterfeit":             "Counterfeit",
	"trademark":               "Trademark",
	"defamation":              "Defamation",
	"private_information":     "PrivateInformation",
	"data_protection":         "DataProtection",
	"international":           "International",
	"other":                   "Other",
}

// isNotice reports whether a JSON object is a Lumen notice rather than a
// report record: root-keyed by a notice type, a submission
// ({"notice": {...}}), or holding Lumen's own fields.
func isNotice(obj map[string]json.RawMessage) bool {
	if _, _, ok := noticeRoot(obj); ok {
		return true
	}
	for _, k := range []string{"works", "marks", "works_attributes", "sender_name", "principal_name", "date_sent", "date_received"} {
		if _, ok := obj[k]; ok {
			return true
		}
	}
	return false
}

// noticeRoot unwraps a notice root-keyed by its type ({"dmca": {...}}) or
// submitted ({"notice": {...}, "authentication_token": …}); typ is the
// type the key stands for ("" for "notice").
func noticeRoot(obj map[string]json.RawMessage) (typ string, inner map[string]json.RawMessage, ok bool) {
	if v, found := obj["notice"]; found && firstByte(v) == '{' {
		inner, err := object(v)
		return "", inner, err == nil
	}
	if len(obj) != 1 {
		return "", nil, false
	}
	for k, v := range obj {
		if t, known := lumenRoots[strings.ToLower(k)]; known && firstByte(v) == '{' {
			inner, err := object(v)
			return t, inner, err == nil
		}
	}
	return "", nil, false
}

// parseNotice maps a Lumen notice to a report:
//   - channel "lumen", channel_id the notice id;
//   - target_urls: every URL of every URL list (infringing_urls,
//     copyrighted_urls, targetted_urls, urls_in_request, …, and the
//     "*_urls_attributes" of a submission) of every work (or mark), each
//     entry a string or an object {"url": …} (url_original when url is
//     empty); a URL without a scheme gets http://, and entries that are no
//     http(s) URL (Lumen's "[REDACTED]") are left out and counted in notes;
//   - filed_at: date_sent, else date_received;
//   - reporter: sender_name, else principal_name;
//   - kind: from the type (see lumenKinds);
//   - legal_basis: the laws the notice cites (regulations,
//     laws_referenced, regulation_list), else its request_type (Subpoena,
//     Warrant, …), else "DMCA" for a DMCA notice;
//   - jurisdiction: jurisdictions (or jurisdiction_list), ", "-joined;
//   - notes: the title, subject and the notice's text (body, explanation,
//     legal_complaint), one a paragraph.
func parseNotice(raw json.RawMessage, obj map[string]json.RawMessage) (Report, error) {
	if _, secret := obj["authentication_token"]; secret {
		// A submission carries its sender's Lumen token: keep the
		// notice, not the token.
		clean := maps.Clone(obj)
		delete(clean, "authentication_token")
		raw, _ = json.Marshal(clean)
	}
	typ := ""
	if t, inner, ok := noticeRoot(obj); ok {
		typ, obj = t, inner
	}
	str := func(key string) string {
		s, _ := jsonString(obj[key]) // a field of another type is as good as absent
		return strings.TrimSpace(s)
	}
	list := func(key string) []string {
		l, _ := jsonStrings(obj[key])
		if firstByte(obj[key]) != '"' {
			return l
		}
		// A *_list field as submitted: "US, CA".
		var out []string
		for part := range strings.SplitSeq(strings.Join(l, ","), ",") {
			if p := strings.TrimSpace(part); p != "" {
				out = append(out, p)
			}
		}
		return out
	}
	if t := str("type"); t != "" {
		typ = t
	}
	r := Report{
		ChannelID: str("id"),
		Channel:   ChannelLumen,
		Reporter:  first(str("sender_name"), str("principal_name")),
		Kind:      lumenKind(typ),
		Raw:       append(json.RawMessage(nil), raw...),
	}
	for _, key := range []string{"date_sent", "date_received"} {
		if s := str(key); s != "" {
			t, err := parseTime(s)
			if err != nil {
				return r, &FieldError{key, err}
			}
			r.FiledAt = t
			break
		}
	}
	r.Jurisdiction = strings.Join(first2(list("jurisdictions"), list("jurisdiction_list")), ", ")
	laws := append(append(list("regulations"), list("laws_referenced")...), list("regulation_list")...)
	r.LegalBasis = strings.Join(laws, "; ")
	if r.LegalBasis == "" {
		r.LegalBasis = str("request_type")
	}
	if r.LegalBasis == "" && strings.EqualFold(typ, "DMCA") {
		r.LegalBasis = "DMCA"
	}
	var dropped int
	r.TargetURLs, dropped = noticeURLs(obj)
	var notes []string
	for _, key := range []string{"title", "subject", "body", "explanation", "legal_complaint"} {
		if s := str(key); s != "" {
			notes = append(notes, s)
		}
	}
	if dropped > 0 {
		notes = append(notes, fmt.Sprintf("%d URL(s) of the notice left out: not http(s) URLs (redacted?)", dropped))
	}
	r.Notes = strings.Join(notes, "\n\n")
	return r, nil
}

// lumenKind is the report kind of a Lumen notice type, matched without
// regard to case or separators ("court_order", "CourtOrder").
func lumenKind(typ string) string {
	key := strings.ToLower(strings.NewReplacer("_", "", "-", "", " ", "").Replace(typ))
	for t, kind := range lumenKinds {
		if strings.ToLower(t) == key {
			return kind
		}
	}
	return KindOther
}

// noticeURLs collects the URLs of every list of URLs of every work and
// mark of a notice (a key with "urls" in its name: infringing_urls and the
// names Lumen maps it to per type — targetted_urls, urls_in_request,
// urls_mentioned_in_request, urls_with_private_information … — and
// copyrighted_urls, original_work_urls), and counts the entries that are
// not http(s) URLs.
func noticeURLs(obj map[string]json.RawMessage) (urls []string, dropped int) {
	for _, listKey := range []string{"works", "marks", "works_attributes"} {
		var works []map[string]json.RawMessage
		if json.Unmarshal(obj[listKey], &works) != nil {
			continue
		}
		for _, w := range works {
			for _, k := range sortedKeys(w) {
				if !strings.Contains(k, "urls") {
					continue
				}
				var entries []json.RawMessage
				if json.Unmarshal(w[k], &entries) != nil {
					continue
				}
				for _, e := range entries {
					u := entryURL(e)
					switch {
					case u == "":
					case webURL(withScheme(u)):
						urls = append(urls, withScheme(u))
					default:
						dropped++
					}
				}
			}
		}
	}
	return urls, dropped
}

// entryURL reads one URL entry: a string, or {"url": …, "url_original": …}.
func entryURL(e json.RawMessage) string {
	if s, err := jsonString(e); err == nil {
		return strings.TrimSpace(s)
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(e, &obj) != nil {
		return ""
	}
	for _, k := range []string{"url", "url_original"} {
		if s, _ := jsonString(obj[k]); strings.TrimSpace(s) != "" {
			return strings.TrimSpace(s)
		}
	}
	return ""
}

// withScheme gives http:// to a URL written without a scheme
// ("example.com/page", as Lumen notices often list them).
func withScheme(u string) string {
	if strings.Contains(u, "://") || !startsURL(u) {
		return u
	}
	return "http://" + u
}

func first(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func first2(a, b []string) []string {
	if len(a) > 0 {
		return a
	}
	return b
}
