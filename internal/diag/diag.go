// Package diag holds kb's diagnostics: problems found in a site's sources,
// located as a compiler locates them ("file:line:col: severity: message"),
// shared by the builder that finds them, the server that shows them in the
// browser and the commands that print them.
package diag

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

// String formats d as "file:line:col: severity: message [rule]", or as
// "severity: message [rule]" when it names no file.
func (d Diagnostic) String() string {
	var b strings.Builder
	if d.File != "" {
		b.WriteString(d.File)
		if d.Line > 0 {
			fmt.Fprintf(&b, ":%d", d.Line)
			if d.Col > 0 {
				fmt.Fprintf(&b, ":%d", d.Col)
			}
		}
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "%s: %s", d.Severity, d.Message)
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
