package builder

import (
	"bytes"
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"
)

// GitHub Pages builds Markdown with Jekyll, which first runs the Liquid
// template language over each page. kb is not Jekyll, but it reads what
// such repositories commonly contain: before goldmark parses a page,
// liquid rewrites the Liquid in its body into what Jekyll would have made
// of it, or drops it with a warning. Every removed piece of text is
// replaced by as many newlines as it held, so the lines of everything
// after it, and of every diagnostic, stay those of the source. Code spans
// and fenced code blocks are left alone: Liquid there is shown as written.

// liquidNote is a piece of Liquid kb leaves out, at its byte offset in
// the source.
type liquidNote struct {
	off int
	msg string
}

// liquidWindow bounds how far a tag or output may reach: Liquid tags are
// short, and a stray "{%" in a long file must not be searched to its end
// once for every other one.
const liquidWindow = 1000

var (
	// liquidExprRE is the inside of a Liquid output that kb recognises as
	// Liquid: a variable or quoted string, then filters. "{{ }}" with
	// anything else inside is text.
	liquidExprRE = regexp.MustCompile(`^-?\s*("[^"\n]*"|'[^'\n]*'|[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\[[^\]\n]*\])*)\s*((?:\|\s*[A-Za-z_]\w*\s*(?::[^|]*)?)*)-?$`)
	// liquidFenceRE is the opening of a fenced code block, inside list
	// items and block quotes too.
	liquidFenceRE = regexp.MustCompile("^[ \t]*(?:>[ \t]*)*(?:(?:[-*+]|[0-9]{1,9}[.)])[ \t]+)?(`{3,}|~{3,})")
	liquidEndRE   = map[string]*regexp.Regexp{}
)

func init() {
	for _, name := range []string{"endcomment", "endraw", "endhighlight", "endhint"} {
		liquidEndRE[name] = regexp.MustCompile(`\{%-?\s*` + name + `\s*-?%\}`)
	}
}

// liquid rewrites the Liquid in src after the byte offset start (the
// body, after the front matter) of the page at pagePath:
//
//   - {% comment %}…{% endcomment %} is dropped;
//   - {% raw %}…{% endraw %} becomes its contents, kept as written;
//   - {% highlight lang %}…{% endhighlight %} becomes a fenced code block;
//   - {{ site.baseurl }} and {{ site.url }} become nothing, so the site
//     path after them is a link kb resolves; {{ "/x/" | relative_url }}
//     becomes /x/;
//   - {% link path %} and {% post_url name %} become relative links to
//     those files;
//   - GitBook's {% hint style="…" %}…{% endhint %} becomes a GitHub alert;
//   - any other tag or output is dropped, with a note.
//
// Text that only looks like Liquid ("{{ name of customer }}", a "{%"
// never closed) is kept.
func liquid(src []byte, start int, pagePath string) ([]byte, []liquidNote) {
	body := src[start:]
	if !bytes.Contains(body, []byte("{%")) && !bytes.Contains(body, []byte("{{")) {
		return src, nil
	}
	l := &liquidPass{src: src, dir: path.Dir(pagePath)}
	l.out.Grow(len(src))
	l.out.Write(src[:start])
	for i := start; i < len(src); {
		if l.atLineStart() {
			if end, ok := fencedBlockEnd(src, i); ok {
				l.out.Write(src[i:end])
				i = end
				continue
			}
		}
		switch c := src[i]; {
		case c == '`':
			end := codeSpanEnd(src, i)
			l.out.Write(src[i:end])
			i = end
		case c == '{' && i+1 < len(src) && src[i+1] == '%':
			i = l.tag(i)
		case c == '{' && i+1 < len(src) && src[i+1] == '{':
			i = l.output(i)
		default:
			l.out.WriteByte(c)
			i++
		}
	}
	return quoteHints(l.out.Bytes(), l.hints), l.notes
}

type liquidPass struct {
	src   []byte
	dir   string
	out   bytes.Buffer
	notes []liquidNote
	// hints are the spans of out inside GitBook hints (see hint), and
	// open the starts of those not closed yet.
	hints []span
	open  []int
}

// span is a range of bytes.
type span struct{ from, to int }

func (l *liquidPass) atLineStart() bool {
	b := l.out.Bytes()
	return len(b) == 0 || b[len(b)-1] == '\n'
}

// drop leaves out src[from:to], keeping its newlines.
func (l *liquidPass) drop(from, to int) {
	l.out.Write(bytes.Repeat([]byte("\n"), bytes.Count(l.src[from:to], []byte("\n"))))
}

func (l *liquidPass) note(off int, format string, args ...any) {
	l.notes = append(l.notes, liquidNote{off: off, msg: fmt.Sprintf(format, args...)})
}

// closing finds the end of what opens at i with a two-byte opener ("{%",
// "{{") and closes with close, after the opener ("{%}" is not a tag) and
// within liquidWindow; it returns the offset after close, or -1.
func (l *liquidPass) closing(i int, close string) int {
	from := i + 2
	w := l.src[from:min(len(l.src), i+liquidWindow)]
	end := bytes.Index(w, []byte(close))
	if end < 0 {
		return -1
	}
	return from + end + len(close)
}

// tag handles the Liquid tag that opens at i and returns where to go on.
func (l *liquidPass) tag(i int) int {
	next := l.closing(i, "%}")
	if next < 0 {
		l.out.WriteString("{%")
		return i + 2
	}
	inner := strings.TrimSpace(strings.Trim(string(l.src[i+2:next-2]), "-"))
	name, arg := inner, ""
	if k := strings.IndexFunc(inner, unicode.IsSpace); k >= 0 {
		name, arg = inner[:k], strings.TrimSpace(inner[k:])
	}
	switch name {
	case "comment":
		end := len(l.src)
		if m := liquidEndRE["endcomment"].FindIndex(l.src[next:]); m != nil {
			end = next + m[1]
		} else {
			l.note(i, "{%% comment %%} is never closed by {%% endcomment %%}: the rest of the page is left out")
		}
		l.drop(i, end)
		return end
	case "raw", "highlight":
		m := liquidEndRE["end"+name].FindIndex(l.src[next:])
		if m == nil {
			l.note(i, "{%% %s %%} is never closed by {%% end%[1]s %%}", name)
			l.drop(i, next)
			return next
		}
		code := l.src[next : next+m[0]]
		switch {
		case name == "raw":
			l.drop(i, next)
			l.out.Write(code)
		case bytes.HasPrefix(bytes.TrimLeft(code, " \t\r"), []byte("\n")) && bytes.HasSuffix(code, []byte("\n")):
			// The tags on lines of their own: a fenced code block.
			l.out.WriteString("```" + highlightLang(arg))
			l.drop(i, next)
			l.out.Write(code)
			l.out.WriteString("```")
		default:
			// Code on the lines of the tags: a code span, which keeps the
			// lines where they were as a fence could not.
			fence := strings.Repeat("`", longestRun(code, '`')+1)
			l.drop(i, next)
			l.out.WriteString(fence + " ")
			l.out.Write(code)
			l.out.WriteString(" " + fence)
		}
		l.drop(next+m[0], next+m[1])
		return next + m[1]
	case "hint":
		return l.hint(i, next, arg)
	case "endhint":
		if len(l.open) > 0 {
			from := l.open[len(l.open)-1]
			l.open = l.open[:len(l.open)-1]
			l.hints = append(l.hints, span{from, l.out.Len()})
		}
		l.drop(i, next)
		return next
	case "link", "post_url":
		target := strings.Trim(arg, `"'`)
		if target == "" || strings.ContainsAny(target, "{} ") {
			l.note(i, "{%% %s %s %%}: kb resolves only a file named as written", name, arg)
			l.drop(i, next)
			return next
		}
		if name == "post_url" {
			target = "_posts/" + strings.TrimPrefix(target, "/") + ".md"
		}
		l.out.WriteString(l.relative(strings.TrimPrefix(target, "/")))
		return next
	}
	if !strings.HasPrefix(name, "end") && name != "else" && name != "elsif" && name != "when" {
		l.note(i, "Liquid tag {%% %s %%} is not supported: the tag is left out", name)
	}
	l.drop(i, next)
	return next
}

// hintAlerts maps a GitBook hint's style to the GitHub alert it is.
var hintAlerts = map[string]string{"info": "NOTE", "success": "TIP", "warning": "WARNING", "danger": "CAUTION"}

// hint handles a GitBook hint that opens at i, its tag ending at next:
// {% hint style="warning" %}…{% endhint %} on lines of their own becomes
// a block quote marked as a GitHub alert (> [!WARNING]), its lines
// quoted once the pass is done (see quoteHints), so that the Liquid in
// it is read as anywhere else. A hint that does not start a line, or is
// never closed, only loses its tags.
func (l *liquidPass) hint(i, next int, arg string) int {
	style := strings.Trim(strings.TrimPrefix(strings.TrimSpace(arg), "style="), `"'`)
	alert, ok := hintAlerts[style]
	if !ok {
		alert = "NOTE"
	}
	if !l.atLineStart() || liquidEndRE["endhint"].FindIndex(l.src[next:]) == nil {
		l.drop(i, next)
		return next
	}
	l.out.WriteString("> [!" + alert + "]")
	if next < len(l.src) && l.src[next] != '\n' && l.src[next] != ' ' {
		l.out.WriteByte(' ') // text on the tag's line follows the marker
	}
	l.drop(i, next)
	l.open = append(l.open, l.out.Len())
	return next
}

// quoteHints puts "> " after every line break inside the hints of out,
// once for each hint a line is in.
func quoteHints(out []byte, hints []span) []byte {
	if len(hints) == 0 {
		return out
	}
	var b bytes.Buffer
	b.Grow(len(out) + len(out)/16)
	for k, c := range out {
		b.WriteByte(c)
		if c != '\n' {
			continue
		}
		for _, h := range hints {
			if h.from <= k && k < h.to {
				b.WriteString("> ")
			}
		}
	}
	return b.Bytes()
}

// highlightLang is the language a {% highlight %} tag names (its first
// word), kept to the characters a fence's info string may hold.
func highlightLang(arg string) string {
	lang, _, _ := strings.Cut(arg, " ")
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("+-_.#", r) {
			return r
		}
		return -1
	}, lang)
}

// longestRun is the length of the longest run of c in b.
func longestRun(b []byte, c byte) int {
	most, n := 0, 0
	for _, x := range b {
		if x == c {
			n++
			most = max(most, n)
		} else {
			n = 0
		}
	}
	return most
}

// relative is the link from the page's folder to the file at target, a
// path from the top of the site.
func (l *liquidPass) relative(target string) string {
	rel, err := filepath.Rel(filepath.FromSlash(l.dir), filepath.FromSlash(target))
	if err != nil {
		return "/" + target
	}
	return filepath.ToSlash(rel)
}

// output handles the Liquid output "{{ … }}" that opens at i and returns
// where to go on.
func (l *liquidPass) output(i int) int {
	next := l.closing(i, "}}")
	var m [][]byte
	if next >= 0 {
		m = liquidExprRE.FindSubmatch(l.src[i+2 : next-2])
	}
	if m == nil {
		l.out.WriteString("{{")
		return i + 2
	}
	expr, filters := string(m[1]), string(m[2])
	switch {
	case expr == "site.baseurl" || expr == "site.url":
		// Nothing: the site path after it is a link kb resolves.
	case expr[0] == '"' || expr[0] == '\'':
		l.out.WriteString(expr[1 : len(expr)-1])
		for _, f := range strings.Split(filters, "|")[1:] {
			if f = strings.TrimSpace(f); f != "relative_url" && f != "absolute_url" {
				l.note(i, "Liquid filter %q is not supported: the text is shown unfiltered", f)
			}
		}
	default:
		l.note(i, "Liquid output {{ %s }} is not supported: it is left out", expr)
	}
	l.drop(i, next)
	return next
}

// fencedBlockEnd reports whether a fenced code block opens on the line at
// i, and where it ends: after its closing fence's line, or at the end of
// src when it is never closed.
func fencedBlockEnd(src []byte, i int) (int, bool) {
	line := src[i:lineEnd(src, i)]
	m := liquidFenceRE.FindSubmatchIndex(line)
	if m == nil {
		return 0, false
	}
	fence := line[m[2]:m[3]]
	if fence[0] == '`' && bytes.IndexByte(line[m[3]:], '`') >= 0 {
		return 0, false // an info string with a backtick: a code span
	}
	for j := lineEnd(src, i); j < len(src); {
		l := src[j:lineEnd(src, j)]
		j = lineEnd(src, j)
		if c := liquidFenceRE.FindSubmatchIndex(l); c != nil {
			f := l[c[2]:c[3]]
			if f[0] == fence[0] && len(f) >= len(fence) && len(bytes.TrimSpace(l[c[3]:])) == 0 {
				return j, true
			}
		}
	}
	return len(src), true
}

// lineEnd is the offset after the newline ending the line at i, or the
// end of src.
func lineEnd(src []byte, i int) int {
	if j := bytes.IndexByte(src[i:], '\n'); j >= 0 {
		return i + j + 1
	}
	return len(src)
}

// codeSpanEnd returns the offset after the code span that opens with the
// backticks at i, or after those backticks when no run of as many closes
// them in the same paragraph (they are then text).
func codeSpanEnd(src []byte, i int) int {
	n := 0
	for i+n < len(src) && src[i+n] == '`' {
		n++
	}
	limit := min(len(src), i+n+64*1024)
	for j := i + n; j < limit; {
		switch {
		case src[j] == '\n' && len(bytes.TrimSpace(src[j+1:lineEnd(src, j+1)])) == 0:
			return i + n // a blank line ends the paragraph
		case src[j] == '`':
			k := j
			for k < len(src) && src[k] == '`' {
				k++
			}
			if k-j == n {
				return k
			}
			j = k
		default:
			j++
		}
	}
	return i + n
}

// liquidPage runs liquid over the body of p, whose source is src, and
// reports what it left out at its line.
func liquidPage(src []byte, p *Page, cfg *Config) ([]byte, Diagnostics) {
	start := 0
	for n := 1; n < p.bodyLine && start < len(src); n++ {
		start = lineEnd(src, start)
	}
	out, notes := liquid(src, start, p.Path)
	sev := configSeverity(cfg, RuleLiquid)
	if sev == SeverityOff {
		return out, nil
	}
	var ds Diagnostics
	for _, n := range notes {
		line, col := offsetPos(src, n.off)
		ds = append(ds, Diagnostic{File: p.Path, Line: line, Col: col, Severity: sev, Rule: RuleLiquid, Message: n.msg})
	}
	return out, ds
}
