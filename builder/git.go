package builder

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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

// GitDirs returns the Git folder of the repository holding dir and its
// common folder (the same one, unless dir is in a linked worktree), both
// absolute. Outside a Git checkout, or without git, both are empty.
func GitDirs(ctx context.Context, dir string) (gitDir, commonDir string) {
	out, err := exec.CommandContext(ctx, "git", "-C", dir, "rev-parse", "--path-format=absolute", "--git-dir", "--git-common-dir").Output()
	if err != nil {
		return "", ""
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 2 {
		return "", ""
	}
	return lines[0], lines[1]
}

// gitHead names the commit HEAD is at, read from the files git keeps it in
// (HEAD, a loose ref, packed-refs), without running git: "" outside a
// repository. It differs after a commit, pull, checkout, reset or rebase.
// A repository keeping its refs in a reftable is named by the table list's
// size and time instead.
func gitHead(gitDir, commonDir string) string {
	if gitDir == "" {
		return ""
	}
	head, err := os.ReadFile(filepath.Join(gitDir, "HEAD"))
	if err != nil {
		return ""
	}
	ref, symbolic := strings.CutPrefix(strings.TrimSpace(string(head)), "ref: ")
	if !symbolic {
		return ref // detached: the commit itself
	}
	if id, err := os.ReadFile(filepath.Join(commonDir, filepath.FromSlash(ref))); err == nil {
		return ref + " " + strings.TrimSpace(string(id))
	}
	if packed, err := os.ReadFile(filepath.Join(commonDir, "packed-refs")); err == nil {
		for _, line := range strings.Split(string(packed), "\n") {
			if id, name, ok := strings.Cut(line, " "); ok && name == ref {
				return ref + " " + id
			}
		}
	}
	if fi, err := os.Stat(filepath.Join(commonDir, "reftable", "tables.list")); err == nil {
		return fmt.Sprintf("%s reftable %d %d", ref, fi.Size(), fi.ModTime().UnixNano())
	}
	return ref // a branch without commits yet
}
