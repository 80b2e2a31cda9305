#!/bin/sh
# Copies the diagram script the default theme serves, mermaid's single-file
# minified build, from the npm package pinned in package.json into
# themes/default/static, with its licence.
#
# To move to another release:
#   npm install --save-dev --save-exact mermaid@VERSION
#   sh themes/update-mermaid.sh
#   go test ./themes ./builder && go test ./e2e -run Diagram
# and commit package.json, package-lock.json and the two files in static/.
set -eu
cd "$(dirname "$0")/.."
pkg=node_modules/mermaid
have=$(node -p 'require("./'"$pkg"'/package.json").version')
want=$(node -p 'require("./package.json").devDependencies.mermaid')
if [ "$have" != "$want" ]; then
	echo "update-mermaid: node_modules has mermaid $have, package.json pins $want: run npm ci" >&2
	exit 1
fi
static=themes/default/static
copyright=$(grep -m 1 '^Copyright' "$pkg/LICENSE")
{
	printf '/*! mermaid %s | MIT License | %s | https://github.com/mermaid-js/mermaid\n' "$have" "$copyright"
	printf ' * Licence: mermaid.LICENSE.txt; the licences of the libraries it bundles are at the end of this file. */\n'
	cat "$pkg/dist/mermaid.min.js"
} >"$static/mermaid.min.js"
cp "$pkg/LICENSE" "$static/mermaid.LICENSE.txt"
echo "update-mermaid: $static/mermaid.min.js is mermaid $have"
