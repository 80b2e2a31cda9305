package search

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/big"
	"slices"
	"testing"
)

// slotHash is the hash slotted orders the pages by.
func slotHash(u string) uint64 {
	sum := sha256.Sum256([]byte(u))
	return binary.BigEndian.Uint64(sum[:8])
}

// checkSlots checks the layout of slotted(urls): every page once, at or
// after its home slot with no empty slot in between, in the order of
// (hash, URL).
func checkSlots(t *testing.T, urls, slots []string) {
	t.Helper()
	size := tableSize(len(urls))
	var got []string
	prev := ""
	for i, u := range slots {
		if u == "" {
			continue
		}
		got = append(got, u)
		hs := new(big.Int).Mul(new(big.Int).SetUint64(slotHash(u)), big.NewInt(int64(size)))
		home := int(hs.Rsh(hs, 64).Int64())
		if i < home {
			t.Fatalf("%s in slot %d, before its home %d", u, i, home)
		}
		if k := slices.Index(slots[home:i], ""); k >= 0 {
			t.Fatalf("%s in slot %d past the empty slot %d after its home %d", u, i, home+k, home)
		}
		if prev != "" && (slotHash(prev) > slotHash(u) || slotHash(prev) == slotHash(u) && prev > u) {
			t.Fatalf("%s before %s", prev, u)
		}
		prev = u
	}
	if len(slots) > 0 && slots[len(slots)-1] == "" {
		t.Fatal("the slots end with an empty one")
	}
	slices.Sort(got)
	if want := slices.Sorted(slices.Values(urls)); !slices.Equal(got, want) {
		t.Fatalf("slots hold %d pages, want %d", len(got), len(want))
	}
}

// Pages keep their numbers when another page comes or goes: only the
// pages in the run of taken slots after it move, by one, unless the table
// grows.
func TestSlotted(t *testing.T) {
	var urls []string
	for i := range 1000 {
		urls = append(urls, fmt.Sprintf("/en/playbooks/page-%03d/", i))
	}
	if slotted(nil) != nil {
		t.Error("slots for no pages")
	}
	checkSlots(t, urls[:1], slotted(urls[:1]))
	before := slotted(urls)
	checkSlots(t, urls, before)
	if n := len(before); n < 2000 || n > 2048+100 {
		t.Errorf("%d slots for 1,000 pages", n)
	}
	moves := 0
	for i := range 100 {
		added := fmt.Sprintf("/nl/draaiboeken/pagina-%d/", i)
		after := slotted(append(slices.Clone(urls), added))
		checkSlots(t, append(slices.Clone(urls), added), after)
		at := slices.Index(after, added)
		for n, u := range before {
			if u == "" || after[n] == u {
				continue
			}
			moves++
			if m := slices.Index(after, u); m != n+1 || n < at || slices.Contains(after[at:m], "") {
				t.Fatalf("adding %s (slot %d) moved %s from %d to %d", added, at, u, n, m)
			}
		}
	}
	// At most half full, a run past a new page is short.
	if moves > 150 {
		t.Errorf("100 pages added one at a time moved %d others", moves)
	}
	t.Logf("100 pages added one at a time moved %d others", moves)

	// The table grows by an eighth at a time.
	for _, c := range []struct{ n, size int }{{1, 8}, {4, 8}, {5, 10}, {512, 1024}, {513, 1152}, {577, 1280}, {1000, 2048}, {10000, 20480}} {
		if got := tableSize(c.n); got != c.size {
			t.Errorf("tableSize(%d) = %d, want %d", c.n, got, c.size)
		}
	}
	few, more := slotted(urls[:512]), slotted(urls[:513])
	checkSlots(t, urls[:512], few)
	checkSlots(t, urls[:513], more)
	if len(few) > 1024+32 || len(more) <= 1024+32 {
		t.Errorf("%d and %d slots for 512 and 513 pages", len(few), len(more))
	}
}
