package builder

import (
	"cmp"
	"fmt"
	"html/template"
	"io/fs"
	"net/url"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"kb/internal/layout"

	"github.com/yuin/goldmark"
)

// Site is a loaded and linked site: every published page with its
// relations, the static files, and the lists the theme shows.
type Site struct {
	Config *Config
	// Pages are the published pages sorted by source path.
	Pages []*Page
	// Files are the static files copied to the output, sorted by path.
	Files []SourceFile
	// Sections are the content folders, sorted by path; Sections[0] is the
	// top level.
	Sections []*Section
	// Tags and Owners group the pages, sorted by name.
	Tags   []*Term
	Owners []*Term
	// Languages are the languages the site is published in, each with its
	// own home, section, kind and tag pages: site.yaml's when it names
	// them, else the default language and those the pages are written in.
	Languages []Language
	// Now is the day the build runs, for review dates.
	Now time.Time
	// Features are the theme's features the pages use (set by relate).
	Features Features

	// byOut holds the output path of every static file Scan found (see
	// outFile), for resolveURL.
	byOut map[string]bool
	// displaced lists the movable folders (see movable) that some of the
	// site's own pages are in: kb's pages there move (see genPath).
	displaced []string
	// overdue counts the pages past their review date by language (set
	// by relate).
	overdue map[string]int
	// moved maps the URL a page outside the default language had before
	// each language got its own part of the site (/symptoms/x/) to its URL
	// now (/nl/symptoms/x/), where nothing else claims the old one: a
	// redirect page keeps old links working.
	moved map[string]string

	// read are the options the pages were read with, md the Markdown
	// they were parsed with.
	read readOptions
	md   goldmark.Markdown
	// reparser parses a page again to render it (see newReparser).
	reparser goldmark.Markdown

	fsys fs.FS
	// contentDir is the content folder relative to the site folder ("" when
	// the site folder holds the Markdown itself).
	contentDir string
	root       *os.Root
	byPath     map[string]*Page
	byURL      map[string]*Page
	files      map[string]bool
	sections   map[string]*Section
	// sectionsByURL finds a folder by its URL in the default language.
	sectionsByURL map[string]*Section
	// invalid holds the pages left out because of their front matter, by
	// path: links to them resolve, so that one mistake is one message.
	// Redirect pages (redirect_to) are there too.
	invalid map[string]*Page
	// redirects are the pages with redirect_to, sorted by source path.
	redirects []*Page
	// ordered are the pages sorted by weight and title (byWeightTitle),
	// each page's rank its index: the lists of a folder, tag, kind and
	// backlinks keep that order, and take it from there instead of each
	// being sorted.
	ordered []*Page

	cacheMu    sync.Mutex
	groupCache map[string][]Group
	byKind     map[string][]*Page        // see kindPages
	parts      map[partKey]template.HTML // see View.Row and View.Shared
	navCache
	progress *Progress // nil unless the build reports its progress
	git      *gitHistory
	related  *relatedMemo // a session's related pages of the last build
	// outs are the outputs Load checked, for write to write: listing
	// them renders nothing but costs as much as a small rebuild.
	outs []output
	// indexed, when set, is closed once the search index is built: until
	// then write renders pages on one core (see writeWorkers).
	indexed chan struct{}
	scanned *scan // the content folder's files
}

// Section is a folder of the content tree. Its URL and Title are those in
// the site's default language; in another language the folder's page is
// at that language's URL (Config.LangURL) under the title site.yaml or the
// folder's index page in that language gives it.
type Section struct {
	Path     string
	URL      string
	Title    string
	Index    *Page
	Pages    []*Page
	Children []*Section
	Parent   *Section
	// Indexes holds the folder's index page in each language that has one
	// (README.md, README.nl.md…); Index is the default language's. Pages
	// are the folder's other pages, in every language.
	Indexes map[string]*Page
}

// IndexIn returns the folder's index page in lang, or nil.
func (sec *Section) IndexIn(lang string) *Page { return sec.Indexes[lang] }

// setIndex makes p the folder's index page in p's language.
func (sec *Section) setIndex(p *Page, defaultLang string) {
	if sec.Indexes == nil {
		sec.Indexes = map[string]*Page{}
	}
	if sec.Indexes[p.Lang] != nil {
		return
	}
	sec.Indexes[p.Lang] = p
	if p.Lang == defaultLang {
		sec.Index, sec.Title = p, p.Title
	}
}

// Term is a tag or owner and the pages that carry it.
type Term struct {
	Name  string
	URL   string
	Pages []*Page
}

// Close releases the open content folder. The site's pages stay usable.
func (s *Site) Close() {
	if s.root != nil {
		s.root.Close()
		s.root = nil
	}
}

// ContentDir is the content folder relative to the site folder, "" when the
// site folder is the content folder. Diagnostics name files relative to it.
func (s *Site) ContentDir() string { return s.contentDir }

// PageByPath returns the page built from the source path, or nil.
func (s *Site) PageByPath(p string) *Page { return s.byPath[p] }

// PageByURL returns the page at a URL (without base path), or nil.
func (s *Site) PageByURL(u string) *Page { return s.byURL[u] }

// Section returns the section of a folder path, or nil.
func (s *Site) Section(p string) *Section { return s.sections[p] }

// reserved lists URLs the site generates itself, in the default
// language's part of the site; the same paths are reserved in each other
// language's folder (/nl/tags/).
var reserved = []string{"/tags/", "/kinds/", "/owners/", "/review/", "/search/", "/lang/", "/assets/", "/" + layout.Reserved + "/", "/" + layout.MovedPages + "/"}

// freeURL returns the URL u with the least suffix "-1", "-2"… that no
// page, nor kb, publishes, and notes it in taken.
func (s *Site) freeURL(u string, taken map[string]bool) string {
	base := strings.TrimSuffix(u, "/")
	if s.langless(u) == "/" {
		base += "/index" // a home: /index-1/, /nl/index-1/
	}
	for n := 1; ; n++ {
		c := fmt.Sprintf("%s-%d/", base, n)
		if !taken[c] && !s.generated(c) {
			taken[c] = true
			return c
		}
	}
}

// movable are the reserved folders whose pages kb moves under
// /_kb-site/ (layout.MovedPages) when the site's own pages are there: a
// handbook with a review/ or search/ folder keeps its URLs, and kb's
// review or search page goes to /_kb-site/review/ or /_kb-site/search/
// (the theme's files to /_kb-site/assets/ when the site has pages in
// assets/).
var movable = []string{"/tags/", "/kinds/", "/owners/", "/review/", "/search/", "/lang/", "/assets/"}

// generated reports whether kb writes its own pages at u: a reserved path
// of the default language or one of a language's lists (/nl/tags/…),
// unless the site's own pages took its folder (see displaced).
func (s *Site) generated(u string) bool {
	under := func(u string) bool {
		return slices.ContainsFunc(reserved, func(r string) bool {
			return strings.HasPrefix(u, r) && !slices.Contains(s.displaced, r)
		})
	}
	return under(u) || under(s.langless(u))
}

// langless returns the site path u without the folder of its language
// (/nl/tags/ → /tags/); a path of the default language as it is.
func (s *Site) langless(u string) string {
	for _, l := range s.Languages {
		if rest, ok := strings.CutPrefix(u, s.Config.LangURL(l.Code, "/")); ok && l.Code != s.Config.DefaultLanguage {
			return "/" + rest
		}
	}
	return u
}

// displacedFolders returns the movable folders that some of the site's
// pages are in, in any language.
func (s *Site) displacedFolders() []string {
	var out []string
	for _, r := range movable {
		for _, p := range s.Pages {
			if strings.HasPrefix(s.langless(p.URL), r) {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// genPath returns the site path, without language, of kb's own page at p
// ("/tags/", "/owners/x/"): p itself, or the same under /_kb-site/ when
// the site's own pages are in p's folder (see displaced). It leaves any
// other path as it is.
func (s *Site) genPath(p string) string {
	for _, d := range s.displaced {
		if strings.HasPrefix(p, d) {
			return "/" + layout.MovedPages + p
		}
	}
	return p
}

// languages returns the languages the site is published in (see
// Site.Languages).
func (s *Site) languages() []Language {
	if s.Config.LanguagesSet() {
		return s.Config.Languages
	}
	used := map[string]bool{s.Config.DefaultLanguage: true}
	for _, p := range s.Pages {
		used[p.Lang] = true
	}
	var out []Language
	for _, l := range s.Config.Languages {
		if used[l.Code] {
			out = append(out, l)
		}
	}
	return out
}

func (s *Site) diag(ds *Diagnostics, rule, file string, line, col int, format string, args ...any) {
	s.diagAtMost(ds, SeverityError, rule, file, line, col, format, args...)
}

// diagAtMost is diag for a problem that is never more than a warning when
// most is SeverityWarning, whatever the rule's severity (which can still
// switch it off).
func (s *Site) diagAtMost(ds *Diagnostics, most Severity, rule, file string, line, col int, format string, args ...any) {
	sev := s.severity(rule)
	if sev == SeverityOff {
		return
	}
	if sev == SeverityError {
		sev = most
	}
	*ds = append(*ds, Diagnostic{File: file, Line: line, Col: col, Severity: sev, Rule: rule, Message: fmt.Sprintf(format, args...)})
}

// link indexes the pages, resolves every link and builds the relations
// between pages. It reports broken links, duplicate URLs and the like.
func (s *Site) link() Diagnostics {
	var ds Diagnostics
	s.byPath = make(map[string]*Page, len(s.Pages))
	s.byURL = make(map[string]*Page, len(s.Pages))
	s.files = make(map[string]bool, len(s.Files))
	s.byOut = make(map[string]bool, len(s.Files))
	for _, f := range s.Files {
		s.files[f.Path] = true
		s.byOut[s.outFile(f.Path)] = true
	}
	kept := s.Pages[:0]
	s.Languages = s.languages()
	s.displaced = s.displacedFolders()
	var taken map[string]bool // every page's URL, for a lenient read's moves
	for _, p := range s.Pages {
		s.byPath[p.Path] = p
		if other, dup := s.byURL[p.URL]; dup {
			if !s.read.lenient {
				s.diag(&ds, RuleDuplicateURL, p.Path, 1, 1, "%s and %s both publish the URL %s", other.Path, p.Path, p.URL)
				continue
			}
			if taken == nil {
				taken = map[string]bool{}
				for _, q := range s.Pages {
					taken[q.URL] = true
				}
			}
			// A folder's page keeps the folder's URL; the other page moves,
			// and is no folder's page (README.md beside index.md).
			holder, moved := other, p
			if p.IsIndex && !other.IsIndex {
				holder, moved, s.byURL[p.URL] = p, other, p
			}
			u := p.URL
			moved.URL, moved.IsIndex = s.freeURL(u, taken), false
			s.diagAtMost(&ds, SeverityWarning, RuleDuplicateURL, moved.Path, 1, 1, "%s and %s both publish the URL %s: %s is published at %s",
				holder.Path, moved.Path, u, moved.Path, moved.URL)
			s.byURL[moved.URL] = moved
			kept = append(kept, p)
			continue
		}
		if s.generated(p.URL) {
			s.diag(&ds, RuleDuplicateURL, p.Path, 1, 1, "URL %s is reserved for pages kb generates", p.URL)
			continue
		}
		s.byURL[p.URL] = p
		kept = append(kept, p)
	}
	s.Pages = kept
	s.order()
	s.buildSections()

	s.resolveLinks(&ds)
	s.resolveRedirects(&ds)
	s.checkAliases(&ds)
	s.findMoved()
	s.relate(&ds)
	s.check(&ds)
	return ds
}

// resolveLinks resolves the links and page fields of every page, on every
// core. Resolving a link to a file Scan skipped adopts it, which changes
// the site: a page with a link that leads to no file is resolved again on
// its own, in the pages' order, so the outcome is that of resolving page
// after page.
func (s *Site) resolveLinks(ds *Diagnostics) {
	found := make([]Diagnostics, len(s.Pages))
	done := make([]bool, len(s.Pages))
	parallel(len(s.Pages), func(i int) {
		p := s.Pages[i]
		done[i] = s.resolveBody(p, &found[i], false) && s.resolveFields(p, &found[i], false)
	})
	for i, p := range s.Pages {
		if !done[i] {
			found[i] = nil
			s.resolveBody(p, &found[i], true)
			s.resolveFields(p, &found[i], true)
		}
		*ds = append(*ds, found[i]...)
	}
}

// resolve maps a relative reference written on page p to a page or a static
// file. It returns the target page (nil for a static file), the target's
// URL without base path, the anchor, and an error message. A file that
// Scan skipped for its name (see adopt) is copied after all, or, when it
// cannot be, reported with skipped set.
func (s *Site) resolve(p *Page, dest string) (t *Page, u, anchor, problem string, skipped bool) {
	t, u, anchor, problem, skipped, _ = s.resolveAdopting(p, parseRef(p.Path, dest), true)
	return t, u, anchor, problem, skipped
}

// resolveAdopting is resolve of a reference parsed, which without adopt
// leaves the site as it is and returns ok false where it would look for a
// file Scan skipped.
func (s *Site) resolveAdopting(p *Page, r linkRef, adopt bool) (t *Page, u, anchor, problem string, skipped, ok bool) {
	var joined string
	t, u, anchor, joined, problem = s.resolveRef(p, r)
	if (problem == "no such file" || problem == outsideContent) && (s.read.lenient || s.read.jekyll != nil) {
		// A Jekyll site's links lead to URLs, relative to the page's own
		// (a site with site.yaml and no _config.yml links files).
		if t, u, ok := s.resolveURL(p, r); ok {
			return t, u, r.anchor, "", false, true
		}
	}
	if problem == "no such file" {
		if !adopt {
			return nil, "", "", "", false, false
		}
		switch adopted, exists := s.adopt(joined); {
		case adopted:
			return nil, "/" + s.outFile(joined), anchor, "", false, true
		case exists:
			return nil, "", "", fmt.Sprintf("%s is not published (kb skips names that start with '_' or '.')", joined), true, true
		}
	}
	return t, u, anchor, problem, false, true
}

// adopt finds the file at joined, which resolved to nothing, when Scan
// skipped it for its name (a folder called _img, a file called
// _logo.png). A regular file that is not Markdown is added to the site's
// static files, so a page never loses an image because of its folder's
// name, when no name along its path starts with '.', or it is an image or
// other media file (by its extension) in a folder such as .gitbook/assets/
// or .github/images/, its own name not starting with '.' and no folder of
// version control on the way: adopted is true. Otherwise exists says
// whether there is such a file (a draft in _drafts/, a workflow in
// .github/).
func (s *Site) adopt(joined string) (adopted, exists bool) {
	if s.fsys == nil || !fs.ValidPath(joined) || joined == "." {
		return false, false
	}
	segs := strings.Split(joined, "/")
	hidden, dotted, vcs := false, false, false
	for _, seg := range segs {
		hidden = hidden || layout.Ignored(seg)
		dotted = dotted || strings.HasPrefix(seg, ".")
		vcs = vcs || seg == ".git" || seg == ".hg" || seg == ".svn"
	}
	fi, err := fs.Stat(s.fsys, joined)
	if err != nil || !hidden {
		return false, false
	}
	media := mediaExts[strings.ToLower(path.Ext(joined))] && !strings.HasPrefix(segs[len(segs)-1], ".") && !vcs
	if dotted && !media || IsMarkdown(joined) || !fi.Mode().IsRegular() {
		return false, true // dotfiles are never published
	}
	f := SourceFile{Path: joined, Size: fi.Size()}
	i, _ := slices.BinarySearchFunc(s.Files, f, func(a, b SourceFile) int { return cmp.Compare(a.Path, b.Path) })
	s.Files = slices.Insert(s.Files, i, f)
	s.files[joined] = true
	return true, true
}

// publishedPath is where a static file at the content path p is written:
// p, but for a file adopted from a folder whose name starts with '.'
// (.gitbook/assets/a.png), written as _.gitbook/assets/a.png, since web
// servers, kb serve among them, serve no path with such a folder.
func publishedPath(p string) string {
	if !strings.HasPrefix(p, ".") && !strings.Contains(p, "/.") {
		return p
	}
	segs := strings.Split(p, "/")
	for i, seg := range segs {
		if strings.HasPrefix(seg, ".") {
			segs[i] = "_" + seg
		}
	}
	return strings.Join(segs, "/")
}

// mediaExts are the extensions of the files adopt publishes from a folder
// whose name starts with '.': images, sound, video and PDF.
var mediaExts = map[string]bool{
	".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".svg": true, ".webp": true, ".avif": true,
	".ico": true, ".bmp": true, ".mp4": true, ".webm": true, ".mov": true, ".mp3": true, ".ogg": true,
	".wav": true, ".pdf": true,
}

// linkRef is a reference written on a page, parsed: what it names
// whatever the site holds. A page's links are parsed once, when it is
// loaded, and the copies of it a session's rebuilds make keep them.
type linkRef struct {
	joined string // the path named in the content folder (not for self)
	// rel is the path as written, unescaped, when it is relative: what a
	// browser resolves against the page's URL (see resolveURL).
	rel    string
	anchor string // the fragment, unescaped
	// problem says why the reference names nothing; self is set for a
	// fragment alone, site for a path from the site's root ("/x/").
	problem    string
	self, site bool
}

// parseRef parses dest, written on the page at pagePath.
func parseRef(pagePath, dest string) linkRef {
	raw, anchor, _ := strings.Cut(dest, "#")
	raw, _, _ = strings.Cut(raw, "?")
	if a, err := url.PathUnescape(anchor); err == nil {
		anchor = a
	}
	if raw == "" {
		return linkRef{anchor: anchor, self: true}
	}
	target, err := url.PathUnescape(raw)
	if err != nil {
		return linkRef{problem: "not a valid URL path"}
	}
	target = strings.ReplaceAll(target, `\`, "/")
	r := linkRef{anchor: anchor, site: strings.HasPrefix(target, "/")}
	if r.site {
		r.joined = path.Clean(target[1:])
	} else {
		r.joined, r.rel = path.Join(path.Dir(pagePath), target), target
	}
	if r.joined == ".." || strings.HasPrefix(r.joined, "../") {
		return linkRef{problem: outsideContent, rel: r.rel, anchor: anchor}
	}
	if r.joined == "." {
		r.joined = ""
	}
	return r
}

// outsideContent is the problem of a relative path that leads out of the
// content folder.
const outsideContent = "points outside the content folder"

// resolveURL resolves r as a browser does, against the page's URL (a
// Jekyll site's pretty URLs are folders: from /a/b/, ../c/ is /a/c/),
// when it names no file of the content folder: the page published at
// that URL (with or without its trailing slash, index.html or .html), or
// the static file written there.
func (s *Site) resolveURL(p *Page, r linkRef) (*Page, string, bool) {
	var target string
	switch {
	case r.site:
		target = "/" + r.joined
	case r.rel != "":
		target = path.Join(p.URL, r.rel)
	default:
		return nil, "", false
	}
	page := strings.TrimSuffix(strings.TrimSuffix(target, "index.html"), ".html")
	if !strings.HasSuffix(page, "/") {
		page += "/"
	}
	if t := s.byURL[page]; t != nil {
		return t, t.URL, true
	}
	if out := strings.TrimPrefix(target, "/"); s.byOut[out] {
		return nil, target, true
	}
	return nil, "", false
}

// outFile is where the static file at the content path p is written: in
// a folder a Jekyll site publishes by a permalink pattern, by its pattern
// (see jekyll.Site.PagePath), in a folder whose name starts with '.',
// under _.name (see publishedPath).
func (s *Site) outFile(p string) string {
	return publishedPath(s.read.jekyll.PagePath(p))
}

// resolveRef is resolve among the files Scan found; joined is the path
// the reference names in the content folder.
func (s *Site) resolveRef(p *Page, r linkRef) (t *Page, u, anchor, joined, problem string) {
	if r.problem != "" {
		return nil, "", "", "", r.problem
	}
	if r.self {
		return p, p.URL, r.anchor, p.Path, ""
	}
	anchor, joined = r.anchor, r.joined
	if t := cmp.Or(s.byPath[joined], s.invalid[joined]); t != nil {
		return t, t.URL, anchor, joined, ""
	}
	if s.files[joined] {
		return nil, "/" + s.outFile(joined), anchor, joined, ""
	}
	if sec := s.sections[joined]; sec != nil {
		// A folder is its page in the language of the page that links to it.
		u := s.Config.LangURL(p.Lang, sec.URL)
		if idx := sec.IndexIn(p.Lang); idx != nil && idx.URL == u {
			return idx, u, anchor, joined, ""
		}
		return nil, u, anchor, joined, ""
	}
	// A link written as a site URL ("/tags/sales/" or "/meeting-formats/x/").
	if r.site {
		u := "/" + strings.Trim(joined, "/") + "/"
		if u == "//" {
			u = "/"
		}
		if t := s.byURL[u]; t != nil {
			return t, t.URL, anchor, joined, ""
		}
		// A Jekyll site's path to a page's HTML file ("/team/setup.html").
		if h := strings.TrimSuffix(strings.TrimSuffix(u, "/"), ".html"); h != strings.TrimSuffix(u, "/") {
			if t := cmp.Or(s.byURL[strings.TrimSuffix(h, "index")], s.byURL[h+"/"]); t != nil {
				return t, t.URL, anchor, joined, ""
			}
		}
		if s.generated(u) || s.sectionAt(u) != nil {
			return nil, u, anchor, joined, ""
		}
	}
	return nil, "", "", joined, "no such file"
}

// resolveBody resolves the links in p's body. Without adopt it stops,
// returning false, at a link that leads to no file (see resolveAdopting).
func (s *Site) resolveBody(p *Page, ds *Diagnostics, adopt bool) bool {
	for _, l := range p.Links {
		t, u, anchor, problem, skipped, ok := s.resolveAdopting(p, l.ref, adopt)
		if !ok {
			return false
		}
		if skipped {
			s.diagAtMost(ds, SeverityWarning, RuleSource, p.Path, l.Line, l.Col, "link %q: %s", l.Dest, problem)
			continue
		}
		if problem != "" {
			s.diag(ds, RuleBrokenLink, p.Path, l.Line, l.Col, "broken link %q: %s", l.Dest, problem)
			continue
		}
		if anchor != "" && t != nil && !strings.HasPrefix(anchor, "fn:") && !strings.HasPrefix(anchor, "fnref:") {
			if id, ok := t.HeadingAnchor(anchor); ok {
				anchor = id
			} else if strings.Contains(anchor, "=") {
				// No heading's ID has '=': a bookmark of the document the
				// link was copied from (Google Docs' #heading=h.…,
				// #bookmark=id.…), which a reader can live without.
				s.diagAtMost(ds, SeverityWarning, RuleBrokenAnchor, p.Path, l.Line, l.Col,
					"link %q: #%s is not a heading: it looks like a bookmark of the document the link was copied from", l.Dest, anchor)
			} else {
				s.diag(ds, RuleBrokenAnchor, p.Path, l.Line, l.Col, "broken link %q: %s has no heading #%s", l.Dest, t.Path, anchor)
			}
		}
		if l.Image && strings.TrimSpace(l.Alt) == "" {
			s.diag(ds, RuleImageAlt, p.Path, l.Line, l.Col, "image %q has no alt text", l.Dest)
		}
		l.Target, l.Anchor = t, anchor
		href := s.Config.BasePath() + strings.TrimPrefix(u, "/")
		if anchor != "" {
			href += "#" + anchor
		}
		l.href = href
		setDestination(l, href)
	}
	return true
}

// resolveFields resolves the page references in p's fields; without
// adopt, as resolveBody.
func (s *Site) resolveFields(p *Page, ds *Diagnostics, adopt bool) bool {
	k := s.Config.Kind(p.Kind)
	if k == nil {
		return true
	}
	for _, f := range k.Fields {
		refs, ok := p.Fields[f.Name].([]PageRef)
		if !ok {
			continue
		}
		for i := range refs {
			t, u, _, problem, _, ok := s.resolveAdopting(p, parseRef(p.Path, refs[i].Path), adopt)
			if !ok {
				return false
			}
			if problem == "" && t == nil {
				problem = "not a page"
			}
			if problem != "" {
				s.diag(ds, RuleBrokenLink, p.Path, p.fmLines[f.Name], 1, "broken link %q in %s: %s", refs[i].Path, f.Name, problem)
				continue
			}
			refs[i].URL, refs[i].Title, refs[i].Page = u, t.Title, t
		}
	}
	return true
}

var aliasRE = regexp.MustCompile(`^(/[\p{Ll}\p{N}_.~-]+)+/?$`)

func (s *Site) checkAliases(ds *Diagnostics) {
	claimed := map[string]*Page{}
	for _, p := range s.Pages {
		for i, a := range p.Aliases {
			norm := "/" + strings.Trim(strings.ToLower(a), "/") + "/"
			bad := !aliasRE.MatchString(strings.TrimSuffix(norm, "/")) || strings.Contains(norm, "/../") || strings.Contains(norm, "/./")
			if bad || norm == "/" {
				s.diag(ds, RuleFrontMatter, p.Path, p.fmLines["aliases"], 1, "alias %q must be a site path like /old/name/ (lowercase, no '..')", a)
				continue
			}
			if other := claimed[norm]; other != nil {
				s.diag(ds, RuleDuplicateAlias, p.Path, p.fmLines["aliases"], 1, "alias %s is claimed by both %s and %s", norm, other.Path, p.Path)
				continue
			}
			if t := s.byURL[norm]; t != nil {
				// Without site.yaml, the page there wins, as on GitHub Pages.
				most := SeverityError
				if s.read.lenient {
					most = SeverityWarning
				}
				s.diagAtMost(ds, most, RuleDuplicateURL, p.Path, p.fmLines["aliases"], 1, "alias %s is the URL of %s", norm, t.Path)
				continue
			}
			if s.generated(norm) {
				s.diag(ds, RuleDuplicateURL, p.Path, p.fmLines["aliases"], 1, "alias %s is reserved for pages kb generates", norm)
				continue
			}
			claimed[norm] = p
			p.Aliases[i] = norm
		}
		p.Aliases = slices.DeleteFunc(p.Aliases, func(a string) bool { return claimed[a] != p })
	}
}

func (s *Site) buildSections() {
	s.sections = map[string]*Section{}
	var get func(dir string) *Section
	get = func(dir string) *Section {
		if sec := s.sections[dir]; sec != nil {
			return sec
		}
		sec := &Section{Path: dir, URL: "/", Title: s.Config.Title}
		if dir != "" {
			parent := get(parentDir(dir))
			segs := strings.Split(dir, "/")
			for i := range segs {
				segs[i] = Slug(segs[i])
			}
			sec.URL = "/" + strings.Join(segs, "/") + "/"
			sec.Title = humanize(path.Base(dir))
			sec.Parent = parent
			parent.Children = append(parent.Children, sec)
		}
		s.sections[dir] = sec
		return sec
	}
	get("")
	for _, p := range s.Pages {
		sec := get(p.Section)
		if p.IsIndex {
			sec.setIndex(p, s.Config.DefaultLanguage)
			continue
		}
		sec.Pages = append(sec.Pages, p)
	}
	s.sectionsByURL = make(map[string]*Section, len(s.sections))
	for _, sec := range s.sections {
		s.sectionsByURL[sec.URL] = sec
	}
	s.adoptFolderPages()
	for _, sec := range s.sections {
		s.Sections = append(s.Sections, sec)
		slices.SortFunc(sec.Pages, byRank)
		slices.SortFunc(sec.Children, func(a, b *Section) int {
			return cmp.Or(compareWeights(weightOf(a.Index), weightOf(b.Index)), cmp.Compare(a.Title, b.Title))
		})
		// Previous and next within the section, in the page's language.
		last := map[string]*Page{}
		for _, p := range sec.Pages {
			if q := last[p.Lang]; q != nil {
				p.Prev, q.Next = q, p
			}
			last[p.Lang] = p
		}
	}
	slices.SortFunc(s.Sections, func(a, b *Section) int { return cmp.Compare(a.Path, b.Path) })
}

// adoptFolderPages makes a page that has the URL of a folder without an
// index page of its own in the page's language (policies.md beside
// policies/, policies.nl.md for the Dutch one) that folder's index: its
// text is shown above the folder's list, as one page.
func (s *Site) adoptFolderPages() {
	for _, sec := range s.sections {
		for _, l := range s.Languages {
			p := s.byURL[s.Config.LangURL(l.Code, sec.URL)]
			if sec.Path == "" || sec.IndexIn(l.Code) != nil || p == nil || p.IsIndex || p.Lang != l.Code {
				continue
			}
			if parent := s.sections[p.Section]; parent != nil {
				parent.Pages = slices.DeleteFunc(parent.Pages, func(q *Page) bool { return q == p })
			}
			p.IsIndex, p.Section = true, sec.Path
			sec.setIndex(p, s.Config.DefaultLanguage)
		}
	}
}

// sectionAt returns the folder whose page, in some language of the site,
// is at the URL u, or nil.
func (s *Site) sectionAt(u string) *Section {
	for _, l := range s.Languages {
		if rest, ok := strings.CutPrefix(u, s.Config.LangURL(l.Code, "/")); ok {
			if sec := s.sectionsByURL["/"+rest]; sec != nil && s.Config.LangURL(l.Code, sec.URL) == u {
				return sec
			}
		}
	}
	return nil
}

// findMoved fills Site.moved: for each page outside the default language
// whose URL is under its language's folder, the URL without it, unless a
// page, alias, redirect, folder or list of the site has that URL.
func (s *Site) findMoved() {
	taken := map[string]bool{}
	for _, p := range s.Pages {
		for _, a := range p.Aliases {
			taken[a] = true
		}
	}
	for _, p := range s.redirects {
		taken[p.URL] = true
	}
	s.moved = map[string]string{}
	for _, p := range s.Pages {
		prefix := s.Config.LangURL(p.Lang, "/")
		rest, ok := strings.CutPrefix(p.URL, prefix)
		old := "/" + rest
		if !ok || prefix == "/" || p.IsIndex || taken[old] || s.byURL[old] != nil || s.generated(old) || s.sectionAt(old) != nil ||
			s.files[strings.TrimPrefix(old, "/")+"index.html"] {
			continue
		}
		if _, dup := s.moved[old]; !dup {
			s.moved[old] = p.URL
		}
	}
}

func weightOf(p *Page) int {
	if p == nil {
		return 0
	}
	return p.Weight
}

// byWeightTitle orders pages by weight, lower first and unweighted ones
// (weight 0) after every weighted one, then by title and path.
func byWeightTitle(a, b *Page) int {
	if c := compareWeights(a.Weight, b.Weight); c != 0 {
		return c
	}
	if c := cmp.Compare(a.titleKey(), b.titleKey()); c != 0 {
		return c
	}
	return cmp.Compare(a.Path, b.Path)
}

// order sorts the site's pages by weight and title into ordered and ranks
// them.
func (s *Site) order() {
	s.ordered = slices.Clone(s.Pages)
	slices.SortFunc(s.ordered, byWeightTitle)
	for i, p := range s.ordered {
		p.rank = i
	}
}

// published reports whether p is one of the site's pages (not a page left
// out for its front matter, nor a redirect).
func (s *Site) published(p *Page) bool {
	return p.rank < len(s.ordered) && s.ordered[p.rank] == p
}

// byRank orders pages of the site as byWeightTitle does, by their rank.
func byRank(a, b *Page) int { return cmp.Compare(a.rank, b.rank) }

// compareWeights orders weights ascending, with 0 (no weight) last.
func compareWeights(a, b int) int {
	return cmp.Or(cmp.Compare(boolInt(a == 0), boolInt(b == 0)), cmp.Compare(a, b))
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// titleKey is the page's title as sorted: lower-cased, once at load.
func (p *Page) titleKey() string {
	if p.lowerTitle != "" {
		return p.lowerTitle
	}
	return strings.ToLower(p.Title)
}

func parentDir(dir string) string {
	if i := strings.LastIndexByte(dir, '/'); i >= 0 {
		return dir[:i]
	}
	return ""
}
