package cli

import (
	"reflect"
	"strings"
	"testing"

	"compatbuild/internal/buildenv"
)

// compatbuild's own options lead a compiler command line in any order and
// either spelling; the rest is the compiler's.
func TestLeadingOptions(t *testing.T) {
	t.Setenv("COMPATBUILD_TARGET", "")
	for _, c := range []struct {
		args  []string
		floor []string
		abi   string
		rest  []string
	}{
		{[]string{"--glibc", "2.17", "-O2", "x.c"}, []string{"--glibc", "2.17"}, "x86_64", []string{"-O2", "x.c"}},
		{[]string{"--target", "aarch64-linux-gnu", "--glibc=2.17", "x.c"}, []string{"--glibc", "2.17"}, "aarch64", []string{"x.c"}},
		{[]string{"--arch=armhf", "x.c", "--target", "y"}, nil, "arm", []string{"x.c", "--target", "y"}},
		{[]string{"--target=arm64", "--target", "aarch64-unknown-linux-gnu", "x.c"}, nil, "aarch64", []string{"x.c"}},
	} {
		floor, tg, rest, err := leadingOptions(c.args)
		if err != nil || !reflect.DeepEqual(floor, c.floor) || tg.ABI != c.abi || !reflect.DeepEqual(rest, c.rest) {
			t.Errorf("%v: %v %s %v %v", c.args, floor, tg.ABI, rest, err)
		}
	}
	for args, want := range map[string]string{
		"--target aarch64-linux-gnu --arch s390x x.c": "two targets given",
		"--glibc 2.17 --glibc 2.28 x.c":               "--glibc given twice",
		"--target":                                    "--target needs a value",
		"--target mips-linux-gnu x.c":                 "unknown target",
	} {
		if _, _, _, err := leadingOptions(strings.Fields(args)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", args, err, want)
		}
	}
	t.Setenv("COMPATBUILD_TARGET", "riscv64-linux-gnu")
	if _, tg, _, err := leadingOptions([]string{"x.c"}); err != nil || tg.ABI != "riscv64" {
		t.Errorf("COMPATBUILD_TARGET: %s %v", tg.ABI, err)
	}
	if _, _, err := floorAndTarget([]string{"--glibc", "2.17", "x.c"}); err == nil || !strings.Contains(err.Error(), "2.27") {
		t.Errorf("riscv64 at 2.17: %v", err)
	}
	// compatbuild's options after the compiler's are refused: gcc would
	// take a bare --target for --target-help and link nothing.
	t.Setenv("COMPATBUILD_TARGET", "")
	for _, args := range []string{"--glibc 2.17 -O2 --target i686-linux-gnu x.c", "--glibc 2.17 x.c --arch=arm64", "-O2 --glibc 2.17 x.c", "--glibc 2.17 x.c --glibc=2.28"} {
		if _, _, err := floorAndTarget(strings.Fields(args)); err == nil || !strings.Contains(err.Error(), "after the compiler's arguments") {
			t.Errorf("%s: %v", args, err)
		}
	}
	if _, rest, err := floorAndTarget(strings.Fields("--glibc 2.17 --target=aarch64-linux-gnu x.c --target=x86_64-linux-gnu")); err != nil || len(rest) != 2 {
		t.Errorf("clang's own --target=T after the arguments: %v %v", rest, err)
	}
}

// The CMake toolchain file declares a cross build exactly for another
// architecture than this machine's: none for x86_64 here (try_run runs
// the outputs), and for aarch64 the system, processor, Debian's cross
// root and qemu-user as try_run's emulator; i386 is another processor
// too, which runs here without one.
func TestCMakeToolchainCrossOnlyForOtherArchitectures(t *testing.T) {
	if buildenv.HostArch() != "x86_64" {
		t.Skipf("the expectations are an x86_64 machine's, this is %s", buildenv.HostArch())
	}
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("COMPATBUILD_TARGET", "")
	for _, c := range []struct {
		target      string
		want, never []string
	}{
		{"", []string{"Not a cross build", "compatbuild-cc-2.17]"}, []string{"CMAKE_SYSTEM_NAME", "CMAKE_FIND_ROOT_PATH", "EMULATOR"}},
		{"aarch64-linux-gnu", []string{"set(CMAKE_SYSTEM_NAME Linux)", "set(CMAKE_SYSTEM_PROCESSOR aarch64)", "CMAKE_FIND_ROOT_PATH [[/usr/aarch64-linux-gnu]]", "set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64 -L [[/usr/aarch64-linux-gnu]])", "compatbuild-aarch64-linux-gnu-cc-2.17]"}, []string{"Not a cross build"}},
		{"i686-linux-gnu", []string{"set(CMAKE_SYSTEM_PROCESSOR i686)", "CMAKE_FIND_ROOT_PATH [[/usr/i686-linux-gnu]]"}, []string{"EMULATOR", "Not a cross build"}},
	} {
		args := []string{"cmake-toolchain", "--glibc", "2.17"}
		if c.target != "" {
			args = append(args, "--target", c.target)
		}
		code, out, stderr := run(args...)
		if code != ExitOK {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%q: no %q in\n%s", c.target, w, out)
			}
		}
		for _, n := range c.never {
			if strings.Contains(out, n) {
				t.Errorf("%q: %q in\n%s", c.target, n, out)
			}
		}
	}
}
