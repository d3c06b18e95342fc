// Package libcompat builds the glibc-side objects that compatbuild links
// into programs for an older target glibc, from C and assembly sources
// embedded in this package, with the user's own C compiler:
//
//   - start files crt1.o, Scrt1.o, crti.o, crtn.o in the style of the target
//     release (before 2.34: _start passes __libc_csu_init/__libc_csu_fini to
//     __libc_start_main; from 2.34: NULL, libc runs the init arrays), and
//     gcrt1.o for programs built with -pg (starts gprof's sampling);
//   - libc_nonshared.a as the target release had it (atexit, at_quick_exit,
//     pthread_atfork; before 2.33 the stat/mknod family over __xstat & co.;
//     before 2.34 __libc_csu_init/__libc_csu_fini), one member per
//     source (on most ABIs the sources compile as one unit, cut back into
//     those members: nonshared.go);
//   - libcompat_polyfill.a and libcompat_m.a: what a link below a newer
//     symbol's release gets for it, as the catalogue (catalogue/*.tsv, one
//     line per symbol glibc added after 2.17) says: polyfills compiled from
//     src/common/polyfill (fcntl64, getrandom, _dl_find_object, ...) in
//     terms of what glibc 2.17 has, and tail-call thunks for aliases
//     (res_search → __res_search), only for symbols the target lacks;
//     libc.tsv's go to libcompat_polyfill.a, libm.tsv's and libmvec.tsv's
//     to libcompat_m.a;
//   - libcompat_override.a, built with libcompat_polyfill.a: the functions
//     of the target's glibc that a polyfill member replaces in the outputs
//     it is linked into (catalogue/overrides.tsv: posix_spawn where the
//     newer file actions are used, pthread_create where an attribute
//     carries a signal mask), pulled in only by that member.
//
// Every definition in the two archives has hidden visibility (a shared
// library linking them keeps its own copy), nothing uses thread-local
// storage, and the sources only call functions glibc 2.17 exports.
//
// Each symbol is defined in one archive only: the stat family is in
// libc_nonshared.a for targets < 2.33 (as in glibc) and the target libc
// exports it from 2.33 on, so the polyfill archive never carries it.
//
// Link order matters for the polyfill archive: an archive member is only
// pulled in for symbols that are undefined when the archive is scanned.
// References from libgcc_eh.a (_dl_find_object) or libstdc++.a appear late
// on a compiler driver's command line, so the archive belongs where libc is
// scanned, e.g. GROUP(libc.so.6 libc_nonshared.a libcompat_polyfill.a) in
// the stub sysroot's libc.so linker script; the stub libc.so.6 must not
// export the polyfilled symbols.
//
// libcompat_m.a belongs in the libm.so script's group, after libm.so.6, so
// its members can call libm.
//
// libcompat_override.a belongs after libc.so.6 (and after libpthread.so.0
// below 2.34): a link that references posix_spawn must find glibc's first
// and never pull the replacement for that reference alone, which every
// linker (GNU ld, gold, lld, mold) would do if the archive came first.
//
// Not provided: rcrt1.o/grcrt1.o (static PIE).
package libcompat

import (
	"context"
	"debug/elf"
	"embed"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"compatbuild/internal/cachefs"
)

//go:embed src
var sources embed.FS

// Target is the system the linked program must run on.
type Target struct {
	// Arch is the architecture, as in uname -m ("x86_64"; "amd64" is accepted).
	Arch string
	// Glibc is the oldest glibc release the output must run on (>= 2.17).
	Glibc Version
	// Headers is the glibc release of the headers the program's objects
	// were compiled with (ProbeHeaders); zero when unknown. For the names
	// whose form the headers decide (DecidedByHeaders) it selects the form
	// polyfilled, and with it unknown those names are not polyfilled.
	Headers Version
	// Has reports whether the target's libraries let a new link bind
	// symbol in the form the headers declare (the sysroot's stubs offer it
	// as the default version). A polyfill is built only for symbols where
	// it returns false. If nil, the ABI database's first release
	// (IntroducedIn) and the ABI-change table decide.
	Has func(symbol string) bool
}

// has is what t's libraries let a link bind (t.Has, or IntroducedIn and
// the ABI-change table without it); true, meaning "nothing to build", for
// a name the headers decide when they are unknown: neither form is bound
// or polyfilled then (ABIChangeNote).
func (t Target) has() func(string) bool {
	abi := canonicalABI(t.Arch)
	return func(sym string) bool {
		c, decided := DecidedByHeaders(abi, sym)
		switch {
		case decided && t.Headers == (Version{}):
			return true
		case t.Has != nil:
			return t.Has(sym)
		case decided && c.NewForm(t.Headers):
			return t.Glibc.AtLeast(c.Release)
		}
		v, ok := IntroducedIn(sym)
		return !ok || t.Glibc.AtLeast(v)
	}
}

// Output file names, inside the directory given to Build.
const (
	Crt1Name      = "crt1.o"
	Scrt1Name     = "Scrt1.o"
	Gcrt1Name     = "gcrt1.o"
	CrtiName      = "crti.o"
	CrtnName      = "crtn.o"
	NonsharedName = "libc_nonshared.a"
	PolyfillName  = "libcompat_polyfill.a"
	MathName      = "libcompat_m.a" // libm and libmvec polyfills, in libm.so's group
)

// The note every start file of Build carries (src/common/include/
// startnote.h): an executable linked with them has it in its PT_NOTE
// segment, one linked with other start files does not.
const (
	StartNoteOwner        = "compatbuild"
	StartNoteType  uint32 = 1
)

// Files describes what Build wrote.
type Files struct {
	Dir              string
	Crt1, Scrt1      string // crt1.o (non-PIE executables), Scrt1.o (PIE)
	Gcrt1            string // gcrt1.o (executables built with -pg)
	Crti, Crtn       string
	Nonshared        string // libc_nonshared.a
	Polyfill         string // libcompat_polyfill.a (may have no members)
	Math             string // libcompat_m.a (may have no members)
	Override         string // libcompat_override.a (may have no members)
	CSUStart         bool   // start files call __libc_csu_init/fini (target < 2.34)
	NonsharedSymbols []string
	PolyfillSymbols  []string // symbols defined in libcompat_polyfill.a, sorted
	MathSymbols      []string // symbols defined in libcompat_m.a, sorted
	// OverrideSymbols are the target's functions libcompat_override.a
	// replaces, sorted; the target's libc keeps exporting them.
	OverrideSymbols []string
}

// Paths lists all written files.
func (f *Files) Paths() []string {
	return []string{f.Crt1, f.Scrt1, f.Gcrt1, f.Crti, f.Crtn, f.Nonshared, f.Polyfill, f.Math, f.Override}
}

// buildOptions are knobs for tests.
type buildOptions struct {
	extraCFlags []string
	parts       Parts    // zero means AllParts
	forms       []string // FormDefines of the target
}

// Parts selects what Build writes.
type Parts uint8

const (
	StartFiles     Parts = 1 << iota // crt1.o, Scrt1.o, crti.o, crtn.o
	Nonshared                        // libc_nonshared.a
	Polyfill                         // libcompat_polyfill.a and libcompat_override.a
	ProfilingStart                   // gcrt1.o
	MathPolyfill                     // libcompat_m.a
	AllParts       = StartFiles | Nonshared | Polyfill | ProfilingStart | MathPolyfill
)

// Build compiles the start files and archives for t with the compiler
// command cc (e.g. []string{"gcc"} or []string{"clang", "--target=..."})
// and writes them into dir (created if needed). The output depends only on
// the sources, t and the compiler, not on time or paths.
func Build(ctx context.Context, cc []string, t Target, dir string) (*Files, error) {
	return build(ctx, cc, t, dir, buildOptions{parts: AllParts})
}

// BuildParts is Build for some of the parts only. The returned Files
// names every path; its symbol lists are those of libc_nonshared.a and,
// when built, of the polyfill archives (ArchiveSymbols lists what they
// would define without building them). A build of StartFiles and
// Nonshared alone never calls t.Has.
func BuildParts(ctx context.Context, cc []string, t Target, dir string, parts Parts) (*Files, error) {
	return build(ctx, cc, t, dir, buildOptions{parts: parts})
}

type job struct {
	out     string // object file name in the work dir
	src     string // path relative to the work dir
	defines []string
	pic     bool
	data    []byte
}

func build(ctx context.Context, cc []string, t Target, dir string, opt buildOptions) (*Files, error) {
	if len(cc) == 0 || cc[0] == "" {
		return nil, errors.New("libcompat: no C compiler given; set CC to a working gcc or clang")
	}
	arch, ok := lookupArch(t.Arch)
	if !ok {
		return nil, fmt.Errorf("libcompat: architecture %q not supported (supported: %s)", t.Arch, strings.Join(supportedArches(), ", "))
	}
	if t.Glibc.Less(minSupported) {
		return nil, fmt.Errorf("libcompat: target glibc %s not supported (oldest: %s)", t.Glibc, minSupported)
	}
	if _, err := exec.LookPath(cc[0]); err != nil {
		return nil, fmt.Errorf("libcompat: C compiler %q not found; set CC to a working gcc or clang", cc[0])
	}
	parts := opt.parts
	if parts == 0 {
		parts = AllParts
	}
	if parts&ProfilingStart != 0 && !arch.gprof {
		if parts != AllParts {
			return nil, fmt.Errorf("libcompat: gcrt1.o (profiling with -pg) is built for x86_64 only, not %s", t.Arch)
		}
		parts &^= ProfilingStart
	}

	work, err := os.MkdirTemp(cachefs.TempRoot(), "libcompat-")
	if err != nil {
		return nil, fmt.Errorf("libcompat: %v", err)
	}
	defer os.RemoveAll(work)
	srcs := &sourceDirs{work: work, done: map[string]bool{}}
	if err := srcs.extract("src/"+arch.dir, "src/common/include"); err != nil {
		return nil, err
	}

	// Start files.
	csu := t.Glibc.Less(startStyleSplit)
	startDefs := []string{kernelDefines(t.Glibc, arch)}
	if csu {
		startDefs = append(startDefs, "-DCOMPAT_CSU_START")
	}
	archSrc := "src/" + arch.dir
	// One start file serves as Scrt1.o (PIE) and crt1.o (non-PIE): its
	// position-independent code links into a non-PIE executable as well,
	// and a compile fewer is a tenth of a cold sysroot.
	jobs := []*job{
		{out: Scrt1Name, src: archSrc + "/start.S", defines: startDefs, pic: true},
		{out: CrtiName, src: archSrc + "/crti.S", pic: true},
		{out: CrtnName, src: archSrc + "/crtn.S", pic: true},
	}
	gprof := &job{out: Gcrt1Name, src: archSrc + "/start.S", defines: append([]string{"-DCOMPAT_GPROF"}, startDefs...), pic: true}
	nsObjs := append(nonsharedObjects(t.Glibc), arch.nonshared...)
	var nsJobs []*job
	var nsUnit *job
	if parts&Nonshared != 0 {
		nsJobs, nsUnit, err = nonsharedJobs(srcs, nsObjs, arch)
	}
	if err != nil {
		return nil, err
	}

	// The start files and libc_nonshared.a depend on the target release
	// alone: they compile while the rest is selected, which on a cold
	// sysroot waits for the target's libraries (t.Has).
	var base []*job
	if parts&StartFiles != 0 {
		base = append(base, jobs...)
	}
	if parts&Nonshared != 0 {
		base = append(base, nsJobs...)
	}
	if parts&ProfilingStart != 0 {
		base = append(base, gprof)
	}
	baseOpt := opt
	baseOpt.forms = nil // only polyfill sources implement two forms
	baseBuild, err := startCompile(ctx, cc, srcs, arch, base, baseOpt)
	if err != nil {
		return nil, err
	}
	defer baseBuild.stop() // before the work directory goes

	// What the polyfill archives hold depends on what the target's
	// libraries offer (t.Has), which is slow to learn; a build of the
	// start files and libc_nonshared.a alone does not ask.
	var pfObjs, mObjs, ovObjs []object
	if parts&(Polyfill|MathPolyfill) != 0 {
		if _, pfObjs, mObjs, err = selectObjectsFor(t.Arch, t.Glibc, t.has()); err != nil {
			return nil, err
		}
		pfObjs, mObjs = withoutThunks(pfObjs, arch), withoutThunks(mObjs, arch)
		ovObjs = overrideObjects(pfObjs)
	}
	var rest, pfJobs, ovJobs []*job
	var mJobs []*mathJob
	if parts&Polyfill != 0 {
		// The libc polyfills are thin wrappers or not hot: -Og takes a
		// third of -O2's compile time for the big ones, and the first
		// link that needs a polyfill waits for them all
		// (bench/polyfills.sh).
		if pfJobs, err = objectJobs("polyfill", pfObjs, arch, "-Og", "-DCOMPAT_WEAK"); err != nil {
			return nil, err
		}
		if ovJobs, err = objectJobs("override", ovObjs, arch, "-Og", "-DCOMPAT_WEAK"); err != nil {
			return nil, err
		}
		rest = append(append(rest, pfJobs...), ovJobs...)
	}
	if parts&MathPolyfill != 0 {
		// The math units and vector wrappers are generated there.
		if err := srcs.extract("src/common/polyfill/math"); err != nil {
			return nil, err
		}
		if mJobs, err = mathJobs(work, mObjs, arch); err != nil {
			return nil, err
		}
		for _, mj := range mJobs {
			rest = append(rest, mj.job)
		}
	}
	// Sources implementing two forms of a name compile the one t's headers
	// declare (abichange.go).
	restOpt := opt
	restOpt.forms = FormDefines(t)
	restBuild, err := startCompile(ctx, cc, srcs, arch, rest, restOpt)
	if err != nil {
		return nil, err
	}
	err = restBuild.wait()
	if berr := baseBuild.wait(); err == nil {
		err = berr
	}
	if err != nil {
		return nil, err
	}
	var mathArchive []arMember
	if parts&MathPolyfill != 0 && len(mJobs) > 0 {
		// The _Float128 polyfills, libquadmath's only callers, are
		// x86_64's (catalogue/abi.tsv refuses them elsewhere).
		quadmath := ""
		if arch.machine == elf.EM_X86_64 {
			quadmath = findQuadmath(ctx, cc)
		}
		if mathArchive, err = mathMembers(mJobs, quadmath); err != nil {
			return nil, err
		}
	}

	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("libcompat: %v", err)
	}
	files := &Files{
		Dir:              dir,
		Crt1:             filepath.Join(dir, Crt1Name),
		Scrt1:            filepath.Join(dir, Scrt1Name),
		Gcrt1:            filepath.Join(dir, Gcrt1Name),
		Crti:             filepath.Join(dir, CrtiName),
		Crtn:             filepath.Join(dir, CrtnName),
		Nonshared:        filepath.Join(dir, NonsharedName),
		Polyfill:         filepath.Join(dir, PolyfillName),
		Math:             filepath.Join(dir, MathName),
		Override:         filepath.Join(dir, OverrideName),
		CSUStart:         csu,
		NonsharedSymbols: objectSymbols(nsObjs),
		PolyfillSymbols:  objectSymbols(pfObjs),
		MathSymbols:      objectSymbols(mObjs),
		OverrideSymbols:  objectSymbols(ovObjs),
	}
	if parts&StartFiles != 0 {
		for _, j := range jobs {
			if err := os.WriteFile(filepath.Join(dir, j.out), j.data, 0o644); err != nil {
				return nil, fmt.Errorf("libcompat: %v", err)
			}
		}
		if err := os.WriteFile(files.Crt1, jobs[0].data, 0o644); err != nil {
			return nil, fmt.Errorf("libcompat: %v", err)
		}
	}
	if parts&ProfilingStart != 0 {
		if err := os.WriteFile(files.Gcrt1, gprof.data, 0o644); err != nil {
			return nil, fmt.Errorf("libcompat: %v", err)
		}
	}
	for _, a := range []struct {
		part Parts
		path string
		jobs []*job
	}{{Nonshared, files.Nonshared, nsJobs}, {Polyfill, files.Override, ovJobs}, {Polyfill, files.Polyfill, pfJobs}, {MathPolyfill, files.Math, nil}} {
		if parts&a.part == 0 {
			continue
		}
		var members []arMember
		for _, j := range a.jobs {
			members = append(members, arMember{name: path.Base(j.out), data: j.data})
		}
		switch a.path {
		case files.Math:
			members = mathArchive
		case files.Nonshared:
			if members, err = nonsharedMembers(nsObjs, nsJobs, nsUnit); err != nil {
				return nil, err
			}
		}
		sort.Slice(members, func(i, k int) bool { return members[i].name < members[k].name })
		data, err := writeArchive(members)
		if err != nil {
			return nil, fmt.Errorf("libcompat: %s: %v", filepath.Base(a.path), err)
		}
		if err := os.WriteFile(a.path, data, 0o644); err != nil {
			return nil, fmt.Errorf("libcompat: %v", err)
		}
	}
	return files, nil
}

// objectJobs turns an archive's objects into compile jobs under dir, with
// flags added to the compile; thunks as thunkJob makes them.
func objectJobs(dir string, objs []object, arch archInfo, flags ...string) ([]*job, error) {
	var jobs []*job
	for _, o := range objs {
		if o.thunk != "" {
			j, err := thunkJob(dir, o, arch)
			if err != nil {
				return nil, err
			}
			jobs = append(jobs, j)
			continue
		}
		jobs = append(jobs, &job{out: dir + "/" + o.member + ".o", pic: true, src: "src/common/" + o.src, defines: append(o.defines(), flags...)})
	}
	return jobs, nil
}

// thunkJob is the job of an alias's thunk under dir: written here without
// the compiler where thunkObject knows the machine ("go"), else compiled
// from the ABI's src/<dir>/thunk.S ("asm"; see archInfo.thunks).
func thunkJob(dir string, o object, arch archInfo) (*job, error) {
	j := &job{out: dir + "/" + o.member + ".o", pic: true}
	if arch.thunks == "asm" {
		j.src = "src/" + arch.dir + "/thunk.S"
		j.defines = []string{"-DCOMPAT_THUNK_NAME=" + o.symbols[0], "-DCOMPAT_THUNK_TARGET=" + o.thunk}
		return j, nil
	}
	data, err := thunkObject(arch.machine, o.symbols[0], o.thunk)
	if err != nil {
		return nil, err
	}
	j.data = data
	return j, nil
}

func supportedArches() []string {
	var out []string
	for a := range arches {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}
