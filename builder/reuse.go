package builder

import (
	"maps"
	"slices"
)

// A session's rebuild does not parse again the Markdown files that did not
// change: each page of the last build keeps its state as it was loaded
// (before links were resolved and relations filled in), and the rebuild
// starts from a copy of it, with the body rendered last time. The body is
// rendered again only when a link in it now leads elsewhere (reparseStale).
// Pages whose text may hold placeholders are always parsed again, since
// the placeholder check reads their source.

// loaded is a page as loadPage made it, and what loadPage reported.
type loaded struct {
	page  *Page
	diags Diagnostics
}

// reuser hands out the pages of the last build whose files did not change.
type reuser struct {
	old     *Site
	changed map[string]bool // content-relative paths
}

// page returns a fresh copy of the page loaded from the content-relative
// path p in the last build, with what loading it reported, or nil when it
// must be loaded again.
func (r *reuser) page(p string) (*Page, Diagnostics) {
	if r == nil || r.changed[p] {
		return nil, nil
	}
	old := r.old.byPath[p]
	if old == nil || old.pristine == nil || old.renderErr != nil {
		return nil, nil
	}
	np := old.pristine.page.clone()
	np.pristine = old.pristine
	np.Body, np.H1, np.bodySum, np.bodyHrefs, np.reused = old.Body, old.H1, old.bodySum, old.bodyHrefs, true
	return np, slices.Clone(old.pristine.diags)
}

// clone copies p with its own copies of what building a site changes in
// a page (links, aliases, fields naming pages), without its syntax tree.
func (p *Page) clone() *Page {
	c := *p
	c.doc, c.src, c.pristine = nil, nil, nil
	c.Links = make([]*Link, len(p.Links))
	for i, l := range p.Links {
		nl := *l
		nl.node, nl.raw, nl.Target, nl.Anchor, nl.href = nil, nil, nil, "", ""
		c.Links[i] = &nl
	}
	c.Aliases = slices.Clone(p.Aliases)
	if p.Fields != nil {
		c.Fields = maps.Clone(p.Fields)
		for k, v := range c.Fields {
			if refs, ok := v.([]PageRef); ok {
				fresh := make([]PageRef, len(refs))
				for i, r := range refs {
					r.URL, r.Title, r.Page = "", "", nil
					fresh[i] = r
				}
				c.Fields[k] = fresh
			}
		}
	}
	return &c
}

// hrefs lists where p's links lead, as resolved.
func (p *Page) hrefs() []string {
	out := make([]string, len(p.Links))
	for i, l := range p.Links {
		out[i] = l.href
	}
	return out
}

// reparseStale parses again each reused page whose links now lead
// elsewhere than when its body was rendered, so that renderBodies renders
// it anew.
func (s *Site) reparseStale(parse func(SourceFile) *Page) {
	for _, p := range s.Pages {
		if !p.reused || slices.Equal(p.hrefs(), p.bodyHrefs) {
			continue
		}
		np := parse(SourceFile{Path: p.Path})
		if np == nil || np.src == nil || len(np.Links) != len(p.Links) {
			continue // the file changed since it was read: the next build sees it
		}
		// renderBodies parses the source again with the links set to where
		// they lead now (parseAgain).
		p.doc, p.src = nil, np.src
		p.Body, p.H1, p.bodySum, p.reused = "", "", 0, false
	}
}
