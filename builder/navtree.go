package builder

import (
	"fmt"
	"hash/maphash"
	"html/template"
	"slices"
	"strings"
	"sync"
)

// The sidebar's tree of folders is the same on every page of a language
// but for the entry marked current and the folders opened to show it. So
// it is rendered once per language, in pieces, through the theme's
// templates navfolder, navfolderend, navpage and navmore; each page's copy
// is that text with the few pieces of its branch replaced.

// navBudget is the number of pages of a language up to which the tree
// lists the pages of every folder. Above it, the tree lists every folder,
// but pages only in the current page's folder and at the top level, at
// most navWindow of them around the current page; the other folders on
// its branch link to their lists instead: each page carries the sidebar,
// so a tree of every page would make the site grow with the square of
// its size.
const navBudget = 200

// navWindow caps the pages an open folder lists in a tree over the
// budget; the folder's own page lists them all.
const navWindow = 25

// NavItem is one entry of the sidebar's tree, as the theme's navfolder,
// navpage and navmore templates render it.
type NavItem struct {
	// V renders links and strings in the tree's language.
	V     *View
	Title string
	URL   string
	// Current marks the entry of the page being viewed.
	Current bool
	// Folder is true for a folder entry that holds entries (navfolderend
	// closes it); Open shows them.
	Folder, Open bool
	// Count is the number of a folder's pages, for the link to their list
	// (navmore).
	Count int
}

// navTree is the tree of one language, rendered once.
type navTree struct {
	// html is the tree with every folder closed and nothing current.
	html string
	// full is true when every folder's pages are in html.
	full    bool
	folders map[string]*navFolder // by folder path, "" for the top level
	pages   map[string]*navPage   // by page URL
	end     string                // navfolderend
	view    *View
	tmpl    *template.Template
	// sum digests html (see key); mu guards the entries of pages
	// rendered on first use.
	sum uint64
	mu  sync.Mutex
}

// navFolder is a folder's place in the tree's text and its pieces.
type navFolder struct {
	sec *Section
	// start and end delimit the folder's own entry (its navfolder piece);
	// list and listEnd its page list (empty when the tree is not full).
	start, end, list, listEnd int
	// holds is true when the entry in html holds entries, branch when it
	// does on the current page's branch (its pages are listed there).
	holds, branch bool
	// open and openCurrent are the entry on the current page's branch,
	// the second for the folder's own page.
	open, openCurrent string
	// pages are the URLs of its pages in the tree's language, in order,
	// sums digests of their URLs and titles; more links to all of them
	// (navmore).
	pages []string
	sums  []uint64
	more  string
	// sum digests the folder's pieces and its pages' URLs and titles,
	// own its pieces only.
	sum, own uint64
}

// navPage is a page's entry: where it is in the full tree's text, and its
// text as it is and as the current page.
type navPage struct {
	at, end          int
	title            string
	closed, selected string
	// folder lists the page at pos of its pages.
	folder *navFolder
	pos    int
}

// NavTree is the sidebar's tree of folders and pages in the view's
// language, with the view's page (or folder) marked current and the
// folders that lead to it open.
func (v *View) NavTree() (template.HTML, error) {
	v.navShown = true
	t, err := v.Site.navTree(v.theme, v.Lang)
	if err != nil || t == nil {
		return "", err
	}
	v.nav = t.render(v)
	return themeHTML(v.nav), nil
}

// themeHTML marks text produced by executing the theme's own templates
// (html/template, which escaped every value in it) as safe HTML, so that
// pieces of it can be put together without escaping them a second time.
func themeHTML(s string) template.HTML { return template.HTML(s) }

// navTree returns the tree of lang, rendering it on first use.
func (s *Site) navTree(th *Theme, lang string) (*navTree, error) {
	s.navMu.Lock()
	defer s.navMu.Unlock()
	if t, ok := s.navTrees[lang]; ok {
		return t, nil
	}
	t, err := s.buildNavTree(th, lang)
	if err != nil {
		return nil, err
	}
	if s.navTrees == nil {
		s.navTrees = map[string]*navTree{}
	}
	s.navTrees[lang] = t
	return t, nil
}

func (s *Site) buildNavTree(th *Theme, lang string) (*navTree, error) {
	root := s.sections[""]
	if root == nil {
		return nil, nil
	}
	t := &navTree{folders: map[string]*navFolder{}, pages: map[string]*navPage{},
		view: &View{Site: s, Lang: lang, theme: th}, tmpl: th.layouts["page"]}
	total := 0
	for _, sec := range s.Sections {
		f := &navFolder{sec: sec}
		for _, p := range sec.Pages {
			if p.Lang != lang {
				continue
			}
			f.pages = append(f.pages, p.URL)
			f.sums = append(f.sums, maphash.String(navSeed, p.URL+"\x00"+p.Title))
			pg := &navPage{title: p.Title, folder: f, pos: len(f.pages) - 1}
			if old, ok := s.navPieces[lang][p.URL]; ok && old.title == p.Title {
				pg.closed, pg.selected = old.closed, old.selected
			}
			t.pages[p.URL] = pg
		}
		if len(f.pages) > 0 {
			var err error
			if f.more, err = t.piece("navmore", NavItem{URL: s.Config.LangURL(lang, sec.URL), Count: len(f.pages)}); err != nil {
				return nil, err
			}
		}
		total += len(f.pages)
		t.folders[sec.Path] = f
	}
	t.full = total <= navBudget
	// Every entry is in the text of a tree within the budget; over it,
	// the first is rendered now, for the theme's errors, the others on
	// first use.
	entries := 0
	for _, sec := range s.Sections {
		for _, u := range t.folders[sec.Path].pages {
			if !t.full && entries > 0 {
				break
			}
			if pg := t.pages[u]; pg.closed == "" && pg.selected == "" {
				if err := t.pieces(u, pg); err != nil {
					return nil, err
				}
			}
			entries++
		}
	}
	end, err := t.piece("navfolderend", NavItem{})
	if err != nil {
		return nil, err
	}
	t.end = end
	var b strings.Builder
	var contents func(f *navFolder) error
	folder := func(f *navFolder) error {
		it := NavItem{Title: s.sectionTitle(f.sec, lang), URL: s.Config.LangURL(lang, f.sec.URL)}
		f.branch = len(f.sec.Children) > 0 || len(f.pages) > 0
		f.holds = len(f.sec.Children) > 0 || t.full && len(f.pages) > 0
		var err error
		it.Folder, it.Open = f.branch, true
		if f.open, err = t.piece("navfolder", it); err != nil {
			return err
		}
		it.Current = true
		if f.openCurrent, err = t.piece("navfolder", it); err != nil {
			return err
		}
		it.Folder, it.Open, it.Current = f.holds, false, false
		closed, err := t.piece("navfolder", it)
		if err != nil {
			return err
		}
		f.start = b.Len()
		b.WriteString(closed)
		f.end = b.Len()
		f.list, f.listEnd = f.end, f.end
		if f.holds {
			if err := contents(f); err != nil {
				return err
			}
			b.WriteString(end)
		}
		return nil
	}
	contents = func(f *navFolder) error {
		for _, c := range f.sec.Children {
			if err := folder(t.folders[c.Path]); err != nil {
				return err
			}
		}
		f.list = b.Len()
		if t.full {
			for _, u := range f.pages {
				pg := t.pages[u]
				pg.at = b.Len()
				b.WriteString(pg.closed)
				pg.end = b.Len()
			}
		}
		f.listEnd = b.Len()
		return nil
	}
	top := t.folders[""]
	top.holds, top.branch = true, true
	if err := contents(top); err != nil {
		return nil, err
	}
	t.html = b.String()
	t.sum = maphash.String(navSeed, fmt.Sprintf("%t\x00%s\x00%s", t.full, t.end, t.html))
	for _, f := range t.folders {
		var h maphash.Hash
		h.SetSeed(navSeed)
		hashStrings(&h, f.open, f.openCurrent, f.more)
		f.own = h.Sum64()
		for _, u := range f.pages {
			hashStrings(&h, u, t.pages[u].title)
		}
		f.sum = h.Sum64()
	}
	return t, nil
}

// pieces renders a page's entry, as it is and as the current page.
func (t *navTree) pieces(u string, pg *navPage) error {
	var err error
	it := NavItem{Title: pg.title, URL: u}
	if pg.closed, err = t.piece("navpage", it); err != nil {
		return err
	}
	it.Current = true
	pg.selected, err = t.piece("navpage", it)
	return err
}

// entry returns the page's entry, current or not, rendering it on first
// use when the tree is over the budget (only windows of it are shown).
func (t *navTree) entry(u string, current bool) string {
	pg := t.pages[u]
	t.mu.Lock()
	defer t.mu.Unlock()
	if pg.closed == "" && pg.selected == "" {
		if err := t.pieces(u, pg); err != nil {
			return ""
		}
	}
	if current {
		return pg.selected
	}
	return pg.closed
}

// navSeed seeds the hashes that tell whether a page's tree changed.
var navSeed = maphash.MakeSeed()

// key digests what the tree shows on the view's page: the tree's text,
// and the folders on the way to the page with their pages' titles, or in
// a tree over the budget, with the pages of theirs it shows. Two views
// with the same key show the same tree.
func (t *navTree) key(v *View) uint64 {
	current, branch, folderCurrent := t.branch(v)
	var h maphash.Hash
	h.SetSeed(navSeed)
	maphash.WriteComparable(&h, t.sum)
	maphash.WriteComparable(&h, folderCurrent)
	hashStrings(&h, current)
	for i, f := range branch {
		hashStrings(&h, f.sec.Path)
		if t.full {
			maphash.WriteComparable(&h, f.sum)
			continue
		}
		// What render puts in: the folder's entries, and the pages of
		// its window unless it shows the link to its list instead.
		maphash.WriteComparable(&h, [2]bool{f.holds, f.branch})
		maphash.WriteComparable(&h, f.own)
		if f.holds && i > 0 && f.sec.Path != "" {
			continue
		}
		lo, hi := t.windowRange(f, current)
		for _, sum := range f.sums[lo:hi] {
			maphash.WriteComparable(&h, sum)
		}
		maphash.WriteComparable(&h, hi-lo < len(f.pages))
	}
	return h.Sum64()
}

// navKey is the key of the sidebar's tree as the view shows it (see
// navTree.key); ok is false when the site has no tree.
func (v *View) navKey() (key uint64, ok bool) {
	t, err := v.Site.navTree(v.theme, v.Lang)
	if err != nil || t == nil {
		return 0, false
	}
	return t.key(v), true
}

// piece renders one of the tree's templates.
func (t *navTree) piece(name string, it NavItem) (string, error) {
	it.V = t.view
	var b strings.Builder
	if err := t.tmpl.ExecuteTemplate(&b, name, it); err != nil {
		return "", err
	}
	return b.String(), nil
}

// splice replaces html[at:end] with text.
type splice struct {
	at, end int
	text    string
}

// render returns the tree as the view shows it: the folders on the way to
// the view's page (or folder) open, its entry current.
func (t *navTree) render(v *View) string {
	current, branch, folderCurrent := t.branch(v)
	var ss []splice
	for i, f := range branch {
		if f.sec.Path != "" {
			entry := f.open
			if i == 0 && folderCurrent {
				entry = f.openCurrent
			}
			if !f.holds && f.branch {
				entry += t.window(f, current) + t.end
			}
			ss = append(ss, splice{f.start, f.end, entry})
		}
		if f.holds && !t.full {
			list := t.window(f, current)
			if i > 0 && f.sec.Path != "" {
				list = f.more // a folder above the current one
			}
			ss = append(ss, splice{f.list, f.listEnd, list})
		}
	}
	if pg := t.pages[current]; pg != nil && t.full {
		ss = append(ss, splice{pg.at, pg.end, pg.selected})
	}
	slices.SortFunc(ss, func(a, b splice) int { return a.at - b.at })
	var b strings.Builder
	b.Grow(len(t.html) + 4096)
	at := 0
	for _, s := range ss {
		b.WriteString(t.html[at:s.at])
		b.WriteString(s.text)
		at = s.end
	}
	b.WriteString(t.html[at:])
	return b.String()
}

// branch returns the URL of the view's page (if it is not a folder's), the
// folders from its own up to the top, and whether the view is the first
// folder's page.
func (t *navTree) branch(v *View) (current string, branch []*navFolder, folderCurrent bool) {
	folder := ""
	switch {
	case v.Page != nil && !v.Page.IsIndex:
		current, folder = v.Page.URL, v.Page.Section
	case v.Section != nil:
		folder, folderCurrent = v.Section.Path, true
	}
	for f := t.folders[folder]; f != nil; f = t.folders[parentDir(f.sec.Path)] {
		branch = append(branch, f)
		if f.sec.Path == "" {
			break
		}
	}
	if len(branch) == 0 {
		branch = append(branch, t.folders[""])
	}
	return current, branch, folderCurrent
}

// window lists a folder's pages in a tree over the budget: all of them,
// or navWindow around the current page and a link to the whole list.
func (t *navTree) window(f *navFolder, current string) string {
	pages, more := t.windowPages(f, current)
	entries := make([]string, 0, len(pages)+1)
	for _, u := range pages {
		entries = append(entries, t.entry(u, u == current))
	}
	if more {
		entries = append(entries, f.more)
	}
	return strings.Join(entries, "")
}

// windowPages returns the URLs of the pages window lists, and whether
// it links to the folder's whole list after them.
func (t *navTree) windowPages(f *navFolder, current string) (pages []string, more bool) {
	lo, hi := t.windowRange(f, current)
	return f.pages[lo:hi], hi-lo < len(f.pages)
}

// windowRange returns where in the folder's pages its window is.
func (t *navTree) windowRange(f *navFolder, current string) (lo, hi int) {
	if len(f.pages) <= navWindow {
		return 0, len(f.pages)
	}
	at := 0
	if pg := t.pages[current]; pg != nil && pg.folder == f {
		at = pg.pos
	}
	lo = min(max(at-navWindow/2, 0), len(f.pages)-navWindow)
	return lo, lo + navWindow
}

// navCache holds the sidebar trees of a site, one per language.
type navCache struct {
	navMu    sync.Mutex
	navTrees map[string]*navTree
	// navPieces are the page entries the last build of a session
	// rendered, by language and URL, for its next build with the same
	// theme and configuration to reuse those of pages whose title is the
	// same (see pieces).
	navPieces map[string]map[string]navPage
}

// renderedPieces returns the page entries the site's trees rendered, by
// language and URL.
func (s *Site) renderedPieces() map[string]map[string]navPage {
	s.navMu.Lock()
	defer s.navMu.Unlock()
	out := make(map[string]map[string]navPage, len(s.navTrees))
	for lang, t := range s.navTrees {
		if t == nil {
			continue
		}
		t.mu.Lock()
		m := make(map[string]navPage, len(t.pages))
		for u, pg := range t.pages {
			if pg.closed != "" || pg.selected != "" {
				m[u] = navPage{title: pg.title, closed: pg.closed, selected: pg.selected}
			}
		}
		t.mu.Unlock()
		out[lang] = m
	}
	return out
}
