package builder

import (
	"bytes"
	"fmt"

	"github.com/yuin/goldmark"
	meta "github.com/yuin/goldmark-meta"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"gopkg.in/yaml.v2"
)

// frontMatterExt is the front matter extension (goldmark-meta) with the
// YAML parsed once: the extension's block parser recognises the front
// matter, and its Close, which parses the YAML twice (into a map, and into
// a list of the items in order, which kb does not read), gives way to
// frontMatterParser's. At 1,000 pages the second parse was 2 % of a
// build's CPU time. Read the result with frontMatterOf.
type frontMatterExt struct{}

// Extend implements goldmark.Extender, with the extension's priorities.
func (frontMatterExt) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(
		parser.WithBlockParsers(util.Prioritized(frontMatterParser{meta.NewParser()}, 0)),
		parser.WithASTTransformers(util.Prioritized(frontMatterError{}, 0)),
	)
}

// frontMatterParser is the extension's block parser with a Close of its own.
type frontMatterParser struct{ parser.BlockParser }

var frontMatterKey = parser.NewContextKey()

// frontMatterData is what frontMatterParser found: the front matter's
// fields, or why it is not valid YAML, and its block.
type frontMatterData struct {
	fields map[string]any
	err    error
	block  ast.Node
}

// Close implements parser.BlockParser as the extension's does, less its
// second parse: the fields, or the error, are those meta.TryGet returns,
// and front matter that is valid YAML leaves the document.
func (frontMatterParser) Close(node ast.Node, reader text.Reader, pc parser.Context) {
	var buf bytes.Buffer
	lines := node.Lines()
	for i := range lines.Len() {
		seg := lines.At(i)
		buf.Write(seg.Value(reader.Source()))
	}
	d := &frontMatterData{block: node}
	fields := map[string]any{}
	if err := yaml.Unmarshal(buf.Bytes(), &fields); err != nil {
		d.err = err
		// The extension reports its second parse's error when that
		// fails too.
		var items yaml.MapSlice
		if err := yaml.Unmarshal(buf.Bytes(), &items); err != nil {
			d.err = err
		}
	} else {
		d.fields = fields
	}
	pc.Set(frontMatterKey, d)
	if d.err == nil {
		node.Parent().RemoveChild(node.Parent(), node)
	}
}

// frontMatterError ends the block of front matter that is not valid YAML,
// left in the document, with the error as an HTML comment, as the
// extension's transformer does.
type frontMatterError struct{}

// Transform implements parser.ASTTransformer.
func (frontMatterError) Transform(_ *ast.Document, _ text.Reader, pc parser.Context) {
	if d, _ := pc.Get(frontMatterKey).(*frontMatterData); d != nil && d.err != nil {
		msg := ast.NewString([]byte(fmt.Sprintf("<!-- %s -->", d.err)))
		msg.SetCode(true)
		d.block.AppendChild(d.block, msg)
	}
}

// frontMatterOf returns the front matter a document parsed with pc held, as
// meta.TryGet does: nil when it had none, or an error when it is not valid
// YAML.
func frontMatterOf(pc parser.Context) (map[string]any, error) {
	d, _ := pc.Get(frontMatterKey).(*frontMatterData)
	if d == nil {
		return nil, nil
	}
	return d.fields, d.err
}
