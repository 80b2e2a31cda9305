package builder

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"kb/internal/config"
)

// fmKey returns the key a front matter line starts with, as the regular
// expression ^([A-Za-z_][A-Za-z0-9_-]*)\s*: matches it, or nil.
func fmKey(line []byte) []byte {
	letter := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }
	if len(line) == 0 || !letter(line[0]) {
		return nil
	}
	i := 1
	for i < len(line) && (letter(line[i]) || line[i] >= '0' && line[i] <= '9' || line[i] == '-') {
		i++
	}
	j := i
	for j < len(line) && (line[j] == ' ' || line[j] == '\t' || line[j] == '\n' || line[j] == '\f' || line[j] == '\r') {
		j++
	}
	if j < len(line) && line[j] == ':' {
		return line[:i]
	}
	return nil
}

// frontMatterLines maps each top-level front-matter key to its line in the
// file, and returns the line the body starts on (1 when there is no front
// matter).
func frontMatterLines(src []byte) (map[string]int, int) {
	lines := map[string]int{}
	if !bytes.HasPrefix(src, []byte("---")) {
		return lines, 1
	}
	n := 1
	rest := src
	for {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			return lines, n
		}
		rest = rest[i+1:]
		n++
		line := rest
		if j := bytes.IndexByte(line, '\n'); j >= 0 {
			line = line[:j]
		}
		line = bytes.TrimRight(line, "\r")
		if len(line) >= 3 && len(bytes.Trim(line, "-")) == 0 {
			return lines, n + 1
		}
		if key := fmKey(line); key != nil {
			if _, seen := lines[string(key)]; !seen {
				lines[string(key)] = n
			}
		}
	}
}

// fmDecoder turns goldmark-meta's untyped map into a page's typed fields,
// collecting a diagnostic for every problem.
type fmDecoder struct {
	p     *Page
	cfg   *Config
	diags Diagnostics
	// lenient reads a folder without site.yaml (see readOptions.lenient):
	// a lang the site does not have is a warning there.
	lenient bool
}

func (d *fmDecoder) errf(key string, format string, args ...any) {
	line := d.p.fmLines[key]
	if line == 0 {
		line = 1
	}
	d.diags = append(d.diags, Diagnostic{File: d.p.Path, Line: line, Col: 1, Severity: SeverityError, Rule: RuleFrontMatter, Message: fmt.Sprintf(format, args...)})
}

func (d *fmDecoder) decode(m map[string]any) {
	p := d.p
	kind, _ := m["kind"].(string)
	if v, ok := m["kind"]; ok {
		if s, ok := v.(string); !ok || s == "" {
			d.errf("kind", "kind must be a non-empty string")
		} else if d.cfg.Kind(s) == nil {
			names := make([]string, len(d.cfg.Kinds))
			for i, k := range d.cfg.Kinds {
				names[i] = k.Name
			}
			d.errf("kind", "unknown kind %q (site.yaml declares: %s)", s, strings.Join(names, ", "))
			kind = ""
		}
	}
	p.Kind = kind
	p.Title = d.str(m, "title")
	p.Summary = d.str(m, "summary")
	p.Owner = d.str(m, "owner")
	p.TranslationKey = d.str(m, "translation_key")
	if l := d.str(m, "lang"); l != "" {
		switch {
		case d.cfg.HasLanguage(l):
			p.Lang = l
		case d.lenient:
			d.errf("lang", "lang %q is not one of the site's languages: the page is published in the default language (site.yaml's languages: adds one)", l)
			d.diags[len(d.diags)-1].Severity = SeverityWarning
		default:
			d.errf("lang", "lang %q is not one of the site's languages", l)
		}
	}
	// A page in another language than the default lives in that
	// language's part of the site (/nl/…); a permalink, decoded below,
	// still names its URL as written.
	p.URL = d.cfg.LangURL(p.Lang, p.URL)
	p.Tags = d.list(m, "tags")
	for i, t := range p.Tags {
		p.Tags[i] = strings.ToLower(strings.TrimSpace(t))
		if !tagRE.MatchString(p.Tags[i]) {
			d.errf("tags", "tag %q must be lowercase letters, digits and hyphens", t)
		}
	}
	p.Aliases = d.list(m, "aliases")
	p.Sources = d.list(m, "sources")
	p.ReviewBy = d.date(m, "review_by")
	p.Draft = d.bool(m, "draft")
	p.Weight = d.int(m, "weight")
	d.decodeJekyll(m)

	var k *Kind
	if kind != "" {
		k = d.cfg.Kind(kind)
		if p.Title == "" {
			d.errf("kind", "title is required on a page of kind %s", kind)
		}
	}
	keys := make([]string, 0, len(m))
	for key := range m {
		keys = append(keys, key)
	}
	slices.Sort(keys)
	for _, key := range keys {
		if config.IsCommonKey(key) {
			continue
		}
		if k == nil {
			if p.Extra == nil {
				p.Extra = map[string]any{}
			}
			p.Extra[key] = m[key]
			continue
		}
		f := k.Field(key)
		if f == nil {
			d.errf(key, "unknown field %q for kind %s", key, kind)
			continue
		}
		if v, ok := d.field(m, f); ok {
			if p.Fields == nil {
				p.Fields = map[string]any{}
			}
			p.Fields[key] = v
		}
	}
	if k != nil {
		for _, f := range k.Fields {
			if _, ok := m[f.Name]; !ok && f.Required {
				d.errf("kind", "missing required field %q for kind %s", f.Name, kind)
			}
		}
	}
}

var tagRE = regexp.MustCompile(`^[\p{Ll}\p{N}]+(-[\p{Ll}\p{N}]+)*$`)

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "nothing"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case int, int64, uint64, float64:
		return "a number"
	case []any:
		return "a list"
	case map[any]any, map[string]any:
		return "a mapping"
	case time.Time:
		return "a date"
	}
	return fmt.Sprintf("%T", v)
}

func scalarString(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case int:
		return strconv.Itoa(v), true
	case int64:
		return strconv.FormatInt(v, 10), true
	case uint64:
		return strconv.FormatUint(v, 10), true
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	}
	return "", false
}

func (d *fmDecoder) str(m map[string]any, key string) string {
	v, ok := m[key]
	if !ok || v == nil {
		return ""
	}
	s, ok := scalarString(v)
	if !ok {
		d.errf(key, "%s must be a string, not %s", key, typeName(v))
	}
	return strings.TrimSpace(s)
}

func (d *fmDecoder) toList(key string, v any) ([]string, bool) {
	switch v := v.(type) {
	case nil:
		return nil, true
	case string:
		return []string{v}, true
	case []any:
		out := make([]string, 0, len(v))
		for i, e := range v {
			s, ok := scalarString(e)
			if !ok {
				d.errf(key, "%s: item %d must be a string, not %s", key, i+1, typeName(e))
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	d.errf(key, "%s must be a list of strings, not %s", key, typeName(v))
	return nil, false
}

func (d *fmDecoder) list(m map[string]any, key string) []string {
	l, _ := d.toList(key, m[key])
	return l
}

func (d *fmDecoder) toDate(key string, v any) (time.Time, bool) {
	switch v := v.(type) {
	case nil:
		return time.Time{}, true
	case time.Time:
		return v.UTC(), true
	case string:
		t, err := time.Parse(time.DateOnly, strings.TrimSpace(v))
		if err == nil {
			return t, true
		}
	}
	d.errf(key, "%s must be a date written YYYY-MM-DD, not %v", key, v)
	return time.Time{}, false
}

func (d *fmDecoder) date(m map[string]any, key string) time.Time {
	t, _ := d.toDate(key, m[key])
	return t
}

func (d *fmDecoder) bool(m map[string]any, key string) bool {
	v, ok := m[key]
	if !ok || v == nil {
		return false
	}
	b, ok := v.(bool)
	if !ok {
		d.errf(key, "%s must be true or false, not %s", key, typeName(v))
	}
	return b
}

func (d *fmDecoder) int(m map[string]any, key string) int {
	v, ok := m[key]
	if !ok || v == nil {
		return 0
	}
	n, ok := v.(int)
	if !ok {
		d.errf(key, "%s must be a whole number, not %s", key, typeName(v))
	}
	return n
}

// field converts a kind-specific value according to its declared type.
func (d *fmDecoder) field(m map[string]any, f *Field) (any, bool) {
	v := m[f.Name]
	if v == nil {
		if f.Required {
			d.errf(f.Name, "%s must not be empty", f.Name)
		}
		return nil, false
	}
	switch f.Type {
	case "string", "text":
		s, ok := scalarString(v)
		if !ok {
			d.errf(f.Name, "%s must be a string, not %s", f.Name, typeName(v))
		}
		return strings.TrimSpace(s), ok
	case "enum":
		s, ok := scalarString(v)
		if !ok || !slices.Contains(f.Values, s) {
			d.errf(f.Name, "%s must be one of %s, not %v", f.Name, strings.Join(f.Values, ", "), v)
			return nil, false
		}
		return s, true
	case "list":
		return d.toList(f.Name, v)
	case "links":
		l, ok := d.toList(f.Name, v)
		refs := make([]PageRef, len(l))
		for i, s := range l {
			refs[i] = PageRef{Path: s}
		}
		return refs, ok
	case "date":
		return d.toDate(f.Name, v)
	case "int":
		n, ok := v.(int)
		if !ok {
			d.errf(f.Name, "%s must be a whole number, not %s", f.Name, typeName(v))
		}
		return n, ok
	case "bool":
		b, ok := v.(bool)
		if !ok {
			d.errf(f.Name, "%s must be true or false, not %s", f.Name, typeName(v))
		}
		return b, ok
	case "agenda":
		return d.agenda(f.Name, v)
	case "steps":
		return d.steps(f.Name, v)
	}
	return nil, false
}

func (d *fmDecoder) items(key string, v any) ([]any, bool) {
	l, ok := v.([]any)
	if !ok {
		d.errf(key, "%s must be a list, not %s", key, typeName(v))
	}
	return l, ok
}

// record checks that e is a mapping with only the allowed string keys and
// returns it with string keys.
func (d *fmDecoder) record(key string, i int, e any, allowed ...string) (map[string]any, bool) {
	raw, ok := e.(map[any]any)
	if !ok {
		d.errf(key, "%s: item %d must be a mapping with %s, not %s", key, i+1, strings.Join(allowed, ", "), typeName(e))
		return nil, false
	}
	out := make(map[string]any, len(raw))
	for k, v := range raw {
		ks, _ := k.(string)
		if !slices.Contains(allowed, ks) {
			d.errf(key, "%s: item %d has unknown field %v (allowed: %s)", key, i+1, k, strings.Join(allowed, ", "))
			return nil, false
		}
		out[ks] = v
	}
	return out, true
}

func (d *fmDecoder) agenda(key string, v any) ([]AgendaItem, bool) {
	l, ok := d.items(key, v)
	if !ok {
		return nil, false
	}
	out := make([]AgendaItem, 0, len(l))
	for i, e := range l {
		if s, ok := e.(string); ok {
			out = append(out, AgendaItem{Item: s})
			continue
		}
		r, ok := d.record(key, i, e, "item", "minutes")
		if !ok {
			return nil, false
		}
		item, ok1 := scalarString(r["item"])
		min, ok2 := r["minutes"].(int)
		if _, has := r["minutes"]; !has {
			ok2 = true
		}
		if !ok1 || item == "" || !ok2 || min < 0 {
			d.errf(key, "%s: item %d needs a text \"item\" and whole \"minutes\"", key, i+1)
			return nil, false
		}
		out = append(out, AgendaItem{Item: item, Minutes: min})
	}
	return out, true
}

var stepStatuses = []string{"todo", "doing", "done"}

func (d *fmDecoder) steps(key string, v any) ([]Step, bool) {
	l, ok := d.items(key, v)
	if !ok {
		return nil, false
	}
	out := make([]Step, 0, len(l))
	for i, e := range l {
		r, ok := d.record(key, i, e, "name", "owner", "status")
		if !ok {
			return nil, false
		}
		name, ok1 := scalarString(r["name"])
		owner, ok2 := scalarString(r["owner"])
		status, ok3 := scalarString(r["status"])
		if r["status"] == nil {
			status, ok3 = "", true
		}
		if !ok1 || name == "" || !ok2 || owner == "" {
			d.errf(key, "%s: step %d needs a \"name\" and an \"owner\"", key, i+1)
			return nil, false
		}
		if !ok3 || (status != "" && !slices.Contains(stepStatuses, status)) {
			d.errf(key, "%s: step %d: status must be one of %s", key, i+1, strings.Join(stepStatuses, ", "))
			return nil, false
		}
		out = append(out, Step{Name: name, Owner: owner, Status: status})
	}
	return out, true
}
