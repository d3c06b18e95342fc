package driver

import (
	"context"
	"os"
	"path/filepath"
	"strings"
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
//   - the driver marks the environment of everything it starts with
//     reentryVar; a driver that finds the mark was started, some way or
//     other, by a compiler a driver runs, and refuses at once, naming the
//     command that called it back.

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

// markChildren sets reentryVar in this process's environment, which every
// compiler it starts inherits (the link, the sysroot's compiles, and the
// compiler a compile-only call becomes).
func markChildren(compiler []string) {
	os.Setenv(reentryVar, strings.Join(compiler, " "))
}

// childEnv is the environment of a compiler the driver starts: marked
// even when the driver runs inside a longer-lived process (tests), which
// must not mark itself, and with the link's private TMPDIR (withTempDir).
func childEnv(ctx context.Context) []string {
	env := os.Environ()
	if os.Getenv(reentryVar) == "" {
		env = append(env, reentryVar+"=compatbuild")
	}
	if dir, ok := ctx.Value(tempDirKey{}).(string); ok {
		env = append(env, "TMPDIR="+dir)
	}
	return env
}

type tempDirKey struct{}

// withTempDir makes dir the TMPDIR of the compilers started under ctx.
// Why: gcc interrupted by a signal sometimes leaves its temporary files
// (ccXXXXXX.s, .o) behind, a race in its cleanup that plain gcc shows too;
// a directory of the link's own is removed whole when the link ends.
func withTempDir(ctx context.Context, dir string) context.Context {
	return context.WithValue(ctx, tempDirKey{}, dir)
}

func isWrapper(cmd string) bool {
	base := filepath.Base(cmd)
	return strings.HasPrefix(base, "compatbuild-") || base == "compatbuild"
}
