package main

// End-to-end tests of cross builds: the compatbuild binary driving cgo,
// make and CMake for aarch64 with Debian's cross compiler, the artifacts
// run under Debian 11's arm64 glibc 2.31 through qemu-user.

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"compatbuild/internal/elfinfo"
	"compatbuild/internal/runtimes"
)

var (
	arm64Once sync.Once
	arm64RT   *runtimes.Runtime
	arm64Err  error
)

func runArm64(t *testing.T, prog string, args ...string) string {
	t.Helper()
	arm64Once.Do(func() {
		arm64RT, arm64Err = runtimes.GetWithOptions(context.Background(), "debian:11", runtimes.Options{CacheDir: os.Getenv("COMPATBUILD_TEST_RUNTIMES"), Arch: "arm64"})
	})
	if arm64Err != nil {
		t.Fatalf("arm64 glibc 2.31 runtime: %v", arm64Err)
	}
	out, err := arm64RT.Command(context.Background(), prog, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s under arm64 glibc 2.31: %v\n%s", filepath.Base(prog), err, out)
	}
	return string(out)
}

func assertABI(t *testing.T, abi string, paths ...string) {
	t.Helper()
	for _, p := range paths {
		info, err := elfinfo.ReadFile(p)
		if err != nil || info.ABI != abi {
			t.Errorf("%s: ABI %v (%v), want %s", filepath.Base(p), info, err, abi)
		}
	}
}

// A cgo program cross-built with GOARCH=arm64: cgo compiles with the
// aarch64 cross compiler and links through compatbuild's wrapper.
func TestCrossCgoForArm64(t *testing.T) {
	dir := copyDir(t, "cgo")
	out, code := cb(t, dir, []string{"GOARCH=arm64"}, "go", "build", "--glibc", "2.17", "-o", "app", ".")
	if code != 0 {
		t.Fatalf("GOARCH=arm64 compatbuild go build: exit %d\n%s", code, out)
	}
	app := filepath.Join(dir, "app")
	assertWithin(t, "2.17", app)
	assertABI(t, "aarch64", app)
	if out := runArm64(t, app); out != "constructor 1, threads [42 42 42 42], getrandom 16\n" {
		t.Errorf("arm64 cgo program under 2.31 printed %q", out)
	}
}

func TestCrossMakeAndCMake(t *testing.T) {
	dir := copyDir(t, "make")
	mustCB(t, dir, "exec", "--glibc", "2.17", "--target", "aarch64-linux-gnu", "--", "make", "--no-print-directory")
	app, lib := filepath.Join(dir, "app"), filepath.Join(dir, "libcounter.so")
	assertWithin(t, "2.17", app, lib)
	assertABI(t, "aarch64", app, lib)
	if out := runArm64(t, app); out != "counter 2\n" {
		t.Errorf("make-built arm64 app printed %q", out)
	}

	if _, err := exec.LookPath("cmake"); err != nil {
		t.Fatal("cmake is not installed: .ci/run installs it (apt-get install cmake)")
	}
	dir = copyDir(t, "cmake")
	toolchain := filepath.Join(dir, "arm64.cmake")
	mustCB(t, dir, "cmake-toolchain", "--glibc", "2.17", "--arch", "arm64", "-o", toolchain)
	build := filepath.Join(dir, "build")
	for _, args := range [][]string{
		{"-S", dir, "-B", build, "-DCMAKE_TOOLCHAIN_FILE=" + toolchain, "-DCMAKE_BUILD_TYPE=Release"},
		{"--build", build},
	} {
		cmd := exec.Command("cmake", args...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("cmake %v: %v\n%s", args, err, out)
		}
	}
	app, lib = filepath.Join(build, "app"), filepath.Join(build, "libcounter.so")
	assertWithin(t, "2.17", app, lib)
	assertABI(t, "aarch64", app, lib)
	if out := runArm64(t, app); out != "counter 2\n" {
		t.Errorf("cmake-built arm64 app printed %q", out)
	}
}

// The per-target wrapper carries floor and target in its name, so a build
// that only has CC=compatbuild-aarch64-linux-gnu-cc-2.17 needs no
// environment; env --target prints the whole set.
func TestCrossWrapperAndEnv(t *testing.T) {
	dir := copyDir(t, "make")
	wrapper := filepath.Join(t.TempDir(), "compatbuild-aarch64-linux-gnu-cc-2.17")
	if err := os.Symlink(compatbuild, wrapper); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(wrapper, "-O2", "main.c", "counter.c", "-o", "app")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", filepath.Base(wrapper), err, out)
	}
	assertWithin(t, "2.17", filepath.Join(dir, "app"))
	assertABI(t, "aarch64", filepath.Join(dir, "app"))

	js := mustCB(t, dir, "env", "--glibc", "2.17", "--target", "aarch64-unknown-linux-gnu", "--json")
	for _, want := range []string{`"COMPATBUILD_TARGET": "aarch64-linux-gnu"`, `compatbuild-aarch64-linux-gnu-cc-2.17"`,
		`"CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER"`, `"CC_aarch64_unknown_linux_gnu"`, `"GOARCH": "arm64"`, `aarch64-linux-gnu-gcc"`} {
		if !strings.Contains(js, want) {
			t.Errorf("env --target --json lacks %s:\n%s", want, js)
		}
	}
}

// Targets compatbuild does not build for, and releases older than a
// port, are refused with one line before anything is built.
func TestCrossRefusals(t *testing.T) {
	dir := copyDir(t, "make")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"cc", "--glibc", "2.17", "--target", "aarch64-linux-musl", "main.c"}, "Linux with glibc"},
		{[]string{"cc", "--glibc", "2.17", "--target", "arm-linux-gnueabi", "main.c"}, "hard-float"},
		{[]string{"cc", "--glibc", "2.17", "--target", "riscv64-linux-gnu", "main.c"}, "first glibc release for riscv64-linux-gnu is 2.27"},
		{[]string{"env", "--glibc", "2.17", "--arch", "sparc64"}, `unknown target "sparc64"`},
	} {
		out, code := cb(t, dir, nil, c.args...)
		if code != 2 || !strings.Contains(out, c.want) || strings.Count(strings.TrimSpace(out), "\n") != 0 {
			t.Errorf("compatbuild %v: exit %d, output %q; want one line with %q", c.args, code, out, c.want)
		}
	}
}
