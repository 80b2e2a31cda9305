// Package watch tells when a site's sources have changed, so that a preview
// can rebuild: a recursive fsnotify watcher with a polling fallback, an
// ignore list for editors' temporary files, and a debounce that turns a
// burst of events into one build.
//
// Events are hints, not facts: nested mkdir -p gives one event, a renamed
// folder keeps reporting its old path, a storm overflows the kernel's queue.
// So an event only says "build soon"; before each build the watcher walks the
// tree again and reconciles its watch list (removing watches on folders that
// are gone, adding ones for new folders), and the builder re-walks the tree
// itself to find what changed.
package watch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Defaults for Options.
const (
	DefaultDebounce     = 40 * time.Millisecond
	DefaultMaxWait      = 2 * time.Second
	DefaultFallbackPoll = time.Second
	// RootPoll is how often the watcher looks for a site folder that was
	// moved away or deleted.
	RootPoll = 200 * time.Millisecond
)

// maxPaths bounds the paths a Batch lists.
const maxPaths = 200

// Options configures a Watcher.
type Options struct {
	// Scope gives the files that belong to the site. It is called again
	// before every build, so the scope can follow a change of site.yaml.
	Scope func() Scope
	// Build is called, from Run's goroutine only and never concurrently, once
	// a batch of changes has settled. Its errors are its own business: the
	// watcher keeps watching whatever a build does.
	Build func(ctx context.Context, b Batch)
	// Debounce is the quiet period after the last event before a build
	// (default DefaultDebounce); MaxWait bounds the wait since the first
	// event of a batch, so a long burst still builds now and then (default
	// DefaultMaxWait).
	Debounce, MaxWait time.Duration
	// Poll, when positive, makes the watcher poll at this interval instead
	// of using file system events (network mounts, containers, WSL).
	Poll time.Duration
	// FallbackPoll is the interval used when the system's watch limit is hit
	// and the watcher falls back to polling (default DefaultFallbackPoll).
	FallbackPoll time.Duration
	// Log receives warnings, one line each. Nil discards them.
	Log io.Writer

	newBackend func() (backend, error) // replaced in tests to inject faults
}

// Batch describes what the watcher saw since the previous build. Paths are
// hints only: the builder re-walks the tree to find what changed.
type Batch struct {
	// Paths are the absolute paths of the relevant events (or, when
	// polling, of the files found changed), sorted, at most 200 of them.
	Paths []string
	// More counts the paths left out of Paths.
	More int
	// Rescan says events may have been lost (the kernel's queue overflowed,
	// or the watcher switched to polling): everything must be re-read.
	Rescan bool
	// Errors are the watcher's own troubles since the previous build, each
	// reported once: an error from the system's notification queue, a
	// folder that could not be watched, the site folder gone. The watcher
	// goes on regardless (and watches the site folder again when it is
	// back); they are there to be shown.
	Errors []error
}

// Mode is how a Watcher finds changes.
type Mode string

// The watcher's modes.
const (
	ModeNotify Mode = "fsnotify"
	ModePoll   Mode = "poll"
)

// backend is the part of fsnotify.Watcher the watcher uses.
type backend interface {
	Add(path string) error
	Remove(path string) error
	Close() error
	Events() <-chan fsnotify.Event
	Errors() <-chan error
}

type notifyBackend struct{ *fsnotify.Watcher }

func (b notifyBackend) Events() <-chan fsnotify.Event { return b.Watcher.Events }
func (b notifyBackend) Errors() <-chan error          { return b.Watcher.Errors }

func newNotifyBackend() (backend, error) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	return notifyBackend{w}, nil
}

// A Watcher watches one site. Create it with New, then call Run.
type Watcher struct {
	opts  Options
	scope atomic.Pointer[Scope]
	kick  chan struct{} // one slot: "something happened", never blocks a sender

	mu      sync.Mutex
	pending map[string]bool // event paths since the last build
	more    int
	rescan  bool
	errs    []error                // the watcher's errors since the last build
	watched map[string]os.FileInfo // folders with a watch → the folder watched
	mode    Mode

	// Owned by Run's goroutine (and New before Run starts).
	be         backend
	readerDone chan struct{}
	interval   time.Duration   // polling interval, in poll mode
	snap       snapshot        // last scan, in poll mode
	rootGone   bool            // the site folder is missing: look for it every RootPoll
	failed     map[string]bool // folders whose watch failed, already reported

	// Owned by the reader goroutine.
	unreadable map[string]bool // files a change of mode made unreadable

	closeOnce sync.Once
}

// New starts watching the scope (or takes the first snapshot, when
// polling). Changes made from now on are seen, so call New before the
// first build.
func New(opts Options) (*Watcher, error) {
	if opts.Scope == nil || opts.Build == nil {
		return nil, errors.New("watch: Scope and Build are required")
	}
	if opts.Debounce <= 0 {
		opts.Debounce = DefaultDebounce
	}
	if opts.MaxWait <= 0 {
		opts.MaxWait = DefaultMaxWait
	}
	if opts.FallbackPoll <= 0 {
		opts.FallbackPoll = DefaultFallbackPoll
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	if opts.newBackend == nil {
		opts.newBackend = newNotifyBackend
	}
	w := &Watcher{opts: opts, kick: make(chan struct{}, 1), pending: map[string]bool{},
		watched: map[string]os.FileInfo{}, failed: map[string]bool{}, unreadable: map[string]bool{}}
	sc := opts.Scope()
	w.scope.Store(&sc)
	if opts.Poll > 0 {
		w.startPolling(opts.Poll, sc)
		return w, nil
	}
	be, err := opts.newBackend()
	if err != nil {
		if !isLimit(err) {
			return nil, fmt.Errorf("watch: %w", err)
		}
		w.limitHit(err)
		w.startPolling(opts.FallbackPoll, sc)
		return w, nil
	}
	w.be = be
	w.mode = ModeNotify
	w.readerDone = make(chan struct{})
	go w.read(be)
	problems, err := w.reconcile(sc)
	for _, p := range problems {
		fmt.Fprintf(w.opts.Log, "kb: watching: %v\n", p)
	}
	if err != nil {
		w.limitHit(err)
		w.toPolling(sc)
	}
	return w, nil
}

// Mode says whether the watcher uses file system events or polls.
func (w *Watcher) Mode() Mode {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.mode
}

// Watched lists the folders currently watched, sorted (none when polling).
func (w *Watcher) Watched() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]string, 0, len(w.watched))
	for p := range w.watched {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// Run waits for changes and calls Build for each settled batch, until ctx
// is done. Events that arrive during a build lead to exactly one more build
// after it. Run then closes the watcher.
func (w *Watcher) Run(ctx context.Context) error {
	defer w.Close()
	deb := debouncer{quiet: w.opts.Debounce, max: w.opts.MaxWait}
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	var fire <-chan time.Time
	var tick *time.Ticker
	var tickC <-chan time.Time
	rootTick := time.NewTicker(RootPoll)
	rootTick.Stop()
	defer rootTick.Stop()
	var rootC <-chan time.Time
	for {
		// The polling ticker follows the mode, which can change during a build.
		if w.interval > 0 && tick == nil {
			tick = time.NewTicker(w.interval)
			defer tick.Stop()
			tickC = tick.C
		}
		// So does the look-out for a site folder that is gone.
		switch {
		case w.rootGone && rootC == nil:
			rootTick.Reset(RootPoll)
			rootC = rootTick.C
		case !w.rootGone && rootC != nil:
			rootTick.Stop()
			rootC = nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-w.kick:
			timer.Reset(time.Until(deb.add(time.Now())))
			fire = timer.C
		case <-fire:
			fire = nil
			deb.fire()
			w.build(ctx)
		case <-tickC:
			w.poll(ctx)
		case <-rootC:
			if w.rootBack() {
				rootTick.Stop()
				rootC = nil
				w.note("", true)
			}
		}
	}
}

// Close stops watching. Run closes the watcher when it returns; call Close
// yourself only when Run is never called. It is safe to call more than once.
func (w *Watcher) Close() error {
	var err error
	w.closeOnce.Do(func() {
		if w.be != nil {
			err = w.be.Close()
			<-w.readerDone
		}
	})
	return err
}

// read forwards relevant events as kicks. It never blocks on the builder.
func (w *Watcher) read(be backend) {
	defer close(w.readerDone)
	events, errs := be.Events(), be.Errors()
	for events != nil || errs != nil {
		select {
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			if ev.Op == 0 {
				continue
			}
			if ev.Has(fsnotify.Rename) || ev.Has(fsnotify.Remove) {
				w.forget(ev.Name) // a watched folder moved or deleted loses its watch
			}
			sc := w.scope.Load()
			if !sc.Contains(ev.Name) {
				continue
			}
			// A change of mode alone is attribute noise (Spotlight,
			// backups, editors), unless it decides whether the build may
			// read the file.
			if ev.Op == fsnotify.Chmod && !w.readabilityChanged(ev.Name) {
				continue
			}
			w.note(ev.Name, false)
		case err, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			if !errors.Is(err, fsnotify.ErrEventOverflow) {
				w.report(err)
			}
			w.note("", true)
		}
	}
}

// report keeps an error for the next batch.
func (w *Watcher) report(err error) {
	w.mu.Lock()
	w.errs = append(w.errs, err)
	w.mu.Unlock()
}

// note records a hint and signals the run loop.
func (w *Watcher) note(path string, rescan bool) {
	w.mu.Lock()
	if rescan {
		w.rescan = true
	}
	if path != "" && !w.pending[path] {
		if len(w.pending) < maxPaths {
			w.pending[path] = true
		} else {
			w.more++
		}
	}
	w.mu.Unlock()
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

// take returns the batch collected so far and starts a new one.
func (w *Watcher) take() Batch {
	w.mu.Lock()
	defer w.mu.Unlock()
	b := Batch{More: w.more, Rescan: w.rescan, Errors: w.errs}
	for p := range w.pending {
		b.Paths = append(b.Paths, p)
	}
	slices.Sort(b.Paths)
	clear(w.pending)
	w.more, w.rescan, w.errs = 0, false, nil
	return b
}

// build reconciles the watch list with a fresh walk, then builds. Watches
// are added before the builder walks the tree, so a file created in a new
// folder is either seen by that walk or reported by the new watch.
func (w *Watcher) build(ctx context.Context) {
	sc := w.opts.Scope()
	w.scope.Store(&sc)
	b := w.take()
	if w.be != nil {
		problems, err := w.reconcile(sc)
		b.Errors = append(b.Errors, problems...)
		if err != nil {
			w.limitHit(err)
			w.toPolling(sc)
			b.Rescan = true
		}
	}
	w.opts.Build(ctx, b)
}

// isLimit reports whether err means the system's limit on watches or open
// files was reached.
func isLimit(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE)
}

func (w *Watcher) limitHit(err error) {
	fmt.Fprintf(w.opts.Log, "kb: cannot watch every folder (%v): the system's limit on file watches is reached.\n"+
		"    Falling back to polling every %s. To watch instead, raise the limit, e.g.\n"+
		"    sudo sysctl fs.inotify.max_user_watches=524288 fs.inotify.max_user_instances=512\n"+
		"    or pass --poll DURATION to choose polling yourself.\n", err, w.opts.FallbackPoll)
}

// toPolling closes the event backend and polls from now on.
func (w *Watcher) toPolling(sc Scope) {
	if w.be != nil {
		_ = w.be.Close()
		<-w.readerDone
		w.be = nil
	}
	w.mu.Lock()
	clear(w.watched)
	w.mu.Unlock()
	w.rootGone = false // polling sees the folder come back by itself
	w.startPolling(w.opts.FallbackPoll, sc)
}

func (w *Watcher) startPolling(every time.Duration, sc Scope) {
	w.mu.Lock()
	w.mode = ModePoll
	w.mu.Unlock()
	w.interval = every
	w.snap = scan(sc, nil)
}

// poll scans the scope and builds when anything differs from the last scan.
func (w *Watcher) poll(ctx context.Context) {
	sc := w.opts.Scope()
	w.scope.Store(&sc)
	snap := scan(sc, w.snap)
	changes := diff(w.snap, snap)
	w.snap = snap
	if len(changes) == 0 {
		return
	}
	for _, c := range changes {
		w.note(c.Path, false)
	}
	select {
	case <-w.kick: // consumed here: this build covers it
	default:
	}
	w.opts.Build(ctx, w.take())
}

// debouncer computes when a batch fires: a quiet period after the last event,
// but no later than max after the first.
type debouncer struct {
	quiet, max time.Duration
	first      time.Time // zero when nothing is pending
}

// add records an event at now and returns when the batch should fire.
func (d *debouncer) add(now time.Time) time.Time {
	if d.first.IsZero() {
		d.first = now
	}
	at := now.Add(d.quiet)
	if limit := d.first.Add(d.max); at.After(limit) {
		at = limit
	}
	return at
}

// fire starts a new batch.
func (d *debouncer) fire() { d.first = time.Time{} }
