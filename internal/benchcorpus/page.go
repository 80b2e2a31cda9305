package benchcorpus

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// TitleLine and TagsLine find the title and tags lines of a generated
// page's front matter, the key and its space in the first group: what
// benchmarks replace to retitle or retag a page.
var (
	TitleLine = regexp.MustCompile(`(?m)^(title: ).*$`)
	TagsLine  = regexp.MustCompile(`(?m)^(tags: ).*$`)
)

// BrokenLink is a link that leads nowhere: to a missing page or to a
// heading its target does not have.
type BrokenLink struct {
	Page string `json:"page"` // the page that holds the link
	Href string `json:"href"`
}

// yq quotes s as a YAML double-quoted scalar.
var yq = strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace

// render returns the text of page p and the broken links it holds.
func render(p *page, pages []*page, opts Options) (string, []BrokenLink) {
	w := &writer{r: newRNG(fmt.Sprintf("%d:%d", opts.Seed, p.i)), l: languages()[p.lang]}
	lines := w.frontMatter(p, pages, opts)
	body, broken := w.body(p, pages)
	return strings.Join(append(lines, body...), "\n"), broken
}

func (w *writer) frontMatter(p *page, pages []*page, opts Options) []string {
	r := w.r
	tagList := sample(r, tags, r.between(1, 4))
	slices.Sort(tagList)
	summary := w.sentence()
	fm := []string{"---",
		`title: "` + yq(p.title) + `"`,
		opts.kindKey() + ": " + p.kind,
		"lang: " + p.lang,
		"tags: [" + strings.Join(tagList, ", ") + "]",
		"owner: " + pick(r, owners),
		`summary: "` + yq(summary) + `"`,
		fmt.Sprintf("review_by: %d-%02d-%02d", r.between(2026, 2028), r.between(1, 12), r.between(1, 28)),
	}
	if opts.Minimal {
		return append(fm, "---", "")
	}
	if p.translationKey != "" {
		fm = append(fm, "translation_key: "+p.translationKey)
	}
	// list adds a YAML list of n sentences (without their full stop).
	list := func(key string, lo, hi int) {
		fm = append(fm, key+":")
		for n := r.between(lo, hi); n > 0; n-- {
			fm = append(fm, `  - "`+yq(strings.TrimSuffix(w.sentence(), "."))+`"`)
		}
	}
	switch p.kind {
	case "symptom":
		list("signals", 2, 4)
		fm = append(fm, `impact: "`+yq(w.sentence())+`"`, "remedies:")
		for n := r.between(1, 3); n > 0; n-- {
			fm = append(fm, "  - "+rel(p.path, pick(r, pages).path))
		}
	case "meeting-format":
		parts := sample(r, owners, r.between(2, 4))
		slices.Sort(parts)
		fm = append(fm, "cadence: "+pick(r, cadences),
			fmt.Sprintf("duration: %dm", pick(r, durations)),
			"participants: ["+strings.Join(parts, ", ")+"]")
		list("agenda", 3, 5)
	case "channel-agreement":
		fm = append(fm, "channel: "+pick(r, channels))
		list("use_for", 2, 3)
		list("not_for", 1, 3)
		fm = append(fm, "response_time: "+pick(r, responses))
	default:
		fm = append(fm, `tool: "`+yq(pick(r, tools))+`"`, "status: "+pick(r, statuses), "steps:")
		for n := r.between(3, 5); n > 0; n-- {
			fm = append(fm, `  - name: "`+yq(strings.TrimSuffix(w.sentence(), "."))+`"`,
				"    owner: "+pick(r, owners))
		}
	}
	return append(fm, "---", "")
}

// link returns a Markdown link to another page, a third of them to one of
// its headings; a broken link (recorded in broken) goes to a missing page
// in the target's folder or to a missing heading of the target.
func (w *writer) link(p *page, pages []*page, broken *[]BrokenLink) string {
	r := w.r
	t := pick(r, pages)
	for t == p {
		t = pick(r, pages)
	}
	href := rel(p.path, t.path)
	if len(t.anchors) > 0 && r.chance(0.33) {
		href += "#" + headingID(pick(r, t.anchors))
	}
	if broken != nil {
		if r.chance(0.5) {
			href = rel(p.path, t.folder+"/does-not-exist.md")
		} else {
			href = rel(p.path, t.path) + "#no-such-heading"
		}
		*broken = append(*broken, BrokenLink{Page: p.path, Href: href})
	}
	return "[" + t.title + "](" + href + ")"
}

func (w *writer) body(p *page, pages []*page) ([]string, []BrokenLink) {
	r, l := w.r, w.l
	var broken []BrokenLink
	links := make([]string, r.between(2, 6))
	for i := range links {
		links[i] = w.link(p, pages, nil)
	}
	for range p.brokenLinks {
		links = append(links, w.link(p, pages, &broken))
	}
	h2 := p.h2
	// The list, table and task list go to distinct sections; the rest is chance.
	slots := map[int][]string{}
	secs := make([]int, len(h2))
	for i := range secs {
		secs[i] = i
	}
	for i, sec := range sample(r, secs, 3) {
		slots[sec] = append(slots[sec], []string{"list", "table", "tasks"}[i])
	}
	if r.chance(0.3) {
		sec := r.IntN(len(h2))
		slots[sec] = append(slots[sec], "code")
	}
	markerSec := r.IntN(len(h2))
	linkAt := make([]int, len(links))
	for i := range linkAt {
		linkAt[i] = r.IntN(len(h2))
	}
	slices.Sort(linkAt)
	footnote := r.chance(0.1)

	var out []string
	words := 0
	add := func(lines ...string) {
		for _, line := range lines {
			if line != "" {
				words += strings.Count(line, " ") + 1
			}
		}
		out = append(append(out, lines...), "")
	}
	add(w.paragraph(1, 3))
	h3n := 0
	for si, head := range h2 {
		add("## " + head)
		para := w.paragraph(2, 4)
		if si == markerSec {
			ws := strings.Split(para, " ")
			at := 1 + r.IntN(len(ws)-1)
			para = strings.Join(slices.Insert(ws, at, p.marker), " ")
		}
		for li, at := range linkAt {
			if at == si {
				para += l.see + links[li] + l.details
			}
		}
		if footnote && si == 0 {
			para += "[^1]"
		}
		add(para)
		for _, block := range slots[si] {
			add(w.block(block)...)
		}
		if extra := r.Float64(); extra < 0.12 {
			add("> " + w.sentence())
		} else if extra < 0.22 {
			n := r.between(3, 5)
			items := make([]string, n-1)
			for k := range items {
				items[k] = fmt.Sprintf("%d. %s", k+1, w.sentence())
			}
			add(items...)
		}
		// H3 sub-sections and paragraphs until the section has its share of the words.
		share := p.target * (si + 1) / len(h2)
		for words < share-20 {
			if r.chance(0.35) {
				h3n++
				d, intro := pick(r, l.depts), l.h3Example
				if r.chance(0.15) {
					intro = l.h3Accent
				}
				add(fmt.Sprintf("### %s %s %d", intro, d, h3n))
			}
			para := w.paragraph(2, 4)
			if r.chance(0.2) {
				para = strings.Replace(para, ". ", ". **Tip:** ", 1)
			}
			add(para)
		}
	}
	if footnote {
		add("[^1]: " + w.sentence())
	}
	return out, broken
}

// block renders a bullet list, task list, role table or fenced code block.
func (w *writer) block(kind string) []string {
	r, l := w.r, w.l
	var out []string
	switch kind {
	case "list":
		for n := r.between(3, 6); n > 0; n-- {
			out = append(out, "- "+w.sentence())
		}
	case "tasks":
		for n := r.between(2, 5); n > 0; n-- {
			box := " "
			if r.chance(0.4) {
				box = "x"
			}
			out = append(out, "- ["+box+"] "+w.sentence())
		}
	case "table":
		out = append(out, "| "+strings.Join(l.tableHead, " | ")+" |", "|---|---|---|")
		for n := r.between(2, 5); n > 0; n-- {
			out = append(out, "| "+pick(r, owners)+" | "+w.sentence()+" | "+pick(r, l.when)+" |")
		}
	default:
		if r.chance(0.5) {
			return []string{"```yaml",
				"channel: " + pick(r, channels),
				fmt.Sprintf("response_time: %dh", r.between(1, 48)),
				"owner: " + pick(r, owners),
				"```"}
		}
		out = []string{"```sh", "# " + w.sentence(),
			"kbctl notify --team " + pick(r, owners) + " --when " + pick(r, []string{"monday", "friday"}),
			"```"}
	}
	return out
}
