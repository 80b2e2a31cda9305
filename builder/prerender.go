package builder

import (
	"bytes"
	"strconv"
	"strings"
	"sync"

	"github.com/klauspost/compress/s2"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	ghtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
	"golang.org/x/net/html"
)

// preRenderBytes is the size of a site's Markdown up to which a build of
// its own renders each page's body as soon as the page is parsed (see
// preRendered), instead of parsing the page a second time once its links
// are resolved (Site.parseAgain): a body waits for its page as HTML, a
// little larger than its source, so the largest sites parse again.
const preRenderBytes = 128 << 20

// preRendered is a page's body rendered when the page was loaded, before
// its links were resolved: the destination of each link of the page's
// Links is a marker (linkMarker), which fill replaces with where the link
// leads once it is resolved, written as goldmark writes a destination.
// The body waits compressed (S2: a third of the bytes, at a few hundred
// MB a second; a site's worth of bodies is live until its pages are
// written).
type preRendered struct {
	h1, body []byte
	// dests are the links' destinations as parsed, for a link that
	// resolving leaves as it is; inRaw marks the references in raw HTML.
	dests [][]byte
	inRaw []bool
	// balanced is set when the body was parsed and written out again
	// (balancingRenderer), which writes attributes as x/net/html does.
	balanced bool
}

// The marker of a link's destination is linkMarkerOpen, the link's index
// among the page's links and linkMarkerClose: goldmark writes it as it is
// (percent signs before hex digits and letters are not escaped).
const (
	linkMarkerOpen  = "%FFkb%FF"
	linkMarkerClose = "%FF"
)

func linkMarker(i int) []byte {
	return []byte(linkMarkerOpen + strconv.Itoa(i) + linkMarkerClose)
}

// preRender renders the body of p, parsed as doc from its source, with a
// marker for each link's destination, in raw HTML too. It returns nil for
// a page that must be parsed again to be rendered: one whose body cannot
// be rendered (rendering it again reports why). doc is spent.
func preRender(md goldmark.Markdown, p *Page, doc ast.Node, src []byte) *preRendered {
	_, balanced := doc.Attribute(rawDocAttr)
	pr := &preRendered{dests: make([][]byte, len(p.Links)), inRaw: make([]bool, len(p.Links)), balanced: balanced}
	for i, l := range p.Links {
		// A copy: a destination is most often a slice of the source,
		// which the page lets go.
		switch n := l.node.(type) {
		case *ast.Link:
			pr.dests[i], n.Destination = bytes.Clone(n.Destination), linkMarker(i)
		case *ast.Image:
			pr.dests[i], n.Destination = bytes.Clone(n.Destination), linkMarker(i)
		default:
			if l.raw == nil {
				return nil
			}
			pr.inRaw[i], l.raw.hrefs[l.rawIndex] = true, string(linkMarker(i))
		}
	}
	var head bytes.Buffer
	body := bytes.NewBuffer(make([]byte, 0, len(src)+len(src)/2))
	if err := renderBody(md, doc, src, &head, body); err != nil {
		return nil
	}
	pr.h1, pr.body = head.Bytes(), compress(body.Bytes())
	return pr
}

// compress returns text S2-compressed, in a slice of its length.
func compress[T string | []byte](text T) []byte {
	buf := encodeBuffers.Get().(*[]byte)
	defer encodeBuffers.Put(buf)
	*buf = s2.Encode((*buf)[:cap(*buf)], []byte(text))
	return bytes.Clone(*buf)
}

// decompressed calls use with data S2-decompressed into a pooled buffer,
// which use must not keep.
func decompressed(data []byte, use func(raw []byte)) error {
	buf := decodeBuffers.Get().(*[]byte)
	defer decodeBuffers.Put(buf)
	raw, err := s2.Decode((*buf)[:cap(*buf)], data)
	if err != nil {
		return err
	}
	*buf = raw
	use(raw)
	return nil
}

// encodeBuffers are buffers for compressing bodies, whose compressed bytes
// are copied out at their length; decodeBuffers for decompressing them;
// textBuffers (bytes.Buffer) for writing a page's text (writeDocText).
var (
	encodeBuffers = sync.Pool{New: func() any { return new([]byte) }}
	decodeBuffers = sync.Pool{New: func() any { return new([]byte) }}
	textBuffers   = sync.Pool{New: func() any { return new(bytes.Buffer) }}
)

// fill returns the heading and body with each link's destination in
// place of its marker: where the link was resolved to (Link.href), else
// as it was written, escaped as goldmark escapes a destination and left
// out as goldmark leaves out a dangerous one unless unsafe; in a balanced
// body, and for a reference in raw HTML, as x/net/html writes an
// attribute. ok is false when the markers are not each once where they
// were put, in order (the page's own text has something like one, or
// balancing moved raw HTML), or a reference in raw HTML stays as written
// (its tag is then kept as written): the page is then parsed again.
func (pr *preRendered) fill(links []*Link, unsafe bool) (h1, body string, ok bool) {
	next := 0
	put := func(b []byte, balanced bool) (string, bool) {
		var out strings.Builder
		out.Grow(len(b) + 64*len(links))
		for {
			i := bytes.Index(b, []byte(linkMarkerOpen))
			if i < 0 {
				out.Write(b)
				return out.String(), true
			}
			out.Write(b[:i])
			b = b[i+len(linkMarkerOpen):]
			j := bytes.Index(b, []byte(linkMarkerClose))
			n, err := strconv.Atoi(string(b[:max(j, 0)]))
			if j < 0 || err != nil || n != next || n >= len(links) {
				return "", false
			}
			b = b[j+len(linkMarkerClose):]
			dest, ok := pr.dest(n, links[n].href, unsafe, balanced)
			if !ok {
				return "", false
			}
			out.WriteString(dest)
			next++
		}
	}
	if h1, ok = put(pr.h1, false); !ok {
		return "", "", false
	}
	if err := decompressed(pr.body, func(raw []byte) { body, ok = put(raw, pr.balanced) }); err != nil || !ok || next != len(links) {
		return "", "", false
	}
	return h1, body, true
}

// dest returns link n's destination, href once resolved, as fill writes
// it in place of its marker, and false for a reference in raw HTML that
// stays as written.
func (pr *preRendered) dest(n int, href string, unsafe, balanced bool) (string, bool) {
	if pr.inRaw[n] {
		if href == "" || strings.ContainsFunc(href, func(r rune) bool { return r < ' ' || r == 0x7f }) {
			return "", false
		}
		return html.EscapeString(href), true
	}
	dest := pr.dests[n]
	if href != "" {
		dest = []byte(href)
	}
	switch {
	case !unsafe && ghtml.IsDangerousURL(dest):
		return "", true
	case balanced:
		return html.EscapeString(string(util.URLEscape(dest, true))), true
	default:
		return string(util.EscapeHTML(util.URLEscape(dest, true))), true
	}
}
