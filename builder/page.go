package builder

import (
	"html/template"
	"slices"
	"strings"
	"time"

	"github.com/yuin/goldmark/ast"
)

// Page is one Markdown file of the site, and everything known about it. It is
// the model the whole pipeline shares: Load fills the source facts, Link the
// relations, Render the HTML.
type Page struct {
	// Path is the source file's slash-separated path relative to the content
	// folder, e.g. "meeting-formats/weekly-sync.md".
	Path string
	// URL is the page's path on the site without the base path, e.g.
	// "/meeting-formats/weekly-sync/".
	URL string
	// Section is the folder the page lives in ("" for the top level); for a
	// folder's index page it is that folder.
	Section string
	// IsIndex is true for a folder's README.md or index.md.
	IsIndex bool

	Title   string
	Summary string
	// Subtitle is shown under the title and searched (front matter
	// subtitle or excerpt, as GitHub Pages themes use them).
	Subtitle string
	// Description is front matter's description (Jekyll's): the summary
	// when there is none, searched either way.
	Description    string
	Kind           string
	Lang           string
	Owner          string
	Tags           []string
	TranslationKey string
	ReviewBy       time.Time
	Draft          bool
	Aliases        []string
	// RedirectTo makes the page a redirect to another URL (front matter
	// redirect_to): it is not published, a redirect page is written at
	// its URL instead.
	RedirectTo string
	Weight     int
	Sources    []string
	// Fields holds the kind-specific front matter, typed by the kind's
	// declaration: string, []string, []PageRef (links), time.Time, int, bool,
	// []AgendaItem or []Step.
	Fields map[string]any
	// Extra holds front-matter keys kb does not know, on pages without a kind.
	Extra map[string]any

	// Headings lists the body's headings in order, with their IDs.
	Headings []Heading
	// anchors are the IDs and names of the body's raw HTML elements that
	// are kept (<a id="…">, as GitHub keeps them), which a link's #anchor
	// may lead to as to a heading.
	anchors []string
	// badFrontMatter is set on a page published with front matter that is
	// not valid YAML, shown as text (see readOptions.lenient).
	badFrontMatter bool
	// Links lists the body's links and images to local files.
	Links []*Link
	// Body is the rendered Markdown. It is the one place where HTML from
	// content becomes template.HTML, produced by the Markdown renderer.
	Body template.HTML
	// Text is the body as plain text, for search and summaries. A build
	// of its own that lets go of its pages' text once indexed holds it
	// S2-compressed instead (textS2, see searchText).
	Text   string
	textS2 []byte
	// HasH1 is true when the body has its own level-1 heading.
	HasH1 bool
	// Diagrams is true when the body has a ```mermaid block, drawn by the
	// theme's diagram script: only such pages load it.
	Diagrams bool
	// H1 is that heading, rendered, when the body starts with it: the
	// layouts show it as the page's title, and Body is the rest.
	H1 template.HTML

	// Updated is the date of the last commit that touched the file (zero
	// outside a Git checkout); Authors are the commit authors, most recent first.
	Updated time.Time
	Authors []string

	// Relations filled in by Link.
	Backlinks    []*Page
	Translations []*Page
	Related      []*Page
	Prev, Next   *Page

	src []byte
	// reread is set on a page that let go of its source once parsed,
	// whose hash is srcSum: rendering reads it again (Site.sourceAgain).
	reread     bool
	srcSum     uint64
	doc        ast.Node
	lowerTitle string // see titleKey
	fmLines    map[string]int
	bodyLine   int
	hash       uint64
	// renderErr is why the body failed to render (see bodyErrors).
	renderErr error
	// bodySum is bodyDigest of H1 and Body, set with them when they are
	// rendered for a session (0: not known).
	bodySum uint64
	// redirect is where a page with RedirectTo leads, under the base
	// path or absolute; redirectPage is the page it leads to, if any.
	redirect     string
	redirectPage *Page
	// autoSummary is set when Summary is the body's first paragraph, not
	// a summary the front matter gives.
	autoSummary bool
	// unpublishable is set on a page whose front matter has errors: it
	// is left out of the site but links to it resolve (see Site.invalid).
	unpublishable bool
	// empty is set when the body, once front matter and Liquid comments
	// are read, holds nothing to show but its title heading.
	empty bool
	// pristine is the page as loaded, kept in a session for the next
	// build; reused is set on a page that build copied from it, whose Body
	// was rendered with links leading to bodyHrefs (see reuse.go).
	pristine *loaded
	// pre is the body rendered when the page was loaded, its links'
	// destinations still to fill in (see preRendered).
	pre       *preRendered
	reused    bool
	bodyHrefs []string
	// rank is the page's place among the site's pages by weight and
	// title (Site.ordered).
	rank int
}

// Heading is one heading of a page's body.
type Heading struct {
	Level int
	ID    string
	Text  string
}

// Link is a reference in a page's body (a link or an image) to another file
// of the site.
type Link struct {
	// Dest is the destination as written.
	Dest  string
	Line  int
	Col   int
	Image bool
	// Alt is an image's alternative text.
	Alt string
	// Target is the page linked to, or nil for a link to a static file.
	Target *Page
	// Anchor is the fragment without '#'.
	Anchor string

	node ast.Node
	// href is where the link leads on the site, once resolved.
	href string
	// raw is the raw HTML fragment a reference in raw HTML is in, and
	// rawIndex its place among the fragment's references.
	raw      *rawFragment
	rawIndex int
	// ref is Dest parsed, when the page was loaded.
	ref linkRef
}

// PageRef is a resolved link from front matter to another page.
type PageRef struct {
	Path  string
	URL   string
	Title string
	Page  *Page
}

// AgendaItem is one entry of a meeting's agenda.
type AgendaItem struct {
	Item    string
	Minutes int
}

// Step is one step of a tool rollout.
type Step struct {
	Name   string
	Owner  string
	Status string
}

// TranslationIn returns the page's translation in lang, or nil.
func (p *Page) TranslationIn(lang string) *Page {
	for _, t := range p.Translations {
		if t.Lang == lang {
			return t
		}
	}
	return nil
}

// Lead is the summary to show under the page's title: the one its front
// matter gives (summary, or description). A summary taken from the body's
// first paragraph is shown in lists and search results, but not above
// the body that holds it ("").
func (p *Page) Lead() string {
	if p.autoSummary {
		return ""
	}
	return p.Summary
}

// IsPlaybook reports whether the page declares a kind.
func (p *Page) IsPlaybook() bool { return p.Kind != "" }

// Overdue reports whether the page's review date lies before now.
func (p *Page) Overdue(now time.Time) bool {
	return !p.ReviewBy.IsZero() && p.ReviewBy.Before(now)
}

// HeadingID reports whether the page has a heading (or other element) with id.
func (p *Page) HeadingID(id string) bool {
	for _, h := range p.Headings {
		if h.ID == id {
			return true
		}
	}
	return slices.Contains(p.anchors, id)
}

// HeadingAnchor returns the ID of the heading that a link's #anchor leads
// to, found as GitHub finds it: the heading with exactly that ID, else the
// one whose ID is the anchor in lower case, with or without GitHub's
// "user-content-" prefix. So "#Setup-Steps", copied from an old version
// of a page or typed by hand, leads to the heading "Setup steps". Two
// anchors lead to the top of any page: #top, as in HTML, and #readme, the
// rendered file on GitHub.
func (p *Page) HeadingAnchor(anchor string) (string, bool) {
	if p.HeadingID(anchor) {
		return anchor, true
	}
	lower := strings.ToLower(anchor)
	if lower == "top" || lower == "readme" {
		return anchor, true
	}
	for _, a := range []string{lower, strings.TrimPrefix(lower, "user-content-")} {
		for _, h := range p.Headings {
			if strings.ToLower(h.ID) == a {
				return h.ID, true
			}
		}
		for _, id := range p.anchors {
			if strings.ToLower(id) == a {
				return id, true
			}
		}
	}
	return "", false
}
