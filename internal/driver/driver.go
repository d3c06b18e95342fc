// Package driver wraps the user's C/C++ compiler so that links bind only to
// the symbol versions of a target glibc: it puts a stub sysroot in front of
// the host's libraries, then reads every output it links and fails the link
// if the result needs a newer glibc than the target.
//
// Compile-only invocations (-c, -S, -E) are handed to the compiler
// unchanged: the driver replaces itself with the compiler process.
package driver

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"

	"compatbuild/internal/abidb"
	"compatbuild/internal/check"
	"compatbuild/internal/elfinfo"
	"compatbuild/internal/libcompat"
	"compatbuild/internal/sysroot"
)

// Options configure one compiler invocation.
type Options struct {
	Glibc    abidb.Version
	Compiler []string // the real compiler command, e.g. ["gcc"]
	Stdout   io.Writer
	Stderr   io.Writer
	// OwnProcess says the process exists for this one invocation (the
	// compatbuild-cc wrapper), so Run may replace it with the compiler for
	// a call that links nothing.
	OwnProcess bool
}

// Error is a driver failure that is not the compiler's own: it carries a
// one-line message and the exit code to use.
type Error struct {
	Msg  string
	Code int
}

func (e *Error) Error() string { return e.Msg }

func errorf(format string, args ...any) error {
	return &Error{Msg: fmt.Sprintf(format, args...), Code: 2}
}

// DefaultCompiler returns the compiler command for C or C++:
// $COMPATBUILD_CC / $COMPATBUILD_CXX (set by 'compatbuild env' and friends,
// which point CC at the wrappers), else $CC / $CXX (which may carry
// arguments, e.g. "ccache gcc"), else gcc / g++. A value naming a
// compatbuild wrapper is skipped, so the driver never calls itself.
func DefaultCompiler(cxx bool) []string {
	own, user, def := "COMPATBUILD_CC", "CC", "gcc"
	if cxx {
		own, user, def = "COMPATBUILD_CXX", "CXX", "g++"
	}
	for _, env := range []string{own, user} {
		if v := strings.Fields(os.Getenv(env)); len(v) > 0 && !isWrapper(v[0]) {
			return v
		}
	}
	return []string{def}
}

// SysrootCompiler is the C compiler that builds the sysroot's start files
// and archives: the C compiler DefaultCompiler picks, else the first of
// gcc, cc, clang that exists. C++ links use it too, so c++ and cc share one
// cached sysroot.
func SysrootCompiler() []string {
	if cc := DefaultCompiler(false); cc[0] != "gcc" {
		return cc
	}
	for _, c := range []string{"gcc", "cc", "clang"} {
		if path, err := lookPath(c); err == nil {
			return []string{path}
		}
	}
	return []string{"gcc"}
}

// lookPath is exec.LookPath remembered for the life of the process: a
// link looks up the compiler more than once, and every lookup walks PATH.
func lookPath(name string) (string, error) {
	lookPaths.Lock()
	defer lookPaths.Unlock()
	if p, ok := lookPaths.found[name]; ok {
		return p, nil
	}
	p, err := exec.LookPath(name)
	if err == nil {
		lookPaths.found[name] = p
	}
	return p, err
}

var lookPaths = struct {
	sync.Mutex
	found map[string]string
}{found: map[string]string{}}

func isWrapper(cmd string) bool {
	base := filepath.Base(cmd)
	return strings.HasPrefix(base, "compatbuild-") || base == "compatbuild"
}

// markerOptions are linker options whose output needs a symbol-less glibc
// version node (GLIBC_ABI_*) that targets before since lack: the driver
// drops them there, with a note, so the output loads.
var markerOptions = []struct {
	flag  string
	since abidb.Version
	why   string
}{
	{"pack-relative-relocs", abidb.MustParseVersion("2.36"), "DT_RELR needs glibc 2.36's ld.so (GLIBC_ABI_DT_RELR)"},
	{"mark-plt", abidb.MustParseVersion("2.43"), "DT_X86_64_PLT tags need glibc 2.43's ld.so (GLIBC_ABI_DT_X86_64_PLT)"},
	{"gnu2-tls-tag", abidb.MustParseVersion("2.43"), "it makes the output need GLIBC_ABI_GNU2_TLS, which glibc 2.43 introduced"},
}

// Run executes one compiler invocation and returns the exit code.
func Run(ctx context.Context, opt Options, args []string) (int, error) {
	if len(opt.Compiler) == 0 {
		return 2, errorf("no compiler given: set CC (or CXX) to gcc or clang")
	}
	compiler, err := lookPath(opt.Compiler[0])
	if err != nil {
		return 2, errorf("compiler %q not found: install gcc or clang, or set CC/CXX to one", opt.Compiler[0])
	}
	inv := parseArgs(args)
	if inv.compileOnly || !inv.hasInputs {
		// Nothing is linked. A wrapper process becomes the compiler, with
		// no overhead after exec; a library caller gets a child process.
		if opt.OwnProcess {
			return 0, execCompiler(compiler, append(opt.Compiler[1:], args...))
		}
		code, diag, err := runLink(ctx, compiler, append(slices.Clip(opt.Compiler[1:]), args...), opt.Stdout)
		opt.Stderr.Write(diag)
		return code, err
	}
	if inv.static != "" {
		return 2, errorf("%s is not supported: a static program carries this machine's glibc code inside (and its dlopen/NSS still need that exact glibc at run time), so it is no old-glibc build. Drop %s: compatbuild's dynamic link loads on glibc %s; add -static-libgcc -static-libstdc++ to embed the compiler runtimes, or use musl for a fully static binary", inv.static, inv.static, opt.Glibc)
	}
	if inv.m32 {
		return 2, errorf("-m32/-mx32: compatbuild cc links x86_64 only for now; build 32-bit code on a 32-bit toolchain")
	}
	// Rewritten response files live until the link is done.
	var rspDir string
	defer func() {
		if rspDir != "" {
			os.RemoveAll(rspDir)
		}
	}()
	scratch := func() (string, error) {
		var err error
		if rspDir == "" {
			rspDir, err = os.MkdirTemp("", "compatbuild-rsp-")
		}
		return rspDir, err
	}
	for _, z := range markerOptions {
		if !opt.Glibc.Less(z.since) {
			continue
		}
		var dropped, inFiles bool
		args, dropped = dropZOption(args, z.flag)
		if args, inFiles, err = dropZInResponseFiles(args, z.flag, scratch); err != nil {
			return 2, errorf("%v", err)
		}
		if dropped || inFiles {
			fmt.Fprintf(opt.Stderr, "compatbuild: note: dropped -z %s: %s, the target is %s\n", z.flag, z.why, opt.Glibc)
		}
	}
	sr, err := sysroot.Ensure(ctx, sysroot.Spec{Arch: "x86_64", Glibc: opt.Glibc, CC: SysrootCompiler()})
	if err != nil {
		return 2, errorf("preparing the glibc %s sysroot: %v", opt.Glibc, err)
	}
	if inv.profile && !inv.shared {
		if err := sr.BuildProfilingStart(ctx); err != nil {
			return 2, errorf("building gcrt1.o (for -pg) for glibc %s: %v", opt.Glibc, err)
		}
	}
	full := append(slices.Clip(opt.Compiler[1:]), linkFlags(sr.Dir)...)
	full = append(full, args...)
	code, diag, err := runLink(ctx, compiler, full, opt.Stdout)
	if err != nil {
		return 2, err
	}
	if code != 0 {
		// Link again if the link missed polyfills not built yet.
		retry, err := addMissing(ctx, sr, undefinedSymbols(string(diag)))
		if err != nil {
			return 2, err
		}
		if retry {
			if code, diag, err = runLink(ctx, compiler, full, opt.Stdout); err != nil {
				return 2, err
			}
		}
	}
	opt.Stderr.Write(diag)
	if code != 0 {
		explainUndefined(opt.Stderr, string(diag), opt.Glibc)
		return code, nil
	}
	out, ok := linkedOutput(inv, opt.Stderr)
	if !ok {
		return 0, nil
	}
	return verify(ctx, opt, sr, compiler, full, out)
}

// linkedOutput names the file a successful link wrote, or says there is
// none to check: -### runs nothing, -o /dev/null keeps nothing, and some
// links write nothing (-Wl,--version), which is worth a note.
func linkedOutput(inv invocation, stderr io.Writer) (string, bool) {
	if inv.dryRun {
		return "", false
	}
	out := inv.output
	if out == "" {
		out = "a.out"
	}
	switch st, err := os.Stat(out); {
	case os.IsNotExist(err):
		fmt.Fprintf(stderr, "compatbuild: note: the compiler wrote no %s, so there is nothing to check\n", out)
		return "", false
	case err == nil && !st.Mode().IsRegular():
		return "", false
	}
	return out, true
}

// addMissing handles a link that missed symbols the sysroot's polyfill
// archives define before they were built (they are built on first need);
// true means "link again".
func addMissing(ctx context.Context, sr *sysroot.Sysroot, missing []string) (bool, error) {
	var build []string
	for _, name := range sysroot.LazyArchives {
		if sr.ArchiveBuilt(name) {
			continue
		}
		syms, err := sr.ArchiveSymbols(name)
		if err != nil {
			return false, errorf("%v", err)
		}
		if slices.ContainsFunc(missing, func(s string) bool { return slices.Contains(syms, s) }) {
			build = append(build, name)
		}
	}
	for _, name := range build {
		if err := sr.BuildArchive(ctx, name); err != nil {
			return false, errorf("building the polyfills (%s) for glibc %s: %v", name, sr.Glibc, err)
		}
	}
	return len(build) > 0, nil
}

// undefinedSymbols lists the symbols a failed link reports as undefined
// references from the user's objects, in order, without duplicates.
func undefinedSymbols(linkerOutput string) []string {
	var out []string
	seen := map[string]bool{}
	for _, line := range strings.Split(linkerOutput, "\n") {
		if m := undefinedRef().FindStringSubmatch(line); m != nil && !seen[m[1]+m[2]] {
			seen[m[1]+m[2]] = true
			out = append(out, m[1]+m[2])
		}
	}
	return out
}

// linkFlags put the sysroot in front of the host's libraries: -B makes the
// compiler take crt1.o/crti.o/crtn.o from it, -L makes -lc, -lm, -lpthread
// resolve to its stubs and scripts.
//
// --allow-shlib-undefined: host shared libraries in the link (the shared
// libstdc++.so.6, libgcc_s.so.1, the user's -lfoo) were built against the
// host glibc and reference its newer versions, which the stubs rightly
// lack. Their needs are not the output's: at run time the target system's
// copies of those libraries are loaded. The output's own needs are checked
// after the link.
func linkFlags(dir string) []string {
	return []string{"-B" + dir + string(filepath.Separator), "-L" + dir, "-Wl,-rpath-link," + dir, "-Wl,--allow-shlib-undefined"}
}

func execCompiler(path string, args []string) error {
	argv := append([]string{path}, args...)
	err := syscall.Exec(path, argv, os.Environ())
	return errorf("running %s: %v", path, err)
}

// undefinedRef matches the linker's complaint about an object's reference;
// references with a version ("x@GLIBC_PRIVATE") come from shared libraries
// given to the link, not from the user's code, and are not explained.
// GNU ld says "undefined reference to `x'", lld (rustc's default linker)
// "undefined symbol: x".
var undefinedRef = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile("(?:undefined reference to `([^'@]+)'|undefined symbol: ([^\\s@]+)$)")
})

// newerGlibcSymbols explains each unbound symbol that glibc only has in
// releases newer than target.
func newerGlibcSymbols(unbound []string, target abidb.Version) []string {
	db, err := abidb.Load("x86_64")
	if err != nil {
		return nil
	}
	var out []string
	for _, sym := range unbound {
		if why, ok := explainNewer(db, sym, target); ok {
			out = append(out, sym+" is undefined: it "+why)
		}
	}
	return out
}

// explainNewer says, for a symbol a link for target left undefined, which
// newer glibc has it and what compatbuild's catalogue does about it
// (libcompat.Describe): never "not available" when a polyfill or an
// older name exists, and a refusal's own reason. ok is false when the
// target has the symbol or no glibc release does: then it is not a
// newer-glibc problem.
func explainNewer(db *abidb.DB, sym string, target abidb.Version) (string, bool) {
	if _, _, ok := db.LibraryOf(sym, target); ok {
		return "", false
	}
	lib, sv, ok := db.LibraryOf(sym, db.Last())
	if !ok {
		return "", false
	}
	rel := firstRelease(db, sym)
	where := fmt.Sprintf("is in glibc %s and later (%s, %s@%s), not in the target %s", rel, db.Soname(lib), sym, sv.Node, target)
	e, phrase, known := libcompat.Describe(sym)
	switch {
	case !known:
		return where + ", and compatbuild has no polyfill for it: raise --glibc to " + rel.String() + " or avoid the call", true
	case e.Status == libcompat.StatusRefused:
		return where + ", and compatbuild cannot provide it: " + phrase, true
	case e.Archive() == libcompat.MathName:
		return where + "; compatbuild " + phrase + " with libm: add -lm to the link", true
	default:
		return where + "; compatbuild " + phrase + ", but this link did not reach compatbuild's libc.so (with -nostdlib or -nodefaultlibs, add -lc)", true
	}
}

func firstRelease(db *abidb.DB, sym string) abidb.Version {
	for _, r := range db.Releases() {
		if _, _, ok := db.LibraryOf(sym, r); ok {
			return r
		}
	}
	return db.Last()
}

// explainUndefined adds, for each undefined symbol that a newer glibc has,
// which release introduced it and what compatbuild does about it. The
// linker's own message above already says which object referenced it.
func explainUndefined(w io.Writer, linkerOutput string, target abidb.Version) {
	db, err := abidb.Load("x86_64")
	if err != nil {
		return
	}
	for _, sym := range undefinedSymbols(linkerOutput) {
		if why, ok := explainNewer(db, sym, target); ok {
			fmt.Fprintf(w, "compatbuild: %s %s\n", sym, why)
		}
	}
}

// verify reads the linked output and fails the link (removing the output)
// if it needs a newer glibc than the target.
func verify(ctx context.Context, opt Options, sr *sysroot.Sysroot, compiler string, linkArgs []string, out string) (int, error) {
	info, err := elfinfo.ReadFile(out)
	if err != nil {
		return 2, errorf("verifying %s after the link: %v", out, err)
	}
	if len(info.Unbound) > 0 {
		// A shared library may link with undefined symbols. One that the
		// polyfills define means they were not built yet: build, relink.
		if retry, err := addMissing(ctx, sr, info.Unbound); err != nil {
			return 2, err
		} else if retry {
			code, diag, err := runLink(ctx, compiler, linkArgs, opt.Stdout)
			opt.Stderr.Write(diag)
			if err != nil || code != 0 {
				return code, err
			}
			return verify(ctx, opt, sr, compiler, linkArgs, out)
		}
		// One that a newer glibc defines would fail to load on the target.
		if bad := newerGlibcSymbols(info.Unbound, opt.Glibc); len(bad) > 0 {
			for _, line := range bad {
				fmt.Fprintf(opt.Stderr, "compatbuild: %s\n", line)
			}
			fmt.Fprintf(opt.Stderr, "compatbuild: %s would fail to load on glibc %s (undefined symbol); removed it\n", out, opt.Glibc)
			os.Remove(out)
			return 1, nil
		}
	}
	if check.SurelyWithin(info, opt.Glibc) && !check.NeedsFamily(info, "GLIBCXX") {
		return 0, nil
	}
	rep, err := check.Analyze(info, opt.Glibc)
	if err != nil {
		return 2, errorf("verifying %s after the link: %v", out, err)
	}
	if rep.Status == check.StatusAbove {
		fmt.Fprintf(opt.Stderr, "compatbuild: %s needs glibc %s, above the target %s; removed it. Why:\n", out, rep.Glibc.Floor, opt.Glibc)
		(&check.Report{Target: opt.Glibc.String(), Files: []*check.FileReport{rep}}).WriteFiles(opt.Stderr)
		traceReferences(ctx, opt.Stderr, compiler, linkArgs, rep)
		os.Remove(out)
		return 1, nil
	}
	if rep.GLIBCXX != nil {
		fmt.Fprintf(opt.Stderr, "compatbuild: note: %s needs %s (libstdc++ of GCC %s) from the target's libstdc++.so.6; link with -static-libstdc++ to carry it instead\n", out, rep.GLIBCXX.Version, rep.GLIBCXX.GCC)
	}
	return 0, nil
}

// traceReferences relinks with --trace-symbol for the forcing symbols so
// the user learns which input brought each in.
func traceReferences(ctx context.Context, w io.Writer, compiler string, linkArgs []string, rep *check.FileReport) {
	var trace []string
	for _, req := range rep.Glibc.Forcing {
		for _, s := range req.Symbols {
			trace = append(trace, "-Wl,--trace-symbol="+s)
		}
	}
	if len(trace) == 0 {
		return
	}
	tmp, err := os.CreateTemp("", "compatbuild-trace-")
	if err != nil {
		return
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	args := append(append(slices.Clip(linkArgs), trace...), "-o", tmp.Name())
	outb, _ := exec.CommandContext(ctx, compiler, args...).CombinedOutput()
	for _, line := range strings.Split(string(outb), "\n") {
		if strings.Contains(line, ": reference to ") || strings.Contains(line, ": definition of ") {
			fmt.Fprintf(w, "compatbuild: linker: %s\n", strings.TrimSpace(line))
		}
	}
}
