package builder

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"kb/internal/gitrepo"
	"kb/internal/jekyll"
	"kb/internal/layout"
	"kb/search"
)

// Session keeps a site's state between builds, for watch mode: the first
// Build is a full, staged build; later ones re-walk the source, re-parse
// what changed, re-render only the affected pages, write only the output
// files whose bytes changed and update the search index in place. Build
// must be called from one goroutine at a time; Index may be called from any.
type Session struct {
	opts Options

	site  *Site
	theme *Theme
	stamp map[string]stamp  // site-relative source path → stamp
	out   map[string]uint64 // output path → content hash
	docs  map[string]uint64 // search document URL → hash
	// docMemo knows the search documents of the last build's pages.
	docMemo docMemo
	memo    *renderMemo // what the pages written were rendered from
	// static is the static search bundle as last written (see
	// loadStatic), and staticTook how long its last update took.
	static     *search.StaticBundle
	staticTook time.Duration
	// staticStale is set when an update of the bundle failed part way:
	// the files on disk may not be those the index describes.
	staticStale bool
	ok          bool // the last build succeeded

	gitDir, gitCommon string // the repository holding the source, if any
	gitLooked         bool   // gitDir and gitCommon are known
	head              string // the commit HEAD was at for the last good build

	mu    sync.RWMutex
	index *search.Index

	// afterScan, when set, is called between a build's scan and the rest
	// of it: tests change files there, as a writer saving during a build.
	afterScan func()
}

// stamp is what a scan compares with the last build: a file whose size,
// time and mode are unchanged is not read again (a change of mode alone
// can make it unreadable).
type stamp struct {
	size int64
	mod  time.Time
	mode fs.FileMode
	hash uint64
	// unknown is set for a file the build found but the scan did not:
	// the next scan takes it for changed.
	unknown bool
	// racy is set when the file was modified so shortly before the scan
	// that a later write could leave its size and time as they are (a
	// file system's clock ticks coarser than writes): its contents are
	// read again by the next scan.
	racy bool
}

// racyWindow is how recent a modification must be for a scan not to trust
// the file's size and time alone next time.
const racyWindow = 2 * time.Second

// NewSession prepares incremental builds of opts.Source into opts.Dest.
func NewSession(opts Options) *Session {
	opts.keep, opts.related = true, newRelatedMemo()
	return &Session{opts: opts}
}

// Index returns the live search index, nil before the first successful
// build. The session owns it.
func (s *Session) Index() *search.Index {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.index
}

// Close releases the index and the source folder.
func (s *Session) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var err error
	if s.index != nil {
		err = s.index.Close()
		s.index = nil
	}
	if s.site != nil {
		s.site.Close()
	}
	return err
}

// Build brings opts.Dest up to date with the source. On content errors
// nothing in Dest changes, the error is ErrBuildFailed and the result's
// diagnostics say why. When the Git repository holding the source has
// moved to another commit since the last good build (a commit, pull,
// checkout or rebase), the whole site is built again, with the dates and
// authors read anew.
func (s *Session) Build(ctx context.Context) (*Result, error) {
	start := time.Now()
	// HEAD is read before the source and `git log`, so that a commit made
	// during the build is seen by the next one.
	head := s.gitHeadNow(ctx)
	stamps, changed, structural, global, err := s.scan()
	if err != nil {
		return &Result{Phases: map[string]time.Duration{}}, err
	}
	if s.afterScan != nil {
		s.afterScan()
	}
	if s.site == nil || s.index == nil {
		res, err := s.full(ctx, stamps)
		if err == nil {
			s.reconcile(stamps)
			s.stamp, s.head = stamps, head
		}
		res.Changed = changed
		return res, err
	}
	history := head != s.head
	if len(changed) == 0 && !history && s.ok {
		return &Result{Site: s.site, Phases: map[string]time.Duration{}, Duration: time.Since(start)}, nil
	}
	var res *Result
	if !structural && !history && s.ok {
		res, err = s.quick(ctx, changed)
	}
	if res == nil {
		if global || history {
			s.memo = newRenderMemo(s.opts.Dest)
		}
		res, err = s.rebuild(ctx, changed, stamps, global, history)
	}
	if err == nil {
		s.reconcile(stamps)
		s.stamp, s.head = stamps, head
	}
	s.ok = err == nil
	res.Changed, res.History = changed, history
	res.Duration = time.Since(start)
	return res, err
}

// gitHeadNow names the commit the source's repository is at ("" outside
// one), finding the repository on the first call.
func (s *Session) gitHeadNow(ctx context.Context) string {
	if !s.gitLooked && s.opts.Source != "" {
		s.gitDir, s.gitCommon = gitrepo.Dirs(ctx, s.opts.Source)
		s.gitLooked = true
	}
	return gitrepo.Head(s.gitDir, s.gitCommon)
}

// full runs the first, staged build and opens its index for updates.
func (s *Session) full(ctx context.Context, stamps map[string]stamp) (*Result, error) {
	out := map[string]uint64{}
	s.memo = newRenderMemo(s.opts.Dest)
	res, theme, err := buildFull(ctx, s.opts, out, s.memo)
	if err != nil {
		if res.Site != nil {
			res.Site.Close()
		}
		s.ok = false
		return res, err
	}
	idx, err := search.OpenForUpdate(filepath.Join(s.opts.Dest, filepath.FromSlash(layout.IndexDir)))
	if err != nil {
		res.Site.Close()
		return res, err
	}
	s.mu.Lock()
	s.index = idx
	s.mu.Unlock()
	s.site, s.theme, s.out, s.stamp, s.ok = res.Site, theme, out, stamps, true
	s.docs = map[string]uint64{}
	_, s.docs, s.docMemo = s.siteDocs(res.Site)
	if err := s.loadStatic(ctx); err != nil {
		return res, err
	}
	return res, nil
}

// scan walks the site's sources and compares them with the last build.
// structural is true when files were added or removed, or site.yaml or the
// theme changed; global when a file other than a page changed (site.yaml,
// the theme, a static file).
func (s *Session) scan() (stamps map[string]stamp, changed []string, structural, global bool, err error) {
	fsys, closeFS, err := s.sourceFS()
	if err != nil {
		return nil, nil, false, false, err
	}
	defer closeFS()
	stamps = map[string]stamp{}
	now := time.Now()
	// What a Jekyll site's _config.yml publishes and excludes, by content
	// path; the file itself is a file of the site (a change of it is a
	// change of everything).
	prefix := s.contentPrefix()
	contentFS := fsys
	if prefix != "" {
		if sub, err := fs.Sub(fsys, strings.TrimSuffix(prefix, "/")); err == nil {
			contentFS = sub
		}
	}
	jk := jekyll.Read(contentFS)
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == "." {
				return err
			}
			return nil
		}
		content, inContent := strings.CutPrefix(p, prefix)
		if p != "." && layout.Ignored(d.Name()) && !(d.IsDir() && inContent && jk.Publishes(content)) && p != prefix+jekyll.ConfigFile ||
			inContent && jk.Excluded(content) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if s.isOutput(p) || isOutputFS(fsys, p) {
				return fs.SkipDir
			}
			return nil
		}
		info, err := d.Info()
		if err != nil || !regularFile(fsys, p, info.Mode()) {
			return nil
		}
		st := stamp{size: info.Size(), mod: info.ModTime(), mode: info.Mode()}
		st.racy = st.mod.After(now.Add(-racyWindow))
		old, seen := s.stamp[p]
		if seen && !old.racy && old.size == st.size && old.mod.Equal(st.mod) && old.mode == st.mode {
			stamps[p] = old
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil // counted as removed: the build reports it as kb build does
		}
		st.hash = hashBytes(data)
		stamps[p] = st
		if !seen || old.unknown || old.hash != st.hash {
			changed = append(changed, p)
			page := IsMarkdown(p) && s.inContent(p)
			structural = structural || !seen || !page
			global = global || !page
		}
		return nil
	})
	for p := range s.stamp {
		if _, ok := stamps[p]; !ok {
			changed = append(changed, p)
			structural = true
			global = global || !IsMarkdown(p) || !s.inContent(p)
		}
	}
	slices.Sort(changed)
	return stamps, changed, structural, global, err
}

// reconcile brings the stamps of a successful build's scan in line with
// the files the build itself found, when it listed the content folder
// again (a change to something other than pages): a file created or
// removed between the two listings, while a writer saves, would otherwise
// be taken for unchanged by the next scans. A file the build found and
// the scan did not gets an unknown stamp, so that the next scan takes it
// for changed (or removed); a page the scan found and the build did not
// loses its stamp, so that the next scan takes it for new.
func (s *Session) reconcile(stamps map[string]stamp) {
	sc := s.site.scanned
	if sc == nil {
		return
	}
	prefix := s.contentPrefix()
	listed := make(map[string]bool, len(sc.md)+len(sc.static))
	for _, list := range [][]SourceFile{sc.md, sc.static} {
		for _, f := range list {
			p := prefix + f.Path
			listed[p] = true
			if _, ok := stamps[p]; !ok {
				stamps[p] = stamp{unknown: true}
			}
		}
	}
	theme := s.site.Config.ThemeDir + "/"
	for p := range stamps {
		if !listed[p] && IsMarkdown(p) && s.inContent(p) && (prefix != "" || !strings.HasPrefix(p, theme)) {
			delete(stamps, p)
		}
	}
}

func (s *Session) sourceFS() (fs.FS, func(), error) {
	if s.opts.SourceFS != nil {
		return s.opts.SourceFS, func() {}, nil
	}
	root, err := os.OpenRoot(s.opts.Source)
	if err != nil {
		return nil, nil, err
	}
	return root.FS(), func() { root.Close() }, nil
}

// isOutput reports whether a site-relative folder is the output folder (or
// a staging folder next to it), which must never count as source.
func (s *Session) isOutput(p string) bool {
	if s.opts.Source == "" {
		return false
	}
	abs, err := filepath.Abs(filepath.Join(s.opts.Source, filepath.FromSlash(p)))
	dest, err2 := filepath.Abs(s.opts.Dest)
	return err == nil && err2 == nil && abs == dest
}

// contentPrefix is the content folder's site-relative path with a slash, or
// "" when the site folder is the content folder.
func (s *Session) contentPrefix() string {
	if s.site == nil || s.site.contentDir == "" {
		return ""
	}
	return s.site.contentDir + "/"
}

func (s *Session) inContent(p string) bool {
	return strings.HasPrefix(p, s.contentPrefix())
}

// quick handles edits to existing pages that change nothing other pages
// show (title, summary, tags, headings, links…): only those pages are
// re-rendered. It returns a nil result when a full rebuild is needed.
func (s *Session) quick(ctx context.Context, changed []string) (*Result, error) {
	site := s.site
	prefix := s.contentPrefix()
	var fresh []*Page
	var diags Diagnostics
	failed := false
	for _, p := range changed {
		rel := strings.TrimPrefix(p, prefix)
		old := site.byPath[rel]
		if old == nil {
			return nil, nil
		}
		fi, err := fs.Stat(site.fsys, rel)
		if err != nil {
			return nil, nil
		}
		np, ds := loadPage(site.fsys, SourceFile{Path: rel, Size: fi.Size()}, site.Config, site.read, site.md)
		diags = append(diags, ds...)
		if ds.Errors() > 0 {
			failed = true // and read the other changed pages, to report theirs too
			continue
		}
		if np == nil || pageFacts(np) != pageFacts(old) {
			return nil, nil
		}
		np.Backlinks, np.Translations, np.Related, np.Prev, np.Next = old.Backlinks, old.Translations, old.Related, old.Prev, old.Next
		np.Updated, np.Authors = old.Updated, old.Authors
		fresh = append(fresh, np)
	}
	if failed {
		res := &Result{Site: site, Diagnostics: diags, Phases: map[string]time.Duration{}}
		res.Diagnostics.Sort()
		return res, ErrBuildFailed
	}
	for _, np := range fresh {
		site.resolveBody(np, &diags, true)
		site.resolveFields(np, &diags, true)
		site.checkPlaceholders(np, &diags)
	}
	res := &Result{Site: site, Phases: map[string]time.Duration{}, Diagnostics: diags, Sections: len(site.Sections)}
	if diags.Errors() > 0 {
		res.Diagnostics.Sort()
		return res, ErrBuildFailed
	}
	for _, np := range fresh {
		site.replace(np)
	}
	site.renderBodies()
	if ds := bodyErrors(fresh); len(ds) > 0 {
		res.Diagnostics = append(res.Diagnostics, ds...)
		res.Diagnostics.Sort()
		return res, ErrBuildFailed
	}
	w := &diffWriter{old: s.out}
	var errs Diagnostics
	pass := s.memo.pass(site, s.theme, nil, true)
	for _, j := range site.jobs(s.theme) {
		if !slices.Contains(fresh, j.page) && (j.view.Page == nil || !slices.Contains(fresh, j.view.Page)) {
			continue
		}
		data, err := s.theme.Render(j.view.Layout, j.view)
		if err != nil {
			errs = append(errs, Diagnostic{File: j.view.Page.Path, Severity: SeverityError, Rule: RuleTemplate, Message: err.Error()})
			continue
		}
		res.Rendered++
		pass.rendered(&j, pass.digest(&j), data)
		_ = w.WriteFile(j.out, data)
	}
	if len(errs) > 0 {
		res.Diagnostics = append(res.Diagnostics, errs...)
		res.Diagnostics.Sort()
		return res, ErrBuildFailed
	}
	docs := make([]search.Doc, len(fresh))
	for i, np := range fresh {
		docs[i] = site.searchDoc(np)
	}
	if err := s.commit(ctx, w, nil, docs, docHashes(docs), false); err != nil {
		return res, err
	}
	pass.commit()
	res.Written = len(w.files)
	res.Diagnostics.Sort()
	return res, ctx.Err()
}

// rebuild loads the whole site again, renders the pages whose output can
// have changed (see renderMemo) and writes what did. changed are the
// site-relative paths of the sources that changed.
func (s *Session) rebuild(ctx context.Context, changed []string, stamps map[string]stamp, global, history bool) (*Result, error) {
	start := time.Now()
	edited := map[string]bool{}
	for _, p := range changed {
		edited[strings.TrimPrefix(p, s.contentPrefix())] = true
	}
	opts := s.opts
	if !global {
		// Pages of unchanged files are not parsed again, nor the theme,
		// unless site.yaml or the theme changed, which can change how
		// they read.
		opts.reuse = &reuser{old: s.site, changed: edited}
		opts.theme = s.theme
		if !history {
			opts.git = s.site.git // the dates come from commits only
		}
		opts.scanned = s.rescan(edited, stamps)
	}
	site, theme, diags, err := Load(ctx, opts)
	res := &Result{Site: site, Diagnostics: diags, Phases: map[string]time.Duration{}}
	if err == nil && (site == nil || diags.Errors() > 0) {
		err = ErrBuildFailed
	}
	if err != nil {
		if site != nil {
			site.Close()
		}
		res.Site = s.site
		res.Diagnostics.Sort()
		return res, err
	}
	res.Phases["load"] = time.Since(start)
	w := &diffWriter{old: s.out, all: map[string]uint64{}}
	pass := s.memo.pass(site, theme, edited, false)
	pass.sourcesOnly = !global
	t := time.Now()
	written, rdiags, err := site.write(ctx, theme, w, pass)
	res.Phases["render"] = time.Since(t)
	res.Diagnostics = append(res.Diagnostics, rdiags...)
	res.Rendered, res.Sections = written, len(site.Sections)
	if err == nil && rdiags.Errors() > 0 {
		err = ErrBuildFailed
	}
	if err != nil {
		site.Close()
		res.Site = s.site
		res.Diagnostics.Sort()
		return res, err
	}
	var removed []string
	for name := range s.out {
		if _, ok := w.all[name]; !ok {
			removed = append(removed, name)
		}
	}
	slices.Sort(removed)
	t = time.Now()
	docs, hashes, docMemo := s.siteDocs(site)
	if err := s.commit(ctx, w, removed, docs, hashes, true); err != nil {
		site.Close()
		return res, err
	}
	s.docMemo = docMemo
	res.Phases["write"] = time.Since(t)
	s.out = w.all
	pass.commit()
	if s.site != site {
		s.site.Close()
	}
	s.site, s.theme = site, theme
	res.Written = len(w.files)
	res.Diagnostics.Sort()
	return res, nil
}

// rescan returns the last build's list of content files brought up to date
// with the edited pages (content-relative paths) as the session's scan saw
// them: sizes changed, pages added or removed. Only pages changed (no
// static file, site.yaml or theme), so the rest of the list is the same.
// It returns nil, for a full Scan, when it cannot tell: a page gone from
// the scan whose file is still there (unreadable, say, which Scan reports).
func (s *Session) rescan(edited map[string]bool, stamps map[string]stamp) *scan {
	last := s.site.scanned
	if last == nil {
		return nil
	}
	prefix := s.contentPrefix()
	md := make([]SourceFile, 0, len(last.md)+len(edited))
	listed := map[string]bool{}
	for _, f := range last.md {
		listed[f.Path] = true
		if !edited[f.Path] {
			md = append(md, f)
			continue
		}
		st, ok := stamps[prefix+f.Path]
		if !ok {
			if _, err := fs.Lstat(s.site.fsys, f.Path); !errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			continue // removed
		}
		f.Size = st.size
		md = append(md, f)
	}
	added := false
	for p := range edited {
		st, ok := stamps[prefix+p]
		if !ok || listed[p] || !IsMarkdown(p) || prefix == "" && strings.HasPrefix(p, s.site.Config.ThemeDir+"/") {
			continue
		}
		md = append(md, SourceFile{Path: p, Size: st.size})
		added = true
	}
	if added {
		slices.SortFunc(md, func(a, b SourceFile) int { return walkOrder(a.Path, b.Path) })
	}
	return &scan{md: md, static: last.static, problems: last.problems}
}

// walkOrder compares two slash-separated paths in the order fs.WalkDir
// visits them: folder by folder, each folder's entries by name.
func walkOrder(a, b string) int {
	for {
		as, arest, amore := strings.Cut(a, "/")
		bs, brest, bmore := strings.Cut(b, "/")
		switch c := strings.Compare(as, bs); {
		case c != 0:
			return c
		case !amore || !bmore:
			return strings.Compare(a, b) // the same name, a file and a folder
		}
		a, b = arest, brest
	}
}

// replace puts a re-parsed page in the place of the page with the same
// path, everywhere the site lists it.
func (s *Site) replace(np *Page) {
	old := s.byPath[np.Path]
	swap := func(list []*Page) {
		for i, p := range list {
			if p == old {
				list[i] = np
			}
		}
	}
	swap(s.Pages)
	swap(s.ordered)
	np.rank = old.rank
	for _, list := range s.byKind {
		swap(list)
	}
	s.byPath[np.Path] = np
	s.byURL[np.URL] = np
	for _, sec := range s.Sections {
		swap(sec.Pages)
		if sec.Index == old {
			sec.Index = np
		}
		if sec.Indexes[old.Lang] == old {
			sec.Indexes[old.Lang] = np
		}
	}
	for _, t := range s.Tags {
		swap(t.Pages)
	}
	for _, t := range s.Owners {
		swap(t.Pages)
	}
	s.cacheMu.Lock()
	for _, gs := range s.groupCache {
		for _, g := range gs {
			swap(g.Pages)
		}
	}
	s.cacheMu.Unlock()
	for _, p := range s.Pages {
		swap(p.Backlinks)
		swap(p.Translations)
		swap(p.Related)
		if p.Prev == old {
			p.Prev = np
		}
		if p.Next == old {
			p.Next = np
		}
		for _, l := range p.Links {
			if l.Target == old {
				l.Target = np
			}
		}
	}
}
