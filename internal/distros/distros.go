// Package distros says what a glibc floor means to people: which distro
// releases ship a glibc new enough, and which manylinux tag (PEP 600) a
// Python wheel with that floor carries.
package distros

//go:generate go run ./gen -src ../../../shared

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
	// ID names the release on the command line (--distro rhel:7).
	ID string `json:"id"`
	// ImageName is the measured container image whose libraries stand for
	// the release (runtime.tsv); empty when none was measured.
	ImageName string `json:"-"`
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
			r := Release{
				Distro: cols[0], Release: cols[1], Glibc: v, GlibcText: text,
				Note: cols[3], Unverified: strings.HasSuffix(text, "?"),
			}
			if len(cols) > 5 {
				r.ImageName = cols[5]
			}
			r.ID = idKey(r.Distro) + ":" + idKey(strings.Fields(r.Release)[0])
			if f := strings.Fields(r.Release); len(f) > 1 && (strings.HasPrefix(f[1], "SP") || f[1] == "GA") {
				r.ID = idKey(r.Distro) + ":" + idKey(f[0]+f[1]) // "15 SP6" → sles:15sp6
			}
			all = append(all, r)
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

// idKey normalizes a distro or release name for matching: lower case,
// without spaces, dashes or underscores ("CentOS Stream" → centosstream,
// "15 SP6" → 15sp6).
func idKey(s string) string {
	s = strings.ToLower(s)
	for _, c := range []string{" ", "-", "_"} {
		s = strings.ReplaceAll(s, c, "")
	}
	return s
}

// distroAliases are other names people use for a distro.
var distroAliases = map[string]string{
	"redhat": "rhel", "rocky": "rockylinux", "alma": "almalinux", "oracle": "oraclelinux", "ol": "oraclelinux",
	"amazon": "amazonlinux", "amzn": "amazonlinux", "al": "amazonlinux", "opensuse": "opensuseleap", "leap": "opensuseleap",
	"suse": "sles", "arch": "archlinux", "photon": "photonos", "centos-stream": "centosstream",
}

// Find looks a release up by DISTRO:RELEASE as people write it: rhel:7,
// ubuntu:20.04, debian:11 or debian:bullseye, centos-stream:9, sles:15-sp6,
// amazonlinux:2. The error lists what exists.
func Find(name string) (Release, error) {
	distro, rel, ok := strings.Cut(name, ":")
	if !ok || distro == "" || rel == "" {
		return Release{}, fmt.Errorf("%q is not DISTRO:RELEASE (e.g. rhel:7, ubuntu:20.04, debian:11)", name)
	}
	d := idKey(distro)
	if a, ok := distroAliases[strings.ToLower(distro)]; ok {
		d = a
	} else if a, ok := distroAliases[d]; ok {
		d = a
	}
	rk := idKey(rel)
	var known []string
	for _, r := range All() {
		if idKey(r.Distro) != d {
			continue
		}
		known = append(known, r.ID)
		codename := ""
		if i, j := strings.Index(r.Release, "("), strings.Index(r.Release, ")"); i >= 0 && j > i {
			codename = idKey(r.Release[i+1 : j])
		}
		if r.ID == d+":"+rk || (codename != "" && codename == rk) {
			return r, nil
		}
	}
	if known == nil {
		var ds []string
		seen := map[string]bool{}
		for _, r := range All() {
			if k := idKey(r.Distro); !seen[k] {
				seen[k] = true
				ds = append(ds, k)
			}
		}
		return Release{}, fmt.Errorf("unknown distro %q; known: %s", distro, strings.Join(ds, ", "))
	}
	return Release{}, fmt.Errorf("unknown release %q of %s; known: %s", rel, distro, strings.Join(known, ", "))
}
