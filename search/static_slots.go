package search

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"math/bits"
	"slices"
	"strings"
)

// Pages are numbered in the static bundle by slot, not by their place in
// URL order: a page added or removed would otherwise renumber every page
// after it, and so change every chunk of postings that holds one of them.
//
// A page's home slot is a hash of its URL scaled to a table of at least
// twice as many slots as there are pages (see tableSize). The pages, in
// the order of (hash, URL), take their home slot or, when an earlier page
// took it, the next slot free after it: slot numbers follow that order,
// and a page moves only when a page added or removed in the same run of
// taken slots ahead of it moves it by one. At most half full, such runs
// are short; the table grows or shrinks only when the number of pages
// passes one of its sizes, an eighth apart, and then every page moves.
//
// Ties between equal scores still go by URL, as on the server: r/ holds
// every page's place in URL order (staticRanks), which the client reads
// when the order of the results it shows depends on it.

// slotted returns, per slot, the URL of the page there ("" for an empty
// slot), the slots running up to the last page's; urls are distinct.
func slotted(urls []string) []string {
	if len(urls) == 0 {
		return nil
	}
	size := tableSize(len(urls))
	type hashed struct {
		h uint64
		u string
	}
	hs := make([]hashed, len(urls))
	for i, u := range urls {
		sum := sha256.Sum256([]byte(u))
		hs[i] = hashed{binary.BigEndian.Uint64(sum[:8]), u}
	}
	slices.SortFunc(hs, func(a, b hashed) int { return cmp.Or(cmp.Compare(a.h, b.h), strings.Compare(a.u, b.u)) })
	out := make([]string, 0, size)
	for _, x := range hs {
		home, _ := bits.Mul64(x.h, uint64(size)) // ⌊h·size/2⁶⁴⌋
		for len(out) < int(home) {
			out = append(out, "")
		}
		out = append(out, x.u)
	}
	return out
}

// tableSize returns the number of home slots for n pages: the least of
// 8, 9, …, 15 times a power of two that is at least 2n, so that the
// numbers take a bit or so more than the pages' count needs.
func tableSize(n int) int {
	size, step := 8, 1
	for size < 2*n {
		if size == 16*step {
			step *= 2
		}
		size += step
	}
	return size
}

// urlRanks returns, for each page of docs (in slot order, empty slots
// left out), its place in URL order.
func urlRanks(docs []sdoc) []int {
	var order []int
	for i := range docs {
		if docs[i].id != "" {
			order = append(order, i)
		}
	}
	byURL := make([]int, len(order)) // places in order, sorted by URL
	for k := range byURL {
		byURL[k] = k
	}
	slices.SortFunc(byURL, func(a, b int) int { return strings.Compare(docs[order[a]].id, docs[order[b]].id) })
	out := make([]int, len(order))
	for r, k := range byURL {
		out[k] = r
	}
	return out
}
