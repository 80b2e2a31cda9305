package search

import "encoding/json"

// staticGroups is g/0.bin: the translation groups of the pages (see
// groups.go), for the static client to group results as Search does.
type staticGroups struct {
	// Groups lists the groups in the order of their first page, each as
	// numbers: the distance from the previous group's first page (from
	// page 0 for the first group), the number of its other pages, and the
	// distance of each from its first page. Pages in no group are in none.
	Groups []int `json:"groups"`
}

// groups encodes g/0.bin.
func (d *exportData) groups() []byte {
	var order []string
	members := map[string][]int{}
	for i, sd := range d.docs {
		if sd.group == "" {
			continue
		}
		if members[sd.group] == nil {
			order = append(order, sd.group)
		}
		members[sd.group] = append(members[sd.group], i)
	}
	g := staticGroups{Groups: []int{}}
	prev := 0
	for _, name := range order {
		ms := members[name]
		g.Groups = append(g.Groups, ms[0]-prev, len(ms)-1)
		for _, m := range ms[1:] {
			g.Groups = append(g.Groups, m-ms[0])
		}
		prev = ms[0]
	}
	data, err := json.Marshal(g)
	if err != nil {
		panic(err) // a list of numbers always encodes
	}
	return data
}
