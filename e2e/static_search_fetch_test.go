package e2e

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kb/internal/layout"
)

// TestStaticSearch_FetchesNamesOfShownPages runs a first query in a fresh
// browser profile and looks at what it fetched: the files of the pages it
// shows, and of the other pages' names only those sharing a chunk of n/
// with them, so that the names of every page never travel.
func TestStaticSearch_FetchesNamesOfShownPages(t *testing.T) {
	cs := &countingServer{h: siteHandler(siteDir)}
	base := serveTest(t, cs)
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, time.Minute)
	defer cancelT()
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"kb/")); err != nil {
		t.Fatal(err)
	}
	staticScriptOf(t, ctx, siteDir, "/kb/")
	cs.take()
	r := staticSearch(t, ctx, map[string]any{"q": "meeting", "limit": 3, "facets": "0"})
	shownPages := 0
	for _, h := range r.Hits {
		shownPages += 1 + len(h.AlsoIn)
	}
	if len(r.Hits) != 3 || r.Total < 10 {
		t.Fatalf("%d hits of %d: the query should show 3 of many", len(r.Hits), r.Total)
	}
	cs.mu.Lock()
	var fetched []string
	for _, p := range cs.paths {
		fetched = append(fetched, p[:strings.LastIndexByte(p, ':')])
	}
	cs.mu.Unlock()

	bundle := filepath.Join(siteDir, filepath.FromSlash(layout.StaticSearchDir))
	pages, err := os.ReadDir(filepath.Join(bundle, "f"))
	if err != nil {
		t.Fatal(err)
	}
	shown := map[string]bool{}
	var nameFiles int
	for _, p := range fetched {
		switch {
		case strings.HasPrefix(p, "f/"):
			shown[strings.TrimSuffix(p[2:], ".bin")] = true
		case strings.HasPrefix(p, "n/"):
			nameFiles++
		}
	}
	if len(shown) != shownPages {
		t.Errorf("fetched %d pages' files to show %d pages: %v", len(shown), shownPages, fetched)
	}
	if nameFiles == 0 || nameFiles > len(shown) {
		t.Errorf("fetched %d chunks of n/ for %d pages shown", nameFiles, len(shown))
	}
	others := 0
	for _, p := range fetched {
		if strings.HasPrefix(p, "f/") {
			continue
		}
		data := inflatedFile(t, filepath.Join(bundle, filepath.FromSlash(p)))
		for _, e := range pages {
			name := strings.TrimSuffix(e.Name(), ".bin")
			if shown[name] || !bytes.Contains(data, []byte(name)) {
				continue
			}
			if !strings.HasPrefix(p, "n/") {
				t.Errorf("%s names the file of a page the query does not show", p)
				break
			}
			others++
		}
	}
	if others+len(shown) >= len(pages) {
		t.Errorf("the names of %d pages fetched, of %d", others+len(shown), len(pages))
	}
	t.Logf("%d files fetched, %d pages shown, %d chunks of n/ naming %d other pages of %d", len(fetched), len(shown), nameFiles, others, len(pages))
}

// inflatedFile reads the file at p, inflated when it is gzip data.
func inflatedFile(t *testing.T, p string) []byte {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) < 2 || data[0] != 0x1f || data[1] != 0x8b {
		return data
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(p, err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(p, err)
	}
	return out
}
