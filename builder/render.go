package builder

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"kb/internal/layout"
	"kb/themes"
)

// Theme is a parsed theme: one template set per layout, the static assets
// with their fingerprinted names, and the UI strings.
type Theme struct {
	layouts map[string]*template.Template
	// Assets maps an asset's name ("style.css") to its output path
	// ("assets/style.3f2a9c1e.css").
	Assets map[string]string
	// AssetData maps an output path to the asset's bytes.
	AssetData map[string][]byte
	// diagrams holds the assets only pages with diagrams use, by name,
	// read and fingerprinted the first time a page or the output asks
	// (mermaid.min.js alone is 5.5 MB); they are not in Assets.
	diagrams map[string]func() (asset, error)
	ui       *uiStrings
	// defaultLayouts is set when the layouts are the default theme's, none
	// of them a site's own: what a page shows is then known (renderMemo).
	defaultLayouts bool
}

// LoadTheme parses a theme's layouts, static files and UI strings from fsys.
func LoadTheme(fsys fs.FS) (*Theme, error) {
	th := &Theme{layouts: map[string]*template.Template{}, Assets: map[string]string{}, AssetData: map[string][]byte{}, diagrams: map[string]func() (asset, error){}}
	ui, err := loadStrings(fsys)
	if err != nil {
		return nil, err
	}
	th.ui = ui
	if top, base := themes.Layers(fsys); base == themes.Default() {
		th.defaultLayouts = top == nil
		if top != nil {
			_, err := fs.Stat(top, "layouts")
			th.defaultLayouts = errors.Is(err, fs.ErrNotExist)
		}
	}
	entries, err := fs.ReadDir(fsys, "layouts")
	if err != nil {
		return nil, fmt.Errorf("theme: %w", err)
	}
	base := template.New("").Funcs(funcs).Option("missingkey=error")
	var layouts []string
	partials, _ := fs.ReadDir(fsys, "layouts/partials")
	for _, e := range partials {
		if !e.IsDir() && path.Ext(e.Name()) == ".html" {
			if err := parseInto(base, fsys, "layouts/partials/"+e.Name()); err != nil {
				return nil, err
			}
		}
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || path.Ext(name) != ".html" {
			continue
		}
		if name == "baseof.html" {
			if err := parseInto(base, fsys, "layouts/"+name); err != nil {
				return nil, err
			}
			continue
		}
		layouts = append(layouts, name)
	}
	for _, name := range layouts {
		src, err := fs.ReadFile(fsys, "layouts/"+name)
		if err != nil {
			return nil, err
		}
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := t.New(name).Parse(string(src)); err != nil {
			return nil, fmt.Errorf("theme: %w", err)
		}
		if err := checkTemplateKeys(t.Templates(), ui); err != nil {
			return nil, err
		}
		if th.defaultLayouts {
			if t, err = pruned(t, name); err != nil {
				return nil, fmt.Errorf("theme: %w", err)
			}
		}
		th.layouts[strings.TrimSuffix(name, ".html")] = t
	}
	for _, need := range []string{"page", "list", "home", "404", "alias"} {
		if th.layouts[need] == nil {
			return nil, fmt.Errorf("theme: layouts/%s.html is missing", need)
		}
	}
	// The scripts of a folder static/NAME/ are one asset, NAME.js: the
	// files joined in the order of their names.
	scripts := map[string][]byte{}
	err = fs.WalkDir(fsys, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if name := strings.TrimPrefix(p, "static/"); diagramAssets[name] {
			th.diagrams[name] = sync.OnceValues(func() (asset, error) { return readAsset(fsys, p) })
			return nil
		}
		a, err := readAsset(fsys, p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		if dir, file := path.Split(name); path.Ext(file) == ".js" && dir != "" && !strings.Contains(dir[:len(dir)-1], "/") {
			joined := scripts[dir[:len(dir)-1]+".js"]
			scripts[dir[:len(dir)-1]+".js"] = append(append(joined, a.data...), '\n')
			return nil
		}
		th.Assets[name] = a.out
		th.AssetData[a.out] = a.data
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("theme: %w", err)
	}
	for name, data := range scripts {
		if _, dup := th.Assets[name]; dup || th.diagrams[name] != nil {
			return nil, fmt.Errorf("theme: static/%s and the folder static/%s both make %s", name, strings.TrimSuffix(name, ".js"), name)
		}
		th.addAsset(name, data)
	}
	return th, nil
}

// asset is a theme's static file: its output path, fingerprinted for CSS
// and JavaScript, and its bytes.
type asset struct {
	out  string
	data []byte
}

// defaultAssets caches the default theme's static files by path: they are
// embedded and never change, so each is read and fingerprinted once per
// process (mermaid.min.js alone is 5.5 MB). The cached bytes are shared and
// never modified.
var defaultAssets sync.Map

// readAsset reads the static file at p of a theme.
func readAsset(fsys fs.FS, p string) (asset, error) {
	top, base := themes.Layers(fsys)
	embedded := base == themes.Default()
	if embedded && top != nil {
		_, err := fs.Stat(top, p)
		embedded = errors.Is(err, fs.ErrNotExist)
	}
	if embedded {
		if a, ok := defaultAssets.Load(p); ok {
			return a.(asset), nil
		}
	}
	data, err := fs.ReadFile(fsys, p)
	if err != nil {
		return asset{}, err
	}
	a := asset{out: assetPath(strings.TrimPrefix(p, "static/"), data), data: data}
	if embedded {
		defaultAssets.Store(p, a)
	}
	return a, nil
}

// addAsset adds the static file name made by the theme (a folder's
// scripts joined).
func (th *Theme) addAsset(name string, data []byte) {
	out := assetPath(name, data)
	th.Assets[name] = out
	th.AssetData[out] = data
}

// assetPath is the output path of the static file name: CSS and
// JavaScript get the hash of their content in their name, so they can be
// cached for good.
func assetPath(name string, data []byte) string {
	if ext := path.Ext(name); ext == ".css" || ext == ".js" {
		sum := sha256.Sum256(data)
		return "assets/" + strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:4]) + ext
	}
	return "assets/" + name
}

func parseInto(t *template.Template, fsys fs.FS, name string) error {
	src, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("theme: %w", err)
	}
	if _, err := t.New(path.Base(name)).Parse(string(src)); err != nil {
		return fmt.Errorf("theme: %w", err)
	}
	return nil
}

// HasLayout reports whether the theme has a layout of that name.
func (th *Theme) HasLayout(name string) bool { return th.layouts[name] != nil }

// Render executes a layout with v into a fresh buffer.
func (th *Theme) Render(layout string, v *View) ([]byte, error) {
	return th.render(new(bytes.Buffer), layout, v, 0)
}

// render is Render into buf, grown first for about size bytes (the page's
// size last time), so that a page of megabytes is not copied each time
// the buffer doubles. The page it returns may be buf's bytes.
func (th *Theme) render(buf *bytes.Buffer, layout string, v *View, size int) ([]byte, error) {
	t := th.layouts[layout]
	if t == nil {
		return nil, fmt.Errorf("theme: no layout %q", layout)
	}
	if size > 0 {
		buf.Grow(size + size/16 + 512)
	}
	if err := t.ExecuteTemplate(buf, layout+".html", v); err != nil {
		return nil, err
	}
	return markPagePlaceholders(buf.Bytes()), nil
}

var funcs = template.FuncMap{
	"join":  strings.Join,
	"lower": strings.ToLower,
	"add":   func(a, b int) int { return a + b },
	"first": func(n int, ps []*Page) []*Page { return ps[:min(n, len(ps))] },
	"slug":  GitHubSlug,
	// dict2 passes the view and a list (or a section) to a partial.
	"dict2": func(v *View, list any) map[string]any {
		return map[string]any{"V": v, "Pages": list, "Sections": list, "Section": list}
	},
}

// View is what a layout sees: the site, the page being rendered (nil for
// generated lists) and helpers that depend on the page's language.
type View struct {
	Site    *Site
	Page    *Page
	Layout  string
	Title   string
	Summary string
	Lang    string
	// URL is the rendered page's path without the base path.
	URL     string
	List    []*Page
	Section *Section
	Term    *Term
	Kind    *Kind
	Crumbs  []Crumb
	Groups  []Group
	// Redirect is where an alias or redirect page leads: a link under
	// the base path, or an absolute URL.
	Redirect string
	theme    *Theme
	// Others are a list page's pages only in another language than the
	// view's, shown after List, its pages in the view's language.
	Others []*Page
	// base is the URL of a page kb makes in every language, as it is in the
	// default language ("/tags/", "/symptoms/"): the language switch leads
	// to the same page in another language.
	base string
	// nav is the sidebar's tree as NavTree gave it, navShown set once it
	// did (see renderMemo).
	nav      string
	navShown bool
}

// Crumb is one step of the breadcrumb trail.
type Crumb struct {
	Title string
	URL   string
}

// Group is a titled list of pages (a kind on the home page, an owner…).
type Group struct {
	Title string
	URL   string
	ID    string
	Pages []*Page
	Count int
}

// Rel turns a site path ("/tags/x/") into a link under the base path.
func (v *View) Rel(p string) string { return v.Site.Config.BasePath() + strings.TrimPrefix(p, "/") }

// LangRel is Rel for a page kb makes in every language ("/", "/tags/",
// "/search/"): the link to it in the view's language ("/kb/nl/tags/").
func (v *View) LangRel(p string) string {
	return v.Rel(v.Site.Config.LangURL(v.Lang, v.Site.genPath(p)))
}

// Here reports whether the view is the page kb makes at p ("/tags/") in
// the view's language, for aria-current.
func (v *View) Here(p string) bool { return v.URL == v.Site.Config.LangURL(v.Lang, v.Site.genPath(p)) }

// SearchEndpoint is the site path where kb serve answers searches.
func (v *View) SearchEndpoint() string { return "/" + layout.SearchEndpoint }

// StaticSearchRoot is the site path of the static search bundle's folder.
func (v *View) StaticSearchRoot() string { return "/" + layout.StaticSearchDir + "/" }

// Diagrams reports whether the page shows diagrams, so that the layout
// loads the diagram script and asks for inline styles (see
// layout.InlineStylesMeta) on that page only.
func (v *View) Diagrams() bool { return v.Page != nil && v.Page.Diagrams }

// Abs turns a site path into an absolute URL.
func (v *View) Abs(p string) string { return v.Site.Config.AbsURL(v.Rel(p)) }

// RedirectAbs is Redirect as an absolute URL, for the canonical link.
func (v *View) RedirectAbs() string {
	if strings.HasPrefix(v.Redirect, "/") && !strings.HasPrefix(v.Redirect, "//") {
		return v.Site.Config.AbsURL(v.Redirect)
	}
	return v.Redirect
}

// Asset returns the link to a theme asset by its name ("style.css").
func (v *View) Asset(name string) (string, error) {
	out, ok := v.theme.Assets[name]
	if read := v.theme.diagrams[name]; !ok && read != nil {
		a, err := read()
		if err != nil {
			return "", fmt.Errorf("theme: %w", err)
		}
		out, ok = a.out, true
	}
	if !ok {
		return "", fmt.Errorf("no theme asset %q", name)
	}
	return v.Rel(v.Site.genPath("/" + out)), nil
}

// T returns the UI string key in the view's language.
func (v *View) T(key string) (string, error) {
	if s, ok := v.theme.ui.get(v.Lang, key); ok {
		return s, nil
	}
	return "", fmt.Errorf("no strings file has key %q", key)
}

// Date formats a date the way the view's language writes it.
func (v *View) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	month := v.theme.ui.text(v.Lang, "month_"+strconv.Itoa(int(t.Month())))
	return v.theme.ui.text(v.Lang, "date_format", "day", strconv.Itoa(t.Day()), "month", month, "year", strconv.Itoa(t.Year()))
}

// ISODate formats a date as YYYY-MM-DD, for datetime attributes.
func (v *View) ISODate(t time.Time) string { return t.Format(time.DateOnly) }

// KindOf returns the declaration of a kind by name, or nil.
func (v *View) KindOf(name string) *Kind { return v.Site.Config.Kind(name) }

// KindLabel returns a kind's label in the view's language.
func (v *View) KindLabel(name string) string {
	if k := v.Site.Config.Kind(name); k != nil {
		return k.LabelFor(v.Lang)
	}
	return name
}

// LangName returns a language's display name.
func (v *View) LangName(code string) string {
	for _, l := range v.Site.Config.Languages {
		if l.Code == code {
			return l.Name
		}
	}
	return code
}

// Overdue reports whether p's review date has passed.
func (v *View) Overdue(p *Page) bool { return p.Overdue(v.Site.Now) }

// KindGroups lists each kind that has pages, with its pages in lang (all
// languages when lang is empty), titled in the view's language. A kind
// without pages is left out. The lists are computed once per site.
func (v *View) KindGroups(lang string) []Group {
	return v.Site.kindGroups(lang, v.Lang)
}

func (s *Site) kindGroups(lang, uiLang string) []Group {
	key := lang + "\x00" + uiLang
	s.cacheMu.Lock()
	defer s.cacheMu.Unlock()
	if gs, ok := s.groupCache[key]; ok {
		return gs
	}
	var gs []Group
	for i := range s.Config.Kinds {
		k := &s.Config.Kinds[i]
		gs = append(gs, Group{Title: k.PluralFor(uiLang), URL: s.Config.LangURL(uiLang, s.genPath("/kinds/"+k.Name+"/")), ID: k.Name})
	}
	for _, p := range s.Pages {
		if lang != "" && p.Lang != lang {
			continue
		}
		for i := range gs {
			if gs[i].ID == p.Kind {
				gs[i].Pages = append(gs[i].Pages, p)
				gs[i].Count++
			}
		}
	}
	gs = slices.DeleteFunc(gs, func(g Group) bool { return g.Count == 0 })
	if s.groupCache == nil {
		s.groupCache = map[string][]Group{}
	}
	s.groupCache[key] = gs
	return gs
}

// Recent returns the n most recently updated playbooks in the view's
// language (pages, on a site whose pages have no kind).
func (v *View) Recent(n int) []*Page { return v.Site.recent(v.Lang, n) }

// recent returns the n most recently updated playbooks in lang (in any
// language when lang is ""); on a site whose pages have no kind, pages.
func (s *Site) recent(lang string, n int) []*Page {
	var ps []*Page
	for _, p := range s.Pages {
		if (p.IsPlaybook() || !s.Features.Kinds) && (lang == "" || p.Lang == lang) {
			ps = append(ps, p)
		}
	}
	slices.SortStableFunc(ps, func(a, b *Page) int {
		if c := b.Updated.Compare(a.Updated); c != 0 {
			return c
		}
		return strings.Compare(a.Path, b.Path)
	})
	return ps[:min(n, len(ps))]
}

// EditURL returns the link to edit p's source on the Git host, or "".
func (v *View) EditURL(p *Page) string { return v.Site.repoURL("edit", p) }

// HistoryURL returns the link to p's commit history on the Git host, or "".
func (v *View) HistoryURL(p *Page) string { return v.Site.repoURL("commits", p) }

func (s *Site) repoURL(action string, p *Page) string {
	r := s.Config.Repository
	if r.URL == "" || p == nil {
		return ""
	}
	branch := r.Branch
	if branch == "" {
		branch = "main"
	}
	parts := []string{strings.TrimSuffix(r.URL, "/"), action, branch}
	if cp := strings.Trim(r.ContentPath, "/"); cp != "" {
		parts = append(parts, cp)
	}
	segs := strings.Split(p.Path, "/")
	for i, s := range segs {
		segs[i] = pathEscape(s)
	}
	return strings.Join(append(parts, segs...), "/")
}

func pathEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
