package builder

import (
	"slices"

	"kb/internal/diag"
)

// Severity says how serious a Diagnostic is (see diag.Severity).
type Severity = diag.Severity

// The severities a rule can have. SeverityOff disables a rule.
const (
	SeverityError   = diag.SeverityError
	SeverityWarning = diag.SeverityWarning
	SeverityOff     = diag.SeverityOff
)

// A Diagnostic is one problem found in the site's source (see
// diag.Diagnostic).
type Diagnostic = diag.Diagnostic

// Diagnostics is a list of problems (see diag.Diagnostics).
type Diagnostics = diag.Diagnostics

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
