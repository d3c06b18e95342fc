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
// ABI-change table), on any ABI — the x86_64 catalogue's polyfill of a
// form says nothing about aarch64's, where the catalogue may refuse it
// (the refusal's reason is added). A target without the name in any form
// is left to the catalogue's answer (explainNewer). ok is false for every
// other symbol.
func abiChangeUndefined(db *abidb.DB, sym string, target, headers abidb.Version) (string, bool) {
	c, ok := libcompat.DecidedByHeaders(db.ABI(), sym)
	if !ok {
		return "", false
	}
	h := libcompat.Version{Major: headers.Major, Minor: headers.Minor}
	lt := libcompat.Version{Major: target.Major, Minor: target.Minor}
	nodes := nodesAt(db, sym, target)
	if !h.IsZero() && (len(nodes) == 0 || formPolyfilled(db.ABI(), c, sym, h, lt)) {
		return "", false // the catalogue's explanations apply
	}
	if i, _ := libcompat.BindVersion(db.ABI(), sym, nodes, h); i >= 0 {
		return "", false
	}
	note, ok := libcompat.ABIChangeNote(db.ABI(), sym, lt, h)
	if e, phrase, known := libcompat.DescribeFor(sym, db.ABI(), lt); ok && known && e.Status == libcompat.StatusRefused {
		note += " (compatbuild's catalogue on " + db.ABI() + ": " + phrase + ")"
	}
	return note, ok
}

// formPolyfilled reports whether libcompat has sym on abi, for a link for
// target, in the form headers of release h declare: a catalogue polyfill
// or alias implements both forms of the names newer than 2.17 (unless the
// catalogue refuses it on abi); the line's own Polyfill the new form of
// older ones.
func formPolyfilled(abi string, c *libcompat.ABIChange, sym string, h, target libcompat.Version) bool {
	if e, _, ok := libcompat.DescribeFor(sym, abi, target); ok {
		return e.Status != libcompat.StatusRefused
	}
	return c.NewForm(h) && c.Polyfill != "" && slices.Contains(strings.Fields(c.Names), sym)
}

// bindsForm reports whether a link for target binds sym in the form
// headers of release headers declare (for a name whose ABI did not change,
// whether the target has it at all). otherForm is the ABI-change line when
// the target has the name only in the other form.
func bindsForm(db *abidb.DB, sym string, target, headers abidb.Version) (has bool, otherForm *libcompat.ABIChange) {
	if _, _, ok := db.LibraryOf(sym, target); !ok {
		return false, nil
	}
	c, ok := libcompat.DecidedByHeaders(db.ABI(), sym)
	if !ok || headers.IsZero() {
		return true, nil
	}
	nodes := nodesAt(db, sym, target)
	if i, _ := libcompat.BindVersion(db.ABI(), sym, nodes, libcompat.Version{Major: headers.Major, Minor: headers.Minor}); i >= 0 {
		return true, nil
	}
	return false, c
}

// nodesAt lists the version nodes of sym that glibc target exports,
// oldest first, as releases (GLIBC_2.25 → 2.25).
func nodesAt(db *abidb.DB, sym string, target abidb.Version) []abidb.Version {
	var nodes []abidb.Version
	for _, a := range db.History(sym) {
		if slices.Contains(a.Releases, target) {
			_, v, _ := abidb.NodeVersion(a.Node)
			nodes = append(nodes, v)
		}
	}
	slices.SortFunc(nodes, abidb.Version.Compare)
	return nodes
}
