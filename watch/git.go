package watch

import (
	"io/fs"
	"path/filepath"
	"strings"
)

// isGitRef reports whether the absolute path p is one of the files that say
// which commit the repository is at (HEAD, packed-refs, a ref), or a folder
// of refs.
func (sc *Scope) isGitRef(p string) bool {
	if sc.GitDir == "" || strings.HasSuffix(p, ".lock") {
		return false
	}
	refs := filepath.Join(sc.GitCommon, "refs")
	return p == filepath.Join(sc.GitDir, "HEAD") || p == filepath.Join(sc.GitCommon, "packed-refs") ||
		p == refs || strings.HasPrefix(p, refs+string(filepath.Separator))
}

// gitDirs lists the Git folders to watch: the Git folder (for HEAD), the
// common folder (for packed-refs) and every folder of refs.
func (sc *Scope) gitDirs() []string {
	if sc.GitDir == "" {
		return nil
	}
	dirs := []string{sc.GitDir}
	if sc.GitCommon != sc.GitDir {
		dirs = append(dirs, sc.GitCommon)
	}
	_ = filepath.WalkDir(filepath.Join(sc.GitCommon, "refs"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			dirs = append(dirs, p)
		}
		return nil
	})
	return dirs
}

// gitFiles lists the files of the Git folders in scope, for polling.
func (sc *Scope) gitFiles() []string {
	if sc.GitDir == "" {
		return nil
	}
	files := []string{filepath.Join(sc.GitDir, "HEAD"), filepath.Join(sc.GitCommon, "packed-refs")}
	_ = filepath.WalkDir(filepath.Join(sc.GitCommon, "refs"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && sc.isGitRef(p) {
			files = append(files, p)
		}
		return nil
	})
	return files
}
