package main

import (
	"context"
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
// tells the server (when there is one). Its methods are called from one
// goroutine at a time.
type rebuilder struct {
	sess      *builder.Session
	out, errs io.Writer
	srv       *server.Server

	id     int  // last build's ID
	goodOK bool // the last build succeeded
}

// first runs the first, full build.
func (r *rebuilder) first(ctx context.Context) {
	res, err := r.sess.Build(ctx)
	r.id = 1
	r.goodOK = err == nil
	diags := relocate(res.Site, res.Diagnostics)
	printDiagnostics(r.errs, diags)
	summary(r.out, res, err)
	r.publish(err, diags, nil)
}

// publish tells the browsers about build r.id, once its output is in place.
func (r *rebuilder) publish(err error, diags builder.Diagnostics, changed []string) {
	if r.srv == nil {
		return
	}
	if err != nil {
		r.srv.Publish(server.Event{ID: r.id, Errors: failure(diags, err)})
		return
	}
	_ = r.srv.Reopen() // a full build replaces the folder
	r.srv.Publish(server.Event{ID: r.id, OK: true, CSSOnly: cssOnly(changed)})
}

// build is the watcher's Build: one incremental build, one line of output,
// one event to the browsers.
func (r *rebuilder) build(ctx context.Context, b watch.Batch) {
	start := time.Now()
	res, err := r.sess.Build(ctx)
	if ctx.Err() != nil {
		return
	}
	if err == nil && len(res.Changed) == 0 && r.goodOK {
		return // touched, or changed and changed back: nothing to do
	}
	r.id++
	stamp := time.Now().Format("15:04:05")
	took := time.Since(start).Round(time.Millisecond)
	diags := relocate(res.Site, res.Diagnostics)
	if err != nil {
		r.goodOK = false
		printDiagnostics(r.errs, errorsOnly(diags, 20))
		fmt.Fprintf(r.out, "%s build failed after %s: %s (still serving the last good build)\n", stamp, took, count(diags.Errors(), "error"))
		r.publish(err, diags, nil)
		return
	}
	r.goodOK = true
	var warn string
	if n := diags.Warnings(); n > 0 {
		warn = fmt.Sprintf(", %s (kb check lists them)", count(n, "warning"))
	}
	fmt.Fprintf(r.out, "%s rebuilt %s: %s re-rendered in %s%s\n", stamp, describeChanged(res.Changed), count(res.Rendered, "page"), took, warn)
	r.publish(nil, diags, res.Changed)
}

// count formats a count of things: "1 page", "2 pages".
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// failure is what the browsers' overlay lists for a failed build.
func failure(diags builder.Diagnostics, err error) builder.Diagnostics {
	out := errorsOnly(diags, 50)
	if len(out) == 0 {
		out = builder.Diagnostics{{Severity: builder.SeverityError, Message: err.Error()}}
	}
	return out
}

// errorsOnly keeps the first max errors, and says how many were left out.
func errorsOnly(ds builder.Diagnostics, max int) builder.Diagnostics {
	var out builder.Diagnostics
	n := 0
	for _, d := range ds {
		if d.Severity != builder.SeverityError {
			continue
		}
		if n++; n <= max {
			out = append(out, d)
		}
	}
	if n > max {
		out = append(out, builder.Diagnostic{Severity: builder.SeverityError, Message: fmt.Sprintf("and %d more errors (kb check lists them all)", n-max)})
	}
	return out
}

// describeChanged names the changed files for the terminal line.
func describeChanged(changed []string) string {
	switch n := len(changed); {
	case n == 0:
		return "after a change"
	case n <= 3:
		return strings.Join(changed, ", ")
	default:
		return fmt.Sprintf("%s and %d more files", strings.Join(changed[:2], ", "), n-2)
	}
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
