package builder

import (
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
	RuleLiquid         = "liquid"
	RuleEmptyPage      = "empty-page"
)
