package verify

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"compatbuild/internal/abidb"
	"compatbuild/internal/driver"
	"compatbuild/internal/runtimes"
)

// These tests run real artifacts under real Debian glibc runtimes, fetched
// through the machine's apt configuration into the user's runtime cache
// (fetching itself is tested in internal/runtimes). Sysroots and dlopen
// hosts are built into a fresh cache, so their cold paths run every time.

var runtimeCache string

func TestMain(m *testing.M) {
	var err error
	runtimeCache, err = runtimes.DefaultCacheDir()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	cache, err := os.MkdirTemp("", "compatbuild-verify-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("XDG_CACHE_HOME", cache)
	code := m.Run()
	os.RemoveAll(cache)
	if artifactDir != "" {
		os.RemoveAll(artifactDir)
	}
	os.Exit(code)
}

// opts returns Options that use the shared runtime cache.
func opts(on ...string) Options {
	return Options{Runtimes: on, RuntimeCacheDir: runtimeCache}
}

// artifacts built once per test binary.
type builtArtifacts struct {
	Good, Plain         string // lib.c: compatbuild cc --glibc 2.17 / plain gcc
	ProgGood, ProgPlain string // prog.c, the same two ways
	CtorCrash           string // a library whose constructor crashes
	Dep, User           string // User needs Dep (sibling, no RUNPATH)
	ZUser               string // needs libz.so.1
	Static              string // prog.c linked with gcc -static
	Object              string // lib.c compiled with -c
}

var (
	artifactOnce sync.Once
	artifactDir  string
	built        builtArtifacts
	builtErr     error
)

func artifacts(t *testing.T) builtArtifacts {
	t.Helper()
	artifactOnce.Do(func() { builtErr = buildArtifacts() })
	if builtErr != nil {
		t.Fatalf("building test artifacts: %v", builtErr)
	}
	return built
}

func buildArtifacts() error {
	dir, err := os.MkdirTemp("", "compatbuild-verify-artifacts-")
	if err != nil {
		return err
	}
	artifactDir = dir
	p := func(name string) string { return filepath.Join(dir, name) }
	if err := os.Mkdir(p("deps"), 0o755); err != nil {
		return err
	}
	built = builtArtifacts{
		Good: p("libgood.so"), Plain: p("libplain.so"),
		ProgGood: p("proggood"), ProgPlain: p("progplain"),
		CtorCrash: p("libctorcrash.so"),
		Dep:       p("deps/libdep.so"), User: p("libuser.so"),
		ZUser:  p("libzuser.so"),
		Static: p("progstatic"), Object: p("lib.o"),
	}
	compat := func(args ...string) error { return driverLink("2.17", args...) }
	steps := []func() error{
		func() error { return compat("-O2", "-shared", "-fPIC", "testdata/lib.c", "-o", built.Good) },
		func() error { return gcc("-O2", "-shared", "-fPIC", "testdata/lib.c", "-o", built.Plain) },
		func() error { return compat("-O2", "testdata/prog.c", "-o", built.ProgGood) },
		func() error { return gcc("-O2", "testdata/prog.c", "-o", built.ProgPlain) },
		func() error { return compat("-O2", "-shared", "-fPIC", "testdata/ctorcrash.c", "-o", built.CtorCrash) },
		func() error {
			return compat("-O2", "-shared", "-fPIC", "-Wl,-soname,libdep.so", "testdata/dep.c", "-o", built.Dep)
		},
		func() error {
			return compat("-O2", "-shared", "-fPIC", "testdata/user.c", built.Dep, "-o", built.User)
		},
		func() error {
			// The runtime library, not the -dev symlink: only zlib1g must
			// be installed, and every Debian system has it.
			return compat("-O2", "-shared", "-fPIC", "testdata/zuser.c", "/lib/x86_64-linux-gnu/libz.so.1", "-o", built.ZUser)
		},
		func() error { return gcc("-O2", "-static", "testdata/prog.c", "-o", built.Static) },
		func() error { return gcc("-c", "testdata/lib.c", "-o", built.Object) },
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return err
		}
	}
	return nil
}

func gcc(args ...string) error {
	out, err := exec.Command("gcc", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("gcc %v: %v\n%s", args, err, out)
	}
	return nil
}

func driverLink(glibc string, args ...string) error {
	var log bytes.Buffer
	code, err := driver.Run(context.Background(), driver.Options{
		Glibc: abidb.MustParseVersion(glibc), Compiler: driver.DefaultCompiler(false), Stdout: &log, Stderr: &log,
	}, args)
	if err == nil && code != 0 {
		err = fmt.Errorf("exit status %d", code)
	}
	if err != nil {
		return fmt.Errorf("compatbuild cc --glibc %s %v: %v\n%s", glibc, args, err, log.String())
	}
	return nil
}

// verifyOK runs Run and fails the test on an error.
func verifyOK(t *testing.T, o Options, paths ...string) *Report {
	t.Helper()
	rep, err := Run(context.Background(), paths, o)
	if err != nil {
		t.Fatalf("verify %v on %v: %v", paths, o.Runtimes, err)
	}
	if want := len(rep.Artifacts) * len(rep.Runtimes); len(rep.Results) != want {
		t.Fatalf("%d results, want %d", len(rep.Results), want)
	}
	return rep
}

// cell returns the result for artifact path on runtime name.
func cell(t *testing.T, rep *Report, path, runtime string) Result {
	t.Helper()
	for _, r := range rep.Results {
		if r.Artifact == path && r.Runtime == runtime {
			return r
		}
	}
	t.Fatalf("no result for %s on %s", path, runtime)
	return Result{}
}

func debian11Root(t *testing.T) string {
	t.Helper()
	rt, err := runtimes.GetWithOptions(context.Background(), "debian:11", runtimes.Options{CacheDir: runtimeCache})
	if err != nil {
		t.Fatalf("getting debian:11: %v", err)
	}
	return rt.Root
}
