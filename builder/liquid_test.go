package builder

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLiquid_Rewrites(t *testing.T) {
	for _, tc := range []struct{ name, page, in, want string }{
		{"comment dropped, lines kept", "a.md",
			"Before\n{% comment %}\nsecret plan\n{% endcomment %}\nAfter\n", "Before\n\n\n\nAfter\n"},
		{"inline comment", "a.md", "A {%- comment -%}x{%- endcomment -%} B\n", "A  B\n"},
		{"raw kept as written", "a.md",
			"{% raw %}\n{{ page.title }} and {% if x %}\n{% endraw %}\n", "\n{{ page.title }} and {% if x %}\n\n"},
		{"baseurl link", "docs/a.md", "[About]({{ site.baseurl }}/about/)\n", "[About](/about/)\n"},
		{"baseurl without spaces", "a.md", "[x]({{site.baseurl}}/x/)\n", "[x](/x/)\n"},
		{"url and baseurl", "a.md", "[x]({{ site.url }}{{ site.baseurl }}/x/)\n", "[x](/x/)\n"},
		{"relative_url filter", "a.md", `[A]({{ "/about/" | relative_url }}) [B]({{ '/b' | absolute_url }})` + "\n", "[A](/about/) [B](/b)\n"},
		{"link tag", "docs/team/a.md", "[Guide]({% link docs/guide/setup.md %})\n", "[Guide](../guide/setup.md)\n"},
		{"link tag at the top", "a.md", "[Guide]({% link docs/setup.md %})\n", "[Guide](docs/setup.md)\n"},
		{"post_url", "a.md", "[News]({% post_url 2020-01-01-launch %})\n", "[News](_posts/2020-01-01-launch.md)\n"},
		{"include dropped", "a.md", "A\n{% include note.html\n   content=\"x\" %}\nB\n", "A\n\n\nB\n"},
		{"if kept inside", "a.md", "{% if site.x %}\nShown\n{% endif %}\n", "\nShown\n\n"},
		{"unknown output dropped", "a.md", "Title: {{ page.title }}.\n", "Title: .\n"},
		{"highlight becomes a fence", "a.md", "{% highlight ruby %}\nputs {{ x }}\n{% endhighlight %}\n", "```ruby\nputs {{ x }}\n```\n"},
		{"code span untouched", "a.md", "Write `{{ site.baseurl }}` or ``{% raw %}``.\n", "Write `{{ site.baseurl }}` or ``{% raw %}``.\n"},
		{"fenced block untouched", "a.md", "```liquid\n{% include x.html %}\n{{ site.baseurl }}\n```\n{{ site.baseurl }}/y\n", "```liquid\n{% include x.html %}\n{{ site.baseurl }}\n```\n/y\n"},
		{"fence in a list", "a.md", "- step\n  ~~~\n  {% comment %}\n  ~~~\n", "- step\n  ~~~\n  {% comment %}\n  ~~~\n"},
		{"not Liquid", "a.md", "Dear {{ name of customer }}, {{ }} and 50{% off.\n", "Dear {{ name of customer }}, {{ }} and 50{% off.\n"},
		{"unclosed backtick is text", "a.md", "A ` tick {{ site.baseurl }}/x\n\nB `code`\n", "A ` tick /x\n\nB `code`\n"},
		{"an opener is not its own closer", "a.md", "50{%} off, {{}\n", "50{%} off, {{}\n"},
		{"highlight on the tags' lines is a code span", "a.md", "{% highlight go %}x := `a`{% endhighlight %}\n", "`` x := `a` ``\n"},
		{"highlight's language cleaned", "a.md", "{% highlight c++`x linenos %}\nx\n{% endhighlight %}\n", "```c++x\nx\n```\n"},
		{"highlight never closed", "a.md", "{% highlight go %}\nx\n", "\nx\n"},
		{"GitBook hint is an alert", "a.md", "A\n\n{% hint style=\"warning\" %}\nAsk [first]({{ site.baseurl }}/x/).\n\n- one\n{% endhint %}\n\nB\n",
			"A\n\n> [!WARNING]\n> Ask [first](/x/).\n> \n> - one\n> \n\nB\n"},
		{"GitBook hint on one line", "a.md", "{% hint style='success' %}Done.{% endhint %}\n", "> [!TIP] Done.\n"},
		{"GitBook hints nested", "a.md", "{% hint style=\"info\" %}\nOut\n{% hint style=\"danger\" %}\nIn\n{% endhint %}\n{% endhint %}\n",
			"> [!NOTE]\n> Out\n> > [!CAUTION]\n> > In\n> > \n> \n"},
		{"GitBook hint mid-line or never closed loses its tags", "a.md", "See {% hint style=\"info\" %}this{% endhint %}.\n{% hint style=\"info\" %}\nopen\n",
			"See this.\n\nopen\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := liquid([]byte(tc.in), 0, tc.page)
			if string(got) != tc.want {
				t.Errorf("liquid(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
			if n, m := bytes.Count(got, []byte("\n")), strings.Count(tc.in, "\n"); n != m {
				t.Errorf("%d lines became %d", m, n)
			}
		})
	}
}

func TestLiquid_FrontMatterUntouched(t *testing.T) {
	src := "---\ntitle: \"{{ site.title }}\"\n---\n{{ site.title }}\n"
	got, notes := liquid([]byte(src), len("---\ntitle: \"{{ site.title }}\"\n---\n"), "a.md")
	if string(got) != "---\ntitle: \"{{ site.title }}\"\n---\n\n" {
		t.Errorf("got %q", got)
	}
	if len(notes) != 1 || notes[0].off != len(src)-len("{{ site.title }}\n") {
		t.Errorf("notes %+v", notes)
	}
}

// The warnings of a real build point at the line and column of the tag,
// also after a comment spanning lines, and a link after a dropped comment
// is reported at its own line.
func TestBuild_LiquidWarningsAtTheirLine(t *testing.T) {
	src := site(t, map[string]string{
		"a.md": "---\ntitle: A\n---\nIntro\n{% comment %}\nhidden\nlines\n{% endcomment %}\nSee {% include note.html %} and [gone](nope.md).\n\n" +
			"```\n{% include shown.html %}\n```\n{{ page.author }}\n",
	})
	res, dest := mustBuild(t, src)
	got := diagStrings(res.Diagnostics)
	for _, want := range []string{
		`a.md:9:5: warning: Liquid tag {% include %} is not supported: the tag is left out [liquid]`,
		`a.md:9:`, `broken link "nope.md"`,
		`a.md:14:1: warning: Liquid output {{ page.author }} is not supported: it is left out [liquid]`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("diagnostics:\n%s\nwant %s", got, want)
		}
	}
	if strings.Contains(got, "shown.html") {
		t.Errorf("Liquid in a code block was reported:\n%s", got)
	}
	html, err := os.ReadFile(filepath.Join(dest, "a", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	_, body, _ := strings.Cut(string(html), `<div class="content">`)
	body, _, _ = strings.Cut(body, "</div>")
	if strings.Contains(body, "hidden") || strings.Contains(body, "{%") && !strings.Contains(body, "<code>{% include shown.html %}") {
		t.Errorf("body:\n%s", body)
	}
	if !strings.Contains(body, "{% include shown.html %}") {
		t.Errorf("Liquid in a code block not shown as written:\n%s", body)
	}
}

// GitBook's hints are shown as GitHub's alerts are, with no warning.
func TestBuild_GitBookHints(t *testing.T) {
	src := site(t, map[string]string{
		"README.md": "# Spending\n\n{% hint style=\"warning\" %}\nAsk your **manager** first, see [budget](budget.md).\n\n- one\n- two\n{% endhint %}\n\nAfter the hint.\n",
		"budget.md": "# Budget\n\nMoney.\n",
	})
	res, dest := mustBuild(t, src)
	if got := diagStrings(res.Diagnostics); got != "" {
		t.Errorf("diagnostics:\n%s", got)
	}
	home := readFile(t, filepath.Join(dest, "index.html"))
	callout := home[strings.Index(home, `<div class="callout callout-warning"`):]
	callout = callout[:strings.Index(callout, "</div>")]
	for _, want := range []string{"<strong>manager</strong>", `href="/budget/"`, "<li>two</li>"} {
		if !strings.Contains(callout, want) {
			t.Errorf("the warning lacks %s:\n%s", want, callout)
		}
	}
	if strings.Contains(callout, "After the hint.") || strings.Contains(home, "endhint") || strings.Contains(home, "style=&quot;warning") {
		t.Error("the hint's tags or the text after it are in the callout")
	}
}
