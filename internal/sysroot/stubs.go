package sysroot

import (
	"fmt"

	"compatbuild/internal/abidb"
	"compatbuild/internal/libcompat"
	"compatbuild/internal/stubs"
)

// StubLibrary describes the stub of one glibc library at target: every
// symbol the release exports, all its versions up to the target, the newest
// as the default (@@) unless the release keeps the symbol only for old
// binaries (then every version is hidden, as in the real library), data
// objects with their real sizes, and glibc's symbol identity: names that
// are one object in the real library share one address, each with glibc's
// binding (see abidb.SymbolVersion.Alias).
func StubLibrary(db *abidb.DB, lib string, target abidb.Version) (stubs.Library, error) {
	nodes, err := db.Nodes(lib, target)
	if err != nil {
		return stubs.Library{}, err
	}
	exports, err := db.Exports(lib, target)
	if err != nil {
		return stubs.Library{}, err
	}
	out := stubs.Library{Soname: db.Soname(lib), Versions: stubs.ChainedVersions(nodes...)}
	if out.Soname == "" {
		return stubs.Library{}, fmt.Errorf("no soname known for %s", lib)
	}
	for _, sv := range exports {
		// Exports marks the version a new link binds to; compat-only
		// symbols (sys_errlist from 2.32) have none and stay hidden.
		sym := stubs.Symbol{Name: sv.Name, Version: sv.Node, Default: sv.Default, Kind: stubs.Func, Size: sv.Size, Weak: sv.Weak, Alias: sv.Alias}
		// An older version with other arguments than today's headers
		// declare (totalorder before 2.31) stays hidden: the link takes
		// libcompat's polyfill instead.
		if v, ok := libcompat.ABIChangedAt(sv.Name); ok && target.Less(abidb.Version{Major: v.Major, Minor: v.Minor}) {
			sym.Default = false
		}
		if sv.Kind == abidb.Object {
			sym.Kind = stubs.Object
		}
		out.Symbols = append(out.Symbols, sym)
	}
	return out, nil
}
