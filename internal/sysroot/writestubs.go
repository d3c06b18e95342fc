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

// writeStubs writes the stub of every library, and below 2.34 the
// trimmed implicit stubs of the merged libraries, one goroutine per
// library.
func writeStubs(db *abidb.DB, arch stubs.Arch, libs []string, target, headers abidb.Version, dir string) error {
	implicit := target.Less(v234)
	if implicit {
		if err := os.Mkdir(filepath.Join(dir, implicitDirName), 0o755); err != nil {
			return err
		}
	}
	// What libc.so.6 exports, computed once for all the trimmed stubs.
	libcNames := sync.OnceValues(func() (map[string]bool, error) {
		exports, err := db.Exports("libc", target)
		names := make(map[string]bool, len(exports))
		for _, sv := range exports {
			names[sv.Name] = true
		}
		return names, err
	})
	write := func(name string, desc stubs.Library) error {
		data, err := stubs.Build(arch, desc)
		if err != nil {
			return err
		}
		return cachefs.WriteFile(filepath.Join(dir, name), data, 0o644)
	}
	errs := make(chan error, len(libs))
	for _, lib := range libs {
		go func() {
			desc, err := StubLibraryFor(db, lib, target, headers)
			if err == nil {
				err = write(desc.Soname, desc)
			}
			if err == nil && implicit && slices.Contains(MergedIn234, lib) {
				var inLibc map[string]bool
				if inLibc, err = libcNames(); err == nil {
					err = write(filepath.Join(implicitDirName, desc.Soname), withoutNames(desc, inLibc))
				}
			}
			errs <- err
		}()
	}
	var first error
	for range libs {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	if first == nil && implicit {
		first = cachefs.Sync(filepath.Join(dir, implicitDirName))
	}
	return first
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
