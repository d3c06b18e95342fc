// Package distros says what a glibc floor means to people: which distro
// releases ship a glibc new enough, and which manylinux tag (PEP 600) a
// Python wheel with that floor carries.
package distros

//go:generate go run ./gen -src ../../../shared/glibc-abi/DISTROS.tsv -out distros.tsv

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"

	"compatbuild/internal/abidb"
)

//go:embed distros.tsv
var table string

// Release is one distro release and the glibc it ships.
type Release struct {
	Distro     string        `json:"distro"`
	Release    string        `json:"release"`
	Glibc      abidb.Version `json:"-"`
	GlibcText  string        `json:"glibc"`
	Note       string        `json:"note,omitempty"`
	Unverified bool          `json:"unverified,omitempty"` // the table marks the glibc with "?"
}

// Name is the distro and release as people say it: "Ubuntu 22.04".
func (r Release) Name() string { return r.Distro + " " + r.Release }

var (
	parseOnce sync.Once
	all       []Release
)

// All returns every release in the table (glibc distros only), in the
// table's order: grouped by distro, oldest release first.
func All() []Release {
	parseOnce.Do(func() {
		for i, line := range strings.Split(strings.TrimSpace(table), "\n") {
			if strings.HasPrefix(line, "#") || strings.HasPrefix(line, "distro\t") {
				continue
			}
			cols := strings.Split(line, "\t")
			text := cols[2]
			if text == "n/a" {
				continue // musl distros: glibc stubs do not apply
			}
			v, err := abidb.ParseVersion(strings.TrimSuffix(text, "?"))
			if err != nil {
				panic(fmt.Sprintf("distros.tsv line %d: %v", i+1, err)) // checked by gen and tests
			}
			all = append(all, Release{
				Distro: cols[0], Release: cols[1], Glibc: v, GlibcText: text,
				Note: cols[3], Unverified: strings.HasSuffix(text, "?"),
			})
		}
	})
	return all
}

// Headline distros lead the human summary, in this order.
var Headline = []string{"RHEL", "Debian", "Ubuntu", "SLES", "Amazon Linux", "Fedora"}

// OldestRunning returns, for each distro, its oldest release whose glibc
// is at least floor; distros none of whose releases qualify are left out.
// Short-lived interim releases (Ubuntu 21.10) are passed over: people
// answer "does it run on Ubuntu?" with an LTS. Order follows the table.
func OldestRunning(floor abidb.Version) []Release {
	var out []Release
	seen := map[string]bool{}
	for _, r := range All() {
		if seen[r.Distro] || r.Glibc.Less(floor) || strings.HasPrefix(r.Note, "interim") {
			continue
		}
		seen[r.Distro] = true
		out = append(out, r)
	}
	return out
}

// ForGlibc lists the releases that ship exactly glibc v.
func ForGlibc(v abidb.Version) []Release {
	var out []Release
	for _, r := range All() {
		if r.Glibc == v {
			out = append(out, r)
		}
	}
	return out
}

var wheelArch = map[string]string{
	"x86_64": "x86_64", "i386": "i686", "aarch64": "aarch64", "arm": "armv7l",
	"powerpc64le": "ppc64le", "s390x": "s390x", "riscv64": "riscv64",
}

// oldestTag is the oldest manylinux tag in use per wheel architecture:
// manylinux1 (glibc 2.5) for x86, manylinux2014 (2.17) for the ports it
// introduced, and riscv64 from its first glibc, 2.27. A lower floor still
// gets this tag: a wheel that runs on glibc 2.2.5 runs on 2.5.
var oldestTag = map[string]abidb.Version{
	"x86_64": {Major: 2, Minor: 5}, "i686": {Major: 2, Minor: 5},
	"aarch64": {Major: 2, Minor: 17}, "armv7l": {Major: 2, Minor: 17},
	"ppc64le": {Major: 2, Minor: 17}, "s390x": {Major: 2, Minor: 17},
	"riscv64": {Major: 2, Minor: 27},
}

// ManylinuxTag is the PEP 600 platform tag for a glibc floor on an ABI,
// e.g. manylinux_2_17_x86_64.
func ManylinuxTag(floor abidb.Version, abi string) string {
	arch, ok := wheelArch[abi]
	if !ok {
		return ""
	}
	if floor.Less(oldestTag[arch]) {
		floor = oldestTag[arch]
	}
	return fmt.Sprintf("manylinux_%d_%d_%s", floor.Major, floor.Minor, arch)
}

// LegacyManylinuxAlias is the pre-PEP 600 name of a tag, if it has one
// (manylinux_2_17_x86_64 is also manylinux2014_x86_64).
func LegacyManylinuxAlias(floor abidb.Version, abi string) string {
	arch := wheelArch[abi]
	if min, ok := oldestTag[arch]; ok && floor.Less(min) {
		floor = min
	}
	switch {
	case floor.Major != 2:
	case floor.Minor == 5 && (arch == "x86_64" || arch == "i686"):
		return "manylinux1_" + arch
	case floor.Minor == 12 && (arch == "x86_64" || arch == "i686"):
		return "manylinux2010_" + arch
	case floor.Minor == 17 && arch != "riscv64":
		return "manylinux2014_" + arch
	}
	return ""
}
