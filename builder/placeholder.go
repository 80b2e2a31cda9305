package builder

import (
	"bytes"
	"unicode"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// KindPlaceholder is the AST node kind of a placeholder left by `kb new`.
var KindPlaceholder = ast.NewNodeKind("Placeholder")

// Placeholder is the text from a PlaceholderMarker to the end of its line
// in a page's body. It renders as a highlighted <mark>, so a page previewed
// before it is finished shows what is still to be written.
type Placeholder struct {
	ast.BaseInline
}

// Kind implements ast.Node.
func (n *Placeholder) Kind() ast.NodeKind { return KindPlaceholder }

// Dump implements ast.Node.
func (n *Placeholder) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }

// placeholderOpen starts the highlight of a placeholder, in the body and
// elsewhere on the page.
const placeholderOpen = `<mark class="placeholder" title="still to be written">`

type placeholderRenderer struct{}

// RegisterFuncs implements renderer.NodeRenderer.
func (placeholderRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindPlaceholder, func(w util.BufWriter, _ []byte, _ ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			_, _ = w.WriteString(placeholderOpen)
		} else {
			_, _ = w.WriteString("</mark>")
		}
		return ast.WalkContinue, nil
	})
}

// markPlaceholders wraps each PlaceholderMarker in the body's text (not in
// code), and the rest of its line, in a Placeholder node.
func markPlaceholders(doc ast.Node, src []byte) {
	if !bytes.Contains(src, []byte(PlaceholderMarker)) {
		return
	}
	var found []*ast.Text
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.CodeSpan, *ast.CodeBlock, *ast.FencedCodeBlock, *ast.HTMLBlock, *ast.RawHTML:
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			if bytes.Contains(n.Segment.Value(src), []byte(PlaceholderMarker)) {
				found = append(found, n)
			}
		}
		return ast.WalkContinue, nil
	})
	for _, t := range found {
		markText(t, src)
	}
}

// markText splits t where its placeholder starts and moves the placeholder,
// with the inline nodes that follow it on the same line, into a Placeholder.
func markText(t *ast.Text, src []byte) {
	parent := t.Parent()
	if parent == nil {
		return
	}
	seg := t.Segment
	at := seg.Start + bytes.Index(seg.Value(src), []byte(PlaceholderMarker))
	mark := &Placeholder{}
	rest := t
	if at > seg.Start {
		rest = ast.NewTextSegment(text.NewSegment(at, seg.Stop))
		rest.SetSoftLineBreak(t.SoftLineBreak())
		rest.SetHardLineBreak(t.HardLineBreak())
		t.Segment = text.NewSegment(seg.Start, at)
		t.SetSoftLineBreak(false)
		t.SetHardLineBreak(false)
		parent.InsertAfter(parent, t, mark)
	} else {
		parent.ReplaceChild(parent, t, mark)
	}
	mark.AppendChild(mark, rest)
	// The typographer and inline markup split a line into several nodes:
	// the placeholder runs to the end of the line.
	for last := ast.Node(rest); !endsLine(last); {
		next := mark.NextSibling()
		if next == nil {
			break
		}
		parent.RemoveChild(parent, next)
		mark.AppendChild(mark, next)
		last = next
	}
}

// endsLine reports whether an inline node ends its line.
func endsLine(n ast.Node) bool {
	t, ok := n.(*ast.Text)
	return ok && (t.SoftLineBreak() || t.HardLineBreak())
}

// markPagePlaceholders highlights the placeholders a rendered page shows
// from its front matter (summary, owner, a kind's fields), as the body's
// are: in each piece of text outside mark, code, pre, script, style, title
// and textarea elements, the marker and the rest of the text up to the next
// tag become a <mark>. Attributes are left as they are. A page without a
// marker is returned unchanged, without being read through.
func markPagePlaceholders(page []byte) []byte {
	marker := []byte(PlaceholderMarker)
	if !bytes.Contains(page, marker) {
		return page
	}
	var out bytes.Buffer
	out.Grow(len(page) + 256)
	z := html.NewTokenizer(bytes.NewReader(page))
	skip := 0 // depth inside elements whose text is never marked
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		raw := z.Raw()
		switch tt {
		case html.StartTagToken, html.EndTagToken:
			name, _ := z.TagName()
			switch atom.Lookup(name) {
			case atom.Mark, atom.Code, atom.Pre, atom.Script, atom.Style, atom.Title, atom.Textarea:
				if tt == html.StartTagToken {
					skip++
				} else if skip > 0 {
					skip--
				}
			}
		case html.TextToken:
			if i := bytes.Index(raw, marker); i >= 0 && skip == 0 {
				end := len(bytes.TrimRightFunc(raw, unicode.IsSpace))
				out.Write(raw[:i])
				out.WriteString(placeholderOpen)
				out.Write(raw[i:end])
				out.WriteString("</mark>")
				out.Write(raw[end:])
				continue
			}
		}
		out.Write(raw)
	}
	return out.Bytes()
}
