package search

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Handler answers GET /_search?q=…&kind=…&tag=…&lang=…&limit=…&offset=… with JSON.
//
// The answer is a Result. tag may be repeated (a hit has every tag);
// limit is 1 to MaxLimit (default DefaultLimit), offset 0 to MaxOffset;
// facets=0 leaves out the facet counts (faster, for the search box).
// A request that cannot be answered as asked — a query longer than
// MaxQueryBytes, invalid UTF-8, a limit or offset out of range, a
// malformed query string — gets 400 with {"error": "…"}; a method other
// than GET or HEAD 405; no index, too many searches at once (still after
// waiting slotWait for a free slot) or a search running out of time 503
// with Retry-After. Responses are never cached.
type Handler struct {
	// Index returns the index to query; nil means search is unavailable (503).
	Index func() *Index
	// Log receives a line for each search that failed inside the index
	// (a 500); nil discards them.
	Log io.Writer

	slotsOnce sync.Once
	slots     chan struct{}
}

// maxRawQuery bounds a request's whole query string.
const maxRawQuery = 4096

// maxSearches bounds the searches one Handler runs at once: searching is
// CPU work, and a long queue of them only adds latency.
var maxSearches = 4 * runtime.GOMAXPROCS(0)

// slotWait is how long a search waits for a free slot before it is turned
// away: a search takes milliseconds, so this absorbs a burst (or a pause
// while a new index is opened) without making an overload queue up.
const slotWait = 250 * time.Millisecond

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("Content-Type", "application/json; charset=utf-8")
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("X-Content-Type-Options", "nosniff")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hdr.Set("Allow", "GET, HEAD")
		writeError(w, r, http.StatusMethodNotAllowed, "method not allowed: use GET")
		return
	}
	req, err := parseRequest(r.URL.RawQuery)
	if err != nil {
		writeError(w, r, http.StatusBadRequest, err.Error())
		return
	}
	var idx *Index
	if h.Index != nil {
		idx = h.Index()
	}
	if idx == nil {
		hdr.Set("Retry-After", "5")
		writeError(w, r, http.StatusServiceUnavailable, "search is unavailable: no index")
		return
	}
	if !h.takeSlot(r.Context()) {
		hdr.Set("Retry-After", "1")
		writeError(w, r, http.StatusServiceUnavailable, "too many searches at once; try again")
		return
	}
	defer func() { <-h.slots }()
	res, err := Search(r.Context(), idx, req)
	switch {
	case err == nil:
	case IsQueryError(err):
		writeError(w, r, http.StatusBadRequest, err.Error())
		return
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled):
		hdr.Set("Retry-After", "1")
		writeError(w, r, http.StatusServiceUnavailable, "search took too long; try fewer words")
		return
	default:
		h.logf("kb: search %q failed: %v", req.Query, err)
		writeError(w, r, http.StatusInternalServerError, "search failed")
		return
	}
	if err := writeJSON(w, r, http.StatusOK, res); err != nil {
		h.logf("kb: search %q: %v", req.Query, err)
	}
}

// takeSlot takes a search slot, waiting up to slotWait for one.
func (h *Handler) takeSlot(ctx context.Context) bool {
	slots := h.slotChan()
	select {
	case slots <- struct{}{}:
		return true
	default:
	}
	t := time.NewTimer(slotWait)
	defer t.Stop()
	select {
	case slots <- struct{}{}:
		return true
	case <-t.C:
	case <-ctx.Done():
	}
	return false
}

// slotChan returns the handler's search slots, made on first use.
func (h *Handler) slotChan() chan struct{} {
	h.slotsOnce.Do(func() { h.slots = make(chan struct{}, maxSearches) })
	return h.slots
}

// parseRequest reads a search request from a URL query string.
func parseRequest(raw string) (Request, error) {
	var req Request
	if len(raw) > maxRawQuery {
		return req, badQuery("query string is too long: at most %d bytes", maxRawQuery)
	}
	v, err := url.ParseQuery(raw)
	if err != nil {
		return req, badQuery("malformed query string: %v", err)
	}
	for _, one := range []string{"q", "kind", "lang", "pref", "limit", "offset", "facets"} {
		if len(v[one]) > 1 {
			return req, badQuery("%s given more than once", one)
		}
	}
	// Bytes that are not UTF-8 read as U+FFFD, as a browser reads them
	// from the page's address (and so the static search sees them).
	for k, vs := range v {
		for i := range vs {
			vs[i] = strings.ToValidUTF8(vs[i], "\uFFFD")
		}
		v[k] = vs
	}
	req.Query, req.Kind, req.Lang, req.Tags, req.Pref = v.Get("q"), v.Get("kind"), v.Get("lang"), v["tag"], v.Get("pref")
	if req.Limit, err = intParam(v, "limit", DefaultLimit, 1, MaxLimit); err != nil {
		return req, err
	}
	if req.Offset, err = intParam(v, "offset", 0, 0, MaxOffset); err != nil {
		return req, err
	}
	switch v.Get("facets") {
	case "", "1", "true":
	case "0", "false":
		req.NoFacets = true
	default:
		return req, badQuery("facets must be 0 or 1")
	}
	return req, nil
}

// intParam reads the integer parameter name, def when absent; outside
// [lo, hi] it is an error.
func intParam(v url.Values, name string, def, lo, hi int) (int, error) {
	s := v.Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, badQuery("%s must be a whole number from %d to %d", name, lo, hi)
	}
	return n, nil
}

func writeError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	_ = writeJSON(w, r, status, map[string]string{"error": msg})
}

// writeJSON encodes v into a buffer first, so that an encoding failure
// still gets a complete error response; it returns that failure.
func writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) error {
	var buf bytes.Buffer
	err := json.NewEncoder(&buf).Encode(v)
	if err != nil {
		err = fmt.Errorf("encoding the answer: %w", err)
		status = http.StatusInternalServerError
		buf.Reset()
		fmt.Fprintln(&buf, `{"error":"search failed"}`)
	}
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
	return err
}

// logf writes one line to h.Log.
func (h *Handler) logf(format string, args ...any) {
	if h.Log != nil {
		fmt.Fprintf(h.Log, format+"\n", args...)
	}
}
