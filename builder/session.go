package builder

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"kb/internal/gitrepo"
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
	ok    bool              // the last build succeeded

	gitDir, gitCommon string // the repository holding the source, if any
	gitLooked         bool   // gitDir and gitCommon are known
	head              string // the commit HEAD was at for the last good build

	mu    sync.RWMutex
	index *search.Index
}

// stamp is what a scan compares with the last build: a file whose size,
// time and mode are unchanged is not read again (a change of mode alone
// can make it unreadable).
type stamp struct {
	size int64
	mod  time.Time
	mode fs.FileMode
	hash uint64
}

// NewSession prepares incremental builds of opts.Source into opts.Dest.
func NewSession(opts Options) *Session {
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
	stamps, changed, structural, err := s.scan()
	if err != nil {
		return &Result{Phases: map[string]time.Duration{}}, err
	}
	if s.site == nil || s.index == nil {
		res, err := s.full(ctx, stamps)
		if err == nil {
			s.head = head
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
		res, err = s.rebuild(ctx)
	}
	if err == nil {
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
	res, theme, err := buildFull(ctx, s.opts, out)
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
	s.docs = docHashes(res.Site.SearchDocs())
	return res, nil
}

// scan walks the site's sources and compares them with the last build.
// structural is true when files were added or removed, or site.yaml or the
// theme changed.
func (s *Session) scan() (map[string]stamp, []string, bool, error) {
	fsys, closeFS, err := s.sourceFS()
	if err != nil {
		return nil, nil, false, err
	}
	defer closeFS()
	stamps := map[string]stamp{}
	var changed []string
	structural := false
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == "." {
				return err
			}
			return nil
		}
		if p != "." && layout.Ignored(d.Name()) {
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
		old, seen := s.stamp[p]
		if seen && old.size == st.size && old.mod.Equal(st.mod) && old.mode == st.mode {
			stamps[p] = old
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil // counted as removed: the build reports it as kb build does
		}
		st.hash = hashBytes(data)
		stamps[p] = st
		if !seen || old.hash != st.hash {
			changed = append(changed, p)
			if !seen || !isMarkdown(p) || !s.inContent(p) {
				structural = true
			}
		}
		return nil
	})
	for p := range s.stamp {
		if _, ok := stamps[p]; !ok {
			changed = append(changed, p)
			structural = true
		}
	}
	slices.Sort(changed)
	return stamps, changed, structural, err
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
	md := newMarkdown(site.Config.Markdown.UnsafeHTML)
	prefix := s.contentPrefix()
	var fresh []*Page
	var diags Diagnostics
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
		np, ds := loadPage(site.fsys, SourceFile{Path: rel, Size: fi.Size()}, site.Config, site.read, md)
		diags = append(diags, ds...)
		if ds.Errors() > 0 {
			res := &Result{Site: site, Diagnostics: diags, Phases: map[string]time.Duration{}}
			res.Diagnostics.Sort()
			return res, ErrBuildFailed
		}
		if np == nil || pageFacts(np) != pageFacts(old) {
			return nil, nil
		}
		np.Backlinks, np.Translations, np.Related, np.Prev, np.Next = old.Backlinks, old.Translations, old.Related, old.Prev, old.Next
		np.Updated, np.Authors = old.Updated, old.Authors
		fresh = append(fresh, np)
	}
	for _, np := range fresh {
		site.resolveBody(np, &diags)
		site.resolveFields(np, &diags)
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
	if err := s.commit(ctx, w, nil, docs, false); err != nil {
		return res, err
	}
	res.Written = len(w.files)
	res.Diagnostics.Sort()
	return res, ctx.Err()
}

// rebuild loads and renders the whole site again and writes what changed.
func (s *Session) rebuild(ctx context.Context) (*Result, error) {
	start := time.Now()
	site, theme, diags, err := Load(ctx, s.opts)
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
	written, rdiags, err := site.write(ctx, theme, w)
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
	if err := s.commit(ctx, w, removed, site.SearchDocs(), true); err != nil {
		site.Close()
		return res, err
	}
	s.out = w.all
	if s.site != site {
		s.site.Close()
	}
	s.site, s.theme = site, theme
	res.Written = len(w.files)
	res.Diagnostics.Sort()
	return res, nil
}

// commit publishes a rebuild: it writes the changed files, updates the
// search index with docs (every document when all is set, documents not
// among them being deleted; else only those given) and removes the output
// of removed pages. Every changed file is first written beside its final
// name, so that a full disk or an I/O error leaves the published output as
// it was; only once all of them and the index update have succeeded are
// they renamed into place, each rename atomic.
func (s *Session) commit(ctx context.Context, w *diffWriter, removed []string, docs []search.Doc, all bool) error {
	root, err := os.OpenRoot(s.opts.Dest)
	if err != nil {
		return err
	}
	defer root.Close()
	names := slices.Sorted(maps.Keys(w.files))
	temps := make([]string, 0, len(names))
	undo := func() {
		for _, tmp := range temps {
			_ = root.Remove(tmp)
			for dir := path.Dir(tmp); dir != "."; dir = path.Dir(dir) {
				if root.Remove(dir) != nil { // not empty: it was there before
					break
				}
			}
		}
	}
	for _, name := range names {
		tmp, err := writeTemp(root, name, w.files[name])
		if err != nil {
			undo()
			return fmt.Errorf("writing %s: %w", name, err)
		}
		temps = append(temps, tmp)
	}
	if err := s.updateIndex(ctx, docs, all); err != nil {
		undo()
		return err
	}
	for i, name := range names {
		if err := root.Rename(temps[i], name); err != nil {
			undo()
			return fmt.Errorf("writing %s: %w", name, err)
		}
		s.out[name] = w.sums[name]
	}
	for _, name := range removed {
		if err := root.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		delete(s.out, name)
		for dir := path.Dir(name); dir != "."; dir = path.Dir(dir) {
			if root.Remove(dir) != nil {
				break
			}
		}
	}
	if err := publicTree(filepath.Join(s.opts.Dest, filepath.FromSlash(layout.IndexDir))); err != nil {
		return err
	}
	return s.updateStatic(ctx)
}

// updateIndex updates the search index with the documents that changed
// since the last build; when all is set, docs are every document, and those
// not among them are removed.
func (s *Session) updateIndex(ctx context.Context, docs []search.Doc, all bool) error {
	hashes := docHashes(docs)
	var changed []search.Doc
	for _, d := range docs {
		if s.docs[d.URL] != hashes[d.URL] {
			changed = append(changed, d)
		}
	}
	var removed []string
	if all {
		for u := range s.docs {
			if _, ok := hashes[u]; !ok {
				removed = append(removed, u)
			}
		}
		slices.Sort(removed)
	}
	if err := s.Index().Update(ctx, changed, removed); err != nil {
		return err
	}
	if all {
		s.docs = hashes
	} else {
		maps.Copy(s.docs, hashes)
	}
	return nil
}

func docHashes(docs []search.Doc) map[string]uint64 {
	out := make(map[string]uint64, len(docs))
	for _, d := range docs {
		h := fnv.New64a()
		for _, f := range append([]string{d.URL, d.Title, d.Summary, d.Headings, d.Body, d.Kind, d.Lang, d.Owner}, d.Tags...) {
			_, _ = h.Write([]byte(f))
			_, _ = h.Write([]byte{0})
		}
		out[d.URL] = h.Sum64()
	}
	return out
}

// atomicWrite replaces one file through a temporary file and a rename, so
// readers see the old bytes or the new, never a mix.
func atomicWrite(root *os.Root, name string, data []byte) error {
	tmp, err := writeTemp(root, name, data)
	if err != nil {
		return err
	}
	if err := root.Rename(tmp, name); err != nil {
		_ = root.Remove(tmp)
		return err
	}
	return nil
}

// writeTemp writes data to a temporary file beside name (creating its
// folders) and returns the temporary file's name; on error nothing of it
// is left.
func writeTemp(root *os.Root, name string, data []byte) (string, error) {
	if !isSafeOutPath(name) {
		return "", fmt.Errorf("refusing to write %q: not a path inside the output folder", name)
	}
	if dir := path.Dir(name); dir != "." {
		if err := root.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
	}
	tmp := path.Join(path.Dir(name), ".kb-tmp-"+path.Base(name))
	if err := root.WriteFile(tmp, data, 0o644); err != nil {
		_ = root.Remove(tmp)
		return "", err
	}
	return tmp, nil
}

// diffWriter keeps the files whose bytes differ from the last build.
type diffWriter struct {
	old   map[string]uint64
	mu    sync.Mutex
	files map[string][]byte
	sums  map[string]uint64
	all   map[string]uint64
}

// WriteFile implements FileWriter.
func (w *diffWriter) WriteFile(name string, data []byte) error {
	sum := hashBytes(data)
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.all != nil {
		w.all[name] = sum
	}
	if old, ok := w.old[name]; ok && old == sum {
		return nil
	}
	if w.files == nil {
		w.files, w.sums = map[string][]byte{}, map[string]uint64{}
	}
	w.files[name] = data
	w.sums[name] = sum
	return nil
}

func hashBytes(b []byte) uint64 {
	h := fnv.New64a()
	_, _ = h.Write(b)
	return h.Sum64()
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
	s.byPath[np.Path] = np
	s.byURL[np.URL] = np
	for _, sec := range s.Sections {
		swap(sec.Pages)
		if sec.Index == old {
			sec.Index = np
		}
	}
	for _, t := range s.Tags {
		swap(t.Pages)
	}
	for _, t := range s.Owners {
		swap(t.Pages)
	}
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
