package builder

import (
	"bytes"
	"html"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/yuin/goldmark"
	emoji "github.com/yuin/goldmark-emoji"
	emojiast "github.com/yuin/goldmark-emoji/ast"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	ghtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// newMarkdown returns the one goldmark instance a build shares across
// goroutines: CommonMark plus GFM, footnotes, definition lists, typographic
// quotes, front matter, {#custom-id} headings, GitHub-style heading IDs and
// alerts. Raw HTML is kept through GitHub's allow-list (rawhtml.go), or as
// written when unsafe is set; either way its local references are links of
// the page. Parsing takes callout
// titles and task list states from ui in the page's language; an instance
// that only renders parsed pages needs no strings (ui nil).
func newMarkdown(unsafe bool, ui *uiStrings) goldmark.Markdown {
	return buildMarkdown(unsafe, ui, frontMatterExt{})
}

// newReparser returns the instance that parses a loaded page again to
// render it (see Site.parseAgain): newMarkdown's, but its front matter,
// which parsed as YAML the first time (else the page is not rendered), is
// only recognised and dropped, as the front matter extension drops it,
// without parsing the YAML again.
func newReparser(unsafe bool, ui *uiStrings) goldmark.Markdown {
	return buildMarkdown(unsafe, ui, frontMatterSkipper{})
}

// buildMarkdown is newMarkdown with frontMatter for the front matter.
func buildMarkdown(unsafe bool, ui *uiStrings, frontMatter goldmark.Extender) goldmark.Markdown {
	rendererOpts := []renderer.Option{
		renderer.WithNodeRenderers(util.Prioritized(&calloutRenderer{}, 500), util.Prioritized(taskCheckBoxRenderer{}, 100),
			util.Prioritized(placeholderRenderer{}, 500), util.Prioritized(codeBlockRenderer{}, 500), util.Prioritized(rawHTMLRenderer{}, 100)),
	}
	if unsafe {
		rendererOpts = append(rendererOpts, ghtml.WithUnsafe())
	}
	return goldmark.New(
		goldmark.WithRenderer(balancingRenderer{goldmark.DefaultRenderer()}),
		goldmark.WithExtensions(extension.GFM, extension.Footnote, extension.DefinitionList, extension.Typographer, frontMatter, emoji.Emoji),
		goldmark.WithParserOptions(
			parser.WithHeadingAttribute(),
			parser.WithASTTransformers(util.Prioritized(pageTransformer{ui, unsafe}, 10000)),
		),
		goldmark.WithRendererOptions(rendererOpts...),
	)
}

// docInfo is what pageTransformer learns about one document. It travels in
// the parser context, so the shared goldmark instance keeps no state.
type docInfo struct {
	lang     string
	headings []Heading
	anchors  []string // see Page.anchors
	// badFrontMatter is set, before a page is parsed again, when its front
	// matter was not valid YAML (see showBadFrontMatter).
	badFrontMatter bool
	links          []*Link
	hasH1          bool
	h1             string
	firstPar       string
	diagrams       bool
}

var docInfoKey = parser.NewContextKey()

// pageTransformer assigns GitHub-compatible heading IDs, turns GitHub alerts
// into callouts, names task list checkboxes, sanitises raw HTML unless
// unsafe and collects headings and local links for the link checker.
type pageTransformer struct {
	ui     *uiStrings
	unsafe bool
}

// Transform implements parser.ASTTransformer.
func (t pageTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	info, _ := pc.Get(docInfoKey).(*docInfo)
	if info == nil {
		return
	}
	src := reader.Source()
	showBadFrontMatter(doc, pc, info)
	used := map[string]bool{}
	var headings []*ast.Heading
	var quotes []*ast.Blockquote
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			headings = append(headings, n)
			if id, ok := n.AttributeString("id"); ok {
				if b, ok := id.([]byte); ok {
					used[string(b)] = true
				}
			}
		case *ast.Blockquote:
			quotes = append(quotes, n)
		case *ast.Paragraph:
			if info.firstPar == "" {
				if _, inQuote := n.Parent().(*ast.Blockquote); !inQuote {
					info.firstPar = plainText(n, src)
				}
			}
		case *ast.Link:
			info.addLink(n, destination(n.Destination), false, "", src)
		case *ast.Image:
			info.addLink(n, destination(n.Destination), true, plainText(n, src), src)
		case *ast.RawHTML, *ast.HTMLBlock:
			info.collectRaw(doc, n, src, t.unsafe)
		case *ast.FencedCodeBlock:
			info.diagrams = info.diagrams || isDiagram(n, src)
		case *east.TaskCheckBox:
			n.SetAttributeString("aria-label", t.ui.text(info.lang, taskKey(n.IsChecked)))
		}
		return ast.WalkContinue, nil
	})
	for _, h := range headings {
		txt := plainText(h, src)
		var raw strings.Builder
		writeText(&raw, h, src, true)
		var id string
		if v, ok := h.AttributeString("id"); ok {
			if b, ok := v.([]byte); ok {
				id = string(b)
			}
		}
		// Only the id survives from {…} heading attributes: classes and styles
		// would let content restyle or clobber the page.
		h.RemoveAttributes()
		if id != "" {
			h.SetAttributeString("id", []byte(id))
		}
		if id == "" {
			id = uniqueID(GitHubSlug(strings.TrimSpace(raw.String())), used)
			h.SetAttributeString("id", []byte(id))
		}
		if h.Level == 1 && !info.hasH1 {
			info.hasH1, info.h1 = true, txt
		}
		info.headings = append(info.headings, Heading{Level: h.Level, ID: id, Text: txt})
	}
	for _, q := range quotes {
		toCallout(q, src, func(variant string) string { return t.ui.text(info.lang, "callout_"+variant) })
	}
	markPlaceholders(doc, src)
}

// showBadFrontMatter turns front matter that is not valid YAML, which the
// front matter parser (or, parsing again, frontMatterSkipper) leaves in the
// document as a block of text, into a code block, as GitHub shows it: a
// page published with it (see readOptions.lenient) shows the text as
// written.
func showBadFrontMatter(doc *ast.Document, pc parser.Context, info *docInfo) {
	if _, err := frontMatterOf(pc); err == nil && !info.badFrontMatter {
		return
	}
	tb, ok := doc.FirstChild().(*ast.TextBlock)
	if !ok {
		return
	}
	code := ast.NewFencedCodeBlock(nil)
	code.SetLines(tb.Lines())
	doc.ReplaceChild(doc, tb, code)
}

// destination returns a link's destination as written in Markdown the way
// a reader's browser gets it: backslash escapes, entity and numeric
// references resolved ([x](a\_b.md), [x](#agn&#xF3;sticos)), as
// goldmark's renderer resolves them.
func destination(raw []byte) string {
	return string(util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(raw))))
}

func (info *docInfo) addLink(n ast.Node, dest string, image bool, alt string, src []byte) {
	if !isLocalRef(dest) {
		return
	}
	line, col := nodePos(n, src)
	info.links = append(info.links, &Link{Dest: dest, Line: line, Col: col, Image: image, Alt: alt, node: n})
}

// isLocalRef reports whether dest refers to a file of the site rather than
// an external URL.
func isLocalRef(dest string) bool {
	if dest == "" || strings.HasPrefix(dest, "//") {
		return false
	}
	if i := strings.IndexAny(dest, ":/?#"); i >= 0 && dest[i] == ':' {
		return false // has a scheme
	}
	return true
}

// nodePos returns the 1-based line and column of an inline node, found from
// the first text segment inside it.
func nodePos(n ast.Node, src []byte) (int, int) {
	off := -1
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering {
			off = t.Segment.Start - 1 // the '[' (or "![") before the text
			if _, img := n.(*ast.Image); img {
				off--
			}
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	if off < 0 {
		for p := n.Parent(); p != nil; p = p.Parent() {
			if p.Type() == ast.TypeBlock && p.Lines().Len() > 0 {
				off = p.Lines().At(0).Start
				break
			}
		}
	}
	if off < 0 {
		return 0, 0
	}
	return offsetPos(src, off)
}

// offsetPos converts a byte offset into a 1-based line and column (counted in
// characters).
func offsetPos(src []byte, off int) (int, int) {
	if off > len(src) {
		off = len(src)
	}
	before := src[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	start := bytes.LastIndexByte(before, '\n') + 1
	return line, len([]rune(string(before[start:]))) + 1
}

// plainText returns the text inside n, with entities from the typographer
// decoded.
func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	writeText(&b, n, src, false)
	return strings.TrimSpace(b.String())
}

// typographed maps the typographer's replacements back to the characters
// written in the source.
var typographed = map[string]string{
	"&ndash;": "--", "&mdash;": "---", "&hellip;": "...",
	"&lsquo;": "'", "&rsquo;": "'", "&ldquo;": `"`, "&rdquo;": `"`, "&laquo;": "<<", "&raquo;": ">>",
}

// textWriter is what text is written to: a strings.Builder or a
// bytes.Buffer.
type textWriter interface {
	io.Writer
	io.StringWriter
	io.ByteWriter
}

// writeText writes the text inside n: as shown (typographic dashes and
// quotes), or, with asWritten, as written in the source, which is what
// GitHub makes a heading's anchor from ("a -- b" gives "a----b").
func writeText(b textWriter, n ast.Node, src []byte, asWritten bool) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Segment.Value(src))
			if c.SoftLineBreak() || c.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			if w, ok := typographed[string(c.Value)]; ok && asWritten {
				b.WriteString(w)
				continue
			}
			b.WriteString(html.UnescapeString(string(c.Value)))
		case *emojiast.Emoji:
			// As written (":smile:") for anchors, as GitHub makes them;
			// the emoji itself for text.
			if asWritten || c.Value == nil || len(c.Value.Unicode) == 0 {
				b.WriteString(":" + string(c.ShortName) + ":")
			} else {
				b.WriteString(string(c.Value.Unicode))
			}
		case *ast.RawHTML:
		default:
			writeText(b, c, src, asWritten)
		}
	}
}

// uniqueID returns id, or id-1, id-2… if it is taken, and marks it taken.
func uniqueID(id string, used map[string]bool) string {
	if id == "" {
		id = "section"
	}
	cand := id
	for i := 1; used[cand]; i++ {
		cand = id + "-" + strconv.Itoa(i)
	}
	used[cand] = true
	return cand
}

// GitHubSlug turns heading text into the anchor GitHub gives it, by the
// rules of github-slugger: lower case; letters of every script, marks,
// decimal digits, letter numbers and connector punctuation ('_') kept, as
// is '-'; each space turned into '-'; every other character (punctuation,
// symbols and emoji, other numbers such as '²', other spaces, control and
// format characters) removed. Repeated anchors get "-1", "-2"… from the
// caller.
func GitHubSlug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || slugKeeps(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// slugKeeps reports whether GitHub keeps r in an anchor: alphabetic
// characters (letters, letter numbers and the symbols Unicode counts as
// alphabetic, such as circled letters), marks, decimal digits and
// connector punctuation.
func slugKeeps(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsMark(r) || unicode.Is(unicode.Nd, r) || unicode.Is(unicode.Nl, r) ||
		unicode.Is(unicode.Pc, r) || unicode.Is(unicode.Other_Alphabetic, r)
}

// Callouts.

// KindCallout is the AST node kind of a callout (a GitHub alert).
var KindCallout = ast.NewNodeKind("Callout")

// Callout is a note, tip, important, warning or caution box, written as a
// GitHub alert ("> [!NOTE]").
type Callout struct {
	ast.BaseBlock
	Variant string
	Label   string
}

// Kind implements ast.Node.
func (n *Callout) Kind() ast.NodeKind { return KindCallout }

// Dump implements ast.Node.
func (n *Callout) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"Variant": n.Variant}, nil)
}

// alertRE matches a GitHub alert's marker at the start of a blockquote's
// first line, alone or followed by text, in any case.
var alertRE = regexp.MustCompile(`^\s*\[!(?i:(note|tip|important|warning|caution))\](?:[ \t]+|\s*$)`)

// calloutVariants are the kinds of callout; each has a title in the strings
// files ("callout_note").
var calloutVariants = []string{"note", "tip", "important", "warning", "caution"}

// toCallout turns q into a callout when it starts with an alert's marker,
// titled label(variant).
func toCallout(q *ast.Blockquote, src []byte, label func(variant string) string) {
	par, ok := q.FirstChild().(*ast.Paragraph)
	if !ok || par.Lines().Len() == 0 {
		return
	}
	first := par.Lines().At(0)
	m := alertRE.FindSubmatchIndex(first.Value(src))
	if m == nil {
		return
	}
	variant := strings.ToLower(string(first.Value(src)[m[2]:m[3]]))
	end := first.Start + m[1] // the marker's end: text after it stays
	if end >= first.Stop {
		end = first.Stop + 1 // the marker alone: its line break goes too
	}
	for c := par.FirstChild(); c != nil; {
		next := c.NextSibling()
		if t, ok := c.(*ast.Text); ok && t.Segment.Stop > end {
			if t.Segment.Start < end {
				t.Segment = t.Segment.WithStart(end)
			}
			break
		}
		if _, ok := c.(*ast.Text); !ok && inlineStart(c) >= end {
			break // emphasis, a link or code right after the marker
		}
		par.RemoveChild(par, c)
		c = next
	}
	if par.ChildCount() == 0 {
		q.RemoveChild(q, par)
	}
	co := &Callout{Variant: variant, Label: label(variant)}
	for c := q.FirstChild(); c != nil; {
		next := c.NextSibling()
		co.AppendChild(co, c)
		c = next
	}
	q.Parent().ReplaceChild(q.Parent(), q, co)
}

// inlineStart is the source offset of the first text inside an inline
// node, or -1 when it has none.
func inlineStart(n ast.Node) int {
	start := -1
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok {
			start = t.Segment.Start
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	return start
}

type calloutRenderer struct{}

// RegisterFuncs implements renderer.NodeRenderer.
func (calloutRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindCallout, func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		c := n.(*Callout)
		if entering {
			_, _ = w.WriteString(`<div class="callout callout-` + c.Variant + `" role="note"><p class="callout-title">`)
			_, _ = w.Write(util.EscapeHTML([]byte(c.Label)))
			_, _ = w.WriteString("</p>\n")
		} else {
			_, _ = w.WriteString("</div>\n")
		}
		return ast.WalkContinue, nil
	})
}

// setDestination rewrites a link or image node, or a reference in raw HTML,
// to point at href.
func setDestination(l *Link, href string) {
	if l.raw != nil {
		l.raw.hrefs[l.rawIndex] = href
		return
	}
	switch n := l.node.(type) {
	case *ast.Link:
		n.Destination = []byte(href)
	case *ast.Image:
		n.Destination = []byte(href)
	}
}

// docText returns a document's text content, one line per block, for search:
// the text readers see, that of raw HTML blocks (as published) included.
func docText(doc ast.Node, src []byte) string {
	var b bytes.Buffer
	writeDocText(&b, doc, src)
	return b.String()
}

// writeDocText writes docText's text to b, each block's text straight
// into it (a build writes all its pages' text: 15 MB of strings grown and
// copied for 1,000 pages when each block was a string of its own).
func writeDocText(b *bytes.Buffer, doc ast.Node, src []byte) {
	// block writes the text of the block n, trimmed as plainText trims
	// it, and a newline.
	block := func(n ast.Node) {
		start := b.Len()
		writeText(b, n, src, false)
		t := bytes.TrimSpace(b.Bytes()[start:])
		b.Truncate(start + copy(b.Bytes()[start:], t))
		b.WriteByte('\n')
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Paragraph, *ast.Heading, *ast.TextBlock:
			block(n)
			return ast.WalkSkipChildren, nil
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			for i := 0; i < n.Lines().Len(); i++ {
				seg := n.Lines().At(i)
				b.Write(seg.Value(src))
			}
			return ast.WalkSkipChildren, nil
		case *ast.HTMLBlock:
			if v, ok := n.Attribute(rawFragmentAttr); ok {
				writeHTMLText(b, v.(*rawFragment).html)
			}
			return ast.WalkSkipChildren, nil
		}
		if n.Kind().String() == "TableCell" || n.Kind().String() == "DefinitionTerm" {
			block(n)
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
}

// frontMatterSkipper recognises a front matter block exactly as the front
// matter extension (goldmark-meta) does, a block of lines between two
// lines of dashes at the very start, and drops it, as that extension does
// with front matter that is valid YAML.
type frontMatterSkipper struct{}

// Extend implements goldmark.Extender, with the extension's priority.
func (frontMatterSkipper) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithBlockParsers(util.Prioritized(frontMatterSkipper{}, 0)))
}

// Trigger implements parser.BlockParser.
func (frontMatterSkipper) Trigger() []byte { return []byte{'-'} }

// Open implements parser.BlockParser.
func (frontMatterSkipper) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	if n, _ := reader.Position(); n != 0 {
		return nil, parser.NoChildren
	}
	if line, _ := reader.PeekLine(); isDashLine(line) {
		return ast.NewTextBlock(), parser.NoChildren
	}
	return nil, parser.NoChildren
}

// Continue implements parser.BlockParser.
func (frontMatterSkipper) Continue(node ast.Node, reader text.Reader, pc parser.Context) parser.State {
	line, seg := reader.PeekLine()
	if isDashLine(line) && !util.IsBlank(line) {
		reader.Advance(seg.Len())
		return parser.Close
	}
	node.Lines().Append(seg)
	return parser.Continue | parser.NoChildren
}

// Close implements parser.BlockParser: the block goes, unless it was not
// valid YAML (see showBadFrontMatter).
func (frontMatterSkipper) Close(node ast.Node, reader text.Reader, pc parser.Context) {
	if info, _ := pc.Get(docInfoKey).(*docInfo); info == nil || !info.badFrontMatter {
		node.Parent().RemoveChild(node.Parent(), node)
	}
}

// CanInterruptParagraph implements parser.BlockParser.
func (frontMatterSkipper) CanInterruptParagraph() bool { return false }

// CanAcceptIndentedLine implements parser.BlockParser.
func (frontMatterSkipper) CanAcceptIndentedLine() bool { return false }

// isDashLine reports whether line, spaces aside, holds only dashes (or
// nothing), as the front matter extension's separator test does.
func isDashLine(line []byte) bool {
	line = util.TrimRightSpace(util.TrimLeftSpace(line))
	for _, c := range line {
		if c != '-' {
			return false
		}
	}
	return true
}
