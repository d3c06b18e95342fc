package main

// End-to-end tests: the real compatbuild binary driving real builds (cc,
// cgo, make, CMake), and the artifacts run under Debian bullseye's glibc
// 2.31 loader.

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"compatbuild/internal/abidb"
	"compatbuild/internal/check"
	"compatbuild/internal/runtimes"
)

var compatbuild string // path of the binary under test

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "compatbuild-e2e-")
	if err != nil {
		panic(err)
	}
	compatbuild = filepath.Join(dir, "compatbuild")
	if out, err := exec.Command("go", "build", "-o", compatbuild, ".").CombinedOutput(); err != nil {
		panic(string(out))
	}
	// Runtimes come from the user's cache (their fetching is tested in
	// internal/runtimes); sysroots and wrappers start cold in a fresh one.
	runtimeCache, _ := runtimes.DefaultCacheDir()
	os.Setenv("COMPATBUILD_TEST_RUNTIMES", runtimeCache)
	os.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "cache"))
	os.Unsetenv("COMPATBUILD_GLIBC")
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var (
	rtOnce sync.Once
	rt     *runtimes.Runtime
	rtErr  error
)

func debian11(t *testing.T) *runtimes.Runtime {
	t.Helper()
	rtOnce.Do(func() {
		rt, rtErr = runtimes.GetWithOptions(context.Background(), "debian:11", runtimes.Options{CacheDir: os.Getenv("COMPATBUILD_TEST_RUNTIMES")})
	})
	if rtErr != nil {
		t.Fatalf("glibc 2.31 runtime: %v", rtErr)
	}
	return rt
}

// cb runs compatbuild in dir and returns combined output and exit code.
func cb(t *testing.T, dir string, env []string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(compatbuild, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running compatbuild: %v", err)
	}
	return string(out), code
}

func mustCB(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, code := cb(t, dir, nil, args...)
	if code != 0 {
		t.Fatalf("compatbuild %v: exit %d\n%s", args, code, out)
	}
	return out
}

// copyDir copies testdata/name into a temp dir, turning x.go.txt and
// go.mod.txt back into Go files (stored so the go tool ignores them here).
func copyDir(t *testing.T, name string) string {
	t.Helper()
	dst := t.TempDir()
	entries, err := os.ReadDir(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join("testdata", name, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, goName(e.Name())), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

func goName(name string) string {
	if strings.HasSuffix(name, ".go.txt") || name == "go.mod.txt" {
		return strings.TrimSuffix(name, ".txt")
	}
	return name
}

// assertWithin checks every path's glibc floor with compatbuild's checker.
func assertWithin(t *testing.T, target string, paths ...string) {
	t.Helper()
	rep := check.Paths(paths, abidb.MustParseVersion(target))
	if rep.ExitCode() != 0 || rep.Totals.Files != len(paths) {
		var b bytes.Buffer
		rep.WriteText(&b)
		t.Errorf("floors above %s:\n%s", target, b.String())
	}
}

func runOld(t *testing.T, prog string, args ...string) string {
	t.Helper()
	out, err := debian11(t).Command(context.Background(), prog, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s under glibc 2.31: %v\n%s", filepath.Base(prog), err, out)
	}
	return string(out)
}

func TestCgoProgramBuiltForOldGlibc(t *testing.T) {
	dir := copyDir(t, "cgo")
	mustCB(t, dir, "go", "build", "--glibc", "2.17", "-o", "app", ".")
	app := filepath.Join(dir, "app")
	assertWithin(t, "2.17", app)
	if out := runOld(t, app); out != "constructor 1, threads [42 42 42 42], getrandom 16\n" {
		t.Errorf("cgo program under 2.31 printed %q", out)
	}
}

func TestMakeProjectThroughExec(t *testing.T) {
	dir := copyDir(t, "make")
	mustCB(t, dir, "exec", "--glibc", "2.17", "--", "make", "--no-print-directory")
	assertWithin(t, "2.17", filepath.Join(dir, "app"), filepath.Join(dir, "libcounter.so"))
	if out := runOld(t, filepath.Join(dir, "app")); out != "counter 2\n" {
		t.Errorf("make-built app under 2.31 printed %q", out)
	}
}

func TestCMakeProjectThroughToolchainFile(t *testing.T) {
	if _, err := exec.LookPath("cmake"); err != nil {
		t.Fatal("cmake is not installed: .ci/run installs it (apt-get install cmake)")
	}
	dir := copyDir(t, "cmake")
	toolchain := filepath.Join(dir, "compat.cmake")
	mustCB(t, dir, "cmake-toolchain", "--glibc", "2.17", "-o", toolchain)
	build := filepath.Join(dir, "build")
	for _, args := range [][]string{
		{"-S", dir, "-B", build, "-DCMAKE_TOOLCHAIN_FILE=" + toolchain, "-DCMAKE_BUILD_TYPE=Release"},
		{"--build", build},
	} {
		// No compatbuild environment here: the toolchain file alone must do.
		cmd := exec.Command("cmake", args...)
		cmd.Env = os.Environ()
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("cmake %v: %v\n%s", args, err, out)
		}
	}
	assertWithin(t, "2.17", filepath.Join(build, "app"), filepath.Join(build, "libcounter.so"))
	if out := runOld(t, filepath.Join(build, "app")); out != "counter 2\n" {
		t.Errorf("cmake-built app under 2.31 printed %q", out)
	}
}

func TestEnvForShells(t *testing.T) {
	dir := copyDir(t, "make")
	out := mustCB(t, dir, "env", "--glibc", "2.17")
	script := out + "\n$CC -O2 -D_FILE_OFFSET_BITS=64 -shared -fPIC counter.c -o libcounter.so && $CC main.c -L. -lcounter -Wl,-rpath,'$ORIGIN' -o app\n"
	cmd := exec.Command("sh", "-c", script)
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("eval'd environment: %v\n%s", err, b)
	}
	assertWithin(t, "2.17", filepath.Join(dir, "app"), filepath.Join(dir, "libcounter.so"))
	if got := runOld(t, filepath.Join(dir, "app")); got != "counter 2\n" {
		t.Errorf("printed %q", got)
	}
	js := mustCB(t, dir, "env", "--glibc", "2.28", "--json")
	for _, want := range []string{`"COMPATBUILD_GLIBC": "2.28"`, `compatbuild-cc-2.28"`, `"CGO_ENABLED": "1"`, `"CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER"`} {
		if !strings.Contains(js, want) {
			t.Errorf("env --json lacks %s:\n%s", want, js)
		}
	}
}

func TestNoFloorRefuses(t *testing.T) {
	dir := copyDir(t, "make")
	for _, args := range [][]string{{"cc", "main.c"}, {"exec", "--", "true"}, {"env"}, {"go", "build", "."}, {"cmake-toolchain"}} {
		out, code := cb(t, dir, nil, args...)
		if code != 2 || !strings.Contains(out, "no glibc floor given") || strings.Count(strings.TrimSpace(out), "\n") != 0 {
			t.Errorf("%v without a floor: exit %d, %q", args, code, out)
		}
	}
	// COMPATBUILD_GLIBC declares it once for everything.
	if out, code := cb(t, dir, []string{"COMPATBUILD_GLIBC=2.17"}, "cc", "main.c", "counter.c", "-o", "app"); code != 0 {
		t.Errorf("with COMPATBUILD_GLIBC: exit %d\n%s", code, out)
	}
	assertWithin(t, "2.17", filepath.Join(dir, "app"))
	// A command-line value wins over the environment.
	if out, code := cb(t, dir, []string{"COMPATBUILD_GLIBC=2.99"}, "cc", "--glibc", "2.17", "main.c", "counter.c", "-o", "app2"); code != 0 {
		t.Errorf("--glibc over a bad COMPATBUILD_GLIBC: exit %d\n%s", code, out)
	}
}

func TestCompileOnlyIsUntouched(t *testing.T) {
	dir := copyDir(t, "make")
	mustCB(t, dir, "cc", "--glibc", "2.17", "-O2", "-c", "counter.c", "-o", "via-compatbuild.o")
	if out, err := exec.Command("gcc", "-O2", "-c", filepath.Join(dir, "counter.c"), "-o", filepath.Join(dir, "plain.o")).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	a, _ := os.ReadFile(filepath.Join(dir, "via-compatbuild.o"))
	b, _ := os.ReadFile(filepath.Join(dir, "plain.o"))
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Errorf("compile-only output differs from plain gcc (%d vs %d bytes)", len(a), len(b))
	}
}

// Linker options whose output would need a GLIBC_ABI_* marker the target
// lacks are dropped with a note, and the link loads on the target; at a
// target that has the marker they pass through to the linker.
func TestMarkerOptionsDroppedBelowTheirRelease(t *testing.T) {
	dir := copyDir(t, "make")
	out := mustCB(t, dir, "cc", "--glibc", "2.17", "-Wl,-z,pack-relative-relocs", "-Wl,-z,mark-plt", "-z", "gnu2-tls-tag",
		"main.c", "counter.c", "-o", "app")
	for _, flag := range []string{"pack-relative-relocs", "mark-plt", "gnu2-tls-tag"} {
		if !strings.Contains(out, "compatbuild: note: dropped -z "+flag+": ") {
			t.Errorf("no note about dropping -z %s: %q", flag, out)
		}
	}
	if strings.Contains(out, "ignored") {
		t.Errorf("the linker saw a dropped option: %q", out)
	}
	if got := runOld(t, filepath.Join(dir, "app")); got != "counter 2\n" {
		t.Errorf("printed %q", got)
	}
	// At 2.36 DT_RELR is fine: the flag reaches the linker, which packs
	// the relocations (binutils 2.40 knows the option).
	mustCB(t, dir, "cc", "--glibc", "2.36", "-Wl,-z,pack-relative-relocs", "main.c", "counter.c", "-o", "app236")
	if out, _ := exec.Command("readelf", "-d", filepath.Join(dir, "app236")).CombinedOutput(); !strings.Contains(string(out), "RELR") {
		t.Errorf("-z pack-relative-relocs did not reach the linker at 2.36:\n%s", out)
	}
}

func TestLinkAboveTargetFailsAndNamesSymbols(t *testing.T) {
	dir := copyDir(t, "make")
	// Handing the host's real libc.so.6 to the link binds its 2.34
	// pthread_create: the driver must catch that, explain, and remove it.
	// (--allow-shlib-undefined: the host libc wants the host ld.so's
	// private symbols, which the stub loader rightly lacks.)
	out, code := cb(t, dir, nil, "cc", "--glibc", "2.17", "main.c", "counter.c", "/lib/x86_64-linux-gnu/libc.so.6", "-Wl,--allow-shlib-undefined", "-o", "app")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	for _, want := range []string{"needs glibc 2.34, above the target 2.17", "pthread_create", "linker:", "reference to pthread_create"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "app")); !os.IsNotExist(err) {
		t.Error("the rejected output was left behind")
	}
}

func TestUndefinedNewSymbolIsExplained(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "p.c")
	// The catalogue refuses pthread_setattr_default_np (glibc 2.18) below
	// its release: there is nothing faithful to link instead.
	os.WriteFile(src, []byte("#define _GNU_SOURCE\n#include <pthread.h>\nint main(void) { pthread_attr_t a; pthread_attr_init(&a); return pthread_setattr_default_np(&a); }\n"), 0o644)
	out, code := cb(t, dir, nil, "cc", "--glibc", "2.17", "p.c", "-o", "p")
	if code == 0 {
		t.Fatalf("linking pthread_setattr_default_np for 2.17 succeeded:\n%s", out)
	}
	for _, want := range []string{"undefined reference to `pthread_setattr_default_np'", "pthread_setattr_default_np is in glibc 2.18 and later",
		"compatbuild cannot provide it", "raise --glibc to 2.18"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestVersionedWrapperNeedsNoEnvironment(t *testing.T) {
	dir := copyDir(t, "make")
	link := filepath.Join(t.TempDir(), "compatbuild-cc-2.17")
	if err := os.Symlink(compatbuild, link); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(link, "main.c", "counter.c", "-o", "app")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "COMPATBUILD_GLIBC=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	assertWithin(t, "2.17", filepath.Join(dir, "app"))
}

// clang works as the real compiler too: the sysroot's start files and
// archives are built by it, and its links go through the stubs.
func TestClangAsTheCompiler(t *testing.T) {
	if _, err := exec.LookPath("clang"); err != nil {
		t.Fatal("clang is not installed: .ci/run installs it (apt-get install clang)")
	}
	dir := copyDir(t, "make")
	env := []string{"CC=clang", "XDG_CACHE_HOME=" + t.TempDir()}
	for _, args := range [][]string{
		{"cc", "--glibc", "2.17", "-O2", "-D_FILE_OFFSET_BITS=64", "-shared", "-fPIC", "counter.c", "-o", "libcounter.so"},
		{"cc", "--glibc", "2.17", "-O2", "main.c", "-L.", "-lcounter", "-Wl,-rpath,$ORIGIN", "-o", "app"},
	} {
		if out, code := cb(t, dir, env, args...); code != 0 {
			t.Fatalf("%v with clang: exit %d\n%s", args, code, out)
		}
	}
	// The sysroot's objects were compiled by clang, not gcc.
	objs, _ := filepath.Glob(filepath.Join(env[1][len("XDG_CACHE_HOME="):], "compatbuild", "sysroot", "*", "crti.o"))
	if len(objs) != 1 {
		t.Fatalf("sysroot start files: %v", objs)
	}
	if out, err := exec.Command("readelf", "-p", ".comment", filepath.Join(filepath.Dir(objs[0]), "libc_nonshared.a")).CombinedOutput(); err != nil || !strings.Contains(string(out), "clang") {
		t.Errorf("libc_nonshared.a not built by clang:\n%s", out)
	}
	assertWithin(t, "2.17", filepath.Join(dir, "app"), filepath.Join(dir, "libcounter.so"))
	if got := runOld(t, filepath.Join(dir, "app")); got != "counter 2\n" {
		t.Errorf("clang-built app under 2.31 printed %q", got)
	}
}

// The sysroot's linker scripts and start files work with every linker gcc
// can drive (GNU ld, gold, lld, mold), for non-PIE executables (crt1.o) as for PIE ones, and the
// driver copes with being started with stdin closed, as some build tools
// do.
func TestLinkersAndExecutableModes(t *testing.T) {
	for _, tc := range []struct {
		name  string
		flags []string
		mark  []string // readelf arguments and a line of output that shows the linker or mode
	}{
		{"bfd-no-pie", []string{"-fno-pie", "-no-pie"}, []string{"-h", "EXEC (Executable file)"}},
		{"gold", []string{"-fuse-ld=gold"}, []string{"-n", "Version: gold"}},
		{"lld", []string{"-fuse-ld=lld"}, []string{"-p", ".comment", "LLD"}},
		{"mold", []string{"-fuse-ld=mold"}, []string{"-p", ".comment", "mold"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyDir(t, "make")
			args := append([]string{"cc", "--glibc", "2.17", "-O2"}, tc.flags...)
			args = append(args, "main.c", "counter.c", "-o", "app")
			sh := exec.Command("/bin/sh", "-c", `exec "$@" <&-`, "sh", compatbuild)
			sh.Args = append(sh.Args, args...)
			sh.Dir = dir
			if out, err := sh.CombinedOutput(); err != nil {
				t.Fatalf("%v: %v\n%s", args, err, out)
			}
			assertWithin(t, "2.17", filepath.Join(dir, "app"))
			mark := tc.mark[len(tc.mark)-1]
			out, _ := exec.Command("readelf", append(tc.mark[:len(tc.mark)-1:len(tc.mark)-1], filepath.Join(dir, "app"))...).CombinedOutput()
			if !strings.Contains(string(out), mark) {
				t.Errorf("readelf %v does not show %q: the link did not use the linker or mode asked for\n%s", tc.mark[:len(tc.mark)-1], mark, out)
			}
			if got := runOld(t, filepath.Join(dir, "app")); got != "counter 2\n" {
				t.Errorf("under 2.31 printed %q", got)
			}
		})
	}
}
