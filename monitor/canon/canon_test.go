package canon

import "testing"

func TestURL(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		// Scheme, host, port, user info, fragment.
		{"empty", "", ""},
		{"blank", "  \t", ""},
		{"http to https", "http://example.org/a", "https://example.org/a"},
		{"scheme and host case", "HTTPS://Example.ORG/Path", "https://example.org/Path"},
		{"no scheme", "facebook.com/page/posts/1", "https://facebook.com/page/posts/1"},
		{"protocol-relative", "//t.me/channel/5", "https://t.me/channel/5"},
		{"default https port", "https://example.org:443/a", "https://example.org/a"},
		{"default http port", "http://example.org:80/a", "https://example.org/a"},
		{"other port kept", "http://example.org:8080/a", "https://example.org:8080/a"},
		{"port leading zeros", "https://example.org:08080/a", "https://example.org:8080/a"},
		{"user info dropped", "https://user:pass@example.org/a", "https://example.org/a"},
		{"fragment dropped", "https://example.org/a#comments", "https://example.org/a"},
		{"trailing dot", "https://example.org./a", "https://example.org/a"},
		{"root slash", "https://example.org/", "https://example.org"},
		{"trailing slashes", "https://example.org/a//", "https://example.org/a"},
		{"www", "https://www.example.org/a", "https://example.org/a"},
		{"m", "https://m.example.org/a", "https://example.org/a"},
		{"mobile", "https://mobile.example.org/a", "https://example.org/a"},
		{"mbasic", "https://mbasic.example.org/a", "https://example.org/a"},
		{"m.me keeps its m", "https://m.me/page", "https://m.me/page"},
		{"www only when a dot is left", "https://www.com/a", "https://www.com/a"},
		{"ipv6", "http://[2001:DB8::1]:8080/a", "https://[2001:db8::1]:8080/a"},
		{"not http", "mailto:press@gov.example", "mailto:press@gov.example"},
		{"javascript", "javascript:alert(1)", "javascript:alert(1)"},
		{"plain words", "not a url", "not a url"},
		{"no host", "https:///path", "https:///path"},

		// IDN.
		{"idn to punycode", "https://bücher.example/a", "https://xn--bcher-kva.example/a"},
		{"idn khmer", "http://www.ក្រសួង.example/", "https://xn--i2ei9dua4mxe.example"},
		{"punycode lowercased", "https://XN--BCHER-KVA.example/a", "https://xn--bcher-kva.example/a"},
		{"fullwidth", "https://ｅｘａｍｐｌｅ.org/a", "https://example.org/a"},
		{"escaped host", "https://%65xample.org/a", "https://example.org/a"},

		// Percent-encoding.
		{"unreserved decoded", "https://example.org/%7Euser/%41%2D%5f", "https://example.org/~user/A-_"},
		{"hex uppercased", "https://example.org/a%2fb%c3%a9", "https://example.org/a%2Fb%C3%A9"},
		{"raw utf-8 escaped", "https://example.org/rejetés", "https://example.org/rejet%C3%A9s"},
		{"pchar decoded in path", "https://example.org/%40user%3Ax", "https://example.org/@user:x"},
		{"space", "https://example.org/a b", "https://example.org/a%20b"},
		{"stray percent", "https://example.org/100%/x", "https://example.org/100%25/x"},
		{"dot segments", "https://example.org/a/./b/../c", "https://example.org/a/c"},
		{"escaped dots", "https://example.org/a/%2E%2E/c", "https://example.org/c"},
		{"query escapes", "https://example.org/s?q=%41%2b%26%3d%3f", "https://example.org/s?q=A%2B%26%3D?"},
		{"query plus kept", "https://example.org/s?q=a+b", "https://example.org/s?q=a+b"},

		// Query: tracking removed, the rest sorted.
		{"utm", "https://news.example/a?utm_source=fb&utm_medium=social&id=4", "https://news.example/a?id=4"},
		{"click ids", "https://news.example/a?fbclid=IwAR0x&gclid=Cj0&msclkid=1", "https://news.example/a"},
		{"mailchimp", "https://news.example/a?mc_cid=ab&mc_eid=cd", "https://news.example/a"},
		{"igshid", "https://instagram.com/p/Cx1?igshid=MzRlODBiNWFlZA==", "https://instagram.com/p/Cx1"},
		{"ref and ref_src", "https://news.example/a?ref=hn&ref_src=twsrc%5Etfw", "https://news.example/a"},
		{"facebook cft", "https://www.facebook.com/page?__cft__[0]=AZX&__tn__=%2CO%2CP-R", "https://facebook.com/page"},
		{"mibextid", "https://www.facebook.com/share/p/1AbCdEf/?mibextid=WC7FNe", "https://facebook.com/share/p/1AbCdEf"},
		{"sorted", "https://example.org/s?b=2&a=1&c=3", "https://example.org/s?a=1&b=2&c=3"},
		{"repeated key sorted by value", "https://example.org/s?a=2&a=1", "https://example.org/s?a=1&a=2"},
		{"duplicates once", "https://example.org/s?a=1&a=1", "https://example.org/s?a=1"},
		{"empty value", "https://example.org/s?flag=&x=1", "https://example.org/s?flag&x=1"},
		{"empty pairs", "https://example.org/s?&&a=1&=x", "https://example.org/s?a=1"},
		{"t kept off twitter", "https://video.example/v/9?t=42", "https://video.example/v/9?t=42"},
		{"s kept off twitter", "https://shop.example/search?s=shoes", "https://shop.example/search?s=shoes"},
		{"t and s dropped on twitter", "https://twitter.com/search?q=kh&s=20&t=Zx1", "https://x.com/search?q=kh"},
		{"html-escaped ampersand", "https://example.org/s?a=1&amp;b=2", "https://example.org/s?a=1&b=2"},
		{"re-escaped ampersand", "https://example.org/s?a=1&amp%3Bb=2", "https://example.org/s?a=1&b=2"},

		// Telegram.
		{"telegram", "https://t.me/CambodiaPM/1234", "https://t.me/cambodiapm/1234"},
		{"telegram preview", "https://t.me/s/CambodiaPM/1234", "https://t.me/cambodiapm/1234"},
		{"telegram.me", "http://telegram.me/CambodiaPM/1234", "https://t.me/cambodiapm/1234"},
		{"telegram.dog", "https://telegram.dog/CambodiaPM/1234", "https://t.me/cambodiapm/1234"},
		{"telegram single", "https://t.me/CambodiaPM/1234?single", "https://t.me/cambodiapm/1234"},
		{"telegram embed", "https://t.me/CambodiaPM/1234?embed=1&mode=tme", "https://t.me/cambodiapm/1234"},
		{"telegram comment kept", "https://t.me/CambodiaPM/1234?comment=7", "https://t.me/cambodiapm/1234?comment=7"},
		{"telegram private chat", "https://t.me/c/1234567890/55", "https://t.me/c/1234567890/55"},
		{"telegram channel page", "https://t.me/s/CambodiaPM", "https://t.me/s/CambodiaPM"},
		{"telegram joinchat", "https://t.me/joinchat/AAAAAE", "https://t.me/joinchat/AAAAAE"},

		// Mastodon.
		{"mastodon", "https://mastodon.social/@Gargron/109000000000000001", "https://mastodon.social/@gargron/109000000000000001"},
		{"mastodon users path", "https://mastodon.social/users/Gargron/statuses/109000000000000001", "https://mastodon.social/@gargron/109000000000000001"},
		{"mastodon old web", "https://mastodon.social/web/@Gargron/109000000000000001", "https://mastodon.social/@gargron/109000000000000001"},
		{"mastodon escaped at", "https://mastodon.social/%40Gargron/109000000000000001/", "https://mastodon.social/@gargron/109000000000000001"},
		{"mastodon remote account", "https://mastodon.social/@alice@kolektiva.social/111", "https://mastodon.social/@alice@kolektiva.social/111"},
		{"mastodon activity kept", "https://mastodon.social/users/gargron/statuses/1/activity", "https://mastodon.social/users/gargron/statuses/1/activity"},
		{"mastodon profile", "https://mastodon.social/@Gargron", "https://mastodon.social/@Gargron"},

		// Bluesky.
		{"bluesky", "https://bsky.app/profile/Alice.bsky.social/post/3k2la7kq2ab2c", "https://bsky.app/profile/alice.bsky.social/post/3k2la7kq2ab2c"},
		{"bluesky did", "https://bsky.app/profile/did:plc:z72i7hdynmk6r22z27h6tvur/post/3k2la7kq2ab2c", "https://bsky.app/profile/did:plc:z72i7hdynmk6r22z27h6tvur/post/3k2la7kq2ab2c"},
		{"bluesky escaped did", "https://bsky.app/profile/did%3Aplc%3Az72i7hdynmk6r22z27h6tvur/post/3k2la7kq2ab2c/", "https://bsky.app/profile/did:plc:z72i7hdynmk6r22z27h6tvur/post/3k2la7kq2ab2c"},
		{"bluesky at uri", "at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.post/3k2la7kq2ab2c", "https://bsky.app/profile/did:plc:z72i7hdynmk6r22z27h6tvur/post/3k2la7kq2ab2c"},
		{"bluesky other at uri", "at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.actor.profile/self", "at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.actor.profile/self"},

		// X (Twitter).
		{"twitter status", "https://twitter.com/KhmerTimes/status/1700000000000000001", "https://x.com/i/status/1700000000000000001"},
		{"x status", "https://x.com/KhmerTimes/status/1700000000000000001?s=20&t=AbC", "https://x.com/i/status/1700000000000000001"},
		{"mobile twitter", "https://mobile.twitter.com/KhmerTimes/status/1700000000000000001", "https://x.com/i/status/1700000000000000001"},
		{"twitter photo", "https://twitter.com/KhmerTimes/status/1700000000000000001/photo/1", "https://x.com/i/status/1700000000000000001"},
		{"twitter web status", "https://twitter.com/i/web/status/1700000000000000001", "https://x.com/i/status/1700000000000000001"},
		{"twitter hashbang", "http://twitter.com/#!/KhmerTimes/status/1700000000000000001", "https://x.com/i/status/1700000000000000001"},
		{"twitter profile", "https://twitter.com/KhmerTimes", "https://x.com/KhmerTimes"},

		// Facebook.
		{"fb story", "https://m.facebook.com/story.php?story_fbid=591368902357865&id=100005131420124", "https://facebook.com/100005131420124/posts/591368902357865"},
		{"fb permalink", "https://www.facebook.com/permalink.php?story_fbid=3725489204159777&id=102745626434171", "https://facebook.com/102745626434171/posts/3725489204159777"},
		{"fb permalink without id", "https://www.facebook.com/story.php?story_fbid=3725489204159777&substory_index=0", "https://facebook.com/permalink.php?story_fbid=3725489204159777"},
		{"fb pfbid", "https://www.facebook.com/hunsencambodia/posts/pfbid02cKkwzzYPFTwnVfJRRQbZ6Mj?__cft__[0]=AZ", "https://facebook.com/hunsencambodia/posts/pfbid02cKkwzzYPFTwnVfJRRQbZ6Mj"},
		{"fb web", "https://web.facebook.com/hunsencambodia/posts/123", "https://facebook.com/hunsencambodia/posts/123"},
		{"fb touch", "https://touch.facebook.com/hunsencambodia/posts/123", "https://facebook.com/hunsencambodia/posts/123"},
		{"fb locale", "https://km-kh.facebook.com/hunsencambodia/posts/123", "https://facebook.com/hunsencambodia/posts/123"},
		{"fb comment kept", "https://www.facebook.com/hunsencambodia/posts/123?comment_id=456&__tn__=R", "https://facebook.com/hunsencambodia/posts/123?comment_id=456"},
		{"fb share", "https://www.facebook.com/share/p/1Ab2Cd3Ef/", "https://facebook.com/share/p/1Ab2Cd3Ef"},
		{"fb share video", "https://www.facebook.com/share/v/15XyZ/?mibextid=oFDknk", "https://facebook.com/share/v/15XyZ"},
		{"fb photo.php", "https://www.facebook.com/photo.php?fbid=10222721681573727&set=gm.1&type=3", "https://facebook.com/photo/?fbid=10222721681573727"},
		{"fb photo slug", "https://m.facebook.com/LesPetitsFrenchies/photos/voici-les-designs/5735751069785931/", "https://facebook.com/photo/?fbid=5735751069785931"},
		{"fb watch", "https://www.facebook.com/watch?v=311658803718223&ref=sharing", "https://facebook.com/watch/?v=311658803718223"},
		{"fb video slug", "https://www.facebook.com/InvestigAction/videos/lotan-sallie/487512746078880/?_rdr", "https://facebook.com/watch/?v=487512746078880"},
		{"fb group posts", "https://www.facebook.com/groups/ps.avenches/posts/5477353885670191/", "https://facebook.com/groups/ps.avenches/permalink/5477353885670191"},
		{"fb profile tracking", "https://www.facebook.com/profile.php?id=100012241140363&rc=p&__tn__=R", "https://facebook.com/profile.php?id=100012241140363"},
		{"fb.com", "https://fb.com/hunsencambodia/posts/123", "https://facebook.com/hunsencambodia/posts/123"},
		{"fb.watch kept", "https://fb.watch/abcDEF12/", "https://fb.watch/abcDEF12"},

		// YouTube, Instagram, TikTok.
		{"youtu.be", "https://youtu.be/dQw4w9WgXcQ?si=abc&t=42", "https://youtube.com/watch?v=dQw4w9WgXcQ"},
		{"youtube shorts", "https://www.youtube.com/shorts/dQw4w9WgXcQ", "https://youtube.com/watch?v=dQw4w9WgXcQ"},
		{"youtube watch", "https://m.youtube.com/watch?v=dQw4w9WgXcQ&feature=share&list=PL1", "https://youtube.com/watch?v=dQw4w9WgXcQ"},
		{"instagram reel", "https://www.instagram.com/reel/C1aBcD2eFgH/?igsh=MWQ1", "https://instagram.com/p/C1aBcD2eFgH"},
		{"instagram user post", "https://instagram.com/someone/p/C1aBcD2eFgH/", "https://instagram.com/p/C1aBcD2eFgH"},
		{"tiktok", "https://www.tiktok.com/@Someone/video/7300000000000000000?is_from_webapp=1&sender_device=pc", "https://tiktok.com/@someone/video/7300000000000000000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := URL(tt.in)
			if got != tt.want {
				t.Errorf("URL(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			if again := URL(got); again != got {
				t.Errorf("URL(URL(%q)) = %q, not a fixed point of %q", tt.in, again, got)
			}
		})
	}
}

// equivalent are groups of different URL forms of one post: each must give
// the same canonical form as the group's first.
var equivalent = [][]string{
	{ // Facebook page post, numeric page id (minet fburls.csv rows).
		"https://www.facebook.com/permalink.php?story_fbid=1354978971282622&id=598338556946671",
		"https://m.facebook.com/story.php?story_fbid=1354978971282622&id=598338556946671",
		"https://mbasic.facebook.com/story.php?story_fbid=1354978971282622&id=598338556946671&refid=52&__tn__=%2AW-R",
		"http://facebook.com/598338556946671/posts/1354978971282622/",
		"https://web.facebook.com/598338556946671/posts/1354978971282622?_rdc=1&_rdr",
		"https://www.facebook.com/story.php?story_fbid=1354978971282622&amp;id=598338556946671",
		"https://www.facebook.com/598338556946671/posts/1354978971282622#comments",
	},
	{ // Facebook page post, vanity name in two cases.
		"https://www.facebook.com/DonaldDuck/posts/10158544709064277",
		"https://m.facebook.com/donaldduck/posts/10158544709064277/?app=fbl",
		"https://facebook.com/DONALDDUCK/posts/10158544709064277?__cft__[0]=AZWx&__tn__=%2CO%2CP-R",
	},
	{ // Facebook pfbid post.
		"https://www.facebook.com/permalink.php?story_fbid=pfbid02cKkwzzYPFTwnVfJRRQbZ6MjvtYy2K9AsNehmgnjT3VNrPPDehwXcTHVFNsrad6EXl&amp%3Bid=451772955363043",
		"https://www.facebook.com/451772955363043/posts/pfbid02cKkwzzYPFTwnVfJRRQbZ6MjvtYy2K9AsNehmgnjT3VNrPPDehwXcTHVFNsrad6EXl?mibextid=cr9u03",
	},
	{ // Facebook photo.
		"https://www.facebook.com/photo.php?fbid=10222721681573727",
		"https://www.facebook.com/photo.php?fbid=10222721681573727&set=gm.10157466403417407&type=3",
		"https://www.facebook.com/photo/?fbid=10222721681573727&set=a.1",
		"https://m.facebook.com/photo.php?fbid=10222721681573727&amp%3Bset=a.1&amp%3Btype=3",
		"https://www.facebook.com/someone/photos/a.473101028831/10222721681573727/",
		"https://www.facebook.com/photo?fbid=10222721681573727",
	},
	{ // Facebook video.
		"https://www.facebook.com/watch/?v=311658803718223",
		"https://www.facebook.com/108824017345866/videos/311658803718223",
		"https://m.facebook.com/108824017345866/videos/311658803718223/",
		"https://www.facebook.com/somepage/videos/a-long-title/311658803718223/?_rdr",
		"https://www.facebook.com/video.php?v=311658803718223",
		"https://www.facebook.com/watch?v=311658803718223&ref=sharing",
	},
	{ // Facebook group post.
		"https://www.facebook.com/groups/159674260852951/permalink/1786992671454427/",
		"https://m.facebook.com/groups/159674260852951/posts/1786992671454427/",
		"https://www.facebook.com/groups/159674260852951?view=permalink&id=1786992671454427",
		"https://www.facebook.com/groups/159674260852951/?multi_permalinks=1786992671454427&ref=share",
	},
	{ // Facebook profile with a mistyped locale host pasted as a path.
		"https://www.facebook.com/naat.ouhafs.92?rc=p&__tn__=R",
		"http://fr-fr.facebook.com/naat.ouhafs.92?rc=p&__tn__=R",
		"https://www.facebook.com/fr-fr.facebook.com/naat.ouhafs.92?rc=p&__tn__=R",
		"https://facebook.com/naat.ouhafs.92",
	},
	{ // Telegram message.
		"https://t.me/FreshNewsAsia/44521",
		"https://t.me/s/FreshNewsAsia/44521",
		"http://telegram.me/freshnewsasia/44521",
		"https://t.me/FreshNewsAsia/44521?single",
		"https://t.me/FreshNewsAsia/44521?embed=1&userpic=true",
		"t.me/freshnewsasia/44521/",
	},
	{ // Mastodon status.
		"https://mastodon.social/@Gargron/109000000000000001",
		"https://mastodon.social/users/Gargron/statuses/109000000000000001",
		"https://mastodon.social/web/@gargron/109000000000000001",
		"http://www.mastodon.social/@gargron/109000000000000001/",
	},
	{ // Bluesky post.
		"https://bsky.app/profile/alice.bsky.social/post/3k2la7kq2ab2c",
		"https://bsky.app/profile/Alice.bsky.social/post/3k2la7kq2ab2c/",
		"https://bsky.app/profile/alice.bsky.social/post/3k2la7kq2ab2c?ref_src=embed",
	},
	{ // X status.
		"https://x.com/i/status/1700000000000000001",
		"https://twitter.com/KhmerTimes/status/1700000000000000001",
		"https://mobile.twitter.com/khmertimes/status/1700000000000000001?ref_src=twsrc%5Etfw",
		"https://x.com/SomeoneElse/status/1700000000000000001/photo/2?s=46&t=Zx",
		"https://twitter.com/i/web/status/1700000000000000001",
		"https://www.twitter.com/#!/KhmerTimes/status/1700000000000000001",
		"https://fxtwitter.com/KhmerTimes/status/1700000000000000001",
	},
	{ // YouTube video.
		"https://www.youtube.com/watch?v=dQw4w9WgXcQ",
		"https://youtu.be/dQw4w9WgXcQ",
		"https://m.youtube.com/watch?v=dQw4w9WgXcQ&feature=youtu.be&t=10",
		"https://www.youtube.com/shorts/dQw4w9WgXcQ",
		"https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
	},
	{ // A news article.
		"https://www.khmertimeskh.com/501234567/some-story/?utm_source=facebook&utm_medium=social&fbclid=IwAR3x",
		"http://khmertimeskh.com/501234567/some-story",
		"https://KHMERTIMESKH.COM:443/501234567/some-story/#top",
	},
}

func TestURL_Equivalent(t *testing.T) {
	pairs := 0
	for _, group := range equivalent {
		want := URL(group[0])
		for _, in := range group[1:] {
			pairs++
			if got := URL(in); got != want {
				t.Errorf("URL(%q)\n got %q\nwant %q (the form of %q)", in, got, want, group[0])
			}
		}
	}
	if pairs < 25 {
		t.Errorf("only %d pairs of equivalent forms", pairs)
	}
}

// Different posts must stay different.
func TestURL_Distinct(t *testing.T) {
	distinct := [][2]string{
		{"https://facebook.com/page/posts/1", "https://facebook.com/page/posts/2"},
		{"https://facebook.com/page/posts/1", "https://facebook.com/page/posts/1?comment_id=5"},
		{"https://facebook.com/share/p/AbC", "https://facebook.com/share/p/abc"},
		{"https://t.me/chan/1", "https://t.me/chan/10"},
		{"https://t.me/c/1/2", "https://t.me/chan/2"},
		{"https://mastodon.social/@a/1", "https://mastodon.online/@a/1"},
		{"https://bsky.app/profile/a.bsky.social/post/3k", "https://bsky.app/profile/a.bsky.social/post/3K"},
		{"https://video.example/v?t=1", "https://video.example/v?t=2"},
		{"https://example.org/a%2Fb", "https://example.org/a/b"},
		{"https://example.org/s?q=a%2Bb", "https://example.org/s?q=a+b"},
		{"https://example.org/Path", "https://example.org/path"},
		{"https://example.org:8080/a", "https://example.org/a"},
	}
	for _, d := range distinct {
		if a, b := URL(d[0]), URL(d[1]); a == b {
			t.Errorf("URL(%q) == URL(%q) == %q; want them apart", d[0], d[1], a)
		}
	}
}

func TestKey(t *testing.T) {
	tests := []struct {
		in, platform, id string
	}{
		{"https://www.facebook.com/permalink.php?story_fbid=3725489204159777&id=102745626434171", Facebook, "3725489204159777"},
		{"https://m.facebook.com/hunsencambodia/posts/pfbid0soaW7kx", Facebook, "pfbid0soaW7kx"},
		{"https://www.facebook.com/story.php?story_fbid=3725489204159777", Facebook, "3725489204159777"},
		{"https://www.facebook.com/groups/ps.avenches/permalink/5477353885670191/", Facebook, "5477353885670191"},
		{"https://www.facebook.com/photo.php?fbid=10222721681573727&set=a.1", Facebook, "10222721681573727"},
		{"https://www.facebook.com/santeplusmag/photos/a.309641465765319/4406607732735318", Facebook, "4406607732735318"},
		{"https://www.facebook.com/108824017345866/videos/311658803718223", Facebook, "311658803718223"},
		{"https://www.facebook.com/reel/1234567890", Facebook, "1234567890"},
		{"https://www.facebook.com/share/p/1Ab2Cd3Ef/?mibextid=WC7FNe", Facebook, "share/p/1Ab2Cd3Ef"},
		{"https://fb.watch/abcDEF12/", Facebook, "fb.watch/abcDEF12"},
		{"https://t.me/s/FreshNewsAsia/44521", Telegram, "freshnewsasia/44521"},
		{"https://t.me/c/1234567890/55", Telegram, "c/1234567890/55"},
		{"https://mastodon.social/users/Gargron/statuses/109000000000000001", Mastodon, "mastodon.social/109000000000000001"},
		{"https://bsky.app/profile/Alice.bsky.social/post/3k2la7kq2ab2c", Bluesky, "at://alice.bsky.social/app.bsky.feed.post/3k2la7kq2ab2c"},
		{"at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.post/3k2la7kq2ab2c", Bluesky, "at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.post/3k2la7kq2ab2c"},
		{"https://twitter.com/KhmerTimes/status/1700000000000000001?s=20", X, "1700000000000000001"},
		{"https://youtu.be/dQw4w9WgXcQ", YouTube, "dQw4w9WgXcQ"},
		{"https://www.instagram.com/reel/C1aBcD2eFgH/", Instagram, "C1aBcD2eFgH"},
		{"https://www.tiktok.com/@someone/video/7300000000000000000", TikTok, "7300000000000000000"},
		// A self-hosted instance on another port: the port is part of it.
		{"https://social.example:8443/@a/1", Mastodon, "social.example:8443/1"},

		// Not one post.
		{"https://www.facebook.com/hunsencambodia", "", ""},
		{"https://www.facebook.com/profile.php?id=100012241140363", "", ""},
		{"https://www.facebook.com/groups/159674260852951", "", ""},
		{"https://www.facebook.com/hunsencambodia/posts/123?comment_id=456", "", ""},
		{"https://www.facebook.com/people/Clare-Roche/100020635422861", "", ""},
		{"https://t.me/s/FreshNewsAsia", "", ""},
		{"https://t.me/FreshNewsAsia/44521?comment=3", "", ""},
		{"https://t.me/joinchat/12345", "", ""},
		{"https://mastodon.social/@Gargron", "", ""},
		{"https://x.com/KhmerTimes", "", ""},
		{"https://bsky.app/profile/alice.bsky.social", "", ""},
		{"https://lemonde.fr/path", "", ""},
		{"https://news.example/@desk/123?page=2", "", ""},
		{"https://facebook.com:8443/hunsencambodia/posts/123", "", ""},
		{"not a url", "", ""},
		{"", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			platform, id, ok := Key(tt.in)
			if ok != (tt.platform != "") || platform != tt.platform || id != tt.id {
				t.Errorf("Key(%q) = %q, %q, %v; want %q, %q, %v", tt.in, platform, id, ok, tt.platform, tt.id, tt.platform != "")
			}
		})
	}
}

// Every form of one post has the post's key.
func TestKey_Equivalent(t *testing.T) {
	for _, group := range equivalent {
		p0, id0, ok0 := Key(group[0])
		for _, in := range group[1:] {
			if p, id, ok := Key(in); p != p0 || id != id0 || ok != ok0 {
				t.Errorf("Key(%q) = %q, %q, %v; want %q, %q, %v as for %q", in, p, id, ok, p0, id0, ok0, group[0])
			}
		}
	}
}

func BenchmarkURL(b *testing.B) {
	in := "https://m.facebook.com/story.php?story_fbid=1354978971282622&id=598338556946671&__tn__=%2AW-R&refid=52"
	for b.Loop() {
		URL(in)
	}
}
