package builder

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestPreRender_SameAsParsedAgain: a build of its own renders each body as
// it loads the page, its links' destinations filled in once resolved, and
// writes every file as a build that parses each page again to render it:
// links resolved to pages, anchors and static files, destinations that
// need escaping, an image, a link in the title heading; references in raw
// HTML (a link, images, a srcset, one in the title heading) and the links
// of a page whose HTML is balanced, written as x/net/html writes them. A
// page whose own text looks like a marker, and one whose raw HTML keeps a
// reference as written, fall back to being parsed again.
func TestPreRender_SameAsParsedAgain(t *testing.T) {
	src := site(t, map[string]string{
		"README.md": "# Home\n\n[A](a.md), [its steps](a.md#Steps-to-take), [guide](docs/guide.md \"The guide\"), " +
			"![Logo](img/logo.png), [gone](gone%20page.md?a=1&b=&lt;2&gt;), [spaced](docs/two%20words.md), [query](a.md?x=1&y=%3C2%3E) and [here](#home).\n",
		"a.md":              "---\ntitle: A\n---\n\nAlpha.\n\n## Steps to take\n\n1. [Home](README.md)\n",
		"docs/guide.md":     "# Guide to [A](../a.md) & more\n\nText with ![](../img/logo.png \"no alt\").\n",
		"docs/two words.md": "# Two words\n\n[Up](../README.md)\n",
		"raw.md": "# Raw\n\n<p>See <a href=\"a.md#Steps-to-take\">A</a> and <img src=\"img/logo.png\" alt=\"Logo\"> " +
			"<picture><source srcset=\"img/logo.png 1x, img/logo.png 2x\"><img src=\"img/logo.png\" alt=\"L\"></picture>.</p>\n\n" +
			"[A](a.md), [gone](gone.md?it's&x) and [up](README.md \"it's home\").\n",
		"rawgone.md":   "# Raw, unresolved\n\n<p>See <a href='gone.md' title=x>gone</a>.</p>\n\n[A](a.md)\n",
		"rawh1.md":     "# Title <a href=\"a.md\">with A</a>\n\n<b>bold</b> and [A](a.md).\n",
		"marker.md":    "# Marker\n\nA marker as text: " + linkMarkerOpen + "0" + linkMarkerClose + " and [A](a.md).\n",
		"img/logo.png": "png",
	})
	got := samePreRendered(t, src)
	home := string(got["index.html"])
	for _, href := range []string{`href="/a/"`, `href="/a/#steps-to-take"`, `href="/docs/guide/" title="The guide"`, `src="/img/logo.png"`,
		`href="/docs/two-words/"`, `href="/#home"`} {
		if !strings.Contains(home, href) {
			t.Errorf("the home page lacks %s", href)
		}
	}
	if !strings.Contains(string(got["marker/index.html"]), "A marker as text: "+linkMarkerOpen+"0"+linkMarkerClose+" and") {
		t.Errorf("the marker page lost its text:\n%s", got["marker/index.html"])
	}
	for name, data := range got {
		if bytes.Contains(data, []byte(`="`+linkMarkerOpen)) {
			t.Errorf("%s has a marker for a destination", name)
		}
	}
}

// samePreRendered builds src twice, parsing pages again and rendering
// them as loaded, checks that every page was rendered as loaded and that
// the files are the same, and returns them.
func samePreRendered(t *testing.T, src string) map[string][]byte {
	t.Helper()
	load := func(noPreRender bool) (*Site, *Theme) {
		s, theme, ds, err := Load(context.Background(), Options{Source: src, Now: testNow, oneShot: true, noPreRender: noPreRender})
		if err != nil || ds.Errors() > 0 {
			t.Fatalf("load: %v\n%s", err, diagStrings(ds))
		}
		t.Cleanup(s.Close)
		return s, theme
	}
	write := func(s *Site, theme *Theme) map[string][]byte {
		w := &diffWriter{}
		if _, ds, err := s.write(context.Background(), theme, w, nil); err != nil || ds.Errors() > 0 {
			t.Fatalf("write: %v\n%s", err, diagStrings(ds))
		}
		return w.files
	}
	again, againTheme := load(true)
	want := write(again, againTheme)
	pre, theme := load(false)
	for _, p := range pre.Pages {
		if p.pre == nil {
			t.Errorf("%s: not rendered as loaded", p.Path)
		}
		if p.pre != nil && (p.src != nil || p.doc != nil) {
			t.Errorf("%s: kept its source or syntax tree", p.Path)
		}
	}
	got := write(pre, theme)
	if len(got) != len(want) {
		t.Errorf("%d files, want %d", len(got), len(want))
	}
	for name, data := range want {
		if !bytes.Equal(got[name], data) {
			t.Errorf("%s differs from the build that parsed pages again:\n%s\nwant:\n%s", name, got[name], data)
		}
	}
	return got
}

// TestPreRender_UnsafeHTML: with unsafe_html, raw HTML is neither
// sanitised nor balanced; its references and the page's links are filled
// in as a build that parses pages again writes them.
func TestPreRender_UnsafeHTML(t *testing.T) {
	got := samePreRendered(t, site(t, map[string]string{
		"site.yaml": "title: Unsafe\nmarkdown:\n  unsafe_html: true\n",
		"content/a.md": "---\ntitle: A\n---\n\n## Steps to take\n\n<p style=\"color: red\">See <a href=\"b.md#part\">B</a> " +
			"<img src=\"img/logo.png\" alt=\"Logo\">.</p>\n\n[B](b.md \"it's B\")\n",
		"content/b.md":         "# B <a href=\"a.md\">to A</a>\n\n## Part\n\n<div>[A](a.md)</div>\n\n[A's steps](a.md#steps-to-take)\n",
		"content/img/logo.png": "png",
	}))
	if a := string(got["a/index.html"]); !strings.Contains(a, `<p style="color: red">See <a href="/b/#part">B</a>`) {
		t.Errorf("a's raw HTML:\n%s", a)
	}
}
