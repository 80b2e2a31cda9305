package server

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"strconv"
	"sync"
	"time"

	"kb/internal/diag"
	"kb/internal/layout"
)

//go:embed live.js
var liveJS []byte

// Event is the result of one build, as sent to the browsers.
type Event struct {
	// ID numbers the builds, failed ones included; it only grows.
	ID int `json:"id"`
	// OK says the build succeeded and its output is served.
	OK bool `json:"ok"`
	// CSSOnly says only stylesheets changed: browsers may swap them
	// without reloading.
	CSSOnly bool `json:"css,omitempty"`
	// Errors are the failed build's diagnostics.
	Errors diag.Diagnostics `json:"errors,omitempty"`
	// Pages maps the files named in Errors to the URL (relative to the
	// base path, "/guides/two/") of the page each is the source of, where
	// there is one: the overlay lists the errors of the page in view first.
	Pages map[string]string `json:"pages,omitempty"`
}

// Publish sends a build's result to every open page: "reload" (or "css")
// after a successful build, "error" with the diagnostics after a failed
// one. Pages that connect later get the latest state. Call it only once
// the build's output is in place. It does nothing unless Options.Live.
func (s *Server) Publish(ev Event) {
	if s.live != nil {
		s.live.publish(ev)
	}
}

// maxStreams bounds the open live-reload connections.
const maxStreams = 128

// hub fans build events out to the live-reload streams.
type hub struct {
	mu      sync.Mutex
	state   Event // latest event
	good    int   // ID of the build being served
	clients map[chan Event]bool
	done    chan struct{}
	closed  bool
}

func newHub() *hub {
	return &hub{state: Event{OK: true}, clients: map[chan Event]bool{}, done: make(chan struct{})}
}

func (h *hub) publish(ev Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.state = ev
	if ev.OK {
		h.good = ev.ID
	}
	for c := range h.clients {
		// Only the latest state matters: replace an unsent one.
		select {
		case <-c:
		default:
		}
		c <- ev
	}
}

func (h *hub) subscribe() (chan Event, Event, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed || len(h.clients) >= maxStreams {
		return nil, Event{}, false
	}
	c := make(chan Event, 1)
	h.clients[c] = true
	return c, h.state, true
}

func (h *hub) unsubscribe(c chan Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.clients, c)
}

func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.closed {
		h.closed = true
		close(h.done)
	}
}

// current is the latest build's result.
func (h *hub) current() Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.state
}

// goodID is the ID of the build whose output is served.
func (h *hub) goodID() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.good
}

// heartbeat keeps proxies and the write deadline happy on a quiet stream.
var heartbeat = 20 * time.Second

// serveEvents streams build events with Server-Sent Events: first the
// current state ("hello" with the served build's ID, or "error"), then one
// event per build.
func (h *hub) serveEvents(w http.ResponseWriter, r *http.Request) {
	c, state, ok := h.subscribe()
	if !ok {
		http.Error(w, "503 too many live-reload connections", http.StatusServiceUnavailable)
		return
	}
	defer h.unsubscribe(c)
	rc := http.NewResponseController(w)
	// The stream outlives the server's read and write timeouts: lift the
	// read deadline (a read only ends when the client goes away) and extend
	// the write deadline before each write, so a stalled client is dropped.
	_ = rc.SetReadDeadline(time.Time{})
	hd := w.Header()
	hd.Set("Content-Type", "text/event-stream")
	hd.Set("Cache-Control", "no-cache")
	hd.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	send := func(name string, ev Event) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(10 * time.Second))
		var err error
		if name == "" {
			_, err = fmt.Fprint(w, ": keep-alive\n\n")
		} else {
			data, _ := json.Marshal(ev)
			_, err = fmt.Fprintf(w, "event: %s\nid: %d\ndata: %s\n\n", name, ev.ID, data)
		}
		return err == nil && rc.Flush() == nil
	}
	first := "hello"
	if !state.OK {
		first = "error"
	} else {
		state.ID = h.goodID()
	}
	if !send(first, state) {
		return
	}
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-h.done:
			return
		case <-tick.C:
			if !send("", Event{}) {
				return
			}
		case ev := <-c:
			name := "reload"
			switch {
			case !ev.OK:
				name = "error"
			case ev.CSSOnly:
				name = "css"
			}
			if !send(name, ev) {
				return
			}
		}
	}
}

// inject adds the live-reload script before the page's last </body> (or at
// its end), tagged with the ID of the build being served.
func (h *hub) inject(page []byte, base string) []byte {
	tag := fmt.Sprintf(`<script src="%s`+layout.LiveScript+`" data-build="%s" defer></script>`,
		html.EscapeString(base), strconv.Itoa(h.goodID()))
	i := lastIndexFold(page, "</body>")
	if i < 0 {
		i = len(page)
	}
	out := make([]byte, 0, len(page)+len(tag)+1)
	out = append(out, page[:i]...)
	out = append(out, tag...)
	out = append(out, '\n')
	return append(out, page[i:]...)
}

// lastIndexFold is bytes.LastIndex, ignoring ASCII case.
func lastIndexFold(s []byte, sub string) int {
	for i := len(s) - len(sub); i >= 0; i-- {
		if bytes.EqualFold(s[i:i+len(sub)], []byte(sub)) {
			return i
		}
	}
	return -1
}

func serveScript(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, "live.js", time.Time{}, bytes.NewReader(liveJS))
}
