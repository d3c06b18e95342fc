package buildenv

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"

	"compatbuild/internal/abidb"
	"compatbuild/internal/cachefs"
	"compatbuild/internal/target"
	"compatbuild/internal/toolchain"
)

// Wrapper is what a compiler wrapper's name says.
type Wrapper struct {
	CXX    bool
	Glibc  string        // "" when the name carries no floor
	Target target.Target // x86_64 for the names without a triple
}

var wrapperRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^compatbuild-(?:(.+)-)?(cc|gcc|clang|c\+\+|g\+\+|clang\+\+)(?:-([0-9][0-9.]*))?$`)
})

// ParseWrapper recognises the wrapper names: compatbuild-cc,
// compatbuild-c++ (and -gcc, -g++, -clang, -clang++), with an optional
// floor suffix (compatbuild-cc-2.17) and an optional target triple after
// "compatbuild-" (compatbuild-aarch64-linux-gnu-cc-2.17).
func ParseWrapper(name string) (Wrapper, bool) {
	m := wrapperRe().FindStringSubmatch(name)
	if m == nil {
		return Wrapper{}, false
	}
	w := Wrapper{CXX: strings.HasSuffix(m[2], "++"), Glibc: m[3], Target: target.Host()}
	if m[1] != "" {
		t, err := target.Parse(m[1])
		if err != nil {
			return Wrapper{}, false
		}
		w.Target = t
	}
	return w, true
}

// WrapperNames are the C and C++ wrapper names for glibc and t:
// compatbuild-cc-2.17 for x86_64, compatbuild-<triple>-cc-2.17 otherwise.
func WrapperNames(glibc abidb.Version, t target.Target) (cc, cxx string) {
	prefix := "compatbuild-"
	if !t.IsHost() {
		prefix += t.Triple + "-"
	}
	return prefix + "cc-" + glibc.String(), prefix + "c++-" + glibc.String()
}

// WrappersFor returns a directory holding the wrappers for glibc and t,
// symlinks to exe named as WrapperNames says (compatbuild-cc-2.17 for
// x86_64, compatbuild-<triple>-cc-2.17 otherwise), creating it in the
// user cache on first use (atomically: built aside, then renamed). The
// directory name depends on exe, so two compatbuild builds never share
// one.
func WrappersFor(exe string, glibc abidb.Version, t target.Target) (cc, cxx string, err error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", "", fmt.Errorf("no cache directory (%v): set XDG_CACHE_HOME or HOME", err)
	}
	sum := sha256.Sum256([]byte(exe))
	// The wrappers are what CC runs: a directory others can write to
	// would let them swap in their own compiler.
	binRoot := filepath.Join(base, "compatbuild", "bin")
	if err := cachefs.PrivateDir(binRoot); err != nil {
		return "", "", err
	}
	name := hex.EncodeToString(sum[:])[:16] + "-glibc" + glibc.String()
	if !t.IsHost() {
		name = hex.EncodeToString(sum[:])[:16] + "-" + t.Triple + "-glibc" + glibc.String()
	}
	dir := filepath.Join(binRoot, name)
	ccName, cxxName := WrapperNames(glibc, t)
	names := []string{ccName, cxxName}
	cc, cxx = filepath.Join(dir, names[0]), filepath.Join(dir, names[1])
	if linksTo(dir, names, exe) {
		return cc, cxx, nil
	}
	tmp, err := os.MkdirTemp(binRoot, ".tmp-")
	if err != nil {
		return "", "", err
	}
	defer os.RemoveAll(tmp)
	for _, name := range names {
		if err := os.Symlink(exe, filepath.Join(tmp, name)); err != nil {
			return "", "", err
		}
	}
	if err := os.Rename(tmp, dir); err != nil && !linksTo(dir, names, exe) {
		// Not a concurrent install that won: dir is damaged (a link
		// deleted or retargeted, a CI cache restore that kept the
		// directory but not its symlinks). Move it aside and install.
		what := damage(dir, names, exe)
		if err := replaceDamaged(binRoot, dir, tmp); err != nil && !linksTo(dir, names, exe) {
			return "", "", fmt.Errorf("installing compiler wrappers in %s (%s): %v; remove that directory", dir, what, err)
		}
		fmt.Fprintf(Notes, "compatbuild: note: the compiler wrappers in %s were damaged (%s); installed them again\n", dir, what)
	}
	return cc, cxx, nil
}

// Notes receives the notes of a repaired wrapper directory.
var Notes io.Writer = os.Stderr

// damage says what is wrong with a wrapper directory that linksTo refused.
func damage(dir string, names []string, exe string) string {
	fi, err := os.Lstat(dir)
	if err != nil {
		return err.Error()
	}
	if !fi.IsDir() {
		return "not a directory"
	}
	for _, name := range names {
		to, err := os.Readlink(filepath.Join(dir, name))
		switch {
		case os.IsNotExist(err):
			return name + " is missing"
		case err != nil:
			return name + " is not a symlink"
		case to != exe:
			return name + " points to " + to + ", not " + exe
		}
	}
	return "unreadable"
}

// replaceDamaged renames dir out of the way (into a fresh directory under
// binRoot, removed afterwards) and tmp into its place.
func replaceDamaged(binRoot, dir, tmp string) error {
	aside, err := os.MkdirTemp(binRoot, ".damaged-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(aside)
	if err := os.Rename(dir, filepath.Join(aside, "old")); err != nil && !os.IsNotExist(err) {
		return err
	}
	return os.Rename(tmp, dir)
}

// VarsFor is Vars for target t. Besides the wrappers and the real cross
// compilers (COMPATBUILD_CC/CXX, with COMPATBUILD_TARGET naming the
// target), it sets the cc crate's CC_<rust triple>/CXX_<rust triple>,
// cargo's CARGO_TARGET_<TRIPLE>_LINKER, cgo's GOARCH (GOARM for arm) and
// CGO_ENABLED, make's MAKEFLAGS and Python's LDSHARED/LDCXXSHARED as Vars
// does, and AR/RANLIB/STRIP to the target's binutils when they are
// installed. A C++ compiler is only required for C++ builds: without one
// COMPATBUILD_CXX names Debian's <triple>-g++.
func VarsFor(glibc abidb.Version, t target.Target) ([]Var, error) {
	if t.IsHost() {
		return Vars(glibc)
	}
	exe, err := Self()
	if err != nil {
		return nil, err
	}
	ccw, cxxw, err := WrappersFor(exe, glibc, t)
	if err != nil {
		return nil, err
	}
	cc, err := toolchain.Compiler(t, false, toolchain.Env{})
	if err != nil {
		return nil, err
	}
	cxx, err := toolchain.Compiler(t, true, toolchain.Env{})
	if err != nil {
		// A C-only build needs none; a C++ one fails naming this program.
		cxx = []string{t.Triple + "-g++"}
	}
	vars, err := wrapperVars([]Var{
		{"COMPATBUILD_GLIBC", glibc.String()},
		{"COMPATBUILD_TARGET", t.Triple},
		{"COMPATBUILD_CC", strings.Join(cc, " ")},
		{"COMPATBUILD_CXX", strings.Join(cxx, " ")},
	}, ccw, cxxw, t)
	if err != nil {
		return nil, err
	}
	vars = append(vars, Var{"GOARCH", t.GOARCH})
	if t.GOARM != "" {
		vars = append(vars, Var{"GOARM", t.GOARM})
	}
	for _, tool := range []struct{ name, prog string }{{"AR", "ar"}, {"RANLIB", "ranlib"}, {"STRIP", "strip"}} {
		if p, err := exec.LookPath(t.Triple + "-" + tool.prog); err == nil {
			vars = append(vars, Var{tool.name, p})
		}
	}
	return vars, nil
}

// HostArch is this machine's architecture as uname -m prints it (CMake's
// CMAKE_HOST_SYSTEM_PROCESSOR), or "" if the kernel does not say.
func HostArch() string {
	var u syscall.Utsname
	if err := syscall.Uname(&u); err != nil {
		return ""
	}
	b := make([]byte, 0, len(u.Machine))
	for _, c := range u.Machine {
		b = append(b, byte(c))
	}
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

// CrossCompiling reports whether building for t on this machine is a
// cross build: whether t is another architecture than this machine's
// (uname -m, read through target.Parse, so i686 and armv7l name i386 and
// arm; Go's GOARCH when the kernel does not say). Building for an older
// glibc is not one: the outputs run here, whose glibc is newer than the
// target, so configure-time test programs (AC_RUN_IFELSE, CMake's try_run
// and check_c_source_runs, meson's run checks) must run as usual. Telling
// a build system otherwise makes it skip them, guess, or take its
// cross-compiling branch. i386 on x86_64 is a cross build: another
// processor, whose programs need the target's libraries to run.
func CrossCompiling(t target.Target) bool {
	host, err := target.Parse(HostArch())
	if err != nil {
		if host, err = target.ByGOARCH(runtime.GOARCH); err != nil {
			return true // a machine compatbuild has no target for
		}
	}
	return host.ABI != t.ABI
}
