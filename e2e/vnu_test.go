package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestHTMLValid runs the Nu Html Checker over every HTML file of the built
// site and wants zero errors.
func TestHTMLValid(t *testing.T) {
	jar := filepath.Join(repoRoot, "node_modules", "vnu-jar", "build", "dist", "vnu.jar")
	if _, err := os.Stat(jar); err != nil {
		t.Fatalf("vnu-jar is missing: run `npm ci` at the repository root (%v)", err)
	}
	var pages int
	filepath.WalkDir(siteDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".html") {
			pages++
		}
		return err
	})
	if pages < len(site.Pages) {
		t.Fatalf("only %d HTML files for %d pages", pages, len(site.Pages))
	}
	cmd := exec.CommandContext(t.Context(), "java", "-Xss4m", "-jar", jar, "--errors-only", "--skip-non-html", "--format", "json", siteDir)
	var stderr strings.Builder
	cmd.Stderr = &stderr // vnu writes its JSON report to stderr
	err := cmd.Run()
	var report struct {
		Messages []struct {
			URL, Type, SubType, Message string
			LastLine                    int
		}
	}
	if jerr := json.Unmarshal([]byte(stderr.String()), &report); jerr != nil {
		t.Fatalf("vnu: %v, output: %.2000s (parse error: %v)", err, stderr.String(), jerr)
	}
	for _, m := range report.Messages {
		if m.Type == "error" || m.SubType == "fatal" {
			t.Errorf("%s:%d: %s", strings.TrimPrefix(m.URL, "file:"+siteDir+"/"), m.LastLine, m.Message)
		}
	}
	if err != nil && !t.Failed() {
		t.Errorf("vnu exited with %v", err)
	}
	t.Logf("checked %d HTML files", pages)
}
