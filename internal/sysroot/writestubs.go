package sysroot

// Writing the stub libraries of a sysroot from the ABI database.

import (
	"os"
	"path/filepath"
	"slices"
	"sync"

	"compatbuild/internal/abidb"
	"compatbuild/internal/cachefs"
	"compatbuild/internal/stubs"
)

// stubSet is the stub of every library of one sysroot, described once:
// the stubs are written from it, and the polyfill selection asks it what
// a new link can bind (libcompatTarget).
type stubSet struct {
	libs  []string
	descs []stubs.Library // descs[i] is the stub of libs[i]
}

// describeStubs describes the stub of every library in libs at target
// (StubLibraryFor), one goroutine per library.
func describeStubs(db *abidb.DB, libs []string, target, headers abidb.Version) (*stubSet, error) {
	set := &stubSet{libs: libs, descs: make([]stubs.Library, len(libs))}
	err := perLibrary(libs, func(i int, lib string) (err error) {
		set.descs[i], err = StubLibraryFor(db, lib, target, headers)
		return err
	})
	if err != nil {
		return nil, err
	}
	return set, nil
}

// perLibrary runs do for every library, one goroutine each, and returns
// the first library's error, after all have ended.
func perLibrary(libs []string, do func(i int, lib string) error) error {
	errs := make([]error, len(libs))
	var wg sync.WaitGroup
	for i, lib := range libs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = do(i, lib)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// bindable is the set of names a new link binds in some library of the
// set (a default version).
func (set *stubSet) bindable() map[string]bool {
	names := map[string]bool{}
	for _, desc := range set.descs {
		for _, sym := range desc.Symbols {
			if sym.Default {
				names[sym.Name] = true
			}
		}
	}
	return names
}

// write writes every stub into dir, and below 2.34 the trimmed implicit
// stubs of the merged libraries, one goroutine per library.
func (set *stubSet) write(arch stubs.Arch, target abidb.Version, dir string) error {
	implicit := target.Less(v234)
	var inLibc map[string]bool // what libc.so.6 exports, which the trimmed stubs drop
	if implicit {
		if err := os.Mkdir(filepath.Join(dir, implicitDirName), 0o755); err != nil {
			return err
		}
		inLibc = map[string]bool{}
		if i := slices.Index(set.libs, "libc"); i >= 0 {
			for _, sym := range set.descs[i].Symbols {
				inLibc[sym.Name] = true
			}
		}
	}
	write := func(name string, desc stubs.Library) error {
		data, err := stubs.Build(arch, desc)
		if err != nil {
			return err
		}
		return cachefs.WriteFile(filepath.Join(dir, name), data, 0o644)
	}
	err := perLibrary(set.libs, func(i int, lib string) error {
		desc := set.descs[i]
		err := write(desc.Soname, desc)
		if err == nil && implicit && slices.Contains(MergedIn234, lib) {
			err = write(filepath.Join(implicitDirName, desc.Soname), withoutNames(desc, inLibc))
		}
		return err
	})
	if err != nil {
		return err
	}
	if implicit {
		return cachefs.Sync(filepath.Join(dir, implicitDirName))
	}
	return nil
}

// withoutNames returns desc without the symbols named in drop: with
// libc.so.6's names dropped, a stub placed before libc.so.6 binds nothing
// differently.
func withoutNames(desc stubs.Library, drop map[string]bool) stubs.Library {
	var keep []stubs.Symbol
	for _, sym := range desc.Symbols {
		if !drop[sym.Name] {
			keep = append(keep, sym)
		}
	}
	desc.Symbols = keep
	return desc
}
