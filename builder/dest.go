package builder

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"kb/internal/config"
	"kb/internal/layout"
)

// An output folder kb made holds layout.OutputMarker: a folder that has
// it is kb's to replace; a non-empty folder that does not is someone
// else's, and kb refuses to replace it (unless told to with Options.Force,
// and even then it moves the folder aside instead of deleting it). The
// content scan skips any folder that has it, so a build output never
// becomes content.

// markerText is the marker file's content: the same in every build, so
// that two builds of the same input are byte-identical.
const markerText = "This folder is the output of kb build; kb replaces it as a whole on every build.\n"

// legacyMarker is a file that output folders written before layout.OutputMarker
// existed always hold.
const legacyMarker = layout.IndexDir + "/index_meta.json"

// ErrUnsafeDest marks an output folder that kb refuses to write: it is, holds
// or lies inside the site's sources, or it is a folder kb did not make.
var ErrUnsafeDest = errors.New("unsafe output folder")

// CheckDest refuses an output folder that would harm what kb does not own,
// before anything is written: one that is or contains the site folder, its
// site.yaml, content or theme folder; one inside the content or theme folder
// (unless that is the site folder itself); one inside a .git folder; one
// holding files Git tracks; a file that is not a folder; and a non-empty
// folder without layout.OutputMarker, unless opts.Force. The errors wrap
// ErrUnsafeDest and say why.
func CheckDest(ctx context.Context, opts Options) error {
	dest, err := resolvePath(opts.Dest)
	if err != nil {
		return err
	}
	refuse := func(format string, args ...any) error {
		return fmt.Errorf("%w: --dest %s %s", ErrUnsafeDest, opts.Dest, fmt.Sprintf(format, args...))
	}
	if opts.Source != "" {
		src, err := resolvePath(opts.Source)
		if err != nil {
			return err
		}
		if within(src, dest) {
			return refuse("would replace the site folder %s", opts.Source)
		}
		cfg := config.Default()
		if data, err := os.ReadFile(filepath.Join(src, layout.ConfigFile)); err == nil {
			if c, _ := ParseConfig(layout.ConfigFile, data); c != nil {
				cfg = c
			}
		}
		for _, p := range []struct{ what, rel string }{{"the site's " + layout.ConfigFile, layout.ConfigFile}, {"the content folder", cfg.ContentDir}, {"the theme folder", cfg.ThemeDir}, {"the Git folder", ".git"}} {
			abs := filepath.Join(src, filepath.FromSlash(p.rel))
			fi, err := os.Lstat(abs)
			if err != nil {
				continue
			}
			if within(abs, dest) {
				return refuse("would replace %s (%s)", p.what, p.rel)
			}
			if fi.IsDir() && abs != src && within(dest, abs) {
				return refuse("lies inside %s (%s): the output would be read back as sources", p.what, p.rel)
			}
		}
	}
	fi, err := os.Lstat(dest)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return refuse("is a file, not a folder")
	}
	if _, err := os.Lstat(filepath.Join(dest, ".git")); err == nil {
		return refuse("is a Git working folder")
	}
	if tracked := gitTracked(ctx, dest); tracked != "" {
		return refuse("holds files Git tracks (%s)", tracked)
	}
	if isOutput(dest) {
		return nil
	}
	entries, err := os.ReadDir(dest)
	if err != nil {
		return err
	}
	if len(entries) > 0 && !opts.Force {
		return refuse("is a folder kb did not make and is not empty (it has no %s file): choose another folder, empty it, or pass --force to move it aside to %s", layout.OutputMarker, filepath.Base(dest)+asideSuffix+"/")
	}
	return nil
}

// isOutput reports whether dir is an output folder kb made.
func isOutput(dir string) bool { return isOutputFS(os.DirFS(dir), ".") }

// resolvePath makes p absolute and resolves the symbolic links of the part
// of it that exists, so that two spellings of one folder compare equal.
func resolvePath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	var rest []string
	for cur := abs; ; cur = filepath.Dir(cur) {
		if real, err := filepath.EvalSymlinks(cur); err == nil {
			return filepath.Join(append([]string{real}, rest...)...), nil
		}
		if cur == filepath.Dir(cur) {
			return abs, nil
		}
		rest = append([]string{filepath.Base(cur)}, rest...)
	}
}

// within reports whether p is dir or lies inside it.
func within(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && (rel == "." || filepath.IsLocal(rel))
}

// gitTracked returns the first file under dir that Git tracks, or "" when
// there is none, dir is in no repository, or Git is not installed.
func gitTracked(ctx context.Context, dir string) string {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "git", "-C", dir, "ls-files", "-z", "--", ".")
	cmd.Env = append(os.Environ(), "GIT_OPTIONAL_LOCKS=0")
	out, err := cmd.Output()
	if err != nil || len(out) == 0 {
		return ""
	}
	first, _, _ := bytes.Cut(out, []byte{0})
	return strings.TrimSpace(string(first))
}

// asideSuffix is added to the name of a folder that --force moves aside.
const asideSuffix = ".orig"

// moveAside renames dir to a free name beside it ending in asideSuffix and
// returns that name.
func moveAside(dir string) (string, error) {
	for i := 0; ; i++ {
		to := dir + asideSuffix
		if i > 0 {
			to = fmt.Sprintf("%s%s-%d", dir, asideSuffix, i)
		}
		if _, err := os.Lstat(to); errors.Is(err, fs.ErrNotExist) {
			return to, os.Rename(dir, to)
		}
	}
}

// Recover puts back the output folder dest when a build was killed between
// the two renames that publish a new one, and removes what killed builds
// left beside it. It does nothing while another build is running. Every
// build and server calls it first, so whatever happens next (even a build
// that fails) the previous complete site is in place.
func Recover(dest string) {
	dest = filepath.Clean(dest)
	lock, err := os.Open(filepath.Dir(dest))
	if err != nil {
		return
	}
	defer lock.Close()
	if lockExclusive(lock) {
		removeStale(dest)
	}
}
