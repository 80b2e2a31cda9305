package benchcorpus

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
)

// Options say what corpus Generate makes.
type Options struct {
	// Pages is the number of playbooks (at least 2).
	Pages int
	// Seed selects the corpus: the same Pages and Seed give byte-identical
	// files.
	Seed int64
	// Minimal leaves out translation_key and the fields of each kind.
	Minimal bool
	// KindKey is the front-matter key of the page's kind ("kind" when empty).
	KindKey string
	// BrokenLinks adds that many links to missing pages or headings, one
	// per page on as many pages.
	BrokenLinks int
	// Jobs is the number of pages written at once (the number of CPUs when
	// 0); the output does not depend on it.
	Jobs int
}

func (o Options) kindKey() string {
	if o.KindKey == "" {
		return "kind"
	}
	return o.KindKey
}

// Corpus describes a generated corpus.
type Corpus struct {
	// Markers maps each page's marker word, found in no other page, to the
	// page's slash-separated path relative to the corpus folder.
	Markers map[string]string
	// Broken lists the broken links, in page order.
	Broken []BrokenLink
	// Pages, Dutch, Folders and Words count the pages, the Dutch pages, the
	// folders holding pages and the whitespace-separated words of all files.
	Pages, Dutch, Folders, Words int
}

// Generate writes a corpus of opts.Pages Markdown playbooks into dir, which
// must be absent or empty.
//
// Each playbook is one of four kinds (symptom, meeting-format,
// channel-agreement, tool-rollout) in the kind's folder (symptoms/,
// meeting-formats/, channel-agreements/, tool-rollouts/), 40% of them one or
// two sub-folders deeper; about 30% are Dutch. The front matter has title,
// kind, lang, tags, owner, summary and review_by, a translation_key shared
// by one English and one Dutch page on about half of the Dutch pages, and
// the fields of the page's kind (symptom: signals, impact, remedies;
// meeting-format: cadence, duration, participants, agenda;
// channel-agreement: channel, use_for, not_for, response_time;
// tool-rollout: tool, status, steps).
//
// The body has 300-1500 words (750 on average): H2 sections with unique
// ASCII headings, H3 sub-sections (some with non-ASCII text), paragraphs, a
// bullet list, a GFM table and a task list, and by chance a fenced code
// block (about 30% of pages), a blockquote, a numbered list or a footnote
// (about 10%). Each page links to 2-6 other pages with relative links, a
// third of them to a heading of the target, and holds one made-up marker
// word found nowhere else. Every link resolves, unless opts.BrokenLinks
// asks for broken ones.
func Generate(dir string, opts Options) (*Corpus, error) {
	if opts.Pages < 2 {
		return nil, errors.New("a corpus needs at least 2 pages")
	}
	if opts.BrokenLinks < 0 || opts.BrokenLinks > opts.Pages {
		return nil, fmt.Errorf("broken links must be between 0 and the number of pages (%d)", opts.Pages)
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("%s exists and is not empty", dir)
	}
	pages := plan(opts)
	c := &Corpus{Markers: map[string]string{}, Pages: len(pages)}
	folders := map[string]bool{}
	for _, p := range pages {
		c.Markers[p.marker] = p.path
		folders[p.folder] = true
		if p.lang == "nl" {
			c.Dutch++
		}
	}
	c.Folders = len(folders)
	for f := range folders {
		if err := os.MkdirAll(filepath.Join(dir, filepath.FromSlash(f)), 0o755); err != nil {
			return nil, err
		}
	}
	jobs := opts.Jobs
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	words := make([]int, len(pages))
	broken := make([][]BrokenLink, len(pages))
	errs := make([]error, jobs)
	var next atomic.Int64
	var wg sync.WaitGroup
	for j := range jobs {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(pages) {
					return
				}
				p := pages[i]
				var text string
				text, broken[i] = render(p, pages, opts)
				words[i] = len(strings.Fields(text))
				if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(p.path)), []byte(text), 0o644); err != nil {
					errs[j] = err
					next.Store(int64(len(pages))) // stop the other workers too
					return
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	for i := range pages {
		c.Words += words[i]
		c.Broken = append(c.Broken, broken[i]...)
	}
	return c, nil
}

// WriteManifest writes c's manifest to file: a JSON object mapping each
// marker word to its page's path, plus the broken links under "_broken"
// when there are any.
func (c *Corpus) WriteManifest(file string) error {
	m := make(map[string]any, len(c.Markers)+1)
	for k, v := range c.Markers {
		m[k] = v
	}
	if len(c.Broken) > 0 {
		m["_broken"] = c.Broken
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(m); err != nil {
		return err
	}
	return os.WriteFile(file, []byte(b.String()), 0o644)
}

// String summarises the corpus in one line.
func (c *Corpus) String() string {
	return fmt.Sprintf("%d pages (%d nl) in %d folders, %d words, %d broken links",
		c.Pages, c.Dutch, c.Folders, c.Words, len(c.Broken))
}
