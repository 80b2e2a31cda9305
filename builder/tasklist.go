package builder

import (
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// taskLabels name a task list item's state for screen readers, by language.
var taskLabels = map[string][2]string{
	"en": {"Not done", "Done"},
	"nl": {"Niet gedaan", "Gedaan"},
}

// taskCheckBoxRenderer renders a task list's "[ ]" / "[x]" as a disabled
// checkbox, as GitHub does, but with an accessible name saying whether the
// task is done (an unlabelled checkbox fails WCAG's "form elements have
// labels"). It takes precedence over GFM's own renderer.
type taskCheckBoxRenderer struct{}

// RegisterFuncs implements renderer.NodeRenderer.
func (taskCheckBoxRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(east.KindTaskCheckBox, func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		lang := "en"
		for p := n.Parent(); p != nil; p = p.Parent() {
			if v, ok := p.AttributeString("data-lang"); ok {
				if s, ok := v.(string); ok {
					lang = s
				}
				break
			}
		}
		labels, ok := taskLabels[lang]
		if !ok {
			labels = taskLabels["en"]
		}
		checked := n.(*east.TaskCheckBox).IsChecked
		if checked {
			_, _ = w.WriteString(`<input checked="" disabled="" type="checkbox" aria-label="` + labels[1] + `"> `)
		} else {
			_, _ = w.WriteString(`<input disabled="" type="checkbox" aria-label="` + labels[0] + `"> `)
		}
		return ast.WalkContinue, nil
	})
}
