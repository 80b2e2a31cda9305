package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"kb/builder"
	"kb/internal/config"
	"kb/internal/layout"
	"kb/search"
	"kb/server"
	"kb/watch"
)

// listFlag is a repeatable, comma-separated flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

// newSearchHandler is the search endpoint over an index that may change,
// logging failed searches to log.
func newSearchHandler(index func() *search.Index, log io.Writer) http.Handler {
	return &search.Handler{Index: index, Log: log}
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := newFlagSet("serve", "serve [--source DIR] [--dest DIR] [--force] [--addr HOST:PORT] [--base-url URL] [--poll DUR] [--no-watch] [--no-build] [--drafts] [--allowed-host HOST] [--verbose]", stderr)
	source := fl.String("source", "", "site folder holding site.yaml and content/ (default: the current folder)")
	dest := fl.String("dest", "", "output folder (default: a temporary folder when previewing, public when serving a finished build)")
	addr := fl.String("addr", "127.0.0.1:1414", "address to listen on; a non-loopback address serves a finished build, without watching")
	poll := fl.Duration("poll", 0, "poll for changes at this interval instead of using file system events (network mounts, containers, WSL)")
	noWatch := fl.Bool("no-watch", false, "preview without watching: build once into a temporary folder and serve it, without live reload")
	noBuild := fl.Bool("no-build", false, "serve the finished build in --dest as it is (implies --no-watch)")
	verbose := fl.Bool("verbose", false, "list every warning after each build (default: the first 10)")
	drafts := fl.Bool("drafts", false, "include pages marked draft: true")
	force := fl.Bool("force", false, "replace a non-empty --dest folder that kb did not make (it is moved aside to DEST.orig, never deleted)")
	baseURL := fl.String("base-url", "", "base URL to build with (default: http://ADDR/ when previewing, site.yaml's base_url otherwise)")
	var allowed listFlag
	fl.Var(&allowed, "allowed-host", "a Host header value to accept, besides localhost and the --addr host (repeatable)")
	if err := parseFlags(fl, args); err != nil {
		return err
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "kb serve: unexpected argument %q\n", fl.Arg(0))
		return errUsage
	}
	if *poll < 0 {
		return fmt.Errorf("%w: --poll must be positive", errUsage)
	}
	preview := !*noBuild && server.IsLoopback(*addr)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	if preview {
		return previewServe(ctx, ln, serveFlags{*source, *dest, *baseURL, *drafts, *force, *verbose, *noWatch, *poll, allowed}, stdout, stderr)
	}
	return production(ctx, ln, serveFlags{*source, *dest, *baseURL, *drafts, *force, *verbose, *noWatch, *poll, allowed}, *noBuild, *addr, stdout, stderr)
}

type serveFlags struct {
	source, dest, baseURL  string
	drafts, force, verbose bool
	noWatch                bool
	poll                   time.Duration
	allowed                []string
}

// previewServe builds the site, serves it with live reload and rebuilds it on
// every change until ctx is done; with --no-watch it builds once and serves
// that build, without live reload.
func previewServe(ctx context.Context, ln net.Listener, f serveFlags, stdout, stderr io.Writer) error {
	opts, err := siteSource(f.source, stderr)
	if err != nil {
		return err
	}
	siteURL := listenURL(ln, f.baseURL)
	opts.BaseURL, opts.Drafts, opts.Force, opts.Preview = siteURL, f.drafts, f.force, true
	if opts.Dest = f.dest; opts.Dest == "" {
		tmp, err := os.MkdirTemp("", "kb-serve-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		opts.Dest = filepath.Join(tmp, "public")
	}
	if err := checkDest(ctx, opts); err != nil {
		return err
	}
	// The preview answers {base}_search itself: no static bundle to redo
	// on every edit.
	opts.NoStaticSearch = true
	sess := builder.NewSession(opts)
	defer sess.Close()
	rb := &rebuilder{sess: sess, out: stdout, errs: stderr, warnings: warningsShown(f.verbose)}

	// Watch before the first build, so a change made during it is seen.
	var w *watch.Watcher
	if opts.Source != "" && !f.noWatch {
		scope, err := watch.SiteScope(opts.Source, opts.Dest)
		if err != nil {
			return err
		}
		w, err = watch.New(watch.Options{Scope: scope, Build: rb.build, Poll: f.poll, Log: stderr})
		if err != nil {
			return err
		}
		defer w.Close()
	}
	hosts := append(server.DevHosts(ln.Addr().String()), server.DevHosts(hostOf(siteURL))...)
	media := externalMedia(opts)
	srv, err := server.New(server.Options{
		Dir:          opts.Dest,
		BasePath:     basePath(siteURL),
		Search:       newSearchHandler(sess.Index, stderr),
		Live:         !f.noWatch,
		AllowedHosts: append(hosts, f.allowed...),
		ImageSources: media.Images,
		FrameSources: media.Frames,
	})
	if err != nil {
		return err
	}
	rb.srv = srv
	rb.first(ctx)
	switch {
	case f.noWatch:
		fmt.Fprintln(stdout, "kb: built once, not watching for changes (--no-watch)")
	case w == nil:
		fmt.Fprintln(stdout, "kb: showing the example site built into kb, which has no files to watch (--source DIR previews your own)")
	case w.Mode() == watch.ModePoll:
		fmt.Fprintf(stdout, "kb: polling %s for changes (Ctrl-C to stop)\n", describeScope(opts.Source, opts.Dest))
	default:
		fmt.Fprintf(stdout, "kb: watching %s for changes (Ctrl-C to stop)\n", describeScope(opts.Source, opts.Dest))
	}
	fmt.Fprintf(stdout, "kb: serving %s\n", siteURL)
	return serveUntilDone(ctx, ln, srv, func(ctx context.Context) {
		if w != nil {
			_ = w.Run(ctx)
		}
	})
}

// production builds once (unless noBuild) and serves the finished build,
// re-opening it and its index on SIGHUP or when the folder is replaced.
func production(ctx context.Context, ln net.Listener, f serveFlags, noBuild bool, addr string, stdout, stderr io.Writer) error {
	if f.poll > 0 {
		fmt.Fprintln(stderr, "kb serve: --poll has no effect without watching")
	}
	var opts builder.Options
	if noBuild {
		// Only the base path is wanted from the site, if there is one here.
		opts.Source = f.source
		if opts.Source == "" {
			opts.Source = "."
		}
	} else {
		var err error
		if opts, err = siteSource(f.source, stderr); err != nil {
			return err
		}
	}
	opts.BaseURL, opts.Drafts, opts.Force = f.baseURL, f.drafts, f.force
	if opts.Dest = f.dest; opts.Dest == "" {
		opts.Dest = "public"
	}
	if noBuild {
		builder.Recover(opts.Dest)
	}
	base := "/"
	if f.baseURL != "" {
		base = basePath(f.baseURL)
	} else if cfg := siteConfig(opts); cfg != nil {
		base = cfg.BasePath()
	}
	if !noBuild {
		res, err := builder.Build(ctx, opts) // recovers and checks --dest first (builder.CheckDest)
		if errors.Is(err, builder.ErrUnsafeDest) {
			return err
		}
		printDiagnostics(stderr, relocate(res.Site, res.Diagnostics))
		summary(stdout, res, err)
		if err != nil {
			if errors.Is(err, builder.ErrBuildFailed) {
				return errContent
			}
			return err
		}
		if res.Site != nil {
			base = res.Site.Config.BasePath()
		}
	}
	var hosts []string
	if len(f.allowed) > 0 {
		hosts = append(server.DevHosts(addr), f.allowed...)
	} else if server.IsLoopback(addr) {
		hosts = server.DevHosts(addr)
	}
	var srv *server.Server
	searchH := newSearchHandler(func() *search.Index { return srv.Index() }, stderr)
	media := externalMedia(opts)
	srv, err := server.New(server.Options{Dir: opts.Dest, BasePath: base, OpenIndex: true, AllowedHosts: hosts, Search: searchH,
		ImageSources: media.Images, FrameSources: media.Frames})
	if err != nil {
		return err
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	fmt.Fprintf(stdout, "kb: serving %s at http://%s%s (kill -HUP %d re-opens it after a new build)\n", opts.Dest, ln.Addr(), base, os.Getpid())
	return serveUntilDone(ctx, ln, srv, func(ctx context.Context) {
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				if err := srv.Reopen(); err != nil {
					fmt.Fprintf(stderr, "kb: re-opening %s: %v\n", opts.Dest, err)
				} else {
					fmt.Fprintf(stdout, "kb: re-opened %s\n", opts.Dest)
				}
			}
		}
	})
}

// serveUntilDone serves srv on ln while run runs, then shuts down: open
// live-reload streams are ended, other requests get a few seconds.
func serveUntilDone(ctx context.Context, ln net.Listener, srv *server.Server, run func(context.Context)) error {
	hs := server.NewHTTPServer(srv)
	serveErr := make(chan error, 1)
	go func() { serveErr <- hs.Serve(ln) }()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		run(ctx)
	}()
	var err error
	select {
	case <-ctx.Done():
	case err = <-serveErr:
		cancel()
	}
	<-done
	srv.Close()
	sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer scancel()
	if hs.Shutdown(sctx) != nil {
		_ = hs.Close() // the grace period is over (or a client connected and never asked)
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// watchBuild is kb build --watch: build into opts.Dest, then rebuild on
// every change until ctx is done.
func watchBuild(ctx context.Context, opts builder.Options, poll time.Duration, stdout, stderr io.Writer) error {
	if opts.Source == "" {
		return fmt.Errorf("%w: --watch needs a site folder (--source DIR): the example site built into kb has no files to watch", errUsage)
	}
	sess := builder.NewSession(opts)
	defer sess.Close()
	rb := &rebuilder{sess: sess, out: stdout, errs: stderr, warnings: warningsShown(false)}
	scope, err := watch.SiteScope(opts.Source, opts.Dest)
	if err != nil {
		return err
	}
	w, err := watch.New(watch.Options{Scope: scope, Build: rb.build, Poll: poll, Log: stderr})
	if err != nil {
		return err
	}
	rb.first(ctx)
	fmt.Fprintf(stdout, "kb: watching %s for changes (Ctrl-C to stop)\n", describeScope(opts.Source, opts.Dest))
	return w.Run(ctx)
}

// describeScope names what is watched, for the start-up line.
func describeScope(source, dest string) string {
	scope, err := watch.SiteScope(source, dest)
	if err != nil {
		return source
	}
	sc := scope()
	var parts []string
	for _, t := range sc.Trees {
		if t == "." {
			parts = append(parts, filepath.Clean(source)+string(filepath.Separator))
		} else {
			parts = append(parts, t+"/")
		}
	}
	if _, err := os.Stat(filepath.Join(source, layout.ConfigFile)); err == nil {
		parts = append(parts, layout.ConfigFile)
	}
	return strings.Join(parts, ", ")
}

// listenURL is the site's base URL when previewing: --base-url, or the
// listener's address.
func listenURL(ln net.Listener, baseURL string) string {
	if baseURL != "" {
		return baseURL
	}
	return "http://" + ln.Addr().String() + "/"
}

func hostOf(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	return u.Host
}

// basePath is the path of a base URL, ending in a slash.
func basePath(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.Path == "" {
		return "/"
	}
	if !strings.HasSuffix(u.Path, "/") {
		return u.Path + "/"
	}
	return u.Path
}

// siteConfig reads the site's configuration, or nil when it has none or
// it has errors (the build reports them).
// externalMedia is site.yaml's external_media (none without a valid
// site.yaml), read when the server starts.
func externalMedia(opts builder.Options) config.ExternalMedia {
	if cfg := siteConfig(opts); cfg != nil {
		return cfg.ExternalMedia
	}
	return config.ExternalMedia{}
}

func siteConfig(opts builder.Options) *config.Config {
	var src []byte
	var err error
	if opts.SourceFS != nil {
		src, err = fs.ReadFile(opts.SourceFS, layout.ConfigFile)
	} else {
		src, err = os.ReadFile(filepath.Join(opts.Source, layout.ConfigFile))
	}
	if err != nil {
		return nil
	}
	cfg, _ := builder.ParseConfig(layout.ConfigFile, src)
	return cfg
}
