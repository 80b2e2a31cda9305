package builder

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"

	"kb/internal/jekyll"
	"kb/internal/layout"
	"kb/internal/workers"
)

// isOutputFS reports whether the folder dir of fsys is an output folder
// kb made: it holds the marker as a regular file (a symbolic link named
// like it does not count).
func isOutputFS(fsys fs.FS, dir string) bool {
	for _, name := range []string{layout.OutputMarker, legacyMarker} {
		if fi, err := fs.Lstat(fsys, path.Join(dir, name)); err == nil && fi.Mode().IsRegular() {
			return true
		}
	}
	return false
}

// IsMarkdown reports whether a file name is a Markdown file's (.md or
// .markdown, in any case).
func IsMarkdown(name string) bool {
	ext := strings.ToLower(path.Ext(name))
	return ext == ".md" || ext == ".markdown"
}

// isIndexName reports whether a file is its folder's index page.
func isIndexName(name string) bool {
	base := strings.ToLower(strings.TrimSuffix(name, path.Ext(name)))
	return IsMarkdown(name) && (base == "readme" || base == "index" || base == "_index")
}

// SourceFile is one file found under the content folder.
type SourceFile struct {
	Path string // slash path relative to the content folder
	Size int64
}

// Scan lists the site's Markdown and static files, sorted by path, skipping
// ignored names. Symlinked folders are not followed; a symlinked file whose
// target lies outside the content folder (or does not resolve) is reported
// and left out. A folder or static file that cannot be read (permission
// denied) is left out with a warning.
func Scan(fsys fs.FS) (md, static []SourceFile, problems Diagnostics, err error) {
	return scanSite(fsys, jekyll.Read(fsys))
}

// scanSite is Scan of a site whose _config.yml says jk.
func scanSite(fsys fs.FS, jk *jekyll.Site) (md, static []SourceFile, problems Diagnostics, err error) {
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == "." {
				return err
			}
			problems = append(problems, Diagnostic{File: p, Severity: SeverityWarning, Rule: RuleSource,
				Message: fmt.Sprintf("skipped: %v", unwrapPathError(err))})
			return nil
		}
		if p == "." {
			return nil
		}
		if layout.Ignored(d.Name()) && !(d.IsDir() && jk.Publishes(p)) || jk.Excluded(p) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if isOutputFS(fsys, p) {
				return fs.SkipDir // a build's output is never content
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			fi, err := fs.Stat(fsys, p)
			if err != nil {
				// A Markdown page that silently vanished would be a surprise:
				// that is an error; any other link is skipped with a warning.
				sev := SeverityWarning
				if IsMarkdown(p) {
					sev = SeverityError
				}
				problems = append(problems, Diagnostic{File: p, Severity: sev, Rule: RuleSource,
					Message: "symbolic link points outside the content folder or nowhere: " + unwrapPathError(err).Error()})
				return nil
			}
			if fi.IsDir() {
				problems = append(problems, Diagnostic{File: p, Severity: SeverityWarning, Rule: RuleSource,
					Message: "symbolic link to a folder is not followed"})
				return nil
			}
		}
		if !regularFile(fsys, p, d.Type()) {
			// A named pipe or device would block or never end the read.
			problems = append(problems, Diagnostic{File: p, Severity: SeverityWarning, Rule: RuleSource,
				Message: "skipped: not a regular file"})
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		f := SourceFile{Path: p, Size: info.Size()}
		if IsMarkdown(p) {
			md = append(md, f)
			return nil
		}
		// A static file is copied late in the build: find out now whether
		// it can be read, so one unreadable file is a warning, not a
		// failed build.
		fh, err := fsys.Open(p)
		if err != nil {
			problems = append(problems, Diagnostic{File: p, Severity: SeverityWarning, Rule: RuleSource,
				Message: fmt.Sprintf("skipped: cannot read: %v", unwrapPathError(err))})
			return nil
		}
		template := isTemplate(p, fh)
		_ = fh.Close()
		if template {
			problems = append(problems, Diagnostic{File: p, Line: 1, Severity: SeverityWarning, Rule: RuleSource,
				Message: "skipped: an HTML file with front matter is a Jekyll page, whose layout and Liquid kb does not render"})
			return nil
		}
		static = append(static, f)
		return nil
	})
	return md, static, problems, err
}

// Slug turns a file or folder name into a URL segment: lower case, spaces
// and underscores as hyphens, letters and digits of any script kept,
// everything else dropped.
func Slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Mn, r):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		case r == '.' && b.Len() > 0 && !dash:
			b.WriteByte('.')
		default:
			dash = true
		}
	}
	return strings.Trim(b.String(), ".-")
}

// pageURL derives a page's URL, section and language from its source path.
// The URL is the one in the default language's part of the site; the front
// matter's decoder moves a page in another language under that language's
// folder (/nl/…).
func pageURL(p string, cfg *Config) (url, section, lang string, isIndex bool, err error) {
	dir, file := path.Split(p)
	dir = strings.TrimSuffix(dir, "/")
	segs := []string{}
	if dir != "" {
		for _, s := range strings.Split(dir, "/") {
			sl := Slug(s)
			if sl == "" {
				return "", "", "", false, fmt.Errorf("folder name %q gives an empty URL segment", s)
			}
			segs = append(segs, sl)
		}
	}
	base := strings.TrimSuffix(file, path.Ext(file))
	if i := strings.LastIndexByte(base, '.'); i > 0 && cfg.HasLanguage(strings.ToLower(base[i+1:])) {
		lang = strings.ToLower(base[i+1:])
		base = base[:i]
	}
	section = dir
	if isIndexName(base + ".md") {
		isIndex = true
	} else {
		sl := Slug(base)
		if sl == "" {
			return "", "", "", false, fmt.Errorf("file name %q gives an empty URL segment", file)
		}
		segs = append(segs, sl)
	}
	if len(segs) == 0 {
		return "/", section, lang, isIndex, nil
	}
	return "/" + strings.Join(segs, "/") + "/", section, lang, isIndex, nil
}

// ErrSource marks problems reading a source file.
var ErrSource = errors.New("unreadable source")

// loadPages reads and parses every Markdown file concurrently. The returned
// pages are in the order of files; a nil entry is a page that failed.
func loadPages(ctx context.Context, fsys fs.FS, files []SourceFile, cfg *Config, read readOptions, md goldmark.Markdown, drafts bool, progress *Progress) ([]*Page, Diagnostics) {
	pages := make([]*Page, len(files))
	diags := make([]Diagnostics, len(files))
	_ = workers.Run(ctx, len(files), 0, func(_, i int) error {
		defer progress.add()
		if p, ds := read.reuse.page(files[i].Path); p != nil {
			pages[i], diags[i] = p, ds
		} else {
			pages[i], diags[i] = loadPage(fsys, files[i], cfg, read, md)
		}
		if pages[i] != nil && pages[i].Draft && !drafts {
			pages[i] = nil
		}
		return nil // a cancelled load is reported by the caller
	})
	var all Diagnostics
	for _, d := range diags {
		all = append(all, d...)
	}
	return pages, all
}

// isTemplate reports whether the static file p, open as r, is an HTML
// page that starts with front matter: a Jekyll page, which a static host
// would serve as its raw template.
func isTemplate(p string, r io.Reader) bool {
	if ext := strings.ToLower(path.Ext(p)); ext != ".html" && ext != ".htm" {
		return false
	}
	head := make([]byte, 8)
	n, _ := io.ReadFull(r, head)
	head = bytes.TrimPrefix(head[:n], []byte("\uFEFF"))
	return bytes.HasPrefix(head, []byte("---\n")) || bytes.HasPrefix(head, []byte("---\r\n"))
}

// asBrowsersRead returns src with every byte that is not part of valid
// UTF-8 replaced by U+FFFD, one for each, as a browser decodes it.
func asBrowsersRead(src []byte) []byte {
	return []byte(string([]rune(string(src))))
}

func sourceError(p string, line int, format string, args ...any) Diagnostics {
	return Diagnostics{{File: p, Line: line, Severity: SeverityError, Rule: RuleSource, Message: fmt.Sprintf(format, args...)}}
}

// loadPage reads, checks and parses one Markdown file.
func loadPage(fsys fs.FS, f SourceFile, cfg *Config, read readOptions, md goldmark.Markdown) (*Page, Diagnostics) {
	if f.Size > cfg.Markdown.MaxFileSize {
		return nil, sourceError(f.Path, 0, "file is %d bytes, larger than the limit of %d (markdown.max_file_size)", f.Size, cfg.Markdown.MaxFileSize)
	}
	src, err := fs.ReadFile(fsys, f.Path)
	if errors.Is(err, fs.ErrPermission) {
		// Someone else's file the build may not read: leave it out and
		// say so, rather than fail the whole site.
		return nil, Diagnostics{{File: f.Path, Severity: SeverityWarning, Rule: RuleSource,
			Message: "skipped: cannot read: permission denied"}}
	}
	if err != nil {
		return nil, sourceError(f.Path, 0, "cannot read: %v", unwrapPathError(err))
	}
	if int64(len(src)) > cfg.Markdown.MaxFileSize {
		return nil, sourceError(f.Path, 0, "file is larger than the limit of %d bytes (markdown.max_file_size)", cfg.Markdown.MaxFileSize)
	}
	if i := bytes.IndexByte(src, 0); i >= 0 {
		line, _ := offsetPos(src, i)
		return nil, sourceError(f.Path, line, "binary file: contains a NUL byte")
	}
	var lenient Diagnostics // problems a lenient read publishes the page with
	if !utf8.Valid(src) {
		i := 0
		for i < len(src) {
			r, n := utf8.DecodeRune(src[i:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			i += n
		}
		line, _ := offsetPos(src, i)
		if !read.lenient {
			return nil, sourceError(f.Path, line, "not valid UTF-8 text")
		}
		lenient = append(lenient, Diagnostic{File: f.Path, Line: line, Severity: SeverityWarning, Rule: RuleSource,
			Message: "not valid UTF-8 text: what is not is shown as the replacement character \uFFFD (save the file as UTF-8)"})
		src = asBrowsersRead(src)
	}
	src = bytes.TrimPrefix(src, []byte("\uFEFF"))
	if line, depth := deepestNesting(src); depth > MaxNesting {
		return nil, sourceError(f.Path, line, "lists or quotes nested %d levels deep (at most %d)", depth, MaxNesting)
	}
	p := &Page{Path: f.Path}
	var uerr error
	p.URL, p.Section, p.Lang, p.IsIndex, uerr = pageURL(read.jekyll.PagePath(f.Path), cfg)
	if uerr != nil {
		return nil, sourceError(f.Path, 0, "%v", uerr)
	}
	if !p.IsIndex && strings.HasPrefix(path.Base(f.Path), "_") {
		// _index.fr.md where fr is none of the site's languages: like
		// every other name starting with '_', not a page.
		return nil, Diagnostics{{File: f.Path, Severity: SeverityWarning, Rule: RuleSource,
			Message: fmt.Sprintf("skipped: %q is not one of the site's languages (languages in %s)", strings.ToLower(strings.Split(path.Base(f.Path), ".")[1]), layout.ConfigFile)}}
	}
	p.fmLines, p.bodyLine = frontMatterLines(src)
	src, liquidDiags := liquidPage(src, p, cfg)
	p.src = src

	info := &docInfo{lang: p.Lang}
	pc := parser.NewContext()
	pc.Set(docInfoKey, info)
	// The language decides callout labels; it may be set in front matter,
	// which is parsed in the same pass, so read it first from the raw lines.
	if l := rawFrontMatterValue(src, p.fmLines["lang"]); l != "" && cfg.HasLanguage(l) {
		info.lang = l
	} else if info.lang == "" {
		info.lang = cfg.DefaultLanguage
	}
	doc, ok := parseWithDeadline(md, src, pc, read.parseTimeout)
	if !ok {
		return nil, sourceError(f.Path, 0, "Markdown took longer than %s to parse: simplify the file (very deep nesting or long runs of brackets)", read.parseTimeout)
	}
	m, err := frontMatterOf(pc)
	if err != nil {
		line, msg := splitYAMLLine(strings.TrimPrefix(err.Error(), "yaml: "))
		if line > 0 {
			line++ // the YAML starts on the line after "---"
		} else {
			line = 1
		}
		if !read.lenient {
			return unpublishable(p, info, cfg), Diagnostics{{File: f.Path, Line: line, Col: 1, Severity: SeverityError, Rule: RuleFrontMatter, Message: "front matter is not valid YAML: " + msg}}
		}
		lenient = append(lenient, Diagnostic{File: f.Path, Line: line, Col: 1, Severity: SeverityWarning, Rule: RuleFrontMatter,
			Message: "front matter is not valid YAML: " + msg + ": the page is published without it, its text shown"})
		m, p.badFrontMatter = nil, true
	}
	dec := fmDecoder{p: p, cfg: cfg, lenient: read.lenient}
	dec.decode(m)
	dec.diags = append(lenient, dec.diags...)
	if dec.diags.Errors() > 0 {
		return unpublishable(p, info, cfg), dec.diags
	}
	if p.Lang == "" {
		p.Lang = cfg.DefaultLanguage
	}
	p.doc = doc
	p.Headings, p.anchors = info.headings, info.anchors
	p.Links = info.links
	for _, l := range p.Links {
		l.ref = parseRef(p.Path, l.Dest)
	}
	if read.transient || !read.checkOnly {
		buf := textBuffers.Get().(*bytes.Buffer)
		buf.Reset()
		writeDocText(buf, doc, src)
		if read.transient {
			// Read once, by the index: compressed until then, it is
			// half the memory (two fifths of a 1,000-page build's
			// pages).
			p.textS2 = compress(buf.Bytes())
		} else {
			p.Text = buf.String()
		}
		textBuffers.Put(buf)
	}
	p.HasH1 = info.hasH1
	// Nothing to show but perhaps the title heading.
	first := doc.FirstChild()
	p.empty = first == nil || first.NextSibling() == nil && info.hasH1 && first.Kind() == ast.KindHeading
	if !mayHavePlaceholders(src) {
		// Let the syntax tree go now, unless the placeholder rule needs
		// it: a build renders the body now (preRender) or parses the
		// source again to render it (parseAgain), a check renders nothing.
		if read.preRender && !p.badFrontMatter {
			p.pre = preRender(md, p, doc, src)
		}
		p.doc = nil
		if read.checkOnly {
			p.src = nil
		} else if read.transient || p.pre != nil {
			p.src, p.srcSum, p.reread = nil, hashBytes(src), true
		}
		for _, l := range p.Links {
			l.node, l.raw = nil, nil
		}
	}
	p.Diagrams = info.diagrams
	if p.Title == "" {
		p.Title = info.h1
	}
	if p.Title == "" {
		p.Title = titleFromPath(p, cfg)
	}
	if p.Summary == "" {
		p.Summary, p.autoSummary = truncate(info.firstPar, 200), true
	}
	p.lowerTitle = strings.ToLower(p.Title)
	diags := append(dec.diags, liquidDiags...)
	if read.keep && !mayHavePlaceholders(src) {
		p.pristine = &loaded{page: p.clone(), diags: slices.Clip(diags)}
	}
	return p, diags
}

// unpublishable marks p as a page whose front matter has errors: it is not
// published, but it still exists for links to it and its headings, so a
// mistake in it is one message, not one more per page that links to it.
func unpublishable(p *Page, info *docInfo, cfg *Config) *Page {
	p.unpublishable = true
	p.Headings, p.anchors = info.headings, info.anchors
	p.Title = cmp.Or(p.Title, info.h1, titleFromPath(p, cfg))
	p.Kind, p.Fields, p.Links, p.src = "", nil, nil, nil
	return p
}

// pageFacts digests what other pages show of p or depend on: its URL, title,
// summary, kind, language, owner, tags, dates, aliases, weight, heading IDs,
// outgoing links and links in front matter, and whether it has diagrams
// (the site writes the diagram script only when a page has one).
func pageFacts(p *Page) string {
	var b strings.Builder
	writeFacts(&b, p)
	return b.String()
}

// factsWriter is what writeFacts writes to: a strings.Builder, or a hash.
type factsWriter interface {
	io.StringWriter
	io.ByteWriter
}

// writeFacts writes what pageFacts digests, each value ended by a NUL.
func writeFacts(w factsWriter, p *Page) {
	str := func(ss ...string) {
		for _, s := range ss {
			_, _ = w.WriteString(s)
			_ = w.WriteByte(0)
		}
		_ = w.WriteByte('|')
	}
	str(p.URL, p.Title, p.Summary, p.Kind, p.Lang, p.Owner, p.TranslationKey,
		p.ReviewBy.Format(time.RFC3339), strconv.Itoa(p.Weight), fmt.Sprint(p.Draft, p.IsIndex, p.Diagrams))
	str(p.Tags...)
	str(p.Aliases...)
	for _, h := range p.Headings {
		str(h.ID)
	}
	_ = w.WriteByte('|')
	for _, l := range p.Links {
		str(l.Dest)
	}
	_ = w.WriteByte('|')
	for _, k := range slices.Sorted(maps.Keys(p.Fields)) {
		if refs, ok := p.Fields[k].([]PageRef); ok {
			str(k)
			for _, r := range refs {
				str(r.Path)
			}
		}
	}
}

// MaxNesting is the deepest nesting of lists and block quotes a line may
// open. Deeper nesting only ever comes from a broken or hostile file, and
// goldmark's time grows faster than linearly with it.
const MaxNesting = 100

// deepestNesting returns the line (1-based) that opens the most nested
// list items and block quotes, and how many it opens.
func deepestNesting(src []byte) (line, depth int) {
	n := 0
	for len(src) > 0 {
		n++
		l := src
		if i := bytes.IndexByte(src, '\n'); i >= 0 {
			l, src = src[:i], src[i+1:]
		} else {
			src = nil
		}
		d, indent := 0, 0
		for i := 0; i < len(l); {
			switch c := l[i]; {
			case c == ' ' && d == 0:
				indent++
				i++
			case c == '\t' && d == 0:
				indent += 4
				i++
			case c == ' ' || c == '\t':
				i++
			case c == '>':
				d++
				i++
			case (c == '-' || c == '*' || c == '+') && i+1 < len(l) && (l[i+1] == ' ' || l[i+1] == '\t'):
				d++
				i++
			default:
				i = len(l)
			}
		}
		d += indent / 2
		if d > depth {
			line, depth = n, d
		}
	}
	return line, depth
}

// DefaultParseTimeout bounds the time goldmark may take over one file: some
// inputs make it slower than linear, and a parse cannot be cancelled.
const DefaultParseTimeout = 10 * time.Second

// parseWithDeadline parses src, giving up after timeout. A parse that times
// out is abandoned: it finishes in the background and its result is dropped.
func parseWithDeadline(md goldmark.Markdown, src []byte, pc parser.Context, timeout time.Duration) (ast.Node, bool) {
	if timeout <= 0 {
		timeout = DefaultParseTimeout
	}
	done := make(chan ast.Node, 1)
	go func() { done <- md.Parser().Parse(text.NewReader(src), parser.WithContext(pc)) }()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case doc := <-done:
		return doc, true
	case <-timer.C:
		return nil, false
	}
}

// rawFrontMatterValue returns the scalar written after "key:" on a line.
func rawFrontMatterValue(src []byte, line int) string {
	if line == 0 {
		return ""
	}
	lines := bytes.SplitN(src, []byte("\n"), line+1)
	if len(lines) < line {
		return ""
	}
	l := string(lines[line-1])
	if i := strings.IndexByte(l, ':'); i >= 0 {
		return strings.Trim(strings.TrimSpace(l[i+1:]), `"'`)
	}
	return ""
}

func titleFromPath(p *Page, cfg *Config) string {
	name := path.Base(p.Path)
	if p.IsIndex {
		if p.Section == "" {
			return cfg.Title
		}
		name = path.Base(p.Section)
	}
	return humanize(strings.TrimSuffix(name, path.Ext(name)))
}

// humanize turns "weekly-sync" into "Weekly sync".
func humanize(s string) string {
	s = strings.TrimSpace(strings.NewReplacer("-", " ", "_", " ").Replace(s))
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// truncate shortens s to at most n characters at a word boundary.
func truncate(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	cut := string(rs[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:") + "…"
}

// regularFile reports whether the file at p, whose own mode is mode, is
// a regular file, through a symbolic link if it is one. Reading a named
// pipe or a device may block forever.
func regularFile(fsys fs.FS, p string, mode fs.FileMode) bool {
	if mode&fs.ModeSymlink != 0 {
		fi, err := fs.Stat(fsys, p)
		if err != nil {
			return false
		}
		mode = fi.Mode()
	}
	return mode.IsRegular()
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
