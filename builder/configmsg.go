package builder

import (
	"bytes"
	"fmt"
	"reflect"
	"regexp"
	"strings"

	"kb/internal/suggest"
)

// site.yaml's problems in the words of the file: key paths, the nearest
// valid key or value, never a Go type.

// configTypes are the types site.yaml decodes into, by the name the YAML
// decoder gives them in its messages.
var configTypes = map[string]reflect.Type{
	"builder.Config":         reflect.TypeFor[Config](),
	"builder.Language":       reflect.TypeFor[Language](),
	"builder.Repository":     reflect.TypeFor[Repository](),
	"builder.MarkdownConfig": reflect.TypeFor[MarkdownConfig](),
	"builder.Kind":           reflect.TypeFor[Kind](),
	"builder.Field":          reflect.TypeFor[Field](),
}

var (
	unknownFieldRE = regexp.MustCompile("^field (.+) not found in type (\\S+)$")
	cannotDecodeRE = regexp.MustCompile("^cannot unmarshal !!(\\w+)(?: `(.*)`)? into (\\S+)$")
	goTypeRE       = regexp.MustCompile(`\b(?:builder\.\w+|map\[\w+\]\w+|\[\]\S+)`)
)

// configMessage rewrites one message of the YAML decoder about site.yaml,
// at line (1-based, 0 when unknown), in the file's own terms: the key's
// path, and for an unknown key the nearest valid one.
func configMessage(src []byte, line int, msg string) string {
	path := keyPathAt(src, line)
	if m := unknownFieldRE.FindStringSubmatch(msg); m != nil {
		key := m[1]
		where := strings.Join(append(path, key), ".")
		known := yamlKeys(configTypes[m[2]])
		if s := nearest(key, known); s != "" {
			return fmt.Sprintf("unknown key %s: did you mean %s?", where, strings.Join(append(path, s), "."))
		}
		if len(known) > 0 {
			return fmt.Sprintf("unknown key %s (known here: %s)", where, strings.Join(known, ", "))
		}
		return "unknown key " + where
	}
	if m := cannotDecodeRE.FindStringSubmatch(msg); m != nil {
		got := yamlTagName(m[1])
		if m[2] != "" {
			got = fmt.Sprintf("%q", m[2])
		}
		// A scalar is on its key's line, and so is a mapping or list
		// written in flow style; a block one starts on the line below.
		l := bytes.TrimLeft(lineAt(src, line), " -")
		if k := fmKeyRE.FindSubmatch(l); k != nil {
			rest := bytes.TrimSpace(l[len(k[0]):])
			block := m[1] == "seq" || m[1] == "map"
			if !block || bytes.HasPrefix(rest, []byte("{")) || bytes.HasPrefix(rest, []byte("[")) {
				path = append(path, string(k[1]))
			}
		}
		where := strings.Join(path, ".")
		if where == "" {
			where = "the value"
		}
		return fmt.Sprintf("%s must be %s, not %s", where, goTypeWords(m[3]), got)
	}
	return goTypeRE.ReplaceAllStringFunc(msg, goTypeWords)
}

// yamlTagName names a YAML node's tag in words.
func yamlTagName(tag string) string {
	switch tag {
	case "str":
		return "text"
	case "int", "float":
		return "a number"
	case "bool":
		return "true or false"
	case "seq":
		return "a list"
	case "map":
		return "a mapping (key: value lines)"
	case "null":
		return "nothing"
	}
	return "a " + tag
}

// goTypeWords says in words what kind of YAML value a Go type takes.
func goTypeWords(t string) string {
	switch {
	case strings.HasPrefix(t, "int"), strings.HasPrefix(t, "uint"):
		return "a whole number"
	case t == "bool":
		return "true or false"
	case t == "string":
		return "text"
	case strings.HasPrefix(t, "[]"):
		return "a list"
	}
	return "a mapping (key: value lines)"
}

// yamlKeys lists the keys a struct type takes in site.yaml.
func yamlKeys(t reflect.Type) []string {
	if t == nil {
		return nil
	}
	var keys []string
	for i := range t.NumField() {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ","); name != "" && name != "-" {
			keys = append(keys, name)
		}
	}
	return keys
}

// lineAt is the given line (1-based) of src, or nil.
func lineAt(src []byte, line int) []byte {
	lines := bytes.Split(src, []byte("\n"))
	if line < 1 || line > len(lines) {
		return nil
	}
	return lines[line-1]
}

// keyPathAt is the path of mapping keys that encloses the given line of a
// YAML file ("repository" for a line inside repository:), found from the
// indentation of the lines above it. List items add no step.
func keyPathAt(src []byte, line int) []string {
	lines := bytes.Split(src, []byte("\n"))
	if line < 1 || line > len(lines) {
		return nil
	}
	limit := len(lines[line-1]) - len(bytes.TrimLeft(lines[line-1], " "))
	var path []string
	for i := line - 2; i >= 0 && limit > 0; i-- {
		l := lines[i]
		trimmed := bytes.TrimLeft(l, " ")
		if len(trimmed) == 0 || trimmed[0] == '#' {
			continue
		}
		content := bytes.TrimLeft(trimmed, "- ")
		if len(l)-len(content) >= limit {
			continue // a sibling, or inside one
		}
		if m := fmKeyRE.FindSubmatch(trimmed); m != nil {
			path = append([]string{string(m[1])}, path...)
		}
		limit = len(l) - len(trimmed)
	}
	return path
}

// nearest returns the option closest to s, when it is close enough to be
// the one meant (a typo or two), or "".
func nearest(s string, options []string) string {
	limit := 1 // a typo in a short word leaves little of it
	if n := len([]rune(s)); n > 4 {
		limit = max(2, n/4)
	}
	s = strings.ToLower(s)
	for d := 1; d <= limit; d++ {
		for _, o := range options {
			if o != s && suggest.WithinEdits([]rune(s), []rune(strings.ToLower(o)), d) {
				return o
			}
		}
	}
	return ""
}

// didYouMean is " (did you mean X?)" for the option nearest to s, else
// " (known: every option)".
func didYouMean(s string, options []string) string {
	if n := nearest(s, options); n != "" {
		return fmt.Sprintf(" (did you mean %s?)", n)
	}
	return fmt.Sprintf(" (known: %s)", strings.Join(options, ", "))
}

// nestedKeyLine is the line of key inside the top-level mapping parent,
// else parent's own line, else 0.
func nestedKeyLine(src []byte, parent, key string) int {
	start := keyLine(src, parent)
	if start == 0 {
		return 0
	}
	lines := bytes.Split(src, []byte("\n"))
	for i := start; i < len(lines); i++ {
		l := lines[i]
		trimmed := bytes.TrimLeft(l, " ")
		if len(trimmed) == len(l) && len(trimmed) > 0 && trimmed[0] != '#' {
			break // the next top-level key
		}
		if m := fmKeyRE.FindSubmatch(trimmed); m != nil && string(m[1]) == key {
			return i + 1
		}
	}
	return start
}
