package sysroot

import (
	"context"
	"debug/elf"
	"fmt"
	"slices"
	"testing"

	"compatbuild/internal/abidb"
	"compatbuild/internal/runtimes"
)

// crossReal are the real glibc builds the stubs of each other ABI are held
// to: Debian 11 (2.31) and 12 (2.36) for arm64, armhf and i386; 12 for
// ppc64el and s390x (Debian 11 LTS no longer carries them on the main
// mirror, and the mirror this project uses serves Debian 13's index for
// them but not the packages); 13 (2.41) for riscv64, official from
// Debian 13.
var crossReal = []struct {
	abi, arch string
	runtimes  []string
}{
	{"i386", "i386", []string{"debian:11", "debian:12"}},
	{"aarch64", "arm64", []string{"debian:11", "debian:12"}},
	{"arm", "armhf", []string{"debian:11", "debian:12"}},
	{"powerpc64le", "ppc64el", []string{"debian:12"}},
	{"s390x", "s390x", []string{"debian:12"}},
	{"riscv64", "riscv64", []string{"debian:13"}},
}

// TestRealSymbolSetsMatchPerABI is TestRealSymbolSetsMatch for the other
// six ABIs: for each real glibc of the architecture, every stub library
// (libcrypt aside, see real_test.go) exports exactly the real library's
// symbol@version set (GLIBC_PRIVATE aside), with the real object sizes,
// symbol kinds and default (@@) or compat (@) status; and every version
// node and symbol@version a stub offers resolves in the real library.
// The runtimes are the default package set that verify and the driver
// tests use too, so each is fetched once per machine.
func TestRealSymbolSetsMatchPerABI(t *testing.T) {
	for _, c := range crossReal {
		t.Run(c.abi, func(t *testing.T) {
			t.Parallel()
			db := abidb.MustLoad(c.abi)
			for _, name := range c.runtimes {
				rt, err := runtimes.GetWithOptions(context.Background(), name, runtimes.Options{Arch: c.arch})
				if err != nil {
					t.Fatalf("getting %s for %s (needs apt access to a Debian mirror): %v", name, c.arch, err)
				}
				target := abidb.MustParseVersion(rt.Glibc)
				t.Run(rt.Glibc, func(t *testing.T) {
					libs := glibcLibraries(t, db, target)
					if len(libs) < 10 {
						t.Fatalf("only %d libraries at %s: %v", len(libs), target, libs)
					}
					for _, lib := range libs {
						compareWithReal(t, rt, db, lib, target)
					}
				})
			}
		})
	}
}

// compareWithReal holds one stub library to the real one; failures name
// every differing symbol.
func compareWithReal(t *testing.T, rt *runtimes.Runtime, db *abidb.DB, lib string, target abidb.Version) {
	t.Helper()
	soname, realEx, stubEx := realAndStub(t, rt, db, lib, target)
	real, stub := comparable(realEx), comparable(stubEx)
	var missing, extra, kinds, sizes, defaults, nodes []string
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
	for k := range stubEx.syms {
		if _, ok := realEx.syms[k]; !ok {
			extra = append(extra, k)
		}
	}
	for _, n := range stubEx.nodes {
		if !slices.Contains(realEx.nodes, n) {
			nodes = append(nodes, n)
		}
	}
	for what, list := range map[string][]string{
		"in the real library but not in the stub":       missing,
		"in the stub but not in the real library":       extra,
		"function/object kind differs":                  kinds,
		"object sizes differ":                           sizes,
		"default (@@) versus compat (@) differs":        defaults,
		"version nodes the stub defines but real lacks": nodes,
	} {
		if len(list) > 0 {
			t.Errorf("%s %s %s: %s, %s", db.ABI(), soname, target, what, listDiff(list))
		}
	}
}
