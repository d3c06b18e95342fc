package verify

import (
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"

	"compatbuild/internal/cachefs"
	"compatbuild/internal/elfinfo"
)

// What of a wheel Python imports. Two kinds of mistakes hide here:
//
//   - Importing only the top-level packages proves nothing about an
//     extension module that the package's __init__.py does not import
//     (pkg/_native.abi3.so beside an empty pkg/__init__.py): it is never
//     opened. So every extension module of the wheel is imported by its
//     dotted name (pkg._native), which loads it with the runtime's loader
//     exactly as `import pkg._native` does for a user, and one of another
//     architecture than the runtime's fails before anything runs.
//   - Not every top-level entry is an import name: auditwheel's
//     pkg.libs/ (bundled libraries), NAME.dist-info/, NAME.data/ and any
//     name that is not a Python identifier cannot be imported, and trying
//     fails a correct wheel ("No module named 'pkg.libs'").

// pyIdentifier is what Python accepts as a module name (PEP 3131 allows
// any Unicode letter).
var pyIdentifier = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[\p{L}_][\p{L}\p{N}_]*$`) })

// extModule is one extension module of an installed wheel.
type extModule struct {
	name string // dotted import name, "pkg._native"
	rel  string // path inside the site directory, "pkg/_native.abi3.so"
	abi  string // compatbuild ABI name of the ELF file
}

// importName returns the dotted module name of a file at rel (slash
// separated, inside a site directory) when Python could import it:
// every directory a package name, the file IDENT.SUFFIX; "" otherwise.
func importName(rel string) string {
	parts := strings.Split(rel, "/")
	for _, d := range parts[:len(parts)-1] {
		if !pyIdentifier().MatchString(d) {
			return ""
		}
	}
	base, _, ok := strings.Cut(parts[len(parts)-1], ".")
	if !ok || !pyIdentifier().MatchString(base) {
		return ""
	}
	return strings.Join(append(parts[:len(parts)-1], base), ".")
}

// extensionModules finds the extension modules under the site directory
// dir: ELF shared objects at an importable path ending in ".so" that
// export PyInit_NAME, as CPython's loader requires of module NAME. Other
// ELF files (auditwheel's bundled libraries, a ctypes library) are the
// modules' dependencies, loaded by them.
func extensionModules(dir string) ([]extModule, error) {
	var mods []extModule
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() || !strings.HasSuffix(d.Name(), ".so") {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		name := importName(rel)
		if name == "" {
			return nil
		}
		info, err := elfinfo.ReadFile(p)
		if err != nil {
			return nil // not ELF (or not a glibc ABI): not a module Python on Linux loads
		}
		if !exportsInit(p, name[strings.LastIndex(name, ".")+1:]) {
			return nil
		}
		mods = append(mods, extModule{name: name, rel: rel, abi: info.ABI})
		return nil
	})
	slices.SortFunc(mods, func(a, b extModule) int { return strings.Compare(a.name, b.name) })
	return mods, err
}

// exportsInit says whether the shared object at p defines PyInit_base.
func exportsInit(p, base string) bool {
	f, err := elf.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	syms, _ := f.DynamicSymbols()
	return slices.ContainsFunc(syms, func(s elf.Symbol) bool {
		return s.Name == "PyInit_"+base && s.Section != elf.SHN_UNDEF
	})
}

// moduleArchVerdict fails a wheel whose extension modules are not all of
// the runtime's ABI (want), naming them; "" when they are (or there are
// none: a pure-Python wheel).
func moduleArchVerdict(mods []extModule, want, runtime string) string {
	var foreign []string
	native := 0
	for _, m := range mods {
		if m.abi != want {
			foreign = append(foreign, fmt.Sprintf("%s is %s", m.rel, m.abi))
		} else {
			native++
		}
	}
	switch {
	case len(foreign) == 0:
		return ""
	case native == 0:
		return fmt.Sprintf("the wheel holds no extension module for %s (%s), so nothing of it can load on %s; build it for %s or fix its platform tag",
			want, strings.Join(foreign, ", "), runtime, want)
	}
	return fmt.Sprintf("the wheel's extension modules are not all for %s (%s); pip on %s would install them and the import would fail", want, strings.Join(foreign, ", "), runtime)
}

// moduleNames are the dotted names of mods.
func moduleNames(mods []extModule) []string {
	var out []string
	for _, m := range mods {
		out = append(out, m.name)
	}
	return out
}

// site is a wheel installed for import: its directory, top-level import
// names and extension modules.
type site struct {
	dir   string
	names []string
	mods  []extModule
}

// installWheels installs each wheel of arts once, into a private site
// directory; cleanup removes them (call it even on error).
func installWheels(arts []Artifact) (map[string]site, func(), error) {
	sites := map[string]site{}
	cleanup := func() {
		for _, s := range sites {
			os.RemoveAll(s.dir)
		}
	}
	for _, a := range arts {
		if a.Kind != KindWheel {
			continue
		}
		dir, err := os.MkdirTemp(cachefs.TempRoot(), "compatbuild-wheel-")
		if err != nil {
			return sites, cleanup, fmt.Errorf("installing %s: %v", a.Path, err)
		}
		sites[a.abs] = site{dir: dir}
		names, err := installWheel(a.abs, dir)
		if err != nil {
			return sites, cleanup, err
		}
		mods, err := extensionModules(dir)
		if err != nil {
			return sites, cleanup, fmt.Errorf("%s: reading its installed files: %v", a.Path, err)
		}
		if len(names) == 0 && len(mods) == 0 {
			return sites, cleanup, fmt.Errorf("%s: the wheel holds no Python package or module to import", a.Path)
		}
		sites[a.abs] = site{dir: dir, names: names, mods: mods}
	}
	return sites, cleanup, nil
}
