package builder

import (
	"bytes"
	"cmp"
	"fmt"
	"html/template"
	"slices"
	"strconv"
	"strings"
	"time"
)

// This file holds the View helpers the default theme's layouts use to shape
// structured fields (agendas, rollout steps), navigation and list filters.

// AgendaSlot is one agenda item with its start offset from the beginning of
// the meeting.
type AgendaSlot struct {
	Item    string
	Minutes int
	// Start is the offset as h:mm ("0:05"); StartISO the same as an ISO 8601
	// duration ("PT5M") for a <time> element.
	Start, StartISO string
}

// Agenda turns a meeting's agenda field into timed slots, and returns the
// offset at which the last item ends as the final slot's successor (End).
func (v *View) Agenda(field any) AgendaPlan {
	items, _ := field.([]AgendaItem)
	var plan AgendaPlan
	at := 0
	for _, it := range items {
		plan.Slots = append(plan.Slots, AgendaSlot{Item: it.Item, Minutes: it.Minutes, Start: clock(at), StartISO: isoMinutes(at)})
		at += it.Minutes
	}
	plan.End, plan.EndISO, plan.Total = clock(at), isoMinutes(at), at
	return plan
}

// AgendaPlan is a timed agenda: its slots, and when the last one ends.
type AgendaPlan struct {
	Slots       []AgendaSlot
	End, EndISO string
	Total       int
}

func clock(minutes int) string { return fmt.Sprintf("%d:%02d", minutes/60, minutes%60) }

func isoMinutes(minutes int) string { return fmt.Sprintf("PT%dM", minutes) }

// StepProgress counts a rollout's steps by status.
type StepProgress struct {
	Steps             []Step
	Done, Doing, Todo int
	Total             int
	// Percent is the share of steps done, 0–100.
	Percent int
}

// Progress summarises a tool rollout's steps field.
func (v *View) Progress(field any) StepProgress {
	steps, _ := field.([]Step)
	p := StepProgress{Steps: steps, Total: len(steps)}
	for _, s := range steps {
		switch s.Status {
		case "done":
			p.Done++
		case "doing":
			p.Doing++
		default:
			p.Todo++
		}
	}
	if p.Total > 0 {
		p.Percent = p.Done * 100 / p.Total
	}
	return p
}

// Human turns a short duration written in front matter ("15m", "1h", "90m",
// "4h") into words in the view's language ("15 min", "1 h 30 min", "4 uur");
// other text is returned unchanged, or translated when the theme has a
// string "value_<text>" for it.
func (v *View) Human(s string) string {
	if t, ok := v.theme.ui.get(v.Lang, "value_"+strings.ToLower(s)); ok {
		return t
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 || d%time.Minute != 0 {
		return s
	}
	h, m := strconv.Itoa(int(d/time.Hour)), strconv.Itoa(int(d%time.Hour/time.Minute))
	key := "duration_hours_minutes"
	switch {
	case d < time.Hour:
		key = "duration_minutes"
	case d == time.Hour:
		key = "duration_hour"
	case d%time.Hour == 0:
		key = "duration_hours"
	}
	return v.theme.ui.text(v.Lang, key, "h", h, "m", m)
}

// TOr returns the UI string key in the view's language, or fallback when the
// theme has none (for values such as a cadence or a status that a site may
// extend).
func (v *View) TOr(key, fallback string) string {
	if s, ok := v.theme.ui.get(v.Lang, key); ok {
		return s
	}
	return fallback
}

// Neighbours returns the previous and next page of the view's page within
// its section, among pages of the same language.
func (v *View) Neighbours() (prev, next *Page) {
	p := v.Page
	if p == nil || p.IsIndex {
		return nil, nil
	}
	return p.Prev, p.Next
}

// Pager is the previous and next page within a section.
type Pager struct{ Prev, Next *Page }

// PagerLinks returns Neighbours as one value for templates.
func (v *View) PagerLinks() Pager {
	p, n := v.Neighbours()
	return Pager{p, n}
}

// Facet is one dimension a list of cards can be filtered by.
type Facet struct {
	// Name is the card attribute the facet filters on: "kind", "lang" or "tags".
	Name   string
	Values []FacetValue
}

// FacetValue is one filter chip: a value and how many cards carry it.
type FacetValue struct {
	Value, Label string
	Count        int
}

// maxTagChips caps the tag filter chips to the most used tags.
const maxTagChips = 12

// Facets returns the kinds, languages and tags found on pages, each facet
// only when it would actually narrow the list (two or more values). Tags are
// ordered by how many pages carry them, and capped to the most used.
func (v *View) Facets(pages []*Page) []Facet {
	count := func(name string, values func(p *Page) []string, label func(string) string) Facet {
		n := map[string]int{}
		for _, p := range pages {
			for _, x := range values(p) {
				n[x]++
			}
		}
		f := Facet{Name: name}
		for x, c := range n {
			f.Values = append(f.Values, FacetValue{Value: x, Label: label(x), Count: c})
		}
		slices.SortFunc(f.Values, func(a, b FacetValue) int {
			if name == "tags" {
				if c := cmp.Compare(b.Count, a.Count); c != 0 {
					return c
				}
			}
			return cmp.Compare(a.Value, b.Value)
		})
		return f
	}
	one := func(s string) []string {
		if s == "" {
			return nil
		}
		return []string{s}
	}
	all := []Facet{
		count("kind", func(p *Page) []string { return one(p.Kind) }, v.KindLabel),
		count("lang", func(p *Page) []string { return one(p.Lang) }, v.LangName),
		count("tags", func(p *Page) []string { return p.Tags }, func(s string) string { return "#" + s }),
	}
	if tags := &all[2]; len(tags.Values) > maxTagChips {
		tags.Values = tags.Values[:maxTagChips]
	}
	var out []Facet
	for _, f := range all {
		if len(f.Values) > 1 || (len(f.Values) == 1 && f.Values[0].Count < len(pages)) {
			out = append(out, f)
		}
	}
	return out
}

// OverdueCount counts the pages in the view's language past their review
// date.
func (v *View) OverdueCount() int {
	return v.Site.overdue[v.Lang]
}

// Heading is the view's title, or for generated pages without one (owners,
// review, search, 404) the theme's string "title_<layout>".
func (v *View) Heading() string {
	if v.Title != "" {
		return v.Title
	}
	return v.TOr("title_"+v.Layout, v.Layout)
}

// CardArgs passes the view and one page to the theme's card partial.
type CardArgs struct {
	V *View
	P *Page
}

// With pairs the view with a page, for partials that render one page.
func (v *View) With(p *Page) CardArgs { return CardArgs{v, p} }

// Card returns the theme's "card" partial for p as the view's language
// shows it. A page's card is the same in every list of that language, so
// it is rendered once per build and language, and lists of hundreds of
// cards cost little more than copying them: the card partial sees the
// page and the language, never the list it is in (its view has no URL,
// page or section).
func (v *View) Card(p *Page) (template.HTML, error) { return v.Row("card", p) }

// Row returns the layout's template name for p as the view's language
// shows it, rendered once per build and language like a card (see Card):
// for a list's rows, such as the review page's "review-row". The template
// sees the page as .P and the view of its language as .V, and must show
// nothing but what they say of the page.
func (v *View) Row(name string, p *Page) (template.HTML, error) {
	return v.once(partKey{p: p, lang: v.Lang, name: name}, func(cv *View) any { return cv.With(p) })
}

// Cards returns the cards of pages, one after the other: a list of
// thousands (the owners page) in one call from the template instead of
// one a page.
func (v *View) Cards(pages []*Page) (template.HTML, error) { return v.Rows("card", pages) }

// Rows returns Row(name, p) for each of pages, one after the other.
func (v *View) Rows(name string, pages []*Page) (template.HTML, error) {
	rows := make([]template.HTML, len(pages))
	n := 0
	for i, p := range pages {
		h, err := v.Row(name, p)
		if err != nil {
			return "", err
		}
		rows[i], n = h, n+len(h)
	}
	var b strings.Builder
	b.Grow(n)
	for _, h := range rows {
		b.WriteString(string(h))
	}
	return template.HTML(b.String()), nil
}

// Shared returns the layout's template name rendered once per build and
// language: a part of every page that shows nothing of the page itself,
// such as the header's search form or the footer. The template sees a
// view with the site, the layout and the language only (its URL and Page
// are empty, as a card's are, see Row), so what it shows is the same on
// every page of the language.
func (v *View) Shared(name string) (template.HTML, error) {
	return v.once(partKey{layout: v.Layout, lang: v.Lang, name: name}, func(sv *View) any { return sv })
}

// once returns the layout's template key.name rendered once per build for
// key, on data(a view with the site, the layout and the language only).
func (v *View) once(key partKey, data func(*View) any) (template.HTML, error) {
	s := v.Site
	s.cacheMu.Lock()
	h, ok := s.parts[key]
	s.cacheMu.Unlock()
	if ok {
		return h, nil
	}
	pv := &View{Site: s, Layout: v.Layout, Lang: v.Lang, theme: v.theme}
	var buf bytes.Buffer
	if err := v.theme.layouts[v.Layout].ExecuteTemplate(&buf, key.name, data(pv)); err != nil {
		return "", err
	}
	h = template.HTML(buf.String())
	s.cacheMu.Lock()
	if s.parts == nil {
		s.parts = map[partKey]template.HTML{}
	}
	s.parts[key] = h
	s.cacheMu.Unlock()
	return h, nil
}

// partKey names a rendered card or row (the page, the language of the
// lists that show it and the template's name) or a shared part (the
// layout, the language and the template's name).
type partKey struct {
	p                  *Page
	layout, lang, name string
}
