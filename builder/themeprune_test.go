package builder

import (
	"bytes"
	"context"
	"html/template"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"kb/themes"
)

// TestPruned: a layout's pruned set keeps the templates it calls, those it
// names in a string and kb's own (a card), theirs in turn, and nothing
// else, and executes as the whole set does.
func TestPruned(t *testing.T) {
	full := template.Must(template.New("").Funcs(funcs).Parse(`
{{define "page.html"}}<p title="{{.}}">{{template "head" .}}{{with "shared"}}{{.}}{{end}}</p>{{end}}
{{define "head"}}<a href="/{{.}}">{{template "deep" .}}</a>{{end}}
{{define "deep"}}{{.}}&{{end}}
{{define "shared"}}<b>{{template "named" .}}</b>{{end}}
{{define "named"}}{{.}}{{end}}
{{define "card"}}<li>{{template "cardbit" .}}</li>{{end}}
{{define "cardbit"}}{{.}}{{end}}
{{define "unused"}}{{template "alsounused" .}}{{end}}
{{define "alsounused"}}x{{end}}`))
	p, err := pruned(full, "page.html")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tt := range p.Templates() {
		names = append(names, tt.Name())
	}
	slices.Sort(names)
	if want := []string{"card", "cardbit", "deep", "head", "named", "page.html", "shared"}; !slices.Equal(names, want) {
		t.Errorf("kept %q, want %q", names, want)
	}
	for _, name := range []string{"page.html", "card"} {
		var a, b bytes.Buffer
		if err := full.ExecuteTemplate(&a, name, `a "b" <c>`); err != nil {
			t.Fatal(err)
		}
		if err := p.ExecuteTemplate(&b, name, `a "b" <c>`); err != nil {
			t.Fatal(err)
		}
		if a.String() != b.String() {
			t.Errorf("%s: pruned %q, whole %q", name, b.String(), a.String())
		}
	}
	if err := p.ExecuteTemplate(new(bytes.Buffer), "unused", "x"); err == nil || !strings.Contains(err.Error(), `"unused" is undefined`) {
		t.Errorf("an unused template ran in the pruned set: %v", err)
	}
}

// TestLoadTheme_Pruned: the default theme's layouts keep about half their
// templates; a site's own layouts keep them all (they may name a template
// in a way pruned cannot see).
func TestLoadTheme_Pruned(t *testing.T) {
	th, err := LoadTheme(themes.Default())
	if err != nil {
		t.Fatal(err)
	}
	own, err := LoadTheme(defaultThemeCopy(t, func(_, text string) string { return text }))
	if err != nil {
		t.Fatal(err)
	}
	if own.defaultLayouts {
		t.Fatal("a theme folder of the site's own counts as the default layouts")
	}
	kept, all := 0, 0
	for name, l := range th.layouts {
		kept += len(l.Templates())
		all += len(own.layouts[name].Templates())
		if l.Lookup(name+".html") == nil || len(l.Templates()) > len(own.layouts[name].Templates()) {
			t.Errorf("%s: %d templates of %d", name, len(l.Templates()), len(own.layouts[name].Templates()))
		}
	}
	if kept*3 > all*2 {
		t.Errorf("the default layouts keep %d of %d templates", kept, all)
	}
}

// TestBuild_PrunedLayoutsAsWhole: the example site built with the default
// theme's pruned layouts is byte for byte the site built with the same
// layouts whole (a site's own copy of the theme).
func TestBuild_PrunedLayoutsAsWhole(t *testing.T) {
	whole, err := LoadTheme(defaultThemeCopy(t, func(_, text string) string { return text }))
	if err != nil {
		t.Fatal(err)
	}
	dests := [2]string{filepath.Join(t.TempDir(), "pruned"), filepath.Join(t.TempDir(), "whole")}
	for i, th := range []*Theme{nil, whole} {
		res, err := Build(context.Background(), Options{Source: "..", Dest: dests[i], Now: testNow, theme: th})
		if err != nil {
			t.Fatalf("%v\n%s", err, diagStrings(res.Diagnostics))
		}
	}
	compareDirs(t, "pruned layouts", dests[1], dests[0])
}
