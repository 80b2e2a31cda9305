package search

import "golang.org/x/text/unicode/norm"

// Text can write one letter two ways: "ï" as one code point, or as "i"
// and a combining diaeresis. The analyzers see two different words, so the
// pages' text (when indexed) and the query (when parsed) are both brought
// to Unicode NFC, composed, before anything else reads them. Letters that
// bleve's folding changes are matched through FieldJoins (see
// plan.foldedTerms).

// nfc returns s in Unicode normalisation form C.
func nfc(s string) string {
	if isASCII(s) {
		return s
	}
	return norm.NFC.String(s)
}

// normalized returns d with its text in NFC.
func (d Doc) normalized() Doc {
	d.Title, d.Summary, d.Headings, d.Body, d.Owner = nfc(d.Title), nfc(d.Summary), nfc(d.Headings), nfc(d.Body), nfc(d.Owner)
	if len(d.Tags) > 0 {
		tags := make([]string, len(d.Tags))
		for i, t := range d.Tags {
			tags[i] = nfc(t)
		}
		d.Tags = tags
	}
	return d
}
