package driver

import (
	"slices"
	"strings"

	"compatbuild/internal/abidb"
	"compatbuild/internal/libcompat"
)

// abiChangeUndefined explains sym, left undefined by a link for target,
// when it is a name whose ABI changed under one name and the stubs offer
// no version of the form the program's headers (glibc release headers;
// zero: unknown) declare, with no polyfill of that form either: the
// target has the name, but not as the program calls it (libcompat's
// ABI-change table). ok is false for every other symbol.
func abiChangeUndefined(db *abidb.DB, sym string, target, headers abidb.Version) (string, bool) {
	c, ok := libcompat.DecidedByHeaders(db.ABI(), sym)
	if !ok {
		return "", false
	}
	h := libcompat.Version{Major: headers.Major, Minor: headers.Minor}
	if !h.IsZero() && formPolyfilled(c, sym, h) {
		return "", false // the catalogue's explanations apply
	}
	var nodes []abidb.Version
	for _, a := range db.History(sym) {
		if slices.Contains(a.Releases, target) {
			_, v, _ := abidb.NodeVersion(a.Node)
			nodes = append(nodes, v)
		}
	}
	slices.SortFunc(nodes, abidb.Version.Compare)
	if i, _ := libcompat.BindVersion(db.ABI(), sym, nodes, h); i >= 0 {
		return "", false
	}
	return libcompat.ABIChangeNote(db.ABI(), sym, libcompat.Version{Major: target.Major, Minor: target.Minor}, h)
}

// formPolyfilled reports whether libcompat has sym in the form headers of
// release h declare: a catalogue polyfill or alias implements both forms
// of the names newer than 2.17; the line's own Polyfill the new form of
// older ones.
func formPolyfilled(c *libcompat.ABIChange, sym string, h libcompat.Version) bool {
	if e, ok := libcompat.Lookup(sym); ok {
		return e.Status != libcompat.StatusRefused
	}
	return c.NewForm(h) && c.Polyfill != "" && slices.Contains(strings.Fields(c.Names), sym)
}
