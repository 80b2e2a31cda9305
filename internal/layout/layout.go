// Package layout names the files and folders of a site and of its output
// that more than one part of kb knows: the configuration file, which source
// names are never part of a site, and kb's own folder in the output with
// the search index, the static search bundle and the preview server's
// endpoints. A new output file kb writes for itself goes under Reserved and
// is named here.
package layout

import "strings"

// ConfigFile is the name of a site's configuration file, at the site's root.
const ConfigFile = "site.yaml"

// Default folders of a site, relative to its root; site.yaml's content_dir
// and theme_dir change them.
const (
	ContentDir = "content"
	ThemeDir   = "theme"
)

// Names in the output folder, slash-separated and relative to it (the
// preview server's endpoints relative to the site's base path).
const (
	// Reserved is kb's own folder: no page, alias or static file may be
	// written inside it, and the preview server answers only its endpoints
	// there.
	Reserved = "_kb"
	// MovedPages holds kb's own pages whose usual folder the site's own
	// pages take (a handbook's review/ or search/ folder): kb's review page
	// is then MovedPages/review/. It is outside Reserved, which the
	// preview server does not serve, and, its name starting with '_',
	// never a folder of the site's pages.
	MovedPages = "_kb-site"
	// IndexDir holds the search index.
	IndexDir = Reserved + "/search"
	// StaticSearchDir holds the static search bundle, read by the theme's
	// search box where no kb serve answers SearchEndpoint.
	StaticSearchDir = Reserved + "/static-search"
	// OutputMarker marks an output folder kb made (see builder.CheckDest).
	OutputMarker = ".kb-output"
	// SearchEndpoint is where kb serve answers searches.
	SearchEndpoint = "_search"
	// LiveScript is the preview's live-reload script.
	LiveScript = Reserved + "/live.js"
	// Events streams the preview's build results.
	Events = Reserved + "/events"
)

// InlineStylesMeta is the tag a page's <head> holds when the page needs
// inline styles, as the diagram script does (it draws with style elements
// and attributes): kb serve then allows them in that page's
// Content-Security-Policy, and in no other. The tag must come before
// </head>, within the first HeadLimit bytes of the file.
const InlineStylesMeta = `<meta name="kb-inline-styles" content="diagrams">`

// HeadLimit is how far into a page kb serve looks for InlineStylesMeta.
const HeadLimit = 4096

// Ignored reports whether a file or folder name is never part of a site:
// dotfiles, names starting with '_' other than a folder's _index page,
// editor temp and backup files, and dependency folders.
func Ignored(name string) bool {
	switch {
	case name == "" || name[0] == '.' || name[0] == '#':
		return true
	case name[0] == '_':
		return !UnderscoreIndex(name)
	case name == "4913" || name == "node_modules" || name == "Thumbs.db":
		return true
	case strings.HasSuffix(name, "~"), strings.HasSuffix(name, ".swp"), strings.HasSuffix(name, ".swx"),
		strings.HasSuffix(name, ".tmp"), strings.HasSuffix(name, ".bck"), strings.HasSuffix(name, ".bak"),
		strings.Contains(name, "___jb_"), strings.Contains(name, ".goutputstream-"):
		return true
	}
	return false
}

// UnderscoreIndex reports whether name is a folder's index page in Hugo's
// spelling: _index.md, or _index.<lang>.md for a page in another language
// (<lang> two or three letters; .markdown too, in any case). These are the
// only names starting with '_' that are part of a site.
func UnderscoreIndex(name string) bool {
	base, ok := strings.CutPrefix(strings.ToLower(name), "_index.")
	if !ok {
		return false
	}
	lang, ext, found := strings.Cut(base, ".")
	if !found {
		lang, ext = "", base
	}
	if ext != "md" && ext != "markdown" {
		return false
	}
	if len(lang) == 0 {
		return true
	}
	if len(lang) < 2 || len(lang) > 3 {
		return false
	}
	for _, r := range lang {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}
