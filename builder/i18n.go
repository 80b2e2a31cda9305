package builder

import (
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"
	"text/template/parse"

	"gopkg.in/yaml.v2"

	"kb/themes"
)

// stringsDir is the theme folder holding one strings file per language
// (en.yaml, nl.yaml…), and refLang the language whose file every other one
// matches key for key.
const (
	stringsDir = "i18n"
	refLang    = "en"
)

// builtinStrings are the keys kb itself looks up, outside the layouts:
// callout titles and task list states in Markdown, dates and durations.
var builtinStrings = func() []string {
	keys := []string{"date_format", "duration_minutes", "duration_hour", "duration_hours", "duration_hours_minutes", "task_done", "task_not_done"}
	for _, v := range calloutVariants {
		keys = append(keys, "callout_"+v)
	}
	for m := 1; m <= 12; m++ {
		keys = append(keys, "month_"+strconv.Itoa(m))
	}
	return keys
}()

// uiStrings are a theme's UI strings by language and key.
type uiStrings struct {
	langs map[string]map[string]string
}

// loadStrings reads the strings files of a theme. A site's file overrides
// the theme's per key. Every file has exactly the keys of en.yaml, which has
// every key kb looks up itself; anything else is an error naming the file
// and the key.
func loadStrings(fsys fs.FS) (*uiStrings, error) {
	top, base := themes.Layers(fsys)
	langs := map[string]map[string]string{}
	for _, layer := range []fs.FS{base, top} {
		if layer == nil {
			continue
		}
		entries, err := fs.ReadDir(layer, stringsDir)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		} else if err != nil {
			return nil, fmt.Errorf("theme: %w", err)
		}
		for _, e := range entries {
			name := e.Name()
			if e.IsDir() || path.Ext(name) != ".yaml" {
				continue
			}
			file := stringsDir + "/" + name
			data, err := fs.ReadFile(layer, file)
			if err != nil {
				return nil, fmt.Errorf("theme: %w", err)
			}
			var m map[string]string
			if err := yaml.UnmarshalStrict(data, &m); err != nil {
				return nil, fmt.Errorf("theme: %s: %w", file, err)
			}
			for _, key := range slices.Sorted(maps.Keys(m)) {
				if m[key] == "" {
					return nil, fmt.Errorf("theme: %s: key %q has no text", file, key)
				}
			}
			lang := strings.TrimSuffix(name, ".yaml")
			if langs[lang] == nil {
				langs[lang] = map[string]string{}
			}
			maps.Copy(langs[lang], m)
		}
	}
	ref := langs[refLang]
	refFile := stringsFile(refLang)
	if ref == nil {
		return nil, fmt.Errorf("theme: %s is missing", refFile)
	}
	for _, key := range builtinStrings {
		if _, ok := ref[key]; !ok {
			return nil, fmt.Errorf("theme: %s: missing key %q", refFile, key)
		}
	}
	for _, lang := range slices.Sorted(maps.Keys(langs)) {
		for _, key := range slices.Sorted(maps.Keys(langs[lang])) {
			if _, ok := ref[key]; !ok {
				return nil, fmt.Errorf("theme: %s: unknown key %q (%s has no such key)", stringsFile(lang), key, refFile)
			}
		}
		for _, key := range slices.Sorted(maps.Keys(ref)) {
			if _, ok := langs[lang][key]; !ok {
				return nil, fmt.Errorf("theme: %s: missing key %q (%s has it)", stringsFile(lang), key, refFile)
			}
		}
	}
	return &uiStrings{langs: langs}, nil
}

// stringsFile is the path of a language's strings file in a theme.
func stringsFile(lang string) string { return stringsDir + "/" + lang + ".yaml" }

// has reports whether the theme has a strings file for lang.
func (u *uiStrings) has(lang string) bool { return u.langs[lang] != nil }

// get returns the string key in lang, or in English when the theme has no
// strings file for lang. A nil *uiStrings has no strings.
func (u *uiStrings) get(lang, key string) (string, bool) {
	if u == nil {
		return "", false
	}
	m := u.langs[lang]
	if m == nil {
		m = u.langs[refLang]
	}
	s, ok := m[key]
	return s, ok
}

// text returns the string key in lang with each {name} replaced by the value
// that follows name in args.
func (u *uiStrings) text(lang, key string, args ...string) string {
	s, _ := u.get(lang, key)
	if len(args) == 0 {
		return s
	}
	return fill(s, args)
}

// fill returns s with each {name} replaced by the value that follows name
// in args (the first such name), from left to right; a {name} that args
// do not name, and a value's own braces, stay as they are. Dates and
// counts are filled in for every row of a long list: no replacer is built
// per call.
func fill(s string, args []string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			break
		}
		name, v, found := s[i+1:i+j], "", false
		for k := 0; k+1 < len(args); k += 2 {
			if args[k] == name {
				v, found = args[k+1], true
				break
			}
		}
		if !found {
			b.WriteString(s[:i+1])
			s = s[i+1:]
			continue
		}
		if b.Len() == 0 {
			b.Grow(len(s) + len(v))
		}
		b.WriteString(s[:i])
		b.WriteString(v)
		s = s[i+j+1:]
	}
	if b.Len() == 0 {
		return s // all that came before s was left out
	}
	b.WriteString(s)
	return b.String()
}

// missingLanguages returns the languages of cfg that have no strings file.
func (u *uiStrings) missingLanguages(cfg *Config) []string {
	var out []string
	for _, l := range cfg.Languages {
		if !u.has(l.Code) {
			out = append(out, l.Code)
		}
	}
	return out
}

// checkTemplateKeys returns an error naming the template, its line and the
// key of the first call of T with a literal key that no strings file has.
func checkTemplateKeys(ts []*template.Template, u *uiStrings) error {
	ref := u.langs[refLang]
	for _, t := range ts {
		if t.Tree == nil {
			continue
		}
		var err error
		walkT(t.Tree.Root, func(n *parse.StringNode) {
			if _, ok := ref[n.Text]; !ok && err == nil {
				loc, _ := t.Tree.ErrorContext(n)
				err = fmt.Errorf("theme: template: %s: no strings file has key %q", loc, n.Text)
			}
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// walkT calls found with the key of each call of the View's T method in the
// tree under n whose key is a literal string.
func walkT(n parse.Node, found func(*parse.StringNode)) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			walkT(c, found)
		}
	case *parse.ActionNode:
		walkT(n.Pipe, found)
	case *parse.IfNode:
		walkBranch(&n.BranchNode, found)
	case *parse.RangeNode:
		walkBranch(&n.BranchNode, found)
	case *parse.WithNode:
		walkBranch(&n.BranchNode, found)
	case *parse.TemplateNode:
		walkT(n.Pipe, found)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, c := range n.Cmds {
			// T "key", or TIn lang "key".
			if k := keyArg(c.Args); k < len(c.Args) {
				if s, ok := c.Args[k].(*parse.StringNode); ok {
					found(s)
				}
			}
			for _, a := range c.Args {
				walkT(a, found)
			}
		}
	}
}

func walkBranch(n *parse.BranchNode, found func(*parse.StringNode)) {
	walkT(n.Pipe, found)
	walkT(n.List, found)
	walkT(n.ElseList, found)
}

// keyArg is the index in a command's words of the strings key it passes
// when it calls the View's T or TIn method, or len(args) when it calls
// neither.
func keyArg(args []parse.Node) int {
	switch {
	case len(args) > 1 && calls(args[0], "T"):
		return 1
	case len(args) > 2 && calls(args[0], "TIn"):
		return 2
	}
	return len(args)
}

// calls reports whether a command's first word is the method name (.T,
// $.T, $v.T, .V.T for T).
func calls(n parse.Node, name string) bool {
	var idents []string
	switch n := n.(type) {
	case *parse.FieldNode:
		idents = n.Ident
	case *parse.VariableNode:
		idents = n.Ident
	case *parse.ChainNode:
		idents = n.Field
	}
	return len(idents) > 0 && idents[len(idents)-1] == name
}
