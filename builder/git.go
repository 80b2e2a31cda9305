package builder

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"time"
)

// GitInfo is what one pass over `git log` tells about the content files.
type GitInfo struct {
	// Updated maps a content-relative path to its last commit date.
	Updated map[string]time.Time
	// Authors maps a content-relative path to its commit authors, most
	// recent first, each once.
	Authors map[string][]string
}

// ReadGitInfo runs `git log` once over dir and returns each file's last
// commit date and authors, keyed by the path relative to dir. Outside a Git
// checkout, or without git, it returns nil and no error: the build goes on
// without dates.
func ReadGitInfo(ctx context.Context, dir string) (*GitInfo, error) {
	prefixOut, err := exec.CommandContext(ctx, "git", "-C", dir, "rev-parse", "--show-prefix").Output()
	if err != nil {
		return nil, nil
	}
	prefix := strings.TrimSpace(string(prefixOut))
	cmd := exec.CommandContext(ctx, "git", "-C", dir, "-c", "core.quotepath=off", "log", "-z",
		"--format=%x1e%cI%x1f%an", "--name-only", "--no-renames", "--", ".")
	out, err := cmd.Output()
	if err != nil {
		return nil, nil // e.g. a repository without commits
	}
	return parseGitLog(out, prefix), nil
}

func parseGitLog(out []byte, prefix string) *GitInfo {
	gi := &GitInfo{Updated: map[string]time.Time{}, Authors: map[string][]string{}}
	for _, rec := range bytes.Split(out, []byte{0x1e}) {
		head, files, ok := bytes.Cut(rec, []byte{0})
		if !ok {
			continue
		}
		date, author, _ := bytes.Cut(head, []byte{0x1f})
		t, err := time.Parse(time.RFC3339, string(date))
		if err != nil {
			continue
		}
		name := string(author)
		for _, f := range bytes.Split(bytes.TrimLeft(files, "\n"), []byte{0}) {
			if len(f) == 0 {
				continue
			}
			p, ok := strings.CutPrefix(string(f), prefix)
			if !ok {
				continue
			}
			if _, seen := gi.Updated[p]; !seen {
				gi.Updated[p] = t
			}
			authors := gi.Authors[p]
			if !contains(authors, name) {
				gi.Authors[p] = append(authors, name)
			}
		}
	}
	return gi
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
