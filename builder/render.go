package builder

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"kb/internal/layout"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
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
	ui        *uiStrings
}

// LoadTheme parses a theme's layouts, static files and UI strings from fsys.
func LoadTheme(fsys fs.FS) (*Theme, error) {
	th := &Theme{layouts: map[string]*template.Template{}, Assets: map[string]string{}, AssetData: map[string][]byte{}}
	ui, err := loadStrings(fsys)
	if err != nil {
		return nil, err
	}
	th.ui = ui
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
		th.layouts[strings.TrimSuffix(name, ".html")] = t
		if err := checkTemplateKeys(t.Templates(), ui); err != nil {
			return nil, err
		}
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
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		if dir, file := path.Split(name); path.Ext(file) == ".js" && dir != "" && !strings.Contains(dir[:len(dir)-1], "/") {
			joined := scripts[dir[:len(dir)-1]+".js"]
			scripts[dir[:len(dir)-1]+".js"] = append(append(joined, data...), '\n')
			return nil
		}
		th.addAsset(name, data)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("theme: %w", err)
	}
	for name, data := range scripts {
		if _, dup := th.Assets[name]; dup {
			return nil, fmt.Errorf("theme: static/%s and the folder static/%s both make %s", name, strings.TrimSuffix(name, ".js"), name)
		}
		th.addAsset(name, data)
	}
	return th, nil
}

// addAsset adds the static file name; CSS and JavaScript get the hash of
// their content in their name, so they can be cached for good.
func (th *Theme) addAsset(name string, data []byte) {
	out := "assets/" + name
	if ext := path.Ext(name); ext == ".css" || ext == ".js" {
		sum := sha256.Sum256(data)
		out = "assets/" + strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:4]) + ext
	}
	th.Assets[name] = out
	th.AssetData[out] = data
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
	t := th.layouts[layout]
	if t == nil {
		return nil, fmt.Errorf("theme: no layout %q", layout)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, layout+".html", v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

var funcs = template.FuncMap{
	"join":  strings.Join,
	"lower": strings.ToLower,
	"add":   func(a, b int) int { return a + b },
	"first": func(n int, ps []*Page) []*Page { return ps[:min(n, len(ps))] },
	"slug":  GitHubSlug,
	// dict2 passes the view and a list to a partial.
	"dict2": func(v *View, list any) map[string]any { return map[string]any{"V": v, "Pages": list, "Sections": list} },
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

// SearchEndpoint is the site path where kb serve answers searches.
func (v *View) SearchEndpoint() string { return "/" + layout.SearchEndpoint }

// StaticSearchRoot is the site path of the static search bundle's folder.
func (v *View) StaticSearchRoot() string { return "/" + layout.StaticSearchDir + "/" }

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
	if !ok {
		return "", fmt.Errorf("no theme asset %q", name)
	}
	return v.Site.Config.BasePath() + out, nil
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

// KindGroups lists each kind with its pages in the view's language (all
// languages when lang is empty). The lists are computed once per site.
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
		gs = append(gs, Group{Title: k.PluralFor(uiLang), URL: "/kinds/" + k.Name + "/", ID: k.Name})
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
	if s.groupCache == nil {
		s.groupCache = map[string][]Group{}
	}
	s.groupCache[key] = gs
	return gs
}

// Recent returns the n most recently updated playbooks.
func (v *View) Recent(n int) []*Page { return recent(v.Site.Pages, n) }

func recent(pages []*Page, n int) []*Page {
	var ps []*Page
	for _, p := range pages {
		if p.IsPlaybook() {
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
