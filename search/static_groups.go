package search

import "encoding/json"

// staticGroups is g/0.bin: the translation groups of the pages (see
// groups.go), for the static client to group results as Search does.
type staticGroups struct {
	// DocGroup numbers every page's group from 1, in page-number order; 0
	// means none.
	DocGroup []int `json:"doc_group"`
}

// groups encodes g/0.bin.
func (d *exportData) groups() []byte {
	g := staticGroups{DocGroup: make([]int, len(d.docs))}
	num := map[string]int{}
	for i, sd := range d.docs {
		if sd.group == "" {
			continue
		}
		n, ok := num[sd.group]
		if !ok {
			n = len(num) + 1
			num[sd.group] = n
		}
		g.DocGroup[i] = n
	}
	data, err := json.Marshal(g)
	if err != nil {
		panic(err) // a list of numbers always encodes
	}
	return data
}
