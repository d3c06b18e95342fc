package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"unsafe"

	"compatbuild/internal/runtimes"
	"compatbuild/internal/verify"
)

const verifyHelp = `
Proves that shared libraries, executables and Python wheels load and run
under a real glibc, with no container: each ARTIFACT is tried on each
runtime and the result is a matrix of PASS/FAIL (or SKIP) with the reason
for every cell.

  shared library   loaded by a host (--host): by default with
                   dlopen(RTLD_NOW) by a small program that compatbuild
                   builds for the runtime's glibc; a failure shows the
                   loader's exact error, e.g.
                   version ` + "`GLIBC_2.34'" + ` not found (required by ./libplugin.so)
                   --call NAME then calls NAME, a function with no arguments.
  executable       run with the ARGS after --; it passes when it exits with
                   --expect-exit (default 0).
  wheel (.whl)     installed into a private directory; the runtime's own
                   Python imports its top-level packages and every
                   extension module by its dotted name (pkg._native), if
                   pip there would install it (else SKIP, or FAIL for a
                   manylinux tag above the runtime's glibc). Modules of
                   another architecture FAIL it; pkg.libs/ (auditwheel's
                   bundled libraries) is not imported.
  static program   run directly: it carries its own C library.

Programs start as the target starts them: through their own PT_INTERP, with
the runtime's loader standing there (a private mount namespace), the
runtime's libraries first. Where the machine allows no mount namespace, a
private copy of the program names the runtime's loader instead; the result
says so.

Hosts (--host) are programs of the runtime's own system, fetched with it:
  dlopen          compatbuild's dlopen host (the default)
  python3         the runtime's Python (debian:11 3.9, debian:12 3.11,
                  debian:13 3.13) imports the extension module; an abi3
                  module (NAME.abi3.so) loads on all of them, a
                  version-specific one (NAME.cpython-39-x86_64-linux-gnu.so)
                  only where the version matches, and SKIPs elsewhere
  node            the runtime's Node.js require()s the N-API addon (a file
                  named *.node)
Python and Node.js are first started without the artifact; one that does
not start makes the cell INCONCLUSIVE, not FAIL. In the mount namespace the
runtime's /usr/share and /usr/lib lie over this machine's (read-only), so a
host finds its own data files.
  'PROG ARGS {}'  any program of the runtime's packages (add them with
                  --package), run with the artifact's path in place of {};
                  it passes when it exits with --expect-exit

Runtimes (--on, repeatable or comma-separated; default debian:11, the oldest):
  debian:11  glibc 2.31    debian:12  glibc 2.36    debian:13  glibc 2.41
  all        all three
  DIR        an extracted root filesystem, e.g. from
             'docker export $(docker create centos:7) | tar -x -C DIR'
             (--package does not apply: install into DIR)
Named runtimes are downloaded once through this machine's apt sources
(Debian packages libc6, libgcc-s1, libstdc++6, plus --package ones) and
cached under $XDG_CACHE_HOME/compatbuild/runtimes (default ~/.cache).

Architectures: the runtimes are of the artifacts' architecture (--arch
picks another spelling or armel). Programs of another architecture run
under Debian's qemu-user (qemu-aarch64, qemu-arm, qemu-ppc64le, qemu-s390x,
qemu-riscv64; apt-get install qemu-user) with the runtime's own loader;
i386 runs natively on x86_64. The dlopen host for a foreign shared library
is built with that target's cross compiler (see 'compatbuild cc --help').
riscv64 has a Debian runtime from debian:13 on.

A run also FAILS when the artifact needs a library the runtime lacks and the
loader took the host's copy from /lib or /usr/lib: that proves nothing about
the target. Add the library's Debian package with --package, or the directory
of the artifact's own libraries with --lib-path.

A first fetch of a runtime says what it downloads and, on a terminal, how
far it is. A cached runtime is checked against the manifest written when it
was fetched; a damaged one is an error that names the directory to remove.

A program the artifact starts is the target's where the runtime has it:
every named runtime carries its release's /bin/sh, which system(), popen()
and posix_spawn of sh run, and --package brings more (coreutils for ls).
One the runtime lacks is this machine's program; when it cannot run on the
runtime's glibc the cell is INCONCLUSIVE, naming the program, the glibc
version it needs and the Debian package that owns it here: add it with
--package to verify with the target's.

Exit status: 0 when no cell fails and one passes, 1 when any fails (or all
were skipped), 3 when none fails but some are inconclusive, 2 on usage
errors, unreadable artifacts, unknown runtimes or failed downloads, 128+N
when interrupted by signal N.

Examples:
  compatbuild verify target/release/libplugin.so
  compatbuild verify --on all --call plugin_init build/libplugin.so
  compatbuild verify --on debian:11,debian:13 ./app -- --version
  compatbuild verify --on debian:11 --arch arm64 --call plugin_init libplugin-arm64.so
  compatbuild verify --on ./centos7-root --lib-path build/lib build/app
  compatbuild verify --on all --package zlib1g --json dist/*.so > verify.json
  compatbuild verify --on debian:11,debian:13 --host python3 --call hello build/lib*/mod.abi3.so
  compatbuild verify --on all dist/mod-1.0-cp37-abi3-linux_x86_64.whl
  compatbuild verify --host node --call hello build/Release/addon.node
  compatbuild verify --package python3-minimal --host 'python3 -c "import ctypes,sys; ctypes.CDLL(sys.argv[1])" {}' libplugin.so`

// listFlag is a repeatable flag whose values may also be separated by sep.
type listFlag struct {
	values *[]string
	sep    string
}

func (l listFlag) String() string {
	if l.values == nil {
		return ""
	}
	return strings.Join(*l.values, l.sep)
}

func (l listFlag) Set(s string) error {
	for _, v := range strings.Split(s, l.sep) {
		if v = strings.TrimSpace(v); v != "" {
			*l.values = append(*l.values, v)
		}
	}
	return nil
}

// optionalInt is an int flag that knows whether it was given.
type optionalInt struct{ v *int }

func (o *optionalInt) String() string {
	if o == nil || o.v == nil {
		return ""
	}
	return strconv.Itoa(*o.v)
}

func (o *optionalInt) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("want an integer, e.g. 0")
	}
	o.v = &n
	return nil
}

func runVerify(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("verify", "[options] ARTIFACT... [-- ARGS for executables]", verifyHelp, stderr)
	var opts verify.Options
	fs.Var(listFlag{&opts.Runtimes, ","}, "on", "`RUNTIME` to verify on: "+strings.Join(runtimes.Names(), ", ")+", all, or a root filesystem folder (repeatable; default "+verify.DefaultRuntime+")")
	fs.StringVar(&opts.Call, "call", "", "after loading each shared library, call this exported function `NAME` (void NAME(void))")
	var expectReturn optionalInt
	fs.Var(&expectReturn, "expect-return", "with --call: call it as int NAME(void) and require this `value`")
	fs.IntVar(&opts.ExpectExit, "expect-exit", 0, "exit `status` executables must end with")
	fs.Var(listFlag{&opts.LibPath, ":"}, "lib-path", "`DIR` with the artifacts' own libraries, searched before the runtime's (repeatable)")
	fs.StringVar(&opts.Arch, "arch", "", "`ARCH` of the runtimes (Debian name: amd64, i386, arm64, armhf, ppc64el, s390x, riscv64); default: the artifacts' own. Foreign ones run under qemu-user")
	fs.Var(listFlag{&opts.Packages, ","}, "package", "extra Debian `PKG` for named runtimes, e.g. zlib1g (repeatable)")
	fs.DurationVar(&opts.Timeout, "timeout", verify.DefaultTimeout, "time limit of each run")
	fs.StringVar(&opts.Host, "host", "", "what loads shared libraries: dlopen (default), python3, node, or 'PROG ARGS {}' from the runtime's packages")
	asJSON := fs.Bool("json", false, "write one JSON document (schema "+verify.Schema+", see docs/verify-json.md)")

	// Flags may come after artifacts; everything after the first "--" is
	// the executables' arguments.
	mine, execArgs := args, []string(nil)
	for i, a := range args {
		if a == "--" {
			mine, execArgs = args[:i], args[i+1:]
			break
		}
	}
	for _, a := range mine {
		if a == "-h" || a == "-help" || a == "--help" {
			fs.SetOutput(stdout)
			fs.Usage()
			return ExitOK
		}
	}
	// A bad flag is one line, not the flag package's message plus the
	// whole help text.
	fs.SetOutput(io.Discard)
	var paths []string
	for rest := mine; ; {
		if err := fs.Parse(rest); err != nil {
			return fail(stderr, "verify: %v; see 'compatbuild verify --help'", err)
		}
		rest = fs.Args()
		for len(rest) > 0 && !isFlag(rest[0]) {
			paths = append(paths, rest[0])
			rest = rest[1:]
		}
		if len(rest) == 0 {
			break
		}
	}
	opts.ExpectReturn = expectReturn.v
	opts.Args = execArgs
	if len(paths) == 0 {
		return fail(stderr, "verify needs at least one shared library or executable; see 'compatbuild verify --help'")
	}
	if opts.Timeout <= 0 {
		return fail(stderr, "verify: --timeout must be positive, e.g. 30s")
	}
	// What a first fetch downloads is said anywhere (a CI log too); the
	// rewritten progress line only on a terminal.
	opts.Progress, opts.ProgressLine = stderr, isTerminal(stderr)
	// A signal cancels the run: children (apt-get, the programs under
	// test) are stopped and temporary files removed before the exit.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	caught := make(chan os.Signal, 1)
	signal.Notify(caught, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(caught)
	rep, err := verify.Run(ctx, paths, opts)
	select {
	case sig := <-caught:
		fmt.Fprintf(stderr, "compatbuild: verify: interrupted by %v; stopped what was running and removed unfinished downloads\n", sig)
		return 128 + int(sig.(syscall.Signal))
	default:
	}
	if err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintf(stderr, "compatbuild: verify: %s\n", line)
		}
		return ExitUsage
	}
	if *asJSON {
		err = rep.WriteJSON(stdout)
	} else {
		err = rep.WriteText(stdout)
	}
	if err != nil {
		return fail(stderr, "verify: writing the report: %v", err)
	}
	if rep.Failed() {
		return ExitFail
	}
	if rep.Inconclusive() {
		return verify.ExitInconclusive
	}
	return ExitOK
}

func isFlag(s string) bool { return len(s) > 1 && s[0] == '-' }

var _ flag.Value = listFlag{}

// isTerminal reports whether w is a terminal (progress lines are for
// people; logs and pipes get none).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	var t syscall.Termios
	_, _, errno := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), syscall.TCGETS, uintptr(unsafe.Pointer(&t)))
	return errno == 0
}
