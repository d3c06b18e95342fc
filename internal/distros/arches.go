package distros

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// arches.tsv says which compatbuild ABIs each release ships (hand-kept,
// with sources; a test holds it against the measured images).
//
//go:embed arches.tsv
var archTable string

// KnownABIs are the ABI names arches.tsv uses: compatbuild's targets.
var KnownABIs = []string{"x86_64", "i386", "aarch64", "arm", "armel", "powerpc64le", "s390x", "riscv64"}

// Armel is the ARM soft-float EABI (arm-linux-gnueabi, loader
// /lib/ld-linux.so.3): glibc's arm symbol versions, another calling
// convention than armhf. check judges armel programs; compatbuild builds
// none.
const Armel = "armel"

// ABIName is an ABI as distro documentation names it in messages (arm is
// the hard-float armhf; powerpc64le is ppc64le).
func ABIName(abi string) string {
	switch abi {
	case "arm":
		return "armhf"
	case "powerpc64le":
		return "ppc64le"
	}
	return abi
}

var archesOnce = sync.OnceValues(parseArches)

// parseArches maps each release ID to the ABIs it ships. Every release of
// distros.tsv must be covered by exactly one row.
func parseArches() (map[string][]string, error) {
	byDistro := map[string][]Release{}
	for _, r := range All() {
		byDistro[r.Distro] = append(byDistro[r.Distro], r)
	}
	out := map[string][]string{}
	for i, line := range strings.Split(strings.TrimSpace(archTable), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		c := strings.Split(line, "\t")
		if len(c) != 4 {
			return nil, fmt.Errorf("arches.tsv line %d: want 4 tab-separated columns, got %d", i+1, len(c))
		}
		rels := byDistro[c[0]]
		if rels == nil {
			return nil, fmt.Errorf("arches.tsv line %d: no distro %q in distros.tsv", i+1, c[0])
		}
		key := func(r Release) string { _, k, _ := strings.Cut(r.ID, ":"); return k }
		pos := func(id string) (int, error) {
			for j, r := range rels {
				if key(r) == id {
					return j, nil
				}
			}
			return 0, fmt.Errorf("arches.tsv line %d: %s has no release %q", i+1, c[0], id)
		}
		first, last, isRange := strings.Cut(c[1], "..")
		lo, err := pos(first)
		if err != nil {
			return nil, err
		}
		hi := lo
		switch {
		case isRange && last == "":
			hi = len(rels) - 1
		case isRange:
			if hi, err = pos(last); err != nil {
				return nil, err
			}
		}
		abis := strings.Fields(c[2])
		for _, a := range abis {
			if !slices.Contains(KnownABIs, a) {
				return nil, fmt.Errorf("arches.tsv line %d: unknown ABI %q", i+1, a)
			}
		}
		for _, r := range rels[lo : hi+1] {
			if _, dup := out[r.ID]; dup {
				return nil, fmt.Errorf("arches.tsv line %d: %s is covered twice", i+1, r.ID)
			}
			out[r.ID] = abis
		}
	}
	for _, r := range All() {
		if _, ok := out[r.ID]; !ok {
			return nil, fmt.Errorf("arches.tsv: no row covers %s", r.ID)
		}
	}
	return out, nil
}

// ABIs lists the compatbuild ABIs the release ships, in arches.tsv's
// order (x86_64 first).
func (r Release) ABIs() []string {
	m, err := archesOnce()
	if err != nil {
		panic(err) // the embedded table is checked by TestArchTable
	}
	return m[r.ID]
}

// Ships reports whether the release ships an ABI: a file of another
// architecture cannot run there, whatever its version needs.
func (r Release) Ships(abi string) bool { return slices.Contains(r.ABIs(), abi) }

// ShipsWhy says, when the release does not ship abi, what it ships
// instead ("RHEL 8 ships no riscv64 (it ships x86_64, aarch64, ppc64le,
// s390x)"); "" when it does.
func (r Release) ShipsWhy(abi string) string {
	if r.Ships(abi) {
		return ""
	}
	var names []string
	for _, a := range r.ABIs() {
		names = append(names, ABIName(a))
	}
	return fmt.Sprintf("%s ships no %s userland (it ships %s): %s code cannot run there", r.Name(), ABIName(abi), strings.Join(names, ", "), ABIName(abi))
}
