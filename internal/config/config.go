// Package config reads a site's configuration, site.yaml: its types, its
// defaults, and a strict parser that checks every key and value and
// remembers where each key stands in the file, so that later problems can
// point at the line that caused them.
package config

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"kb/internal/layout"
)

// Rule is the rule name of the diagnostics about site.yaml itself.
const Rule = "config"

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
	// ExternalMedia names the hosts whose images and frames pages may show
	// when kb serve serves them (its Content-Security-Policy allows only
	// the site's own otherwise).
	ExternalMedia ExternalMedia `yaml:"external_media"`

	basePath string
	// root is the parsed file's top-level mapping, nil without one.
	root *yaml.Node
}

// ExternalMedia lists sources outside the site, each a host
// ("img.shields.io", taken as https) or an origin ("https://example.com",
// "http://intranet.example:8080").
type ExternalMedia struct {
	Images []string `yaml:"images"`
	Frames []string `yaml:"frames"`
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
	// Search says how search weighs the field's text: "heading", "body"
	// or "off"; empty is the default of its type (see SearchAs).
	Search string `yaml:"search"`
}

// fieldTypes are the types a kind's field may declare.
var fieldTypes = []string{"string", "text", "list", "links", "date", "int", "bool", "enum", "agenda", "steps"}

// fieldSearches are the values a field's search setting may take.
var fieldSearches = []string{"heading", "body", "off"}

// SearchAs returns how search weighs f's text: f.Search when set, else
// "heading" for agenda items and rollout steps (they head the parts of a
// page, and are short), "body" for the items of other lists and the titles
// of linked pages, and "off" for single values (they mostly repeat the
// title) and for fields whose name starts with "not_" (they say what a
// page is not about).
func (f Field) SearchAs() string {
	switch {
	case f.Search != "":
		return f.Search
	case strings.HasPrefix(f.Name, "not_"):
		return "off"
	case f.Type == "agenda" || f.Type == "steps":
		return "heading"
	case f.Type == "list" || f.Type == "links":
		return "body"
	}
	return "off"
}

// commonKeys are the front-matter keys every page may carry.
var commonKeys = map[string]bool{
	"title": true, "summary": true, "kind": true, "tags": true, "owner": true, "lang": true,
	"translation_key": true, "review_by": true, "draft": true, "aliases": true, "weight": true,
	"sources": true,
	// Jekyll's, as GitHub Pages repositories use them (see the builder's
	// decodeJekyll).
	"redirect_from": true, "redirect_to": true, "description": true, "subtitle": true, "excerpt": true,
	"permalink": true, "published": true, "nav_order": true,
}

// IsCommonKey reports whether key is a front-matter key every page may
// carry, whatever its kind; no kind's field may take such a name.
func IsCommonKey(key string) bool { return commonKeys[key] }

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

// LangURL is the site path u ("/", "/tags/", "/symptoms/x/") in the part
// of the site that is in lang: u itself for the default language, u under
// "/<code>" for any other ("/nl/tags/"), as Hugo and MkDocs lay out a
// multilingual site.
func (c *Config) LangURL(lang, u string) string {
	if lang == "" || lang == c.DefaultLanguage {
		return u
	}
	return "/" + lang + u
}

// LanguagesSet reports whether site.yaml names the site's languages itself
// (else they are the default English and Dutch).
func (c *Config) LanguagesSet() bool { return c.Pos("languages").Line > 0 }

// HasLanguage reports whether code is one of the site's languages.
func (c *Config) HasLanguage(code string) bool {
	return slices.ContainsFunc(c.Languages, func(l Language) bool { return l.Code == code })
}

// SetBaseURL replaces the base URL and recomputes the base path. It returns
// an error, and changes nothing, when raw is neither empty nor an absolute
// http(s) URL.
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

// Default returns the configuration used for a site without site.yaml,
// and the defaults a site.yaml starts from.
func Default() *Config {
	c := &Config{
		Title:           "Knowledge base",
		ContentDir:      layout.ContentDir,
		ThemeDir:        layout.ThemeDir,
		DefaultLanguage: "en",
		Languages:       []Language{{Code: "en", Name: "English"}, {Code: "nl", Name: "Nederlands"}},
		Kinds:           DefaultKinds(),
		FeedSize:        defaultFeedSize,
		basePath:        "/",
	}
	c.Markdown.MaxFileSize = defaultMaxFileSize
	return c
}

// The defaults of settings whose zero or negative value means "the default".
const (
	defaultFeedSize    = 20
	defaultMaxFileSize = 512 << 10
)

// DefaultKinds returns the four kinds of playbook kb knows out of the box.
func DefaultKinds() []Kind {
	return []Kind{
		{Name: "symptom", Layout: "symptom",
			Label:  map[string]string{"en": "Symptom", "nl": "Symptoom"},
			Plural: map[string]string{"en": "Symptoms", "nl": "Symptomen"},
			Fields: []Field{
				// Signals are how a reader recognises the symptom,
				// the words they search with.
				{Name: "signals", Type: "list", Required: true, Search: "heading"},
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
