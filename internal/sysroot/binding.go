package sysroot

import (
	"slices"

	"compatbuild/internal/abidb"
	"compatbuild/internal/libcompat"
)

// Binding is what a link for one target gives a program that calls a
// symbol: the version node the sysroot's stubs offer as its default, or
// else the libcompat archive that defines it (a polyfill or an alias
// thunk), or nothing. It is worked out by the same code that builds a
// sysroot (stubExports, libcompatTarget), so an explanation built on it
// (compatbuild explain, the driver's notes on undefined symbols) says
// what a link does.
type Binding struct {
	// Lib and Node name the library (abidb name) and version node a link
	// binds (libm, GLIBC_2.25); empty when the stubs offer no default
	// version of the symbol.
	Lib, Node string
	// Archive is the libcompat archive that defines the symbol when no
	// version is bound (libcompat.PolyfillName, MathName or
	// NonsharedName); empty otherwise.
	Archive string
	// CompatLib and CompatSince: the target keeps the symbol in CompatLib
	// only for old binaries since release CompatSince (sys_errlist from
	// 2.32); a new link cannot bind it. Empty when not so.
	CompatLib   string
	CompatSince abidb.Version
}

// Linkable reports whether a link gets the symbol from glibc or libcompat.
func (b Binding) Linkable() bool { return b.Node != "" || b.Archive != "" }

// BindingOf says what a link for target binds sym to, for a program
// compiled with headers of glibc release headers (zero: unknown, which
// binds neither form of a name whose ABI changed under one name). db is
// the target ABI's database; an error means target is not one of its
// releases.
func BindingOf(db *abidb.DB, sym string, target, headers abidb.Version) (Binding, error) {
	libs, err := db.Libraries(target)
	if err != nil {
		return Binding{}, err
	}
	var b Binding
	for _, lib := range libs {
		exports, err := stubExports(db, lib, target, headers)
		if err != nil {
			return Binding{}, err
		}
		// Exports keeps a name's versions together, oldest first.
		i := slices.IndexFunc(exports, func(sv abidb.SymbolVersion) bool { return sv.Name == sym })
		if i < 0 {
			continue
		}
		for ; i < len(exports) && exports[i].Name == sym; i++ {
			if exports[i].Default {
				return Binding{Lib: lib, Node: exports[i].Node}, nil
			}
		}
		if since, ok := db.CompatOnly(lib, sym, target); ok && b.CompatLib == "" {
			b.CompatLib, b.CompatSince = lib, since
		}
	}
	nonshared, polyfill, math, err := libcompat.ArchiveSymbols(libcompatTarget(db, target, headers, db.ABI()))
	if err != nil {
		return Binding{}, err
	}
	for _, a := range []struct {
		name string
		syms []string
	}{{libcompat.NonsharedName, nonshared}, {libcompat.PolyfillName, polyfill}, {libcompat.MathName, math}} {
		if _, ok := slices.BinarySearch(a.syms, sym); ok {
			b.Archive = a.name
			return b, nil
		}
	}
	return b, nil
}
