// Package e2e holds kb's end-to-end tests: the example site in content/ is
// built once, served over real HTTP with the production Content Security
// Policy, and driven in Debian's Chromium (headless, through the DevTools
// protocol with chromedp). The tests check every page type, navigation, the
// language switch, the colour-scheme toggle, the table of contents, list
// filters, phone-size layouts, accessibility (axe-core) and HTML validity
// (the Nu Html Checker), and write screenshots to .test-artifacts/screenshots.
// Sites of their own test hostile content, mermaid diagrams (drawn under
// kb serve's policy and on a static host; hostile ones run nothing) and
// the static search bundle.
// A plain handbook without site.yaml (builder/testdata/generic-repo) is
// built and opened too, for the interface of a repository without kinds,
// languages or Git dates.
//
// They need /usr/bin/chromium (or $CHROME_PATH), Java, and `npm ci` run at
// the repository root for axe-core and vnu-jar.
package e2e
