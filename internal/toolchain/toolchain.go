// Package toolchain finds the user's own C and C++ compiler for a target
// other than this machine's: a cross compiler from Debian's gcc-<triple>
// packages, or clang with --target=<triple> and the target's libc headers
// and libgcc (libc6-dev-<arch>-cross, libgcc-12-dev-<arch>-cross). It never
// downloads one: when none is there it says which package to install.
package toolchain

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"compatbuild/internal/target"
)

// Env is how the search reads the environment and the file system; the
// zero value uses the process's.
type Env struct {
	Getenv   func(string) string
	LookPath func(string) (string, error)
	Exists   func(string) bool
}

func (e Env) getenv(k string) string {
	if e.Getenv != nil {
		return e.Getenv(k)
	}
	return os.Getenv(k)
}

func (e Env) lookPath(name string) (string, error) {
	if e.LookPath != nil {
		return e.LookPath(name)
	}
	return exec.LookPath(name)
}

func (e Env) exists(p string) bool {
	if e.Exists != nil {
		return e.Exists(p)
	}
	_, err := os.Stat(p)
	return err == nil
}

// Compiler returns the C (or with cxx, C++) compiler command that builds
// for t, the first of:
//
//  1. $COMPATBUILD_CC/$COMPATBUILD_CXX when $COMPATBUILD_TARGET names t
//     (what 'compatbuild env --target' sets for the wrappers);
//  2. $CC_<rust triple>/$CXX_<rust triple> as cargo's cc crate spells them
//     (CC_aarch64_unknown_linux_gnu, CC_aarch64-unknown-linux-gnu), then
//     with the GNU triple (CC_aarch64_linux_gnu);
//  3. $CC/$CXX when it is a compiler for t: its name starts with the
//     triple (aarch64-linux-gnu-gcc), or it is clang, which gets
//     --target=<triple>;
//  4. <triple>-gcc/<triple>-g++ on PATH (Debian's gcc-<triple>);
//  5. clang/clang++ with --target=<triple>, when the target's libc headers
//     and libgcc are installed.
//
// Variables of steps 2 and 3 that run compatbuild anywhere (a wrapper, or a
// launcher in front of one) are skipped: build systems point CC at the wrappers on
// purpose. $COMPATBUILD_CC, given to name the real compiler, is returned
// as it is, and the driver refuses one that would run compatbuild again.
// Without any, the error names the Debian packages to install.
func Compiler(t target.Target, cxx bool, env Env) ([]string, error) {
	kind, own, user, gnu, clang := "C", "COMPATBUILD_CC", "CC", "gcc", "clang"
	if cxx {
		kind, own, user, gnu, clang = "C++", "COMPATBUILD_CXX", "CXX", "g++", "clang++"
	}
	if v := strings.Fields(env.getenv(own)); len(v) > 0 && sameTarget(env.getenv("COMPATBUILD_TARGET"), t) {
		return v, nil
	}
	for _, name := range []string{user + "_" + t.EnvTriple(), user + "_" + t.Rust, user + "_" + strings.ReplaceAll(t.Triple, "-", "_")} {
		if v := strings.Fields(env.getenv(name)); len(v) > 0 && !hasWrapper(v) {
			return withTarget(v, t), nil
		}
	}
	if v := strings.Fields(env.getenv(user)); len(v) > 0 && !hasWrapper(v) {
		base := filepath.Base(v[0])
		if len(v) > 1 && strings.HasPrefix(base, "ccache") {
			base = filepath.Base(v[1])
		}
		if strings.HasPrefix(base, t.Triple+"-") || isClang(base) {
			return withTarget(v, t), nil
		}
	}
	if p, err := env.lookPath(t.Triple + "-" + gnu); err == nil {
		return []string{p}, nil
	}
	clangPath, clangErr := env.lookPath(clang)
	if clangErr == nil && env.exists(filepath.Join("/usr", t.Triple, "include", "stdio.h")) && hasLibgcc(env, t) {
		return []string{clangPath, "--target=" + t.Triple}, nil
	}
	pkgs := strings.Join(t.CrossPackages(cxx), " ")
	msg := fmt.Sprintf("no %s compiler for %s: install Debian's %s (apt-get install %s)", kind, t.Triple, pkgs, pkgs)
	if clangErr == nil {
		msg += fmt.Sprintf(", or for %s the target's headers and libgcc (apt-get install %s)", clang, strings.Join(t.ClangPackages(), " "))
	}
	return nil, fmt.Errorf("%s, or set %s_%s to your cross compiler", msg, user, t.EnvTriple())
}

// hasLibgcc reports whether a Debian cross libgcc for t is installed
// (clang takes crtbeginS.o and libgcc from it).
func hasLibgcc(env Env, t target.Target) bool {
	if env.Exists != nil {
		return env.exists(filepath.Join("/usr/lib/gcc-cross", t.Triple))
	}
	matches, _ := filepath.Glob(filepath.Join("/usr/lib/gcc-cross", t.Triple, "*", "crtbeginS.o"))
	return len(matches) > 0
}

// withTarget adds --target=<triple> to a clang command that lacks one.
func withTarget(cmd []string, t target.Target) []string {
	name := cmd[0]
	if len(cmd) > 1 && strings.HasPrefix(filepath.Base(cmd[0]), "ccache") {
		name = cmd[1]
	}
	if !isClang(filepath.Base(name)) {
		return cmd
	}
	for _, a := range cmd {
		if a == "-target" || strings.HasPrefix(a, "--target=") {
			return cmd
		}
	}
	return append(append([]string(nil), cmd...), "--target="+t.Triple)
}

func isClang(base string) bool {
	return base == "clang" || base == "clang++" || strings.HasPrefix(base, "clang-") || strings.HasPrefix(base, "clang++-")
}

// sameTarget reports whether the COMPATBUILD_TARGET value v names t.
func sameTarget(v string, t target.Target) bool {
	if v == "" {
		return t.IsHost()
	}
	got, err := target.Parse(v)
	return err == nil && got.ABI == t.ABI
}

// hasWrapper reports whether a compiler command runs compatbuild anywhere
// in it: "compatbuild-aarch64-linux-gnu-cc-2.17", and a launcher in front
// of it too ("ccache compatbuild-...-cc-2.17"), which as the real compiler
// would make the wrapper call itself.
func hasWrapper(cmd []string) bool {
	for _, f := range cmd {
		base := filepath.Base(f)
		if strings.HasPrefix(base, "compatbuild-") || base == "compatbuild" {
			return true
		}
	}
	return false
}
