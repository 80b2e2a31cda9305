// Command gencorpus writes a synthetic knowledge base of Markdown playbooks
// and its manifest, for benchmarks and comparisons with other tools:
//
//	go run ./internal/benchcorpus/cmd/gencorpus --pages 1000 --out DIR [--manifest FILE]
//	    [--seed N] [--minimal] [--kind-key type] [--broken-links K] [--jobs N]
//
// The manifest maps each page's unique marker word to the page's path
// relative to DIR (and lists the broken links under "_broken"); it is
// written to DIR/../manifest-<name of DIR>.json unless --manifest says
// otherwise. See benchcorpus.Generate for what the corpus holds.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"kb/internal/benchcorpus"
)

func main() {
	var opts benchcorpus.Options
	flag.IntVar(&opts.Pages, "pages", 0, "number of pages (at least 2; required)")
	out := flag.String("out", "", "output folder, created; must be absent or empty (required)")
	manifest := flag.String("manifest", "", "manifest file (default: OUT/../manifest-<name of OUT>.json)")
	flag.Int64Var(&opts.Seed, "seed", 1, "seed: the same pages and seed give the same files")
	flag.BoolVar(&opts.Minimal, "minimal", false, "leave out translation_key and each kind's own fields")
	flag.StringVar(&opts.KindKey, "kind-key", "kind", "front-matter key of the page's kind")
	flag.IntVar(&opts.BrokenLinks, "broken-links", 0, "add `K` links to missing pages or headings")
	flag.IntVar(&opts.Jobs, "jobs", 0, "pages written at once (default: the number of CPUs); the output does not depend on it")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: gencorpus --pages N --out DIR [flags]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if opts.Pages == 0 || *out == "" || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	dir, err := filepath.Abs(*out)
	if err != nil {
		fail(err)
	}
	if *manifest == "" {
		*manifest = filepath.Join(filepath.Dir(dir), "manifest-"+filepath.Base(dir)+".json")
	}
	c, err := benchcorpus.Generate(dir, opts)
	if err != nil {
		fail(err)
	}
	if err := c.WriteManifest(*manifest); err != nil {
		fail(err)
	}
	fmt.Fprintf(os.Stderr, "wrote %s to %s; manifest %s\n", c, dir, *manifest)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gencorpus:", err)
	os.Exit(1)
}
