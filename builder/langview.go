package builder

import (
	"fmt"
	"slices"
)

// This file holds the View helpers that give each language of the site
// its own navigation: the language switch, the links to each language's
// home, and the lists of a page kb makes in every language.

// LangLink is a link to another language's part of the site.
type LangLink struct {
	Code, Name string
	// URL is the site path the link leads to.
	URL string
	// Alternate is true when URL is the same page in that language (a
	// translation, or a page kb makes in every language), false when it is
	// that language's home.
	Alternate bool
}

// Switch lists, for each language of the site other than the view's, where
// the language switch leads: the page's translation, the same list or
// folder page in that language, or else that language's home. It is empty
// on a site in one language.
func (v *View) Switch() []LangLink {
	var out []LangLink
	for _, l := range v.Site.Languages {
		if l.Code == v.Lang {
			continue
		}
		link := LangLink{Code: l.Code, Name: l.Name, URL: v.Site.Config.LangURL(l.Code, "/")}
		switch {
		case v.base != "":
			link.URL, link.Alternate = v.Site.Config.LangURL(l.Code, v.base), true
		case v.Page != nil && v.Page.TranslationIn(l.Code) != nil:
			link.URL, link.Alternate = v.Page.TranslationIn(l.Code).URL, true
		}
		out = append(out, link)
	}
	return out
}

// Languages lists every language of the site with a link to its home; it
// is empty on a site in one language.
func (v *View) Languages() []LangLink {
	if len(v.Site.Languages) < 2 {
		return nil
	}
	out := make([]LangLink, 0, len(v.Site.Languages))
	for _, l := range v.Site.Languages {
		out = append(out, LangLink{Code: l.Code, Name: l.Name, URL: v.Site.Config.LangURL(l.Code, "/")})
	}
	return out
}

// Listed is a list page's pages as shown: those in the view's language,
// then those only in another.
func (v *View) Listed() []*Page {
	return append(slices.Clip(v.List), v.Others...)
}

// SectionLink is a subfolder as a folder's page shows it.
type SectionLink struct {
	Title, URL, Summary string
}

// Subsections lists the subfolders of the view's folder, titled, linked
// and summed up in the view's language.
func (v *View) Subsections() []SectionLink {
	if v.Section == nil {
		return nil
	}
	var out []SectionLink
	for _, sec := range v.Section.Children {
		link := SectionLink{Title: v.Site.sectionTitle(sec, v.Lang), URL: v.Site.Config.LangURL(v.Lang, sec.URL)}
		if idx := sec.IndexIn(v.Lang); idx != nil {
			link.Summary = idx.Summary
		}
		out = append(out, link)
	}
	return out
}

// TagCounts lists the tags that pages in the view's language carry, each
// linked to its page in that language with the number of those pages.
func (v *View) TagCounts() []Group { return v.termCounts(v.Site.Tags) }

// OwnerGroups lists the owners of pages in the view's language, each with
// the URL of its page and how many of its pages are in that language.
func (v *View) OwnerGroups() []Group { return v.termCounts(v.Site.Owners) }

// termCounts lists the terms some page in the view's language carries,
// each with its URL in that language and the number of those pages.
func (v *View) termCounts(terms []*Term) []Group {
	var out []Group
	for _, t := range terms {
		n := 0
		for _, p := range t.Pages {
			if p.Lang == v.Lang {
				n++
			}
		}
		if n > 0 {
			out = append(out, Group{Title: t.Name, URL: v.Site.Config.LangURL(v.Lang, t.URL), Count: n})
		}
	}
	return out
}

// OwnerURL is the URL of the page of owner name in the view's language,
// relative to the page shown (see Rel).
func (v *View) OwnerURL(name string) string { return v.LangRel(OwnerPath(name)) }

// FeedTitle is the title of the feed of the view's language, which its
// pages link to.
func (v *View) FeedTitle() string { return v.Site.feedTitle(v.Lang) }

// TIn returns the UI string key in the language lang, for a link that
// leads a reader to that language's part of the site.
func (v *View) TIn(lang, key string) (string, error) {
	if s, ok := v.theme.ui.get(lang, key); ok {
		return s, nil
	}
	return "", fmt.Errorf("no strings file has key %q", key)
}
