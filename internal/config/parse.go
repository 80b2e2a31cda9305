package config

import (
	"fmt"
	"io/fs"
	"maps"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"kb/internal/diag"
	"kb/internal/suggest"
)

// Rules says which rules site.yaml's rules mapping may set.
type Rules struct {
	// Names lists every rule, in the order a problem lists them; nil
	// accepts any name.
	Names []string
	// Fixed lists the rules that are always errors: site.yaml may not
	// give them another severity.
	Fixed []string
}

// severities are the values a rule's severity may take.
var severities = []string{string(diag.SeverityError), string(diag.SeverityWarning), string(diag.SeverityOff)}

var (
	langCodeRE = regexp.MustCompile(`^[a-z]{2,3}$`)
	slugRE     = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

// Parse reads site.yaml's bytes, name being the file's name in the
// diagnostics. It is strict: every key must be one site.yaml knows, at
// its level, every value of its key's type, no key may be set twice, and
// the values must make sense together (languages, kinds, folders, the base
// URL, and rules against rules). Keys the file leaves out keep their
// defaults (see Default). Problems are returned as diagnostics of rule
// Rule in the file's words: the key's path and line, and for a mistyped
// key or value the nearest valid one, never a Go type. The config is nil
// when any of them is an error.
func Parse(name string, src []byte, rules Rules) (*Config, diag.Diagnostics) {
	p := &parser{name: name}
	c := Default()
	c.Kinds = nil
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		line, msg := syntaxError(err)
		p.bad(line, "%s", msg)
		return nil, p.ds
	}
	if root := resolve(&doc); root != nil && !isNull(root) {
		p.decode(root, reflect.ValueOf(c).Elem(), nil)
		if len(p.ds) > 0 {
			return nil, p.ds
		}
		c.root = root
	}
	p.check(c, rules)
	if len(p.ds) > 0 {
		return nil, p.ds
	}
	return c, nil
}

// syntaxError is the line and text of the YAML parser's message about a
// file that is not YAML. Such a file has no node tree to take a position
// from, so the line is the one the message names (0 when it names none).
func syntaxError(err error) (int, string) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if num, text, ok := strings.Cut(rest, ": "); ok {
			if n, err := strconv.Atoi(num); err == nil {
				return n, text
			}
		}
	}
	return 0, msg
}

// parser collects the problems of one site.yaml.
type parser struct {
	name string
	ds   diag.Diagnostics
	// steps counts the values decoded, aliases counting anew each time.
	steps int
}

// maxSteps bounds the values a file may hold, counting those its aliases
// repeat: a few lines of anchors can stand for billions of values.
const maxSteps = 1 << 20

func (p *parser) bad(line int, format string, args ...any) {
	p.ds = append(p.ds, diag.Diagnostic{File: p.name, Line: line, Severity: diag.SeverityError, Rule: Rule, Message: fmt.Sprintf(format, args...)})
}

// decode sets v from the node n, whose key path is path (a list item adds
// no step), reporting every unknown key, repeated key and value of the
// wrong type. Keys n leaves out keep v's values; an empty value (null)
// sets the zero value.
func (p *parser) decode(n *yaml.Node, v reflect.Value, path []string) {
	if p.steps++; p.steps > maxSteps {
		if p.steps == maxSteps+1 {
			p.bad(n.Line, "the file's aliases (*name) repeat more values than kb reads (%d)", maxSteps)
		}
		return
	}
	n = resolve(n)
	if isNull(n) {
		v.SetZero()
		return
	}
	switch t := v.Type(); t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			p.wrongType(n, t, path)
			return
		}
		keys := yamlKeys(t)
		for _, kv := range p.pairs(n, path) {
			i := slices.Index(keys, kv.key.Value)
			if i < 0 {
				p.unknownKey(kv.key, path, keys)
				continue
			}
			p.decode(kv.val, v.Field(i), append(path, kv.key.Value))
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			p.wrongType(n, t, path)
			return
		}
		m := reflect.MakeMap(t)
		for _, kv := range p.pairs(n, path) {
			e := reflect.New(t.Elem()).Elem()
			p.decode(kv.val, e, append(path, kv.key.Value))
			m.SetMapIndex(reflect.ValueOf(kv.key.Value), e)
		}
		v.Set(m)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			p.wrongType(n, t, path)
			return
		}
		s := reflect.MakeSlice(t, len(n.Content), len(n.Content))
		for i, item := range n.Content {
			p.decode(item, s.Index(i), path)
		}
		v.Set(s)
	default:
		if n.Kind != yaml.ScalarNode || n.Decode(v.Addr().Interface()) != nil {
			p.wrongType(n, t, path)
		}
	}
}

// pair is one key of a mapping and its value.
type pair struct{ key, val *yaml.Node }

// pairs lists the keys of the mapping n and their values: its own, then
// those merged into it with "<<" that it does not set itself. It reports,
// and leaves out, keys that are not text and keys n sets twice; p may be
// nil to report nothing.
func (p *parser) pairs(n *yaml.Node, path []string) []pair {
	var own, merged []pair
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := resolve(n.Content[i]), n.Content[i+1]
		if k.ShortTag() == "!!merge" {
			merged = append(merged, p.merge(val, path)...)
			continue
		}
		if k.Kind != yaml.ScalarNode {
			p.report(k.Line, "a key%s must be text, not %s", in(path), valueWords(k))
			continue
		}
		if first := seen[k.Value]; first != nil {
			p.report(k.Line, "%s is set twice (first on line %d)", joinPath(path, k.Value), first.Line)
			continue
		}
		seen[k.Value] = k
		own = append(own, pair{k, val})
	}
	for _, kv := range merged {
		if seen[kv.key.Value] == nil {
			seen[kv.key.Value] = kv.key
			own = append(own, kv)
		}
	}
	return own
}

// merge lists the keys and values a "<<" key merges: a mapping's, or
// those of a list of mappings, earlier ones first.
func (p *parser) merge(n *yaml.Node, path []string) []pair {
	n = resolve(n)
	switch n.Kind {
	case yaml.MappingNode:
		return p.pairs(n, path)
	case yaml.SequenceNode:
		var all []pair
		for _, m := range n.Content {
			if m = resolve(m); m.Kind == yaml.MappingNode {
				all = append(all, p.pairs(m, path)...)
				continue
			}
			p.report(m.Line, "<<%s must merge a mapping (key: value lines), not %s", in(path), valueWords(m))
		}
		return all
	}
	p.report(n.Line, "<<%s must merge a mapping (key: value lines), not %s", in(path), valueWords(n))
	return nil
}

// report is bad on a parser that may be nil.
func (p *parser) report(line int, format string, args ...any) {
	if p != nil {
		p.bad(line, format, args...)
	}
}

// unknownKey reports a key not among the known keys at path, suggesting
// the nearest one.
func (p *parser) unknownKey(key *yaml.Node, path, known []string) {
	where := joinPath(path, key.Value)
	switch s := suggest.Nearest(key.Value, known); {
	case s != "":
		p.bad(key.Line, "unknown key %s: did you mean %s?", where, joinPath(path, s))
	case len(known) > 0:
		p.bad(key.Line, "unknown key %s (known here: %s)", where, strings.Join(known, ", "))
	default:
		p.bad(key.Line, "unknown key %s", where)
	}
}

// wrongType reports a value n that a value of type t cannot hold.
func (p *parser) wrongType(n *yaml.Node, t reflect.Type, path []string) {
	where := strings.Join(path, ".")
	if where == "" {
		where = "the value"
	}
	p.bad(n.Line, "%s must be %s, not %s", where, typeWords(t), valueWords(n))
}

// typeWords says in words what kind of YAML value a Go type takes.
func typeWords(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int64:
		return "a whole number"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "text"
	case reflect.Slice:
		return "a list"
	}
	return "a mapping (key: value lines)"
}

// valueWords says in words what a YAML value is: a scalar by its text.
func valueWords(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping (key: value lines)"
	}
	return strconv.Quote(n.Value)
}

// yamlKeys lists the keys a struct type takes in site.yaml, in the order
// of its fields (the i-th key is the i-th field; unexported fields come
// last and take none).
func yamlKeys(t reflect.Type) []string {
	var keys []string
	for i := range t.NumField() {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ","); name != "" && name != "-" {
			keys = append(keys, name)
		}
	}
	return keys
}

// in is " in " and the key path, or "" at the top level.
func in(path []string) string {
	if len(path) == 0 {
		return ""
	}
	return " in " + strings.Join(path, ".")
}

// joinPath is the key path of key under path.
func joinPath(path []string, key string) string {
	return strings.Join(append(slices.Clip(path), key), ".")
}

// resolve is n with a document and an alias replaced by what they hold,
// or nil for an empty document.
func resolve(n *yaml.Node) *yaml.Node {
	for n != nil {
		switch n.Kind {
		case yaml.DocumentNode:
			if len(n.Content) == 0 {
				return nil
			}
			n = n.Content[0]
		case yaml.AliasNode:
			n = n.Alias
		case 0:
			return nil // no document at all
		default:
			return n
		}
	}
	return nil
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" }

// check reports the values that make no sense together or in kb, and
// fills in the defaults of settings left at zero.
func (p *parser) check(c *Config, rules Rules) {
	line := func(path string) int { return c.Pos(path).Line }
	if c.Kinds == nil {
		c.Kinds = DefaultKinds()
	}
	if err := c.SetBaseURL(c.BaseURL); err != nil {
		p.bad(line("base_url"), "%v", err)
	}
	if len(c.Languages) == 0 {
		p.bad(line("languages"), "languages: at least one language is needed")
	}
	seen := map[string]bool{}
	for _, l := range c.Languages {
		if !langCodeRE.MatchString(l.Code) || seen[l.Code] {
			p.bad(line("languages"), "languages: %q is not a valid, unique language code", l.Code)
		}
		seen[l.Code] = true
	}
	if !c.HasLanguage(c.DefaultLanguage) {
		codes := make([]string, len(c.Languages))
		for i, l := range c.Languages {
			codes[i] = l.Code
		}
		p.bad(line("default_language"), "default_language %q is not one of the languages%s", c.DefaultLanguage, suggest.DidYouMean(c.DefaultLanguage, codes))
	}
	for _, rule := range slices.Sorted(maps.Keys(c.Rules)) {
		sev, at := c.Rules[rule], line("rules."+rule)
		if rules.Names != nil && !slices.Contains(rules.Names, rule) {
			p.bad(at, "rules: unknown rule %q%s", rule, suggest.DidYouMean(rule, rules.Names))
		}
		if !slices.Contains(severities, sev) {
			p.bad(at, "rules.%s: severity must be error, warning or off, not %q%s", rule, sev,
				strings.TrimSuffix(suggest.DidYouMean(sev, severities), " (known: error, warning, off)"))
		}
		if slices.Contains(rules.Fixed, rule) && sev != string(diag.SeverityError) {
			p.bad(at, "rules: %s cannot be lowered", rule)
		}
	}
	kinds := map[string]bool{}
	for _, k := range c.Kinds {
		if !slugRE.MatchString(k.Name) || kinds[k.Name] {
			p.bad(line("kinds"), "kinds: %q is not a valid, unique kind name", k.Name)
		}
		kinds[k.Name] = true
		fields := map[string]bool{}
		for _, f := range k.Fields {
			if f.Name == "" || fields[f.Name] || IsCommonKey(f.Name) {
				p.bad(line("kinds"), "kinds: %s: field %q is empty, repeated or a common front-matter key", k.Name, f.Name)
			}
			fields[f.Name] = true
			if !slices.Contains(fieldTypes, f.Type) {
				p.bad(line("kinds"), "kinds: %s: field %s has unknown type %q%s", k.Name, f.Name, f.Type, suggest.DidYouMean(f.Type, fieldTypes))
			}
			if f.Type == "enum" && len(f.Values) == 0 {
				p.bad(line("kinds"), "kinds: %s: enum field %s needs values", k.Name, f.Name)
			}
			if f.Search != "" && !slices.Contains(fieldSearches, f.Search) {
				p.bad(line("kinds"), "kinds: %s: field %s: search must be heading, body or off, not %q%s", k.Name, f.Name, f.Search,
					strings.TrimSuffix(suggest.DidYouMean(f.Search, fieldSearches), " (known: heading, body, off)"))
			}
		}
	}
	for _, dir := range []struct{ key, val string }{{"content_dir", c.ContentDir}, {"theme_dir", c.ThemeDir}} {
		if !fs.ValidPath(dir.val) || dir.val == "." {
			p.bad(line(dir.key), "%s %q must be a folder inside the site", dir.key, dir.val)
		}
	}
	for _, list := range []struct {
		key  string
		srcs *[]string
	}{{"external_media.images", &c.ExternalMedia.Images}, {"external_media.frames", &c.ExternalMedia.Frames}} {
		for i, src := range *list.srcs {
			origin, ok := mediaOrigin(src)
			if !ok {
				p.bad(line(list.key), "%s: %q is not a host or an http(s) origin (like img.shields.io or https://example.com)", list.key, src)
				continue
			}
			(*list.srcs)[i] = origin
		}
	}
	if c.Markdown.MaxFileSize <= 0 {
		c.Markdown.MaxFileSize = defaultMaxFileSize
	}
	if c.FeedSize <= 0 {
		c.FeedSize = defaultFeedSize
	}
}

// mediaOrigin turns a host or an origin into the origin a
// Content-Security-Policy names ("img.shields.io" → "https://img.shields.io");
// ok is false for anything else (paths, wildcards, keywords, spaces).
func mediaOrigin(src string) (string, bool) {
	if !strings.Contains(src, "://") {
		src = "https://" + src
	}
	u, err := url.Parse(src)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Hostname() == "" ||
		u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" ||
		strings.ContainsAny(u.Host, "*'; ") {
		return "", false
	}
	return u.Scheme + "://" + strings.ToLower(u.Host), true
}
