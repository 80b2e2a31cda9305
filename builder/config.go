package builder

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v2"
)

// Config is a site's configuration, read from site.yaml.
type Config struct {
	Title           string            `yaml:"title"`
	Description     string            `yaml:"description"`
	BaseURL         string            `yaml:"base_url"`
	ContentDir      string            `yaml:"content_dir"`
	ThemeDir        string            `yaml:"theme_dir"`
	DefaultLanguage string            `yaml:"default_language"`
	Languages       []Language        `yaml:"languages"`
	Repository      Repository        `yaml:"repository"`
	Markdown        MarkdownConfig    `yaml:"markdown"`
	Tags            []string          `yaml:"tags"`
	Rules           map[string]string `yaml:"rules"`
	Kinds           []Kind            `yaml:"kinds"`
	FeedSize        int               `yaml:"feed_size"`

	basePath     string
	parseTimeout time.Duration
	// checkOnly skips work only rendering needs (search text, related pages).
	checkOnly bool
	// preview lowers placeholder errors to warnings (see Options.Preview).
	preview bool
}

// Language is one language the site's pages are written in.
type Language struct {
	Code string `yaml:"code"`
	Name string `yaml:"name"`
	// Sections names content folders in this language, by their path
	// under the content folder ("." for the top level); a folder not
	// listed keeps the title of its index page.
	Sections map[string]string `yaml:"sections"`
}

// Repository locates the site's source on a Git host, for edit and history links.
type Repository struct {
	URL         string `yaml:"url"`
	Branch      string `yaml:"branch"`
	ContentPath string `yaml:"content_path"`
}

// MarkdownConfig holds the Markdown options a site may change.
type MarkdownConfig struct {
	// UnsafeHTML lets raw HTML in content through unescaped. Off by default.
	UnsafeHTML bool `yaml:"unsafe_html"`
	// MaxFileSize caps a Markdown file's size in bytes (default 512 KiB).
	MaxFileSize int64 `yaml:"max_file_size"`
}

// Kind is a kind of playbook (symptom, meeting format…) and the front-matter
// fields its pages carry.
type Kind struct {
	Name   string            `yaml:"name"`
	Label  map[string]string `yaml:"label"`
	Plural map[string]string `yaml:"plural"`
	Layout string            `yaml:"layout"`
	Fields []Field           `yaml:"fields"`
}

// Field is one kind-specific front-matter field.
type Field struct {
	Name     string   `yaml:"name"`
	Type     string   `yaml:"type"`
	Required bool     `yaml:"required"`
	Values   []string `yaml:"values"`
}

// The field types a kind may declare.
var fieldTypes = []string{"string", "text", "list", "links", "date", "int", "bool", "enum", "agenda", "steps"}

// LabelFor returns the kind's singular label in lang, falling back to English
// and then to its name.
func (k *Kind) LabelFor(lang string) string { return pick(k.Label, lang, k.Name) }

// PluralFor returns the kind's plural label in lang.
func (k *Kind) PluralFor(lang string) string { return pick(k.Plural, lang, k.LabelFor(lang)) }

func pick(m map[string]string, lang, fallback string) string {
	if s := m[lang]; s != "" {
		return s
	}
	if s := m["en"]; s != "" {
		return s
	}
	return fallback
}

// Field returns the declared field called name, or nil.
func (k *Kind) Field(name string) *Field {
	for i := range k.Fields {
		if k.Fields[i].Name == name {
			return &k.Fields[i]
		}
	}
	return nil
}

// Kind returns the kind called name, or nil.
func (c *Config) Kind(name string) *Kind {
	for i := range c.Kinds {
		if c.Kinds[i].Name == name {
			return &c.Kinds[i]
		}
	}
	return nil
}

// BasePath is the path part of the base URL, always with leading and trailing
// slashes ("/" or "/kb/"). Every link the site writes starts with it.
func (c *Config) BasePath() string { return c.basePath }

// SectionTitle returns the title a language gives the content folder at
// path ("" for the top level), or "" when it gives none.
func (c *Config) SectionTitle(lang, path string) string {
	if path == "" {
		path = "."
	}
	for _, l := range c.Languages {
		if l.Code == lang {
			return l.Sections[path]
		}
	}
	return ""
}

// HasLanguage reports whether code is one of the site's languages.
func (c *Config) HasLanguage(code string) bool {
	return slices.ContainsFunc(c.Languages, func(l Language) bool { return l.Code == code })
}

// Severity returns the severity configured for rule. In a preview,
// placeholders are at most warnings.
func (c *Config) Severity(rule string) Severity {
	sev, ok := defaultSeverity[rule]
	if !ok {
		sev = SeverityError
	}
	if s, ok := c.Rules[rule]; ok && !fatalRules[rule] {
		sev = Severity(s)
	}
	if c.preview && rule == RulePlaceholder && sev == SeverityError {
		sev = SeverityWarning
	}
	return sev
}

// SetBaseURL replaces the base URL and recomputes the base path.
func (c *Config) SetBaseURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (raw != "" && (u.Scheme != "http" && u.Scheme != "https" || u.Host == "")) {
		return fmt.Errorf("base URL %q must be an absolute http(s) URL", raw)
	}
	p := u.Path
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	if raw != "" {
		u.Path = p
		u.RawQuery, u.Fragment = "", ""
		raw = u.String()
	}
	c.BaseURL, c.basePath = raw, p
	return nil
}

// AbsURL turns a site path ("/kb/x/") into an absolute URL using the base URL's
// scheme and host; without a base URL it returns the path.
func (c *Config) AbsURL(path string) string {
	if c.BaseURL == "" {
		return path
	}
	u, _ := url.Parse(c.BaseURL)
	return u.Scheme + "://" + u.Host + path
}

// DefaultConfig returns the configuration used for a site without site.yaml,
// and the defaults a site.yaml starts from.
func DefaultConfig() *Config {
	c := &Config{
		Title:           "Knowledge base",
		ContentDir:      "content",
		ThemeDir:        "theme",
		DefaultLanguage: "en",
		Languages:       []Language{{Code: "en", Name: "English"}, {Code: "nl", Name: "Nederlands"}},
		Kinds:           DefaultKinds(),
		FeedSize:        20,
		basePath:        "/",
	}
	c.Markdown.MaxFileSize = 512 << 10
	return c
}

// DefaultKinds returns the four kinds of playbook kb knows out of the box.
func DefaultKinds() []Kind {
	return []Kind{
		{Name: "symptom", Layout: "symptom",
			Label:  map[string]string{"en": "Symptom", "nl": "Symptoom"},
			Plural: map[string]string{"en": "Symptoms", "nl": "Symptomen"},
			Fields: []Field{
				{Name: "signals", Type: "list", Required: true},
				{Name: "impact", Type: "text", Required: true},
				{Name: "remedies", Type: "links", Required: true},
			}},
		{Name: "meeting-format", Layout: "meeting-format",
			Label:  map[string]string{"en": "Meeting format", "nl": "Overlegvorm"},
			Plural: map[string]string{"en": "Meeting formats", "nl": "Overlegvormen"},
			Fields: []Field{
				{Name: "cadence", Type: "string", Required: true},
				{Name: "duration", Type: "string", Required: true},
				{Name: "participants", Type: "list", Required: true},
				{Name: "agenda", Type: "agenda", Required: true},
			}},
		{Name: "channel-agreement", Layout: "channel-agreement",
			Label:  map[string]string{"en": "Channel agreement", "nl": "Kanaalafspraak"},
			Plural: map[string]string{"en": "Channel agreements", "nl": "Kanaalafspraken"},
			Fields: []Field{
				{Name: "channel", Type: "string", Required: true},
				{Name: "use_for", Type: "list", Required: true},
				{Name: "not_for", Type: "list", Required: true},
				{Name: "response_time", Type: "string", Required: true},
			}},
		{Name: "tool-rollout", Layout: "tool-rollout",
			Label:  map[string]string{"en": "Tool rollout", "nl": "Tool-uitrol"},
			Plural: map[string]string{"en": "Tool rollouts", "nl": "Tool-uitrollen"},
			Fields: []Field{
				{Name: "tool", Type: "string", Required: true},
				{Name: "status", Type: "enum", Required: true, Values: []string{"planned", "pilot", "rolling-out", "done"}},
				{Name: "steps", Type: "steps", Required: true},
			}},
	}
}

var yamlLineRE = regexp.MustCompile(`line (\d+): `)

// ParseConfig reads site.yaml's bytes. Problems are returned as diagnostics
// naming file and line; the config is nil when any of them is an error.
func ParseConfig(name string, src []byte) (*Config, Diagnostics) {
	c := DefaultConfig()
	c.Kinds = nil
	var ds Diagnostics
	bad := func(line int, format string, args ...any) {
		ds = append(ds, Diagnostic{File: name, Line: line, Severity: SeverityError, Rule: RuleConfig, Message: fmt.Sprintf(format, args...)})
	}
	if err := yaml.UnmarshalStrict(src, c); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			for _, msg := range te.Errors {
				line, text := splitYAMLLine(msg)
				bad(line, "%s", configMessage(src, line, text))
			}
		} else {
			line, text := splitYAMLLine(strings.TrimPrefix(err.Error(), "yaml: "))
			bad(line, "%s", configMessage(src, line, text))
		}
		return nil, ds
	}
	if c.Kinds == nil {
		c.Kinds = DefaultKinds()
	}
	if err := c.SetBaseURL(c.BaseURL); err != nil {
		bad(keyLine(src, "base_url"), "%v", err)
	}
	if len(c.Languages) == 0 {
		bad(keyLine(src, "languages"), "languages: at least one language is needed")
	}
	seen := map[string]bool{}
	for _, l := range c.Languages {
		if !langCodeRE.MatchString(l.Code) || seen[l.Code] {
			bad(keyLine(src, "languages"), "languages: %q is not a valid, unique language code", l.Code)
		}
		seen[l.Code] = true
	}
	if !c.HasLanguage(c.DefaultLanguage) {
		codes := make([]string, len(c.Languages))
		for i, l := range c.Languages {
			codes[i] = l.Code
		}
		bad(keyLine(src, "default_language"), "default_language %q is not one of the languages%s", c.DefaultLanguage, didYouMean(c.DefaultLanguage, codes))
	}
	for rule, sev := range c.Rules {
		line := nestedKeyLine(src, "rules", rule)
		if _, ok := defaultSeverity[rule]; !ok {
			bad(line, "rules: unknown rule %q%s", rule, didYouMean(rule, Rules()))
		}
		switch Severity(sev) {
		case SeverityError, SeverityWarning, SeverityOff:
		default:
			bad(line, "rules.%s: severity must be error, warning or off, not %q%s", rule, sev,
				strings.TrimSuffix(didYouMean(sev, []string{"error", "warning", "off"}), " (known: error, warning, off)"))
		}
		if fatalRules[rule] && Severity(sev) != SeverityError {
			bad(line, "rules: %s cannot be lowered", rule)
		}
	}
	kinds := map[string]bool{}
	for _, k := range c.Kinds {
		if !slugRE.MatchString(k.Name) || kinds[k.Name] {
			bad(keyLine(src, "kinds"), "kinds: %q is not a valid, unique kind name", k.Name)
		}
		kinds[k.Name] = true
		fields := map[string]bool{}
		for _, f := range k.Fields {
			if f.Name == "" || fields[f.Name] || commonKeys[f.Name] {
				bad(keyLine(src, "kinds"), "kinds: %s: field %q is empty, repeated or a common front-matter key", k.Name, f.Name)
			}
			fields[f.Name] = true
			if !slices.Contains(fieldTypes, f.Type) {
				bad(keyLine(src, "kinds"), "kinds: %s: field %s has unknown type %q%s", k.Name, f.Name, f.Type, didYouMean(f.Type, fieldTypes))
			}
			if f.Type == "enum" && len(f.Values) == 0 {
				bad(keyLine(src, "kinds"), "kinds: %s: enum field %s needs values", k.Name, f.Name)
			}
		}
	}
	for _, dir := range []struct{ key, val string }{{"content_dir", c.ContentDir}, {"theme_dir", c.ThemeDir}} {
		if !fs.ValidPath(dir.val) || dir.val == "." {
			bad(keyLine(src, dir.key), "%s %q must be a folder inside the site", dir.key, dir.val)
		}
	}
	if c.Markdown.MaxFileSize <= 0 {
		c.Markdown.MaxFileSize = 512 << 10
	}
	if c.FeedSize <= 0 {
		c.FeedSize = 20
	}
	if ds.Errors() > 0 {
		return nil, ds
	}
	return c, ds
}

var langCodeRE = regexp.MustCompile(`^[a-z]{2,3}$`)

var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func splitYAMLLine(msg string) (int, string) {
	m := yamlLineRE.FindStringSubmatchIndex(msg)
	if m == nil {
		return 0, msg
	}
	n, _ := strconv.Atoi(msg[m[2]:m[3]])
	return n, msg[:m[0]] + msg[m[1]:]
}

// keyLine returns the 1-based line of the first top-level "key:" in src, or 0.
func keyLine(src []byte, key string) int {
	prefix := []byte(key + ":")
	for i, line := range bytes.Split(src, []byte("\n")) {
		if bytes.HasPrefix(line, prefix) {
			return i + 1
		}
	}
	return 0
}
