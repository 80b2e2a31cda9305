// Package jekyll reads what kb needs of a Jekyll site's _config.yml, so
// that a GitHub Pages repository builds as it is: the folders whose names
// start with '_' (which kb otherwise skips) but whose Markdown files
// Jekyll publishes, and where, and what it leaves out.
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

// Site is what kb reads of a site's _config.yml. A nil *Site (no
// _config.yml, or one that is not YAML) publishes nothing and excludes
// nothing.
type Site struct {
	// Folders are the top-level folders Jekyll publishes though their
	// names start with '_': each collection with output: true (_pages for
	// the collection "pages"), with its permalink pattern (Jekyll's default
	// when it has none), and each folder named in include:, with "" (its
	// files are pages where they are).
	Folders map[string]string
	// exclude is the exclude: list, trimmed of slashes.
	exclude []string
}

// Read reads the _config.yml of the site in fsys: nil when it has none or
// one that is not YAML.
func Read(fsys fs.FS) *Site {
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
		Exclude []string `yaml:"exclude"`
	}
	if yaml.Unmarshal(data, &c) != nil {
		return nil
	}
	s := &Site{Folders: map[string]string{}}
	for name, col := range c.Collections {
		if col.Output && name != "" && !strings.ContainsAny(name, "/\\") {
			s.Folders["_"+name] = cmp.Or(col.Permalink, "/:collection/:path/")
		}
	}
	for _, name := range c.Include {
		name = strings.Trim(name, "/")
		if strings.HasPrefix(name, "_") && !strings.ContainsAny(name, "/\\") {
			if _, ok := s.Folders[name]; !ok {
				s.Folders[name] = ""
			}
		}
	}
	for _, e := range c.Exclude {
		if e = strings.Trim(e, "/"); e != "" {
			s.exclude = append(s.exclude, e)
		}
	}
	return s
}

// Publishes reports whether the content path p is one of Folders.
func (s *Site) Publishes(p string) bool {
	if s == nil {
		return false
	}
	_, ok := s.Folders[p]
	return ok
}

// Excluded reports whether the content path p is one of the files or
// folders that the exclude: list leaves out of the site (paths from the
// site's root, or patterns such as Gemfile*, as Jekyll matches them).
func (s *Site) Excluded(p string) bool {
	if s == nil {
		return false
	}
	for _, e := range s.exclude {
		if p == e || strings.HasPrefix(p, e+"/") {
			return true
		}
		if ok, _ := path.Match(e, p); ok {
			return true
		}
	}
	return false
}

// PagePath returns where a page at the content path p belongs in the
// site's tree as Jekyll publishes it: a collection's page by its
// permalink pattern (_pages/a/b.md is a/b.md for /:path/, pages/a/b.md
// for /:collection/:path/, b.md for /:title/), any other path as it is.
func (s *Site) PagePath(p string) string {
	if s == nil {
		return p
	}
	top, rest, ok := strings.Cut(p, "/")
	pattern, in := s.Folders[top]
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
