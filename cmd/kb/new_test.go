package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"kb"
)

// ckNewSite has a meeting format in a folder not named after its kind, a
// symptom to link to, and no pages of the other kinds.
var ckNewSite = map[string]string{
	"site.yaml":         "title: New pages\ntags: [sales, support]\n",
	"content/README.md": "# Home\n\n[Sync](meetings/sync.md), [silos](symptoms/silos.md).\n",
	"content/meetings/sync.md": "---\ntitle: Sync\nkind: meeting-format\ncadence: weekly\nduration: 30m\n" +
		"participants: [Lead]\nagenda: [Blockers]\n---\n\nBody.\n",
	"content/symptoms/silos.md": "---\ntitle: Silos\nkind: symptom\nsignals: [Nobody knows]\nimpact: Time\n" +
		"remedies: [../meetings/sync.md]\n---\n\nBody.\n",
}

var (
	todoValueRE   = regexp.MustCompile(`"TODO\(kb\): [^"]*"`)
	todoCommentRE = regexp.MustCompile(`(?m)\s*# TODO\(kb\): .*$`)
	todoLineRE    = regexp.MustCompile(`(?m)^TODO\(kb\): .*$`)
)

// ckFill does what a writer does with a new page: replaces every
// placeholder value, removes the hint comments and writes the sections.
func ckFill(src string) string {
	src = todoValueRE.ReplaceAllString(src, `"Written by the team"`)
	src = todoCommentRE.ReplaceAllString(src, "")
	return todoLineRE.ReplaceAllString(src, "What we actually do.")
}

// TestNew_EachKind creates a page of every kind (and a Dutch one), checks
// that kb check rejects it with placeholder errors only, fills it in, and
// checks that kb check then accepts it.
func TestNew_EachKind(t *testing.T) {
	for _, tc := range []struct {
		kind, title, lang, path string
		headings                []string
		frontMatter             []string
	}{
		{"symptom", "Teams wait on each other", "", "content/symptoms/teams-wait-on-each-other.md",
			[]string{"How to recognise it", "Why it matters", "What helps"},
			[]string{"signals:\n  - \"TODO(kb): ", "remedies: []  # TODO(kb): ", "impact: \"TODO(kb): ", "translation_key: teams-wait-on-each-other\n"}},
		{"meeting-format", "Quarterly review", "", "content/meetings/quarterly-review.md",
			[]string{"Agenda", "Roles", "Outcomes"},
			[]string{"agenda:\n  - {item: \"TODO(kb): first agenda item\", minutes: 10}\n", "cadence: \"TODO(kb): "}},
		{"channel-agreement", "Support inbox", "", "content/channel-agreements/support-inbox.md",
			[]string{"What this channel is for", "What it is not for", "Response times"},
			[]string{"use_for:\n  - \"TODO(kb): ", "response_time: \"TODO(kb): "}},
		{"tool-rollout", "New CRM", "", "content/tool-rollouts/new-crm.md",
			[]string{"Steps", "Who to ask"},
			[]string{"status: planned  # TODO(kb): one of planned, pilot, rolling-out, done\n", "steps:\n  - {name: \"TODO(kb): first step\", owner: \"TODO(kb): "}},
		{"symptom", "Iedereen wacht op elkaar", "nl", "content/symptoms/iedereen-wacht-op-elkaar.md",
			[]string{"Hoe herken je het?", "Waarom het ertoe doet", "Wat helpt"},
			[]string{"lang: nl\n", "translation_key: \"TODO(kb): "}},
	} {
		t.Run(tc.kind+"/"+tc.title, func(t *testing.T) {
			dir := ckSite(t, ckNewSite)
			args := []string{"new", tc.kind, tc.title, "--source", dir}
			if tc.lang != "" {
				args = append(args, "--lang", tc.lang)
			}
			code, out, errOut := ckRun(t, args...)
			target := filepath.Join(dir, filepath.FromSlash(tc.path))
			if code != exitOK || out != target+"\n" {
				t.Fatalf("exit %d, stdout %q (want %q), stderr %s", code, out, target, errOut)
			}
			data, err := os.ReadFile(target)
			if err != nil {
				t.Fatal(err)
			}
			src := string(data)
			if !strings.HasPrefix(src, "---\ntitle: \""+tc.title+"\"\nsummary: \"TODO(kb): ") || !strings.Contains(src, "\nkind: "+tc.kind+"\n") {
				t.Errorf("front matter:\n%s", src)
			}
			for _, fm := range tc.frontMatter {
				if !strings.Contains(src, fm) {
					t.Errorf("lacks %q:\n%s", fm, src)
				}
			}
			for _, h := range tc.headings {
				if !strings.Contains(src, "\n## "+h+"\n\nTODO(kb): ") {
					t.Errorf("lacks section %q with a placeholder:\n%s", h, src)
				}
			}

			// Rejected, with a placeholder error on each line that has one.
			code, out, _ = ckRun(t, "check", "--source", dir)
			if code != exitContent {
				t.Errorf("kb check accepted the unfilled page: exit %d\n%s", code, out)
			}
			rel := filepath.ToSlash(tc.path)
			var placeholders int
			for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
				if !strings.HasPrefix(line, rel+":") || !strings.HasSuffix(line, "[placeholder]") {
					t.Errorf("unexpected diagnostic: %s", line)
				}
				placeholders++
			}
			if want := ckLinesWith(src, "TODO(kb):"); placeholders != want {
				t.Errorf("%d placeholder errors, want one per line with TODO(kb): (%d)\n%s", placeholders, want, out)
			}

			// Filled in, it passes.
			if err := os.WriteFile(target, []byte(ckFill(src)), 0o644); err != nil {
				t.Fatal(err)
			}
			code, out, errOut = ckRun(t, "check", "--source", dir)
			if code != exitOK || out != "" {
				t.Errorf("filled page: exit %d\n%s%s\n%s", code, out, errOut, ckFill(src))
			}
		})
	}
}

func ckLinesWith(src, s string) int {
	n := 0
	for _, line := range strings.Split(src, "\n") {
		if strings.Contains(line, s) {
			n++
		}
	}
	return n
}

func TestNew_RefusesToOverwrite(t *testing.T) {
	dir := ckSite(t, ckNewSite)
	target := filepath.Join(dir, "content/symptoms/silos.md")
	before, _ := os.ReadFile(target)
	code, out, errOut := ckRun(t, "new", "symptom", "Silos", "--source", dir)
	if code != exitContent || out != "" || !strings.Contains(errOut, "silos.md already exists") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if after, _ := os.ReadFile(target); string(after) != string(before) {
		t.Error("the existing file was changed")
	}
}

func TestNew_UsageErrors(t *testing.T) {
	dir := ckSite(t, ckNewSite)
	for _, tc := range []struct {
		name string
		args []string
		msg  string
	}{
		{"no title", []string{"new", "symptom", "--source", dir}, "want KIND and \"Title\", got 1 argument\n"},
		{"unknown kind", []string{"new", "recipe", "Soup", "--source", dir}, `unknown kind "recipe"`},
		{"unknown language", []string{"new", "symptom", "Soep", "--lang", "fr", "--source", dir}, `--lang "fr"`},
		{"empty slug", []string{"new", "symptom", "???", "--source", dir}, "empty file name"},
		{"two lines", []string{"new", "symptom", "a\nb", "--source", dir}, "one line"},
		{"no site", []string{"new", "symptom", "X", "--source", filepath.Join(dir, "nope")}, "not a folder"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := ckRun(t, tc.args...)
			if code != exitUsage || !strings.Contains(errOut, tc.msg) {
				t.Errorf("exit %d, stderr %q, want %q", code, errOut, tc.msg)
			}
		})
	}
}

// TestNew_ExampleSite adds a meeting format to a copy of the example knowledge base:
// it lands in meeting-formats/ and, once filled in, passes the check.
func TestNew_ExampleSite(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, kb.ExampleSite()); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := ckRun(t, "new", "meeting-format", "Cross-team demo day", "--source", dir)
	want := filepath.Join(dir, "content", "meeting-formats", "cross-team-demo-day.md")
	if code != exitOK || out != want+"\n" {
		t.Fatalf("exit %d, %q, %s", code, out, errOut)
	}
	data, _ := os.ReadFile(want)
	if !strings.Contains(string(data), "tags: []  # TODO(kb): add tags from site.yaml's list: sales, support,") {
		t.Errorf("tags hint:\n%s", data)
	}
	if code, _, _ := ckRun(t, "check", "--source", dir); code != exitContent {
		t.Errorf("unfilled: exit %d", code)
	}
	if err := os.WriteFile(want, []byte(ckFill(string(data))), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := ckRun(t, "check", "--source", dir); code != exitOK {
		t.Errorf("filled: exit %d\n%s%s", code, out, errOut)
	}
}

// A page fresh from kb new shows in kb serve at once, its placeholders
// marked and listed as warnings, while kb build still refuses it.
func TestNew_PreviewAtOnce(t *testing.T) {
	dir := svSite(t)
	s := svStart(t, dir)
	code, out, errOut := ckRun(t, "new", "symptom", "Nobody answers", "--source", dir)
	if code != exitOK {
		t.Fatalf("kb new: exit %d: %s", code, errOut)
	}
	// The page is served (200) as soon as the preview has rebuilt; how
	// fast that is, BenchmarkServeEdit measures.
	var body string
	svWait(t, "the new page", func() bool {
		var status int
		status, body = svGet(t, s.url+"symptoms/nobody-answers/")
		return status == 200
	})
	const mark = `<mark class="placeholder" title="still to be written">`
	for _, want := range []string{
		mark + "TODO(kb): what people see or hear when this happens.</mark>",                         // body
		`<p class="lead">` + mark + "TODO(kb): one sentence on what this page helps with</mark></p>", // summary
		mark + "TODO(kb): the team to ask about this page, e.g. pmo</mark></a>",                      // owner
		`<span>` + mark + "TODO(kb): something people notice when this happens</mark></span>",        // a list field
		`<p>` + mark + "TODO(kb): what this costs the teams involved</mark></p>",                     // a text field
	} {
		if !strings.Contains(body, want) {
			t.Errorf("a placeholder is not marked: no %s in\n%s", want, body)
		}
	}
	if n, marked := strings.Count(body, "TODO(kb):"), strings.Count(body, mark+"TODO(kb):"); marked != n-1 {
		t.Errorf("%d of %d placeholders marked; want all but the one in the description's attribute", marked, n)
	}
	svWait(t, "the warnings in the terminal", func() bool {
		return strings.Contains(s.errs.String(), "content/symptoms/nobody-answers.md:3:11: warning: placeholder")
	})
	code, _, errOut = ckRun(t, "build", "--source", dir, "--dest", filepath.Join(t.TempDir(), "public"))
	if code != exitContent || !strings.Contains(errOut, "error: placeholder") {
		t.Errorf("kb build accepted the unfilled page: exit %d\n%s", code, errOut)
	}
	_ = out
}
