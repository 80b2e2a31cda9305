package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"kb"
	"kb/builder"
	"kb/internal/layout"
)

// newFlagSet returns a flag set that reports errors instead of exiting.
func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: kb %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, mapping -h and bad flags to errUsage.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errors.Join(errUsage, errHelp)
		}
		return errUsage
	}
	return nil
}

// siteSource resolves --source: an explicit folder, the current folder when
// it holds a site, or else the example site built into kb.
func siteSource(dir string, stderr io.Writer) (builder.Options, error) {
	if dir != "" {
		fi, err := os.Stat(dir)
		if err != nil || !fi.IsDir() {
			return builder.Options{}, fmt.Errorf("%w: --source %s is not a folder", errUsage, dir)
		}
		return builder.Options{Source: dir}, nil
	}
	if siteHere() {
		return builder.Options{Source: "."}, nil
	}
	fmt.Fprintln(stderr, "kb: no site.yaml, content/ or Markdown files here: using the example knowledge base built into kb")
	return builder.Options{SourceFS: kb.ExampleSite()}, nil
}

// siteHere reports whether the current folder holds a site: site.yaml,
// content/, or Markdown files at its top (a repository read on GitHub,
// such as a handbook with a README.md, builds as it is).
func siteHere() bool {
	for _, probe := range []string{layout.ConfigFile, "content"} {
		if _, err := os.Stat(probe); err == nil {
			return true
		}
	}
	entries, _ := os.ReadDir(".")
	for _, e := range entries {
		if !e.IsDir() && builder.IsMarkdown(e.Name()) {
			return true
		}
	}
	return false
}

// errNoSite says that a command that needs a site found none here.
func errNoSite(command string) error {
	where, err := os.Getwd()
	if err != nil {
		where = "the current folder"
	}
	return fmt.Errorf("%w: no site.yaml, content/ or Markdown files in %s: run kb %s in your site's folder, or pass --source DIR", errUsage, where, command)
}

func runBuild(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("build", "build [--source DIR] [--dest DIR] [--force] [--base-url URL] [--drafts] [--watch [--poll DUR]]", stderr)
	source := fs.String("source", "", "site folder holding site.yaml and content/ (default: the current folder)")
	dest := fs.String("dest", "public", "output folder, replaced only when the build succeeds")
	baseURL := fs.String("base-url", "", "override site.yaml's base_url, e.g. https://intranet.example/kb/")
	drafts := fs.Bool("drafts", false, "include pages marked draft: true")
	force := fs.Bool("force", false, "replace a non-empty --dest folder that kb did not make (it is moved aside to DEST.orig, never deleted)")
	watchFlag := fs.Bool("watch", false, "after building, rebuild on every change until interrupted")
	poll := fs.Duration("poll", 0, "with --watch: poll for changes at this interval instead of using file system events")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "kb build: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	opts, err := siteSource(*source, stderr)
	if err != nil {
		return err
	}
	opts.Dest, opts.BaseURL, opts.Drafts, opts.Force = *dest, *baseURL, *drafts, *force
	if *watchFlag {
		if err := checkDest(ctx, opts); err != nil {
			return err
		}
		return watchBuild(ctx, opts, *poll, stdout, stderr)
	}
	stop := showProgress(&opts, stderr)
	res, err := builder.Build(ctx, opts) // recovers and checks --dest first (builder.CheckDest)
	stop()
	if errors.Is(err, builder.ErrUnsafeDest) {
		return err // refused before anything was read or written
	}
	if err != nil && ctx.Err() != nil {
		// Interrupted: what it found of pages it had not all read says
		// nothing of the content.
		return ctx.Err()
	}
	printDiagnostics(stderr, relocate(res.Site, res.Diagnostics))
	summary(stdout, res, err)
	if errors.Is(err, builder.ErrBuildFailed) {
		return errContent
	}
	return err
}

// checkDest recovers an interrupted swap of opts.Dest and refuses an
// output folder that would harm the sources or a folder kb did not make
// (builder.CheckDest), before anything is written. builder.Build does the
// same itself; the preview and build --watch call this first because they
// start a watcher or report their first build in the browser.
func checkDest(ctx context.Context, opts builder.Options) error {
	builder.Recover(opts.Dest)
	return builder.CheckDest(ctx, opts)
}

func printDiagnostics(w io.Writer, ds builder.Diagnostics) {
	for _, d := range ds {
		fmt.Fprintln(w, d)
	}
}

func summary(w io.Writer, res *builder.Result, err error) {
	status := "built"
	if err != nil {
		status = "failed"
	}
	fmt.Fprintf(w, "%s: %s written, %s, %s, %s in %s\n", status, count(res.Written, "page"), count(res.Sections, "section"),
		count(res.Diagnostics.Warnings(), "warning"), count(res.Diagnostics.Errors(), "error"), res.Duration.Round(time.Millisecond))
}
