package driver

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// Loops. The driver runs the compiler command; if that command runs
// compatbuild again, each run starts the next and the build never ends
// (CC="ccache compatbuild-cc-2.17" once looped at about 340 execs a
// second). Two guards:
//
//   - a compiler command that names compatbuild anywhere in it (a launcher
//     such as ccache or distcc in front of a wrapper) is never used as the
//     real compiler: CC is skipped (build systems point CC at the wrapper
//     on purpose, COMPATBUILD_CC keeps the real one), and one given
//     explicitly (COMPATBUILD_CC) is refused;
//   - the driver marks the environment of the compilers it starts with
//     reentryVar; a driver that finds the mark was started, some way or
//     other, by a compiler a driver runs, and refuses at once, naming the
//     command that called it back. (The sysroot's own compiles are not
//     marked; a compiler that calls compatbuild back there makes a
//     compile-only call, which execs the compiler marked, and ends.)

// reentryVar carries the compiler command of the driver that set it.
const reentryVar = "COMPATBUILD_DRIVER_COMPILER"

// namesCompatbuild reports whether any word of a compiler command is
// compatbuild or one of its wrappers (compatbuild-cc-2.17, ...).
func namesCompatbuild(cmd []string) bool {
	for _, w := range cmd {
		if isWrapper(w) {
			return true
		}
	}
	return false
}

// checkReentry refuses a compiler command that would run compatbuild, and
// a driver started by a compiler that a driver runs.
func checkReentry(compiler []string) error {
	if outer := os.Getenv(reentryVar); outer != "" {
		return errorf("compatbuild was started again by the compiler it runs (%s), which would never end: set COMPATBUILD_CC (or CC) to the real compiler, e.g. gcc or \"ccache gcc\", not to something that runs compatbuild", outer)
	}
	if namesCompatbuild(compiler) {
		return errorf("the compiler command %q runs compatbuild itself, which would never end: set COMPATBUILD_CC (or CC) to the real compiler, e.g. gcc or \"ccache gcc\"; put launchers like ccache in front of the real compiler, not of compatbuild-cc", strings.Join(compiler, " "))
	}
	return nil
}

// childEnv is the environment of a compiler the driver starts (the link,
// the compiler a compile-only call becomes): marked with reentryVar, and
// with the link's private TMPDIR (withTempDir). The driver's own
// environment stays as it is: cli tests run many drivers in one process.
func childEnv(ctx context.Context) []string {
	compiler, _ := ctx.Value(compilerKey{}).(string)
	if compiler == "" {
		compiler = "compatbuild"
	}
	set := []string{reentryVar + "=" + compiler}
	if dir, ok := ctx.Value(tempDirKey{}).(string); ok {
		set = append(set, "TMPDIR="+dir)
	}
	// Replaced, not appended: getenv takes the first of two.
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return strings.HasPrefix(kv, reentryVar+"=") || (len(set) > 1 && strings.HasPrefix(kv, "TMPDIR="))
	})
	return append(env, set...)
}

type compilerKey struct{}

// withCompiler records the compiler command for the marker's message.
func withCompiler(ctx context.Context, compiler []string) context.Context {
	return context.WithValue(ctx, compilerKey{}, strings.Join(compiler, " "))
}

type tempDirKey struct{}

// withTempDir makes dir the TMPDIR of the compilers started under ctx
// (see tmpdir.go).
func withTempDir(ctx context.Context, dir string) context.Context {
	return context.WithValue(ctx, tempDirKey{}, dir)
}

func isWrapper(cmd string) bool {
	base := filepath.Base(cmd)
	return strings.HasPrefix(base, "compatbuild-") || base == "compatbuild" || isSelf(cmd)
}

// isSelf reports whether cmd, found on PATH as the shell would and with
// its symlinks resolved, is this very program under another name (a link
// called gcc in front of PATH, CC pointing at one).
func isSelf(cmd string) bool {
	self := selfPath()
	if self == "" {
		return false
	}
	p, err := lookPath(cmd)
	if err != nil {
		return false
	}
	if r, err := filepath.EvalSymlinks(p); err == nil {
		p = r
	}
	return p == self
}

// selfPath is the running executable with its symlinks resolved, or ""
// when it cannot be told.
var selfPath = sync.OnceValue(func() string {
	p, err := os.Executable()
	if err != nil {
		return ""
	}
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return p
})
