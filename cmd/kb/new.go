package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"kb/builder"
	"kb/internal/config"
)

func runNew(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := newFlagSet("new", `new KIND "Title" [--lang CODE] [--source DIR]`, stderr)
	lang := fl.String("lang", "", "language of the new page, e.g. nl (default: the site's default language)")
	source := fl.String("source", "", "site folder holding site.yaml and content/ (default: the current folder)")
	// Flags may come before, between or after KIND and "Title".
	var pos []string
	for {
		if err := parseFlags(fl, args); err != nil {
			return err
		}
		if fl.NArg() == 0 {
			break
		}
		pos = append(pos, fl.Arg(0))
		args = fl.Args()[1:]
	}
	if len(pos) != 2 {
		fmt.Fprintf(stderr, "kb new: want KIND and \"Title\", got %s\n", count(len(pos), "argument"))
		fl.Usage()
		return errUsage
	}
	kindName, title := pos[0], strings.TrimSpace(pos[1])
	if title == "" || strings.ContainsFunc(title, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return fmt.Errorf("%w: the title must be one line of text", errUsage)
	}
	if *source == "" && !siteHere() {
		return errNoSite("new")
	}
	opts, err := siteSource(*source, io.Discard)
	if err != nil {
		return err
	}
	opts.Drafts = true
	site, _, diags, err := builder.Load(ctx, opts)
	if site != nil {
		defer site.Close()
	}
	if err != nil {
		return err
	}
	if site == nil {
		printDiagnostics(stderr, relocate(site, diags))
		return errContent
	}
	cfg := site.Config
	kind := cfg.Kind(kindName)
	if kind == nil {
		names := make([]string, len(cfg.Kinds))
		for i, k := range cfg.Kinds {
			names[i] = k.Name
		}
		return fmt.Errorf("%w: unknown kind %q (site.yaml declares: %s)", errUsage, kindName, strings.Join(names, ", "))
	}
	if *lang == "" {
		*lang = cfg.DefaultLanguage
	}
	if !cfg.HasLanguage(*lang) {
		return fmt.Errorf("%w: --lang %q is not one of the site's languages", errUsage, *lang)
	}
	slug := strings.ReplaceAll(builder.Slug(title), ".", "-")
	if slug == "" {
		return fmt.Errorf("%w: the title %q gives an empty file name", errUsage, title)
	}
	rel := path.Join(contentPrefix(site), kindFolder(site, kind), slug+".md")
	target := filepath.Join(opts.Source, filepath.FromSlash(rel))
	data := newPage(cfg, kind, title, slug, *lang, time.Now())
	if err := createNew(target, data); err != nil {
		return err
	}
	fmt.Fprintln(stdout, target)
	return nil
}

// createNew writes data to a file that must not exist yet.
func createNew(name string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists: kb new never overwrites a file; choose another title or edit that file", name)
	}
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(name)
	}
	return err
}

// kindFolder is the content folder where most pages of kind live, or, for a
// kind without pages yet, its name in the plural ("meeting-formats").
func kindFolder(site *builder.Site, kind *config.Kind) string {
	count := map[string]int{}
	for _, p := range site.Pages {
		if p.Kind == kind.Name {
			count[p.Section]++
		}
	}
	best, n := "", 0
	for dir, c := range count {
		if c > n || c == n && dir < best {
			best, n = dir, c
		}
	}
	if n > 0 {
		return best
	}
	return plural(kind.Name)
}

// plural forms an English plural of a kind name: symptom → symptoms.
func plural(s string) string {
	switch {
	case strings.HasSuffix(s, "s"), strings.HasSuffix(s, "x"), strings.HasSuffix(s, "z"),
		strings.HasSuffix(s, "ch"), strings.HasSuffix(s, "sh"):
		return s + "es"
	case strings.HasSuffix(s, "y") && len(s) > 1 && !strings.ContainsRune("aeiou", rune(s[len(s)-2])):
		return s[:len(s)-1] + "ies"
	}
	return s + "s"
}

// fieldHints say what to write in the default kinds' fields.
var fieldHints = map[string]string{
	"signals":       "something people notice when this happens",
	"impact":        "what this costs the teams involved",
	"remedies":      "list the playbooks that help, e.g. - ../meeting-formats/weekly-project-sync.md",
	"cadence":       "how often, e.g. weekly",
	"duration":      "how long, e.g. 30m",
	"participants":  "a role that takes part, e.g. Project lead",
	"agenda":        "first agenda item",
	"channel":       "the channel's name, e.g. Team chat",
	"use_for":       "something this channel is for",
	"not_for":       "something that belongs elsewhere",
	"response_time": "how fast people answer, e.g. within four working hours",
	"tool":          "the tool's name",
	"steps":         "first step",
}

// skeletons are the body headings of a new page per kind and language,
// each followed by a placeholder saying what belongs there.
var skeletons = map[string]map[string][][2]string{
	"symptom": {
		"en": {{"How to recognise it", "what people see or hear when this happens"}, {"Why it matters", "what it costs, and whom"}, {"What helps", "the steps that fix it, with links to the playbooks that help"}},
		"nl": {{"Hoe herken je het?", "wat mensen zien of horen als dit speelt"}, {"Waarom het ertoe doet", "wat het kost, en wie"}, {"Wat helpt", "de stappen die het oplossen, met links naar playbooks die helpen"}},
	},
	"meeting-format": {
		"en": {{"Agenda", "what is discussed, in order, with minutes per item"}, {"Roles", "who chairs, who takes notes, who must be there"}, {"Outcomes", "what everyone leaves with"}},
		"nl": {{"Agenda", "wat er besproken wordt, op volgorde, met minuten per punt"}, {"Rollen", "wie leidt, wie notuleert, wie er moet zijn"}, {"Wat levert het op?", "waarmee iedereen de deur uit gaat"}},
	},
	"channel-agreement": {
		"en": {{"What this channel is for", "the messages that belong here"}, {"What it is not for", "what goes elsewhere, and where"}, {"Response times", "how fast people can expect an answer"}},
		"nl": {{"Waarvoor wel", "de berichten die hier thuishoren"}, {"Waarvoor niet", "wat ergens anders hoort, en waar"}, {"Reactietijd", "hoe snel mensen een antwoord kunnen verwachten"}},
	},
	"tool-rollout": {
		"en": {{"Steps", "how the rollout goes, phase by phase"}, {"Who to ask", "whom to ask for help, and how"}},
		"nl": {{"Stappen", "hoe de uitrol verloopt, fase voor fase"}, {"Wie kun je het vragen?", "bij wie je terechtkunt voor hulp, en hoe"}},
	},
	"": {
		"en": {{"Overview", "what this page is about"}},
		"nl": {{"Overzicht", "waar deze pagina over gaat"}},
	},
}

// newPage returns the Markdown of a new page: the kind's front matter with
// every value kb cannot know marked with builder.PlaceholderMarker, and a
// body skeleton. `kb check` rejects the page (rule "placeholder") until
// every marker is replaced.
func newPage(cfg *config.Config, kind *config.Kind, title, slug, lang string, now time.Time) []byte {
	todo := func(hint string) string { return yamlQuote(builder.PlaceholderMarker + " " + hint) }
	comment := func(hint string) string { return "  # " + builder.PlaceholderMarker + " " + hint }
	var b strings.Builder
	b.WriteString("---\n")
	fmt.Fprintf(&b, "title: %s\n", yamlQuote(title))
	fmt.Fprintf(&b, "summary: %s\n", todo("one sentence on what this page helps with"))
	fmt.Fprintf(&b, "kind: %s\n", kind.Name)
	if lang != cfg.DefaultLanguage {
		fmt.Fprintf(&b, "lang: %s\n", lang)
		fmt.Fprintf(&b, "translation_key: %s\n", todo("the translation_key of the page this translates, or remove this line"))
	} else {
		fmt.Fprintf(&b, "translation_key: %s\n", slug)
	}
	if len(cfg.Tags) > 0 {
		fmt.Fprintf(&b, "tags: []%s\n", comment("add tags from site.yaml's list: "+strings.Join(cfg.Tags, ", ")))
	} else {
		fmt.Fprintf(&b, "tags: []%s\n", comment("add a few tags"))
	}
	fmt.Fprintf(&b, "owner: %s\n", todo("the team to ask about this page, e.g. pmo"))
	fmt.Fprintf(&b, "review_by: %s\n", now.AddDate(0, 6, 0).Format(time.DateOnly))
	for _, f := range kind.Fields {
		hint := fieldHints[f.Name]
		if hint == "" {
			hint = strings.ReplaceAll(f.Name, "_", " ")
		}
		switch f.Type {
		case "list":
			fmt.Fprintf(&b, "%s:\n  - %s\n", f.Name, todo(hint))
		case "links":
			fmt.Fprintf(&b, "%s: []%s\n", f.Name, comment(hint))
		case "enum":
			fmt.Fprintf(&b, "%s: %s%s\n", f.Name, f.Values[0], comment("one of "+strings.Join(f.Values, ", ")))
		case "date":
			fmt.Fprintf(&b, "%s: %s%s\n", f.Name, now.Format(time.DateOnly), comment(hint+" (YYYY-MM-DD)"))
		case "int":
			fmt.Fprintf(&b, "%s: 0%s\n", f.Name, comment(hint+" (a whole number)"))
		case "bool":
			fmt.Fprintf(&b, "%s: false%s\n", f.Name, comment(hint+" (true or false)"))
		case "agenda":
			fmt.Fprintf(&b, "%s:\n  - {item: %s, minutes: 10}\n", f.Name, todo(hint))
		case "steps":
			fmt.Fprintf(&b, "%s:\n  - {name: %s, owner: %s, status: todo}\n", f.Name, todo(hint), todo("the team that does it"))
		default: // string, text
			fmt.Fprintf(&b, "%s: %s\n", f.Name, todo(hint))
		}
	}
	b.WriteString("---\n")
	sk := skeletons[kind.Name]
	if sk == nil {
		sk = skeletons[""]
	}
	sections := sk[lang]
	if sections == nil {
		sections = sk["en"]
	}
	for _, s := range sections {
		fmt.Fprintf(&b, "\n## %s\n\n%s %s.\n", s[0], builder.PlaceholderMarker, s[1])
	}
	return []byte(b.String())
}

// yamlQuote writes s as a double-quoted YAML scalar.
func yamlQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
