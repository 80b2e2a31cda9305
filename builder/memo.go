package builder

import (
	"bytes"
	"cmp"
	"fmt"
	"hash/maphash"
	"html/template"
	"maps"
	"os"
	"slices"
	"sync"
	"time"
)

// A rebuild in watch mode renders again only the pages whose output can
// differ from the last build's. Each playbook page's output is a function
// of the page itself (its body, fields and Git dates), of what it shows of
// the pages it names (translations, related pages, backlinks, the pages
// before and after it, pages its fields link to, the folders above it), of
// what every page of its language shows (kinds and their counts, the
// overdue count, the languages) and of the sidebar's tree. renderMemo keeps
// a digest of all but the tree per page, and where in the output the tree
// is: a page whose digest is unchanged is not rendered again, and when only
// its tree changed (a page in its folder was renamed), the new tree is put
// in the place of the old in the file as written.
//
// The digest knows what the default theme's layouts show; a site with
// layouts of its own renders every page on every rebuild.
type renderMemo struct {
	seed maphash.Seed
	mu   sync.Mutex
	outs map[string]memoOut // by output path
	// cards are the cards and rows of the last build (see View.Row).
	cards map[memoCardKey]memoCard
	// dest reads the last build's output, for changing its tree in place.
	dest string
	// facts are the digests of the last build's pages (factsOf), by path.
	facts map[string]memoFacts
}

// memoFacts is a page's factsOf and what it was computed from: the page
// as loaded, and what building the site changes of what factsOf reads.
type memoFacts struct {
	from    *loaded
	index   bool
	aliases []string
	updated time.Time
	sum     uint64
}

// memoCardKey names a card or row of the last build: the page's path,
// the language and the template's name.
type memoCardKey struct{ path, lang, name string }

// memoCard is a rendered card, with the digests it was rendered from.
type memoCard struct {
	facts, global uint64
	html          template.HTML
}

// memoOut is what renderMemo knows of one written page.
type memoOut struct {
	digest uint64 // 0 when the page must always be rendered
	sum    uint64 // hashBytes of the file as written
	size   int    // the file's size, a hint for rendering it again
	// navAt and navLen locate the sidebar's tree in the file; navLen 0
	// when the page has none (or it could not be found). navSum is the
	// tree's hash; noNav is set when the layout does not show the tree.
	navAt, navLen int
	navSum        uint64
	noNav         bool
	// navKey is the tree's key (navTree.key): while it is the same, so
	// is the tree.
	navKey uint64
}

func newRenderMemo(dest string) *renderMemo {
	return &renderMemo{seed: maphash.MakeSeed(), outs: map[string]memoOut{}, dest: dest}
}

// memoPass is one rebuild's use of the memo: the digests of what every
// page of a language shows, and the output paths of pages whose source
// changed, which are always rendered.
type memoPass struct {
	m       *renderMemo
	site    *Site
	global  map[string]uint64 // by language
	facts   map[*Page]uint64  // digest of pageFacts and the date of each page
	changed map[string]bool   // by page path
	next    map[string]memoOut
	// nextFacts are the facts of this pass's pages, for the next.
	nextFacts map[string]memoFacts
	mu        sync.Mutex
	// partial is set for a pass that renders some pages only: commit
	// adds its outputs to the memo's instead of replacing them.
	partial bool
	// sourcesOnly is set when only pages changed (not site.yaml, the
	// theme or a static file): the theme's assets and the static files
	// are as written last time.
	sourcesOnly bool
}

// unchanged reports whether o is a static file or theme asset that this
// pass knows to be as the last build wrote it.
func (ps *memoPass) unchanged(o output) bool {
	return ps != nil && ps.sourcesOnly && o.source && !ps.changed[cmp.Or(o.by.file, o.path)]
}

// pass starts a rebuild of site, with the pages at the content-relative
// paths changed rendered whatever their digest. A partial pass renders a
// few pages of the last build's site again (an edit that changed nothing
// other pages show): it leaves the site's cards as they are. A nil memo
// gives a nil pass, and a theme with layouts of its own a pass without
// digests: everything is rendered.
func (m *renderMemo) pass(site *Site, theme *Theme, changed map[string]bool, partial bool) *memoPass {
	if m == nil {
		return nil
	}
	ps := &memoPass{m: m, site: site, changed: changed, partial: partial, global: map[string]uint64{}, next: map[string]memoOut{}}
	if !theme.defaultLayouts {
		return ps
	}
	for _, l := range site.Languages {
		var h maphash.Hash
		h.SetSeed(m.seed)
		fmt.Fprintf(&h, "%v|%v|%v|%q|%d|", site.Now, site.Features, site.Languages, site.displaced, site.overdue[l.Code])
		for _, g := range append(site.kindGroups(l.Code, l.Code), site.kindGroups("", l.Code)...) {
			fmt.Fprintf(&h, "%q %q %q %d|", g.Title, g.URL, g.ID, g.Count)
		}
		ps.global[l.Code] = h.Sum64()
	}
	if partial {
		return ps // the few digests it takes read the pages' facts as needed
	}
	ps.facts = make(map[*Page]uint64, len(site.Pages))
	ps.nextFacts = make(map[string]memoFacts, len(site.Pages))
	for _, p := range site.Pages {
		f, ok := m.facts[p.Path]
		if !ok || p.pristine == nil || f.from != p.pristine || f.index != p.IsIndex || !f.updated.Equal(p.Updated) || !slices.Equal(f.aliases, p.Aliases) {
			f = memoFacts{from: p.pristine, index: p.IsIndex, aliases: p.Aliases, updated: p.Updated, sum: ps.factsOf(p)}
		}
		ps.facts[p] = f.sum
		if f.from != nil {
			ps.nextFacts[p.Path] = f
		}
	}
	// The cards of pages whose facts did not change are as they were.
	m.mu.Lock()
	defer m.mu.Unlock()
	site.cacheMu.Lock()
	defer site.cacheMu.Unlock()
	if site.parts == nil {
		site.parts = map[partKey]template.HTML{}
	}
	for k, c := range m.cards {
		p := site.byPath[k.path]
		if p == nil {
			continue
		}
		if f, ok := ps.facts[p]; ok && c.facts == f && c.global == ps.global[k.lang] {
			site.parts[partKey{p: p, lang: k.lang, name: k.name}] = c.html
		}
	}
	return ps
}

// digest sums up what j's output shows but the sidebar's tree; 0 means j
// is always rendered (the home pages, and pages of layouts renderMemo does
// not know).
func (ps *memoPass) digest(j *job) uint64 {
	if ps == nil {
		return 0
	}
	p, v := j.page, j.view
	g, ok := ps.global[v.Lang]
	if !ok {
		return 0
	}
	var h maphash.Hash
	h.SetSeed(ps.m.seed)
	maphash.WriteComparable(&h, g)
	hashStrings(&h, j.out, v.Layout, v.URL, v.Title, v.Summary, v.Redirect)
	// facts digests what a page shows of others (links, cards).
	facts := func(list ...*Page) {
		for _, q := range list {
			sum, ok := ps.facts[q]
			if !ok {
				sum = ps.factsOf(q)
			}
			maphash.WriteComparable(&h, sum)
		}
		h.WriteByte('|')
	}
	groups := func(gs []Group) {
		for _, g := range gs {
			fmt.Fprintf(&h, "%q %q %q %d|", g.Title, g.URL, g.ID, g.Count)
			facts(g.Pages...)
		}
	}
	switch v.Layout {
	case "alias":
		return h.Sum64()
	case "search", "404", "review", "owners", "terms":
		// Generated pages: what they list, and what every page shows.
		hashView(&h, v)
		facts(v.List...)
		switch v.Layout {
		case "owners":
			groups(v.OwnerGroups())
		case "terms":
			groups(v.TagCounts())
		}
		return h.Sum64()
	}
	switch {
	case v.Layout == "list":
		if v.Page != nil && v.Page != p {
			return 0
		}
		hashView(&h, v)
		for _, sub := range v.Subsections() {
			hashStrings(&h, sub.Title, sub.URL, sub.Summary)
		}
		if v.Section != nil {
			h.WriteString(v.Section.Path)
		}
		if v.Term != nil {
			h.WriteString(v.Term.Name)
		}
		if v.Kind != nil {
			h.WriteString(v.Kind.Name)
		}
		facts(v.List...)
		facts(v.Others...)
		if p != nil {
			facts(p)
			maphash.WriteComparable(&h, p.bodyKey())
		}
		return h.Sum64()
	case p == nil || p.IsIndex || v.Page != p || !ps.knownLayout(v.Layout):
		return 0
	}
	hashView(&h, v)
	facts(p)
	maphash.WriteComparable(&h, p.bodyKey())
	hashStrings(&h, p.Authors...)
	facts(p.Translations...)
	facts(p.Related...)
	facts(p.Backlinks...)
	facts(p.Prev, p.Next)
	// The fields naming pages, in any order: each digested on its own
	// with its name, the digests summed.
	var refSum uint64
	for f, v := range p.Fields {
		if refs, ok := v.([]PageRef); ok {
			var fh maphash.Hash
			fh.SetSeed(ps.m.seed)
			hashStrings(&fh, f)
			for _, r := range refs {
				sum, ok := ps.facts[r.Page]
				if !ok {
					sum = ps.factsOf(r.Page)
				}
				maphash.WriteComparable(&fh, sum)
			}
			refSum += fh.Sum64()
		}
	}
	maphash.WriteComparable(&h, refSum)
	return h.Sum64()
}

// hashStrings writes each string and a separator.
func hashStrings(h *maphash.Hash, ss ...string) {
	for _, x := range ss {
		h.WriteString(x)
		h.WriteByte(0)
	}
	h.WriteByte('|')
}

// hashView writes what a view shows besides its page and lists: its
// breadcrumbs and language switch.
func hashView(h *maphash.Hash, v *View) {
	for _, c := range v.Crumbs {
		hashStrings(h, c.Title, c.URL)
	}
	for _, l := range v.Switch() {
		hashStrings(h, l.Code, l.Name, l.URL)
		maphash.WriteComparable(h, l.Alternate)
	}
	h.WriteByte('|')
}

// factsOf digests what other pages show of p.
func (ps *memoPass) factsOf(p *Page) uint64 {
	if p == nil {
		return 0
	}
	var h maphash.Hash
	h.SetSeed(ps.m.seed)
	writeFacts(&h, p)
	maphash.WriteComparable(&h, p.Updated.UnixNano())
	return h.Sum64()
}

// knownLayout reports whether a page layout is one of the default theme's
// page layouts, whose data renderMemo's digest covers.
func (ps *memoPass) knownLayout(name string) bool {
	switch name {
	case "page", "symptom", "meeting-format", "channel-agreement", "tool-rollout":
		return true
	}
	return false
}

// reuse writes j's output without rendering it when its digest is what it
// was: unchanged, or with the sidebar's tree replaced. It reports whether
// it did.
func (ps *memoPass) reuse(j *job, digest uint64, w FileWriter) bool {
	if ps == nil || digest == 0 || j.page != nil && ps.changed[j.page.Path] {
		return false
	}
	ps.m.mu.Lock()
	old, ok := ps.m.outs[j.out]
	ps.m.mu.Unlock()
	if !ok || old.digest != digest {
		return false
	}
	if old.noNav {
		return ps.keep(w, j.out, old)
	}
	key, _ := j.view.navKey()
	if key == old.navKey {
		return ps.keep(w, j.out, old)
	}
	nav, err := j.view.NavTree()
	if err != nil {
		return false
	}
	if sum := maphash.String(ps.m.seed, string(nav)); sum == old.navSum {
		old.navKey = key
		return ps.keep(w, j.out, old)
	}
	if old.navLen == 0 || len(nav) == 0 {
		return false // the layout shows the tree's frame only when there is a tree
	}
	data, err := os.ReadFile(ps.m.dest + "/" + j.out)
	if err != nil || hashBytes(data) != old.sum || old.navAt+old.navLen > len(data) {
		return false
	}
	out := make([]byte, 0, len(data)-old.navLen+len(nav))
	out = append(append(append(out, data[:old.navAt]...), nav...), data[old.navAt+old.navLen:]...)
	if w.WriteFile(j.out, out) != nil {
		return false
	}
	ps.record(j.out, memoOut{digest: digest, sum: hashBytes(out), size: len(out), navAt: old.navAt, navLen: len(nav), navSum: maphash.String(ps.m.seed, string(nav)), navKey: key})
	return true
}

// sizeOf is the size of out as the last build wrote it, or 0.
func (ps *memoPass) sizeOf(out string) int {
	if ps == nil {
		return 0
	}
	ps.m.mu.Lock()
	defer ps.m.mu.Unlock()
	return ps.m.outs[out].size
}

// keep counts out as written with the bytes the last build wrote, when w
// can and they are those the memo knows.
func (ps *memoPass) keep(w FileWriter, out string, o memoOut) bool {
	k, ok := w.(interface{ keep(string, uint64) bool })
	if !ok || !k.keep(out, o.sum) {
		return false
	}
	ps.record(out, o)
	return true
}

// rendered records j's freshly rendered output.
func (ps *memoPass) rendered(j *job, digest uint64, data []byte) {
	if ps == nil {
		return
	}
	o := memoOut{digest: digest, sum: hashBytes(data), size: len(data), noNav: !j.view.navShown}
	if nav := j.view.nav; !o.noNav {
		o.navSum = maphash.String(ps.m.seed, nav)
		o.navKey, _ = j.view.navKey()
		if at := bytes.Index(data, []byte(nav)); nav != "" && at >= 0 {
			o.navAt, o.navLen = at, len(nav)
		}
	}
	ps.record(j.out, o)
}

func (ps *memoPass) record(out string, o memoOut) {
	ps.mu.Lock()
	ps.next[out] = o
	ps.mu.Unlock()
}

// commit makes the pass's outputs the memo's, once the rebuild is
// published.
func (ps *memoPass) commit() {
	if ps == nil {
		return
	}
	ps.m.mu.Lock()
	defer ps.m.mu.Unlock()
	if ps.partial {
		maps.Copy(ps.m.outs, ps.next)
	} else {
		ps.m.outs = ps.next
		if ps.nextFacts != nil {
			ps.m.facts = ps.nextFacts
		}
	}
	if len(ps.global) == 0 || ps.partial {
		return // a partial pass rendered no card anew
	}
	site := ps.site
	site.cacheMu.Lock()
	defer site.cacheMu.Unlock()
	cards := make(map[memoCardKey]memoCard, len(site.parts))
	for k, html := range site.parts {
		if k.p == nil {
			continue // a shared part: rendered again on every build
		}
		if f, ok := ps.facts[k.p]; ok {
			cards[memoCardKey{k.p.Path, k.lang, k.name}] = memoCard{facts: f, global: ps.global[k.lang], html: html}
		}
	}
	ps.m.cards = cards
}

// bodySeed seeds bodyDigest: the digests are compared within one process.
var bodySeed = maphash.MakeSeed()

// bodyDigest digests a page's rendered heading and body.
func bodyDigest(h1, body template.HTML) uint64 {
	var h maphash.Hash
	h.SetSeed(bodySeed)
	h.WriteString(string(h1))
	h.WriteByte(0)
	h.WriteString(string(body))
	return h.Sum64()
}

// bodyKey is p's bodySum, or, should it not be known, the digest made now
// (and not kept: several jobs may show p at once).
func (p *Page) bodyKey() uint64 {
	if p.bodySum != 0 {
		return p.bodySum
	}
	return bodyDigest(p.H1, p.Body)
}
