package builder

import (
	"cmp"
	"fmt"
	"hash/crc32"
	"hash/maphash"
	"slices"
	"strings"
	"sync"
)

// relate fills what pages know of each other once every page is linked:
// the overdue count, backlinks, translations, tags and owners and, unless
// only checking, each playbook's related pages. Duplicate translation keys
// are reported as it groups the translations.
func (s *Site) relate(ds *Diagnostics) {
	s.overdue = map[string]int{}
	for _, p := range s.Pages {
		if p.Overdue(s.Now) {
			s.overdue[p.Lang]++
		}
	}
	s.relateBacklinks()
	s.relateTranslations(ds)
	s.Tags, s.Owners = s.terms()
	s.Features = s.features()
	if !s.read.checkOnly { // related pages are only shown, never checked
		s.relatePages()
	}
}

// relateBacklinks gives every page the pages that link to it, in body text
// or in a field naming pages, in the site's order: the pages that link are
// taken in that order, each once.
func (s *Site) relateBacklinks() {
	for _, from := range s.ordered {
		addBack := func(to *Page) {
			if to == nil || to == from || !s.published(to) {
				return // no link, a link to itself or to a page not published
			}
			if n := len(to.Backlinks); n > 0 && to.Backlinks[n-1] == from {
				return
			}
			to.Backlinks = append(to.Backlinks, from)
		}
		for _, l := range from.Links {
			addBack(l.Target)
		}
		for _, v := range from.Fields {
			if refs, ok := v.([]PageRef); ok {
				for _, r := range refs {
					addBack(r.Page)
				}
			}
		}
	}
}

// relateTranslations gives every page its translations: the pages of other
// languages with the same translation_key, and for a folder's index page
// without one, the folder's index pages in other languages. Two pages of
// one language with the same key are a translation error on the later path.
func (s *Site) relateTranslations(ds *Diagnostics) {
	keys := map[string][]*Page{}
	for _, p := range s.Pages {
		switch {
		case p.TranslationKey != "":
			keys[p.TranslationKey] = append(keys[p.TranslationKey], p)
		case p.IsIndex:
			k := "\x00" + p.Section // no key written in front matter holds a NUL
			keys[k] = append(keys[k], p)
		}
	}
	for key, group := range keys {
		langs := map[string]*Page{}
		for _, p := range group {
			if other := langs[p.Lang]; other != nil {
				first, second := other, p
				if second.Path < first.Path {
					first, second = second, first
				}
				s.diag(ds, RuleTranslation, second.Path, second.fmLines["translation_key"], 1, "translation_key %q is also used by %s, in the same language (%s)", key, first.Path, p.Lang)
				continue
			}
			langs[p.Lang] = p
		}
		for _, p := range group {
			for _, q := range group {
				if q != p && langs[q.Lang] == q {
					p.Translations = append(p.Translations, q)
				}
			}
			slices.SortFunc(p.Translations, func(a, b *Page) int { return cmp.Compare(a.Lang, b.Lang) })
		}
	}
}

// checkDuplicateTitles reports a playbook whose title another playbook of
// the same language already has.
func checkDuplicateTitles(s *Site, ds *Diagnostics) {
	titles := map[string]*Page{}
	for _, p := range s.Pages {
		if !p.IsPlaybook() {
			continue
		}
		k := p.Lang + "\x00" + strings.ToLower(p.Title)
		if other := titles[k]; other != nil {
			s.diag(ds, RuleDuplicateTitle, p.Path, p.fmLines["title"], 1, "title %q is also used by %s", p.Title, other.Path)
			continue
		}
		titles[k] = p
	}
}

// checkEmptyPages reports the pages that would be published with nothing
// but a title: a file with only front matter or a # Title, or whose text is
// all inside a Liquid comment. A folder's index page lists the folder, and a playbook
// shows its kind's fields, so neither is empty.
func checkEmptyPages(s *Site, ds *Diagnostics) {
	for _, p := range s.Pages {
		if p.empty && !p.IsIndex && len(p.Fields) == 0 {
			s.diag(ds, RuleEmptyPage, p.Path, max(p.bodyLine, 1), 1, "the page has no text: it would be published with its title only")
		}
	}
}

// checkUnknownTags reports the tags that are not in site.yaml's list, when
// it has one.
func checkUnknownTags(s *Site, ds *Diagnostics) {
	if len(s.Config.Tags) == 0 {
		return
	}
	for _, p := range s.Pages {
		for _, t := range p.Tags {
			if !slices.Contains(s.Config.Tags, t) {
				s.diag(ds, RuleUnknownTag, p.Path, p.fmLines["tags"], 1, "tag %q is not in site.yaml's list of tags", t)
			}
		}
	}
}

// terms returns the site's tags and owners, sorted, each with its pages in
// the site's order. Owners whose names make the same slug ("IT", "it")
// are one, named as the first of their pages names it.
func (s *Site) terms() (tags, owners []*Term) {
	byTag := map[string]*Term{}
	byOwner := map[string]*Term{}
	paths := map[string]string{} // OwnerPath by name, made once a name
	for _, p := range s.ordered {
		for _, t := range p.Tags {
			if byTag[t] == nil {
				term(byTag, t, s.genPath("/tags/"+Slug(t)+"/"))
			}
			byTag[t].Pages = append(byTag[t].Pages, p)
		}
		if p.Owner != "" {
			u, ok := paths[p.Owner]
			if !ok {
				u = s.genPath(OwnerPath(p.Owner))
				paths[p.Owner] = u
			}
			t := byOwner[u]
			if t == nil {
				t = &Term{Name: p.Owner, URL: u}
				byOwner[u] = t
			}
			t.Pages = append(t.Pages, p)
		}
	}
	return sortedTerms(byTag), sortedTerms(byOwner)
}

// OwnerPath is the path of the page listing the pages of owner name,
// without base path or language: /owners/ and the name's slug (or, for a
// name with no letter or digit, a hash of it).
func OwnerPath(name string) string {
	slug := Slug(name)
	if slug == "" {
		slug = fmt.Sprintf("owner-%08x", crc32.ChecksumIEEE([]byte(name)))
	}
	return "/owners/" + slug + "/"
}

// maxRelated is how many related pages a playbook lists.
const maxRelated = 5

// secTag is a tag within a section.
type secTag struct{ section, tag string }

// relatePages gives every playbook its related pages: pages of its
// language linked either way, or sharing tags within its section, best
// first.
func (s *Site) relatePages() {
	byTag := map[secTag][]*Page{}
	for _, p := range s.Pages {
		if p.IsPlaybook() {
			for _, t := range p.Tags {
				k := secTag{p.Section, t}
				byTag[k] = append(byTag[k], p)
			}
		}
	}
	// Each page's list depends only on data fixed before: compute them in
	// parallel.
	keys := s.related.keys(s.Pages, byTag)
	parallel(len(s.Pages), func(i int) {
		p := s.Pages[i]
		if !p.IsPlaybook() {
			return
		}
		if keys != nil {
			if rel, ok := s.related.lookup(p, keys[i], s.byPath); ok {
				p.Related = rel
				return
			}
		}
		p.Related = related(p, byTag)
	})
	s.related.store(s.Pages, keys)
}

// relatedMemo keeps a session's related pages between rebuilds: a page's
// list depends on its tags and links and on the pages of its folder that
// share a tag with it, which an edit elsewhere does not change, and
// computing them all anew took most of a rebuild of a large site.
type relatedMemo struct {
	mu    sync.Mutex
	seed  maphash.Seed
	lists map[string]relatedList // by page path
}

// relatedList is a page's related pages by path, and the digest of what
// they were chosen from.
type relatedList struct {
	key   uint64
	paths []string
}

func newRelatedMemo() *relatedMemo {
	return &relatedMemo{seed: maphash.MakeSeed(), lists: map[string]relatedList{}}
}

// keys digests, for each page, what related reads: the page's folder,
// language, tags, links, backlinks and translations, what it reads of the
// pages linked either way, and the pages of its folder sharing each of
// its tags. nil without a memo.
func (m *relatedMemo) keys(pages []*Page, byTag map[secTag][]*Page) []uint64 {
	if m == nil {
		return nil
	}
	// what related reads of a candidate, digested once per page
	sumOf := func(q *Page) uint64 {
		var h maphash.Hash
		h.SetSeed(m.seed)
		hashStrings(&h, q.Path, q.Lang, q.Kind)
		hashStrings(&h, q.Tags...)
		return h.Sum64()
	}
	sums := make(map[*Page]uint64, len(pages))
	for _, p := range pages {
		sums[p] = sumOf(p)
	}
	cand := func(h *maphash.Hash, q *Page) {
		if q == nil {
			h.WriteString("\x01")
			return
		}
		sum, ok := sums[q]
		if !ok {
			sum = sumOf(q) // a page not published
		}
		maphash.WriteComparable(h, sum)
	}
	tagSums := make(map[secTag]uint64, len(byTag))
	for k, list := range byTag {
		var h maphash.Hash
		h.SetSeed(m.seed)
		for _, q := range list {
			cand(&h, q)
		}
		tagSums[k] = h.Sum64()
	}
	keys := make([]uint64, len(pages))
	parallel(len(pages), func(i int) {
		p := pages[i]
		if !p.IsPlaybook() {
			return
		}
		var h maphash.Hash
		h.SetSeed(m.seed)
		cand(&h, p)
		h.WriteString(p.Section)
		for _, t := range p.Tags {
			maphash.WriteComparable(&h, tagSums[secTag{p.Section, t}])
		}
		for _, l := range p.Links {
			cand(&h, l.Target)
		}
		h.WriteByte('|')
		for _, list := range [][]*Page{p.Backlinks, p.Translations} {
			for _, q := range list {
				cand(&h, q)
			}
			h.WriteByte('|')
		}
		keys[i] = h.Sum64()
	})
	return keys
}

// lookup returns p's related pages from the last build when what they are
// chosen from is the same.
func (m *relatedMemo) lookup(p *Page, key uint64, byPath map[string]*Page) ([]*Page, bool) {
	m.mu.Lock()
	l, ok := m.lists[p.Path]
	m.mu.Unlock()
	if !ok || l.key != key {
		return nil, false
	}
	var out []*Page
	for _, path := range l.paths {
		q := byPath[path]
		if q == nil {
			return nil, false
		}
		out = append(out, q)
	}
	return out, true
}

// store keeps this build's related pages for the next.
func (m *relatedMemo) store(pages []*Page, keys []uint64) {
	if m == nil {
		return
	}
	lists := make(map[string]relatedList, len(pages))
	for i, p := range pages {
		if !p.IsPlaybook() {
			continue
		}
		paths := make([]string, len(p.Related))
		for j, q := range p.Related {
			paths[j] = q.Path
		}
		lists[p.Path] = relatedList{key: keys[i], paths: paths}
	}
	m.mu.Lock()
	m.lists = lists
	m.mu.Unlock()
}

// related returns p's related pages among the playbooks of p's language
// that are not its translations: each scores 2 when either links to the
// other, plus one for each tag they share (pages of p's section sharing a
// tag are candidates too); the best maxRelated with a score, by score and
// then path.
func related(p *Page, byTag map[secTag][]*Page) []*Page {
	score := map[*Page]int{}
	for _, l := range p.Links {
		if l.Target != nil {
			score[l.Target] = 2
		}
	}
	for _, b := range p.Backlinks {
		score[b] = 2
	}
	for _, t := range p.Tags {
		for _, q := range byTag[secTag{p.Section, t}] {
			score[q] += 0 // a candidate, scored by its shared tags below
		}
	}
	type cand struct {
		p     *Page
		score int
	}
	// The best maxRelated, kept in order as the candidates come: a big
	// folder gives a page thousands of candidates, and sorting them all
	// cost more than the rest of a rebuild.
	better := func(a, b cand) bool { return a.score > b.score || a.score == b.score && a.p.Path < b.p.Path }
	best := make([]cand, 0, maxRelated+1)
	for q, sc := range score {
		if q == p || !q.IsPlaybook() || q.Lang != p.Lang || slices.Contains(p.Translations, q) {
			continue
		}
		c := cand{q, sc + sharedTags(p, q)}
		if c.score <= 0 || len(best) == maxRelated && !better(c, best[len(best)-1]) {
			continue
		}
		i := len(best)
		for i > 0 && better(c, best[i-1]) {
			i--
		}
		best = slices.Insert(best, i, c)
		best = best[:min(len(best), maxRelated)]
	}
	if len(best) == 0 {
		return nil
	}
	out := make([]*Page, len(best))
	for i, c := range best {
		out[i] = c.p
	}
	return out
}

func term(m map[string]*Term, name, u string) *Term {
	t := m[name]
	if t == nil {
		t = &Term{Name: name, URL: u}
		m[name] = t
	}
	return t
}

func sortedTerms(m map[string]*Term) []*Term {
	out := make([]*Term, 0, len(m))
	for _, t := range m {
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b *Term) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

func sharedTags(a, b *Page) int {
	n := 0
	for _, t := range a.Tags {
		if slices.Contains(b.Tags, t) {
			n++
		}
	}
	return n
}
