package builder

import (
	"regexp"
	"strconv"
	"time"

	"kb/internal/config"
	"kb/internal/jekyll"
)

// Config is a site's configuration, read from site.yaml (see config.Config).
type Config = config.Config

// Kind is a kind of playbook and the fields its pages carry (see config.Kind).
type Kind = config.Kind

// Field is one kind-specific front-matter field (see config.Field).
type Field = config.Field

// Language is one language the site's pages are written in (see
// config.Language).
type Language = config.Language

// ParseConfig reads site.yaml's bytes as config.Parse does, checking its
// rules mapping against kb's rules. Problems are returned as diagnostics
// naming file and line; the config is nil when any of them is an error.
func ParseConfig(name string, src []byte) (*Config, Diagnostics) {
	fixed := make([]string, 0, len(fatalRules))
	for _, rule := range Rules() {
		if fatalRules[rule] {
			fixed = append(fixed, rule)
		}
	}
	return config.Parse(name, src, config.Rules{Names: Rules(), Fixed: fixed})
}

// readOptions are the options of a build that reading and linking pages
// depend on besides the configuration.
type readOptions struct {
	parseTimeout time.Duration
	// checkOnly skips work only rendering needs (search text, related pages).
	checkOnly bool
	// preview lowers placeholder errors to warnings (see Options.Preview).
	preview bool
	// keep has each page keep its state as loaded, for reuse by the next
	// build of a session; reuse gives that state back for a file that
	// did not change (see reuse.go).
	keep  bool
	reuse *reuser
	// transient is set for a build of its own of a large site (see
	// transientBytes) with the default layouts, which show a page's body
	// on its own page only and its text nowhere: pages let go of their
	// sources once parsed, unless they keep their syntax tree (rendering
	// reads them again, see Site.sourceAgain), write renders each body
	// when it renders the page and lets it go once written, and the index
	// lets go of each page's text once it has it, so that a site's worth
	// of none of them is held at once.
	transient bool
	// preRender is set for a build of its own of a site of up to
	// preRenderBytes of Markdown: each page's body is rendered once the
	// page is parsed (see preRendered), not parsed again to be rendered.
	preRender bool
	// paced is set for a transient build that reads its pages at
	// transientGC (see paceGC).
	paced bool
	// lenient is set for a folder of Markdown without site.yaml, written
	// for GitHub's renderer, which shows a page whatever its front matter
	// or encoding: a page whose front matter is not valid YAML is published
	// without it, the YAML shown as text, and bytes that are not UTF-8 as
	// U+FFFD, each with a warning (see loadPage). Front matter that is
	// YAML but not what kb expects (a kind's fields, dates) is still an
	// error.
	lenient bool
	// jekyll is what a Jekyll site's _config.yml says (nil without one):
	// the folders starting with '_' it publishes, a collection's pages at
	// the URLs its permalink pattern gives, and what it excludes.
	jekyll *jekyll.Site
}

// severity returns the severity configured for rule. In a preview,
// placeholders are at most warnings.
func (s *Site) severity(rule string) Severity {
	sev := configSeverity(s.Config, rule)
	if s.read.preview && rule == RulePlaceholder && sev == SeverityError {
		sev = SeverityWarning
	}
	return sev
}

var yamlLineRE = regexp.MustCompile(`line (\d+): `)

// splitYAMLLine splits a message of the front matter's YAML decoder into
// the line it names (0 when none) and the rest.
func splitYAMLLine(msg string) (int, string) {
	m := yamlLineRE.FindStringSubmatchIndex(msg)
	if m == nil {
		return 0, msg
	}
	n, _ := strconv.Atoi(msg[m[2]:m[3]])
	return n, msg[:m[0]] + msg[m[1]:]
}

// configSeverity is rule's severity under cfg's rules setting: its default
// unless site.yaml changes it (fatal rules stay errors).
func configSeverity(cfg *Config, rule string) Severity {
	sev, ok := defaultSeverity[rule]
	if !ok {
		sev = SeverityError
	}
	if v, ok := cfg.Rules[rule]; ok && !fatalRules[rule] {
		sev = Severity(v)
	}
	return sev
}
