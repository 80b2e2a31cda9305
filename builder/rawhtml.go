package builder

import (
	"bytes"
	"io"
	"regexp"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Raw HTML in Markdown is kept the way GitHub keeps it: every fragment
// goldmark hands over (a block, or one inline tag) goes through an
// allow-list sanitizer, and a page with raw HTML is parsed once more as a
// whole and written out balanced, so no tag of it can close or leak out of
// the element the theme puts the body in. Relative src, srcset and href
// attributes of what is kept become links of the page, resolved and checked
// like Markdown links. With markdown.unsafe_html raw HTML is trusted and only
// its links are rewritten.

// rawHTMLPolicy returns the sanitizer shared by every build: GitHub's
// allow-list of elements and attributes, without style, classes, event
// handlers, frames, forms or script, and with URLs limited to http, https,
// mailto and relative references.
var rawHTMLPolicy = sync.OnceValue(func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("b", "i", "strong", "em", "del", "ins", "s", "strike", "u", "mark", "small", "tt", "var", "samp",
		"br", "hr", "wbr", "sup", "sub", "kbd", "p", "div", "span", "bdo", "dfn", "time",
		"h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "pre", "code",
		"details", "summary", "abbr", "q", "cite", "figure", "figcaption", "ruby", "rt", "rp",
		"table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "colgroup", "col", "picture")
	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowRelativeURLs(true)
	p.RequireParseableURLs(true)
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("name", "id").Matching(rawIDRE).OnElements("a")
	p.AllowAttrs("src").OnElements("img", "source")
	p.AllowAttrs("srcset").Matching(srcsetRE).OnElements("img", "source")
	p.AllowAttrs("width", "height").Matching(bluemonday.NumberOrPercent).OnElements("img", "source", "td", "th", "col", "table")
	p.AllowAttrs("alt").OnElements("img")
	p.AllowAttrs("media", "type").Matching(mediaRE).OnElements("source")
	p.AllowAttrs("align").Matching(regexp.MustCompile(`^(?i)(left|right|center|justify|top|middle|bottom)$`)).Globally()
	p.AllowAttrs("valign").Matching(regexp.MustCompile(`^(?i)(top|middle|bottom|baseline)$`)).OnElements("td", "th", "tr")
	p.AllowAttrs("colspan", "rowspan", "span").Matching(bluemonday.Integer).OnElements("td", "th", "col", "colgroup")
	p.AllowAttrs("scope").Matching(regexp.MustCompile(`^(?i)(row|col|rowgroup|colgroup)$`)).OnElements("th")
	p.AllowAttrs("open").Matching(regexp.MustCompile(`^(?i)(open)?$`)).OnElements("details")
	p.AllowAttrs("cite").OnElements("blockquote", "q", "del", "ins")
	p.AllowAttrs("datetime").Matching(bluemonday.ISO8601).OnElements("time", "del", "ins")
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	p.AllowAttrs("type").Matching(regexp.MustCompile(`^(1|a|A|i|I|disc|circle|square)$`)).OnElements("ol", "ul", "li")
	p.AllowAttrs("title").Globally()
	p.AllowAttrs("lang").Matching(regexp.MustCompile(`^[a-zA-Z]{2,8}(-[a-zA-Z0-9]{1,8})*$`)).Globally()
	p.AllowAttrs("dir").Matching(bluemonday.Direction).Globally()
	p.AllowNoAttrs().OnElements("details", "summary", "picture", "span", "div")
	return p
})

var (
	// rawIDRE is what an anchor's id or name may be: letters, digits, '-'
	// and '_', starting with a letter or digit (so no name clobbers a
	// script's "__" globals).
	rawIDRE = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_-]*$`)
	// srcsetRE is a srcset whose every URL is http(s) or relative.
	srcsetRE = regexp.MustCompile(`^\s*(?:https?://[^\s,]+|[^\s,:]+)(?:\s+[0-9.]+[wx])?\s*(?:,\s*(?:https?://[^\s,]+|[^\s,:]+)(?:\s+[0-9.]+[wx])?\s*)*$`)
	// mediaRE is a media query or a MIME type: no quotes, brackets or
	// backslashes.
	mediaRE = regexp.MustCompile(`^[a-zA-Z0-9 ,.:/()+_-]*$`)
)

// rawFragment is one raw HTML node as it is published: sanitised (or, with
// unsafe HTML, as written), with the URLs of its local references replaced
// once the site resolves them.
type rawFragment struct {
	html []byte
	// hrefs holds the published URL of each local reference, in the
	// order refs finds them; "" keeps the reference as written.
	hrefs []string
}

// rawFragmentAttr is the attribute of a RawHTML or HTMLBlock node that
// holds its *rawFragment.
var rawFragmentAttr = []byte("kb-raw-fragment")

// rawDocAttr marks a document that has raw HTML to balance.
var rawDocAttr = []byte("kb-raw-html")

// rawSource returns the HTML of a RawHTML or HTMLBlock node as written, and
// the source offset of each of its bytes' segment starts (to place links).
func rawSource(n ast.Node, src []byte) ([]byte, []text.Segment) {
	var segs []text.Segment
	switch n := n.(type) {
	case *ast.RawHTML:
		for i := 0; i < n.Segments.Len(); i++ {
			segs = append(segs, n.Segments.At(i))
		}
	case *ast.HTMLBlock:
		for i := 0; i < n.Lines().Len(); i++ {
			segs = append(segs, n.Lines().At(i))
		}
		if n.HasClosure() {
			segs = append(segs, n.ClosureLine)
		}
	}
	var b []byte
	for _, s := range segs {
		b = append(b, s.Value(src)...)
	}
	return b, segs
}

// collectRaw sanitises a raw HTML node (unless unsafe), keeps the result on
// the node and records its local references as links of the page.
func (info *docInfo) collectRaw(doc *ast.Document, n ast.Node, src []byte, unsafe bool) {
	raw, segs := rawSource(n, src)
	frag := &rawFragment{html: raw}
	if !unsafe {
		frag.html = rawHTMLPolicy().SanitizeBytes(raw)
		doc.SetAttribute(rawDocAttr, true)
	}
	n.SetAttribute(rawFragmentAttr, frag)
	info.anchors = append(info.anchors, rawAnchors(frag.html)...)
	// Positions are in the source as written: the sanitiser keeps the
	// references it lets through in order, so each is found there again.
	type written struct {
		ref string
		off int
	}
	var asWritten []written
	rawRefs(raw, func(_ *html.Token, ref string, off int) string {
		asWritten = append(asWritten, written{ref, off})
		return ""
	})
	rawRefs(frag.html, func(t *html.Token, ref string, _ int) string {
		i := len(frag.hrefs)
		frag.hrefs = append(frag.hrefs, "")
		off := 0
		for k, w := range asWritten {
			if w.ref == ref {
				off, asWritten = w.off, asWritten[k+1:]
				break
			}
		}
		if !isLocalRef(ref) {
			return ""
		}
		line, col := offsetPos(src, segmentOffset(segs, off))
		l := &Link{Dest: ref, Line: line, Col: col, node: n, raw: frag, rawIndex: i}
		switch t.DataAtom {
		case atom.Img:
			l.Image, l.Alt = true, attrValue(t, "alt")
		case atom.Source:
			l.Image, l.Alt = true, "(the picture's img has the text)"
		}
		info.links = append(info.links, l)
		return ""
	})
}

// rawAnchors returns the IDs of the elements of a raw HTML fragment, and
// the names of its <a> elements: where a link's #anchor may lead.
func rawAnchors(frag []byte) []string {
	var out []string
	z := html.NewTokenizer(bytes.NewReader(frag))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return out
		case html.StartTagToken, html.SelfClosingTagToken:
			t := z.Token()
			for _, a := range t.Attr {
				if a.Key == "id" || a.Key == "name" && t.DataAtom == atom.A {
					out = append(out, a.Val)
				}
			}
		}
	}
}

func attrValue(t *html.Token, name string) string {
	for _, a := range t.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

// segmentOffset maps an offset into the concatenated segments to a source
// offset.
func segmentOffset(segs []text.Segment, off int) int {
	for _, s := range segs {
		if off < s.Len() {
			return s.Start + off
		}
		off -= s.Len()
	}
	if len(segs) > 0 {
		return segs[len(segs)-1].Stop
	}
	return 0
}

// refsIn returns the references an attribute holds: a src or href, or each
// URL of a srcset.
func refsIn(a html.Attribute) []string {
	switch a.Key {
	case "src", "href":
		return []string{strings.TrimSpace(a.Val)}
	case "srcset":
		var refs []string
		for _, c := range strings.Split(a.Val, ",") {
			if f := strings.Fields(c); len(f) > 0 {
				refs = append(refs, f[0])
			}
		}
		return refs
	}
	return nil
}

// rawRefs calls fn with every reference in h, its tag and the byte offset
// of the tag, in order, and replaces each reference by what fn returns unless that
// is "". It returns h with the replacements.
func rawRefs(h []byte, fn func(t *html.Token, ref string, off int) string) []byte {
	off := 0
	z := html.NewTokenizer(bytes.NewReader(h))
	var out bytes.Buffer
	for {
		tt := z.Next()
		raw := z.Raw()
		if tt == html.ErrorToken {
			out.Write(raw)
			return out.Bytes()
		}
		start := off
		off += len(raw)
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			out.Write(raw)
			continue
		}
		keep := append([]byte(nil), raw...)
		t := z.Token()
		changed := false
		for i, a := range t.Attr {
			refs, rewritten := refsIn(a), false
			for j, r := range refs {
				if to := fn(&t, r, start); to != "" {
					refs[j], rewritten = to, true
				}
			}
			if rewritten {
				t.Attr[i].Val, changed = joinRefs(a, refs), true
			}
		}
		if changed {
			out.WriteString(t.String())
		} else {
			out.Write(keep)
		}
	}
}

// joinRefs writes an attribute's references back after rewriting.
func joinRefs(a html.Attribute, refs []string) string {
	if a.Key != "srcset" {
		return refs[0]
	}
	cands := strings.Split(a.Val, ",")
	k := 0
	for i, c := range cands {
		f := strings.Fields(c)
		if len(f) == 0 {
			continue
		}
		f[0] = refs[k]
		k++
		cands[i] = strings.Join(f, " ")
	}
	return strings.Join(cands, ", ")
}

// writeHTMLText writes the text a reader sees of a raw HTML fragment, for
// search: character references decoded, a line for each block-level
// element (and <br>), blank lines left out, and nothing of what a browser
// does not show as text (script, style, template and the like, which only
// unsafe HTML keeps).
func writeHTMLText(b textWriter, h []byte) {
	var text strings.Builder
	z := html.NewTokenizer(bytes.NewReader(h))
	hidden := 0
	for {
		switch tt := z.Next(); tt {
		case html.ErrorToken:
			for _, l := range strings.Split(text.String(), "\n") {
				if l = strings.TrimSpace(l); l != "" {
					b.WriteString(l)
					b.WriteByte('\n')
				}
			}
			return
		case html.TextToken:
			if hidden == 0 {
				text.Write(z.Text())
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch {
			case hiddenText[a] && tt == html.StartTagToken:
				hidden++
			case hiddenText[a] && tt == html.EndTagToken:
				hidden = max(hidden-1, 0)
			case !inlineElements[a]:
				text.WriteByte('\n')
			}
		}
	}
}

// hiddenText are the elements whose content a browser does not show as
// text.
var hiddenText = map[atom.Atom]bool{atom.Script: true, atom.Style: true, atom.Template: true, atom.Noscript: true,
	atom.Textarea: true, atom.Title: true, atom.Iframe: true, atom.Noembed: true, atom.Noframes: true, atom.Xmp: true}

// inlineElements are the elements that do not break a line of text.
var inlineElements = map[atom.Atom]bool{atom.A: true, atom.Abbr: true, atom.B: true, atom.Bdi: true, atom.Bdo: true,
	atom.Cite: true, atom.Code: true, atom.Data: true, atom.Del: true, atom.Dfn: true, atom.Em: true, atom.I: true,
	atom.Img: true, atom.Ins: true, atom.Kbd: true, atom.Mark: true, atom.Q: true, atom.Rp: true, atom.Rt: true,
	atom.Ruby: true, atom.S: true, atom.Samp: true, atom.Small: true, atom.Span: true, atom.Strike: true,
	atom.Strong: true, atom.Sub: true, atom.Sup: true, atom.Time: true, atom.Tt: true, atom.U: true, atom.Var: true,
	atom.Wbr: true, atom.Picture: true, atom.Source: true}

// published returns the fragment's HTML with its resolved references.
func (f *rawFragment) published() []byte {
	i := 0
	return rawRefs(f.html, func(*html.Token, string, int) string {
		i++
		if i-1 < len(f.hrefs) {
			return f.hrefs[i-1]
		}
		return ""
	})
}

// rawHTMLRenderer writes raw HTML nodes as their fragments.
type rawHTMLRenderer struct{}

// RegisterFuncs implements renderer.NodeRendererFuncRegisterer.
func (rawHTMLRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	write := func(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		if v, ok := n.Attribute(rawFragmentAttr); ok {
			_, _ = w.Write(v.(*rawFragment).published())
		}
		return ast.WalkSkipChildren, nil
	}
	reg.Register(ast.KindRawHTML, write)
	reg.Register(ast.KindHTMLBlock, write)
}

// balancingRenderer renders a document and, when it has sanitised raw
// HTML, parses the result as the content of an element and writes it out
// again: every element is closed where the browser would close it, and an
// end tag that matches nothing open is gone.
type balancingRenderer struct{ renderer.Renderer }

// Render implements renderer.Renderer.
func (r balancingRenderer) Render(w io.Writer, src []byte, n ast.Node) error {
	if _, ok := n.Attribute(rawDocAttr); !ok {
		return r.Renderer.Render(w, src, n)
	}
	var buf bytes.Buffer
	if err := r.Renderer.Render(&buf, src, n); err != nil {
		return err
	}
	return balance(w, buf.Bytes())
}

// balance writes h parsed as the content of a <div> and written out again.
func balance(w io.Writer, h []byte) error {
	nodes, err := html.ParseFragment(bytes.NewReader(h), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		return err
	}
	for _, n := range nodes {
		if err := html.Render(w, n); err != nil {
			return err
		}
	}
	return nil
}
