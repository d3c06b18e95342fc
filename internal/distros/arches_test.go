package distros

import (
	"slices"
	"strings"
	"testing"
)

// The table parses, covers every release exactly once, and names only
// compatbuild ABIs (parseArches checks all three).
func TestArchTable(t *testing.T) {
	if _, err := parseArches(); err != nil {
		t.Fatal(err)
	}
	for _, r := range All() {
		if !r.Ships("x86_64") {
			t.Errorf("%s ships no x86_64: every release in the table does", r.ID)
		}
	}
}

// The facts the table exists for, from the distributions' release notes.
func TestArchFacts(t *testing.T) {
	for _, c := range []struct {
		id   string
		ship []string
		not  []string
	}{
		{"rhel:7", []string{"x86_64", "powerpc64le", "s390x", "aarch64"}, []string{"i386", "arm", "riscv64"}},
		{"rhel:8", []string{"x86_64", "aarch64", "powerpc64le", "s390x"}, []string{"i386", "arm", "riscv64"}},
		{"rhel:9", []string{"s390x"}, []string{"riscv64", "i386"}},
		{"debian:10", []string{"i386", "arm", "aarch64", "powerpc64le", "s390x"}, []string{"riscv64"}},
		{"debian:11", []string{"i386", "arm", "aarch64", "powerpc64le", "s390x"}, []string{"riscv64"}},
		{"debian:13", []string{"riscv64"}, nil},
		{"ubuntu:18.04", []string{"i386", "s390x"}, []string{"riscv64"}},
		{"ubuntu:19.10", nil, []string{"i386"}},
		{"ubuntu:20.04", []string{"riscv64"}, []string{"i386"}},
		{"ubuntu:22.04", []string{"riscv64", "arm"}, []string{"i386"}},
		{"amazonlinux:1", nil, []string{"aarch64", "i386", "s390x"}},
		{"amazonlinux:2", []string{"aarch64"}, []string{"i386", "s390x", "riscv64"}},
		{"amazonlinux:2023", []string{"aarch64"}, []string{"i386", "s390x", "riscv64", "powerpc64le"}},
		{"sles:15sp3", []string{"aarch64", "powerpc64le", "s390x"}, []string{"i386", "arm", "riscv64"}},
		{"fedora:28", []string{"i386", "arm", "aarch64", "s390x"}, []string{"riscv64"}},
		{"fedora:31", []string{"arm"}, []string{"i386"}},
		{"fedora:37", []string{"aarch64"}, []string{"arm", "i386", "riscv64"}},
		{"archlinux:rolling", nil, []string{"aarch64", "i386"}},
	} {
		r, err := Find(c.id)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range c.ship {
			if !r.Ships(a) {
				t.Errorf("%s does not ship %s", c.id, a)
			}
		}
		for _, a := range c.not {
			if r.Ships(a) {
				t.Errorf("%s ships %s", c.id, a)
			} else if why := r.ShipsWhy(a); !strings.Contains(why, r.Name()+" ships no "+ABIName(a)) {
				t.Errorf("%s: ShipsWhy(%s) = %q", c.id, a, why)
			}
		}
	}
}

// Where an image of a release was measured on an architecture, the table
// says the release ships it: the hand-kept facts never deny a measurement.
// Releases that borrow another's image (a rebuild measured for it, see
// gen's sameAs) are left out: the image's other architectures are its own.
func TestArchTableAgreesWithMeasuredImages(t *testing.T) {
	borrowed := []string{"centos:7", "centos:8", "centosstream:8", "sles:15sp5"}
	checked := 0
	for _, r := range All() {
		if r.ImageName == "" || slices.Contains(borrowed, r.ID) {
			continue
		}
		for _, a := range KnownABIs {
			if _, measured := r.Image(a); measured {
				checked++
				if !r.Ships(a) {
					t.Errorf("%s (image %s) was measured on %s, but arches.tsv says it does not ship it", r.ID, r.ImageName, a)
				}
			}
		}
	}
	if checked < 100 {
		t.Errorf("only %d measured (release, ABI) pairs: the images did not load", checked)
	}
}
