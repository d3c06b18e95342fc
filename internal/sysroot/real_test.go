package sysroot

// Tests that hold the stub libraries to the real thing: Debian bullseye's
// glibc 2.31 and bookworm's glibc 2.36, fetched through the machine's apt
// configuration by internal/runtimes (they fail, not skip, when the
// runtimes cannot be fetched).
//
// libcrypt.so.1 is a special case: Debian builds glibc without libcrypt
// and ships libxcrypt's libcrypt.so.1 (package libcrypt1) instead, which
// has its own XCRYPT_2.0 node and symbols and its own choice of which
// GLIBC_2.2.5 symbols stay linkable. Comparing glibc's list with it for
// equality would test libxcrypt, not the stubs, so libcrypt is left out of
// the equality test; the stub must still be satisfied by it (every node and
// symbol@version the stub hands out resolves in Debian's libcrypt.so.1),
// because that is the library a program linked against the stub loads.

import (
	"bytes"
	"context"
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"compatbuild/internal/abidb"
	"compatbuild/internal/runtimes"
	"compatbuild/internal/stubs"
)

// realReleases are the Debian runtimes with the glibc release they ship.
var realReleases = []struct{ runtime, glibc string }{
	{"debian:11", "2.31"},
	{"debian:12", "2.36"},
	{"debian:13", "2.41"},
}

var (
	realMu       sync.Mutex
	realRuntimes = map[string]*runtimes.Runtime{}
)

// realRuntime returns a Debian runtime with glibc's libraries and
// libxcrypt's libcrypt.so.1, fetched once per test binary into the user's
// runtime cache.
func realRuntime(t *testing.T, name string) *runtimes.Runtime {
	t.Helper()
	realMu.Lock()
	defer realMu.Unlock()
	if rt := realRuntimes[name]; rt != nil {
		return rt
	}
	pkgs := append(runtimes.DefaultPackages(), "libcrypt1")
	rt, err := runtimes.GetWithOptions(context.Background(), name, runtimes.Options{Packages: pkgs})
	if err != nil {
		t.Fatalf("getting the real glibc of %s (needs apt access to a Debian mirror): %v", name, err)
	}
	realRuntimes[name] = rt
	return rt
}

// realLibrary returns the path of soname inside rt.
func realLibrary(t *testing.T, rt *runtimes.Runtime, soname string) string {
	t.Helper()
	for _, dir := range rt.LibraryPath {
		p := filepath.Join(dir, soname)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Fatalf("%s has no %s in %v", rt.Name, soname, rt.LibraryPath)
	return ""
}

// export is one defined dynamic symbol of a shared object.
type export struct {
	name, version string
	hidden        bool // name@version rather than name@@version
	typ           elf.SymType
	size          uint64
}

func (e export) key() string { return e.name + "@" + e.version }

// exports is what a shared object defines: its symbols by name@version and
// its version nodes (the base definition, which names the file, left out).
type exports struct {
	syms  map[string]export
	nodes []string
}

// readExports reads the defined dynamic symbols and version definitions of
// an ELF shared object with debug/elf, independently of internal/stubs.
func readExports(data []byte) (exports, error) {
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		return exports{}, err
	}
	defer f.Close()
	vers, err := f.DynamicVersions()
	if err != nil {
		return exports{}, fmt.Errorf("reading version definitions: %v", err)
	}
	out := exports{syms: map[string]export{}}
	for _, v := range vers {
		if v.Flags&elf.VER_FLG_BASE == 0 {
			out.nodes = append(out.nodes, v.Name)
		}
	}
	syms, err := f.DynamicSymbols()
	if err != nil {
		return exports{}, fmt.Errorf("reading dynamic symbols: %v", err)
	}
	for _, s := range syms {
		if s.Section == elf.SHN_UNDEF || elf.ST_BIND(s.Info) == elf.STB_LOCAL {
			continue
		}
		e := export{name: s.Name, version: s.Version, typ: elf.ST_TYPE(s.Info), size: s.Size}
		e.hidden = s.HasVersion && s.VersionIndex.IsHidden()
		out.syms[e.key()] = e
	}
	return out, nil
}

// comparable drops what the equality test leaves out: GLIBC_PRIVATE, which
// no stub offers, and the absolute symbols named after each version node
// (GLIBC_2.2.5@@GLIBC_2.2.5) that glibc's linker scripts export.
func comparable(ex exports) map[string]export {
	out := map[string]export{}
	for k, e := range ex.syms {
		if e.version == "GLIBC_PRIVATE" || (e.typ == elf.STT_OBJECT || e.typ == elf.STT_NOTYPE) && e.name == e.version && e.size == 0 {
			continue
		}
		out[k] = e
	}
	return out
}

// buildStub builds lib's stub for target on x86_64 the way the sysroot does.
func buildStub(t *testing.T, db *abidb.DB, lib string, target abidb.Version) (stubs.Library, []byte) {
	t.Helper()
	desc, err := StubLibrary(db, lib, target)
	if err != nil {
		t.Fatalf("StubLibrary(%s, %s): %v", lib, target, err)
	}
	arch, err := stubs.ArchByName(db.ABI())
	if err != nil {
		t.Fatal(err)
	}
	data, err := stubs.Build(arch, desc)
	if err != nil {
		t.Fatalf("stubs.Build(%s, %s): %v", lib, target, err)
	}
	return desc, data
}

// realAndStub reads the stub of lib at release and the real library.
func realAndStub(t *testing.T, rt *runtimes.Runtime, db *abidb.DB, lib string, target abidb.Version) (soname string, real, stub exports) {
	t.Helper()
	desc, data := buildStub(t, db, lib, target)
	stub, err := readExports(data)
	if err != nil {
		t.Fatalf("reading the stub of %s at %s: %v", lib, target, err)
	}
	path := realLibrary(t, rt, desc.Soname)
	realData, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	real, err = readExports(realData)
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	return desc.Soname, real, stub
}

// listDiff formats up to all entries of a sorted list for a failure message.
func listDiff(items []string) string {
	sort.Strings(items)
	return fmt.Sprintf("%d: %s", len(items), strings.Join(items, ", "))
}

// glibcLibraries are the libraries compared for equality at target: all
// that the database has, except libcrypt (see the file comment).
func glibcLibraries(t *testing.T, db *abidb.DB, target abidb.Version) []string {
	t.Helper()
	libs, err := db.Libraries(target)
	if err != nil {
		t.Fatal(err)
	}
	return slices.DeleteFunc(libs, func(l string) bool { return l == "libcrypt" })
}

// TestRealSymbolSetsMatch: for glibc 2.31 and 2.36 on x86_64, each stub
// exports exactly the symbol@version set of the real library (GLIBC_PRIVATE
// aside), with the real object sizes and symbol kinds, and makes exactly
// the real library's default versions (@@) linkable.
func TestRealSymbolSetsMatch(t *testing.T) {
	db := abidb.MustLoad("x86_64")
	for _, rel := range realReleases {
		t.Run(rel.glibc, func(t *testing.T) {
			rt := realRuntime(t, rel.runtime)
			if rt.Glibc != rel.glibc {
				t.Fatalf("%s ships glibc %s, want %s", rt.Name, rt.Glibc, rel.glibc)
			}
			target := abidb.MustParseVersion(rel.glibc)
			for _, lib := range glibcLibraries(t, db, target) {
				t.Run(lib, func(t *testing.T) {
					soname, realEx, stubEx := realAndStub(t, rt, db, lib, target)
					real, stub := comparable(realEx), comparable(stubEx)
					var missing, extra, sizes, kinds, defaults []string
					for k, r := range real {
						s, ok := stub[k]
						if !ok {
							missing = append(missing, k)
							continue
						}
						if (r.typ == elf.STT_OBJECT) != (s.typ == elf.STT_OBJECT) {
							kinds = append(kinds, fmt.Sprintf("%s (real %v, stub %v)", k, r.typ, s.typ))
						} else if r.typ == elf.STT_OBJECT && r.size != s.size {
							sizes = append(sizes, fmt.Sprintf("%s (real %d, stub %d)", k, r.size, s.size))
						}
						if r.hidden != s.hidden {
							defaults = append(defaults, fmt.Sprintf("%s (real %s, stub %s)", k, linkable(r), linkable(s)))
						}
					}
					for k := range stub {
						if _, ok := real[k]; !ok {
							extra = append(extra, k)
						}
					}
					if len(missing) > 0 {
						t.Errorf("%s %s: in the real library but not in the stub, %s", soname, target, listDiff(missing))
					}
					if len(extra) > 0 {
						t.Errorf("%s %s: in the stub but not in the real library, %s", soname, target, listDiff(extra))
					}
					if len(kinds) > 0 {
						t.Errorf("%s %s: function/object kind differs, %s", soname, target, listDiff(kinds))
					}
					if len(sizes) > 0 {
						t.Errorf("%s %s: object sizes differ, %s", soname, target, listDiff(sizes))
					}
					if len(defaults) > 0 {
						t.Errorf("%s %s: default (@@) versus compat (@) differs, %s", soname, target, listDiff(defaults))
					}
				})
			}
		})
	}
}

func linkable(e export) string {
	if e.hidden {
		return "@ compat"
	}
	return "@@ default"
}

// TestRealLibrariesSatisfyStubs: every version node a stub defines is
// defined by the real library, and every symbol@version it exports resolves
// there, so whatever a link against the stub records, the real release
// loads. This includes libcrypt against Debian's libxcrypt.
func TestRealLibrariesSatisfyStubs(t *testing.T) {
	db := abidb.MustLoad("x86_64")
	for _, rel := range realReleases {
		t.Run(rel.glibc, func(t *testing.T) {
			rt := realRuntime(t, rel.runtime)
			target := abidb.MustParseVersion(rel.glibc)
			libs, err := db.Libraries(target)
			if err != nil {
				t.Fatal(err)
			}
			for _, lib := range libs {
				t.Run(lib, func(t *testing.T) {
					soname, real, stub := realAndStub(t, rt, db, lib, target)
					var nodes, syms []string
					for _, n := range stub.nodes {
						if !slices.Contains(real.nodes, n) {
							nodes = append(nodes, n)
						}
					}
					for k := range stub.syms {
						if _, ok := real.syms[k]; !ok {
							syms = append(syms, k)
						}
					}
					if len(nodes) > 0 {
						t.Errorf("%s %s: version nodes the stub defines but the real library does not, %s", soname, target, listDiff(nodes))
					}
					if len(syms) > 0 {
						t.Errorf("%s %s: symbol versions the stub exports but the real library cannot resolve, %s", soname, target, listDiff(syms))
					}
				})
			}
		})
	}
}
