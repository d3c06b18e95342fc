package sysroot

import (
	"fmt"

	"compatbuild/internal/abidb"
	"compatbuild/internal/libcompat"
	"compatbuild/internal/stubs"
)

// StubLibrary is StubLibraryFor with the headers of the target release
// itself: the stub as a build on the target sees the real library, each
// default version where glibc's is.
func StubLibrary(db *abidb.DB, lib string, target abidb.Version) (stubs.Library, error) {
	return StubLibraryFor(db, lib, target, target)
}

// StubLibraryFor describes the stub of one glibc library at target for
// programs compiled with headers of glibc release headers (zero:
// unknown): every symbol the release exports, all its versions up to the
// target, the newest as the default (@@) unless the release keeps the
// symbol only for old binaries (then every version is hidden, as in the
// real library) or the headers decide another (stubExports), data objects
// with their real sizes, and glibc's symbol identity: names that are one
// object in the real library share one address, each with glibc's
// binding (see abidb.SymbolVersion.Alias).
func StubLibraryFor(db *abidb.DB, lib string, target, headers abidb.Version) (stubs.Library, error) {
	nodes, err := db.Nodes(lib, target)
	if err != nil {
		return stubs.Library{}, err
	}
	exports, err := stubExports(db, lib, target, headers)
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
		if sv.Kind == abidb.Object {
			sym.Kind = stubs.Object
		}
		out.Symbols = append(out.Symbols, sym)
	}
	return out, nil
}

// stubExports is db.Exports(lib, target) with Default moved where a
// program compiled with headers of release headers binds: for a name
// whose ABI changed under one name (libcompat.BindVersion), the newest
// version of the form those headers declare, even when the target also
// has the other form's newer one (a program built with glibc 2.30's
// headers calls totalorder@GLIBC_2.25 on 2.31 too), or none (the link
// takes libcompat's polyfill of that form, or fails saying why). A
// symbol the target keeps only for old binaries stays without one.
func stubExports(db *abidb.DB, lib string, target, headers abidb.Version) ([]abidb.SymbolVersion, error) {
	exports, err := db.Exports(lib, target)
	if err != nil {
		return nil, err
	}
	h := libcompat.Version{Major: headers.Major, Minor: headers.Minor}
	var nodes []abidb.Version
	for start := 0; start < len(exports); {
		end := start + 1
		for end < len(exports) && exports[end].Name == exports[start].Name {
			end++
		}
		group := exports[start:end]
		start = end
		if !group[len(group)-1].Default {
			continue // compat-only at target
		}
		nodes = nodes[:0]
		for _, sv := range group {
			_, v, _ := abidb.NodeVersion(sv.Node)
			nodes = append(nodes, v)
		}
		i, decided := libcompat.BindVersion(db.ABI(), group[0].Name, nodes, h)
		if !decided {
			continue
		}
		for j := range group {
			group[j].Default = j == i
		}
	}
	return exports, nil
}
