package themes

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"strings"
	"testing"
)

// TestMermaid_PinnedRelease: the diagram script the default theme serves is
// the mermaid release package.json pins, as update-mermaid.sh copies it:
// its header names that release, its licence lies beside it and, where
// npm ci has run, the rest is the package's dist/mermaid.min.js byte for
// byte.
func TestMermaid_PinnedRelease(t *testing.T) {
	var pkg struct {
		DevDependencies map[string]string `json:"devDependencies"`
	}
	data, err := os.ReadFile("../package.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &pkg); err != nil {
		t.Fatal(err)
	}
	version := pkg.DevDependencies["mermaid"]
	if version == "" || strings.ContainsAny(version, "^~<>=* ") {
		t.Fatalf("package.json pins no exact mermaid release: %q", version)
	}
	script, err := fs.ReadFile(Default(), "static/mermaid.min.js")
	if err != nil {
		t.Fatal(err)
	}
	header, body, ok := bytes.Cut(script, []byte("*/\n"))
	if !ok || !bytes.HasPrefix(header, []byte("/*! mermaid "+version+" | MIT License | Copyright")) {
		t.Errorf("static/mermaid.min.js does not start with the header of mermaid %s: %.120q", version, script)
	}
	licence, err := fs.ReadFile(Default(), "static/mermaid.LICENSE.txt")
	if err != nil || !bytes.Contains(licence, []byte("Permission is hereby granted, free of charge")) {
		t.Errorf("static/mermaid.LICENSE.txt is not mermaid's MIT licence (%v)", err)
	}
	dist, err := os.ReadFile("../node_modules/mermaid/dist/mermaid.min.js")
	if err == nil && !bytes.Equal(body, dist) {
		t.Error("static/mermaid.min.js differs from node_modules/mermaid/dist/mermaid.min.js: run sh themes/update-mermaid.sh")
	}
}
