package builder

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"html/template"
	"slices"
	"strings"
	"time"
)

// trustedHTML marks the Markdown renderer's output as safe HTML. It is the
// only place where content becomes template.HTML: raw HTML has gone through
// the allow-list sanitizer (rawhtml.go) and goldmark drops dangerous URLs,
// unless the site opts in to unsafe HTML.
func trustedHTML(b []byte) template.HTML { return template.HTML(b) }

// jobs lists every HTML file of the site with the view it is rendered from.
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
			v.Section = s.sections[p.Section]
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
	for _, sec := range s.Sections {
		if sec.Index != nil && s.byURL[sec.URL] == sec.Index {
			continue
		}
		layout := "list"
		if sec.Path == "" {
			layout = "home"
		}
		v := view(layout, sec.URL, sec.Title, def)
		v.Section = sec
		v.Crumbs = s.crumbs(sec.Path, true, def)
		jobs = append(jobs, job{out: outPath(sec.URL), view: v, by: sectionClaim(sec)})
	}
	for _, g := range s.kindGroups("", def) {
		k := s.Config.Kind(g.ID)
		u := g.URL
		v := view("list", u, k.PluralFor(def), def)
		v.Kind = k
		v.List = slices.SortedFunc(slices.Values(g.Pages), byWeightTitle)
		v.Crumbs = []Crumb{{Title: s.Config.Title, URL: "/"}}
		jobs = append(jobs, job{out: outPath(u), view: v, by: claim{what: "kb's list of the kind " + k.Name}})
	}
	if s.Features.Tags {
		tv := view("terms", "/tags/", "Tags", def)
		tv.Crumbs = []Crumb{{Title: s.Config.Title, URL: "/"}}
		jobs = append(jobs, job{out: outPath("/tags/"), view: tv, by: claim{what: "kb's list of tags"}})
	}
	for _, t := range s.Tags {
		v := view("list", t.URL, "#"+t.Name, def)
		v.Term, v.List = t, t.Pages
		v.Crumbs = []Crumb{{Title: s.Config.Title, URL: "/"}, {Title: "Tags", URL: "/tags/"}}
		jobs = append(jobs, job{out: outPath(t.URL), view: v, by: claim{what: "kb's page of the tag " + t.Name}})
	}
	for _, l := range s.Config.Languages {
		u := "/lang/" + l.Code + "/"
		v := view("list", u, l.Name, l.Code)
		for _, p := range s.Pages {
			if p.Lang == l.Code && p.IsPlaybook() {
				v.List = append(v.List, p)
			}
		}
		slices.SortFunc(v.List, byWeightTitle)
		v.Crumbs = []Crumb{{Title: s.Config.Title, URL: "/"}}
		jobs = append(jobs, job{out: outPath(u), view: v, by: claim{what: "kb's list of the language " + l.Code}})
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
		v := view(special.layout, special.url, "", def)
		v.Crumbs = []Crumb{{Title: s.Config.Title, URL: "/"}}
		if special.layout == "review" {
			for _, p := range s.Pages {
				if p.Overdue(s.Now) {
					v.List = append(v.List, p)
				}
			}
			slices.SortFunc(v.List, func(a, b *Page) int { return a.ReviewBy.Compare(b.ReviewBy) })
		}
		jobs = append(jobs, job{out: outPath(special.url), view: v, by: claim{what: "kb's " + special.layout + " page"}})
	}
	jobs = append(jobs, job{out: "404.html", view: view("404", "/404.html", "", def), by: claim{what: "kb's not-found page"}})
	return jobs
}

// crumbs returns the breadcrumb trail to a section (excluding the section
// itself when the page is its index), titled in lang.
func (s *Site) crumbs(section string, isIndex bool, lang string) []Crumb {
	var out []Crumb
	sec := s.sections[section]
	if isIndex && sec != nil {
		sec = sec.Parent
	}
	for ; sec != nil; sec = sec.Parent {
		out = append([]Crumb{{Title: s.sectionTitle(sec, lang), URL: sec.URL}}, out...)
	}
	return out
}

// sectionTitle is a section's title in lang: site.yaml's name for it in
// that language, else its own.
func (s *Site) sectionTitle(sec *Section, lang string) string {
	if t := s.Config.SectionTitle(lang, sec.Path); t != "" {
		return t
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
	for _, sec := range s.Sections {
		if sec.Index == nil {
			add(sec.URL, time.Time{})
		}
	}
	for _, g := range s.kindGroups("", s.Config.DefaultLanguage) {
		add(g.URL, time.Time{})
	}
	for _, t := range s.Tags {
		add(t.URL, time.Time{})
	}
	slices.SortFunc(urls, func(a, b entry) int { return strings.Compare(a.Loc, b.Loc) })
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	buf.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for _, u := range urls {
		out, _ := xml.Marshal(struct {
			XMLName xml.Name `xml:"url"`
			entry
		}{entry: u})
		buf.Write(out)
		buf.WriteByte('\n')
	}
	buf.WriteString("</urlset>\n")
	return buf.Bytes()
}

// feed is an Atom feed of the most recently updated playbooks (pages, on
// a site whose pages have no kind).
func (s *Site) feed() []byte {
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
		Title   string   `xml:"title"`
		Links   []link   `xml:"link"`
		ID      string   `xml:"id"`
		Updated string   `xml:"updated"`
		Author  struct {
			Name string `xml:"name"`
		} `xml:"author"`
		Entries []entry `xml:"entry"`
	}
	home := s.Config.AbsURL(s.Config.BasePath())
	f := feed{Title: s.Config.Title, ID: home, Links: []link{{Href: home}, {Href: home + "feed.xml", Rel: "self"}}}
	f.Author.Name = s.Config.Title
	newest := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, p := range s.recent(s.Config.FeedSize) {
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
