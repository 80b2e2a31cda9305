package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"path"
	"runtime/debug"
	"strings"

	"kb/builder"
	"kb/internal/layout"
)

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	// A check keeps little alive (no syntax trees, nothing rendered), so
	// collecting garbage less often costs little memory and saves a
	// quarter of the CPU time on large sites.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	fl := newFlagSet("check", "check [--source DIR] [--format human|github|json] [--strict] [--changed-since REF] [--drafts]", stderr)
	source := fl.String("source", "", "site folder holding site.yaml and content/ (default: the current folder)")
	format := fl.String("format", "human", "output format: human, github (workflow annotations) or json")
	strict := fl.Bool("strict", false, "treat warnings as errors")
	since := fl.String("changed-since", "", "report file-level problems only for files changed since this Git ref (e.g. origin/main)")
	drafts := fl.Bool("drafts", false, "include pages marked draft: true")
	if err := parseFlags(fl, args); err != nil {
		return err
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "kb check: unexpected argument %q\n", fl.Arg(0))
		return errUsage
	}
	printer, ok := printers[*format]
	if !ok {
		fmt.Fprintf(stderr, "kb check: --format must be human, github or json, not %q\n", *format)
		return errUsage
	}
	if *source == "" && !siteHere() {
		return errNoSite("check")
	}
	opts, err := siteSource(*source, stderr)
	if err != nil {
		return err
	}
	opts.Drafts, opts.Check = *drafts, true
	var changed map[string]bool
	if *since != "" {
		if opts.Source == "" {
			return fmt.Errorf("%w: --changed-since needs a site in a Git checkout (--source DIR)", errUsage)
		}
		if changed, err = builder.ChangedFiles(ctx, opts.Source, *since); err != nil {
			return fmt.Errorf("%w: --changed-since: %v", errUsage, err)
		}
	}

	site, _, diags, err := builder.Load(ctx, opts)
	if site != nil {
		defer site.Close()
	}
	if err != nil {
		return err
	}
	diags = relocate(site, diags)
	files := checkedFiles(site, diags)
	if changed != nil && !changed[layout.ConfigFile] {
		diags = builder.FilterChanged(diags, func(f string) bool { return changed[f] })
	}
	if *strict {
		for i := range diags {
			if diags[i].Severity == builder.SeverityWarning {
				diags[i].Severity = builder.SeverityError
			}
		}
	}
	if *format == "github" && opts.Source != "" {
		// GitHub places annotations by the path from the repository's root.
		if prefix := repoPrefix(ctx, opts.Source); prefix != "" {
			for i := range diags {
				diags[i].File = path.Join(prefix, diags[i].File)
			}
		}
	}
	diags.Sort()
	if err := printer(stdout, diags); err != nil {
		return err
	}
	scope := ""
	if changed != nil {
		scope = fmt.Sprintf(" (file-level rules limited to %d changed since %s)", len(changed), *since)
	}
	fmt.Fprintf(stderr, "checked %s%s: %s, %s\n", count(files, "file"), scope, count(diags.Errors(), "error"), count(diags.Warnings(), "warning"))
	if diags.Errors() > 0 {
		return errContent
	}
	return nil
}

// repoPrefix is dir's path inside its Git repository ("" at the root or
// outside Git).
func repoPrefix(ctx context.Context, dir string) string {
	out, err := exec.CommandContext(ctx, "git", "-C", dir, "rev-parse", "--show-prefix").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(strings.TrimSpace(string(out)), "/")
}

// printers write diagnostics in each --format.
var printers = map[string]func(io.Writer, builder.Diagnostics) error{
	"human":  printHuman,
	"github": printGitHub,
	"json":   printJSON,
}

func printHuman(w io.Writer, ds builder.Diagnostics) error {
	for _, d := range ds {
		if _, err := fmt.Fprintln(w, d); err != nil {
			return err
		}
	}
	return nil
}

// printGitHub writes one GitHub Actions workflow command per diagnostic:
// "::error file=F,line=L,col=C,title=RULE::MESSAGE" (or ::warning), which
// GitHub shows as an annotation on the pull request's diff.
func printGitHub(w io.Writer, ds builder.Diagnostics) error {
	for _, d := range ds {
		cmd := "error"
		if d.Severity == builder.SeverityWarning {
			cmd = "warning"
		}
		props := []string{"file=" + escapeProperty(d.File)}
		if d.Line > 0 {
			props = append(props, fmt.Sprintf("line=%d", d.Line))
			if d.Col > 0 {
				props = append(props, fmt.Sprintf("col=%d", d.Col))
			}
		}
		if d.Rule != "" {
			props = append(props, "title="+escapeProperty(d.Rule))
		}
		if _, err := fmt.Fprintf(w, "::%s %s::%s\n", cmd, strings.Join(props, ","), escapeData(d.Message)); err != nil {
			return err
		}
	}
	return nil
}

// escapeData escapes a workflow command's message as the Actions runner
// expects: '%', CR and LF.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a workflow command's property value: as
// escapeData, plus ':' and ','.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// jsonReport is the --format json document. Its schema is version 1, as
// documented in docs/pull-requests.md: fields are only ever added.
type jsonReport struct {
	Version     int                  `json:"version"`
	Diagnostics []builder.Diagnostic `json:"diagnostics"`
	Errors      int                  `json:"errors"`
	Warnings    int                  `json:"warnings"`
}

func printJSON(w io.Writer, ds builder.Diagnostics) error {
	r := jsonReport{Version: 1, Diagnostics: ds, Errors: ds.Errors(), Warnings: ds.Warnings()}
	if r.Diagnostics == nil {
		r.Diagnostics = builder.Diagnostics{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// contentPrefix is the content folder's path relative to the site folder,
// "" when the site folder holds the Markdown itself.
func contentPrefix(site *builder.Site) string {
	if site == nil {
		return ""
	}
	return site.ContentDir()
}

// relocate makes the diagnostics' file names relative to the site folder
// (content/symptoms/x.md rather than symptoms/x.md), so editors, and GitHub's
// annotations in a repository whose root is the site folder, find the file.
// site.yaml and theme problems already are; a template error about an
// output file keeps that file's name.
func relocate(site *builder.Site, ds builder.Diagnostics) builder.Diagnostics {
	prefix := contentPrefix(site)
	if prefix == "" {
		return ds
	}
	out := make(builder.Diagnostics, len(ds))
	for i, d := range ds {
		if d.Rule != builder.RuleConfig && (d.Rule != builder.RuleTemplate || site.PageByPath(d.File) != nil) {
			d.File = path.Join(prefix, d.File)
		}
		out[i] = d
	}
	return out
}

// checkedFiles counts the Markdown files checked: the published pages plus
// those left out because of their errors.
func checkedFiles(site *builder.Site, ds builder.Diagnostics) int {
	if site == nil {
		return 0
	}
	prefix := contentPrefix(site)
	seen := map[string]bool{}
	for _, p := range site.Pages {
		seen[path.Join(prefix, p.Path)] = true
	}
	for _, d := range ds {
		switch d.Rule {
		case builder.RuleSource, builder.RuleFrontMatter, builder.RuleDuplicateURL:
			seen[d.File] = true
		}
	}
	return len(seen)
}
