package search

import "github.com/blevesearch/bleve/v2"

// Bleve returns the library index under ix, for tests that compare with
// the library's own answers.
func Bleve(ix *Index) bleve.Index { return ix.b }
