package builder

import "slices"

// A rule is one check kb runs on a site, as site.yaml's rules: setting and
// the diagnostics name it. Every rule is a row of the rules table: adding
// one is a Rule… name in diag.go, a row here and, for a check of the whole
// linked site, its function (in a file of its own when it is more than a
// few lines). Rules without a function are reported where their problem
// is found: while reading a page, resolving its links or planning the
// output.
type rule struct {
	name string
	// severity is the rule's severity unless site.yaml says otherwise.
	severity Severity
	// withoutConfig, when set, is its severity in a folder of Markdown
	// without site.yaml: a repository written for GitHub's renderer has
	// links and anchors nobody checked, and should still build as it is;
	// `kb check --strict` or a site.yaml makes them errors again.
	withoutConfig Severity
	// fatal rules cannot be switched off or lowered: the page they concern
	// cannot be published correctly.
	fatal bool
	// check runs the rule over the linked site, after relate has filled
	// the backlinks, translations, tags and owners; nil for rules reported
	// elsewhere.
	check func(s *Site, ds *Diagnostics)
}

// rules is every rule kb has; defaultSeverity and fatalRules are read
// from it. They are filled in init, as the checks refer back to the
// severities through Site.diag.
var (
	rules           []rule
	defaultSeverity map[string]Severity
	fatalRules      map[string]bool
)

func init() {
	rules = []rule{
		{name: RuleConfig, severity: SeverityError, fatal: true},
		{name: RuleFrontMatter, severity: SeverityError, fatal: true},
		{name: RuleSource, severity: SeverityError, fatal: true},
		{name: RuleBrokenLink, severity: SeverityError, withoutConfig: SeverityWarning},
		{name: RuleBrokenAnchor, severity: SeverityError, withoutConfig: SeverityWarning},
		{name: RuleDuplicateURL, severity: SeverityError, fatal: true},
		{name: RuleDuplicateTitle, severity: SeverityWarning, check: checkDuplicateTitles},
		{name: RuleDuplicateAlias, severity: SeverityError},
		{name: RuleTranslation, severity: SeverityError},
		{name: RuleImageAlt, severity: SeverityWarning},
		{name: RuleOrphan, severity: SeverityOff, check: checkOrphans},
		{name: RuleReviewOverdue, severity: SeverityOff, check: checkOverdue},
		{name: RuleStaleTranslate, severity: SeverityOff, check: checkStaleTranslations},
		{name: RuleUnknownTag, severity: SeverityError, check: checkUnknownTags},
		{name: RuleTemplate, severity: SeverityError, fatal: true},
		{name: RulePlaceholder, severity: SeverityError, check: checkPlaceholders},
		{name: RuleLiquid, severity: SeverityWarning},
		{name: RuleEmptyPage, severity: SeverityWarning, check: checkEmptyPages},
	}
	defaultSeverity = make(map[string]Severity, len(rules))
	fatalRules = map[string]bool{}
	for _, r := range rules {
		defaultSeverity[r.name] = r.severity
		if r.fatal {
			fatalRules[r.name] = true
		}
	}
}

// noConfigRules is the "rules" setting of a site without site.yaml.
func noConfigRules() map[string]string {
	m := map[string]string{}
	for _, r := range rules {
		if r.withoutConfig != "" {
			m[r.name] = string(r.withoutConfig)
		}
	}
	return m
}

// Rules lists every rule name in a stable order.
func Rules() []string {
	names := make([]string, 0, len(rules))
	for _, r := range rules {
		names = append(names, r.name)
	}
	slices.Sort(names)
	return names
}

// check runs the rules that need the linked site. It runs after relate.
func (s *Site) check(ds *Diagnostics) {
	for _, r := range rules {
		if r.check != nil {
			r.check(s, ds)
		}
	}
}
