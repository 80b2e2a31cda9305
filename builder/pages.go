package builder

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"html/template"
	"maps"
	"slices"
	"strings"
	"time"
)

// trustedHTML marks the Markdown renderer's output as safe HTML. It is the
// only place where content becomes template.HTML: raw HTML has gone through
// the allow-list sanitizer (rawhtml.go) and goldmark drops dangerous URLs,
// unless the site opts in to unsafe HTML.
func trustedHTML[T string | []byte](b T) template.HTML { return template.HTML(b) }

// jobs lists every HTML file of the site with the view it is rendered from.
// Each language of the site has its own home, folder, kind, tag, owners,
// review and search pages, in its part of the site (Config.LangURL).
func (s *Site) jobs(theme *Theme) []job {
	def := s.Config.DefaultLanguage
	view := func(layout, url, title, lang string) *View {
		return &View{Site: s, Layout: layout, URL: url, Title: title, Lang: lang, theme: theme}
	}
	var jobs []job
	for _, p := range s.Pages {
		layout := "page"
		if k := s.Config.Kind(p.Kind); k != nil && k.Layout != "" && theme.HasLayout(k.Layout) {
			layout = k.Layout
		}
		v := view(layout, p.URL, p.Title, p.Lang)
		v.Page, v.Summary = p, p.Summary
		if p.IsIndex {
			s.listSection(v, s.sections[p.Section])
			v.Layout = "list"
			if p.Section == "" {
				v.Layout = "home"
			}
		}
		v.Crumbs = s.crumbs(p.Section, p.IsIndex, p.Lang)
		jobs = append(jobs, job{out: outPath(p.URL), view: v, page: p, by: pageClaim(p)})
		for _, a := range p.Aliases {
			av := view("alias", a, p.Title, p.Lang)
			av.Page, av.Redirect = p, av.Rel(p.URL)
			jobs = append(jobs, job{out: outPath(a), view: av, by: aliasClaim(p, a)})
		}
	}
	for _, p := range s.redirects {
		v := view("alias", p.URL, p.Title, p.Lang)
		v.Page, v.Redirect = p.redirectPage, p.redirect
		jobs = append(jobs, job{out: outPath(p.URL), view: v, by: redirectClaim(p)})
	}
	for _, old := range slices.Sorted(maps.Keys(s.moved)) {
		// The view has no Page: a redirect depends on no page's text, so an
		// edit of the page does not render it again.
		p := s.byURL[s.moved[old]]
		v := view("alias", old, p.Title, p.Lang)
		v.Redirect = v.Rel(p.URL)
		jobs = append(jobs, job{out: outPath(old), view: v, by: claim{what: "the redirect from " + old + " to " + p.Path + " (URL " + p.URL + ")", file: p.Path, rank: rankGenerated}})
	}
	for _, l := range s.Languages {
		jobs = append(jobs, s.languageJobs(theme, l, view)...)
		// The language's list of playbooks before it had a home of its own,
		// unless the site's own pages are in /lang/.
		if slices.Contains(s.displaced, "/lang/") {
			continue
		}
		old := "/lang/" + l.Code + "/"
		v := view("alias", old, l.Name, l.Code)
		v.Redirect = v.LangRel("/")
		jobs = append(jobs, job{out: outPath(old), view: v, by: claim{what: "kb's redirect " + old}})
	}
	// A not-found page per language: kb serve answers a missing path under
	// /nl/ with /nl/404.html.
	for _, l := range s.Languages {
		u, what := s.Config.LangURL(l.Code, "/404.html"), "kb's not-found page"
		if l.Code != def {
			what += " in " + l.Name
		}
		jobs = append(jobs, job{out: strings.TrimPrefix(u, "/"), view: view("404", u, "", l.Code), by: claim{what: what}})
	}
	return jobs
}

// languageJobs lists the pages kb makes for one language: its home and
// folder pages (where the folder has no index page in that language), its
// kind and tag lists, and its owners, review and search pages.
func (s *Site) languageJobs(theme *Theme, l Language, view func(layout, url, title, lang string) *View) []job {
	lang := l.Code
	at := func(u string) string { return s.Config.LangURL(lang, u) }
	// what names a claimant, with the language outside the default one.
	what := func(w string) string {
		if lang == s.Config.DefaultLanguage {
			return w
		}
		return w + " in " + l.Name
	}
	home := []Crumb{s.homeCrumb(lang)}
	var jobs []job
	for _, sec := range s.Sections {
		u := at(sec.URL)
		if idx := sec.IndexIn(lang); idx != nil && s.byURL[u] == idx {
			continue // the index page is the folder's page
		}
		if s.read.lenient && sec.Path != "" && s.langless(u) == "/" {
			// A folder named as a language (nl/, a Jekyll site's pages in
			// Dutch): its list would take that language's home, which
			// lists its pages.
			continue
		}
		layout := "list"
		if sec.Path == "" {
			layout = "home"
		}
		v := view(layout, u, s.sectionTitle(sec, lang), lang)
		if sec.Path == "" && lang == s.Config.DefaultLanguage {
			v.Summary = s.Config.Description
		}
		s.listSection(v, sec)
		v.Crumbs = s.crumbs(sec.Path, true, lang)
		jobs = append(jobs, job{out: outPath(u), view: v, by: sectionClaim(sec, u, what)})
	}
	for _, g := range s.kindGroups("", lang) {
		k := s.Config.Kind(g.ID)
		base := s.genPath("/kinds/" + k.Name + "/")
		v := view("list", at(base), k.PluralFor(lang), lang)
		v.Kind, v.base, v.Crumbs = k, base, home
		v.List, v.Others = s.byLanguage(s.kindPages()[k.Name], lang)
		jobs = append(jobs, job{out: outPath(v.URL), view: v, by: claim{what: what("kb's list of the kind " + k.Name)}})
	}
	tags := theme.ui.text(lang, "tags")
	if s.Features.Tags {
		tv := view("terms", at(s.genPath("/tags/")), tags, lang)
		tv.base, tv.Crumbs = s.genPath("/tags/"), home
		jobs = append(jobs, job{out: outPath(tv.URL), view: tv, by: claim{what: what("kb's list of tags")}})
	}
	// termJob is the list of the pages of a tag or owner t, titled title,
	// below the list of them all (up).
	termJob := func(t *Term, title string, up Crumb, what string) job {
		v := view("list", at(t.URL), title, lang)
		v.Term, v.base = t, t.URL
		v.List, v.Others = s.byLanguage(t.Pages, lang)
		v.Crumbs = []Crumb{home[0], up}
		return job{out: outPath(v.URL), view: v, by: claim{what: what}}
	}
	for _, t := range s.Tags {
		jobs = append(jobs, termJob(t, "#"+t.Name, Crumb{Title: tags, URL: at(s.genPath("/tags/"))}, what("kb's page of the tag "+t.Name)))
	}
	// A page per owner, listed on the owners page.
	if theme.HasLayout("owners") {
		up := Crumb{Title: theme.ui.text(lang, "owners"), URL: at(s.genPath("/owners/"))}
		for _, o := range s.Owners {
			jobs = append(jobs, termJob(o, o.Name, up, what("kb's page of the owner "+o.Name)))
		}
	}
	// The owners and review pages only when some page has an owner or a
	// review date: nothing links to them otherwise.
	for _, special := range []struct {
		layout, url string
		used        bool
	}{{"owners", "/owners/", s.Features.Owners}, {"review", "/review/", s.Features.Reviews}, {"search", "/search/", true}} {
		if !theme.HasLayout(special.layout) || !special.used {
			continue
		}
		v := view(special.layout, at(s.genPath(special.url)), "", lang)
		v.base, v.Crumbs = s.genPath(special.url), home
		if special.layout == "review" {
			// Every page past its date, the reader's language first.
			var overdue []*Page
			for _, p := range s.Pages {
				if p.Overdue(s.Now) {
					overdue = append(overdue, p)
				}
			}
			slices.SortFunc(overdue, func(a, b *Page) int { return a.ReviewBy.Compare(b.ReviewBy) })
			for _, p := range overdue {
				if p.Lang == lang {
					v.List = append(v.List, p)
				}
			}
			for _, p := range overdue {
				if p.Lang != lang {
					v.List = append(v.List, p)
				}
			}
		}
		jobs = append(jobs, job{out: outPath(v.URL), view: v, by: claim{what: what("kb's " + special.layout + " page")}})
	}
	return jobs
}

// kindPages returns the pages of each kind, in the site's order.
func (s *Site) kindPages() map[string][]*Page {
	s.cacheMu.Lock()
	defer s.cacheMu.Unlock()
	if s.byKind == nil {
		s.byKind = map[string][]*Page{}
		for _, p := range s.ordered {
			s.byKind[p.Kind] = append(s.byKind[p.Kind], p)
		}
	}
	return s.byKind
}

// listSection makes v the page of the folder sec in v's language: its
// pages in that language, then those only in another language.
func (s *Site) listSection(v *View, sec *Section) {
	v.Section, v.base = sec, sec.URL
	v.List, v.Others = s.byLanguage(sec.Pages, v.Lang)
}

// byLanguage splits pages, keeping their order, into those in lang and
// those only in other languages: the pages with no translation in lang,
// each once, in the first of its languages among pages (the default
// language, then site.yaml's order).
func (s *Site) byLanguage(pages []*Page, lang string) (native, others []*Page) {
	for _, p := range pages {
		switch {
		case p.Lang == lang:
			native = append(native, p)
		case p.TranslationIn(lang) == nil:
			others = append(others, p)
		}
	}
	if len(others) == 0 {
		return native, nil
	}
	listed := make(map[*Page]bool, len(others))
	for _, p := range others {
		listed[p] = true
	}
	rank := func(p *Page) int {
		if p.Lang == s.Config.DefaultLanguage {
			return -1
		}
		return slices.IndexFunc(s.Languages, func(l Language) bool { return l.Code == p.Lang })
	}
	others = slices.DeleteFunc(others, func(p *Page) bool {
		return slices.ContainsFunc(p.Translations, func(t *Page) bool { return listed[t] && rank(t) < rank(p) })
	})
	return native, others
}

// homeCrumb is the first step of every breadcrumb trail in lang: the
// language's home page.
func (s *Site) homeCrumb(lang string) Crumb {
	return Crumb{Title: s.sectionTitle(s.sections[""], lang), URL: s.Config.LangURL(lang, "/")}
}

// crumbs returns the breadcrumb trail to a section (excluding the section
// itself when the page is its index), titled and linked in lang.
func (s *Site) crumbs(section string, isIndex bool, lang string) []Crumb {
	var out []Crumb
	sec := s.sections[section]
	if isIndex && sec != nil {
		sec = sec.Parent
	}
	for ; sec != nil; sec = sec.Parent {
		out = append([]Crumb{{Title: s.sectionTitle(sec, lang), URL: s.Config.LangURL(lang, sec.URL)}}, out...)
	}
	return out
}

// sectionTitle is a section's title in lang: site.yaml's name for it in
// that language, else the title of its index page in that language, else
// its own.
func (s *Site) sectionTitle(sec *Section, lang string) string {
	if t := s.Config.SectionTitle(lang, sec.Path); t != "" {
		return t
	}
	if idx := sec.IndexIn(lang); idx != nil {
		return idx.Title
	}
	return sec.Title
}

// sitemap lists every page of the site.
func (s *Site) sitemap() []byte {
	type entry struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod,omitempty"`
	}
	var urls []entry
	add := func(u string, t time.Time) {
		e := entry{Loc: s.Config.AbsURL(s.Config.BasePath() + strings.TrimPrefix(u, "/"))}
		if !t.IsZero() {
			e.LastMod = t.UTC().Format(time.DateOnly)
		}
		urls = append(urls, e)
	}
	for _, p := range s.Pages {
		add(p.URL, p.Updated)
	}
	for _, l := range s.Languages {
		at := func(u string) string { return s.Config.LangURL(l.Code, u) }
		for _, sec := range s.Sections {
			if idx := sec.IndexIn(l.Code); idx == nil || idx.URL != at(sec.URL) {
				add(at(sec.URL), time.Time{})
			}
		}
		for _, g := range s.kindGroups("", l.Code) {
			add(at(g.URL), time.Time{})
		}
		for _, t := range s.Tags {
			add(at(t.URL), time.Time{})
		}
		for _, o := range s.Owners {
			add(at(o.URL), time.Time{})
		}
	}
	slices.SortFunc(urls, func(a, b entry) int { return strings.Compare(a.Loc, b.Loc) })
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	buf.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	// One encoder for every entry: xml.Marshal makes one each, with a
	// buffer of its own, which on a large site was most of what a rebuild
	// allocated.
	enc := xml.NewEncoder(&buf)
	for _, u := range urls {
		_ = enc.Encode(struct {
			XMLName xml.Name `xml:"url"`
			entry
		}{entry: u})
		buf.WriteByte('\n')
	}
	buf.WriteString("</urlset>\n")
	return buf.Bytes()
}

// feedPath is where a language's feed is written: feed.xml for the
// default language, nl/feed.xml for Dutch.
func (s *Site) feedPath(lang string) string {
	return strings.TrimPrefix(s.Config.LangURL(lang, "/feed.xml"), "/")
}

// feedTitle is the title of a language's feed: the site's, with the
// language's name for a language other than the default one.
func (s *Site) feedTitle(lang string) string {
	for _, l := range s.Languages {
		if l.Code == lang && lang != s.Config.DefaultLanguage {
			return s.Config.Title + " (" + l.Name + ")"
		}
	}
	return s.Config.Title
}

// feed is an Atom feed of the most recently updated playbooks (pages, on
// a site whose pages have no kind) in one language, linked from that
// language's pages.
func (s *Site) feed(l Language) []byte {
	type link struct {
		Href string `xml:"href,attr"`
		Rel  string `xml:"rel,attr,omitempty"`
	}
	type entry struct {
		Title   string `xml:"title"`
		Link    link   `xml:"link"`
		ID      string `xml:"id"`
		Updated string `xml:"updated"`
		Summary string `xml:"summary,omitempty"`
		Author  *struct {
			Name string `xml:"name"`
		} `xml:"author,omitempty"`
	}
	type feed struct {
		XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		Lang    string   `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
		Title   string   `xml:"title"`
		Links   []link   `xml:"link"`
		ID      string   `xml:"id"`
		Updated string   `xml:"updated"`
		Author  struct {
			Name string `xml:"name"`
		} `xml:"author"`
		Entries []entry `xml:"entry"`
	}
	home := s.Config.AbsURL(s.Config.BasePath() + strings.TrimPrefix(s.Config.LangURL(l.Code, "/"), "/"))
	f := feed{Lang: l.Code, Title: s.feedTitle(l.Code), ID: home,
		Links: []link{{Href: home}, {Href: s.Config.AbsURL(s.Config.BasePath() + s.feedPath(l.Code)), Rel: "self"}}}
	f.Author.Name = s.Config.Title
	newest := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, p := range s.recent(l.Code, s.Config.FeedSize) {
		u := s.Config.AbsURL(s.Config.BasePath() + strings.TrimPrefix(p.URL, "/"))
		upd := p.Updated
		if upd.IsZero() {
			upd = newest
		}
		if upd.After(newest) {
			newest = upd
		}
		e := entry{Title: p.Title, Link: link{Href: u}, ID: u, Updated: upd.UTC().Format(time.RFC3339), Summary: p.Summary}
		if len(p.Authors) > 0 {
			e.Author = &struct {
				Name string `xml:"name"`
			}{p.Authors[0]}
		}
		f.Entries = append(f.Entries, e)
	}
	f.Updated = newest.UTC().Format(time.RFC3339)
	out, _ := xml.MarshalIndent(f, "", "  ")
	return append([]byte(xml.Header), append(out, '\n')...)
}

func (s *Site) robots() []byte {
	return []byte(fmt.Sprintf("User-agent: *\nAllow: /\nSitemap: %s\n", s.Config.AbsURL(s.Config.BasePath()+"sitemap.xml")))
}
