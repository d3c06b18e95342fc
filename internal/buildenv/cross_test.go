package buildenv

import (
	"os/exec"
	"strings"
	"testing"

	"compatbuild/internal/abidb"
	"compatbuild/internal/target"
)

func TestParseWrapper(t *testing.T) {
	for name, want := range map[string]struct {
		cxx        bool
		glibc, abi string
	}{
		"compatbuild-cc":                           {false, "", "x86_64"},
		"compatbuild-c++-2.17":                     {true, "2.17", "x86_64"},
		"compatbuild-aarch64-linux-gnu-cc-2.17":    {false, "2.17", "aarch64"},
		"compatbuild-arm-linux-gnueabihf-c++-2.28": {true, "2.28", "arm"},
		"compatbuild-riscv64-linux-gnu-gcc":        {false, "", "riscv64"},
		"compatbuild-i686-linux-gnu-clang++-2.17":  {true, "2.17", "i386"},
	} {
		w, ok := ParseWrapper(name)
		if !ok || w.CXX != want.cxx || w.Glibc != want.glibc || w.Target.ABI != want.abi {
			t.Errorf("ParseWrapper(%q) = %+v, %v; want %+v", name, w, ok, want)
		}
		if cxx, glibc, ok := ParseWrapperName(name); !ok || cxx != want.cxx || glibc != want.glibc {
			t.Errorf("ParseWrapperName(%q) = %v %q %v", name, cxx, glibc, ok)
		}
	}
	for _, name := range []string{"compatbuild", "compatbuild-cargo", "compatbuild-sparc64-linux-gnu-cc-2.17", "gcc", "compatbuild-aarch64-linux-musl-cc"} {
		if w, ok := ParseWrapper(name); ok {
			t.Errorf("ParseWrapper(%q) = %+v, want no wrapper", name, w)
		}
	}
	arm64, _ := target.Parse("arm64")
	if cc, cxx := WrapperNames(abidb.MustParseVersion("2.17"), arm64); cc != "compatbuild-aarch64-linux-gnu-cc-2.17" || cxx != "compatbuild-aarch64-linux-gnu-c++-2.17" {
		t.Errorf("WrapperNames = %s, %s", cc, cxx)
	}
	if cc, _ := WrapperNames(abidb.MustParseVersion("2.17"), target.Host()); cc != "compatbuild-cc-2.17" {
		t.Errorf("host wrapper %s", cc)
	}
}

func mustVersion(t *testing.T, s string) abidb.Version {
	t.Helper()
	v, err := abidb.ParseVersion(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// HostArch agrees with uname -m, and this machine's own architecture is
// no cross build; every other target is, i386 on x86_64 included.
func TestCrossCompilingOnlyForOtherArchitectures(t *testing.T) {
	out, err := exec.Command("uname", "-m").Output()
	if err != nil {
		t.Fatal(err)
	}
	host := strings.TrimSpace(string(out))
	if HostArch() != host {
		t.Errorf("HostArch() = %q, uname -m says %q", HostArch(), host)
	}
	own, err := target.Parse(host)
	if err != nil {
		t.Fatalf("this machine's architecture %q: %v", host, err)
	}
	for _, tg := range target.All() {
		if got, want := CrossCompiling(tg), tg.ABI != own.ABI; got != want {
			t.Errorf("CrossCompiling(%s) = %v on a %s machine, want %v", tg.ABI, got, host, want)
		}
	}
}

// Another target's environment carries what Vars gives every build (make's
// MAKEFLAGS, Python's LDSHARED) for that target's wrappers, next to the
// cross compiler, the cc crate's and cargo's variables and GOARCH; the
// wrappers sit in the private bin directory as x86_64's do.
func TestVarsForAnotherTarget(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv("COMPATBUILD_TARGET", "")
	t.Setenv("COMPATBUILD_CC", "")
	t.Setenv("CC", "")
	t.Setenv("CC_aarch64_unknown_linux_gnu", "")
	t.Setenv("MAKEFLAGS", "")
	arm64, _ := target.Parse("arm64")
	vars, err := VarsFor(mustVersion(t, "2.17"), arm64)
	if err != nil {
		t.Fatalf("%v (CI installs gcc-aarch64-linux-gnu: .ci/run)", err)
	}
	got := map[string]string{}
	for _, v := range vars {
		got[v.Name] = v.Value
	}
	cc := got["CC"]
	if !strings.HasSuffix(cc, "/compatbuild-aarch64-linux-gnu-cc-2.17") || !strings.HasPrefix(cc, cache+"/compatbuild/bin/") {
		t.Errorf("CC=%q", cc)
	}
	for name, want := range map[string]string{
		"COMPATBUILD_TARGET":                            "aarch64-linux-gnu",
		"CC_aarch64_unknown_linux_gnu":                  cc,
		"CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER": cc,
		"GOARCH":    "arm64",
		"LDSHARED":  cc + " -pthread -shared",
		"MAKEFLAGS": "-- CC=" + cc + " CXX=" + got["CXX"],
	} {
		if got[name] != want {
			t.Errorf("%s=%q, want %q", name, got[name], want)
		}
	}
	if !strings.HasSuffix(strings.Fields(got["COMPATBUILD_CC"])[0], "aarch64-linux-gnu-gcc") {
		t.Errorf("COMPATBUILD_CC=%q, want the cross gcc", got["COMPATBUILD_CC"])
	}
}
