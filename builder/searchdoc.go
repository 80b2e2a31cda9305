package builder

import (
	"fmt"
	"path"
	"strings"
	"unicode"

	"kb/search"
)

// searchDoc is p as search sees it: what a reader sees of the page, and the
// names it goes by, and the group it forms with its translations. Besides its headings, the headings field holds the
// subtitle, a description other than the summary, and the words of the
// file name that the title lacks, so that "runbook" finds
// incident-response-runbook.md titled "Incident handling". The body is the
// page's text, raw HTML's included (see docText).
func (s *Site) searchDoc(p *Page) search.Doc {
	var hs []string
	if p.Subtitle != "" {
		hs = append(hs, p.Subtitle)
	}
	if p.Description != "" && p.Description != p.Summary {
		hs = append(hs, p.Description)
	}
	if w := fileWords(p); w != "" {
		hs = append(hs, w)
	}
	for _, h := range p.Headings {
		if h.Level > 1 {
			hs = append(hs, h.Text)
		}
	}
	heads, body := s.fieldText(p)
	hs = append(hs, heads...)
	text := p.searchText()
	if len(body) > 0 {
		text = strings.Join(append([]string{text}, body...), "\n")
	}
	return search.Doc{
		URL: s.searchURL(p), Title: p.Title, Summary: p.Summary,
		Headings: strings.Join(hs, "\n"), Body: text, Tags: p.Tags, Kind: p.Kind, Lang: p.Lang, Owner: p.Owner,
		Group: s.searchGroup(p),
	}
}

// fieldText returns the text of the lists of p's kind-specific fields,
// which its page shows, in the order the kind declares them, as headings
// or as body text as each field's search setting says (config.Field's
// SearchAs): by default a meeting's agenda items and a rollout's steps are
// headings, a symptom's signals too (site.yaml's default kinds say so), and
// the items of other lists and the titles of the pages a field links to (a
// symptom's remedies) are body text. Single values (a cadence, a channel's
// name, a symptom's impact) are not searched by default: they mostly repeat
// the title, and indexing them ranked pages that only mention a query's
// words above pages about them (see the relevance set). Nor are fields
// whose name starts with "not_" (a channel's not_for), so that a search
// for those words does not find the page by what it is not about.
func (s *Site) fieldText(p *Page) (heads, body []string) {
	k := s.Config.Kind(p.Kind)
	if k == nil {
		return nil, nil
	}
	for _, f := range k.Fields {
		var words []string
		switch v := p.Fields[f.Name].(type) {
		case string:
			words = []string{v}
		case []string:
			words = v
		case []PageRef:
			for _, r := range v {
				words = append(words, r.Title)
			}
		case []AgendaItem:
			for _, a := range v {
				words = append(words, a.Item)
			}
		case []Step:
			for _, st := range v {
				words = append(words, st.Name)
			}
		}
		switch f.SearchAs() {
		case "heading":
			heads = append(heads, words...)
		case "body":
			body = append(body, words...)
		}
	}
	return heads, body
}

// searchURL is p's URL in the index: under the base path.
func (s *Site) searchURL(p *Page) string {
	return s.Config.BasePath() + strings.TrimPrefix(p.URL, "/")
}

// searchGroup names the group of p and its translations in the index: the
// first of their URLs, the same for each of them; "" for a page without
// translations.
func (s *Site) searchGroup(p *Page) string {
	if len(p.Translations) == 0 {
		return ""
	}
	g := s.searchURL(p)
	for _, t := range p.Translations {
		g = min(g, s.searchURL(t))
	}
	return g
}

// fileWords returns the words of p's file name, without its extension and
// language suffix, that its title does not have, each once: a folder's
// index page goes by the folder's name. Words are split at anything but
// letters and digits, and where a lower-case letter meets an upper-case
// one ("OnCall" is "On Call").
func fileWords(p *Page) string {
	name := path.Base(p.Path)
	if p.IsIndex {
		if p.Section == "" {
			return ""
		}
		name = path.Base(p.Section)
	} else {
		name = strings.TrimSuffix(name, path.Ext(name))
		if ext := path.Ext(name); ext != "" && ext[1:] == p.Lang {
			name = strings.TrimSuffix(name, ext)
		}
	}
	seen := map[string]bool{}
	for _, w := range splitWords(p.Title) {
		seen[strings.ToLower(w)] = true
	}
	var out []string
	for _, w := range splitWords(name) {
		if lw := strings.ToLower(w); !seen[lw] {
			seen[lw] = true
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
}

// splitWords splits s into words at anything but letters and digits, and
// between a lower-case letter and an upper-case one.
func splitWords(s string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, string(cur))
			cur = cur[:0]
		}
	}
	for _, r := range s {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r) && len(cur) > 0 && unicode.IsLower(cur[len(cur)-1]):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	return words
}

// searchText returns the page's Text, decompressed when the page holds it
// compressed (textS2).
func (p *Page) searchText() string {
	if p.textS2 == nil {
		return p.Text
	}
	var text string
	if err := decompressed(p.textS2, func(raw []byte) { text = string(raw) }); err != nil { // kb compressed it: it decompresses
		panic(fmt.Sprintf("%s: the page's compressed text: %v", p.Path, err))
	}
	return text
}
