package crosstest

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"compatbuild/internal/abidb"
	"compatbuild/internal/driver"
	"compatbuild/internal/elfinfo"
	"compatbuild/internal/libcompat"
	"compatbuild/internal/runtimes"
	"compatbuild/internal/sysroot"
	"compatbuild/internal/target"
)

// Sysroots start cold in a private cache; runtimes come from the user's
// (their fetching is tested in internal/runtimes).
func TestMain(m *testing.M) {
	cache, err := os.MkdirTemp("", "compatbuild-crosstest-")
	if err != nil {
		panic(err)
	}
	runtimeCache, _ = runtimes.DefaultCacheDir()
	os.Setenv("XDG_CACHE_HOME", cache)
	code := m.Run()
	os.RemoveAll(cache)
	os.Exit(code)
}

var (
	runtimeCache string
	testRuntimes sync.Map // name/arch → func() (*runtimes.Runtime, error)
)

// The programs of internal/driver's own end-to-end tests.
const (
	programC = "../driver/testdata/program.c"
	pluginC  = "../driver/testdata/plugin.c"
	throwCC  = "../driver/testdata/throw.cc"
)

const wantProgramOutput = `constructor ran: yes
thread-local: main 1, thread 42
stat: ok
fcntl: ok
plugin: constructor yes, thread-local main 0 thread 5, fcntl ok
plugin returned 42
atexit ran
destructor ran
`

func run(t *testing.T, rt *runtimes.Runtime, prog string, args ...string) (string, error) {
	t.Helper()
	out, err := rt.Command(context.Background(), prog, args...).CombinedOutput()
	return string(out), err
}

// floorByReadelf derives the glibc floor from binutils, independently of
// compatbuild's own reader.
func floorByReadelf(t *testing.T, path string) abidb.Version {
	t.Helper()
	out, err := exec.Command("readelf", "-V", "-W", path).Output()
	if err != nil {
		t.Fatalf("readelf %s: %v", path, err)
	}
	var floor abidb.Version
	for _, f := range strings.Fields(string(out)) {
		if v, err := abidb.ParseVersion(strings.TrimPrefix(f, "GLIBC_")); err == nil && strings.HasPrefix(f, "GLIBC_") && floor.Less(v) {
			floor = v
		}
	}
	return floor
}

// crossRuntimes are the real glibc each ABI's end-to-end programs run on
// (under qemu-user; i386 natively): Debian 11's 2.31 where the mirror still
// carries the architecture, else the oldest Debian that does (Debian 11
// LTS dropped powerpc64le and s390x from the main mirror; riscv64 is
// official from Debian 13). new is a runtime with glibc >= 2.34, for the
// programs built with 2.34's start-up convention.
//
// cxxStatic, when set, is the oldest release a -static-libstdc++ link can
// target: GCC 12's libstdc++.a on powerpc64le references
// __parse_hwcap_and_convert_at_platform (glibc 2.23; see its note in
// internal/abidb), which TestCrossStaticLibstdcxxBelow223 shows refused.
var crossRuntimes = []struct {
	triple    string
	old, new  string
	cxxStatic string
}{
	{"i686-linux-gnu", "debian:11", "debian:12", ""},
	{"aarch64-linux-gnu", "debian:11", "debian:12", ""},
	{"arm-linux-gnueabihf", "debian:11", "debian:12", ""},
	{"powerpc64le-linux-gnu", "debian:12", "debian:12", "2.23"},
	{"s390x-linux-gnu", "debian:12", "debian:12", ""},
	{"riscv64-linux-gnu", "debian:13", "debian:13", ""},
}

// archRuntime fetches a named runtime of t's architecture once per test
// binary.
func archRuntime(t *testing.T, name string, tg target.Target) *runtimes.Runtime {
	t.Helper()
	get, _ := testRuntimes.LoadOrStore(name+"/"+tg.Debian, sync.OnceValues(func() (*runtimes.Runtime, error) {
		return runtimes.GetWithOptions(context.Background(), name, runtimes.Options{CacheDir: runtimeCache, Arch: tg.Debian})
	}))
	rt, err := get.(func() (*runtimes.Runtime, error))()
	if err != nil {
		t.Fatalf("getting the %s runtime for %s: %v", name, tg.Debian, err)
	}
	return rt
}

// crossLink runs the driver for tg like `compatbuild cc --glibc v
// --target tg args...`.
func crossLink(t *testing.T, tg target.Target, cxx bool, v abidb.Version, args ...string) {
	t.Helper()
	cc, err := driver.CompilerFor(tg, cxx)
	if err != nil {
		t.Fatalf("%v (CI installs the cross compilers: .ci/run)", err)
	}
	var out bytes.Buffer
	code, err := driver.Run(context.Background(), driver.Options{Glibc: v, Target: tg, Compiler: cc, Stdout: &out, Stderr: &out}, args)
	if err != nil || code != 0 {
		t.Fatalf("link %v for %s glibc %s failed (%d, %v):\n%s", args, tg.Triple, v, code, err, out.String())
	}
}

// TestCrossEndToEnd: for every ABI, built on this x86_64 machine for the
// ABI's oldest release with its Debian cross compiler and run under a real
// glibc of that architecture: the issue-3 program (constructors, threads,
// TLS, stat, fcntl, dlopen of a plugin), the whole stat/mknod family
// (the ABI's _STAT_VER and _MKNOD_VER), C++ exceptions with
// -static-libstdc++ (the unwinder's _dl_find_object polyfill); and the
// program again with 2.34's start-up convention on a glibc >= 2.34. The
// polyfill archives of each ABI (libc and libm) are built whole (every
// polyfill and alias compiles).
func TestCrossEndToEnd(t *testing.T) {
	for _, cr := range crossRuntimes {
		tg, err := target.Parse(cr.triple)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(tg.ABI, func(t *testing.T) {
			t.Parallel()
			old := archRuntime(t, cr.old, tg)
			dir := t.TempDir()
			prog, plugin := filepath.Join(dir, "program"), filepath.Join(dir, "libplugin.so")
			stats, throw := filepath.Join(dir, "statfamily"), filepath.Join(dir, "throw")
			crossLink(t, tg, false, tg.First, "-O2", "-D_FILE_OFFSET_BITS=64", "-shared", "-fPIC", pluginC, "-o", plugin)
			crossLink(t, tg, false, tg.First, "-O2", "-D_FILE_OFFSET_BITS=64", programC, "-o", prog)
			crossLink(t, tg, false, tg.First, "-O2", "-D_FILE_OFFSET_BITS=64", "testdata/statfamily.c", "-o", stats)
			cxxRelease := tg.First
			if cr.cxxStatic != "" {
				cxxRelease = abidb.MustParseVersion(cr.cxxStatic)
			}
			crossLink(t, tg, true, cxxRelease, "-O2", "-static-libstdc++", "-static-libgcc", throwCC, "-o", throw)
			// thread_local destructors before later exit handlers: the
			// __cxa_thread_atexit_impl polyfill (below 2.18) hands them
			// to the runtime glibc's own function.
			tlOrder := filepath.Join(dir, "tlorder")
			crossLink(t, tg, true, cxxRelease, "-O2", "-static-libstdc++", "-static-libgcc", "../driver/testdata/polyfills/thread_dtors_order.cc", "-o", tlOrder)
			for _, f := range []string{prog, plugin, stats, throw} {
				want := tg.First
				if f == throw {
					want = cxxRelease
				}
				if floor := floorByReadelf(t, f); want.Less(floor) {
					t.Errorf("%s: readelf floor %s above %s", filepath.Base(f), floor, want)
				}
				info, err := elfinfo.ReadFile(f)
				if err != nil || info.ABI != tg.ABI {
					t.Errorf("%s: ABI %v (%v), want %s", filepath.Base(f), info.ABI, err, tg.ABI)
				}
			}
			// Every polyfill and alias compiles for the ABI: the
			// archives, built whole on a link's first need, are there
			// (libcompat_m.a has no member on powerpc64le, which has no
			// alias thunks and whose libm polyfills are x86_64's).
			srcc, err := driver.SysrootCompilerFor(tg)
			if err != nil {
				t.Fatal(err)
			}
			sr, err := sysroot.Ensure(context.Background(), sysroot.Spec{Arch: tg.ABI, Glibc: tg.First, CC: srcc})
			if err == nil {
				err = sr.BuildPolyfills(context.Background())
			}
			if syms, _ := sr.Polyfills(); err != nil || !sr.PolyfillsBuilt() || len(syms) < 20 {
				t.Errorf("%s polyfill archive at %s: %v, %d symbols", tg.ABI, tg.First, err, len(syms))
			}
			if err == nil {
				err = sr.BuildArchive(context.Background(), libcompat.MathName)
			}
			if syms, _ := sr.ArchiveSymbols(libcompat.MathName); err != nil || !sr.ArchiveBuilt(libcompat.MathName) || (len(syms) == 0) != (tg.ABI == "powerpc64le") {
				t.Errorf("%s %s at %s: %v, %d symbols", tg.ABI, libcompat.MathName, tg.First, err, len(syms))
			}
			// Started through its own PT_INTERP (qemu-user -L finds the
			// runtime's loader there), not 'ld.so PROG': a merged-/usr
			// release (debian:13's riscv64) has its /lib link.
			if how := old.How(prog); how != runtimes.StartInterpreter {
				t.Errorf("%s on %s starts as %s: %s", filepath.Base(prog), cr.old, how, old.StartReason(prog))
			}
			for _, c := range []struct {
				prog string
				args []string
				want string
			}{
				{prog, []string{plugin}, wantProgramOutput},
				{stats, nil, "stat family: ok\n"},
				{throw, nil, "caught: deep\n"},
				{tlOrder, nil, "t.x 1\nT dtor, pool alive 1\npool dtor\n"},
			} {
				if out, err := run(t, old, c.prog, c.args...); err != nil || out != c.want {
					t.Errorf("%s built for %s under %s's glibc %s: %v\n%s\nwant:\n%s", filepath.Base(c.prog), tg.First, cr.old, old.Glibc, err, out, c.want)
				}
			}

			v234 := abidb.MustParseVersion("2.34")
			if tg.First.Less(v234) {
				newer := archRuntime(t, cr.new, tg)
				prog234 := filepath.Join(dir, "program-2.34")
				crossLink(t, tg, false, v234, "-O2", "-D_FILE_OFFSET_BITS=64", programC, "-o", prog234)
				if out, err := run(t, newer, prog234, plugin); err != nil || out != wantProgramOutput {
					t.Errorf("program built for 2.34 under %s's glibc %s: %v\n%s", cr.new, newer.Glibc, err, out)
				}
			}
		})
	}
}

// TestCrossPlainBuildFails: the same program built by the plain cross
// compiler (bound to the cross toolchain's glibc 2.36) does not load on
// Debian 11's arm64 glibc 2.31: proof that the test above can fail.
func TestCrossPlainBuildFails(t *testing.T) {
	tg, _ := target.Parse("aarch64-linux-gnu")
	cc, err := driver.CompilerFor(tg, false)
	if err != nil {
		t.Fatal(err)
	}
	prog := filepath.Join(t.TempDir(), "program")
	if out, err := exec.Command(cc[0], append(cc[1:], "-O2", "-D_FILE_OFFSET_BITS=64", programC, "-o", prog)...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", cc[0], err, out)
	}
	out, err := run(t, archRuntime(t, "debian:11", tg), prog)
	if err == nil || !strings.Contains(out, "GLIBC_2.34' not found") {
		t.Errorf("plain cross build under arm64 glibc 2.31: err %v, output:\n%s", err, out)
	}
}

// TestCrossRefusals: a target older than its port, -pg and -m32 are
// refused with one line that says what to do instead.
func TestCrossRefusals(t *testing.T) {
	ppc, _ := target.Parse("ppc64el")
	arm64, _ := target.Parse("arm64")
	for _, c := range []struct {
		tg   target.Target
		v    string
		args []string
		want string
	}{
		{ppc, "2.17", []string{"x.c", "-o", "x"}, "first glibc release for powerpc64le-linux-gnu is 2.19"},
		{arm64, "2.17", []string{"-pg", "x.c", "-o", "x"}, "x86_64 only"},
		{target.Host(), "2.17", []string{"-m32", "x.c", "-o", "x"}, "--target i686-linux-gnu"},
	} {
		var out bytes.Buffer
		code, err := driver.Run(context.Background(), driver.Options{Glibc: abidb.MustParseVersion(c.v), Target: c.tg, Compiler: []string{"gcc"}, Stdout: &out, Stderr: &out}, c.args)
		if code != 2 || err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s %v: code %d, err %v; want one line with %q", c.tg.Triple, c.args, code, err, c.want)
		}
	}
}

// TestCrossStaticLibstdcxxBelow223: on powerpc64le below glibc 2.23 a
// -static-libstdc++ link fails, the output is not left behind, and the
// message says why and what to do instead.
func TestCrossStaticLibstdcxxBelow223(t *testing.T) {
	tg, _ := target.Parse("powerpc64le-linux-gnu")
	cc, err := driver.CompilerFor(tg, true)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "throw")
	var b bytes.Buffer
	code, err := driver.Run(context.Background(), driver.Options{Glibc: tg.First, Target: tg, Compiler: cc, Stdout: &b, Stderr: &b}, []string{"-O2", "-static-libstdc++", throwCC, "-o", out})
	if err != nil || code == 0 || !strings.Contains(b.String(), "link libstdc++ shared (drop -static-libstdc++)") || !strings.Contains(b.String(), "raise --glibc to 2.23") {
		t.Errorf("code %d, err %v, output:\n%s", code, err, b.String())
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("%s was left behind", out)
	}
}

const wantTime64 = `clocks: ok
difftime: 10
stat: ok
calendar: ok
after 2038: converted
timedwait: timed out
utimens: ok
`

// TestCrossTime64: on the 32-bit ABIs a program built with
// -D_TIME_BITS=64 -D_FILE_OFFSET_BITS=64 for glibc 2.17 (its headers call
// glibc 2.34's time64 entry points) links against the time64 polyfills and
// runs under Debian 11's real glibc 2.31: i386 natively, arm under
// qemu-user. gmtime_r converts a time after 2038, as glibc 2.34's does
// (time64_cal.c computes it in 64 bits).
func TestCrossTime64(t *testing.T) {
	for _, triple := range []string{"i686-linux-gnu", "arm-linux-gnueabihf"} {
		tg, _ := target.Parse(triple)
		t.Run(tg.ABI, func(t *testing.T) {
			t.Parallel()
			prog := filepath.Join(t.TempDir(), "time64")
			crossLink(t, tg, false, tg.First, "-O2", "-D_TIME_BITS=64", "-D_FILE_OFFSET_BITS=64", "-pthread", "testdata/time64.c", "-o", prog)
			if floor := floorByReadelf(t, prog); tg.First.Less(floor) {
				t.Errorf("floor %s above %s", floor, tg.First)
			}
			if out, err := run(t, archRuntime(t, "debian:11", tg), prog); err != nil || out != wantTime64 {
				t.Errorf("under %s glibc 2.31: %v\n%s\nwant:\n%s", tg.Debian, err, out, wantTime64)
			}
		})
	}
}

// TestCrossTime64Rest: the rest of the time64 set (testdata/time64_more.c:
// select, sockets and their timestamps, file times, rusage, itimers,
// timers, the clock waits and joins, C11, SysV IPC, nftw, glob, adjtimex)
// built with -D_TIME_BITS=64 -D_FILE_OFFSET_BITS=64 for the ABI's first
// release runs under Debian 11's real glibc 2.31 (the polyfills) and
// prints what the same program built for 2.36 prints under Debian 12's
// glibc 2.36 (glibc's own time64 functions).
func TestCrossTime64Rest(t *testing.T) {
	for _, triple := range []string{"i686-linux-gnu", "arm-linux-gnueabihf"} {
		tg, _ := target.Parse(triple)
		t.Run(tg.ABI, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			old, cur := filepath.Join(dir, "old"), filepath.Join(dir, "new")
			flags := []string{"-O2", "-D_TIME_BITS=64", "-D_FILE_OFFSET_BITS=64", "-pthread", "testdata/time64_more.c", "-lrt"}
			crossLink(t, tg, false, tg.First, append(flags, "-o", old)...)
			crossLink(t, tg, false, abidb.MustParseVersion("2.36"), append(flags, "-o", cur)...)
			if floor := floorByReadelf(t, old); tg.First.Less(floor) {
				t.Errorf("floor %s above %s", floor, tg.First)
			}
			// qemu-user answers getsockopt(SO_RCVTIMEO_NEW) with 4 bytes,
			// for glibc's function and the polyfill alike; the program
			// then prints that instead of checking the value.
			var args []string
			if tg.ABI != "i386" {
				args = []string{"qemu"}
			}
			want, err := run(t, archRuntime(t, "debian:12", tg), cur, args...)
			if err != nil || strings.Contains(want, "WRONG") {
				t.Fatalf("glibc 2.36's own functions under %s: %v\n%s", tg.Debian, err, want)
			}
			got, err := run(t, archRuntime(t, "debian:11", tg), old, args...)
			if err != nil || got != want {
				t.Errorf("built for %s, under %s glibc 2.31: %v\n%s\nwant (2.36):\n%s", tg.First, tg.Debian, err, got, want)
			}
		})
	}
}

// TestCrossTime64Calendar: gmtime, timegm, localtime, mktime and ctime
// under -D_TIME_BITS=64 (testdata/time64_cal.c) at the 32-bit edges
// (1901-12-13, 2038-01-19 03:14:07/08), in 2100, 1800, before year 1 and
// at tm_year's limit, in UTC and a POSIX TZ rule with summer time: built
// for the ABI's first release and run under Debian 11's glibc 2.31 (the
// polyfills of time64_cal.c), it prints what glibc 2.36's own functions
// print under Debian 12.
func TestCrossTime64Calendar(t *testing.T) {
	for _, triple := range []string{"i686-linux-gnu", "arm-linux-gnueabihf"} {
		tg, _ := target.Parse(triple)
		t.Run(tg.ABI, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			old, cur := filepath.Join(dir, "old"), filepath.Join(dir, "new")
			flags := []string{"-O2", "-D_TIME_BITS=64", "-D_FILE_OFFSET_BITS=64", "testdata/time64_cal.c"}
			crossLink(t, tg, false, tg.First, append(flags, "-o", old)...)
			crossLink(t, tg, false, abidb.MustParseVersion("2.36"), append(flags, "-o", cur)...)
			want, err := run(t, archRuntime(t, "debian:12", tg), cur)
			if err != nil || strings.Contains(want, "WRONG") || !strings.Contains(want, "2100-01-01 00:00:00 wday 5") {
				t.Fatalf("glibc 2.36's own functions under %s: %v\n%s", tg.Debian, err, want)
			}
			got, err := run(t, archRuntime(t, "debian:11", tg), old)
			if err != nil || got != want {
				t.Errorf("built for %s, under %s glibc 2.31: %v\n%s\nwant (2.36):\n%s", tg.First, tg.Debian, err, got, want)
			}
		})
	}
}
