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
// need escaping, an image, a link in the title heading. A page with raw
// HTML is parsed again, and so is one whose own text looks like a marker.
func TestPreRender_SameAsParsedAgain(t *testing.T) {
	src := site(t, map[string]string{
		"README.md": "# Home\n\n[A](a.md), [its steps](a.md#Steps-to-take), [guide](docs/guide.md \"The guide\"), " +
			"![Logo](img/logo.png), [gone](gone%20page.md?a=1&b=&lt;2&gt;), [spaced](docs/two%20words.md), [query](a.md?x=1&y=%3C2%3E) and [here](#home).\n",
		"a.md":              "---\ntitle: A\n---\n\nAlpha.\n\n## Steps to take\n\n1. [Home](README.md)\n",
		"docs/guide.md":     "# Guide to [A](../a.md) & more\n\nText with ![](../img/logo.png \"no alt\").\n",
		"docs/two words.md": "# Two words\n\n[Up](../README.md)\n",
		"raw.md":            "# Raw\n\n<p>See <a href=\"a.md\">A</a>.</p>\n\n[A](a.md)\n",
		"marker.md":         "# Marker\n\nA marker as text: " + linkMarkerOpen + "0" + linkMarkerClose + " and [A](a.md).\n",
		"img/logo.png":      "png",
	})
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
		if got, wantPre := p.pre != nil, p.Path != "raw.md"; got != wantPre {
			t.Errorf("%s: rendered as loaded: %v, want %v", p.Path, got, wantPre)
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
