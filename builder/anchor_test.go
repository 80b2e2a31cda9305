package builder

import (
	"path/filepath"
	"strings"
	"testing"
)

// githubAnchors lists headings, in the order they appear on one page,
// with the anchor GitHub gives each: the rules and fixtures of
// github-slugger, which GitHub's renderer follows (lower case; punctuation
// and symbols removed except '-' and '_'; each space a '-'; letters of
// every script kept; a repeated anchor gets -1, -2…).
var githubAnchors = []struct{ heading, anchor string }{
	{"alpha", "alpha"},
	{"alpha", "alpha-1"},
	{"bravoCharlieDelta", "bravocharliedelta"},
	{"`__proto__`", "__proto__"},
	{"`__proto__`", "__proto__-1"},
	{"echo", "echo"},
	{"echo", "echo-1"},
	{"echo 1", "echo-1-1"},
	{"echo-1", "echo-1-2"},
	{"echo", "echo-2"},
	{"foxtrot-1", "foxtrot-1"},
	{"foxtrot", "foxtrot"},
	{"foxtrot", "foxtrot-2"},
	{"heading with a - dash", "heading-with-a---dash"},
	{"heading with an _ underscore", "heading-with-an-_-underscore"},
	{"heading with a period.txt", "heading-with-a-periodtxt"},
	{"exchange.bind_headers(exchange, routing [, bindCallback])", "exchangebind_headersexchange-routing--bindcallback"},
	{"apostrophe’s should be trimmed", "apostrophes-should-be-trimmed"},
	{"I ♥ unicode", "i--unicode"},
	{"en–dash", "endash"},
	{"em—dash", "emdash"},
	{"😄 unicode emoji", "-unicode-emoji"},
	{"😄-😄 unicode emoji", "--unicode-emoji"},
	{"😄_😄 unicode emoji", "_-unicode-emoji"},
	{":smile: - a gemoji", "smile---a-gemoji"},
	{"Привет", "привет"},
	{"Привет non-latin 你好", "привет-non-latin-你好"},
	{":ok_hand::hatched_chick: Two in a row with no spaces", "ok_handhatched_chick-two-in-a-row-with-no-spaces"},
	{"a) ] } 」 ）b", "a----b"},
	{"a‿ ⁀ ＿b", "a‿-⁀-＿b"},
	{"c$ € ¥d", "c--d"},
	{"a0 1 ٢ ४b", "a0-1-٢-४b"},
	{"x² ½ ①y", "x--y"},
	{"aⅠ Ⅻ 〇b", "aⅰ-ⅻ-〇b"},
	{"à ̅ ̋b", "à-̅-̋b"},
	{"Ⓐ ⓩ", "ⓐ-ⓩ"},
	{"q« ‘ “r", "q--r"},
	{"a+ < = ~b", "a---b"},
	// Markdown around the text: GitHub takes the text as rendered, but
	// dashes and quotes as written ("--" is not turned into one dash).
	{"Day 1 -- Monday", "day-1----monday"},
	{"What's new? (2024)", "whats-new-2024"},
	{"**Bold** and [a link](x.md) and `code`", "bold-and-a-link-and-code"},
	{"C++ / Go setup", "c--go-setup"},
	{"Learning budget (€1,000/year)", "learning-budget-1000year"},
	{"Før og efter: Überstunden", "før-og-efter-überstunden"},
}

// TestGitHubAnchors renders every heading of githubAnchors on one page
// with kb's Markdown and compares each heading's ID with GitHub's.
func TestGitHubAnchors(t *testing.T) {
	var page strings.Builder
	for _, h := range githubAnchors {
		page.WriteString("## " + h.heading + "\n\n")
	}
	res, dest := mustBuild(t, site(t, map[string]string{"README.md": "# Home\n\n[anchors](anchors.md)\n", "anchors.md": page.String()}))
	p := res.Site.PageByPath("anchors.md")
	if len(p.Headings) != len(githubAnchors) {
		t.Fatalf("%d headings, want %d", len(p.Headings), len(githubAnchors))
	}
	html := readFile(t, filepath.Join(dest, "anchors/index.html"))
	for i, h := range githubAnchors {
		if got := p.Headings[i].ID; got != h.anchor {
			t.Errorf("## %s: ID %q, want GitHub's %q", h.heading, got, h.anchor)
		}
		if !strings.Contains(html, `id="`+h.anchor+`"`) {
			t.Errorf("## %s: the page has no id=%q", h.heading, h.anchor)
		}
	}
}

// TestGitHubSlug checks the slug alone, before repeated anchors are
// numbered, including the spaces that only an entity can put at a
// heading's ends.
func TestGitHubSlug(t *testing.T) {
	for in, want := range map[string]string{
		"What we learned in Q3!": "what-we-learned-in-q3",
		"Coördinatie & overleg":  "coördinatie--overleg",
		"Wat gaat er mis?":       "wat-gaat-er-mis",
		"Emoji 🎉 party":          "emoji--party",
		" ":                      "-",
		" a ":                    "-a-",
		"-a-":                    "-a-",
		"a\u2028b":               "ab",
		"a\u00a0b":               "ab",
		"a\u200bb":               "ab",
	} {
		if got := GitHubSlug(in); got != want {
			t.Errorf("GitHubSlug(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestAnchorResolution links to headings the ways GitHub resolves them
// and checks each link is rewritten to the heading's real ID, and that
// only an anchor no heading has is reported.
func TestAnchorResolution(t *testing.T) {
	src := site(t, map[string]string{
		"README.md": "# Home\n\n" +
			"[a](guide.md#Birthday-Gift-Budget) [b](guide.md#user-content-birthday-gift-budget) " +
			"[c](guide.md#WHATS-NEW-2024) [d](#Intro) [e](guide.md#Custom_ID) [f](guide.md#day-1----monday) " +
			"[g](guide.md#no-such-heading) [h](guide.md#heading=h.abc123)\n\n## Intro\n",
		"guide.md": "# Guide\n\n## Birthday gift budget\n\n## What's new? (2024)\n\n## Named {#Custom_ID}\n\n## Day 1 -- Monday\n",
	})
	res, dest, _ := build(t, src, func(o *Options) { o.Check = true })
	_ = dest
	got := diagStrings(res.Diagnostics)
	want := `README.md:3:179: warning: broken link "guide.md#no-such-heading": guide.md has no heading #no-such-heading [broken-anchor]
README.md:3:209: warning: link "guide.md#heading=h.abc123": #heading=h.abc123 is not a heading: it looks like a bookmark of the document the link was copied from [broken-anchor]
`
	if got != want {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", got, want)
	}
	res, dest = mustBuild(t, src)
	home := readFile(t, filepath.Join(dest, "index.html"))
	for _, href := range []string{
		"/guide/#birthday-gift-budget", "/guide/#birthday-gift-budget", "/guide/#whats-new-2024", "/#intro",
		"/guide/#Custom_ID", "/guide/#day-1----monday",
	} {
		if !strings.Contains(home, `href="`+href+`"`) {
			t.Errorf("home page lacks href=%q", href)
		}
	}
	// With site.yaml, a missing heading is an error; a bookmark stays a
	// warning.
	writeFile(t, filepath.Join(src, "site.yaml"), "title: Anchors\n")
	res, _, _ = build(t, src, func(o *Options) { o.Check = true })
	if res.Diagnostics.Errors() != 1 || res.Diagnostics.Warnings() != 1 {
		t.Errorf("with site.yaml:\n%s", diagStrings(res.Diagnostics))
	}
}

// A link may lead to a raw HTML anchor kept on the page (<a id>, <a name>,
// as handbooks keep an old permalink), by its exact ID or as GitHub finds
// it; an ID the sanitizer drops is no anchor.
func TestBuild_RawHTMLAnchors(t *testing.T) {
	src := site(t, map[string]string{
		"README.md": "# Home\n\nSee [test code](guide.md#test_code), [old](guide.md#Old-Name), [named](guide.md#legacy) and [gone](guide.md#dropped).\n",
		"guide.md":  "# Guide\n\n## Keep tests close\n\n<a id=\"test_code\"></a> <!-- the old permalink -->\n\nText <a name=\"legacy\"></a> and <a id=\"old-name\"></a>.\n\n<div id=\"dropped\">gone</div>\n",
	})
	res, dest := mustBuild(t, src)
	got := diagStrings(res.Diagnostics)
	if want := `README.md:3:93: warning: broken link "guide.md#dropped": guide.md has no heading #dropped [broken-anchor]`; strings.TrimSpace(got) != want {
		t.Errorf("diagnostics:\n%s\nwant only:\n%s", got, want)
	}
	home := readFile(t, filepath.Join(dest, "index.html"))
	for _, want := range []string{`href="/guide/#test_code"`, `href="/guide/#old-name"`, `href="/guide/#legacy"`} {
		if !strings.Contains(home, want) {
			t.Errorf("home lacks %s", want)
		}
	}
	guide := readFile(t, filepath.Join(dest, "guide/index.html"))
	for _, want := range []string{`id="test_code"`, `name="legacy"`, `id="old-name"`} {
		if !strings.Contains(guide, want) {
			t.Errorf("guide lacks %s", want)
		}
	}
}

// #top (HTML's top of the document) and #readme (the rendered file on
// GitHub, as handbooks' indexes link their pages) lead to the top of any
// page; other anchors still need a heading.
func TestBuild_TopAnchors(t *testing.T) {
	src := site(t, map[string]string{
		"README.md": "# Home\n\n- [Guide](guide.md#readme)\n- [Top](guide.md#top)\n- [Up](#TOP)\n- [Nowhere](guide.md#readmes)\n",
		"guide.md":  "# Guide\n\nText.\n",
	})
	res, _ := mustBuild(t, src)
	got := strings.TrimSpace(diagStrings(res.Diagnostics))
	if want := `README.md:6:3: warning: broken link "guide.md#readmes": guide.md has no heading #readmes [broken-anchor]`; got != want {
		t.Errorf("diagnostics:\n%s\nwant only:\n%s", got, want)
	}
}

// A link's destination is read as the browser gets it: backslash escapes
// and entity references resolved, so links written that way lead to their
// pages and headings (free-programming-books writes #1---agn&#x00F3;sticos).
func TestBuild_EscapedLinkDestinations(t *testing.T) {
	src := site(t, map[string]string{
		"README.md": "# Home\n\n## 1 - Agnósticos\n\n[x](#1---agn&#x00F3;sticos) [y](a\\_b.md) [z](q&amp;a.md) [w](guide.md#caf&eacute;)\n",
		"a_b.md":    "# AB\n\nText.\n",
		"q&a.md":    "# Q and A\n\nText.\n",
		"guide.md":  "# Guide\n\n## Café\n\nText.\n",
	})
	res, dest := mustBuild(t, src)
	if got := diagStrings(res.Diagnostics); got != "" {
		t.Errorf("diagnostics:\n%s", got)
	}
	home := readFile(t, filepath.Join(dest, "index.html"))
	for _, want := range []string{`href="/#1---agn%C3%B3sticos"`, `href="/a-b/"`, `href="/q-a/"`, `href="/guide/#caf%C3%A9"`} {
		if !strings.Contains(home, want) {
			t.Errorf("home lacks %s", want)
		}
	}
}
