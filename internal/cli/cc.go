package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"compatbuild/internal/abidb"
	"compatbuild/internal/driver"
	"compatbuild/internal/sysroot"
	"compatbuild/internal/target"
)

const ccHelp = `
Runs your COMPILER so that what it links loads on the target
glibc: links go against a cached stub sysroot for that glibc (libc and
friends, start files, libc_nonshared.a and a polyfill archive), and every
linked output is checked afterwards; a link whose output needs a newer glibc
fails and names the symbols. Compile-only calls (-c, -S, -E) go straight to
the compiler. 'compatbuild c++' does the same with $CXX, or g++.

The floor comes from --glibc (first argument), else COMPATBUILD_GLIBC. The
same commands run when compatbuild is invoked as compatbuild-cc or
compatbuild-c++ (a symlink), which is how build systems use it as CC/CXX.

Other targets: --target TRIPLE (or --arch, or COMPATBUILD_TARGET) builds for
i686-linux-gnu, aarch64-linux-gnu, arm-linux-gnueabihf, powerpc64le-linux-gnu,
s390x-linux-gnu or riscv64-linux-gnu (Rust and Debian spellings work too:
aarch64-unknown-linux-gnu, arm64, armhf, ppc64el) with your cross compiler:
$CC_<rust triple> (CC_aarch64_unknown_linux_gnu), $CC if it is one
(aarch64-linux-gnu-gcc, or clang, which gets --target), else Debian's
<triple>-gcc (apt-get install gcc-aarch64-linux-gnu), else clang with the
target's libc6-dev-<arch>-cross and libgcc-12-dev-<arch>-cross. Each target
starts at its first glibc: powerpc64le 2.19, riscv64 2.27, the others 2.17.
Wrappers for build systems carry the target in their name:
compatbuild-aarch64-linux-gnu-cc-2.17.

An interrupted link (SIGINT, SIGTERM, SIGHUP) stops the compiler and
everything it started, removes what the link wrote and exits 128+N.

Refused: -static (glibc cannot be linked statically into an old-glibc
build), also when it is part of CC; a CC or COMPATBUILD_CC that runs
compatbuild itself. Dropped with a note where the target's loader lacks what they need:
-z pack-relative-relocs below 2.36, -z mark-plt and -z gnu2-tls-tag below
2.43.

Examples:
  compatbuild cc --glibc 2.17 -O2 -shared -fPIC plugin.c -o libplugin.so
  COMPATBUILD_GLIBC=2.28 compatbuild c++ -static-libstdc++ -static-libgcc app.cc -o app
  compatbuild cc --glibc 2.17 --target aarch64-linux-gnu -O2 app.c -o app
  ln -s $(command -v compatbuild) ~/bin/compatbuild-cc; CC=compatbuild-cc make

Options (before the compiler's own arguments):
  --glibc X.Y        the oldest glibc the output must load on (2.17 to 2.44);
                     default $COMPATBUILD_GLIBC, no other default
  --target TRIPLE    build for another architecture (see above); default
                     $COMPATBUILD_TARGET, else this machine's (x86_64)
  --arch ARCH        the same by Debian or kernel name (arm64, armhf, i386,
                     ppc64el, s390x, riscv64)
Every other argument goes to the compiler unchanged.`

// floorFrom takes a leading --glibc X.Y / --glibc=X.Y from args, else
// COMPATBUILD_GLIBC, and refuses to guess when neither is there.
func floorFrom(args []string) (abidb.Version, []string, error) {
	value, rest := "", args
	switch {
	case len(args) >= 2 && args[0] == "--glibc":
		value, rest = args[1], args[2:]
	case len(args) >= 1 && strings.HasPrefix(args[0], "--glibc="):
		value, rest = strings.TrimPrefix(args[0], "--glibc="), args[1:]
	case len(args) == 1 && args[0] == "--glibc":
		return abidb.Version{}, nil, errors.New("--glibc needs a version, e.g. --glibc 2.17")
	default:
		value = os.Getenv("COMPATBUILD_GLIBC")
		if value == "" {
			return abidb.Version{}, nil, errors.New("no glibc floor given: pass --glibc X.Y (e.g. 2.17 for CentOS 7) as the first argument or set COMPATBUILD_GLIBC; compatbuild will not guess and build for the host")
		}
	}
	v, err := abidb.CheckTarget(value)
	if err != nil {
		return abidb.Version{}, nil, err
	}
	if v.Less(abidb.MustParseVersion("2.17")) {
		return abidb.Version{}, nil, fmt.Errorf("glibc %s: compatbuild links for glibc 2.17 to 2.44", v)
	}
	return v, rest, nil
}

func runCC(args []string, stdout, stderr io.Writer) int {
	return runCompiler(false, args, stdout, stderr)
}
func runCXX(args []string, stdout, stderr io.Writer) int {
	return runCompiler(true, args, stdout, stderr)
}

func runCompiler(cxx bool, args []string, stdout, stderr io.Writer) int {
	name := "cc"
	if cxx {
		name = "c++"
	}
	if len(args) == 1 && (args[0] == "--help" || args[0] == "-h") {
		compiler := "C compiler ($CC, or gcc)"
		if cxx {
			compiler = "C++ compiler ($CXX, or g++)"
		}
		help := strings.Replace(strings.TrimSpace(ccHelp), "COMPILER", compiler, 1)
		fmt.Fprintf(stdout, "Usage: compatbuild %s [--glibc X.Y] [--target TRIPLE] COMPILER-ARGS...\n\n%s\n", name, help)
		return ExitOK
	}
	tf, rest, err := floorAndTarget(args)
	if err != nil {
		return fail(stderr, "%s: %v", name, err)
	}
	compiler, err := driver.CompilerFor(tf.Target, cxx)
	if err != nil {
		return fail(stderr, "%s: %v", name, err)
	}
	code, err := driver.Run(context.Background(), driver.Options{
		Glibc: tf.Glibc, Target: tf.Target, Compiler: compiler, Stdout: stdout, Stderr: stderr,
		OwnProcess: true,
	}, rest)
	if err != nil {
		fmt.Fprintf(stderr, "compatbuild: %v\n", err)
	}
	return code
}

const sysrootHelp = `
Builds (once) and prints the path of the cached stub sysroot for a target
glibc: stub libc.so.6 and the other glibc libraries of that release, linker
scripts (libc.so, libm.so, ...), start files, libc_nonshared.a and
libcompat_polyfill.a, compiled with $CC (or gcc). It lives under
$XDG_CACHE_HOME/compatbuild/sysroot (default ~/.cache), private to you, and
is named by a hash of everything that decides its content. Each use checks
it against its manifest (SHA-256 of every file) and rebuilds it, with a
note, when anything differs; a cache directory other users own or can
write to is refused.

--prune removes the cached sysroots this compatbuild would no longer use
with the current compiler ($CC, or gcc): those of other compatbuild
versions or of a compiler that has changed, and leftovers of interrupted
builds. They are rebuilt on demand (about 0.15 s each). Run it when no build
is using the cache.

--target TRIPLE (or --arch) builds the sysroot of another target with its
cross compiler (see 'compatbuild cc --help'); --prune keeps each target's
sysroots built by its current compiler.

Examples:
  compatbuild sysroot --glibc 2.17
  compatbuild sysroot --glibc 2.17 --target aarch64-linux-gnu
  ls "$(compatbuild sysroot --glibc 2.28)"
  compatbuild sysroot --prune`

func runSysroot(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("sysroot", "--glibc X.Y [--target TRIPLE] | --prune", sysrootHelp, stderr)
	glibc := fs.String("glibc", "", "target glibc release, 2.17 to 2.44")
	arch := targetFlag(fs)
	prune := fs.Bool("prune", false, "remove cached sysroots no longer in use, instead of building one")
	if stop, code := parseFlags(fs, args, stdout, stderr); stop {
		return code
	}
	if fs.NArg() > 0 {
		return fail(stderr, "sysroot: unexpected argument %q; see 'compatbuild sysroot --help'", fs.Arg(0))
	}
	if *prune {
		if *glibc != "" {
			return fail(stderr, "sysroot: --prune and --glibc do not go together: --prune keeps every sysroot in use")
		}
		return pruneSysroots(stdout, stderr)
	}
	if *glibc == "" {
		*glibc = os.Getenv("COMPATBUILD_GLIBC")
	}
	if *glibc == "" {
		return fail(stderr, "sysroot: --glibc X.Y is required (e.g. 2.17)")
	}
	tf, rest, err := floorAndTarget([]string{"--glibc", *glibc, "--target", *arch})
	if *arch == "" {
		tf, rest, err = floorAndTarget([]string{"--glibc", *glibc})
	}
	if err != nil || len(rest) != 0 {
		return fail(stderr, "sysroot: %v", err)
	}
	cc, err := driver.SysrootCompilerFor(tf.Target)
	if err != nil {
		return fail(stderr, "sysroot: %v", err)
	}
	sr, err := sysroot.Ensure(context.Background(), sysroot.Spec{Arch: tf.Target.ABI, Glibc: tf.Glibc, CC: cc})
	if err != nil {
		return fail(stderr, "sysroot: %v", err)
	}
	if sr.Note != "" {
		fmt.Fprintf(stderr, "compatbuild: note: %s\n", sr.Note)
	}
	fmt.Fprintln(stdout, sr.Dir)
	return ExitOK
}

func pruneSysroots(stdout, stderr io.Writer) int {
	removed, kept, err := sysroot.PruneFor(func(abi string) ([]string, error) {
		t, ok := target.ByABI(abi)
		if !ok {
			return nil, fmt.Errorf("unknown ABI %s", abi)
		}
		return driver.SysrootCompilerFor(t)
	})
	for _, r := range removed {
		fmt.Fprintf(stdout, "removed %s (%d KB): %s\n", r.Dir, (r.Bytes+1023)/1024, r.Why)
	}
	if err != nil {
		return fail(stderr, "sysroot --prune: %v", err)
	}
	var total int64
	for _, r := range removed {
		total += r.Bytes
	}
	fmt.Fprintf(stdout, "%d removed (%d KB freed), %d kept\n", len(removed), (total+1023)/1024, kept)
	return ExitOK
}
