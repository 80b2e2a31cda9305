package watch

import (
	"context"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"kb/internal/config"
	"kb/internal/gitrepo"
	"kb/internal/jekyll"
	"kb/internal/layout"
)

// Scope says which files under a folder belong to a site: the trees watched
// recursively and the single files watched through their folder. Names that
// layout.Ignored rejects (dotfiles, editor temp files, node_modules) and the
// Exclude paths are never part of it, at any depth.
type Scope struct {
	// Root is the site's folder (absolute).
	Root string
	// Trees are folders, slash-separated and relative to Root, watched with
	// everything below them; "." is Root itself.
	Trees []string
	// Files are single files relative to Root (site.yaml, a Jekyll site's
	// _config.yml).
	Files []string
	// Exclude are absolute paths left out wherever they are (the output folder).
	Exclude []string
	// Published are folders relative to Root whose names start with '_'
	// but which a Jekyll site's _config.yml publishes (see
	// jekyll.Site): they are part of the trees they are in.
	Published []string
	// GitDir and GitCommon are the Git folders of the repository holding
	// Root (the same folder unless Root is in a linked worktree), absolute,
	// or empty. Their HEAD, packed-refs and refs/ are part of the scope,
	// so that a commit, pull, checkout or rebase is seen even when no site
	// file changes; nothing else in them is (objects come by the thousand).
	GitDir, GitCommon string
}

// SiteScope returns a function giving the scope of the site in source whose
// output goes to dest: site.yaml, the content folder and the theme folder
// that site.yaml names, or the default ones while it has errors (re-read
// on every call, so a change of content_dir is followed), or the whole
// folder when it has neither site.yaml nor content/, as the builder decides.
func SiteScope(source, dest string) (func() Scope, error) {
	// Watch the real folder: events name real paths, and a walk does not
	// enter a symlinked root.
	root, err := realPath(source)
	if err != nil {
		return nil, err
	}
	gitDir, gitCommon := gitrepo.Dirs(context.Background(), root)
	var exclude []string
	if dest != "" {
		d, err := realPath(dest)
		if err != nil {
			return nil, err
		}
		exclude = append(exclude, d)
	}
	return func() Scope {
		sc := Scope{Root: root, Files: []string{layout.ConfigFile}, Exclude: exclude, GitDir: gitDir, GitCommon: gitCommon}
		content, theme := layout.ContentDir, layout.ThemeDir
		src, err := os.ReadFile(filepath.Join(root, layout.ConfigFile))
		if err == nil {
			// A broken file keeps the defaults; the build reports it.
			if cfg, _ := config.Parse(layout.ConfigFile, src, config.Rules{}); cfg != nil {
				content, theme = cfg.ContentDir, cfg.ThemeDir
			}
		} else if fi, err := os.Stat(filepath.Join(root, content)); err != nil || !fi.IsDir() {
			sc.Trees = []string{"."}
			content = "."
		}
		if jk := jekyll.Read(os.DirFS(filepath.Join(root, content))); jk != nil {
			for name := range jk.Folders {
				sc.Published = append(sc.Published, path.Join(content, name))
			}
		}
		// A Jekyll site's _config.yml decides what is published.
		sc.Files = append(sc.Files, path.Join(content, jekyll.ConfigFile))
		slices.Sort(sc.Published)
		if sc.Trees == nil {
			sc.Trees = []string{content, theme}
		}
		return sc
	}, nil
}

// realPath is p made absolute with its symlinks resolved, as far as it
// exists.
func realPath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		return r, nil
	}
	parent, err := realPath(filepath.Dir(abs))
	if err != nil || parent == filepath.Dir(abs) {
		return abs, nil
	}
	return filepath.Join(parent, filepath.Base(abs)), nil
}

// rel returns p relative to the scope's root, slash-separated, and whether p
// is inside the root.
func (sc *Scope) rel(p string) (string, bool) {
	r, err := filepath.Rel(sc.Root, p)
	if err != nil || !(r == "." || filepath.IsLocal(r)) {
		return "", false
	}
	return filepath.ToSlash(r), true
}

// excluded reports whether the absolute path p is, or is inside, an
// excluded path.
func (sc *Scope) excluded(p string) bool {
	for _, e := range sc.Exclude {
		if p == e || strings.HasPrefix(p, e+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

// Contains reports whether the absolute path p is part of the site or is a
// folder on the way to one of its trees (whose creation matters).
func (sc *Scope) Contains(p string) bool {
	if sc.isGitRef(p) {
		return true
	}
	r, ok := sc.rel(p)
	if !ok || sc.excluded(p) {
		return false
	}
	if r == "." || slices.Contains(sc.Files, r) {
		return true
	}
	segs := strings.Split(r, "/")
	for i, seg := range segs {
		if layout.Ignored(seg) && !slices.Contains(sc.Published, strings.Join(segs[:i+1], "/")) {
			return false
		}
	}
	for _, t := range sc.Trees {
		if t == "." || r == t || strings.HasPrefix(r, t+"/") || strings.HasPrefix(t, r+"/") {
			return true
		}
	}
	return false
}

// inTree reports whether the slash path r (relative to Root) is inside one of
// the recursively watched trees.
func (sc *Scope) inTree(r string) bool {
	for _, t := range sc.Trees {
		if t == "." || r == t || strings.HasPrefix(r, t+"/") {
			return true
		}
	}
	return false
}

// Dirs lists the folders to watch, parents before children: the root, the
// folders leading to each tree and every folder inside the trees (symlinked
// folders are not followed).
func (sc *Scope) Dirs() []string {
	seen := map[string]bool{}
	var dirs []string
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			dirs = append(dirs, p)
		}
	}
	add(sc.Root)
	for _, d := range sc.gitDirs() {
		add(d)
	}
	for _, t := range sc.Trees {
		top := filepath.Join(sc.Root, filepath.FromSlash(t))
		// The folders leading to the tree, so that creating it is noticed.
		parts := strings.Split(t, "/")
		ok := true
		for i := 1; i < len(parts) && t != "."; i++ {
			p := filepath.Join(sc.Root, filepath.FromSlash(strings.Join(parts[:i], "/")))
			if fi, err := os.Lstat(p); err != nil || !fi.IsDir() || !sc.Contains(p) {
				ok = false
				break
			}
			add(p)
		}
		if !ok {
			continue
		}
		_ = filepath.WalkDir(top, func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.IsDir() {
				return nil // vanished, unreadable or a file: nothing to watch
			}
			if p != sc.Root && !sc.Contains(p) {
				return filepath.SkipDir
			}
			add(p)
			return nil
		})
	}
	return dirs
}
