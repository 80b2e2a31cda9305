package builder

import (
	"bytes"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	ghtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// codeBlockRenderer renders fenced and indented code blocks as goldmark
// does, with the <pre> made focusable (tabindex="0"): a block wider than
// the page scrolls, and a keyboard user must be able to reach it to scroll
// it. A ```mermaid block, which GitHub draws as a diagram, becomes
// <pre class="mermaid"> holding its source, escaped: the theme's diagram
// script draws it, and without script it reads as the source.
type codeBlockRenderer struct{}

// RegisterFuncs implements renderer.NodeRenderer.
func (codeBlockRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindFencedCodeBlock, renderCodeBlock)
	reg.Register(ast.KindCodeBlock, renderCodeBlock)
}

func renderCodeBlock(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	if isDiagram(n, src) {
		_, _ = w.WriteString(`<pre class="mermaid" tabindex="0">`)
		writeLines(w, n, src)
		_, _ = w.WriteString("</pre>\n")
		return ast.WalkSkipChildren, nil
	}
	_, _ = w.WriteString(`<pre tabindex="0"><code`)
	if fc, ok := n.(*ast.FencedCodeBlock); ok {
		if lang := fc.Language(src); lang != nil {
			_, _ = w.WriteString(` class="language-`)
			ghtml.DefaultWriter.Write(w, lang)
			_, _ = w.WriteString(`"`)
		}
	}
	_ = w.WriteByte('>')
	writeLines(w, n, src)
	_, _ = w.WriteString("</code></pre>\n")
	return ast.WalkSkipChildren, nil
}

// writeLines writes a code block's lines, HTML-escaped.
func writeLines(w util.BufWriter, n ast.Node, src []byte) {
	lines := n.Lines()
	for i := range lines.Len() {
		line := lines.At(i)
		ghtml.DefaultWriter.RawWrite(w, line.Value(src))
	}
}

// isDiagram reports whether n is a fenced code block in the mermaid
// language, which GitHub draws as a diagram.
func isDiagram(n ast.Node, src []byte) bool {
	fc, ok := n.(*ast.FencedCodeBlock)
	return ok && bytes.Equal(fc.Language(src), []byte("mermaid"))
}
