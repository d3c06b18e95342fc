package driver

import (
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"compatbuild/internal/abidb"
	"compatbuild/internal/check"
	"compatbuild/internal/elfinfo"
	"compatbuild/internal/sysroot"
)

// The kind: an output is only as portable as the shared libraries it loads.
// The link's own inputs from outside the sysroot, a vendored libworker.so
// named on the command line or found by -l through -L, are loaded on the
// target too, so each one the output actually needs (its soname is in the
// output's DT_NEEDED) is judged against the target like the output, and so
// are the libraries they need from the same places. Libraries from the
// system's own directories are the target's to provide: the target's copy
// is loaded there, and what the output binds of them is in its own needs.

// systemLibDirs hold the host's system libraries.
var systemLibDirs = []string{"/lib", "/lib64", "/usr/lib", "/usr/lib64", "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu"}

func inSystemDir(path string) bool {
	dir := filepath.Dir(path)
	if r, err := filepath.EvalSymlinks(dir); err == nil {
		dir = r
	}
	return slices.Contains(systemLibDirs, dir)
}

// linkInputs is what a link command line says about shared libraries.
type linkInputs struct {
	libDirs []string // -L, in order
	libs    []string // -lNAME and -l:FILE values, in order, with the static mode at each
	static  []bool
	files   []string // named inputs that look like shared libraries
	// startFiles are named inputs called *crt1.o: start code the user
	// links in place of the sysroot's (see checkStartInputs).
	startFiles []string
}

// checkStartInputs refuses a named start file (crt1.o, Scrt1.o, ...) that
// is another glibc's: one that calls __libc_start_main without
// compatbuild's note. The kind is the start-file fallback the output's
// note check catches (driver.go), reached on purpose: -nostartfiles with
// /usr/lib/x86_64-linux-gnu/Scrt1.o named. That start code passes 2.34's
// arguments to __libc_start_main, so before 2.34 the program's
// constructors never run. Start code of the user's own (not calling
// __libc_start_main) is theirs.
func checkStartInputs(args []string, glibc abidb.Version) error {
	if !glibc.Less(abidb.MustParseVersion("2.34")) {
		return nil // 2.34's start code is the target's own convention
	}
	for _, p := range scanLinkArgs(args).startFiles {
		f, err := elf.Open(p)
		if err != nil {
			continue // not there or not ELF: the linker says so
		}
		calls := false
		if syms, err := f.Symbols(); err == nil {
			for _, s := range syms {
				if s.Name == "__libc_start_main" && s.Section == elf.SHN_UNDEF {
					calls = true
				}
			}
		}
		ours := f.Section(".note.compatbuild") != nil
		f.Close()
		if calls && !ours {
			return errorf("%s is another glibc's start file: its start code calls __libc_start_main as that glibc does, and on glibc %s the program's constructors would never run. Drop it (and -nostartfiles): compatbuild links the start files of glibc %s", p, glibc, glibc)
		}
	}
	return nil
}

// scanLinkArgs reads the -L, -l and named shared library inputs of a
// compiler command line, including those passed through -Wl, and
// -Xlinker and inside response files.
func scanLinkArgs(args []string) *linkInputs {
	in := &linkInputs{}
	in.scan(args, 0, false)
	return in
}

func (in *linkInputs) scan(args []string, depth int, linker bool) {
	static := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		next := func() string {
			if i+1 < len(args) {
				i++
				return args[i]
			}
			return ""
		}
		switch {
		case len(a) > 1 && a[0] == '@':
			// Read with the driver's bounds; one that cannot be opened
			// stays a literal argument, as the linker takes it.
			if exp, err := expandArgs([]string{a}); err == nil && !slices.Equal(exp.args, []string{a}) {
				in.scan(exp.args, depth+1, linker)
			}
		case strings.HasPrefix(a, "-Wl,"):
			in.scan(strings.Split(a[4:], ","), depth, true)
		case a == "-Xlinker":
			in.scan([]string{next()}, depth, true)
		case a == "-L" || (linker && a == "--library-path"):
			in.libDirs = append(in.libDirs, next())
		case strings.HasPrefix(a, "-L"):
			in.libDirs = append(in.libDirs, a[2:])
		case strings.HasPrefix(a, "--library-path="):
			in.libDirs = append(in.libDirs, strings.TrimPrefix(a, "--library-path="))
		case a == "-l" || (linker && a == "--library"):
			in.libs, in.static = append(in.libs, next()), append(in.static, static)
		case strings.HasPrefix(a, "-l"):
			in.libs, in.static = append(in.libs, a[2:]), append(in.static, static)
		case linker && (a == "-Bstatic" || a == "-dn" || a == "-non_shared" || a == "-static"):
			static = true
		case linker && (a == "-Bdynamic" || a == "-dy" || a == "-call_shared"):
			static = false
		case a == "-o" || (!linker && optionsWithValue[a]):
			next()
		case !strings.HasPrefix(a, "-") && strings.Contains(filepath.Base(a), ".so"):
			in.files = append(in.files, a)
		case !strings.HasPrefix(a, "-") && strings.HasSuffix(filepath.Base(a), "crt1.o"):
			in.startFiles = append(in.startFiles, a)
		}
	}
}

// find resolves -lNAME as the linker does: per directory, libNAME.so
// before libNAME.a (only .a in static mode); -l:FILE by exact name.
func (in *linkInputs) find(name string, static bool) string {
	var names []string
	switch {
	case strings.HasPrefix(name, ":"):
		names = []string{name[1:]}
	case static:
		return ""
	default:
		names = []string{"lib" + name + ".so", "lib" + name + ".a"}
	}
	for _, dir := range in.libDirs {
		for _, n := range names {
			p := filepath.Join(dir, n)
			if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
				return p
			}
		}
	}
	return ""
}

// checkInputs judges the shared libraries the link used from outside the
// sysroot and the system's directories. Above the target, it removes the
// output and fails the link (exit 1), naming the library, the version and
// the symbols; their GLIBCXX needs are noted like the output's.
func checkInputs(opt Options, sr *sysroot.Sysroot, linkArgs []string, out string, info *elfinfo.File) (int, error) {
	if len(info.Needed) == 0 {
		return 0, nil
	}
	in := scanLinkArgs(linkArgs)
	var cands []string
	for i, l := range in.libs {
		if p := in.find(l, in.static[i]); p != "" && !strings.HasSuffix(p, ".a") {
			cands = append(cands, p)
		}
	}
	cands = append(cands, in.files...)
	outside := func(p string) bool {
		return !strings.HasPrefix(filepath.Clean(p), filepath.Clean(sr.Dir)+string(filepath.Separator)) && !inSystemDir(p)
	}
	// The libraries the output loads: those whose soname it needs, then,
	// breadth first, what they need from their RUNPATH or the -L dirs.
	want := slices.Clone(info.Needed)
	seen := map[string]bool{}
	var used []*elfinfo.File
	for len(cands) > 0 {
		p := cands[0]
		cands = cands[1:]
		if seen[p] || !outside(p) {
			continue
		}
		lib, err := elfinfo.ReadFile(p)
		if err != nil || lib.Kind != elfinfo.SharedLibrary {
			continue // a linker script, an archive, not a library: ld said what it made of it
		}
		name := lib.Soname
		if name == "" {
			name = filepath.Base(p)
		}
		if !slices.Contains(want, name) && !slices.Contains(want, p) {
			continue
		}
		seen[p] = true
		used = append(used, lib)
		for _, dep := range lib.Needed {
			if dp := dependency(lib, dep, in.libDirs); dp != "" {
				want = append(want, dep)
				cands = append(cands, dp)
			}
		}
	}
	failed := false
	for _, lib := range used {
		rep, err := check.Analyze(lib, opt.Glibc)
		if err != nil {
			return 2, errorf("checking %s, which the link of %s used: %v", lib.Path, out, err)
		}
		if rep.Status == check.StatusAbove {
			if !failed {
				os.Remove(out)
			}
			failed = true
			fmt.Fprintf(opt.Stderr, "compatbuild: %s, which the link used, needs glibc %s, above the target %s: %s would fail to load there; removed it. Why:\n", lib.Path, rep.Glibc.Floor, opt.Glibc, out)
			(&check.Report{Target: opt.Glibc.String(), Files: []*check.FileReport{rep}}).WriteFiles(opt.Stderr)
			fmt.Fprintf(opt.Stderr, "compatbuild: build %s for glibc %s too (compatbuild cc --glibc %s), or link against a copy that is\n", filepath.Base(lib.Path), opt.Glibc, opt.Glibc)
			continue
		}
		if rep.GLIBCXX != nil {
			fmt.Fprintf(opt.Stderr, "compatbuild: note: %s, which %s loads, needs %s (libstdc++ of GCC %s) from the target's libstdc++.so.6\n", lib.Path, out, rep.GLIBCXX.Version, rep.GLIBCXX.GCC)
		}
	}
	if failed {
		return 1, nil
	}
	return 0, nil
}

// dependency finds a library's DT_NEEDED entry where the loader (its
// RPATH/RUNPATH, $ORIGIN expanded) or the linker (-L, for -rpath-link
// resolution) would; "" when it is not there.
func dependency(lib *elfinfo.File, name string, libDirs []string) string {
	dirs := slices.Clone(lib.Runpath)
	if lib.Runpath == nil {
		dirs = slices.Clone(lib.Rpath)
	}
	origin := filepath.Dir(lib.Path)
	for i, d := range dirs {
		dirs[i] = strings.ReplaceAll(strings.ReplaceAll(d, "${ORIGIN}", origin), "$ORIGIN", origin)
	}
	for _, d := range append(dirs, libDirs...) {
		if d == "" || strings.Contains(d, "$") {
			continue
		}
		p := filepath.Join(d, name)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p
		}
	}
	return ""
}
