// Package buildenv is the environment that makes any build system compile
// and link through compatbuild: CC and CXX point at compatbuild-cc and
// compatbuild-c++ (links to the compatbuild executable), the real
// compilers are kept in COMPATBUILD_CC/COMPATBUILD_CXX, the floor in
// COMPATBUILD_GLIBC, and cargo and cgo get their own spellings of the same.
package buildenv

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"compatbuild/internal/abidb"
	"compatbuild/internal/cachefs"
	"compatbuild/internal/target"
)

// Var is one environment variable.
type Var struct {
	Name, Value string
}

// Wrapper names: invoked under these names, compatbuild acts as
// 'compatbuild cc' / 'compatbuild c++'. The wrappers Wrappers creates carry
// the floor in their name (compatbuild-cc-2.17), so a build that loses the
// environment on the way (CMake's generated makefiles, ninja) still links
// for the right glibc.
const (
	CCName  = "compatbuild-cc"
	CXXName = "compatbuild-c++"
)

// ParseWrapperName recognises compatbuild-cc, compatbuild-c++ and their
// versioned forms; glibc is "" for the plain names. Wrappers for another
// target (compatbuild-aarch64-linux-gnu-cc-2.17) are recognised too; see
// ParseWrapper for their target.
func ParseWrapperName(name string) (cxx bool, glibc string, ok bool) {
	if w, ok := ParseWrapper(name); ok {
		return w.CXX, w.Glibc, true
	}
	return parseHostWrapperName(name)
}

func parseHostWrapperName(name string) (cxx bool, glibc string, ok bool) {
	for _, w := range []struct {
		prefix string
		cxx    bool
	}{{CCName, false}, {"compatbuild-gcc", false}, {"compatbuild-clang", false}, {CXXName, true}, {"compatbuild-g++", true}, {"compatbuild-clang++", true}} {
		if name == w.prefix {
			return w.cxx, "", true
		}
		if v, found := strings.CutPrefix(name, w.prefix+"-"); found && v != "" && (v[0] >= '0' && v[0] <= '9') {
			return w.cxx, v, true
		}
	}
	return false, "", false
}

// RustTarget is the Rust target triple of x86_64 compat builds.
const RustTarget = "x86_64-unknown-linux-gnu"

// Self returns the path of the running compatbuild executable.
func Self() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("finding the compatbuild executable: %v", err)
	}
	if real, err := filepath.EvalSymlinks(exe); err == nil {
		exe = real
	}
	return exe, nil
}

// Wrappers returns a directory holding compatbuild-cc-<glibc> and
// compatbuild-c++-<glibc> symlinks to exe, creating it in the user cache on
// first use (atomically: built aside, then renamed). The directory name
// depends on exe, so two compatbuild builds never share one. It is
// WrappersFor the x86_64 target.
func Wrappers(exe string, glibc abidb.Version) (cc, cxx string, err error) {
	return WrappersFor(exe, glibc, target.Host())
}

func linksTo(dir string, names []string, exe string) bool {
	for _, name := range names {
		if target, err := os.Readlink(filepath.Join(dir, name)); err != nil || target != exe {
			return false
		}
	}
	return true
}

// realCompiler is the compiler the wrappers call: what the user had in
// COMPATBUILD_CC or CC (unless CC already is a wrapper), else def.
func realCompiler(ownVar, userVar, def string) (string, error) {
	for _, v := range []string{os.Getenv(ownVar), os.Getenv(userVar)} {
		if v == "" || isWrapper(v) {
			continue
		}
		return v, nil
	}
	if _, err := exec.LookPath(def); err != nil {
		return "", fmt.Errorf("no %s compiler: %s not found; install it or set %s", strings.TrimPrefix(userVar, "C"), def, userVar)
	}
	return def, nil
}

// isWrapper reports whether a compiler command runs a compatbuild wrapper
// anywhere in it: "compatbuild-cc-2.17", and "ccache compatbuild-cc-2.17"
// too, which as the real compiler would make the wrapper call itself.
func isWrapper(cmd string) bool {
	for _, f := range strings.Fields(cmd) {
		if _, _, ok := ParseWrapperName(filepath.Base(f)); ok || filepath.Base(f) == "compatbuild" {
			return true
		}
	}
	return false
}

// Vars returns the environment for a compat build for glibc: for make,
// autotools, meson and CMake (CC, CXX, and MAKEFLAGS carrying CC and CXX
// as make command-line variables), Python's distutils and setuptools
// (LDSHARED, LDCXXSHARED), cargo (the Rust target's linker and the cc
// crate's CC_/CXX_ variables) and cgo (CC, CXX, CGO_ENABLED). See
// overrides.go for the build tools that ignore $CC.
func Vars(glibc abidb.Version) ([]Var, error) {
	exe, err := Self()
	if err != nil {
		return nil, err
	}
	ccw, cxxw, err := Wrappers(exe, glibc)
	if err != nil {
		return nil, err
	}
	cc, err := realCompiler("COMPATBUILD_CC", "CC", "gcc")
	if err != nil {
		return nil, err
	}
	cxx, err := realCompiler("COMPATBUILD_CXX", "CXX", "g++")
	if err != nil {
		cxx = "g++" // a C-only build needs no C++ compiler
	}
	vars := []Var{
		{"COMPATBUILD_GLIBC", glibc.String()},
		{"COMPATBUILD_CC", cc},
		{"COMPATBUILD_CXX", cxx},
	}
	return wrapperVars(vars, ccw, cxxw, target.Host())
}

// wrapperVars appends to vars what points the build tools at the wrappers
// ccw and cxxw for t: CC and CXX, the cc crate's CC_<rust triple> and
// CXX_<rust triple>, cargo's target linker, cgo's CGO_ENABLED, make's
// MAKEFLAGS and Python's LDSHARED and LDCXXSHARED (see overrides.go).
func wrapperVars(vars []Var, ccw, cxxw string, t target.Target) ([]Var, error) {
	if pathVar, bare, err := onPath(ccw); err != nil {
		return nil, err
	} else if bare {
		// make and cgo split CC at spaces, and shells expand what is in
		// it: a wrapper under "/home/Jane Doe" goes by its name, found
		// through PATH.
		vars = append(vars, pathVar)
		ccw, cxxw = filepath.Base(ccw), filepath.Base(cxxw)
	}
	triple := t.EnvTriple()
	return append(vars, []Var{
		{"CC", ccw},
		{"CXX", cxxw},
		{"CC_" + triple, ccw},
		{"CXX_" + triple, cxxw},
		{"CARGO_TARGET_" + strings.ToUpper(triple) + "_LINKER", ccw},
		{"CGO_ENABLED", "1"},
		{"MAKEFLAGS", makeVars(os.Getenv("MAKEFLAGS"), ccw, cxxw)},
		pythonVars(ccw, cxxw)[0],
		pythonVars(ccw, cxxw)[1],
	}...), nil
}

// onPath decides how build systems reach the wrapper: by its path when
// the path is a plain word for a shell (no space, quote, '$', '*', ...),
// else by its name with its directory put first on PATH (bare is true and
// pathVar is the new PATH).
func onPath(wrapper string) (pathVar Var, bare bool, err error) {
	if cachefs.ShellQuote(wrapper) == wrapper {
		return Var{}, false, nil
	}
	dir := filepath.Dir(wrapper)
	if strings.ContainsAny(dir, ":\n") {
		return Var{}, false, fmt.Errorf("the compiler wrappers' directory %q holds a ':' or a newline, so neither CC nor PATH can name it: set XDG_CACHE_HOME to a plainer directory", dir)
	}
	path := dir
	if old := os.Getenv("PATH"); old != "" {
		path += ":" + old
	}
	return Var{"PATH", path}, true, nil
}

// Apply returns environ with vars set (replacing earlier values).
func Apply(environ []string, vars []Var) []string {
	set := map[string]bool{}
	for _, v := range vars {
		set[v.Name] = true
	}
	out := make([]string, 0, len(environ)+len(vars))
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if !set[name] {
			out = append(out, kv)
		}
	}
	for _, v := range vars {
		out = append(out, v.Name+"="+v.Value)
	}
	return out
}

// ErrNoFloor is returned when no glibc floor was declared anywhere.
var ErrNoFloor = errors.New("no glibc floor given: pass --glibc X.Y (e.g. 2.17 for CentOS 7) or set COMPATBUILD_GLIBC; compatbuild will not guess and build for the host")
