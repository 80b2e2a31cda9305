package builder

import "slices"

// Features says which of the theme's features a site's pages use, so that
// the layouts show only those. A plain Markdown repository (no kinds, one
// language, no Git dates, no tags or owners) gets none of their chrome:
// no kind lists or badges, no language switch, no "recently updated".
type Features struct {
	// Kinds is true when a published page declares a kind.
	Kinds bool
	// Dates is true when a published page has a last-updated date.
	Dates bool
	// Tags, Owners and Reviews are true when a published page has tags,
	// an owner or a review date.
	Tags, Owners, Reviews bool
	// Languages are the configured languages that published pages are
	// written in, in the configuration's order.
	Languages []Language
}

// Multilingual reports whether the pages are written in more than one
// language: only then does the interface offer languages to choose from.
func (f Features) Multilingual() bool { return len(f.Languages) > 1 }

// features finds which features the site's pages use.
func (s *Site) features() Features {
	var f Features
	used := map[string]bool{}
	for _, p := range s.Pages {
		f.Kinds = f.Kinds || p.Kind != ""
		f.Dates = f.Dates || !p.Updated.IsZero()
		f.Tags = f.Tags || len(p.Tags) > 0
		f.Owners = f.Owners || p.Owner != ""
		f.Reviews = f.Reviews || !p.ReviewBy.IsZero()
		used[p.Lang] = true
	}
	f.Languages = slices.DeleteFunc(slices.Clone(s.Config.Languages), func(l Language) bool { return !used[l.Code] })
	return f
}
