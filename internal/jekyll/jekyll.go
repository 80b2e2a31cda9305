// Package jekyll reads what kb needs of a Jekyll site's _config.yml, so
// that a GitHub Pages repository builds as it is: the folders whose names
// start with '_' (which kb otherwise skips) but whose Markdown files
// Jekyll publishes, and where.
package jekyll

import (
	"cmp"
	"io/fs"
	"path"
	"strings"

	"gopkg.in/yaml.v3"
)

// ConfigFile is Jekyll's configuration file, at the site's root.
const ConfigFile = "_config.yml"

// Folders returns the top-level folders of the site in fsys that Jekyll
// publishes though their names start with '_': each collection with
// output: true (_pages for the collection "pages"), with its permalink
// pattern (Jekyll's default when it has none), and each folder named in
// include:, with "" (its files are pages where they are). A site without
// _config.yml, or with one that is not YAML, has none (nil); one with a
// _config.yml that publishes none, an empty map.
func Folders(fsys fs.FS) map[string]string {
	data, err := fs.ReadFile(fsys, ConfigFile)
	if err != nil {
		return nil
	}
	var c struct {
		Collections map[string]struct {
			Output    bool   `yaml:"output"`
			Permalink string `yaml:"permalink"`
		} `yaml:"collections"`
		Include []string `yaml:"include"`
	}
	if yaml.Unmarshal(data, &c) != nil {
		return nil
	}
	out := map[string]string{}
	for name, col := range c.Collections {
		if col.Output && name != "" && !strings.ContainsAny(name, "/\\") {
			out["_"+name] = cmp.Or(col.Permalink, "/:collection/:path/")
		}
	}
	for _, name := range c.Include {
		name = strings.Trim(name, "/")
		if strings.HasPrefix(name, "_") && !strings.ContainsAny(name, "/\\") {
			if _, ok := out[name]; !ok {
				out[name] = ""
			}
		}
	}
	return out
}

// Excluded returns a test of whether the content path p is one of the
// files or folders that the exclude: list of the site's _config.yml
// leaves out of the site (paths from the site's root, or patterns such as
// Gemfile*, as Jekyll matches them); nil when there is none.
func Excluded(fsys fs.FS) func(p string) bool {
	data, err := fs.ReadFile(fsys, ConfigFile)
	if err != nil {
		return nil
	}
	var c struct {
		Exclude []string `yaml:"exclude"`
	}
	if yaml.Unmarshal(data, &c) != nil || len(c.Exclude) == 0 {
		return nil
	}
	return func(p string) bool {
		for _, e := range c.Exclude {
			e = strings.Trim(e, "/")
			if e == "" {
				continue
			}
			if p == e || strings.HasPrefix(p, e+"/") {
				return true
			}
			if ok, _ := path.Match(e, p); ok {
				return true
			}
		}
		return false
	}
}

// PagePath returns where a page at the content path p belongs in the
// site's tree as Jekyll publishes it, for folders as Folders returns
// them: a collection's page by its permalink pattern (_pages/a/b.md is
// a/b.md for /:path/, pages/a/b.md for /:collection/:path/, b.md for
// /:title/), any other path as it is.
func PagePath(p string, folders map[string]string) string {
	top, rest, ok := strings.Cut(p, "/")
	pattern, in := folders[top]
	if !ok || !in || pattern == "" {
		return p
	}
	out := rest
	if !strings.Contains(pattern, ":path") && (strings.Contains(pattern, ":name") || strings.Contains(pattern, ":title")) {
		out = path.Base(rest)
	}
	if strings.Contains(pattern, ":collection") {
		out = strings.TrimPrefix(top, "_") + "/" + out
	}
	return out
}
