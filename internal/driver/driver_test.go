package driver

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"compatbuild/internal/abidb"
	"compatbuild/internal/check"
	"compatbuild/internal/elfinfo"
	"compatbuild/internal/libcompat"
	"compatbuild/internal/runtimes"
)

// Each test links with a private cache so cold and warm paths are real.
func TestMain(m *testing.M) {
	cache, err := os.MkdirTemp("", "compatbuild-driver-test-")
	if err != nil {
		panic(err)
	}
	// Runtimes are fetched once into the user's cache (fetching is tested
	// in internal/runtimes); sysroots go to a fresh directory.
	runtimeCache, _ := runtimes.DefaultCacheDir()
	os.Setenv("COMPATBUILD_TEST_RUNTIMES", runtimeCache)
	os.Setenv("XDG_CACHE_HOME", cache)
	code := m.Run()
	os.RemoveAll(cache)
	os.Exit(code)
}

// testRuntimes fetches each named runtime once per test binary.
var testRuntimes sync.Map // name → func() (*runtimes.Runtime, error)

func testRuntime(t *testing.T, name string) *runtimes.Runtime {
	t.Helper()
	get, _ := testRuntimes.LoadOrStore(name, onceRuntime(name, ""))
	rt, err := get.(func() (*runtimes.Runtime, error))()
	if err != nil {
		t.Fatalf("getting the %s runtime: %v", name, err)
	}
	return rt
}

// onceRuntime fetches a named runtime of a Debian architecture ("" is
// the host's) at its first use.
func onceRuntime(name, arch string) func() (*runtimes.Runtime, error) {
	return sync.OnceValues(func() (*runtimes.Runtime, error) {
		return runtimes.GetWithOptions(context.Background(), name, runtimes.Options{CacheDir: os.Getenv("COMPATBUILD_TEST_RUNTIMES"), Arch: arch})
	})
}

// debian11 is Debian bullseye's glibc 2.31, the real old glibc every
// artifact must run on.
func debian11(t *testing.T) *runtimes.Runtime { return testRuntime(t, "debian:11") }

// link runs the driver like `compatbuild cc --glibc target args...`.
func link(t *testing.T, cxx bool, target string, args ...string) (stderr string, code int) {
	t.Helper()
	var errb bytes.Buffer
	code, err := Run(context.Background(), Options{
		Glibc: abidb.MustParseVersion(target), Compiler: DefaultCompiler(cxx),
		Stdout: &errb, Stderr: &errb,
	}, args)
	if err != nil {
		t.Fatalf("driver: %v", err)
	}
	return errb.String(), code
}

func mustLink(t *testing.T, cxx bool, target string, args ...string) {
	t.Helper()
	if out, code := link(t, cxx, target, args...); code != 0 {
		t.Fatalf("link %v for %s failed (%d):\n%s", args, target, code, out)
	}
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

func run(t *testing.T, rt *runtimes.Runtime, prog string, args ...string) (string, error) {
	t.Helper()
	out, err := rt.Command(context.Background(), prog, args...).CombinedOutput()
	return string(out), err
}

func buildProgramAndPlugin(t *testing.T, target string) (prog, plugin string) {
	dir := t.TempDir()
	prog, plugin = filepath.Join(dir, "program"), filepath.Join(dir, "libplugin.so")
	mustLink(t, false, target, "-O2", "-D_FILE_OFFSET_BITS=64", "-shared", "-fPIC", "testdata/plugin.c", "-o", plugin)
	mustLink(t, false, target, "-O2", "-D_FILE_OFFSET_BITS=64", "testdata/program.c", "-o", prog)
	return prog, plugin
}

const wantProgramOutput = `constructor ran: yes
thread-local: main 1, thread 42
stat: ok
fcntl: ok
plugin: constructor yes, thread-local main 0 thread 5, fcntl ok
plugin returned 42
atexit ran
destructor ran
`

func TestProgramAndPluginRunOnGlibc231(t *testing.T) {
	rt := debian11(t)
	for _, target := range []string{"2.17", "2.28", "2.31"} {
		t.Run(target, func(t *testing.T) {
			prog, plugin := buildProgramAndPlugin(t, target)
			for _, f := range []string{prog, plugin} {
				if floor := floorByReadelf(t, f); abidb.MustParseVersion(target).Less(floor) {
					t.Errorf("%s: readelf floor %s above target %s", filepath.Base(f), floor, target)
				}
			}
			{
				// Neither was linked with -lpthread/-ldl, as code written
				// for glibc ≥ 2.34 is; below 2.34 they must still get them.
				for f, lib := range map[string]string{plugin: "libpthread.so.0", prog: "libdl.so.2"} {
					info, err := elfinfo.ReadFile(f)
					if err != nil {
						t.Fatal(err)
					}
					if !slices.Contains(info.Needed, lib) || len(info.Unbound) != 0 {
						t.Errorf("%s: needed %v, unbound %v; want %s and nothing unbound", filepath.Base(f), info.Needed, info.Unbound, lib)
					}
				}
			}
			out, err := run(t, rt, prog, plugin)
			if err != nil || out != wantProgramOutput {
				t.Errorf("under glibc 2.31: %v\n%s\nwant:\n%s", err, out, wantProgramOutput)
			}
		})
	}
}

// The same program linked by the plain host compiler must fail under 2.31:
// proof that the test above can fail.
func TestPlainHostBuildFailsOnGlibc231(t *testing.T) {
	rt := debian11(t)
	prog := filepath.Join(t.TempDir(), "program")
	if out, err := exec.Command("gcc", "-O2", "-D_FILE_OFFSET_BITS=64", "testdata/program.c", "-o", prog).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	out, err := run(t, rt, prog)
	if err == nil || !strings.Contains(out, "GLIBC_2.34' not found") {
		t.Errorf("plain build under 2.31: err %v, output:\n%s", err, out)
	}
}

func TestCXXExceptionsWithStaticLibstdcxx(t *testing.T) {
	rt := debian11(t)
	for _, target := range []string{"2.17", "2.28", "2.31"} {
		t.Run(target, func(t *testing.T) {
			prog := filepath.Join(t.TempDir(), "throw")
			mustLink(t, true, target, "-O2", "-static-libstdc++", "-static-libgcc", "testdata/throw.cc", "-o", prog)
			if floor := floorByReadelf(t, prog); abidb.MustParseVersion(target).Less(floor) {
				t.Errorf("floor %s above %s", floor, target)
			}
			info, err := elfinfo.ReadFile(prog)
			if err != nil {
				t.Fatal(err)
			}
			rep, _ := check.Analyze(info, abidb.MustParseVersion(target))
			if rep.GLIBCXX != nil {
				t.Errorf("-static-libstdc++ output still needs %s", rep.GLIBCXX.Version)
			}
			if out, err := run(t, rt, prog); err != nil || out != "caught: deep\n" {
				t.Errorf("under 2.31: %v\n%s", err, out)
			}
		})
	}
}

// Linked against the host's shared libstdc++, the glibc floor is still
// the target's, and the driver reports the libstdc++ floor it cannot fix.
func TestCXXWithSharedLibstdcxxReportsGLIBCXX(t *testing.T) {
	prog := filepath.Join(t.TempDir(), "throw")
	out, code := link(t, true, "2.17", "-O2", "testdata/throw.cc", "-o", prog)
	if code != 0 {
		t.Fatalf("link failed:\n%s", out)
	}
	if !strings.Contains(out, "needs GLIBCXX_3.4") || !strings.Contains(out, "-static-libstdc++") {
		t.Errorf("no GLIBCXX note:\n%s", out)
	}
	if floor := floorByReadelf(t, prog); abidb.MustParseVersion("2.17").Less(floor) {
		t.Errorf("glibc floor %s above 2.17", floor)
	}
}

func TestRefusesStatic(t *testing.T) {
	var errb bytes.Buffer
	code, err := Run(context.Background(), Options{Glibc: abidb.MustParseVersion("2.17"), Compiler: []string{"gcc"}, Stdout: &errb, Stderr: &errb},
		[]string{"-static", "testdata/program.c", "-o", filepath.Join(t.TempDir(), "p")})
	if err == nil || code != 2 || !strings.Contains(err.Error(), "-static is not supported") || strings.Contains(err.Error(), "\n") {
		t.Errorf("code %d err %v", code, err)
	}
}

func TestMissingCompiler(t *testing.T) {
	_, err := Run(context.Background(), Options{Glibc: abidb.MustParseVersion("2.17"), Compiler: []string{"no-such-cc-xyz"}}, []string{"x.c"})
	if err == nil || !strings.Contains(err.Error(), `compiler "no-such-cc-xyz" not found`) {
		t.Errorf("err = %v", err)
	}
}

// Below 2.34 the sysroot offers libpthread and libdl on every link; the
// other merged libraries are added by a relink when a link misses them.
func TestMergedLibrariesWithoutFlags(t *testing.T) {
	rt := debian11(t)
	prog := filepath.Join(t.TempDir(), "merged")
	out, code := link(t, false, "2.17", "-O2", "testdata/merged.c", "-o", prog)
	if code != 0 {
		t.Fatalf("link failed:\n%s", out)
	}
	if strings.Contains(out, "undefined reference") {
		t.Errorf("the first attempt's errors leaked:\n%s", out)
	}
	info, err := elfinfo.ReadFile(prog)
	if err != nil {
		t.Fatal(err)
	}
	for _, lib := range []string{"librt.so.1", "libutil.so.1", "libanl.so.1"} {
		if !slices.Contains(info.Needed, lib) {
			t.Errorf("DT_NEEDED %v lacks %s", info.Needed, lib)
		}
	}
	if got, err := run(t, rt, prog); err != nil || got != "timer_create 0, openpty 0, getaddrinfo_a 0\n" {
		t.Errorf("under 2.31: %v\n%s", err, got)
	}
}

// Called as a library (OwnProcess false), a compile-only invocation runs
// the compiler as a child instead of replacing the caller's process.
func TestCompileOnlyAsLibrary(t *testing.T) {
	obj := filepath.Join(t.TempDir(), "p.o")
	out, code := link(t, false, "2.17", "-c", "testdata/plugin.c", "-o", obj)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if info, err := os.Stat(obj); err != nil || info.Size() == 0 {
		t.Errorf("no object written: %v", err)
	}
}

// hostHeaders is the glibc release of the test compiler's headers, which
// decides the form of the names whose ABI changed under one name.
var hostHeadersOnce = sync.OnceValues(func() (libcompat.Version, error) {
	info, err := libcompat.ProbeHeaders(context.Background(), DefaultCompiler(false))
	return info.Release, err
})

func hostHeaders(t *testing.T) libcompat.Version {
	t.Helper()
	v, err := hostHeadersOnce()
	if err != nil || v == (libcompat.Version{}) {
		t.Fatalf("the glibc release of %v's headers: %v (%v)", DefaultCompiler(false), v, err)
	}
	return v
}
