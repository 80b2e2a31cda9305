package watch

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// reconcile makes the watch list equal to the scope's folders: watches on
// folders that are gone are removed first (a renamed folder keeps its watch
// under the old name), then new folders are watched, parents first, and so
// are folders found replaced (deleted and made again, or moved away and
// back) since their watch was added. When the site folder itself is gone,
// every watch is removed and Run looks for the folder every RootPoll.
//
// It returns the problems worth showing, each once (a folder that cannot
// be watched, the site folder gone), and an error only when the system's
// watch limit is reached. It runs on Run's goroutine, or in New.
func (w *Watcher) reconcile(sc Scope) (problems []error, limit error) {
	if fi, err := os.Lstat(sc.Root); err != nil || !fi.IsDir() {
		w.unwatchAll()
		if !w.rootGone {
			w.rootGone = true
			problems = append(problems, fmt.Errorf("%s is gone (moved or deleted); its changes are seen again once it is back", sc.Root))
		}
		return problems, nil
	}
	w.rootGone = false
	want := sc.Dirs()
	wantSet := make(map[string]bool, len(want))
	for _, d := range want {
		wantSet[d] = true
	}
	w.mu.Lock()
	var gone []string
	for d := range w.watched {
		if !wantSet[d] {
			gone = append(gone, d)
		}
	}
	w.mu.Unlock()
	for _, d := range gone {
		w.unwatch(d)
	}
	for d := range w.failed {
		if !wantSet[d] {
			delete(w.failed, d)
		}
	}
	for _, d := range want {
		// Lstat before Add: a folder replaced in between is watched under
		// the old identity and so found replaced next time, never the
		// other way round.
		fi, err := os.Lstat(d)
		if err != nil || !fi.IsDir() {
			continue // vanished since the walk
		}
		w.mu.Lock()
		old, have := w.watched[d]
		w.mu.Unlock()
		if have && os.SameFile(old, fi) {
			continue
		}
		if have {
			w.unwatch(d) // the watch is on a folder that is no longer there
		}
		if err := w.be.Add(d); err != nil {
			if isLimit(err) {
				return problems, err
			}
			if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) && !w.failed[d] {
				w.failed[d] = true
				problems = append(problems, fmt.Errorf("cannot watch %s: %w", d, err))
			}
			continue
		}
		delete(w.failed, d)
		w.mu.Lock()
		w.watched[d] = fi
		w.mu.Unlock()
	}
	return problems, nil
}

// unwatch removes the watch on folder d.
func (w *Watcher) unwatch(d string) {
	_ = w.be.Remove(d) // already gone from the kernel when the folder was deleted or moved
	w.mu.Lock()
	delete(w.watched, d)
	w.mu.Unlock()
}

// unwatchAll removes every watch.
func (w *Watcher) unwatchAll() {
	for _, d := range w.Watched() {
		w.unwatch(d)
	}
}

// forget notes that the watch on folder p may be gone: fsnotify drops the
// watch of a folder that is moved or deleted, even when it comes back
// under the same name. The next reconcile watches p again if it is there.
// It is called by the reader goroutine.
func (w *Watcher) forget(p string) {
	w.mu.Lock()
	delete(w.watched, p)
	w.mu.Unlock()
}

// rootBack reports whether the site folder, found gone by the last
// reconcile, is there again.
func (w *Watcher) rootBack() bool {
	sc := w.opts.Scope()
	fi, err := os.Stat(sc.Root)
	return err == nil && fi.IsDir()
}

// readabilityChanged reports whether a change of mode on p made it
// unreadable, or readable again: the build then skips the file, or reads
// it again. A change that leaves p readable (or unreadable) does not count.
// It is called by the reader goroutine, which owns w.unreadable.
func (w *Watcher) readabilityChanged(p string) bool {
	f, err := os.OpenFile(p, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err == nil {
		f.Close()
	}
	denied := errors.Is(err, fs.ErrPermission)
	was := w.unreadable[p]
	if denied {
		w.unreadable[p] = true
	} else {
		delete(w.unreadable, p)
	}
	return denied != was
}
