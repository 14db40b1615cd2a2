package canon

import (
	"slices"
	"strings"
)

// param is one query parameter, key and value in normalized escaping.
type param struct {
	key, value string
}

// name is the key decoded and lowercased, for telling tracking apart.
func (p param) name() string { return strings.ToLower(unescape(p.key)) }

// tracking parameters are dropped on every host: they say who shared a
// link or how it was reached, never which page it is.
var tracking = map[string]bool{
	"fbclid": true, "gclid": true, "gclsrc": true, "dclid": true, "gbraid": true,
	"wbraid": true, "msclkid": true, "yclid": true, "twclid": true, "ttclid": true,
	"li_fat_id": true, "igshid": true, "igsh": true, "mc_cid": true, "mc_eid": true,
	"_hsenc": true, "_hsmi": true, "mkt_tok": true, "ref": true, "ref_src": true,
	"ref_url": true, "__tn__": true, "__xts__": true, "mibextid": true, "_ga": true,
}

// trackingPrefixes drop every parameter that starts with them
// (utm_source…, __cft__[0]…).
var trackingPrefixes = []string{"utm_", "__cft__", "__xts__"}

// hostTracking are parameters that are tracking on one platform only:
// elsewhere "s" may be a search and "t" a time.
var hostTracking = map[string]map[string]bool{
	"facebook.com": set("rc", "fref", "hc_ref", "hc_location", "refid", "_rdr", "_rdc",
		"sfnsn", "extid", "paipv", "eav", "rdid", "share_url", "app", "notif_id", "notif_t",
		"acontext", "ref_component", "ref_page", "locale", "comment_tracking", "privacy_source",
		"m_entstream_source", "anchor_composer", "entry_point", "theater"),
	// s and t are the share-sheet's source and token.
	"x.com":         set("s", "t", "src", "cn", "lang", "ref_src", "ref_url", "utm_source"),
	"t.me":          set("single", "embed", "mode", "userpic", "dark", "color"),
	"instagram.com": set("img_index", "hl", "utm_medium"),
	"youtube.com":   set("feature", "si", "pp", "ab_channel", "app", "embeds_referring_euri", "source_ve_path"),
	"youtu.be":      set("feature", "si", "pp", "t"),
	"tiktok.com":    set("is_from_webapp", "sender_device", "is_copy_url", "web_id", "_r", "_t", "lang", "share_app_id", "share_link_id", "u_code", "tt_from", "source"),
}

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// isTracking reports whether the parameter named name is tracking on host.
func isTracking(name, host string) bool {
	if tracking[name] || hostTracking[host][name] {
		return true
	}
	for _, p := range trackingPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// parseQuery splits a raw query into normalized parameters, without those
// that have no key (once an HTML-escaped "&amp;" is undone).
func parseQuery(raw string) []param {
	if raw == "" {
		return nil
	}
	var out []param
	for piece := range strings.SplitSeq(raw, "&") {
		k, v, _ := strings.Cut(piece, "=")
		p := param{
			key:   stripAmp(normEscapes(k, queryDecoded, queryRaw, 0)),
			value: normEscapes(v, queryDecoded, queryRaw, '='),
		}
		if p.key != "" {
			out = append(out, p)
		}
	}
	return out
}

// stripAmp undoes an HTML escaping copied with a link: a query written
// "a=1&amp;b=2" (or "&amp%3Bb=2", as a browser re-escapes it) splits into
// a key "amp;b" that means "b".
func stripAmp(key string) string {
	for {
		rest, ok := strings.CutPrefix(key, "amp;")
		if !ok {
			rest, ok = strings.CutPrefix(key, "amp%3B")
		}
		if !ok {
			return key
		}
		key = rest
	}
}

// dropTracking removes the tracking parameters of host from q.
func dropTracking(q []param, host string) []param {
	return slices.DeleteFunc(q, func(p param) bool { return isTracking(p.name(), host) })
}

// encodeQuery renders q sorted by key, then value, each pair once; an
// empty value is written without "=" ("?single", not "?single=").
func encodeQuery(q []param) string {
	if len(q) == 0 {
		return ""
	}
	q = slices.Clone(q)
	slices.SortFunc(q, func(a, b param) int {
		if c := strings.Compare(a.key, b.key); c != 0 {
			return c
		}
		return strings.Compare(a.value, b.value)
	})
	q = slices.Compact(q)
	parts := make([]string, len(q))
	for i, p := range q {
		parts[i] = p.key
		if p.value != "" {
			parts[i] += "=" + p.value
		}
	}
	return strings.Join(parts, "&")
}

// get returns the decoded value of the first parameter named name.
func get(q []param, name string) string {
	for _, p := range q {
		if p.name() == name {
			return unescape(p.value)
		}
	}
	return ""
}

// keep returns the parameters of q named in names.
func keep(q []param, names ...string) []param {
	var out []param
	for _, p := range q {
		if slices.Contains(names, p.name()) {
			out = append(out, p)
		}
	}
	return out
}
