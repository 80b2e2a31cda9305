package benchcorpus

import (
	"fmt"
	"path"
	"path/filepath"
)

// page is what is decided about a page before any page is written, so
// that links and anchors can point at pages written later or elsewhere.
type page struct {
	i              int
	kind, lang     string
	title, path    string
	folder         string
	h2             []string // H2 headings, in order
	anchors        []string // the H2 headings a link may point at
	target         int      // words of the body
	translationKey string
	marker         string
	brokenLinks    int // links to missing pages or anchors to add
}

// plan decides every page's kind, language, title, path and H2 headings,
// the translation pairs and the marker words.
func plan(opts Options) []*page {
	r := newRNG(fmt.Sprintf("plan:%d", opts.Seed))
	ls := languages()
	pages := make([]*page, opts.Pages)
	for i := range pages {
		kind := kinds[i%4]
		if !r.chance(0.6) {
			kind = pick(r, kinds)
		}
		lang := "en"
		if r.chance(0.3) {
			lang = "nl"
		}
		l := ls[lang]
		base := pick(r, l.titles[kind])
		title := fmt.Sprintf("%s (%s) %d", base, pick(r, l.depts), i)
		folder := kindDir[kind]
		if u := r.Float64(); u >= 0.6 { // 30% one level deeper, 10% two
			var choices []string
			for _, s := range subdirs[kind] {
				if (path.Dir(s) != ".") == (u >= 0.9) {
					choices = append(choices, s)
				}
			}
			folder += "/" + pick(r, choices)
		}
		heads := l.headings[kind]
		target := int(r.triangular(300, 1500, 450)) // mean 750
		k := max(3, min(8, len(heads), target/140+r.between(0, 1)))
		p := &page{i: i, kind: kind, lang: lang, title: title, folder: folder,
			path: fmt.Sprintf("%s/%s-%d.md", folder, slugify(base), i),
			h2:   sample(r, heads, k), target: target}
		for _, h := range p.h2 {
			if anchorSafe(h) {
				p.anchors = append(p.anchors, h)
			}
		}
		pages[i] = p
	}
	// Translation pairs: about half of the Dutch pages share a key with one
	// English page of the same kind.
	if !opts.Minimal {
		pool := map[string][]*page{}
		for _, p := range pages {
			if p.lang == "en" {
				pool[p.kind] = append(pool[p.kind], p)
			}
		}
		for _, p := range pages {
			if ens := pool[p.kind]; p.lang == "nl" && r.chance(0.5) && len(ens) > 0 {
				j := r.IntN(len(ens))
				en := ens[j]
				pool[p.kind] = append(ens[:j:j], ens[j+1:]...)
				key := fmt.Sprintf("%s-%d", p.kind, en.i)
				p.translationKey, en.translationKey = key, key
			}
		}
	}
	// Marker words: unique, made up, and no vocabulary word of either language.
	seen := map[string]bool{}
	for _, p := range pages {
		for {
			w := pick(r, syllC) + pick(r, syllV) + pick(r, syllC) + pick(r, syllV) + pick(r, syllC) + pick(r, syllV) + pick(r, syllE)
			if !seen[w] && !ls["en"].words[w] && !ls["nl"].words[w] && len(w) >= 7 {
				seen[w] = true
				p.marker = w
				break
			}
		}
	}
	// Pages that get one broken link each.
	br := newRNG(fmt.Sprintf("broken:%d", opts.Seed))
	for _, p := range sample(br, pages, min(opts.BrokenLinks, len(pages))) {
		p.brokenLinks = 1
	}
	return pages
}

// rel is the relative link from the page at src to the file at dst, both
// slash-separated paths in the corpus.
func rel(src, dst string) string {
	r, err := filepath.Rel(filepath.FromSlash(path.Dir(src)), filepath.FromSlash(dst))
	if err != nil {
		panic(err) // both paths are relative to the same root
	}
	return filepath.ToSlash(r)
}
