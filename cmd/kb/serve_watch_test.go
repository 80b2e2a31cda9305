package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The site folder moved away and back while kb serve runs: the terminal and
// the open pages say it is gone, and once it is back edits are seen again.
func TestServe_SiteFolderMovedAwayAndBack(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "site")
	svMust(t, os.Rename(svSite(t), dir))
	s := svStart(t, dir)
	ev := s.events(t)
	ev.next(t, "hello")
	away := dir + "-away"
	svMust(t, os.Rename(dir, away))
	if name, data := ev.next(t, "error", "reload"); name != "error" || !strings.Contains(data, "is gone") {
		t.Fatalf("got %s %s, want an error event saying the folder is gone", name, data)
	}
	svWait(t, "the terminal to say the folder is gone", func() bool { return strings.Contains(s.errs.String(), "is gone") })
	time.Sleep(1500 * time.Millisecond)
	svMust(t, os.Rename(away, dir))
	if name, data := ev.next(t, "error", "reload"); name != "reload" {
		t.Fatalf("got %s %s once the folder is back, want a reload", name, data)
	}
	svWrite(t, filepath.Join(dir, "content", "guides", "two.md"), svPage("Guide two", "gamma", "Edited after the move."))
	s.waitPage(t, "guides/two/", "Edited after the move")
	s.converge(t)
}

// A page moved out of the site folder is no longer served.
func TestServe_PageMovedOut(t *testing.T) {
	dir := svSite(t)
	s := svStart(t, dir)
	svMust(t, os.Rename(filepath.Join(dir, "content", "guides", "two.md"), filepath.Join(t.TempDir(), "two.md")))
	svWait(t, "the moved page to go", func() bool { code, _ := svGet(t, s.url+"guides/two/"); return code == 404 })
	s.converge(t)
}
