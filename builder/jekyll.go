package builder

import (
	"net/url"
	"strings"
)

// GitHub Pages repositories are Jekyll sites. kb reads the front matter
// they commonly carry: redirect_from as aliases, redirect_to as a page
// that only redirects, description as the summary (searched either way),
// subtitle and excerpt shown under the title, permalink as the page's URL, published: false
// as a draft and nav_order as the weight. Other Jekyll keys (layout,
// parent, categories…) are kept in Page.Extra on pages without a kind.

// decodeJekyll reads the Jekyll keys of m into the page.
func (d *fmDecoder) decodeJekyll(m map[string]any) {
	p := d.p
	if from := d.list(m, "redirect_from"); len(from) > 0 {
		p.Aliases = append(p.Aliases, from...)
		if p.fmLines["aliases"] == 0 {
			p.fmLines["aliases"] = p.fmLines["redirect_from"]
		}
	}
	if to := d.list(m, "redirect_to"); len(to) > 0 {
		p.RedirectTo = strings.TrimSpace(to[0])
	}
	p.Description = d.str(m, "description")
	if p.Summary == "" {
		p.Summary = p.Description
	}
	p.Subtitle = d.str(m, "subtitle")
	if p.Subtitle == "" {
		p.Subtitle = d.str(m, "excerpt")
	}
	if v, ok := m["published"]; ok && v != nil && !d.bool(m, "published") {
		p.Draft = true
	}
	if _, ok := m["weight"]; !ok {
		// nav_order is a number, whole or not (just-the-docs sorts 1.5
		// between 1 and 2); a fraction is cut off.
		switch n := m["nav_order"].(type) {
		case int:
			p.Weight = n
		case float64:
			p.Weight = int(n)
		}
	}
	if pl := d.str(m, "permalink"); pl != "" {
		if u, ok := permalinkURL(pl); ok {
			p.URL = u
		} else if !strings.Contains(pl, ":") {
			d.errf("permalink", "permalink %q must be a site path like /team/handbook/", pl)
		}
	}
}

// permalinkURL turns a Jekyll permalink into the page's URL: each segment
// made a slug, "/x.html" and "/x/index.html" published as /x/. A
// permalink with placeholders (/:title/) is not a URL: ok is false.
func permalinkURL(pl string) (string, bool) {
	if !strings.HasPrefix(pl, "/") || strings.ContainsAny(pl, ":?#") {
		return "", false
	}
	pl = strings.TrimSuffix(strings.TrimSuffix(pl, ".html"), "/index")
	var segs []string
	for _, seg := range strings.Split(strings.Trim(pl, "/"), "/") {
		if seg == "" {
			continue
		}
		sl := Slug(seg)
		if sl == "" || sl == "." || sl == ".." {
			return "", false
		}
		segs = append(segs, sl)
	}
	if len(segs) == 0 {
		return "/", true
	}
	return "/" + strings.Join(segs, "/") + "/", true
}

// resolveRedirects finds where each page with redirect_to leads: an
// http(s) URL as it is, a site path or file checked like a link. Any other
// scheme (javascript:, data:…) is reported like a broken link and taken as
// a site path, so no redirect page leads to a script.
func (s *Site) resolveRedirects(ds *Diagnostics) {
	for _, p := range s.redirects {
		to := p.RedirectTo
		if u, err := url.Parse(to); err == nil && (u.Scheme != "" || u.Host != "") {
			if u.Host != "" && (u.Scheme == "" || u.Scheme == "http" || u.Scheme == "https") {
				p.redirect = to
				continue
			}
			s.diag(ds, RuleBrokenLink, p.Path, fmLine(p, "redirect_to"), 1, "redirect_to %q: a redirect leads to a page of the site or to an http(s) URL", to)
			p.redirect = s.Config.BasePath() + strings.TrimPrefix(to, "/")
			continue
		}
		t, u, anchor, problem, _ := s.resolve(p, to)
		if problem != "" {
			s.diag(ds, RuleBrokenLink, p.Path, fmLine(p, "redirect_to"), 1, "broken redirect_to %q: %s", to, problem)
			u = to
		}
		p.redirect = s.Config.BasePath() + strings.TrimPrefix(u, "/")
		if anchor != "" {
			p.redirect += "#" + anchor
		}
		p.redirectPage = t
	}
}
