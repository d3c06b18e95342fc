package libcompat

import (
	"bytes"
	"context"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"compatbuild/internal/abidb"
)

func TestMissingCompiler(t *testing.T) {
	_, err := Build(context.Background(), []string{"no-such-cc"}, target217, t.TempDir())
	if err == nil {
		t.Fatal("Build with a missing compiler succeeded")
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") || !strings.Contains(msg, "no-such-cc") || !strings.Contains(msg, "set CC to a working gcc or clang") {
		t.Errorf("error should be one line naming the compiler and the fix, got %q", msg)
	}
}

func TestBadTargets(t *testing.T) {
	for _, tg := range []Target{
		{Arch: "sparc64", Glibc: Version{2, 17}},
		{Arch: "x86_64", Glibc: Version{2, 12}},
	} {
		if _, err := Build(context.Background(), []string{"gcc"}, tg, t.TempDir()); err == nil {
			t.Errorf("Build(%+v) succeeded", tg)
		}
	}
}

func TestParseVersion(t *testing.T) {
	for in, want := range map[string]Version{"2.17": {2, 17}, "GLIBC_2.34": {2, 34}, "2.5": {2, 5}} {
		got, err := ParseVersion(in)
		if err != nil || got != want {
			t.Errorf("ParseVersion(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "2", "2.x", "-1.2"} {
		if _, err := ParseVersion(in); err == nil {
			t.Errorf("ParseVersion(%q) succeeded", in)
		}
	}
	if !(Version{2, 9}).Less(Version{2, 17}) || (Version{2, 17}).Less(Version{2, 17}) {
		t.Error("Less is wrong")
	}
}

func symbolsOf(objs []object) []string {
	var out []string
	for _, o := range objs {
		out = append(out, o.symbols...)
	}
	sort.Strings(out)
	return out
}

func TestSelection(t *testing.T) {
	// 2.17 with the hand-written availability list.
	ns, pf, _, err := selectObjects(Version{2, 17}, has217)
	if err != nil {
		t.Fatal(err)
	}
	wantNS := []string{"__libc_csu_fini", "__libc_csu_init", "at_quick_exit", "atexit",
		"fstat", "fstat64", "fstatat", "fstatat64", "lstat", "lstat64", "mknod", "mknodat",
		"pthread_atfork", "stat", "stat64"}
	if got := symbolsOf(ns); !reflect.DeepEqual(got, wantNS) {
		t.Errorf("2.17 nonshared = %v, want %v", got, wantNS)
	}
	pfSyms := symbolsOf(pf)
	for sym := range missingIn217 {
		inNS := false
		for _, s := range wantNS {
			inNS = inNS || s == sym
		}
		i := sort.SearchStrings(pfSyms, sym)
		inPF := i < len(pfSyms) && pfSyms[i] == sym
		if inNS == inPF {
			t.Errorf("2.17: %s in nonshared=%v polyfill=%v; want exactly one", sym, inNS, inPF)
		}
	}
	for _, s := range []string{"__isoc23_strtol", "__isoc23_sscanf", "__isoc23_wcstoull_l", "__isoc23_vfwscanf"} {
		if i := sort.SearchStrings(pfSyms, s); i == len(pfSyms) || pfSyms[i] != s {
			t.Errorf("2.17 polyfill lacks %s", s)
		}
	}

	// A symbol the target has is never polyfilled.
	_, pf, _, _ = selectObjects(Version{2, 17}, func(s string) bool { return s != "getrandom" })
	if got := symbolsOf(pf); !reflect.DeepEqual(got, []string{"getrandom"}) {
		t.Errorf("only getrandom missing: polyfill = %v", got)
	}

	// Release boundaries, with Has from IntroducedIn.
	intro := func(v Version) func(string) bool {
		return func(s string) bool {
			iv, ok := IntroducedIn(s)
			return !ok || v.AtLeast(iv)
		}
	}
	for _, c := range []struct {
		v          Version
		stat, csu  bool
		polyfilled []string
		absent     []string
	}{
		{Version{2, 32}, true, true, []string{"close_range"}, []string{"fcntl64", "__libc_single_threaded", "stat"}},
		{Version{2, 33}, false, true, []string{"close_range", "_dl_find_object"}, []string{"stat", "fstatat64"}},
		{Version{2, 34}, false, false, []string{"_dl_find_object", "arc4random"}, []string{"close_range"}},
		{Version{2, 36}, false, false, []string{"strlcpy", "__isoc23_strtol"}, []string{"arc4random", "_dl_find_object"}},
		{Version{2, 38}, false, false, nil, []string{"strlcpy", "__isoc23_strtol"}},
	} {
		ns, pf, _, err := selectObjects(c.v, intro(c.v))
		if err != nil {
			t.Fatal(err)
		}
		nsSyms, pfSyms := symbolsOf(ns), symbolsOf(pf)
		has := func(list []string, s string) bool {
			i := sort.SearchStrings(list, s)
			return i < len(list) && list[i] == s
		}
		if has(nsSyms, "stat") != c.stat || has(nsSyms, "__libc_csu_init") != c.csu {
			t.Errorf("%v: nonshared %v: want stat=%v csu=%v", c.v, nsSyms, c.stat, c.csu)
		}
		for _, s := range c.polyfilled {
			if !has(pfSyms, s) {
				t.Errorf("%v: %s not polyfilled", c.v, s)
			}
		}
		for _, s := range c.absent {
			if has(pfSyms, s) {
				t.Errorf("%v: %s polyfilled although the target has it", c.v, s)
			}
		}
		for _, s := range pfSyms {
			if has(nsSyms, s) {
				t.Errorf("%v: %s defined in both archives", c.v, s)
			}
		}
	}
}

func TestDeterministic(t *testing.T) {
	first := build217(t)
	second, err := Build(context.Background(), []string{"gcc"}, target217, filepath.Join(t.TempDir(), "again"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(first.PolyfillSymbols, second.PolyfillSymbols) || !reflect.DeepEqual(first.NonsharedSymbols, second.NonsharedSymbols) {
		t.Errorf("symbol lists differ between builds")
	}
	a, b := first.Paths(), second.Paths()
	for i := range a {
		x, err1 := os.ReadFile(a[i])
		y, err2 := os.ReadFile(b[i])
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two builds", filepath.Base(a[i]))
		}
		if bytes.Contains(x, []byte(os.TempDir()+"/libcompat-")) {
			t.Errorf("%s contains the build directory path", filepath.Base(a[i]))
		}
	}
}

// The archives' members are consistent with the Files report, linkable by
// the system linker's index, hidden, TLS-free, and only reference what
// glibc 2.17 exports.
func TestArchiveContents(t *testing.T) {
	f := build217(t)

	// What glibc 2.17 exports, from the ABI database (any library: the
	// sysroot offers libpthread, librt and the aliases' libraries).
	db := abidb.MustLoad("x86_64")
	in217 := func(sym string) bool {
		_, _, ok := db.LibraryOf(sym, abidb.MustParseVersion("2.17"))
		return ok
	}
	// Provided by the linker, crtbegin*.o or our start files, not libc.
	notLibc := map[string]bool{"_GLOBAL_OFFSET_TABLE_": true, "__dso_handle": true, "_init": true,
		"__init_array_start": true, "__init_array_end": true}
	// libgcc's helpers, which every compiler driver links: _Float128
	// arithmetic (soft-fp) and complex multiplication/division.
	libgcc := func(sym string) bool {
		for _, p := range []string{"__add", "__sub", "__mul", "__div", "__neg", "__eq", "__ne", "__lt", "__le", "__gt", "__ge", "__unord",
			"__extend", "__trunc", "__fix", "__float", "__powi"} {
			if strings.HasPrefix(sym, p) && (strings.Contains(sym, "tf") || strings.Contains(sym, "tc") || strings.Contains(sym, "xc") || strings.Contains(sym, "dc") || strings.Contains(sym, "sc")) {
				return true
			}
		}
		return false
	}
	// Defined by some member of the archives: polyfills may call each
	// other, and the math polyfills libquadmath's copied members.
	inArchives := map[string]bool{}
	for _, path := range []string{f.Nonshared, f.Polyfill, f.Math, f.Override} {
		for _, m := range readArchive(t, path) {
			for _, s := range elfSymbols(t, m.name, m.data) {
				if s.Section != elf.SHN_UNDEF && elf.ST_BIND(s.Info) != elf.STB_LOCAL {
					inArchives[s.Name] = true
				}
			}
		}
	}

	for _, a := range []struct {
		path string
		want []string
	}{{f.Nonshared, f.NonsharedSymbols}, {f.Polyfill, f.PolyfillSymbols}, {f.Math, f.MathSymbols}, {f.Override, f.OverrideSymbols}} {
		var defined []string
		for _, m := range readArchive(t, a.path) {
			syms := elfSymbols(t, m.name, m.data)
			self := map[string]bool{}
			for _, s := range syms {
				if s.Section != elf.SHN_UNDEF {
					self[s.Name] = true
				}
				if elf.ST_TYPE(s.Info) == elf.STT_TLS {
					t.Errorf("%s: TLS symbol %s", m.name, s.Name)
				}
			}
			for _, s := range syms {
				bind := elf.ST_BIND(s.Info)
				if bind == elf.STB_LOCAL {
					continue
				}
				if s.Section != elf.SHN_UNDEF {
					defined = append(defined, s.Name)
					if elf.ST_VISIBILITY(s.Other) != elf.STV_HIDDEN {
						t.Errorf("%s: %s is not hidden", m.name, s.Name)
					}
					continue
				}
				if notLibc[s.Name] || inArchives[s.Name] || libgcc(s.Name) {
					continue
				}
				if !in217(s.Name) {
					t.Errorf("%s references %s, which glibc 2.17 does not export and no member defines", m.name, s.Name)
				}
			}
			for typ, targets := range relocTypes(t, m.name, m.data) {
				switch typ {
				case elf.R_X86_64_TPOFF32, elf.R_X86_64_TPOFF64, elf.R_X86_64_GOTTPOFF,
					elf.R_X86_64_TLSGD, elf.R_X86_64_TLSLD, elf.R_X86_64_DTPOFF32, elf.R_X86_64_GOTPC32_TLSDESC:
					t.Errorf("%s: TLS relocation %v against %v", m.name, typ, targets)
				case elf.R_X86_64_32, elf.R_X86_64_32S:
					t.Errorf("%s: absolute relocation %v against %v (not PIC)", m.name, typ, targets)
				}
			}
		}
		sort.Strings(defined)
		// Members that replace functions (overrides.tsv) link to their
		// override parts by __compat_ names: the implementations and
		// the symbol that pulls each part in.
		var internal []string
		defined = slices.DeleteFunc(defined, func(s string) bool {
			if (a.path == f.Polyfill || a.path == f.Override) && strings.HasPrefix(s, "__compat_") {
				internal = append(internal, s)
				return true
			}
			return false
		})
		switch a.path {
		case f.Polyfill:
			for _, s := range []string{"__compat_spawn", "__compat_sigmask_pthread_create"} {
				if !slices.Contains(internal, s) {
					t.Errorf("%s: no %s for its override part", filepath.Base(a.path), s)
				}
			}
		case f.Override:
			if !reflect.DeepEqual(internal, []string{"__compat_override_sigmask", "__compat_override_spawn"}) {
				t.Errorf("%s: defines %v, want the symbols that pull in the spawn and sigmask parts", filepath.Base(a.path), internal)
			}
		}
		if a.path == f.Math {
			// Besides the catalogue's symbols, libcompat_m.a holds the
			// math sources' private helpers and libquadmath's copies.
			var extra []string
			for _, s := range defined {
				if _, ok := Lookup(s); !ok {
					extra = append(extra, s)
				}
			}
			defined = slices.DeleteFunc(defined, func(s string) bool { return slices.Contains(extra, s) })
			for _, s := range []string{"sinq", "expq", "__compat_quadmath_signgam"} {
				if !slices.Contains(extra, s) {
					t.Errorf("%s: no helper %s", filepath.Base(a.path), s)
				}
			}
		}
		if !reflect.DeepEqual(defined, a.want) {
			t.Errorf("%s defines %v, Files says %v", filepath.Base(a.path), defined, a.want)
		}
	}
}

func versionAtMost(v string, major, minor int) bool {
	rest, ok := strings.CutPrefix(v, "GLIBC_")
	if !ok {
		return false
	}
	parts := strings.Split(rest, ".")
	if len(parts) < 2 {
		return false
	}
	a, err1 := strconv.Atoi(parts[0])
	b, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil {
		return false
	}
	return a < major || (a == major && b <= minor)
}

// A target that lacks nothing gets an empty polyfill archive that the
// linker still accepts.
func TestEmptyPolyfillArchive(t *testing.T) {
	needTools(t)
	dir := t.TempDir()
	f, err := Build(context.Background(), []string{"gcc"}, Target{Arch: "amd64", Glibc: Version{2, 44}, Has: func(string) bool { return true }}, filepath.Join(dir, "out"))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.PolyfillSymbols) != 0 || f.CSUStart {
		t.Errorf("2.44: polyfills %v, CSUStart %v", f.PolyfillSymbols, f.CSUStart)
	}
	writeFile(t, dir, "m.c", "int main(void){return 0;}\n")
	run(t, dir, "gcc", "m.c", f.Polyfill, f.Nonshared, "-o", "m")
	run(t, dir, "./m")
}

// The sources compile without warnings under -Wall -Wextra, with gcc and
// with clang (users pick either; the archives are built with theirs).
func TestSourcesWarningFree(t *testing.T) {
	needTools(t, "clang")
	for _, cc := range []string{"gcc", "clang"} {
		_, err := build(context.Background(), []string{cc}, target217, t.TempDir(), buildOptions{extraCFlags: []string{"-Wall", "-Wextra", "-Werror"}})
		if err != nil {
			t.Fatalf("%s: %v", cc, err)
		}
		_, err = build(context.Background(), []string{cc}, Target{Arch: "x86_64", Glibc: Version{2, 34}, Has: func(string) bool { return true }}, t.TempDir(), buildOptions{extraCFlags: []string{"-Wall", "-Wextra", "-Werror"}})
		if err != nil {
			t.Fatalf("%s: %v", cc, err)
		}
		// A member that holds only some of its functions (2.35 has the
		// spawn member's file actions, not its cgroup and pidfd ones).
		_, err = build(context.Background(), []string{cc}, Target{Arch: "x86_64", Glibc: Version{2, 35}}, t.TempDir(), buildOptions{parts: Polyfill, extraCFlags: []string{"-Wall", "-Wextra", "-Werror"}})
		if err != nil {
			t.Fatalf("%s at 2.35: %v", cc, err)
		}
	}
}

// A compiler that fails is reported with the object, source and command.
func TestCompilerFailure(t *testing.T) {
	if _, err := exec.LookPath("false"); err != nil {
		t.Skip("no false(1)")
	}
	_, err := Build(context.Background(), []string{"false"}, target217, t.TempDir())
	if err == nil || !strings.Contains(err.Error(), `"false"`) || !strings.Contains(err.Error(), "failed") {
		t.Errorf("got %v", err)
	}
}

// Without Has, IntroducedIn decides; at 2.17 that selects at least the
// hand-written list.
func TestDefaultHas(t *testing.T) {
	_, want, _, _ := selectObjects(Version{2, 17}, has217)
	_, got, _, _ := selectObjects(Version{2, 17}, func(s string) bool {
		v, ok := IntroducedIn(s)
		return !ok || (Version{2, 17}).AtLeast(v)
	})
	// has217 knows only the symbols of missingIn217 as missing; every
	// catalogue symbol is missing at 2.17 by the ABI database.
	for _, s := range symbolsOf(want) {
		if !slices.Contains(symbolsOf(got), s) {
			t.Errorf("IntroducedIn-based selection lacks %s", s)
		}
	}
	if n := len(PolyfillSymbols(PolyfillName)); n < len(symbolsOf(want)) {
		t.Errorf("PolyfillSymbols lists %d symbols, fewer than the 2.17 archive's %d", n, len(symbolsOf(want)))
	}
}
