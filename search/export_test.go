package search

import "github.com/blevesearch/bleve/v2"

// Bleve returns the library index under ix, for tests that compare with
// the library's own answers.
func Bleve(ix *Index) bleve.Index { return ix.b }

// SetDense turns dense evaluation (dense.go) on or off, for tests that
// compare it with bleve's searchers; it returns the previous setting.
func SetDense(on bool) bool {
	was := denseOn
	denseOn = on
	return was
}

// SetDirect turns direct collection (direct.go) on or off, for tests that
// compare it with bleve's collector; it returns the previous setting.
func SetDirect(on bool) bool {
	was := directOn
	directOn = on
	return was
}
