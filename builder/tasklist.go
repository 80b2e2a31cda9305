package builder

import (
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// taskKey is the strings key naming a task list item's state for screen
// readers.
func taskKey(checked bool) string {
	if checked {
		return "task_done"
	}
	return "task_not_done"
}

// taskCheckBoxRenderer renders a task list's "[ ]" / "[x]" as a disabled
// checkbox, as GitHub does, but with an accessible name saying whether the
// task is done, set while parsing in the page's language (an unlabelled checkbox fails WCAG's "form elements have
// labels"). It takes precedence over GFM's own renderer.
type taskCheckBoxRenderer struct{}

// RegisterFuncs implements renderer.NodeRenderer.
func (taskCheckBoxRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(east.KindTaskCheckBox, func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		label, _ := n.AttributeString("aria-label")
		text, _ := label.(string)
		if n.(*east.TaskCheckBox).IsChecked {
			_, _ = w.WriteString(`<input checked="" disabled="" type="checkbox" aria-label="`)
		} else {
			_, _ = w.WriteString(`<input disabled="" type="checkbox" aria-label="`)
		}
		_, _ = w.Write(util.EscapeHTML([]byte(text)))
		_, _ = w.WriteString(`"> `)
		return ast.WalkContinue, nil
	})
}
