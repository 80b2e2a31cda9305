// Package builder turns a folder of Markdown playbooks into a static site:
// it loads and parses the pages, links them, renders them through the theme
// and writes the result, with its search index, atomically.
package builder

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"

	"kb/internal/config"
	"kb/internal/jekyll"
	"kb/internal/layout"
	"kb/internal/workers"
	"kb/search"
	"kb/themes"
)

// Options says what to build and where.
type Options struct {
	// Source is the site's folder: site.yaml and the content folder, or a
	// folder of Markdown files without site.yaml.
	Source string
	// SourceFS, when set, is read instead of the Source folder (Source is
	// then only used for Git information, if at all).
	SourceFS fs.FS
	// Dest is the output folder; it is replaced only by a successful build.
	Dest string
	// BaseURL overrides site.yaml's base_url.
	BaseURL string
	// Drafts includes pages marked draft.
	Drafts bool
	// Now is the build's date for review deadlines; zero means today.
	Now time.Time
	// Check runs every validation without writing anything.
	Check bool
	// ParseTimeout bounds the parse of one Markdown file (default
	// DefaultParseTimeout).
	ParseTimeout time.Duration
	// Force lets the build replace a non-empty output folder that kb did
	// not make: it is moved aside, never deleted (see CheckDest).
	Force bool
	// Preview builds for a writer's preview: a page still holding
	// placeholders from `kb new` is published with them marked, and the
	// placeholder rule is a warning rather than an error.
	Preview bool
	// Progress, when not nil, is kept up to date as the build goes.
	Progress *Progress
	// NoStaticSearch leaves out the static search bundle (layout.StaticSearchDir),
	// for a preview whose server answers searches itself.
	NoStaticSearch bool

	// keep and reuse let a session's builds share parsed pages (reuse.go);
	// theme and git, when set, are the theme and Git history to use
	// instead of reading them again.
	keep    bool
	reuse   *reuser
	theme   *Theme
	git     *gitHistory
	related *relatedMemo
	scanned *scan
	// oneShot marks a build of its own, not a session's: it keeps nothing
	// for a next build (see readOptions.transient). transientAt is the size of
	// the Markdown from which such a build keeps no more than it needs
	// (0: transientBytes).
	oneShot     bool
	transientAt int64
	// noPreRender has a build of its own parse every page again to render
	// it, as the largest sites do (see preRenderBytes).
	noPreRender bool
}

// transientBytes is the size of a site's Markdown from which a build of its
// own lets go of sources, bodies and texts as soon as it can (see
// readOptions.transient): about 700 pages of 6 kB. Below it they take little
// memory, and keeping them saves reading the files again. Above it, such a
// build collects garbage less often (transientGC): its heap holds less, and
// at the default pace the collector's share of the CPU grew by a third.
// Measured with kb build on 10,000 pages (57 MB): peak memory 750 MB keeping
// them, 620 MB letting go with transientGC, in the same time; on 1,000 pages
// the same time and memory.
const transientBytes = 4 << 20

// transientGC is the garbage collector's percentage (GOGC) while a build of
// its own that lets go of its pages' text (transientBytes) reads its pages,
// unless the GOGC environment variable sets one; transientGCBytes the size
// of Markdown from which such a build keeps the default, so that the
// largest sites peak no higher. Reading makes the most garbage for what it
// keeps (syntax trees, front matter, the text written out and compressed)
// while the heap is still small: at the default pace the collector's share
// of the CPU grew by a third. From rendering on, the heap holds the site,
// the pages being rendered and the index being made, and a build peaks
// there: at 150 it grew to two and a half times what it held. Measured with
// kb build, alternated: at the default pace once the pages are read,
// 1,000 pages peak at 90 MB rather than 100 (twelve builds, 3.7 % more
// time), 10,000 pages at 438 MB rather than 507 (three, 3 % more time).
const (
	transientGC      = 150
	transientGCBytes = 256 << 20
)

// gcPace counts the builds running at transientGC: the collector's pace is
// the process's, set by the first of them and set back by the last.
var gcPace struct {
	sync.Mutex
	builds int
	was    int
}

// paceGC sets the collector's pace to transientGC until the function it
// returns is called, as long as no other build needs it.
func paceGC() (done func()) {
	gcPace.Lock()
	defer gcPace.Unlock()
	if gcPace.builds == 0 {
		gcPace.was = debug.SetGCPercent(transientGC)
	}
	gcPace.builds++
	return sync.OnceFunc(func() {
		gcPace.Lock()
		defer gcPace.Unlock()
		if gcPace.builds--; gcPace.builds == 0 {
			debug.SetGCPercent(gcPace.was)
		}
	})
}

// scan is what Scan found in the content folder, less site.yaml and the
// theme when they are in it. A session's rebuild after edits that add or
// remove no file uses the last build's, with the sizes of the edited
// files as they are now.
type scan struct {
	md, static []SourceFile
	problems   Diagnostics
}

// gitHistory is what Git said of a site's files (nil info: no history).
type gitHistory struct{ info *GitInfo }

// Result is what a build did.
type Result struct {
	Site        *Site
	Diagnostics Diagnostics
	// Written counts the HTML pages written.
	Written  int
	Sections int
	// Rendered counts the HTML pages rendered (all of them in a full
	// build, the affected ones in an incremental build).
	Rendered int
	// Changed lists the source files that changed since the previous build
	// of a Session, relative to the site folder.
	Changed []string
	// History says the Git repository holding the source moved to another
	// commit since the previous build of a Session: dates and authors were
	// read again.
	History  bool
	Duration time.Duration
	// Phases times each part of the build.
	Phases map[string]time.Duration
}

// ErrBuildFailed is returned when the site has errors; the diagnostics say
// which.
var ErrBuildFailed = errors.New("build failed")

// Load reads the configuration and every page, and links them. It writes
// nothing. The site is nil when the configuration itself is broken.
func Load(ctx context.Context, opts Options) (site *Site, theme *Theme, diags Diagnostics, err error) {
	siteFS := opts.SourceFS
	var closer *os.Root
	defer func() {
		if site == nil && closer != nil {
			closer.Close()
		}
	}()
	if siteFS == nil {
		root, err := os.OpenRoot(opts.Source)
		if err != nil {
			return nil, nil, nil, err
		}
		siteFS = root.FS()
		closer = root
	}
	cfg := config.Default()
	hasConfig := false
	contentDir := ""
	contentFS := siteFS
	if src, err := fs.ReadFile(siteFS, layout.ConfigFile); err == nil {
		c, ds := ParseConfig(layout.ConfigFile, src)
		diags = append(diags, ds...)
		if c == nil {
			return nil, nil, diags, nil
		}
		cfg, hasConfig = c, true
		if fi, err := fs.Stat(siteFS, cfg.ContentDir); err == nil && fi.IsDir() {
			contentFS, _ = fs.Sub(siteFS, cfg.ContentDir)
			contentDir = cfg.ContentDir
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil, err
	} else {
		cfg.Rules = noConfigRules()
		if fi, err := fs.Stat(siteFS, cfg.ContentDir); err == nil && fi.IsDir() {
			contentFS, _ = fs.Sub(siteFS, cfg.ContentDir)
			contentDir = cfg.ContentDir
		}
	}
	read := readOptions{parseTimeout: opts.ParseTimeout, checkOnly: opts.Check, preview: opts.Preview, keep: opts.keep, reuse: opts.reuse, lenient: !hasConfig, jekyll: jekyll.Read(contentFS)}
	if opts.BaseURL != "" {
		if err := cfg.SetBaseURL(opts.BaseURL); err != nil {
			return nil, nil, nil, err
		}
	}
	var top fs.FS
	if fi, err := fs.Stat(siteFS, cfg.ThemeDir); err == nil && fi.IsDir() {
		top, _ = fs.Sub(siteFS, cfg.ThemeDir)
	}
	theme = opts.theme
	if theme == nil {
		theme, err = LoadTheme(themes.Layered(top, themes.Default()))
	}
	if err != nil {
		return nil, nil, append(diags, Diagnostic{File: cfg.ThemeDir, Severity: SeverityError, Rule: RuleTemplate, Message: err.Error()}), nil
	}

	scanned := opts.scanned
	if scanned == nil {
		mdFiles, static, problems, err := scanSite(contentFS, read.jekyll)
		if err != nil {
			return nil, nil, diags, fmt.Errorf("reading content: %w", err)
		}
		if contentDir == "" {
			// The site folder is the content folder: its configuration and
			// theme are not content.
			static = slices.DeleteFunc(static, func(f SourceFile) bool {
				return f.Path == layout.ConfigFile || strings.HasPrefix(f.Path, cfg.ThemeDir+"/")
			})
			mdFiles = slices.DeleteFunc(mdFiles, func(f SourceFile) bool { return strings.HasPrefix(f.Path, cfg.ThemeDir+"/") })
		}
		scanned = &scan{md: mdFiles, static: static, problems: problems}
	}
	mdFiles, static := scanned.md, scanned.static
	diags = append(diags, scanned.problems...)
	var git *GitInfo
	var gitDone sync.WaitGroup
	if opts.git != nil {
		git = opts.git.info
	} else if opts.Source != "" {
		gitDone.Go(func() {
			dir := opts.Source
			if contentDir != "" {
				dir = filepath.Join(opts.Source, filepath.FromSlash(contentDir))
			}
			git, _ = ReadGitInfo(ctx, dir)
		})
	}
	for _, lang := range theme.ui.missingLanguages(cfg) {
		diags = append(diags, Diagnostic{File: cfg.ThemeDir, Severity: SeverityWarning, Rule: RuleTemplate,
			Message: fmt.Sprintf("language %s has no strings file (%s/%s): its pages show the English strings", lang, cfg.ThemeDir, stringsFile(lang))})
	}
	md := newMarkdown(cfg.Markdown.UnsafeHTML, theme.ui)
	size := markdownSize(mdFiles)
	read.transient = opts.oneShot && !opts.Check && theme.defaultLayouts && size >= cmp.Or(opts.transientAt, transientBytes)
	read.preRender = opts.oneShot && !opts.Check && !opts.noPreRender && size <= preRenderBytes
	if read.transient && size < transientGCBytes && os.Getenv("GOGC") == "" {
		read.paced = true
	}
	opts.Progress.start("reading", len(mdFiles))
	gcDone := func() {}
	if read.paced {
		gcDone = paceGC()
	}
	loaded, ds := loadPages(ctx, contentFS, mdFiles, cfg, read, md, opts.Drafts, opts.Progress)
	gcDone()
	diags = append(diags, ds...)
	gitDone.Wait()
	if err := ctx.Err(); err != nil {
		// Interrupted while reading: the pages not read yet would show as
		// missing, every link to them as broken.
		return nil, nil, nil, err
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	site = &Site{md: md, reparser: newReparser(cfg.Markdown.UnsafeHTML, theme.ui), git: &gitHistory{git}, related: opts.related, scanned: scanned, Config: cfg, read: read, Files: static, fsys: contentFS, contentDir: contentDir, root: closer, progress: opts.Progress, Now: time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)}
	if opts.reuse != nil && opts.theme != nil && opts.theme.defaultLayouts {
		// The same theme and site.yaml, and the default theme's layouts:
		// the sidebar's entries of pages whose title is the same are as
		// they were.
		site.navPieces = opts.reuse.old.renderedPieces()
	}
	for _, p := range loaded {
		if p == nil {
			continue
		}
		if p.unpublishable || p.RedirectTo != "" {
			if site.invalid == nil {
				site.invalid = map[string]*Page{}
			}
			site.invalid[p.Path] = p
			if p.RedirectTo != "" && !p.unpublishable {
				site.redirects = append(site.redirects, p)
			}
			continue
		}
		if git != nil {
			p.Updated = git.Updated[p.Path]
			p.Authors = git.Authors[p.Path]
		}
		site.Pages = append(site.Pages, p)
	}
	diags = append(diags, site.link()...)
	if read.reuse != nil {
		fresh := read
		fresh.keep = false
		site.reparseStale(func(f SourceFile) *Page {
			p, _ := loadPage(contentFS, f, cfg, fresh, md)
			return p
		})
		site.read.reuse = nil // the last build's pages are not needed any more
	}
	if root := site.sections[""]; !hasConfig && root != nil && root.Index != nil {
		// A repository without site.yaml is named by its README's title.
		cfg.Title = root.Index.Title
	}
	if len(site.Pages) == 0 && diags.Errors() == 0 {
		site.noPages(&diags, opts.Source, len(mdFiles) > 0)
	}
	site.outs = site.outputs(theme)
	diags = append(diags, site.checkOutputs(site.outs)...)
	return site, theme, diags, ctx.Err()
}

// noPages reports a site without a page to publish, naming the folder
// that was searched for Markdown.
func (s *Site) noPages(ds *Diagnostics, source string, drafts bool) {
	where := filepath.Join(source, filepath.FromSlash(s.contentDir)) + string(filepath.Separator)
	if s.contentDir == "" && source == "" {
		where = "the site folder"
	}
	missing := ""
	if s.contentDir == "" {
		missing = fmt.Sprintf(" (there is no %s/ folder)", s.Config.ContentDir)
	}
	if drafts {
		s.diag(ds, RuleConfig, s.Config.ContentDir, 0, 0, "no pages to publish: every Markdown file under %s%s is a draft (--drafts includes them)", where, missing)
		return
	}
	s.diag(ds, RuleConfig, s.Config.ContentDir, 0, 0, "no Markdown files under %s%s", where, missing)
}

// Build loads, checks, renders and writes the site. On content errors it
// returns ErrBuildFailed with the diagnostics in the result, and the
// previous output is left untouched.
func Build(ctx context.Context, opts Options) (*Result, error) {
	res, theme, err := buildFull(ctx, opts, nil, nil)
	_ = theme
	if res.Site != nil {
		res.Site.Close()
	}
	return res, err
}

// buildFull is Build, recording the hash of every written file in record
// when it is not nil. The caller closes res.Site.
func buildFull(ctx context.Context, opts Options, record map[string]uint64, memo *renderMemo) (*Result, *Theme, error) {
	start := time.Now()
	opts.oneShot = record == nil
	res := &Result{Phases: map[string]time.Duration{}}
	if !opts.Check {
		Recover(opts.Dest)
		if err := CheckDest(ctx, opts); err != nil {
			return res, nil, err
		}
	}
	site, theme, diags, err := Load(ctx, opts)
	res.Site, res.Diagnostics = site, diags
	res.Phases["load"] = time.Since(start)
	if err != nil {
		return res, theme, err
	}
	if site == nil || diags.Errors() > 0 {
		res.Diagnostics.Sort()
		res.Duration = time.Since(start)
		return res, theme, ErrBuildFailed
	}
	res.Sections = len(site.Sections)
	if opts.Check {
		site.renderBodies()
		res.Diagnostics = append(res.Diagnostics, bodyErrors(site.Pages)...)
		res.Diagnostics.Sort()
		res.Duration = time.Since(start)
		if res.Diagnostics.Errors() > 0 {
			return res, theme, ErrBuildFailed
		}
		return res, theme, nil
	}
	stage, err := NewStaging(opts.Dest)
	if err != nil {
		return res, theme, err
	}
	stage.Force = opts.Force
	var w FileWriter = stage
	if record != nil {
		w = &hashingWriter{w: stage, record: record}
	}
	// Bodies first: each page's syntax tree kept from loading (several
	// times the size of its HTML) is let go as soon as its body is
	// rendered, before the index builder takes its share of memory. Pages
	// that kept none are parsed again when rendered (renderPageBody).
	if site.read.transient {
		parallel(len(site.Pages), func(i int) {
			if p := site.Pages[i]; p.doc != nil {
				site.renderPageBody(p)
			}
		})
	} else {
		site.renderBodies()
	}
	// The search index is built while the pages render: both only read the
	// site, and the index is mostly CPU while rendering waits on writes.
	ictx, cancelIndex := context.WithCancel(ctx)
	defer cancelIndex()
	indexDone := make(chan error, 1)
	var indexTime, staticTime time.Duration
	site.indexed = make(chan struct{})
	go func() {
		t := time.Now()
		// The static bundle goes through stage, not w: a session's later
		// rebuilds do not write it the way they write pages (see
		// updateStatic). Its pages' part is made while the index is
		// merged (see search.StaticPages).
		var pages *search.StaticPages
		if !opts.NoStaticSearch {
			pages = search.NewStaticPages(stage, layout.StaticSearchDir)
		}
		err := buildIndex(ictx, filepath.Join(stage.Dir(), layout.IndexDir), stage.Dir(), site, pages)
		indexTime = time.Since(t)
		close(site.indexed)
		if err == nil && pages != nil {
			t = time.Now()
			_, err = exportStatic(ictx, filepath.Join(stage.Dir(), layout.IndexDir), pages)
			staticTime = time.Since(t)
		}
		indexDone <- err
	}()
	t := time.Now()
	pass := memo.pass(site, theme, nil, false)
	written, rdiags, err := site.write(ctx, theme, w, pass)
	res.Written, res.Rendered = written, written
	res.Diagnostics = append(res.Diagnostics, rdiags...)
	if err == nil && rdiags.Errors() > 0 {
		err = ErrBuildFailed
	}
	if err != nil {
		cancelIndex()
	}
	res.Phases["render"] = time.Since(t)
	opts.Progress.start("indexing", 0)
	if ierr := <-indexDone; err == nil {
		err = ierr
	}
	res.Phases["index"] = indexTime
	res.Phases["static-search"] = staticTime
	if err == nil {
		err = stage.Commit()
	}
	if err != nil {
		stage.Abort()
		res.Written = 0 // nothing of this build was published
	} else {
		pass.commit()
	}
	res.Diagnostics.Sort()
	res.Duration = time.Since(start)
	return res, theme, err
}

// buildIndex builds the search index, and static's pages unless it is nil
// (see search.BuildWithPages), turning a panic inside the index library
// into an error: a failed build must leave the old site in place, not
// crash.
func buildIndex(ctx context.Context, dir, tmp string, site *Site, static *search.StaticPages) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("search index: %v (is the disk full?)", r)
		}
	}()
	// Each page's document is made as the index takes it: a document holds
	// a copy of its page's text (with its kind's fields), and a site's worth
	// of them took as much memory as the pages' own text.
	pages := slices.Clone(site.Pages)
	urls := make(map[*Page]string, len(pages))
	for _, p := range pages {
		urls[p] = site.searchURL(p)
	}
	slices.SortFunc(pages, func(a, b *Page) int { return strings.Compare(urls[a], urls[b]) })
	return search.BuildWithPages(ctx, dir, tmp, len(pages), func(i int) search.Doc {
		d := site.searchDoc(pages[i])
		if site.read.transient {
			pages[i].Text, pages[i].textS2 = "", nil
		}
		return d
	}, static)
}

// collapseTemplateErrors reports a template error that breaks many pages
// once, on the first page it broke, saying how many others it broke.
func collapseTemplateErrors(ds Diagnostics) Diagnostics {
	ds.Sort()
	count := map[string]int{}
	for _, d := range ds {
		count[d.Message]++
	}
	var out Diagnostics
	for _, d := range ds {
		n := count[d.Message]
		if n == 0 {
			continue
		}
		if n > 1 {
			d.Message += fmt.Sprintf(" (and %d more pages)", n-1)
		}
		count[d.Message], count[strings.TrimSuffix(d.Message, fmt.Sprintf(" (and %d more pages)", n-1))] = 0, 0
		out = append(out, d)
	}
	return out
}

// hashingWriter records the hash of every file it passes on.
type hashingWriter struct {
	w      FileWriter
	mu     sync.Mutex
	record map[string]uint64
}

// releasesData tells releasesData what the writer passed on does.
func (h *hashingWriter) releasesData() bool { return releasesData(h.w) }

// WriteFile implements FileWriter.
func (h *hashingWriter) WriteFile(name string, data []byte) error {
	sum := hashBytes(data)
	h.mu.Lock()
	h.record[name] = sum
	h.mu.Unlock()
	return h.w.WriteFile(name, data)
}

// SearchDocs returns one search document per page.
func (s *Site) SearchDocs() []search.Doc {
	docs := make([]search.Doc, 0, len(s.Pages))
	for _, p := range s.Pages {
		docs = append(docs, s.searchDoc(p))
	}
	return docs
}

// renderBodies renders every page's Markdown to HTML, concurrently. A page
// whose body fails to render keeps no body and records why (bodyErrors).
func (s *Site) renderBodies() {
	parallel(len(s.Pages), func(i int) { s.renderPageBody(s.Pages[i]) })
}

// renderRest renders the bodies not rendered yet and reports every page
// whose body failed to render.
func (s *Site) renderRest() Diagnostics {
	s.renderBodies()
	return bodyErrors(s.Pages)
}

// renderPageBody renders p's Markdown to HTML from its syntax tree, or
// from its source parsed again (read again from the file when p let it go,
// see Page.reread), and lets tree and source go: a page rendered already
// has neither, and is left as it is.
func (s *Site) renderPageBody(p *Page) {
	if pre := p.pre; pre != nil {
		p.pre = nil
		if h1, body, ok := pre.fill(p.Links, s.Config.Markdown.UnsafeHTML); ok {
			p.H1, p.Body, p.renderErr, p.reread = trustedHTML(h1), trustedHTML(body), nil, false
			return
		}
	}
	if p.doc == nil && !s.parseAgain(p) {
		return
	}
	var head, buf bytes.Buffer
	p.H1, p.Body, p.renderErr = "", "", renderBody(s.md, p.doc, p.src, &head, &buf)
	if p.renderErr == nil {
		p.H1, p.Body = trustedHTML(head.Bytes()), trustedHTML(buf.Bytes())
	}
	if p.pristine != nil { // kept for a session's next build
		p.bodyHrefs, p.bodySum = p.hrefs(), bodyDigest(p.H1, p.Body)
	}
	p.doc, p.src = nil, nil
	for _, l := range p.Links {
		l.node, l.raw = nil, nil // they would keep the whole tree alive
	}
}

// parseAgain parses p's source a second time, for rendering, with its
// links set to where they lead, and reports whether p has a syntax tree
// to render. Loading lets each page's tree go once it has what the site
// needs of it (title, headings, links, text): trees are several times the
// size of their source, and a site's worth of them is most of a large
// build's memory.
func (s *Site) parseAgain(p *Page) bool {
	if p.src == nil && p.reread {
		p.reread = false
		src, err := s.sourceAgain(p)
		if err != nil {
			p.renderErr = err
			return false
		}
		p.src = src
	}
	if p.src == nil {
		return false
	}
	info := &docInfo{lang: p.Lang, badFrontMatter: p.badFrontMatter}
	pc := parser.NewContext()
	pc.Set(docInfoKey, info)
	doc := s.reparser.Parser().Parse(text.NewReader(p.src), parser.WithContext(pc))
	if len(info.links) != len(p.Links) {
		p.renderErr = fmt.Errorf("%d links on the second reading, %d on the first", len(info.links), len(p.Links))
		return false
	}
	for i, l := range p.Links {
		fresh := info.links[i]
		l.node, l.raw, l.rawIndex = fresh.node, fresh.raw, fresh.rawIndex
		if l.href != "" {
			setDestination(l, l.href)
		}
	}
	p.doc = doc
	return true
}

// markdownSize is the size of files together.
func markdownSize(files []SourceFile) int64 {
	var n int64
	for _, f := range files {
		n += f.Size
	}
	return n
}

// sourceAgain reads p's source again, as loading made it (without a byte
// order mark, Liquid tags done), for a page that let go of it once parsed
// (Page.reread). A file that changed since is an error: its links and
// headings were checked as they were.
func (s *Site) sourceAgain(p *Page) ([]byte, error) {
	src, err := fs.ReadFile(s.fsys, p.Path)
	if err != nil {
		return nil, fmt.Errorf("cannot read it again: %v", unwrapPathError(err))
	}
	if !utf8.Valid(src) { // a lenient read shows such bytes as U+FFFD
		src = asBrowsersRead(src)
	}
	src, _ = liquidPage(bytes.TrimPrefix(src, []byte("\uFEFF")), p, s.Config)
	if hashBytes(src) != p.srcSum {
		return nil, errors.New("the file changed while the site was built: build again")
	}
	return src, nil
}

// renderBody renders p's syntax tree into w, all but a level-1 heading it
// starts with, which goes to head (the layout shows it as the page's
// title, above what it says of the page). A panic in the renderer is
// returned as an error, so one page cannot bring down a build or a preview.
func renderBody(md goldmark.Markdown, doc ast.Node, src []byte, head, w io.Writer) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	if h, ok := doc.FirstChild().(*ast.Heading); ok && h.Level == 1 {
		if err := md.Renderer().Render(head, src, h); err != nil {
			return err
		}
		doc.RemoveChild(doc, h)
	}
	return md.Renderer().Render(w, src, doc)
}

// bodyErrors reports each page of pages whose body failed to render.
func bodyErrors(pages []*Page) Diagnostics {
	var ds Diagnostics
	for _, p := range pages {
		if p.renderErr != nil {
			ds = append(ds, Diagnostic{File: p.Path, Severity: SeverityError, Rule: RuleSource,
				Message: "the Markdown could not be rendered: " + p.renderErr.Error()})
		}
	}
	return ds
}

// writeWorkers runs fn(0…n-1) on all cores, but while the search index is
// being built (Site.indexed) on one: the pages can wait, and the index,
// which the static search export then reads, is on a build's longer path;
// given the other core, its phases that run on one core leave no core
// idle. During the export the pages fill its pauses on every core.
func (s *Site) writeWorkers(n int, fn func(i int)) {
	if s.indexed == nil {
		parallel(n, fn)
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			if w > 0 {
				<-s.indexed
			}
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(i)
			}
		})
	}
	wg.Wait()
}

// parallel runs fn(0…n-1) on all cores.
func parallel(n int, fn func(i int)) {
	_ = workers.Run(context.Background(), n, 0, func(_, i int) error {
		fn(i)
		return nil
	})
}

// outPath maps a URL ("/a/b/") to its file ("a/b/index.html").
func outPath(u string) string {
	u = strings.Trim(u, "/")
	if u == "" {
		return "index.html"
	}
	return u + "/index.html"
}

// renderBuffers holds the buffers pages were rendered into, for the next
// pages, when the stage they were written to keeps none of them (see
// releasesData): a build's pages were a tenth of the bytes it allocated.
var renderBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// pageChrome is about the size of a page without its body, in the default
// theme: a page's buffer starts that much larger than its body, and does
// not grow (and copy itself) half a dozen times while it renders.
const pageChrome = 20 << 10

type job struct {
	out  string
	view *View
	page *Page
	by   claim
}

// FileWriter receives the output files of a build: slash-separated paths
// inside the output, written from several goroutines at once. It is the
// interface the search bundle's exporter writes through too.
type FileWriter = search.FileWriter

// write renders every page and list and writes them, the static files,
// the theme's assets and the other generated files through w: every file
// of s.outputs. It writes nothing when a page's body failed to render,
// unless the bodies are rendered with their pages (readOptions.transient): then
// it reports them once all pages are written.
func (s *Site) write(ctx context.Context, theme *Theme, stage FileWriter, memo *memoPass) (int, Diagnostics, error) {
	if !s.read.transient {
		if ds := s.renderRest(); len(ds) > 0 {
			return 0, ds, nil
		}
	}
	outs := s.outs
	s.outs = nil // the views are let go of once written
	defer func() {
		s.navMu.Lock()
		s.navPieces = nil
		s.navMu.Unlock()
		if memo == nil { // no session keeps the cards for its next build
			s.cacheMu.Lock()
			s.parts = nil
			s.cacheMu.Unlock()
		}
	}()
	if outs == nil {
		outs = s.outputs(theme)
	}
	var jobs []*job
	for _, o := range outs {
		if o.job != nil {
			jobs = append(jobs, o.job)
		}
	}
	var mu sync.Mutex
	var diags Diagnostics
	var firstErr error
	var rendered atomic.Int64
	reuse := releasesData(stage)
	s.progress.start("rendering", len(jobs))
	s.writeWorkers(len(jobs), func(i int) {
		j := jobs[i]
		if ctx.Err() != nil {
			return
		}
		defer s.progress.add()
		digest := memo.digest(j)
		if memo.reuse(j, digest, stage) {
			return
		}
		rendered.Add(1)
		if s.read.transient && j.page != nil {
			s.renderPageBody(j.page)
			defer func() { j.page.Body, j.page.H1 = "", "" }()
		}
		size := memo.sizeOf(j.out)
		if size == 0 && j.page != nil {
			// A first rendering: the page's body and about as much
			// around it (the head, the sidebar, links to other pages).
			size = len(j.page.H1) + len(j.page.Body) + pageChrome
		}
		buf := renderBuffers.Get().(*bytes.Buffer)
		buf.Reset()
		data, err := theme.render(buf, j.view.Layout, j.view, size)
		if err == nil {
			memo.rendered(j, digest, data)
			j.view.nav = "" // every page's copy of the tree would stay until the last is written
			err = stage.WriteFile(j.out, data)
			if reuse {
				renderBuffers.Put(buf)
			}
			if err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
				return
			}
		} else {
			file := j.out
			if j.page != nil {
				file = j.page.Path
			}
			mu.Lock()
			diags = append(diags, Diagnostic{File: file, Severity: SeverityError, Rule: RuleTemplate, Message: err.Error()})
			mu.Unlock()
		}
	})
	diags = collapseTemplateErrors(diags)
	if firstErr != nil {
		return 0, diags, firstErr
	}
	if err := ctx.Err(); err != nil {
		return 0, diags, err
	}
	if s.read.transient {
		// The pages no job showed are rendered too: their errors are
		// the build's all the same.
		if ds := s.renderRest(); len(ds) > 0 {
			return 0, ds, nil
		}
	}
	for _, o := range outs {
		if o.data == nil {
			continue
		}
		if memo.unchanged(o) {
			if k, ok := stage.(interface{ keepAsIs(string) bool }); ok && k.keepAsIs(o.path) {
				continue // not read again
			}
		}
		data, err := o.data()
		if err == nil {
			err = stage.WriteFile(o.path, data)
		}
		if err != nil {
			return 0, diags, err
		}
	}
	return int(rendered.Load()), diags, nil
}
