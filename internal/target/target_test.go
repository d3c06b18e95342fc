package target

import (
	"strings"
	"testing"
)

// Every spelling users already write names the same target.
func TestParseSpellings(t *testing.T) {
	for want, spellings := range map[string][]string{
		"x86_64":      {"x86_64", "amd64", "x86_64-linux-gnu", "x86_64-unknown-linux-gnu", "x86_64-pc-linux-gnu"},
		"i386":        {"i386", "i686", "386", "x86", "i686-linux-gnu", "i686-unknown-linux-gnu", "i386-linux-gnu", "i586-unknown-linux-gnu"},
		"aarch64":     {"aarch64", "arm64", "aarch64-linux-gnu", "aarch64-unknown-linux-gnu", "aarch64-none-linux-gnu", "AArch64"},
		"arm":         {"arm", "armhf", "armv7", "arm-linux-gnueabihf", "armv7-unknown-linux-gnueabihf", "armv7l"},
		"powerpc64le": {"powerpc64le", "ppc64le", "ppc64el", "powerpc64le-linux-gnu", "powerpc64le-unknown-linux-gnu"},
		"s390x":       {"s390x", "s390x-linux-gnu", "s390x-unknown-linux-gnu", "s390x-ibm-linux-gnu"},
		"riscv64":     {"riscv64", "riscv64gc", "riscv64-linux-gnu", "riscv64gc-unknown-linux-gnu"},
	} {
		for _, s := range spellings {
			got, err := Parse(s)
			if err != nil || got.ABI != want {
				t.Errorf("Parse(%q) = %q, %v; want %s", s, got.ABI, err, want)
			}
		}
	}
}

func TestParseRefusals(t *testing.T) {
	for in, wantMsg := range map[string]string{
		"aarch64-unknown-linux-musl":    "glibc",
		"x86_64-pc-windows-gnu":         "Linux with glibc",
		"arm-linux-gnueabi":             "hard-float",
		"armv5te-unknown-linux-gnueabi": "hard-float",
		"mips64el-linux-gnuabi64":       "not one compatbuild builds for",
		"sparc64":                       "unknown target",
		"":                              "empty target",
	} {
		_, err := Parse(in)
		if err == nil || !strings.Contains(err.Error(), wantMsg) {
			t.Errorf("Parse(%q) error = %v, want one mentioning %q", in, err, wantMsg)
		}
	}
}

func TestNamesPerEcosystem(t *testing.T) {
	a, _ := Parse("arm64")
	if a.Rust != "aarch64-unknown-linux-gnu" || a.GOARCH != "arm64" || a.Debian != "arm64" || a.Qemu != "qemu-aarch64" || a.EnvTriple() != "aarch64_unknown_linux_gnu" {
		t.Errorf("aarch64 names: %+v", a)
	}
	if g, err := ByGOARCH("ppc64le"); err != nil || g.Triple != "powerpc64le-linux-gnu" {
		t.Errorf("ByGOARCH(ppc64le) = %v, %v", g, err)
	}
	if _, err := ByGOARCH("wasm"); err == nil {
		t.Error("ByGOARCH(wasm) succeeded")
	}
	r, _ := Parse("riscv64")
	if err := r.CheckRelease(r.First); err != nil {
		t.Error(err)
	}
	if err := r.CheckRelease(Host().First); err == nil || !strings.Contains(err.Error(), "2.27") {
		t.Errorf("riscv64 at 2.17: %v", err)
	}
	i, _ := Parse("i686")
	if !i.Native() || a.Native() || !Host().Native() {
		t.Error("on x86_64 i386 and x86_64 run natively, aarch64 does not")
	}
}

// Every target has exactly the interpreter its glibc installs, and each
// one is absolute and distinct: two ABIs sharing a loader path could not
// be told apart by it.
func TestStandardInterp(t *testing.T) {
	seen := map[string]string{}
	for _, tg := range All() {
		paths := StandardInterp(tg.ABI)
		if len(paths) == 0 {
			t.Errorf("%s has no standard interpreter", tg.ABI)
		}
		for _, p := range paths {
			if !strings.HasPrefix(p, "/lib") {
				t.Errorf("%s: %q is not under /lib or /lib64", tg.ABI, p)
			}
			if other, dup := seen[p]; dup {
				t.Errorf("%s and %s share %s", other, tg.ABI, p)
			}
			seen[p] = tg.ABI
		}
	}
	if got := StandardInterp("x86_64"); len(got) != 1 || got[0] != "/lib64/ld-linux-x86-64.so.2" {
		t.Errorf("x86_64: %v", got)
	}
	if StandardInterp("mips") != nil {
		t.Error("an unknown ABI has a standard interpreter")
	}
}
