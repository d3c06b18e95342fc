package sysroot

// Symbol symbolIdentity against the real thing: for every real glibc build the
// alias tables were derived from (internal/abidb/gen/aliases/<abi>.txt
// names them: Debian 11, 12 and 13 for most ABIs), each stub groups its
// names into objects (one address) exactly as the real library does, and
// binds each name as glibc does (STB_GLOBAL or STB_WEAK). The runtimes are
// fetched through the machine's apt configuration (libc6:<arch> only) and
// cached; the test fails, not skips, when they cannot be fetched.

import (
	"bufio"
	"bytes"
	"context"
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"compatbuild/internal/abidb"
	"compatbuild/internal/runtimes"
)

// realBuild is one real glibc build an alias table was read from.
type realBuild struct {
	abi, runtime, debArch, glibc string
}

var readFromLine = regexp.MustCompile(`^#\tDebian (\d+) libc6:(\S+) \(glibc ([0-9.]+)\)`)

// realBuilds reads the "read from" list of abi's alias table.
func realBuilds(t *testing.T, abi string) []realBuild {
	t.Helper()
	path := filepath.Join("..", "abidb", "gen", "aliases", abi+".txt")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []realBuild
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "# not read") || !strings.HasPrefix(line, "#") {
			break
		}
		if m := readFromLine.FindStringSubmatch(line); m != nil {
			out = append(out, realBuild{abi, "debian:" + m[1], m[2], m[3]})
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s names no real build it was read from", path)
	}
	return out
}

// symbolIdentity is what a shared object says about its names: which address
// (section and value) each name@version is at, and which are weak. Only
// names a stub can offer count: defined, versioned, not GLIBC_PRIVATE,
// not absolute (glibc's version-node symbols), not TLS.
type symbolIdentity map[string]struct {
	addr string
	weak bool
}

func readIdentity(data []byte) (symbolIdentity, error) {
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	syms, err := f.DynamicSymbols()
	if err != nil {
		return nil, err
	}
	out := symbolIdentity{}
	for _, s := range syms {
		bind, typ := elf.ST_BIND(s.Info), elf.ST_TYPE(s.Info)
		if s.Section == elf.SHN_UNDEF || s.Section == elf.SHN_ABS || bind == elf.STB_LOCAL || typ == elf.STT_TLS ||
			!s.HasVersion || s.Version == "" || s.Version == "GLIBC_PRIVATE" {
			continue
		}
		e := out[s.Name+"@"+s.Version]
		e.addr, e.weak = fmt.Sprintf("%d:%x", s.Section, s.Value), bind == elf.STB_WEAK
		out[s.Name+"@"+s.Version] = e
	}
	return out, nil
}

// objectsOf returns, for each name in keep, the sorted names in keep at
// its address.
func objectsOf(id symbolIdentity, keep map[string]bool) map[string]string {
	at := map[string][]string{}
	for k, e := range id {
		if keep[k] {
			at[e.addr] = append(at[e.addr], k)
		}
	}
	out := map[string]string{}
	for _, names := range at {
		sort.Strings(names)
		for _, n := range names {
			out[n] = strings.Join(names, " ")
		}
	}
	return out
}

// compareIdentity returns the differences between a stub's and the real
// library's objects and bindings, over the names both export, and how many
// names that is.
func compareIdentity(real, stub symbolIdentity) (diffs []string, compared int) {
	both := map[string]bool{}
	for k := range real {
		if _, ok := stub[k]; ok {
			both[k] = true
		}
	}
	ro, so := objectsOf(real, both), objectsOf(stub, both)
	seen := map[string]bool{}
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range both {
			if !yield(k) {
				return
			}
		}
	}) {
		if ro[k] != so[k] && !seen[ro[k]+"|"+so[k]] {
			seen[ro[k]+"|"+so[k]] = true
			diffs = append(diffs, fmt.Sprintf("object {%s} in the real library, {%s} in the stub", ro[k], so[k]))
		}
		if real[k].weak != stub[k].weak {
			diffs = append(diffs, fmt.Sprintf("%s is weak=%v in the real library, weak=%v in the stub", k, real[k].weak, stub[k].weak))
		}
	}
	return diffs, len(both)
}

// TestRealSymbolIdentity: every stub of every real build the alias tables
// were read from has the real library's objects and bindings.
func TestRealSymbolIdentity(t *testing.T) {
	builds := map[string][]realBuild{}
	for _, abi := range abidb.ABIs {
		builds[abi] = realBuilds(t, abi)
	}
	var x86 []string
	for _, b := range builds["x86_64"] {
		x86 = append(x86, b.glibc)
	}
	if !slices.Equal(x86, []string{"2.31", "2.36", "2.41"}) {
		t.Errorf("the x86_64 table was read from glibc %v, want 2.31, 2.36 and 2.41 (Debian 11, 12, 13)", x86)
	}
	for _, abi := range abidb.ABIs {
		for _, b := range builds[abi] {
			t.Run(abi+"-"+b.glibc, func(t *testing.T) {
				t.Parallel()
				rt, err := runtimes.GetWithOptions(context.Background(), b.runtime, runtimes.Options{Arch: b.debArch, Packages: []string{"libc6"}})
				if err != nil {
					t.Fatalf("getting %s libc6:%s (needs apt access to a Debian mirror): %v", b.runtime, b.debArch, err)
				}
				db := abidb.MustLoad(abi)
				target := abidb.MustParseVersion(b.glibc)
				libs, err := db.Libraries(target)
				if err != nil {
					t.Fatal(err)
				}
				total := 0
				for _, lib := range libs {
					if lib == "libcrypt" {
						continue // libxcrypt's in Debian; see real_test.go
					}
					desc, data := buildStub(t, db, lib, target)
					stub, err := readIdentity(data)
					if err != nil {
						t.Fatal(err)
					}
					path := realLibrary(t, rt, desc.Soname)
					realData, err := os.ReadFile(path)
					if err != nil {
						t.Fatal(err)
					}
					real, err := readIdentity(realData)
					if err != nil {
						t.Fatalf("%s: %v", path, err)
					}
					diffs, n := compareIdentity(real, stub)
					total += n
					if len(diffs) > 0 {
						t.Errorf("%s %s %s: %s", abi, b.glibc, desc.Soname, listDiff(diffs))
					}
					if n < len(real)*9/10 {
						t.Errorf("%s %s %s: only %d of the real library's %d names are in the stub", abi, b.glibc, desc.Soname, n, len(real))
					}
				}
				t.Logf("%s glibc %s: %d names compared", abi, b.glibc, total)
			})
		}
	}
}
