// Package server serves a built kb site: the output folder (confined with
// os.Root), the search endpoint and, in preview mode, live reload over
// Server-Sent Events.
//
// The handler answers GET and HEAD only, never lists folders, never serves
// dotfiles or anything a symlink leads to outside the output folder, sends a
// Content-Security-Policy the default theme works under (inline styles only
// on pages that ask for them: those with diagrams), and in preview mode
// rejects requests whose Host header is not one it serves (DNS rebinding).
package server

import (
	"bytes"
	"errors"
	"html"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"kb/internal/diag"
	"kb/internal/layout"
	"kb/search"
)

// CSP is the Content-Security-Policy sent with every response unless
// Options.ImageSources or Options.FrameSources add hosts to it, or the page
// asks for inline styles (see InlineStylePolicy): scripts, styles, images
// and connections from the site itself only, no inline scripts or style
// attributes, no framing.
const CSP = cspHead + imgSrc + styleSrc + cspTail

// The parts of CSP, so that Policy can add sources to img-src and
// InlineStylePolicy to style-src.
const (
	cspHead  = "default-src 'self'; "
	imgSrc   = "img-src 'self' data:"
	styleSrc = "; style-src 'self'"
	cspTail  = "; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)

// Policy is CSP with the origins in images added to img-src and those in
// frames to frame-src (frames from the site itself stay allowed). The
// origins must be checked already (config.ExternalMedia is).
func Policy(images, frames []string) string {
	return policy(images, frames, styleSrc)
}

// InlineStylePolicy is Policy with inline styles allowed ('unsafe-inline'
// in style-src, for style elements and attributes), sent only with a page
// whose head holds layout.InlineStylesMeta: one with diagrams, which the
// diagram script draws as SVG with a style element and style attributes.
// Scripts stay limited to the site's own files.
func InlineStylePolicy(images, frames []string) string {
	return policy(images, frames, styleSrc+" 'unsafe-inline'")
}

func policy(images, frames []string, style string) string {
	p := cspHead + strings.Join(append([]string{imgSrc}, images...), " ") + style + cspTail
	if len(frames) > 0 {
		p += "; frame-src 'self' " + strings.Join(frames, " ")
	}
	return p
}

// asksInlineStyles reports whether an HTML page's start holds
// layout.InlineStylesMeta before its </head>.
func asksInlineStyles(start []byte) bool {
	start = start[:min(len(start), layout.HeadLimit)]
	if i := bytes.Index(start, []byte("</head>")); i >= 0 {
		start = start[:i]
	}
	return bytes.Contains(start, []byte(layout.InlineStylesMeta))
}

// Options configures a Server.
type Options struct {
	// Dir is the output folder to serve. It may be replaced as a whole (a
	// staged build renames a new folder into place) or updated file by file;
	// the server notices a replacement on the next request.
	Dir string
	// BasePath is the URL path the site lives under ("/" or "/kb/");
	// requests outside it get 404.
	BasePath string
	// Search answers {BasePath}_search. Nil means no search endpoint.
	Search http.Handler
	// OpenIndex makes the server open the search index inside Dir
	// (layout.IndexDir) read-only, and re-open it whenever Dir is replaced;
	// Index returns it. Used when serving a finished build.
	OpenIndex bool
	// Live enables preview mode: every HTML page gets the live-reload
	// script, {BasePath}_kb/events streams build results, nothing is cached.
	Live bool
	// AllowedHosts, when not empty, are the only Host header values (port
	// stripped, compared exactly) accepted; others get 403.
	AllowedHosts []string
	// ImageSources and FrameSources are origins outside the site whose
	// images and frames pages may show (see Policy).
	ImageSources, FrameSources []string
}

// Server is an http.Handler for one site. Create it with New.
type Server struct {
	opts      Options
	csp       string
	cspStyles string // for pages that ask for inline styles
	hosts     map[string]bool
	cur       atomic.Pointer[tree]
	swap      sync.Mutex // serialises re-opening
	live      *hub
}

// tree is one opened output folder and its search index.
type tree struct {
	root  *os.Root
	info  fs.FileInfo   // the folder when opened, to notice a replacement
	index *search.Index // nil unless Options.OpenIndex
}

// New returns a server for opts.Dir. The folder need not exist yet: until
// it does, pages answer 503 (with the live-reload script in preview mode, so
// a build error shows and the page reloads once the site is built).
func New(opts Options) (*Server, error) {
	if opts.BasePath == "" {
		opts.BasePath = "/"
	}
	if !strings.HasPrefix(opts.BasePath, "/") || !strings.HasSuffix(opts.BasePath, "/") {
		return nil, errors.New("server: BasePath must start and end with /")
	}
	s := &Server{opts: opts, csp: Policy(opts.ImageSources, opts.FrameSources),
		cspStyles: InlineStylePolicy(opts.ImageSources, opts.FrameSources)}
	if len(opts.AllowedHosts) > 0 {
		s.hosts = map[string]bool{}
		for _, h := range opts.AllowedHosts {
			s.hosts[normalHost(h)] = true
		}
	}
	if opts.Live {
		s.live = newHub()
	}
	if err := s.Reopen(); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	return s, nil
}

// Reopen opens Dir again if it was replaced since it was opened (or was not
// there), with its search index when Options.OpenIndex is set, and switches
// to it atomically: requests in flight finish with the old folder. Call it
// after a build, or on SIGHUP; requests also notice a replacement themselves.
func (s *Server) Reopen() error {
	s.swap.Lock()
	defer s.swap.Unlock()
	fi, err := os.Stat(s.opts.Dir)
	if err != nil {
		return err
	}
	old := s.cur.Load()
	if old != nil && os.SameFile(old.info, fi) {
		return nil
	}
	root, err := os.OpenRoot(s.opts.Dir)
	if err != nil {
		return err
	}
	info, err := root.Stat(".")
	if err != nil {
		root.Close()
		return err
	}
	t := &tree{root: root, info: info}
	if s.opts.OpenIndex {
		idx, err := search.Open(filepath.Join(s.opts.Dir, filepath.FromSlash(layout.IndexDir)))
		if err == nil {
			t.index = idx
		} // else: search answers 503 until a build with an index is swapped in
	}
	s.cur.Store(t)
	if old != nil {
		// Requests that loaded the old tree open their file within
		// microseconds; give them ample time before closing it.
		time.AfterFunc(30*time.Second, func() {
			old.root.Close()
			if old.index != nil {
				old.index.Close()
			}
		})
	}
	return nil
}

// Index returns the search index opened with Options.OpenIndex, or nil.
func (s *Server) Index() *search.Index {
	if t := s.tree(); t != nil && t.index != nil {
		return t.index
	}
	return nil
}

// tree returns the current output folder, re-opening it first when the
// folder on disk was replaced (a stat per request: cheap next to serving).
func (s *Server) tree() *tree {
	t := s.cur.Load()
	if fi, err := os.Stat(s.opts.Dir); err == nil && (t == nil || !os.SameFile(t.info, fi)) {
		_ = s.Reopen()
		t = s.cur.Load()
	}
	return t
}

// Close ends the live-reload streams, so that http.Server.Shutdown does not
// wait for them, and releases the output folder.
func (s *Server) Close() {
	if s.live != nil {
		s.live.close()
	}
	s.swap.Lock()
	defer s.swap.Unlock()
	if t := s.cur.Swap(nil); t != nil {
		t.root.Close()
		if t.index != nil {
			t.index.Close()
		}
	}
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", s.csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	if s.hosts != nil && !s.hosts[normalHost(r.Host)] {
		http.Error(w, "403 forbidden: unknown Host "+stripPort(r.Host)+" (see --allowed-host)", http.StatusForbidden)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		http.Error(w, "405 method not allowed", http.StatusMethodNotAllowed)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 0)
	p := r.URL.Path
	base := s.opts.BasePath
	if !strings.HasPrefix(p, base) {
		if p+"/" == base || (p == "/" && base != "/") {
			http.Redirect(w, r, base, http.StatusFound)
			return
		}
		s.notFound(w, r)
		return
	}
	rest := p[len(base):]
	switch {
	case rest == layout.SearchEndpoint && s.opts.Search != nil:
		s.opts.Search.ServeHTTP(w, r)
	case rest == layout.LiveScript && s.live != nil:
		serveScript(w, r)
	case rest == layout.Events && s.live != nil:
		s.live.serveEvents(w, r)
	default:
		s.serveFile(w, r, rest)
	}
}

// serveFile serves one file of the output folder, or the index.html of a
// folder. Anything unsafe or missing is a 404.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, name string) {
	if !safeName(name) {
		s.notFound(w, r)
		return
	}
	t := s.tree()
	if t == nil {
		s.notBuilt(w, r)
		return
	}
	dir := name == "" || strings.HasSuffix(name, "/")
	if dir {
		name += "index.html"
	}
	f, err := t.root.Open(name)
	// The folder may have been replaced, and the old one removed, since
	// this request picked it: try the current one. Between the two renames
	// of a swap the folder is missing for an instant: wait for the new one.
	for try := 0; err != nil && try < 100; try++ {
		fi, serr := os.Stat(s.opts.Dir)
		if serr != nil {
			time.Sleep(time.Millisecond)
			continue
		}
		if os.SameFile(t.info, fi) {
			break // the file is really not there
		}
		t2 := s.tree()
		if t2 == nil || t2 == t {
			break
		}
		t = t2
		f, err = t.root.Open(name)
	}
	if err != nil {
		// Missing, a symlink leading out of the folder, unreadable: all the
		// same to a client.
		s.notFound(w, r)
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		if err == nil && fi.IsDir() && !dir {
			redirectDir(w, r)
			return
		}
		s.notFound(w, r)
		return
	}
	h := w.Header()
	if s.live != nil {
		h.Set("Cache-Control", "no-cache")
	} else if fingerprinted.MatchString(name) {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	}
	if s.live != nil && strings.HasSuffix(name, ".html") {
		data, err := io.ReadAll(io.LimitReader(f, 64<<20))
		if err != nil {
			s.notFound(w, r)
			return
		}
		if asksInlineStyles(data) {
			h.Set("Content-Security-Policy", s.cspStyles)
		}
		// No Last-Modified: the injected build id changes without the file.
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(s.live.inject(data, s.opts.BasePath)))
		return
	}
	if strings.HasSuffix(name, ".html") {
		start := make([]byte, layout.HeadLimit)
		n, err := io.ReadFull(f, start)
		if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
			s.notFound(w, r)
			return
		}
		if asksInlineStyles(start[:n]) {
			h.Set("Content-Security-Policy", s.cspStyles)
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			s.notFound(w, r)
			return
		}
	}
	http.ServeContent(w, r, name, fi.ModTime(), f)
}

// fingerprinted matches the theme's CSS and JavaScript files, whose names
// hold a hash of their bytes (assets/style.3f2a9c1e.css, or under
// _kb-site/ when the site's own pages are in assets/): they may be cached
// for good. A site's own files in assets/ may change under the same name.
var fingerprinted = regexp.MustCompile(`^(_kb-site/)?assets/[^/]+\.[0-9a-f]{8}\.(css|js)$`)

// safeName reports whether a request path (relative to the base path) may
// name a file: no dot segments (.., ., .git, .well-known), no empty inner
// segments, no backslashes or NULs, and not kb's own _kb folder (the
// search index's files).
func safeName(name string) bool {
	if strings.ContainsAny(name, "\\\x00") || name == layout.Reserved || strings.HasPrefix(name, layout.Reserved+"/") {
		return false
	}
	segs := strings.Split(strings.TrimSuffix(name, "/"), "/")
	for i, seg := range segs {
		if strings.HasPrefix(seg, ".") || (seg == "" && !(i == 0 && name == "")) {
			return false
		}
	}
	return true
}

// redirectDir sends a folder's URL without its trailing slash to the URL
// with it, relatively, as http.FileServer does.
func redirectDir(w http.ResponseWriter, r *http.Request) {
	target := path.Base(r.URL.Path) + "/"
	if r.URL.RawQuery != "" {
		target += "?" + r.URL.RawQuery
	}
	w.Header().Set("Location", target)
	w.WriteHeader(http.StatusMovedPermanently)
}

// notFound answers 404 with the site's 404.html when it has one, or, for
// a path in another language's part of the site (/nl/…), with that
// language's nl/404.html.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	var body []byte
	if t := s.cur.Load(); t != nil {
		for _, name := range []string{langPrefix(r.URL.Path, s.opts.BasePath) + "404.html", "404.html"} {
			if body = readPage(t.root, name); body != nil {
				break
			}
		}
	}
	if body == nil {
		http.Error(w, "404 page not found", http.StatusNotFound)
		return
	}
	if s.live != nil {
		body = s.live.inject(body, s.opts.BasePath)
	}
	s.writeHTML(w, r, http.StatusNotFound, body)
}

// langPrefix is "nl/" for a request path under the base path's /nl/ (a
// language code: two or three lower-case letters), else "".
func langPrefix(p, base string) string {
	seg, _, found := strings.Cut(strings.TrimPrefix(p, base), "/")
	if !found || !strings.HasPrefix(p, base) || len(seg) < 2 || len(seg) > 3 {
		return ""
	}
	for _, r := range seg {
		if r < 'a' || r > 'z' {
			return ""
		}
	}
	return seg + "/"
}

// readPage reads a regular file of at most 1 MiB from the output folder,
// nil when there is none.
func readPage(root *os.Root, name string) []byte {
	f, err := root.Open(name)
	if err != nil {
		return nil
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return nil
	}
	body, err := io.ReadAll(io.LimitReader(f, 1<<20))
	if err != nil {
		return nil
	}
	return body
}

// notBuilt answers 503 while there is no output folder yet. In preview
// mode, when the first build failed, the page lists its errors, and the
// live-reload script shows them in the overlay that later failures show
// and reloads the page once a build succeeds.
func (s *Server) notBuilt(w http.ResponseWriter, r *http.Request) {
	var b bytes.Buffer
	b.WriteString("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Not built yet</title></head>\n" +
		"<body><h1>The site is not built yet</h1>\n")
	var failed diag.Diagnostics
	if s.live != nil {
		if ev := s.live.current(); !ev.OK {
			failed = ev.Errors
		}
	}
	if len(failed) > 0 {
		b.WriteString("<p>The build failed. Fix these problems and save: the page reloads when the site is built.</p>\n<ul>\n")
		for _, d := range failed {
			b.WriteString("<li><code>" + html.EscapeString(d.String()) + "</code></li>\n")
		}
		b.WriteString("</ul>\n")
	} else {
		b.WriteString("<p>See the terminal for the build's errors.</p>\n")
	}
	b.WriteString("</body></html>\n")
	body := b.Bytes()
	if s.live != nil {
		body = s.live.inject(body, s.opts.BasePath)
	}
	s.writeHTML(w, r, http.StatusServiceUnavailable, body)
}

func (s *Server) writeHTML(w http.ResponseWriter, r *http.Request, code int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(code)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// normalHost lower-cases a Host header value and strips its port and the
// brackets of an IPv6 address.
func normalHost(h string) string {
	return strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(stripPort(h), "["), "]"))
}

func stripPort(h string) string {
	if host, _, err := net.SplitHostPort(h); err == nil {
		return host
	}
	return h
}

// DevHosts returns the Host values a preview server on addr accepts:
// localhost, 127.0.0.1, ::1 and addr's own host.
func DevHosts(addr string) []string {
	hosts := []string{"localhost", "127.0.0.1", "::1"}
	if h := stripPort(addr); h != "" {
		hosts = append(hosts, h)
	}
	return hosts
}

// IsLoopback reports whether addr (host:port) only listens on the loopback
// interface.
func IsLoopback(addr string) bool {
	h := normalHost(addr)
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// MaxHeaderBytes is the most a request line and its headers may take,
// every byte counted; a larger request gets 431.
const MaxHeaderBytes = 16 << 10

// headerSlop is how far net/http reads past http.Server.MaxHeaderBytes
// before it answers 431 (room for its read buffer).
const headerSlop = 4096

// NewHTTPServer returns an http.Server for h with timeouts and a header
// size limit of MaxHeaderBytes; the live-reload stream lifts its own
// deadlines.
func NewHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       90 * time.Second,
		MaxHeaderBytes:    MaxHeaderBytes - headerSlop,
	}
}
