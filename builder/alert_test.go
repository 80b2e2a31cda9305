package builder

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestBuild_GitHubAlerts renders GitHub alerts of every type, with the
// marker alone on its line or followed by text, in any case, as callouts;
// and leaves blockquotes that are not alerts alone.
func TestBuild_GitHubAlerts(t *testing.T) {
	cases := []struct{ src, want string }{
		{"> [!NOTE]\n> Keep it short.\n", `<div class="callout callout-note" role="note"><p class="callout-title">Note</p>
<p>Keep it short.</p>
</div>`},
		{"> [!note] Text on the marker line.\n> And the next.\n", `<div class="callout callout-note" role="note"><p class="callout-title">Note</p>
<p>Text on the marker line.
And the next.</p>
</div>`},
		{"> [!Tip] One line only.\n", `<div class="callout callout-tip" role="note"><p class="callout-title">Tip</p>
<p>One line only.</p>
</div>`},
		{"> [!IMPORTANT]\n>\n> After a blank line.\n", `<div class="callout callout-important" role="note"><p class="callout-title">Important</p>
<p>After a blank line.</p>
</div>`},
		{"> [!WARNING]   Careful *now*.\n", `<div class="callout callout-warning" role="note"><p class="callout-title">Warning</p>
<p>Careful <em>now</em>.</p>
</div>`},
		{"> [!CAUTION] **Bold** start and `code`.\n", `<div class="callout callout-caution" role="note"><p class="callout-title">Caution</p>
<p><strong>Bold</strong> start and <code>code</code>.</p>
</div>`},
		{"> [!CAUTION]\n", `<div class="callout callout-caution" role="note"><p class="callout-title">Caution</p>
</div>`},
		{"> [!NOTE]glued\n", "<blockquote>\n<p>[!NOTE]glued</p>\n</blockquote>"},
		{"> Plain [!NOTE] quote\n", "<blockquote>\n<p>Plain [!NOTE] quote</p>\n</blockquote>"},
		{"> [!TODO] Not a type\n", "<blockquote>\n<p>[!TODO] Not a type</p>\n</blockquote>"},
	}
	files := map[string]string{}
	for i, c := range cases {
		files[string(rune('a'+i))+".md"] = "# Page\n\n" + c.src
	}
	_, dest, err := build(t, site(t, files))
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(?s)<div class="callout.*?</div>|<blockquote>.*?</blockquote>`)
	for i, c := range cases {
		data, err := os.ReadFile(filepath.Join(dest, string(rune('a'+i)), "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		if got := re.FindString(string(data)); got != c.want {
			t.Errorf("%q renders\n%s\nwant\n%s", c.src, got, c.want)
		}
		if strings.Count(string(data), "[!") > strings.Count(c.want, "[!") {
			t.Errorf("%q: a marker is left in the page", c.src)
		}
	}
}

// TestBuild_EmojiShortcodes renders GitHub's emoji shortcodes as the emoji,
// outside code only, and leaves colons that name no emoji alone.
func TestBuild_EmojiShortcodes(t *testing.T) {
	_, dest, err := build(t, site(t, map[string]string{
		"a.md": "# Page\n\nShipped :tada: and :+1: :white_check_mark:\n\nAt 10:30:45, :not_an_emoji: stays.\n\n`:tada:` in code.\n",
	}))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dest, "a", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(data)
	for _, want := range []string{"Shipped &#x1f389; and &#x1f44d; &#x2705;", "At 10:30:45, :not_an_emoji: stays.", "<code>:tada:</code>"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
}
