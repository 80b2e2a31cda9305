package builder

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
)

// PlaceholderMarker marks text a writer still has to replace. `kb new`
// writes it into every value and section it cannot fill in itself, and the
// placeholder rule reports every line of a page that still holds it, in
// the front matter (values and YAML comments alike) or in the body outside
// code. It is distinct from a plain "TODO:", so writers' own notes are
// never mistaken for it.
const PlaceholderMarker = "TODO(kb):"

// legacyPlaceholderMarker is the marker older versions of `kb new` wrote.
// It still counts in the front matter of playbooks, where those versions
// put it, and nowhere else.
const legacyPlaceholderMarker = "TODO:"

// mayHavePlaceholders reports whether src holds a placeholder marker of
// either generation, so that the placeholder rule has to look closer.
func mayHavePlaceholders(src []byte) bool {
	return bytes.Contains(src, []byte(PlaceholderMarker)) || bytes.Contains(src, []byte(legacyPlaceholderMarker))
}

// checkOrphans reports the pages nothing links to (folder indexes aside).
func checkOrphans(s *Site, ds *Diagnostics) {
	for _, p := range s.Pages {
		if !p.IsIndex && len(p.Backlinks) == 0 {
			s.diag(ds, RuleOrphan, p.Path, 1, 1, "nothing links to this page: link to it from a related page or its folder's index")
		}
	}
}

// checkOverdue reports the pages whose review_by date has passed.
func checkOverdue(s *Site, ds *Diagnostics) {
	for _, p := range s.Pages {
		if p.Overdue(s.Now) {
			s.diag(ds, RuleReviewOverdue, p.Path, fmLine(p, "review_by"), 1, "review_by %s has passed: review the page and set a new date",
				p.ReviewBy.Format("2006-01-02"))
		}
	}
}

// checkStaleTranslations reports the pages in the default language whose
// translation was last committed before them.
func checkStaleTranslations(s *Site, ds *Diagnostics) {
	for _, p := range s.Pages {
		if p.Lang != s.Config.DefaultLanguage || p.Updated.IsZero() {
			continue
		}
		for _, t := range p.Translations {
			if !t.Updated.IsZero() && t.Updated.Before(p.Updated) {
				s.diag(ds, RuleStaleTranslate, p.Path, fmLine(p, "translation_key"), 1,
					"the %s translation %s was last changed %s, before this page (%s): it may need updating",
					t.Lang, t.Path, t.Updated.UTC().Format("2006-01-02"), p.Updated.UTC().Format("2006-01-02"))
			}
		}
	}
}

// checkPlaceholders reports every page's leftover placeholders.
func checkPlaceholders(s *Site, ds *Diagnostics) {
	for _, p := range s.Pages {
		s.checkPlaceholders(p, ds)
	}
}

// fmLine is the line of a front-matter key, or 1 when the key is absent.
func fmLine(p *Page, key string) int {
	if l := p.fmLines[key]; l > 0 {
		return l
	}
	return 1
}

// checkPlaceholders reports each line of p holding PlaceholderMarker: in
// the front matter anywhere, in the body outside code spans and blocks. In
// a playbook's front matter, the legacy marker counts too.
func (s *Site) checkPlaceholders(p *Page, ds *Diagnostics) {
	if !mayHavePlaceholders(p.src) {
		return
	}
	code := codeRanges(p.doc)
	line := 0
	for start := 0; start < len(p.src); {
		line++
		end := bytes.IndexByte(p.src[start:], '\n')
		if end < 0 {
			end = len(p.src)
		} else {
			end += start
		}
		at := placeholderIn(p.src[start:end], start, line < p.bodyLine, p.IsPlaybook(), code)
		if at >= 0 {
			_, col := offsetPos(p.src, at)
			text := string(p.src[at:end])
			if at > 0 && (p.src[at-1] == '"' || p.src[at-1] == '\'') {
				// A quoted YAML value: the placeholder ends with the quote.
				text, _, _ = strings.Cut(text, string(p.src[at-1]))
			}
			text = strings.TrimSpace(text)
			if utf8.RuneCountInString(text) > 60 {
				text = string([]rune(text)[:59]) + "…"
			}
			s.diag(ds, RulePlaceholder, p.Path, line, col, "placeholder %q still to be filled in", text)
		}
		start = end + 1
	}
}

// placeholderIn returns the offset in the page of the first placeholder on
// one line (which starts at offset start), or -1. Front-matter lines count
// every PlaceholderMarker, and on playbooks the legacy marker; body lines
// count PlaceholderMarker outside code.
func placeholderIn(line []byte, start int, frontMatter, playbook bool, code [][2]int) int {
	markers := []string{PlaceholderMarker}
	if frontMatter && playbook {
		markers = append(markers, legacyPlaceholderMarker)
	}
	best := -1
	for _, m := range markers {
		for off := 0; ; {
			i := bytes.Index(line[off:], []byte(m))
			if i < 0 {
				break
			}
			at := start + off + i
			off += i + len(m)
			if !frontMatter && inRanges(code, at) {
				continue
			}
			if best < 0 || at < best {
				best = at
			}
			break
		}
	}
	return best
}

// codeRanges lists the byte ranges of a document's code spans and blocks.
func codeRanges(doc ast.Node) [][2]int {
	if doc == nil {
		return nil
	}
	var out [][2]int
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			if lines := n.Lines(); lines.Len() > 0 {
				out = append(out, [2]int{lines.At(0).Start, lines.At(lines.Len() - 1).Stop})
			}
			return ast.WalkSkipChildren, nil
		case *ast.CodeSpan:
			first, last := n.FirstChild(), n.LastChild()
			ft, ok1 := first.(*ast.Text)
			lt, ok2 := last.(*ast.Text)
			if ok1 && ok2 {
				out = append(out, [2]int{ft.Segment.Start, lt.Segment.Stop})
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return out
}

func inRanges(rs [][2]int, off int) bool {
	for _, r := range rs {
		if off >= r[0] && off < r[1] {
			return true
		}
	}
	return false
}

// siteWideRules are the rules whose problem a change to one file can cause
// in another, unchanged file: a link to a page that was deleted or whose
// heading was renamed, two pages claiming one URL, title, alias or
// translation. FilterChanged keeps them everywhere.
var siteWideRules = map[string]bool{
	RuleConfig: true, RuleTemplate: true, RuleBrokenLink: true, RuleBrokenAnchor: true,
	RuleDuplicateURL: true, RuleDuplicateTitle: true, RuleDuplicateAlias: true, RuleTranslation: true,
}

// SiteWideRule reports whether rule's diagnostics are kept for every file
// when checking only the files changed since a Git ref.
func SiteWideRule(rule string) bool { return siteWideRules[rule] }

// FilterChanged keeps the diagnostics of site-wide rules and those about a
// file for which changed reports true, and drops the rest.
func FilterChanged(ds Diagnostics, changed func(file string) bool) Diagnostics {
	var out Diagnostics
	for _, d := range ds {
		if SiteWideRule(d.Rule) || changed(d.File) {
			out = append(out, d)
		}
	}
	return out
}

// ErrNotGit is returned by ChangedFiles outside a Git checkout or without git.
var ErrNotGit = errors.New("not in a Git checkout")

// ChangedFiles lists the files under dir that differ from ref: those changed
// by the commits since HEAD's merge base with ref (`git diff REF...HEAD`), the
// uncommitted changes, staged or not, and untracked files that are not
// ignored. Deleted files are included. The paths are slash-separated and
// relative to dir.
func ChangedFiles(ctx context.Context, dir, ref string) (map[string]bool, error) {
	if ref == "" || strings.HasPrefix(ref, "-") || strings.ContainsAny(ref, " \t\n") {
		return nil, fmt.Errorf("invalid Git ref %q", ref)
	}
	git := func(args ...string) ([]byte, error) {
		cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir, "-c", "core.quotepath=off"}, args...)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			msg := strings.TrimSpace(stderr.String())
			if msg == "" {
				msg = err.Error()
			}
			return nil, fmt.Errorf("git %s: %s", args[0], msg)
		}
		return out, nil
	}
	if _, err := git("rev-parse", "--is-inside-work-tree"); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrNotGit, dir, err)
	}
	if _, err := git("rev-parse", "--verify", "--quiet", ref+"^{commit}"); err != nil {
		return nil, fmt.Errorf("unknown Git ref %q (in a CI checkout, fetch the full history, e.g. fetch-depth: 0)", ref)
	}
	changed := map[string]bool{}
	for _, args := range [][]string{
		{"diff", "--name-only", "--no-renames", "-z", "--relative", ref + "...HEAD", "--"},
		{"diff", "--name-only", "--no-renames", "-z", "--relative", "HEAD", "--"},
		{"ls-files", "--others", "--exclude-standard", "-z"},
	} {
		out, err := git(args...)
		if err != nil {
			return nil, err
		}
		for _, f := range bytes.Split(out, []byte{0}) {
			if len(f) > 0 {
				changed[string(f)] = true
			}
		}
	}
	return changed, nil
}
