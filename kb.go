// Package kb holds the example knowledge base that the kb command builds
// when it finds no site of its own.
package kb

import (
	"embed"
	"io/fs"
)

//go:embed site.yaml content
var example embed.FS

// ExampleSite returns the bundled example site: site.yaml and content/.
func ExampleSite() fs.FS { return example }
