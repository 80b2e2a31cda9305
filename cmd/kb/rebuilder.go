package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"kb/builder"
	"kb/server"
	"kb/watch"
)

// rebuilder runs the session's builds, reports each in one line and
// tells the server (when there is one). The watcher's own errors are
// printed and shown in the browsers' overlay too, until a build comes
// without them. Its methods are called from one goroutine at a time.
type rebuilder struct {
	sess      *builder.Session
	out, errs io.Writer
	srv       *server.Server
	// warnings is how many warnings to list after a build (all when < 0).
	warnings int

	id      int  // last build's ID
	goodOK  bool // the last build succeeded
	alerted bool // the browsers show the watcher's errors
	// urls maps each source file (relative to the site folder) to the URL
	// of its page in the latest build that had it: the one served while
	// the file has errors.
	urls map[string]string
}

// remember notes the URL of every page of a build's site.
func (r *rebuilder) remember(site *builder.Site) {
	if site == nil {
		return
	}
	if r.urls == nil {
		r.urls = map[string]string{}
	}
	prefix := contentPrefix(site)
	for _, p := range site.Pages {
		r.urls[path.Join(prefix, p.Path)] = p.URL
	}
}

// first runs the first, full build.
func (r *rebuilder) first(ctx context.Context) {
	res, err := r.sess.Build(ctx)
	r.id = 1
	r.goodOK = err == nil
	r.remember(res.Site)
	diags := relocate(res.Site, res.Diagnostics)
	printDiagnostics(r.errs, firstOf(diags, builder.SeverityError, -1))
	printDiagnostics(r.errs, firstOf(diags, builder.SeverityWarning, r.warnings))
	if err != nil && !errors.Is(err, builder.ErrBuildFailed) {
		fmt.Fprintf(r.errs, "kb: %v\n", err)
	}
	summary(r.out, res, err)
	if err != nil {
		r.publishErrors(failure(diags, err, 50))
		return
	}
	r.publishOK(nil)
}

// publishOK tells the browsers that build r.id is served, once its output
// is in place.
func (r *rebuilder) publishOK(changed []string) {
	if r.srv == nil {
		return
	}
	_ = r.srv.Reopen() // a full build replaces the folder
	r.srv.Publish(server.Event{ID: r.id, OK: true, CSSOnly: cssOnly(changed)})
}

// publishErrors shows errors in the browsers' overlay, over the last good
// build, with the URL of the page of each file that has one, so that a
// page lists its own errors first.
func (r *rebuilder) publishErrors(errs builder.Diagnostics) {
	if r.srv == nil {
		return
	}
	var pages map[string]string
	for _, d := range errs {
		if u, ok := r.urls[d.File]; ok {
			if pages == nil {
				pages = map[string]string{}
			}
			pages[d.File] = u
		}
	}
	r.srv.Publish(server.Event{ID: r.id, Errors: errs, Pages: pages})
}

// build is the watcher's Build: one incremental build, one line of output,
// one event to the browsers (two when the build succeeded but the watcher
// had trouble: the reload, then its errors).
func (r *rebuilder) build(ctx context.Context, b watch.Batch) {
	start := time.Now()
	var alert builder.Diagnostics
	for _, e := range b.Errors {
		fmt.Fprintf(r.errs, "kb: watching: %v\n", e)
		alert = append(alert, builder.Diagnostic{Severity: builder.SeverityError, Rule: "watch", Message: "watching: " + e.Error()})
	}
	res, err := r.sess.Build(ctx)
	if ctx.Err() != nil {
		return
	}
	built := err != nil || len(res.Changed) > 0 || res.History || !r.goodOK
	if !built && alert == nil && !r.alerted {
		return // touched, or changed and changed back: nothing to do
	}
	r.id++
	r.alerted = alert != nil
	r.remember(res.Site)
	diags := relocate(res.Site, res.Diagnostics)
	if built {
		r.report(res, diags, err, time.Since(start))
	}
	switch {
	case err != nil:
		r.publishErrors(append(alert, failure(diags, err, 50)...))
	case alert != nil:
		if built {
			r.publishOK(res.Changed)
			r.id++
		}
		r.publishErrors(alert)
	default:
		r.publishOK(res.Changed)
	}
}

// report prints a build's line, and a failed build's errors.
func (r *rebuilder) report(res *builder.Result, diags builder.Diagnostics, err error, took time.Duration) {
	stamp := time.Now().Format("15:04:05")
	took = took.Round(time.Millisecond)
	if err != nil {
		r.goodOK = false
		if !errors.Is(err, builder.ErrBuildFailed) {
			fmt.Fprintf(r.errs, "kb: %v\n", err) // no diagnostic says why: a full disk, a folder that cannot be read
		}
		printDiagnostics(r.errs, errorsOnly(diags, 20))
		fmt.Fprintf(r.out, "%s build failed after %s: %s (still serving the last good build)\n", stamp, took, whatFailed(diags, err))
		return
	}
	r.goodOK = true
	var warn string
	if n := diags.Warnings(); n > 0 {
		printDiagnostics(r.errs, firstOf(diags, builder.SeverityWarning, r.warnings))
		warn = ", " + count(n, "warning")
	}
	fmt.Fprintf(r.out, "%s rebuilt %s: %s re-rendered in %s%s\n", stamp, describeChanged(res.Changed, res.History), count(res.Rendered, "page"), took, warn)
}

// count formats a count of things: "1 page", "2 pages".
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// failure lists a failed build's first max errors, after the error that
// stopped it when that is not a content error (a full disk, a folder that
// cannot be read).
func failure(diags builder.Diagnostics, err error, max int) builder.Diagnostics {
	out := errorsOnly(diags, max)
	if !errors.Is(err, builder.ErrBuildFailed) || len(out) == 0 {
		out = append(builder.Diagnostics{{Severity: builder.SeverityError, Message: err.Error()}}, out...)
	}
	return out
}

// whatFailed says in a few words why a build failed: its count of errors,
// or the error that stopped it.
func whatFailed(diags builder.Diagnostics, err error) string {
	if errors.Is(err, builder.ErrBuildFailed) {
		return count(max(diags.Errors(), 1), "error")
	}
	if n := diags.Errors(); n > 0 {
		return fmt.Sprintf("%v (and %s)", err, count(n, "error"))
	}
	return err.Error()
}

// warningsShown is how many warnings a build lists in the terminal: all
// of them with --verbose, else the first 10.
func warningsShown(verbose bool) int {
	if verbose {
		return -1
	}
	return 10
}

// errorsOnly keeps the first max errors, and says how many were left out.
func errorsOnly(ds builder.Diagnostics, max int) builder.Diagnostics {
	return firstOf(ds, builder.SeverityError, max)
}

// firstOf keeps the first max diagnostics of severity sev (all of them when
// max < 0), and says how many were left out.
func firstOf(ds builder.Diagnostics, sev builder.Severity, max int) builder.Diagnostics {
	var out builder.Diagnostics
	n := 0
	for _, d := range ds {
		if d.Severity != sev {
			continue
		}
		if n++; max < 0 || n <= max {
			out = append(out, d)
		}
	}
	if max >= 0 && n > max {
		more := "--verbose lists them all"
		if sev == builder.SeverityError {
			more = "kb check lists them all"
		}
		out = append(out, builder.Diagnostic{Severity: sev, Message: fmt.Sprintf("and %s (%s)", count(n-max, "more "+string(sev)), more)})
	}
	return out
}

// describeChanged names the changed files, and a change of Git history,
// for the terminal line.
func describeChanged(changed []string, history bool) string {
	var files string
	switch n := len(changed); {
	case n == 0 && history:
		return "after a change of Git history"
	case n == 0:
		return "after a change"
	case n <= 3:
		files = strings.Join(changed, ", ")
	default:
		files = fmt.Sprintf("%s and %d more files", strings.Join(changed[:2], ", "), n-2)
	}
	if history {
		files += " and the Git history"
	}
	return files
}

// cssOnly reports whether only stylesheets changed.
func cssOnly(changed []string) bool {
	for _, c := range changed {
		if path.Ext(c) != ".css" {
			return false
		}
	}
	return len(changed) > 0
}
