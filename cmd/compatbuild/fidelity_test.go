package main

// Real projects built through compatbuild behave like plain builds: the
// examples of issue 13 and their kinds. glibc's multi-name data objects
// (environ) stay one object; outputs that bypass the wrappers are routed
// through compatbuild where the build tool allows it (make's MAKEFLAGS,
// distutils' LDSHARED) and caught where it does not; and a build for an old
// glibc on this machine's own architecture is no cross build, so configure
// steps run their test programs.

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"compatbuild/internal/abidb"
)

const environProgram = `#include <stdio.h>
#include <stdlib.h>
extern char **environ;
int main(void) { setenv("X", "1", 1); printf("%p %s\n", (void *)environ, getenv("X")); return environ == NULL; }
`

// TestEnvironAfterSetenvEveryTarget is the first example: built
// for every glibc from 2.17 to 2.41, the program sees the environment
// setenv wrote, here and (up to 2.31) under real glibc 2.31.
func TestEnvironAfterSetenvEveryTarget(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "env.c"), []byte(environProgram), 0o644); err != nil {
		t.Fatal(err)
	}
	good := regexp.MustCompile(`^0x[0-9a-f]+ 1\n$`)
	for m := 17; m <= 41; m++ {
		target := fmt.Sprintf("2.%d", m)
		t.Run(target, func(t *testing.T) {
			t.Parallel()
			prog := filepath.Join(dir, "env-"+target)
			mustCB(t, dir, "cc", "--glibc", target, "-O2", "env.c", "-o", prog)
			out, err := exec.Command(prog).CombinedOutput()
			if err != nil || !good.Match(out) {
				t.Errorf("built for %s, run here: %v, printed %q; want a pointer and 1", target, err, out)
			}
			if !abidb.MustParseVersion("2.31").Less(abidb.MustParseVersion(target)) {
				if out := runOld(t, prog); !good.MatchString(out) {
					t.Errorf("built for %s, under glibc 2.31 printed %q; want a pointer and 1", target, out)
				}
			}
		})
	}
}

// TestMakefileOwnCCLinksThroughCompatbuild: a hand-written Makefile with
// CC = gcc, and a sub-make whose makefile sets CC := gcc, built by exec:
// both links go through compatbuild (MAKEFLAGS), the outputs are within
// 2.17 and run under 2.31.
func TestMakefileOwnCCLinksThroughCompatbuild(t *testing.T) {
	dir := copyDir(t, "makecc")
	out := mustCB(t, dir, "exec", "--glibc", "2.17", "--", "make", "--no-print-directory")
	if strings.Contains(out, "gcc -O2") {
		t.Errorf("make ran gcc directly:\n%s", out)
	}
	assertWithin(t, "2.17", filepath.Join(dir, "app"), filepath.Join(dir, "libstat.so"))
	if got := runOld(t, filepath.Join(dir, "app")); got != "/ is a directory: yes\n" {
		t.Errorf("app under 2.31 printed %q", got)
	}
}

// TestBypassingOutputFailsExec: a recipe that runs gcc by name bypasses
// every variable; exec fails, naming the file, its floor and the line.
// --scan-skip leaves the file out, --no-scan turns the check off, and an
// output compatbuild linked is never blamed.
func TestBypassingOutputFailsExec(t *testing.T) {
	dir := copyDir(t, "makecc")
	out, code := cb(t, dir, nil, "exec", "--glibc", "2.17", "--", "make", "--no-print-directory", "app", "helper")
	if code != 1 {
		t.Fatalf("exec exit %d, want 1 (helper needs glibc 2.34):\n%s", code, out)
	}
	for _, want := range []string{"ABOVE  helper: needs glibc 2.34", "compatbuild: helper: Makefile:18 runs gcc by name", "--no-scan"} {
		if !strings.Contains(out, want) {
			t.Errorf("exec output lacks %q:\n%s", want, out)
		}
	}
	for _, blamed := range []string{"ABOVE  app", "ABOVE  libstat.so"} {
		if strings.Contains(out, blamed) {
			t.Errorf("exec blames an output compatbuild linked (%s):\n%s", blamed, out)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "helper")); err != nil {
		t.Errorf("the output check removed helper: %v (it reports, the build's files stay)", err)
	}
	os.Remove(filepath.Join(dir, "helper"))
	if out, code := cb(t, dir, nil, "exec", "--glibc", "2.17", "--scan-skip", "help*", "--", "make", "--no-print-directory", "helper"); code != 0 {
		t.Errorf("with --scan-skip help*: exit %d\n%s", code, out)
	}
	os.Remove(filepath.Join(dir, "helper"))
	if out, code := cb(t, dir, nil, "exec", "--glibc", "2.17", "--no-scan", "--", "make", "--no-print-directory", "helper"); code != 0 || strings.Contains(out, "ABOVE") {
		t.Errorf("with --no-scan: exit %d\n%s", code, out)
	}
	// Files that were there before the command are not its outputs.
	if out, code := cb(t, dir, nil, "exec", "--glibc", "2.17", "--", "true"); code != 0 {
		t.Errorf("exec true after the build: exit %d\n%s", code, out)
	}
}

// TestGoGenerateBypassIsCaught: the go command is watched too: a
// go:generate step that runs gcc by name writes an executable above the
// target, and 'compatbuild go generate' fails naming it.
func TestGoGenerateBypassIsCaught(t *testing.T) {
	dir := copyDir(t, "makecc")
	gen := "package main\n\n//go:generate gcc -O2 main.c stat.c -lpthread -o tool\n\nfunc main() {}\n"
	for name, data := range map[string]string{"gen.go": gen, "go.mod": "module gen\n\ngo 1.21\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, code := cb(t, dir, nil, "go", "generate", "--glibc", "2.17", ".")
	if code != 1 || !strings.Contains(out, "ABOVE  tool: needs glibc 2.34") {
		t.Errorf("compatbuild go generate: exit %d, want 1 naming tool:\n%s", code, out)
	}
}

// TestCMakeToolchainIsNoCrossBuild: for this machine's architecture the
// toolchain file declares no cross build, so check_c_source_runs and
// try_run run their programs and the project configures exactly as a
// plain configure does.
func TestCMakeToolchainIsNoCrossBuild(t *testing.T) {
	if _, err := exec.LookPath("cmake"); err != nil {
		t.Fatal("cmake is not installed: .ci/run installs it (apt-get install cmake)")
	}
	dir := copyDir(t, "cmakeruns")
	toolchain := filepath.Join(dir, "compat.cmake")
	mustCB(t, dir, "cmake-toolchain", "--glibc", "2.17", "-o", toolchain)
	if data, _ := os.ReadFile(toolchain); strings.Contains(string(data), "CMAKE_SYSTEM_NAME") {
		t.Errorf("the toolchain file for this machine's architecture declares a cross build:\n%s", data)
	}
	configure := func(build string, extra ...string) string {
		args := append([]string{"-S", dir, "-B", filepath.Join(dir, build)}, extra...)
		out, err := exec.Command("cmake", args...).CombinedOutput()
		if err != nil {
			t.Fatalf("cmake %v: %v\n%s", args, err, out)
		}
		var lines []string
		for _, l := range strings.Split(string(out), "\n") {
			if strings.HasPrefix(l, "-- cross-compiling") || strings.HasPrefix(l, "-- RUNS=") || strings.HasPrefix(l, "-- Performing Test") {
				lines = append(lines, l)
			}
		}
		return strings.Join(lines, "\n")
	}
	plain := configure("plain")
	compat := configure("compat", "-DCMAKE_TOOLCHAIN_FILE="+toolchain)
	want := "-- cross-compiling: no"
	if !strings.Contains(plain, want) || !strings.Contains(plain, "RUNS=1 PUTS_RUNS=1 try_run=0 output=probe ran") {
		t.Fatalf("the plain configure is not what the test expects:\n%s", plain)
	}
	if compat != plain {
		t.Errorf("configured through the toolchain file:\n%s\nplainly:\n%s", compat, plain)
	}
	if out, err := exec.Command("cmake", "--build", filepath.Join(dir, "compat")).CombinedOutput(); err != nil {
		t.Fatalf("cmake --build: %v\n%s", err, out)
	}
	assertWithin(t, "2.17", filepath.Join(dir, "compat", "probe"))
}

// TestAutotoolsConfigureRunsTestPrograms: configure's AC_RUN_IFELSE checks
// run through compatbuild exactly as they run plainly, and config.h comes
// out the same.
func TestAutotoolsConfigureRunsTestPrograms(t *testing.T) {
	if _, err := exec.LookPath("autoreconf"); err != nil {
		t.Fatal("autoreconf is not installed: .ci/run installs autoconf and automake")
	}
	src := copyDir(t, "autotools")
	if out, err := exec.Command("autoreconf", "-i", src).CombinedOutput(); err != nil {
		t.Fatalf("autoreconf: %v\n%s", err, out)
	}
	configure := func(name string, compat bool) (string, string) {
		build := filepath.Join(src, name)
		if err := os.Mkdir(build, 0o755); err != nil {
			t.Fatal(err)
		}
		var out string
		if compat {
			out = mustCB(t, build, "exec", "--glibc", "2.17", "--", "../configure")
		} else {
			cmd := exec.Command("../configure")
			cmd.Dir = build
			b, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("plain configure: %v\n%s", err, b)
			}
			out = string(b)
		}
		configH, err := os.ReadFile(filepath.Join(build, "config.h"))
		if err != nil {
			t.Fatal(err)
		}
		// The compiler's name aside (configure names CC in its messages;
		// only a plain configure looks for gcc), the checks must agree.
		wrapper := regexp.MustCompile(`/\S*/compatbuild-cc-2\.17`)
		var checks []string
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, "checking ") && !strings.HasPrefix(l, "checking for gcc... ") {
				checks = append(checks, wrapper.ReplaceAllString(l, "gcc"))
			}
		}
		return strings.Join(checks, "\n"), string(configH)
	}
	plainChecks, plainH := configure("plain", false)
	compatChecks, compatH := configure("compat", true)
	for _, want := range []string{"checking whether we are cross compiling... no", "checking whether test programs run... yes", "checking the size of a pointer, by running a program... 8"} {
		if !strings.Contains(plainChecks, want) {
			t.Fatalf("the plain configure is not what the test expects (%q missing):\n%s", want, plainChecks)
		}
	}
	if compatChecks != plainChecks {
		t.Errorf("configure through compatbuild:\n%s\nplainly:\n%s", compatChecks, plainChecks)
	}
	if compatH != plainH {
		t.Errorf("config.h through compatbuild:\n%s\nplainly:\n%s", compatH, plainH)
	}
	mustCB(t, filepath.Join(src, "compat"), "exec", "--glibc", "2.17", "--", "make")
	if got := runOld(t, filepath.Join(src, "compat", "probe")); got != "configure ran test programs; pointers are 8 bytes\n" {
		t.Errorf("probe under 2.31 printed %q", got)
	}
}

// debianPythonWithSetuptools is Debian's python3 with its setuptools and distutils
// (python3-setuptools, python3-distutils, python3-dev in .ci/run).
func debianPythonWithSetuptools(t *testing.T) string {
	t.Helper()
	const py = "/usr/bin/python3"
	if out, err := exec.Command(py, "-c", "import setuptools, sysconfig; print(sysconfig.get_config_var('LDSHARED'))").CombinedOutput(); err != nil {
		t.Fatalf("Debian's python3 with setuptools is needed (apt-get install python3-setuptools python3-dev): %v\n%s", err, out)
	}
	return py
}

// TestPythonExtensionLinkedByDistutils: Python's stdlib distutils (what
// Python ≤ 3.11 builds used; SETUPTOOLS_USE_DISTUTILS=stdlib selects it)
// links extensions with sysconfig's LDSHARED, not $CC. Through exec, and
// with the variables of 'compatbuild env', the extension links through
// compatbuild; a setup.py that sets sysconfig's linker itself is caught.
func TestPythonExtensionLinkedByDistutils(t *testing.T) {
	py := debianPythonWithSetuptools(t)
	build := func(t *testing.T, env []string, args ...string) (string, string, int) {
		dir := copyDir(t, "statext")
		out, code := cb(t, dir, append(env, "SETUPTOOLS_USE_DISTUTILS=stdlib"), args...)
		matches, _ := filepath.Glob(filepath.Join(dir, "statext*.so"))
		if len(matches) != 1 {
			return "", out, code
		}
		return matches[0], out, code
	}
	t.Run("exec", func(t *testing.T) {
		so, out, code := build(t, nil, "exec", "--glibc", "2.17", "--", py, "setup.py", "build_ext", "--inplace")
		if code != 0 || so == "" {
			t.Fatalf("exec exit %d, extension %q:\n%s", code, so, out)
		}
		assertWithin(t, "2.17", so)
	})
	t.Run("env", func(t *testing.T) {
		vars := map[string]string{}
		if err := json.Unmarshal([]byte(mustCB(t, t.TempDir(), "env", "--glibc", "2.17", "--json")), &vars); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(vars["LDSHARED"], "compatbuild-cc-2.17") {
			t.Fatalf("env sets LDSHARED=%q, want the compatbuild-cc-2.17 wrapper", vars["LDSHARED"])
		}
		dir := copyDir(t, "statext")
		cmd := exec.Command(py, "setup.py", "build_ext", "--inplace")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "SETUPTOOLS_USE_DISTUTILS=stdlib")
		for k, v := range vars {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("setup.py with compatbuild env: %v\n%s", err, out)
		}
		matches, _ := filepath.Glob(filepath.Join(dir, "statext*.so"))
		if len(matches) != 1 {
			t.Fatalf("no extension built in %s", dir)
		}
		assertWithin(t, "2.17", matches[0])
	})
	t.Run("caught", func(t *testing.T) {
		so, out, code := build(t, []string{"FORCE_SYSCONFIG_LINKER=1"}, "exec", "--glibc", "2.17", "--", py, "setup.py", "build_ext", "--inplace")
		if code != 1 {
			t.Fatalf("exec exit %d, want 1 (the extension needs glibc 2.33):\n%s", code, out)
		}
		name := filepath.Base(so)
		for _, want := range []string{"ABOVE  " + name + ": needs glibc 2.33", "compatbuild: " + name + ": likely a Python extension (setup.py)"} {
			if !strings.Contains(out, want) {
				t.Errorf("exec output lacks %q:\n%s", want, out)
			}
		}
	})
}
