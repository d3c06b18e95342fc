// Command aliasgen derives glibc's symbol identity — which exported names
// are one object (one address) in the real library, and which are bound
// STB_WEAK — from real glibc builds, and writes it as the table
// internal/abidb/gen reads (gen/aliases/<abi>.txt).
//
// The abilists say which symbol@version pairs a library exports, not which
// of them are one object: environ, _environ and __environ are three names
// of one variable, and a program that copies one of them (a copy
// relocation) must be told of the others, or glibc keeps writing its own
// object while the program reads a stale copy. Only the real libraries
// know. This command reads them from Debian's libc6 packages: bullseye
// (2.31), bookworm (2.36) and trixie (2.41) for amd64, i386, arm64 and
// armhf; bookworm and trixie for ppc64el and s390x (bullseye is now Debian
// LTS, whose archive carries only amd64, arm64, armhf and i386); trixie for
// riscv64 (Debian's first release with it). They are fetched through the
// machine's own apt configuration by internal/runtimes into the user cache.
//
// Usage (from the repository root; needs apt access to a Debian mirror):
//
//	go run ./internal/abidb/aliasgen -out internal/abidb/gen/aliases
//	go generate ./internal/abidb
//
// The output is a pure function of the packages read: same packages, same
// bytes. See the header it writes for the format.
package main

import (
	"bytes"
	"context"
	"debug/elf"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"compatbuild/internal/abidb"
	"compatbuild/internal/runtimes"
)

// Source is one real glibc build: a Debian release's libc6 for one
// architecture.
type source struct {
	abi, debArch, runtime, glibc string
	// missing says why the source cannot be fetched at all; empty if it can.
	missing string
}

var debArch = map[string]string{
	"x86_64": "amd64", "i386": "i386", "aarch64": "arm64", "arm": "armhf",
	"powerpc64le": "ppc64el", "s390x": "s390x", "riscv64": "riscv64",
}

// Sources lists every real build the table is derived from, in table order.
func sources() []source {
	var out []source
	for _, abi := range abidb.ABIs {
		for _, rel := range []struct{ rt, glibc string }{{"debian:11", "2.31"}, {"debian:12", "2.36"}, {"debian:13", "2.41"}} {
			if abi == "riscv64" && rel.glibc != "2.41" {
				continue // Debian ships riscv64 from trixie on
			}
			src := source{abi: abi, debArch: debArch[abi], runtime: rel.rt, glibc: rel.glibc}
			if (abi == "powerpc64le" || abi == "s390x") && rel.glibc == "2.31" {
				src.missing = "Debian 11 is now LTS, whose archive has amd64, arm64, armhf and i386 only"
			}
			out = append(out, src)
		}
	}
	return out
}

func main() {
	out := flag.String("out", "internal/abidb/gen/aliases", "directory to write <abi>.txt tables into")
	allowMissing := flag.Bool("allow-missing", false, "skip a release the mirror cannot provide (the table's header names it) instead of failing")
	flag.Parse()
	if err := run(context.Background(), *out, *allowMissing); err != nil {
		fmt.Fprintln(os.Stderr, "aliasgen:", err)
		os.Exit(1)
	}
}

// object is one address in a real library and the names it exports there.
type object struct {
	members []string // name@node, ":weak" appended for STB_WEAK
}

// table is what one ABI's file says: which releases were read, and for
// each library and object (its members joined by spaces) the releases it
// was seen in.
type table struct {
	read, notRead []string
	objects       map[string]map[string][]string // lib -> members -> releases
}

func run(ctx context.Context, outDir string, allowMissing bool) error {
	tables := map[string]*table{}
	for _, src := range sources() {
		t := tables[src.abi]
		if t == nil {
			t = &table{objects: map[string]map[string][]string{}}
			tables[src.abi] = t
		}
		what := fmt.Sprintf("Debian %s libc6:%s (glibc %s)", strings.TrimPrefix(src.runtime, "debian:"), src.debArch, src.glibc)
		if src.missing != "" {
			t.notRead = append(t.notRead, what+": "+src.missing)
			continue
		}
		rt, err := runtimes.GetWithOptions(ctx, src.runtime, runtimes.Options{Arch: src.debArch, Packages: []string{"libc6"}})
		if err != nil && allowMissing {
			fmt.Fprintf(os.Stderr, "aliasgen: skipped %s: %v\n", what, err)
			t.notRead = append(t.notRead, what+": the mirror could not provide it")
			continue
		}
		if err != nil {
			return fmt.Errorf("%s: %v (-allow-missing skips it)", what, err)
		}
		if rt.Glibc != src.glibc {
			return fmt.Errorf("%s ships glibc %s, want %s", what, rt.Glibc, src.glibc)
		}
		db, err := abidb.Load(src.abi)
		if err != nil {
			return err
		}
		libs, err := db.Libraries(abidb.MustParseVersion(src.glibc))
		if err != nil {
			return err
		}
		var absent []string
		for _, lib := range libs {
			if lib == "libcrypt" {
				continue // Debian ships libxcrypt's libcrypt.so.1, not glibc's
			}
			soname := db.Soname(lib)
			path := find(rt, soname)
			if path == "" {
				if lib == "ld" || lib == "libc" || lib == "libm" {
					return fmt.Errorf("%s has no %s", what, soname)
				}
				absent = append(absent, soname)
				continue
			}
			objs, err := objects(path)
			if err != nil {
				return fmt.Errorf("%s: %v", path, err)
			}
			if t.objects[lib] == nil && len(objs) > 0 {
				t.objects[lib] = map[string][]string{}
			}
			for _, o := range objs {
				k := strings.Join(o.members, " ")
				t.objects[lib][k] = append(t.objects[lib][k], src.glibc)
			}
		}
		if len(absent) > 0 {
			what += " (without " + strings.Join(absent, ", ") + ", which Debian does not ship)"
		}
		t.read = append(t.read, what)
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	for abi, t := range tables {
		if len(t.read) == 0 {
			return fmt.Errorf("%s: no release could be read", abi)
		}
		if err := writeTable(filepath.Join(outDir, abi+".txt"), abi, t); err != nil {
			return err
		}
	}
	return nil
}

// writeTable writes one ABI's table: the header, then one line per
// object, by library and first member.
func writeTable(path, abi string, t *table) error {
	var b bytes.Buffer
	b.WriteString(header)
	fmt.Fprintf(&b, "#\n# %s, read from:\n", abi)
	for _, r := range t.read {
		fmt.Fprintf(&b, "#\t%s\n", r)
	}
	if len(t.notRead) > 0 {
		b.WriteString("# not read (the releases read stand in for them):\n")
		for _, r := range t.notRead {
			fmt.Fprintf(&b, "#\t%s\n", r)
		}
	}
	libs := make([]string, 0, len(t.objects))
	for lib := range t.objects {
		libs = append(libs, lib)
	}
	sort.Strings(libs)
	for _, lib := range libs {
		keys := make([]string, 0, len(t.objects[lib]))
		for k := range t.objects[lib] {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			if keys[i] != keys[j] && strings.Fields(keys[i])[0] == strings.Fields(keys[j])[0] {
				return strings.Join(t.objects[lib][keys[i]], ",") < strings.Join(t.objects[lib][keys[j]], ",")
			}
			return keys[i] < keys[j]
		})
		fmt.Fprintf(&b, "\n# %s\n", lib)
		for _, k := range keys {
			fmt.Fprintf(&b, "%s %s %s\n", lib, strings.Join(t.objects[lib][k], ","), k)
		}
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b.Bytes(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func find(rt *runtimes.Runtime, soname string) string {
	for _, dir := range rt.LibraryPath {
		p := filepath.Join(dir, soname)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// objects returns the objects of a shared library that have more than one
// exported name or a weak name, sorted by their first member. Names under
// GLIBC_PRIVATE (no stub offers them), absolute symbols (the version-node
// names glibc's linker scripts define) and TLS symbols are left out.
func objects(path string) ([]object, error) {
	f, err := elf.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	syms, err := f.DynamicSymbols()
	if err != nil {
		return nil, err
	}
	type addr struct {
		shndx elf.SectionIndex
		value uint64
	}
	byAddr := map[addr][]elf.Symbol{}
	for _, s := range syms {
		bind, typ := elf.ST_BIND(s.Info), elf.ST_TYPE(s.Info)
		if s.Section == elf.SHN_UNDEF || s.Section == elf.SHN_ABS || bind == elf.STB_LOCAL || typ == elf.STT_TLS {
			continue
		}
		if !s.HasVersion || s.Version == "" || s.Version == "GLIBC_PRIVATE" {
			continue
		}
		k := addr{s.Section, s.Value}
		byAddr[k] = append(byAddr[k], s)
	}
	var out []object
	for _, group := range byAddr {
		weak := slices.ContainsFunc(group, func(s elf.Symbol) bool { return elf.ST_BIND(s.Info) == elf.STB_WEAK })
		if len(group) < 2 && !weak {
			continue
		}
		var o object
		for _, s := range group {
			m := s.Name + "@" + s.Version
			if elf.ST_BIND(s.Info) == elf.STB_WEAK {
				m += ":weak"
			}
			o.members = append(o.members, m)
		}
		sort.Strings(o.members)
		o.members = slices.Compact(o.members)
		out = append(out, o)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].members[0] < out[j].members[0] })
	return out, nil
}

const header = `# glibc's symbol identity: which exported names are one object (one
# address) in the real library, and which names are bound STB_WEAK.
# Written by internal/abidb/aliasgen from Debian's libc6 packages; do not
# edit by hand. Read by internal/abidb/gen, which carries it into the
# embedded ABI data, from which internal/sysroot builds stubs that give
# each object one address and each name glibc's binding.
#
# One line per object of a real library that has more than one name or a
# weak name, and the releases read whose library has exactly that object:
#
#	<library> <releases> <name>@<node>[:weak] ...
#
# Objects with one GLOBAL name are not listed. Left out: GLIBC_PRIVATE
# names, absolute symbols (the version-node names glibc's linker scripts
# define), TLS symbols, and libcrypt (Debian ships libxcrypt's).
#
# Releases that were not read (2.17 to 2.30, 2.32 to 2.35, ...) take each
# name's identity from the nearest release read that exports the name,
# restricted to the names the release exports; see aliasesAt in
# internal/abidb/gen.
`
