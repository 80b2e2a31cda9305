package builder

import (
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"

	"kb/internal/layout"
)

// An output is one file of the built site, or a folder kb fills itself,
// with what claims it. Site.outputs lists every one of them; write writes
// exactly those, and checkOutputs reports two claims on one path before
// anything is written.
type output struct {
	// path is slash-separated, inside the output folder.
	path string
	// dir marks a folder whose whole contents are kb's (the search index).
	dir bool
	by  claim
	// job renders an HTML file through the theme; data produces any other
	// file. A folder has neither.
	job  *job
	data func() ([]byte, error)
	// source is set for a file copied as it is: a theme asset or a static
	// file of the content (see memoPass.unchanged).
	source bool
}

// claim says who puts an output there, for diagnostics.
type claim struct {
	// what names the claimant in a message ("alias /old/ of a.md").
	what string
	// file and line locate it in the source ("" for what kb makes itself).
	file string
	line int
	// rank orders claimants when two collide: the diagnostic goes to the
	// one most likely misplaced (an alias before a static file before a
	// page before a folder).
	rank int
}

// Claimant ranks, from the least to the most likely cause of a collision.
const (
	rankGenerated = iota
	rankFolder
	rankPage
	rankStatic
	rankAlias
)

// diagramAssets are the theme's files that only pages with diagrams use:
// the theme reads them only when a page shows a diagram, and the site
// writes them only when it has such a page (mermaid.min.js alone is
// 5.5 MB).
var diagramAssets = map[string]bool{"mermaid.min.js": true, "mermaid.LICENSE.txt": true, "diagrams.js": true}

// hasDiagrams reports whether a page of the site shows diagrams.
func (s *Site) hasDiagrams() bool {
	return slices.ContainsFunc(s.Pages, func(p *Page) bool { return p.Diagrams })
}

// outputs lists every file the site writes and the folders kb fills
// itself, each with its claimant: the HTML pages (jobs), the theme's
// assets, the static files copied from the content folder, the sitemap,
// feed and robots.txt, and the search index. The diagram script is among
// the assets only when a page has a diagram.
func (s *Site) outputs(theme *Theme) []output {
	jobs := s.jobs(theme)
	outs := make([]output, 0, len(jobs)+len(theme.AssetData)+len(s.Files)+4)
	for i := range jobs {
		outs = append(outs, output{path: jobs[i].out, by: jobs[i].by, job: &jobs[i]})
	}
	assets := theme.AssetData
	if s.hasDiagrams() && len(theme.diagrams) > 0 {
		assets = maps.Clone(assets)
		for _, name := range slices.Sorted(maps.Keys(theme.diagrams)) {
			a, err := theme.diagrams[name]()
			if err != nil {
				outs = append(outs, output{path: "assets/" + name, by: claim{what: "the theme's asset " + name}, source: true, data: func() ([]byte, error) { return nil, err }})
				continue
			}
			assets[a.out] = a.data
		}
	}
	for _, out := range slices.Sorted(maps.Keys(assets)) {
		data := assets[out]
		out = strings.TrimPrefix(s.genPath("/"+out), "/")
		outs = append(outs, output{path: out, by: claim{what: "the theme's asset " + out}, source: true, data: func() ([]byte, error) { return data, nil }})
	}
	for _, f := range s.Files {
		outs = append(outs, output{path: s.outFile(f.Path), by: claim{what: "the static file " + f.Path, file: f.Path, rank: rankStatic}, source: true,
			data: func() ([]byte, error) { return fs.ReadFile(s.fsys, f.Path) }})
	}
	type generated struct {
		name, what string
		make       func() []byte
	}
	gen := []generated{{"sitemap.xml", "kb's sitemap", s.sitemap}}
	for _, l := range s.Languages {
		what := "kb's feed"
		if l.Code != s.Config.DefaultLanguage {
			what += " in " + l.Name
		}
		gen = append(gen, generated{s.feedPath(l.Code), what, func() []byte { return s.feed(l) }})
	}
	gen = append(gen, generated{"robots.txt", "kb's robots.txt", s.robots})
	for _, g := range gen {
		outs = append(outs, output{path: g.name, by: claim{what: g.what}, data: func() ([]byte, error) { return g.make(), nil }})
	}
	return append(outs, output{path: path.Dir(layout.IndexDir), dir: true, by: claim{what: "kb's search index"}})
}

// checkOutputs reports every output path claimed twice, every file where
// another output needs a folder, and every output inside a folder kb fills
// itself: on a case-sensitive disk one would silently replace the other,
// elsewhere the build would fail half way.
func (s *Site) checkOutputs(outs []output) Diagnostics {
	var ds Diagnostics
	report := func(a, b *output, format string) {
		mine, theirs := b, a
		if a.by.rank > b.by.rank {
			mine, theirs = a, b
		}
		file, line, col := mine.by.file, mine.by.line, 0
		if file == "" {
			file = layout.ConfigFile // both are kb's own: the configuration named them
		}
		if line > 0 {
			col = 1
		}
		s.diag(&ds, RuleDuplicateURL, file, line, col, format, mine.by.what, mine.path, theirs.by.what, theirs.path)
	}
	files := make(map[string]*output, len(outs))
	dirs := map[string]*output{}
	for i := range outs {
		o := &outs[i]
		if o.dir {
			dirs[o.path] = o
			continue
		}
		if other := files[o.path]; other != nil {
			report(other, o, "%s and %[3]s both write %[2]s")
			continue
		}
		files[o.path] = o
	}
	for i := range outs {
		o := &outs[i]
		if o.dir {
			continue
		}
		if d := dirs[o.path]; d != nil {
			report(d, o, "%s writes %s, where %s needs the folder %s/")
			continue
		}
		for dir := path.Dir(o.path); dir != "."; dir = path.Dir(dir) {
			if f := files[dir]; f != nil {
				report(f, o, "%s writes %s and %s writes %s: a file cannot also be a folder")
				break
			}
			if d := dirs[dir]; d != nil {
				report(d, o, "%s writes %s, inside the folder %[4]s/ that holds %[3]s")
				break
			}
		}
	}
	return ds
}

// pageClaim is the claim of a page's own URL.
func pageClaim(p *Page) claim {
	return claim{what: "the page " + p.Path + " (URL " + p.URL + ")", file: p.Path, line: 1, rank: rankPage}
}

// aliasClaim is the claim of one of a page's aliases.
func aliasClaim(p *Page, alias string) claim {
	return claim{what: "the alias " + alias + " of " + p.Path, file: p.Path, line: fmLine(p, "aliases"), rank: rankAlias}
}

// redirectClaim is the claim of a page with redirect_to.
func redirectClaim(p *Page) claim {
	return claim{what: "the redirect page " + p.Path + " (URL " + p.URL + ")", file: p.Path, line: fmLine(p, "redirect_to"), rank: rankPage}
}

// sectionClaim is the claim of a folder's generated list at u; what adds
// the language to a claimant's name.
func sectionClaim(sec *Section, u string, what func(string) string) claim {
	if sec.Path == "" {
		return claim{what: what("kb's home page")}
	}
	return claim{what: fmt.Sprintf("%s (URL %s)", what("the list of the folder "+sec.Path+"/"), u), file: sec.Path, rank: rankFolder}
}
