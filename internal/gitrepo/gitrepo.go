// Package gitrepo finds the Git repository holding a site's folder and
// tells when its history moved, reading Git's own files where it can.
package gitrepo

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Dirs returns the Git folder of the repository holding dir and its
// common folder (the same one, unless dir is in a linked worktree), both
// absolute. Outside a Git checkout, or without git, both are empty.
func Dirs(ctx context.Context, dir string) (gitDir, commonDir string) {
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

// Head names the commit HEAD is at, read from the files git keeps it in
// (HEAD, a loose ref, packed-refs), without running git: "" outside a
// repository. It differs after a commit, pull, checkout, reset or rebase.
// A repository keeping its refs in a reftable is named by the table list's
// size and time instead.
func Head(gitDir, commonDir string) string {
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
