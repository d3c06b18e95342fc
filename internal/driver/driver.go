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
	"compatbuild/internal/libcompat"
	"compatbuild/internal/outputs"
	"compatbuild/internal/procgroup"
	"compatbuild/internal/sysroot"
	"compatbuild/internal/target"
	"compatbuild/internal/toolchain"
)

// Options configure one compiler invocation.
type Options struct {
	Glibc abidb.Version
	// Target is the ABI to link for; the zero value is x86_64. For another
	// target Compiler must build for it (see CompilerFor).
	Target   target.Target
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
// arguments, e.g. "ccache gcc"), else gcc / g++. A $CC/$CXX that names
// compatbuild anywhere (the wrapper itself, or "ccache
// compatbuild-cc-2.17") is skipped, so the driver never calls itself; a
// $COMPATBUILD_CC that does is returned, and Run refuses it (see
// reentry.go).
func DefaultCompiler(cxx bool) []string {
	own, user, def := "COMPATBUILD_CC", "CC", "gcc"
	if cxx {
		own, user, def = "COMPATBUILD_CXX", "CXX", "g++"
	}
	if v := strings.Fields(os.Getenv(own)); len(v) > 0 && !crossEnv() {
		return v // (for another target, the real compiler of its wrappers)
	}
	if v := strings.Fields(os.Getenv(user)); len(v) > 0 && !namesCompatbuild(v) {
		return v
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

// crossEnv reports whether COMPATBUILD_TARGET (set by 'compatbuild env
// --target') names a target other than x86_64.
func crossEnv() bool {
	v := os.Getenv("COMPATBUILD_TARGET")
	if v == "" {
		return false
	}
	t, err := target.Parse(v)
	return err != nil || !t.IsHost()
}

// CompilerFor is the compiler command for C or C++ for t: DefaultCompiler
// for x86_64, else the user's cross compiler (internal/toolchain).
func CompilerFor(t target.Target, cxx bool) ([]string, error) {
	if t.IsHost() {
		return DefaultCompiler(cxx), nil
	}
	return toolchain.Compiler(t, cxx, toolchain.Env{})
}

// SysrootCompilerFor is SysrootCompiler for t: the cross C compiler for
// another target.
func SysrootCompilerFor(t target.Target) ([]string, error) {
	if t.IsHost() {
		return SysrootCompiler(), nil
	}
	return toolchain.Compiler(t, false, toolchain.Env{})
}

var lookPaths = struct {
	sync.Mutex
	found map[string]string
}{found: map[string]string{}}

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

// Run executes one compiler invocation and returns the exit code. A link
// interrupted by SIGINT, SIGTERM or SIGHUP (when opt.OwnProcess; see
// procgroup.Notify), or whose compiler a signal killed, removes what the
// link wrote and returns 128+N with an *Error saying so.
func Run(ctx context.Context, opt Options, args []string) (int, error) {
	if len(opt.Compiler) == 0 {
		return 2, errorf("no compiler given: set CC (or CXX) to gcc or clang")
	}
	if err := checkReentry(opt.Compiler); err != nil {
		return 2, err
	}
	compiler, err := lookPath(opt.Compiler[0])
	if err != nil {
		return 2, errorf("compiler %q not found: install gcc or clang, or set CC/CXX to one", opt.Compiler[0])
	}
	stop := func() {}
	if opt.OwnProcess {
		// From here on a signal is handled, not fatal, so that the link's
		// output and temporary files can go first.
		ctx, stop = procgroup.Notify(ctx)
		defer func() { stop() }()
	}
	ctx = withCompiler(ctx, opt.Compiler)
	exp, err := expandArgs(args)
	if err != nil {
		return 2, errorf("%v", err)
	}
	inv, parseErr := parseArgs(append(slices.Clip(opt.Compiler[1:]), exp.args...))
	var rsp rspFiles
	defer rsp.remove()
	if exp.consumed {
		// A pipe read here is empty for the compiler: give it the copy.
		if args, err = rsp.flat(exp.args); err != nil {
			return 2, errorf("%v", err)
		}
	}
	if inv.compileOnly || !inv.hasInputs {
		// Nothing is linked. A wrapper process becomes the compiler, with
		// no overhead after exec; a library caller gets a child process.
		if opt.OwnProcess && rsp.dir == "" {
			stop()
			if sig, ok := procgroup.SignalOf(ctx); ok {
				return 128 + int(sig), &Error{Msg: procgroup.Name(sig) + " before the compiler started", Code: 128 + int(sig)}
			}
			return 2, execCompiler(ctx, compiler, append(opt.Compiler[1:], args...))
		}
		code, diag, err := runLink(ctx, compiler, append(slices.Clip(opt.Compiler[1:]), args...), opt.Stdout)
		opt.Stderr.Write(diag)
		return finish(ctx, opt.Stderr, outputFile{}, codeOf(code, err), err)
	}
	if parseErr != nil {
		return 2, errorf("%v", parseErr)
	}
	if inv.static != "" {
		return 2, errorf("%s is not supported: a static program carries this machine's glibc code inside (and its dlopen/NSS still need that exact glibc at run time), so it is no old-glibc build. Drop %s%s: compatbuild's dynamic link loads on glibc %s; add -static-libgcc -static-libstdc++ to embed the compiler runtimes, or use musl for a fully static binary", inv.static, inv.static, fromCompiler(opt.Compiler, inv.static), opt.Glibc)
	}
	if !inv.dryRun {
		if err := checkOutputPath(inv.output, opt.Glibc.String()); err != nil {
			return 2, err
		}
	}
	tg := opt.Target
	if tg.ABI == "" {
		tg = target.Host()
	}
	if inv.m32 {
		return 2, errorf("-m32/-mx32 would link %s code against the x86_64 sysroot: use --target i686-linux-gnu for i386 (with Debian's gcc-i686-linux-gnu)", tg.ABI)
	}
	if err := tg.CheckRelease(opt.Glibc); err != nil {
		return 2, errorf("%v", err)
	}
	if inv.profile && !inv.shared && !tg.IsHost() {
		return 2, errorf("-pg: profiling start files (gcrt1.o) are built for x86_64 only; drop -pg for %s", tg.Triple)
	}
	tmp, err := claimTempDir()
	if err != nil {
		return 2, errorf("%v", err)
	}
	defer tmp.release()
	opt.Target = tg
	out := snapshotOutput(inv.output)
	code, err := linkAndCheck(withTempDir(ctx, tmp.path), opt, compiler, inv, exp, args, &rsp, out)
	return finish(ctx, opt.Stderr, out, code, err)
}

// linkAndCheck runs a link through the sysroot of opt.Target and checks
// its output.
func linkAndCheck(ctx context.Context, opt Options, compiler string, inv invocation, exp *expansion, args []string, rsp *rspFiles, before outputFile) (int, error) {
	flat := exp.args
	var dropped bool
	for _, z := range markerOptions {
		if !opt.Glibc.Less(z.since) {
			continue
		}
		var here bool
		if flat, here = dropZOption(flat, z.flag); here {
			dropped = true
			fmt.Fprintf(opt.Stderr, "compatbuild: note: dropped -z %s: %s, the target is %s\n", z.flag, z.why, opt.Glibc)
		}
	}
	if dropped {
		// The command line as the compiler would read it, without the
		// options: in a response file of its own when it came in one.
		args = flat
		if exp.files > 0 {
			var err error
			if args, err = rsp.flat(flat); err != nil {
				return 2, errorf("%v", err)
			}
		}
	}
	tg := opt.Target
	srcc, err := SysrootCompilerFor(tg)
	if err != nil {
		return 2, errorf("%v", err)
	}
	sr, err := sysroot.Ensure(ctx, sysroot.Spec{Arch: tg.ABI, Glibc: opt.Glibc, CC: srcc})
	if err != nil {
		return 2, errorf("preparing the glibc %s sysroot%s: %v", opt.Glibc, forTarget(tg), err)
	}
	if sr.Note != "" {
		fmt.Fprintf(opt.Stderr, "compatbuild: note: %s\n", sr.Note)
	}
	if inv.profile && !inv.shared {
		if err := sr.BuildProfilingStart(ctx); err != nil {
			return 2, errorf("building gcrt1.o (for -pg) for glibc %s: %v", opt.Glibc, err)
		}
	}
	if err := checkStartInputs(args, opt.Glibc); err != nil {
		return 2, err
	}
	full := append(slices.Clip(opt.Compiler[1:]), linkFlags(sr.Dir)...)
	full = append(full, args...)
	// A link to /dev/null (a configure-style "does this link?" probe)
	// is judged like any other: it writes a private copy, checked and
	// removed, so the probe's answer is the target's. A linker-level -o
	// still wins and leaves nothing to judge.
	var probe string
	if inv.output == "/dev/null" && !inv.noOutput && !inv.dryRun {
		if dir, ok := ctx.Value(tempDirKey{}).(string); ok {
			probe = filepath.Join(dir, "link-to-dev-null")
			full = append(full, "-o", probe)
			defer os.Remove(probe)
		}
	}
	code, diag, err := runLink(ctx, compiler, full, opt.Stdout)
	if err != nil {
		opt.Stderr.Write(diag)
		return codeOf(code, err), err
	}
	if code != 0 {
		// Link again if the link missed polyfills not built yet.
		retry, err := addMissing(ctx, sr, undefinedSymbols(string(diag)))
		if err != nil {
			return 2, err
		}
		if retry {
			if code, diag, err = runLink(ctx, compiler, full, opt.Stdout); err != nil {
				opt.Stderr.Write(diag)
				return codeOf(code, err), err
			}
		}
	}
	opt.Stderr.Write(diag)
	if code != 0 {
		explainUndefined(opt.Stderr, string(diag), opt.Glibc, tg.ABI, sr.Headers)
		return code, nil
	}
	if probe != "" {
		if st, err := os.Stat(probe); err != nil || !st.Mode().IsRegular() {
			return 0, nil // the linker's own -o /dev/null won: nothing kept
		}
		code, err := verify(ctx, opt, sr, compiler, full, probe, !inv.noStartFiles)
		if code != 0 && err == nil {
			fmt.Fprintf(opt.Stderr, "compatbuild: (the link wrote to /dev/null; %s was compatbuild's copy, judged as the link's output)\n", probe)
		}
		return code, err
	}
	out, ok := linkedOutput(inv, before, opt.Stderr)
	if !ok {
		return 0, nil
	}
	code, err = verify(ctx, opt, sr, compiler, full, out, !inv.noStartFiles)
	if code == 0 && err == nil {
		outputs.RecordLink(out) // for the output check of exec, go and cargo
	}
	return code, err
}

// linkedOutput names the file a successful link wrote, or says there is
// none to check: -### runs nothing, -o /dev/null keeps nothing, and some
// links write nothing (-Wl,--version), which is worth a note; a file such
// a link left as it was is an earlier build's, not judged.
func linkedOutput(inv invocation, before outputFile, stderr io.Writer) (string, bool) {
	if inv.dryRun {
		return "", false
	}
	out := inv.output
	switch st, err := os.Stat(out); {
	case os.IsNotExist(err) || inv.noOutput && before.unchanged():
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
// resolve to its stubs and scripts. The directory reaches the linker
// through -Xlinker, never -Wl, (which splits at commas), so any cache
// path works.
//
// --allow-shlib-undefined: host shared libraries in the link (the shared
// libstdc++.so.6, libgcc_s.so.1, the user's -lfoo) were built against the
// host glibc and reference its newer versions, which the stubs rightly
// lack. Their needs are not the output's: at run time the target system's
// copies of those libraries are loaded. The output's own needs are checked
// after the link.
func linkFlags(dir string) []string {
	return []string{"-B" + dir + string(filepath.Separator), "-L" + dir, "-Xlinker", "-rpath-link", "-Xlinker", dir, "-Wl,--allow-shlib-undefined"}
}

// forTarget is " for <triple>" for a target other than x86_64.
func forTarget(t target.Target) string {
	if t.IsHost() {
		return ""
	}
	return " for " + t.Triple
}

func execCompiler(ctx context.Context, path string, args []string) error {
	argv := append([]string{path}, args...)
	err := syscall.Exec(path, argv, childEnv(ctx))
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

// newerGlibcSymbols explains each unbound symbol of a linked output that
// glibc only has in releases newer than target. others are the libraries
// the output needs besides glibc's, which may be where the link bound it.
func newerGlibcSymbols(unbound []string, target abidb.Version, abi string, headers abidb.Version, others []string) []string {
	db, err := abidb.Load(abi)
	if err != nil {
		return nil
	}
	var out []string
	for _, sym := range unbound {
		if why, ok := explainNewer(db, sym, target, headers, others); ok {
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
// newer-glibc problem. A name the program's headers (glibc release
// headers) declare in a form the target lacks is explained too
// (abiChangeUndefined). others, for a linked output, are the libraries
// it needs besides glibc's: one of them may have taken the symbol (a
// sanitizer runtime defines stat) before compatbuild's libc.so.
func explainNewer(db *abidb.DB, sym string, target, headers abidb.Version, others []string) (string, bool) {
	if why, ok := abiChangeUndefined(db, sym, target, headers); ok {
		return why, true
	}
	has, otherForm := bindsForm(db, sym, target, headers)
	if has {
		return "", false
	}
	lib, sv, ok := db.LibraryOf(sym, db.Last())
	if !ok {
		return "", false
	}
	rel := firstRelease(db, sym)
	where := fmt.Sprintf("is in glibc %s and later (%s, %s@%s), not in the target %s", rel, db.Soname(lib), sym, sv.Node, target)
	if otherForm != nil {
		rel = abidb.Version{Major: otherForm.Release.Major, Minor: otherForm.Release.Minor}
		where = fmt.Sprintf("is called in the form glibc %s introduced, as your compiler's glibc %s headers declare it; the target %s has only the older form", rel, headers, target)
	}
	e, phrase, known := libcompat.DescribeFor(sym, db.ABI(), libcompat.Version{Major: target.Major, Minor: target.Minor})
	switch {
	case !known:
		return where + ", and compatbuild has no polyfill for it: raise --glibc to " + rel.String() + " or avoid the call", true
	case e.Status == libcompat.StatusRefused:
		return where + ", and compatbuild cannot provide it: " + phrase, true
	case e.Archive() == libcompat.MathName:
		return where + "; compatbuild " + phrase + " with libm: add -lm to the link", true
	case len(others) > 0:
		return where + "; compatbuild " + phrase + ", but the link took it from none of compatbuild's libraries: either a library the output also needs (" + strings.Join(others, ", ") + ") defines it and came first, as a sanitizer runtime defines stat, or the link did not reach compatbuild's libc.so (with -nostdlib or -nodefaultlibs, add -lc)", true
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
func explainUndefined(w io.Writer, linkerOutput string, target abidb.Version, abi string, headers abidb.Version) {
	db, err := abidb.Load(abi)
	if err != nil {
		return
	}
	for _, sym := range undefinedSymbols(linkerOutput) {
		if why, ok := explainNewer(db, sym, target, headers, nil); ok {
			fmt.Fprintf(w, "compatbuild: %s %s\n", sym, why)
			if note := abidb.Note(sym); note != "" {
				fmt.Fprintf(w, "compatbuild: %s: %s\n", sym, note)
			}
		}
	}
}
