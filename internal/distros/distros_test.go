package distros

import (
	"testing"

	"compatbuild/internal/abidb"
)

func TestTableMaps217ToCentOS7AndRHEL7(t *testing.T) {
	names := map[string]bool{}
	for _, r := range ForGlibc(abidb.MustParseVersion("2.17")) {
		names[r.Name()] = true
	}
	for _, want := range []string{"CentOS 7", "RHEL 7"} {
		if !names[want] {
			t.Errorf("glibc 2.17 releases %v lack %s", names, want)
		}
	}
}

func TestOldestRunning(t *testing.T) {
	got := map[string]string{}
	for _, r := range OldestRunning(abidb.MustParseVersion("2.34")) {
		got[r.Distro] = r.Release
	}
	want := map[string]string{"RHEL": "9", "Ubuntu": "22.04", "Debian": "12 (bookworm)", "Amazon Linux": "2023"}
	for d, rel := range want {
		if got[d] != rel {
			t.Errorf("oldest %s for glibc 2.34 = %q, want %q", d, got[d], rel)
		}
	}
	if _, ok := got["Alpine Linux"]; ok {
		t.Error("Alpine (musl) listed as running a glibc binary")
	}
	if rs := OldestRunning(abidb.MustParseVersion("2.99")); len(rs) != 0 {
		t.Errorf("glibc 2.99 runs on %v", rs)
	}
}

func TestManylinuxTags(t *testing.T) {
	v := abidb.MustParseVersion("2.17")
	if got := ManylinuxTag(v, "x86_64"); got != "manylinux_2_17_x86_64" {
		t.Errorf("tag = %s", got)
	}
	if got := ManylinuxTag(abidb.MustParseVersion("2.28"), "powerpc64le"); got != "manylinux_2_28_ppc64le" {
		t.Errorf("tag = %s", got)
	}
	if got := ManylinuxTag(abidb.MustParseVersion("2.2.5"), "x86_64"); got != "manylinux_2_5_x86_64" {
		t.Errorf("tag for a 2.2.5 floor = %s, want the oldest tag manylinux_2_5_x86_64", got)
	}
	if got := LegacyManylinuxAlias(abidb.MustParseVersion("2.2.5"), "x86_64"); got != "manylinux1_x86_64" {
		t.Errorf("alias for 2.2.5 = %s", got)
	}
	if got := LegacyManylinuxAlias(v, "aarch64"); got != "manylinux2014_aarch64" {
		t.Errorf("alias = %s", got)
	}
	if got := LegacyManylinuxAlias(abidb.MustParseVersion("2.28"), "x86_64"); got != "" {
		t.Errorf("2.28 has alias %s", got)
	}
}
