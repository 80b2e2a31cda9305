package config

import (
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Pos is where something stands in site.yaml: a 1-based line and column,
// both zero when it is not in the file.
type Pos struct {
	Line, Col int
}

// Pos returns where the key at path stands in site.yaml. A path is keys
// joined by dots, with a list item's index in brackets after its list's
// key ("rules.orphan", "kinds[1].fields[0].type"); a path ending in an
// index gives the item's own position. It returns the zero Pos when the
// file does not set that key (a default has no position), when the path
// is malformed, and for a key that holds a dot itself.
func (c *Config) Pos(path string) Pos {
	n := c.root
	var at *yaml.Node
	for _, seg := range strings.Split(path, ".") {
		key, rest, _ := strings.Cut(seg, "[")
		if key != "" {
			k, v := lookup(n, key)
			if k == nil {
				return Pos{}
			}
			at, n = k, v
		} else if at == nil {
			return Pos{} // an index needs a list's key before it
		}
		for rest != "" {
			num, after, ok := strings.Cut(rest, "]")
			i, err := strconv.Atoi(num)
			n = resolve(n)
			if !ok || err != nil || n == nil || n.Kind != yaml.SequenceNode || i < 0 || i >= len(n.Content) {
				return Pos{}
			}
			at, n = n.Content[i], n.Content[i]
			if rest, ok = strings.CutPrefix(after, "["); !ok && after != "" {
				return Pos{}
			}
		}
	}
	if at == nil {
		return Pos{}
	}
	return Pos{Line: at.Line, Col: at.Column}
}

// lookup finds key in the mapping n (after its own keys, among those
// merged into it), returning the key's node and its value, or nils.
func lookup(n *yaml.Node, key string) (k, v *yaml.Node) {
	n = resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	var p *parser // reports nothing: Parse has reported it all
	for _, kv := range p.pairs(n, nil) {
		if kv.key.Value == key {
			return kv.key, kv.val
		}
	}
	return nil, nil
}
