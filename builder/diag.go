package builder

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Severity says how serious a Diagnostic is.
type Severity string

// The severities a rule can have. SeverityOff disables a rule.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
	SeverityOff     Severity = "off"
)

// A Diagnostic is one problem found in the site's source, located as a compiler
// would locate it. Line and Col are 1-based; 0 means unknown.
type Diagnostic struct {
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Col      int      `json:"col"`
	Severity Severity `json:"severity"`
	Rule     string   `json:"rule"`
	Message  string   `json:"message"`
}

// String formats d as "file:line:col: severity: message [rule]".
func (d Diagnostic) String() string {
	var b strings.Builder
	b.WriteString(d.File)
	if d.Line > 0 {
		fmt.Fprintf(&b, ":%d", d.Line)
		if d.Col > 0 {
			fmt.Fprintf(&b, ":%d", d.Col)
		}
	}
	fmt.Fprintf(&b, ": %s: %s", d.Severity, d.Message)
	if d.Rule != "" {
		fmt.Fprintf(&b, " [%s]", d.Rule)
	}
	return b.String()
}

// Diagnostics is a list of problems.
type Diagnostics []Diagnostic

// Errors counts the diagnostics of severity error.
func (ds Diagnostics) Errors() int { return ds.count(SeverityError) }

// Warnings counts the diagnostics of severity warning.
func (ds Diagnostics) Warnings() int { return ds.count(SeverityWarning) }

func (ds Diagnostics) count(s Severity) int {
	n := 0
	for _, d := range ds {
		if d.Severity == s {
			n++
		}
	}
	return n
}

// Sort orders the diagnostics by file, line, column and message, the order in
// which they are printed.
func (ds Diagnostics) Sort() {
	slices.SortStableFunc(ds, func(a, b Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Col, b.Col),
			cmp.Compare(a.Rule, b.Rule),
			cmp.Compare(a.Message, b.Message),
		)
	})
}

// Rule names. Each rule's severity can be set in site.yaml under "rules".
const (
	RuleConfig         = "config"
	RuleFrontMatter    = "front-matter"
	RuleSource         = "source"
	RuleBrokenLink     = "broken-link"
	RuleBrokenAnchor   = "broken-anchor"
	RuleDuplicateURL   = "duplicate-url"
	RuleDuplicateTitle = "duplicate-title"
	RuleDuplicateAlias = "duplicate-alias"
	RuleTranslation    = "translation"
	RuleImageAlt       = "image-alt"
	RuleOrphan         = "orphan"
	RuleReviewOverdue  = "review-overdue"
	RuleStaleTranslate = "stale-translation"
	RuleUnknownTag     = "unknown-tag"
	RuleTemplate       = "template"
	RulePlaceholder    = "placeholder"
)

// defaultSeverity is each rule's severity unless site.yaml says otherwise.
var defaultSeverity = map[string]Severity{
	RuleConfig:         SeverityError,
	RuleFrontMatter:    SeverityError,
	RuleSource:         SeverityError,
	RuleBrokenLink:     SeverityError,
	RuleBrokenAnchor:   SeverityError,
	RuleDuplicateURL:   SeverityError,
	RuleDuplicateTitle: SeverityWarning,
	RuleDuplicateAlias: SeverityError,
	RuleTranslation:    SeverityError,
	RuleImageAlt:       SeverityWarning,
	RuleOrphan:         SeverityOff,
	RuleReviewOverdue:  SeverityOff,
	RuleStaleTranslate: SeverityOff,
	RuleUnknownTag:     SeverityError,
	RuleTemplate:       SeverityError,
	RulePlaceholder:    SeverityError,
}

// withoutConfig is the severity of the rules a folder of Markdown without
// site.yaml relaxes: a repository written for GitHub's renderer has links
// and anchors nobody checked, and should still build as it is. They are
// listed and counted as warnings; `kb check --strict` or a site.yaml
// makes them errors again.
var withoutConfig = map[string]Severity{
	RuleBrokenLink:   SeverityWarning,
	RuleBrokenAnchor: SeverityWarning,
}

// noConfigRules is the "rules" setting of a site without site.yaml.
func noConfigRules() map[string]string {
	rules := make(map[string]string, len(withoutConfig))
	for rule, sev := range withoutConfig {
		rules[rule] = string(sev)
	}
	return rules
}

// Rules lists every rule name in a stable order.
func Rules() []string {
	names := make([]string, 0, len(defaultSeverity))
	for n := range defaultSeverity {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// fatalRules are rules that cannot be switched off or lowered: the page they
// concern cannot be published correctly.
var fatalRules = map[string]bool{RuleConfig: true, RuleFrontMatter: true, RuleSource: true, RuleDuplicateURL: true, RuleTemplate: true}
