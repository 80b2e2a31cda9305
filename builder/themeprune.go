package builder

import (
	"html/template"
	"slices"
	"text/template/parse"
)

// goTemplateNames are the templates kb executes by a name of its own
// rather than one a layout writes: a card (View.Card, View.Cards) and the
// sidebar tree's pieces (navTree).
var goTemplateNames = []string{"card", "navfolder", "navfolderend", "navpage", "navmore"}

// pruned returns a layout's template set with only the templates its
// layout can execute: the layout's own, those it calls, and those whose
// name it writes as a string (a name given to View.Shared, View.Row or
// View.Rows), and theirs in turn, with goTemplateNames. Every layout's
// set holds a copy of every partial's templates, about half of them
// unused (of the default theme's 456 templates, 208 can run). It is for
// the default theme's layouts, which name no template but in a string.
func pruned(t *template.Template, layout string) (*template.Template, error) {
	keep := map[string]bool{}
	var visit func(name string)
	var walk func(n parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n != nil {
				for _, c := range n.Nodes {
					walk(c)
				}
			}
		case *parse.ActionNode:
			walk(n.Pipe)
		case *parse.PipeNode:
			if n != nil {
				for _, c := range n.Cmds {
					walk(c)
				}
			}
		case *parse.CommandNode:
			for _, a := range n.Args {
				walk(a)
			}
		case *parse.ChainNode:
			walk(n.Node)
		case *parse.StringNode:
			visit(n.Text)
		case *parse.IfNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.TemplateNode:
			visit(n.Name)
			walk(n.Pipe)
		}
	}
	visit = func(name string) {
		tt := t.Lookup(name)
		if keep[name] || tt == nil || tt.Tree == nil {
			return
		}
		keep[name] = true
		walk(tt.Tree.Root)
	}
	visit(layout)
	for _, name := range goTemplateNames {
		visit(name)
	}
	names := make([]string, 0, len(keep))
	for name := range keep {
		names = append(names, name)
	}
	slices.Sort(names)
	p := template.New(layout).Funcs(funcs).Option("missingkey=error")
	for _, name := range names {
		if _, err := p.AddParseTree(name, t.Lookup(name).Tree); err != nil {
			return nil, err
		}
	}
	return p, nil
}
