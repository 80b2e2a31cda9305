package server

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kb/builder"
	"kb/internal/layout"
	"kb/search"
)

func write(t *testing.T, p, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

const page404 = "<!DOCTYPE html><html><body><h1>Not here</h1></body></html>"

// outputTree makes an output folder with the traps of PITFALLS §D6 around
// it: symlinks to a secret outside, a .git folder, a folder without index.
func outputTree(t *testing.T) string {
	t.Helper()
	top := t.TempDir()
	pub := filepath.Join(top, "public")
	write(t, filepath.Join(top, "secret.txt"), "SECRET")
	write(t, filepath.Join(top, "outside", "secret.txt"), "SECRET")
	write(t, filepath.Join(pub, "index.html"), "<!DOCTYPE html><html><body><h1>Home</h1></body></html>")
	write(t, filepath.Join(pub, "404.html"), page404)
	write(t, filepath.Join(pub, "a", "index.html"), "<html><BODY>A page</BODY></html>")
	write(t, filepath.Join(pub, "ops", "x.txt"), "x")
	write(t, filepath.Join(pub, "style.css"), "body{}")
	write(t, filepath.Join(pub, ".git", "config"), "[core]")
	write(t, filepath.Join(pub, ".env"), "TOKEN=1")
	write(t, filepath.Join(pub, "_kb", "search", "index_meta.json"), "{}")
	must(t, os.Symlink(filepath.Join(top, "secret.txt"), filepath.Join(pub, "leak.txt")))
	must(t, os.Symlink("../secret.txt", filepath.Join(pub, "leak2.txt")))
	must(t, os.Symlink(filepath.Join(top, "outside"), filepath.Join(pub, "linkdir")))
	must(t, os.Symlink("a/index.html", filepath.Join(pub, "inside.html")))
	return pub
}

// ioTimeout bounds every read and write of a test on the network, so that
// a server that does not answer, or answers with an endless stream, fails
// the test at once instead of hanging it.
const ioTimeout = 10 * time.Second

// dial connects to addr with a deadline of ioTimeout on the connection.
func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	must(t, err)
	t.Cleanup(func() { c.Close() })
	must(t, c.SetDeadline(time.Now().Add(ioTimeout)))
	return c
}

// client is an HTTP client whose requests fail after ioTimeout.
var client = &http.Client{Timeout: ioTimeout}

// raw sends one request exactly as written (no client-side cleaning).
func raw(t *testing.T, addr, method, target, host string) (*http.Response, string) {
	t.Helper()
	c := dial(t, addr)
	defer c.Close()
	fmt.Fprintf(c, "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", method, target, host)
	res, err := http.ReadResponse(bufio.NewReader(c), &http.Request{Method: method})
	must(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s (Host %s): reading the body: %v", method, target, host, err)
	}
	return res, string(body)
}

func serve(t *testing.T, opts Options) (*Server, string) {
	t.Helper()
	s, err := New(opts)
	must(t, err)
	ts := httptest.NewServer(s)
	t.Cleanup(func() {
		s.Close()
		ts.Close()
	})
	return s, strings.TrimPrefix(ts.URL, "http://")
}

func TestServer_Confinement(t *testing.T) {
	pub := outputTree(t)
	_, addr := serve(t, Options{Dir: pub})
	for _, c := range []struct {
		method, target string
		code           int
		body           string
	}{
		{"GET", "/", 200, "Home"},
		{"HEAD", "/", 200, ""},
		{"GET", "/a/", 200, "A page"},
		{"GET", "/a/index.html", 200, "A page"},
		{"GET", "/inside.html", 200, "A page"}, // a symlink inside the folder is fine
		{"GET", "/ops/x.txt", 200, "x"},
		{"GET", "/leak.txt", 404, "Not here"},
		{"GET", "/leak2.txt", 404, "Not here"},
		{"GET", "/linkdir/secret.txt", 404, "Not here"},
		{"GET", "/../secret.txt", 404, "Not here"},
		{"GET", "/%2e%2e/secret.txt", 404, "Not here"},
		{"GET", "/%2e%2e%2fsecret.txt", 404, "Not here"},
		{"GET", "/a/..%2f..%2fsecret.txt", 404, "Not here"},
		{"GET", "/a/../../secret.txt", 404, "Not here"},
		{"GET", "/a%5c..%5c..%5csecret.txt", 404, "Not here"},
		{"GET", "//etc/passwd", 404, "Not here"},
		{"GET", "/.git/config", 404, "Not here"},
		{"GET", "/.git/", 404, "Not here"},
		{"GET", "/.env", 404, "Not here"},
		{"GET", "/a/./index.html", 404, "Not here"},
		{"GET", "/ops/", 404, "Not here"}, // no listing
		{"GET", "/_kb/search/index_meta.json", 404, "Not here"},
		{"GET", "/missing/", 404, "Not here"},
		{"POST", "/", 405, ""},
		{"PUT", "/a/index.html", 405, ""},
		{"DELETE", "/a/", 405, ""},
	} {
		res, body := raw(t, addr, c.method, c.target, addr)
		if res.StatusCode != c.code || !strings.Contains(body, c.body) || strings.Contains(body, "SECRET") || strings.Contains(body, "x.txt") {
			t.Errorf("%s %s = %d %q, want %d with %q", c.method, c.target, res.StatusCode, body, c.code, c.body)
		}
		if c.code == 405 && res.Header.Get("Allow") != "GET, HEAD" {
			t.Errorf("%s %s: Allow = %q", c.method, c.target, res.Header.Get("Allow"))
		}
	}
	// A folder without its slash is redirected, relatively.
	res, _ := raw(t, addr, "GET", "/a?x=1", addr)
	if res.StatusCode != 301 || res.Header.Get("Location") != "a/?x=1" {
		t.Errorf("GET /a = %d to %q, want 301 to a/?x=1", res.StatusCode, res.Header.Get("Location"))
	}
}

func TestServer_NotFoundWithoutPage(t *testing.T) {
	pub := outputTree(t)
	must(t, os.Remove(filepath.Join(pub, "404.html")))
	_, addr := serve(t, Options{Dir: pub})
	if res, body := raw(t, addr, "GET", "/nope", addr); res.StatusCode != 404 || !strings.Contains(body, "404 page not found") {
		t.Errorf("GET /nope = %d %q", res.StatusCode, body)
	}
}

// D8: a preview server only answers to its own names (DNS rebinding).
func TestServer_HostCheck(t *testing.T) {
	pub := outputTree(t)
	_, addr := serve(t, Options{Dir: pub, Live: true, AllowedHosts: DevHosts("127.0.0.1:1414"), Search: http.NotFoundHandler()})
	for _, c := range []struct {
		host string
		code int
	}{
		{"localhost:1414", 200}, {"127.0.0.1:1414", 200}, {"[::1]:1414", 200}, {"localhost", 200}, {"LocalHost:1414", 200},
		{"evil.example:1414", 403}, {"evil.example", 403}, {"localhost.evil.example", 403}, {"127.0.0.1.nip.io", 403},
		{"", 403}, {"[::2]:1414", 403},
	} {
		for _, target := range []string{"/", "/_kb/events", "/_search?q=x", "/_kb/live.js"} {
			if c.code == 200 && target == "/_kb/events" {
				continue // a stream; covered by TestServer_LiveEvents
			}
			res, _ := raw(t, addr, "GET", target, c.host)
			want := c.code
			if want == 200 && target == "/_search?q=x" {
				want = 404 // the stand-in search handler
			}
			if res.StatusCode != want {
				t.Errorf("Host %q %s = %d, want %d", c.host, target, res.StatusCode, want)
			}
		}
	}
	// A production server on 0.0.0.0 with no --allowed-host checks nothing.
	_, addr2 := serve(t, Options{Dir: pub})
	if res, _ := raw(t, addr2, "GET", "/", "kb.intranet.example"); res.StatusCode != 200 {
		t.Errorf("production Host kb.intranet.example = %d", res.StatusCode)
	}
}

func TestServer_SecurityHeaders(t *testing.T) {
	pub := outputTree(t)
	_, addr := serve(t, Options{Dir: pub, Live: true, AllowedHosts: DevHosts(":1414")})
	for _, c := range []struct{ method, target, host string }{
		{"GET", "/", "localhost"}, {"GET", "/nope", "localhost"}, {"POST", "/", "localhost"}, {"GET", "/", "evil.example"},
		{"GET", "/_kb/live.js", "localhost"}, {"GET", "/style.css", "localhost"},
	} {
		res, _ := raw(t, addr, c.method, c.target, c.host)
		for k, want := range map[string]string{"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"} {
			if got := res.Header.Get(k); got != want {
				t.Errorf("%s %s (Host %s): %s = %q, want %q", c.method, c.target, c.host, k, got, want)
			}
		}
		if res.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("%s %s sends CORS headers", c.method, c.target)
		}
	}
	if !strings.Contains(CSP, "script-src 'self'") || strings.Contains(CSP, "unsafe") {
		t.Errorf("CSP allows inline code: %s", CSP)
	}
}

// TestServer_InlineStylesOnlyWhereAsked: a page whose head holds
// layout.InlineStylesMeta (one with diagrams) gets the policy that allows
// inline styles, in preview and production mode, whole or by range; every
// other response keeps the strict one, also a page that has the tag only
// in its body or past layout.HeadLimit, and scripts stay the site's own.
func TestServer_InlineStylesOnlyWhereAsked(t *testing.T) {
	pub := outputTree(t)
	head := "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	write(t, filepath.Join(pub, "diagram", "index.html"), head+layout.InlineStylesMeta+"\n<title>D</title>\n</head><body><pre class=\"mermaid\">graph TD</pre></body></html>")
	write(t, filepath.Join(pub, "in-body", "index.html"), head+"<title>B</title>\n</head><body>"+layout.InlineStylesMeta+"</body></html>")
	write(t, filepath.Join(pub, "far", "index.html"), head+"<title>"+strings.Repeat("x", layout.HeadLimit)+"</title>"+layout.InlineStylesMeta+"</head><body></body></html>")
	write(t, filepath.Join(pub, "note.txt"), layout.InlineStylesMeta)
	images := []string{"https://img.example"}
	inline := InlineStylePolicy(images, nil)
	if !strings.Contains(inline, "style-src 'self' 'unsafe-inline';") || !strings.Contains(inline, "script-src 'self';") ||
		strings.Count(inline, "unsafe") != 1 || strings.Replace(inline, " 'unsafe-inline'", "", 1) != Policy(images, nil) {
		t.Fatalf("InlineStylePolicy is not Policy with inline styles only: %s", inline)
	}
	for _, live := range []bool{false, true} {
		_, addr := serve(t, Options{Dir: pub, Live: live, ImageSources: images})
		for target, want := range map[string]string{
			"/diagram/": inline, "/diagram/index.html": inline,
			"/": Policy(images, nil), "/in-body/": Policy(images, nil), "/far/": Policy(images, nil),
			"/note.txt": Policy(images, nil), "/nope": Policy(images, nil),
		} {
			for _, method := range []string{"GET", "HEAD"} {
				res, body := raw(t, addr, method, target, addr)
				if got := res.Header.Get("Content-Security-Policy"); got != want {
					t.Errorf("live=%v %s %s: CSP %q, want %q", live, method, target, got, want)
				}
				if method == "GET" && target == "/diagram/" && !strings.Contains(body, "graph TD</pre>") {
					t.Errorf("live=%v GET %s: page not served whole: %q", live, target, body)
				}
			}
		}
		req, _ := http.NewRequest("GET", "http://"+addr+"/diagram/", nil)
		req.Header.Set("Range", "bytes=0-9")
		res, err := client.Do(req)
		must(t, err)
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusPartialContent || string(body) != "<!DOCTYPE " || res.Header.Get("Content-Security-Policy") != inline {
			t.Errorf("live=%v range of /diagram/: %d %q, CSP %q", live, res.StatusCode, body, res.Header.Get("Content-Security-Policy"))
		}
	}
}

func TestServer_LiveScriptInjection(t *testing.T) {
	pub := outputTree(t)
	live, addr := serve(t, Options{Dir: pub, Live: true})
	live.Publish(Event{ID: 7, OK: true})
	tag := `<script src="/_kb/live.js" data-build="7" defer></script>`
	for target, want := range map[string]string{"/": tag + "\n</body>", "/a/": tag + "\n</BODY>", "/nope": tag + "\n</body>"} {
		res, body := raw(t, addr, "GET", target, addr)
		if !strings.Contains(body, want) || strings.Count(body, "live.js") != 1 {
			t.Errorf("GET %s: no live script before </body>: %q", target, body)
		}
		if res.Header.Get("Cache-Control") != "no-cache" || res.Header.Get("Last-Modified") != "" {
			t.Errorf("GET %s: cacheable in preview mode: %v", target, res.Header)
		}
	}
	if _, body := raw(t, addr, "GET", "/style.css", addr); body != "body{}" {
		t.Errorf("CSS changed: %q", body)
	}
	res, body := raw(t, addr, "GET", "/_kb/live.js", addr)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/javascript") || !strings.Contains(body, "EventSource") {
		t.Errorf("live.js: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	// Not in production mode, where _kb/ paths are nothing special.
	_, addr2 := serve(t, Options{Dir: pub})
	if _, body := raw(t, addr2, "GET", "/", addr2); strings.Contains(body, "live.js") {
		t.Errorf("production page has the live script: %q", body)
	}
	if res, _ := raw(t, addr2, "GET", "/_kb/live.js", addr2); res.StatusCode != 404 {
		t.Errorf("production /_kb/live.js = %d", res.StatusCode)
	}
	if res, _ := raw(t, addr2, "GET", "/_kb/events", addr2); res.StatusCode != 404 {
		t.Errorf("production /_kb/events = %d", res.StatusCode)
	}
}

// sse reads Server-Sent Events from one stream.
type sse struct {
	body io.Closer
	ch   chan [2]string // event name, data
}

func openEvents(t *testing.T, url string) *sse {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	// A stream has no end: only its headers get a deadline (next has its own).
	c := &http.Client{Transport: &http.Transport{ResponseHeaderTimeout: ioTimeout}}
	res, err := c.Do(req)
	must(t, err)
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("events: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	s := &sse{body: res.Body, ch: make(chan [2]string, 16)}
	go func() {
		defer close(s.ch)
		sc := bufio.NewScanner(res.Body)
		var name, data string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				name = line[7:]
			case strings.HasPrefix(line, "data: "):
				data = line[6:]
			case line == "" && name != "":
				s.ch <- [2]string{name, data}
				name, data = "", ""
			}
		}
	}()
	t.Cleanup(func() { res.Body.Close() })
	return s
}

func (s *sse) next(t *testing.T) (string, string) {
	t.Helper()
	select {
	case ev, ok := <-s.ch:
		if !ok {
			t.Fatal("event stream ended")
		}
		return ev[0], ev[1]
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10s")
	}
	return "", ""
}

func TestServer_LiveEvents(t *testing.T) {
	pub := outputTree(t)
	s, err := New(Options{Dir: pub, Live: true})
	must(t, err)
	hs := NewHTTPServer(s)
	// Short timeouts: the stream must outlive them.
	hs.ReadTimeout, hs.WriteTimeout = 300*time.Millisecond, 300*time.Millisecond
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	go hs.Serve(ln)
	defer func() {
		s.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := hs.Shutdown(ctx); err != nil {
			t.Errorf("shutdown with open streams: %v", err)
		}
	}()
	url := "http://" + ln.Addr().String() + "/_kb/events"
	s.Publish(Event{ID: 1, OK: true})
	a := openEvents(t, url)
	if name, data := a.next(t); name != "hello" || data != `{"id":1,"ok":true}` {
		t.Errorf("first event %s %s, want hello with id 1", name, data)
	}
	time.Sleep(time.Second) // past the server's read and write timeouts
	diags := builder.Diagnostics{{File: "content/p.md", Line: 3, Col: 1, Severity: builder.SeverityError, Rule: "front-matter", Message: "<img src=x onerror=alert(1)>"}}
	s.Publish(Event{ID: 2, Errors: diags})
	name, data := a.next(t)
	if name != "error" || !strings.Contains(data, `"file":"content/p.md","line":3`) || !strings.Contains(data, `\u003cimg`) {
		t.Errorf("error event %s %s", name, data)
	}
	// A page opened while the build is broken gets the error at once.
	b := openEvents(t, url)
	if name, _ := b.next(t); name != "error" {
		t.Errorf("new stream starts with %s, want error", name)
	}
	// Pages served now still carry the last good build's id.
	if _, body := raw(t, ln.Addr().String(), "GET", "/", ln.Addr().String()); !strings.Contains(body, `data-build="1"`) {
		t.Errorf("page during a failed build: %q", body)
	}
	s.Publish(Event{ID: 3, OK: true})
	for _, c := range []*sse{a, b} {
		if name, data := c.next(t); name != "reload" || data != `{"id":3,"ok":true}` {
			t.Errorf("after the fix: %s %s, want reload 3", name, data)
		}
	}
	s.Publish(Event{ID: 4, OK: true, CSSOnly: true})
	if name, _ := a.next(t); name != "css" {
		t.Errorf("CSS-only build sent %s", name)
	}
	c := openEvents(t, url)
	if name, data := c.next(t); name != "hello" || !strings.Contains(data, `"id":4`) {
		t.Errorf("new stream after the fix: %s %s", name, data)
	}
}

// C1: requests during 50 replacements of the output folder (a staged build
// renaming a new folder into place) never see a missing or partial page.
func TestServer_SwapIsAtomic(t *testing.T) {
	top := t.TempDir()
	pub := filepath.Join(top, "public")
	pages := []string{"index.html", "a/index.html", "b/c/index.html"}
	publish := func(n int) {
		st, err := builder.NewStaging(pub)
		must(t, err)
		for _, p := range pages {
			must(t, st.WriteFile(p, []byte(fmt.Sprintf("<html><body>%s build %d %s</body></html>", p, n, strings.Repeat("x", 20000)))))
		}
		must(t, st.Commit())
	}
	publish(0)
	s, addr := serve(t, Options{Dir: pub})
	var stop atomic.Bool
	var bad atomic.Int64
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for n := 0; !stop.Load(); n++ {
				p := pages[(i+n)%len(pages)]
				res, err := client.Get("http://" + addr + "/" + strings.TrimSuffix(p, "index.html"))
				if err != nil {
					bad.Add(1)
					t.Error(err)
					return
				}
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != 200 || !strings.HasPrefix(string(body), "<html><body>"+p+" build ") || !strings.HasSuffix(string(body), "</body></html>") {
					bad.Add(1)
					t.Errorf("GET %s = %d, %d bytes", p, res.StatusCode, len(body))
					return
				}
			}
		})
	}
	for n := 1; n <= 50 && bad.Load() == 0; n++ {
		publish(n)
		if n%10 == 0 {
			_ = s.Reopen()
		}
	}
	stop.Store(true)
	wg.Wait()
	// The server follows the last replacement by itself.
	res, err := client.Get("http://" + addr + "/")
	must(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(body), "build 50 ") {
		t.Errorf("after 50 swaps the server serves %.40q", body)
	}
}

// Serving a finished build: the index is opened read-only, and re-opened
// when a new build replaces the folder.
func TestServer_OpenIndexFollowsSwap(t *testing.T) {
	top := t.TempDir()
	pub := filepath.Join(top, "public")
	publish := func(word string) {
		st, err := builder.NewStaging(pub)
		must(t, err)
		must(t, st.WriteFile("index.html", []byte("<html><body>"+word+"</body></html>")))
		must(t, search.Build(context.Background(), filepath.Join(st.Dir(), filepath.FromSlash(layout.IndexDir)), st.Dir(),
			[]search.Doc{{URL: "/" + word + "/", Title: word, Body: "about " + word, Lang: "en"}}))
		must(t, st.Commit())
	}
	publish("alpha")
	s, addr := serve(t, Options{Dir: pub, OpenIndex: true})
	hits := func(word string) uint64 {
		idx := s.Index()
		if idx == nil {
			t.Fatal("no index")
		}
		res, err := search.Search(context.Background(), idx, search.Request{Query: word + " "})
		must(t, err)
		return res.Total
	}
	if hits("alpha") != 1 {
		t.Fatal("alpha not found")
	}
	publish("bravo")
	// SIGHUP does this; a request notices by itself too.
	if _, body := raw(t, addr, "GET", "/", addr); !strings.Contains(body, "bravo") {
		t.Fatalf("after the swap: %q", body)
	}
	if hits("bravo") != 1 || hits("alpha") != 0 {
		t.Errorf("index not re-opened: bravo %d, alpha %d", hits("bravo"), hits("alpha"))
	}
	must(t, s.Reopen()) // nothing changed: a no-op
}

func TestServer_NotBuiltYet(t *testing.T) {
	pub := filepath.Join(t.TempDir(), "public")
	s, addr := serve(t, Options{Dir: pub, Live: true})
	res, body := raw(t, addr, "GET", "/", addr)
	if res.StatusCode != 503 || !strings.Contains(body, "_kb/live.js") {
		t.Errorf("before the first build: %d %q", res.StatusCode, body)
	}
	write(t, filepath.Join(pub, "index.html"), "<html><body>built</body></html>")
	must(t, s.Reopen())
	if res, body := raw(t, addr, "GET", "/", addr); res.StatusCode != 200 || !strings.Contains(body, "built") {
		t.Errorf("after the first build: %d %q", res.StatusCode, body)
	}
}

func TestServer_BasePath(t *testing.T) {
	pub := outputTree(t)
	search := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "search:", r.URL.Query().Get("q")) })
	_, addr := serve(t, Options{Dir: pub, BasePath: "/kb/", Search: search})
	for _, c := range []struct {
		target string
		code   int
		body   string
	}{{"/kb/", 200, "Home"}, {"/kb/a/", 200, "A page"}, {"/kb/_search?q=x", 200, "search:x"}, {"/a/", 404, "Not here"}, {"/_search?q=x", 404, "Not here"}} {
		res, body := raw(t, addr, "GET", c.target, addr)
		if res.StatusCode != c.code || !strings.Contains(body, c.body) {
			t.Errorf("GET %s = %d %q, want %d %q", c.target, res.StatusCode, body, c.code, c.body)
		}
	}
	for _, target := range []string{"/", "/kb"} {
		if res, _ := raw(t, addr, "GET", target, addr); res.StatusCode != 302 || res.Header.Get("Location") != "/kb/" {
			t.Errorf("GET %s = %d %q, want a redirect to /kb/", target, res.StatusCode, res.Header.Get("Location"))
		}
	}
}

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{"127.0.0.1:1414": true, "localhost:1": true, "[::1]:80": true, "127.0.0.2:80": true,
		"0.0.0.0:8080": false, ":8080": false, "[::]:80": false, "10.0.0.1:80": false, "kb.example:80": false} {
		if got := IsLoopback(addr); got != want {
			t.Errorf("IsLoopback(%s) = %v", addr, got)
		}
	}
}

// TestHTTPServer_Limits checks the limits of the http.Server kb serve
// runs: a request line or headers over the size limit get 431, a request
// body is never read, and a client that sends its headers too slowly (or
// stops half way: slowloris) is cut off rather than holding a connection.
func TestHTTPServer_Limits(t *testing.T) {
	pub := outputTree(t)
	s, err := New(Options{Dir: pub})
	must(t, err)
	hs := NewHTTPServer(s)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	go hs.Serve(ln)
	t.Cleanup(func() {
		hs.Close()
		s.Close()
	})
	addr := ln.Addr().String()

	// Requests whose request line and headers take size bytes in all.
	for _, c := range []struct {
		name string
		size int
		url  bool // padded in the URL, not in a header
		code int
	}{
		{"20 KiB URL", 20 << 10, true, 431},
		{"20,000-byte header", 20000, false, 431},
		{"header 1 byte over 16 KiB", MaxHeaderBytes + 1, false, 431},
		{"header of exactly 16 KiB", MaxHeaderBytes, false, 200},
		{"12,000-byte header", 12000, false, 200},
		{"12,000-byte URL", 12000, true, 200},
	} {
		head := func(pad string) string {
			if c.url {
				return fmt.Sprintf("GET /a/?q=%s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", pad, addr)
			}
			return fmt.Sprintf("GET /a/ HTTP/1.1\r\nHost: %s\r\nX-Filler: %s\r\nConnection: close\r\n\r\n", addr, pad)
		}
		req := head(strings.Repeat("h", c.size-len(head(""))))
		if len(req) != c.size {
			t.Fatalf("%s: request of %d bytes", c.name, len(req))
		}
		conn := dial(t, addr)
		_, err := io.WriteString(conn, req)
		must(t, err)
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		must(t, err)
		res.Body.Close()
		conn.Close()
		if res.StatusCode != c.code {
			t.Errorf("%s: %d, want %d", c.name, res.StatusCode, c.code)
		}
	}

	// A GET with a large body is answered without the body being read
	// (past what the server skips to keep the connection), and the
	// connection is not kept for a next request.
	bc := dial(t, addr)
	fmt.Fprintf(bc, "GET /a/ HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n\r\n", addr, 64<<20)
	go func() {
		chunk := []byte(strings.Repeat("x", 64<<10))
		for range 1 << 10 { // until the server hangs up
			if _, err := bc.Write(chunk); err != nil {
				return
			}
		}
	}()
	res, err := http.ReadResponse(bufio.NewReader(bc), nil)
	must(t, err)
	body, _ := io.ReadAll(res.Body)
	bc.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), "A page") || !res.Close {
		t.Errorf("GET with a 64 MB body: %d, close %v, %q", res.StatusCode, res.Close, body)
	}

	// Slowloris: half a request, then silence. The server hangs up once
	// ReadHeaderTimeout has passed; the test only waits for that.
	c := dial(t, addr)
	fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: %s\r\nX-Slow: ", addr)
	must(t, c.SetReadDeadline(time.Now().Add(hs.ReadHeaderTimeout+20*time.Second)))
	n, err := c.Read(make([]byte, 1024))
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the server kept a half-sent request open for %s", hs.ReadHeaderTimeout+20*time.Second)
	}
	if err == nil && n == 0 {
		t.Fatal("no answer and no hang-up")
	}
	if hs.ReadTimeout == 0 || hs.WriteTimeout == 0 || hs.IdleTimeout == 0 || hs.MaxHeaderBytes == 0 {
		t.Errorf("a limit is off: %+v", hs)
	}
}

// A missing page in another language's part of a built site (/kb/nl/…)
// answers 404 with that language's not-found page, in preview mode too;
// elsewhere, and under a language folder without one, the default
// language's. A 404.html that leads out of the folder is never read.
func TestServer_NotFoundInLanguage(t *testing.T) {
	src := t.TempDir()
	write(t, filepath.Join(src, "site.yaml"), "title: T\nbase_url: https://intranet.example/kb/\ndefault_language: en\n"+
		"languages:\n  - {code: en, name: English}\n  - {code: nl, name: Nederlands}\n")
	write(t, filepath.Join(src, "content", "README.md"), "# Home\n\nWelcome.\n")
	write(t, filepath.Join(src, "content", "README.nl.md"), "# Thuis\n\nWelkom.\n")
	pub := filepath.Join(t.TempDir(), "public")
	if res, err := builder.Build(context.Background(), builder.Options{Source: src, Dest: pub, NoStaticSearch: true}); err != nil {
		t.Fatalf("build: %v %v", err, res.Diagnostics)
	}
	write(t, filepath.Join(filepath.Dir(pub), "secret.html"), "SECRET")
	must(t, os.MkdirAll(filepath.Join(pub, "xx"), 0o755))
	must(t, os.Symlink("../../secret.html", filepath.Join(pub, "xx", "404.html")))
	const en, nl = `<html lang="en">`, `<html lang="nl">`
	for _, live := range []bool{false, true} {
		_, addr := serve(t, Options{Dir: pub, BasePath: "/kb/", Live: live})
		for _, c := range []struct{ method, target, lang, text string }{
			{"GET", "/kb/nl/nope/", nl, "Pagina niet gevonden"},
			{"GET", "/kb/nl/a/b/c.html", nl, "Naar de startpagina"},
			{"HEAD", "/kb/nl/nope/", "", ""},
			{"GET", "/kb/nl/.git/config", nl, "Pagina niet gevonden"},
			{"GET", "/kb/nope/", en, "Page not found"},
			{"GET", "/kb/nope/", en, `<a href="/kb/nl/" hreflang="nl" lang="nl">Naar de startpagina (Nederlands)</a>`},
			{"GET", "/kb/de/nope/", en, "Page not found"},
			{"GET", "/kb/xx/nope/", en, "Page not found"},
			{"GET", "/nl/nope/", en, "Page not found"}, // outside the base path
			{"GET", "/kb/nlx/nope/", en, "Page not found"},
		} {
			res, body := raw(t, addr, c.method, c.target, addr)
			if res.StatusCode != http.StatusNotFound || !strings.Contains(body, c.lang) || !strings.Contains(body, c.text) || strings.Contains(body, "SECRET") {
				t.Errorf("live %v: %s %s = %d, want 404 with %s and %q:\n%s", live, c.method, c.target, res.StatusCode, c.lang, c.text, body)
			}
			if live && c.method == "GET" && !strings.Contains(body, layout.LiveScript) {
				t.Errorf("live: %s %s: the not-found page has no live-reload script", c.method, c.target)
			}
		}
	}
}

// TestServer_CachesOnlyFingerprints: the theme's CSS and JavaScript, whose
// names hold a hash of their bytes, may be cached for good, wherever kb
// put them; a site's own file in assets/, which may change under the same
// name, may not; the preview caches nothing.
func TestServer_CachesOnlyFingerprints(t *testing.T) {
	pub := outputTree(t)
	write(t, filepath.Join(pub, "assets", "style.3f2a9c1e.css"), "body{}")
	write(t, filepath.Join(pub, "_kb-site", "assets", "kb.0badf00d.js"), "1")
	write(t, filepath.Join(pub, "assets", "logo.png"), "PNG")
	write(t, filepath.Join(pub, "assets", "diagrams", "flow.3f2a9c1e.css"), "x")
	_, addr := serve(t, Options{Dir: pub, AllowedHosts: DevHosts(":1414")})
	_, live := serve(t, Options{Dir: pub, Live: true, AllowedHosts: DevHosts(":1414")})
	for target, want := range map[string]bool{
		"/assets/style.3f2a9c1e.css":         true,
		"/_kb-site/assets/kb.0badf00d.js":    true,
		"/assets/logo.png":                   false,
		"/assets/diagrams/flow.3f2a9c1e.css": false,
		"/style.css":                         false,
	} {
		res, _ := raw(t, addr, "GET", target, "localhost")
		if got := strings.Contains(res.Header.Get("Cache-Control"), "immutable"); res.StatusCode != 200 || got != want {
			t.Errorf("%s: %d, Cache-Control %q, want immutable %v", target, res.StatusCode, res.Header.Get("Cache-Control"), want)
		}
		if res, _ := raw(t, live, "GET", target, "localhost"); res.Header.Get("Cache-Control") != "no-cache" {
			t.Errorf("preview %s: Cache-Control %q", target, res.Header.Get("Cache-Control"))
		}
	}
}
