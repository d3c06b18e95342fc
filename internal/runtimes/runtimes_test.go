package runtimes

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// These tests fetch real Debian packages through the machine's apt
// configuration. To keep them fast, the .deb files of each suite are
// downloaded once per test binary (really, with apt) and shared between the
// fresh cache directories the tests use; extraction, locking and renaming
// run for real every time.

var (
	sharedDebs   string                     // where the shared downloads live
	memoMu       sync.Mutex                 // guards memoKeys and memoDone
	memoKeys     = map[string]*sync.Mutex{} // one download at a time per key
	memoDone     = map[string]string{}      // key -> directory of .deb files
	buildsByDir  sync.Map                   // cache dir -> *atomic.Int32: downloads asked for
	aptDownloads atomic.Int32
)

func TestMain(m *testing.M) {
	if dir := os.Getenv(helperEnv); dir != "" {
		helperProcess(dir)
		return
	}
	var err error
	sharedDebs, err = os.MkdirTemp("", "compatbuild-runtimes-debs-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	downloadDebs = memoDownload
	code := m.Run()
	os.RemoveAll(sharedDebs)
	os.Exit(code)
}

// memoDownload downloads each (mirror, suite, arch, packages) once with
// the real aptDownload, then copies the .deb files for later callers.
func memoDownload(ctx context.Context, req fetchRequest, workDir, outDir string) error {
	cacheDir := filepath.Dir(filepath.Dir(outDir))
	n, _ := buildsByDir.LoadOrStore(cacheDir, new(atomic.Int32))
	n.(*atomic.Int32).Add(1)

	key := strings.Join([]string{req.mirror.URI, req.rel.suite, req.arch, strings.Join(req.packages, ",")}, "|")
	memoMu.Lock()
	mu := memoKeys[key]
	if mu == nil {
		mu = new(sync.Mutex)
		memoKeys[key] = mu
	}
	memoMu.Unlock()
	mu.Lock()
	defer mu.Unlock()
	memoMu.Lock()
	src, ok := memoDone[key]
	memoMu.Unlock()
	if !ok {
		dir, err := os.MkdirTemp(sharedDebs, req.rel.suite+"-")
		if err != nil {
			return err
		}
		work, debs := filepath.Join(dir, "work"), filepath.Join(dir, "debs")
		os.Mkdir(work, 0o755)
		os.Mkdir(debs, 0o755)
		start := time.Now()
		if err := aptDownload(ctx, req, work, debs); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "apt update+download of %s/%s took %v\n", req.rel.suite, req.arch, time.Since(start).Round(time.Millisecond))
		src = debs
		memoMu.Lock()
		memoDone[key] = src
		memoMu.Unlock()
	}
	files, _ := filepath.Glob(filepath.Join(src, "*.deb"))
	for _, f := range files {
		if err := copyFile(f, filepath.Join(outDir, filepath.Base(f))); err != nil {
			return err
		}
	}
	return nil
}

func buildsIn(cacheDir string) int32 {
	n, ok := buildsByDir.Load(cacheDir)
	if !ok {
		return 0
	}
	return n.(*atomic.Int32).Load()
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// get fetches a named runtime into a fresh cache directory.
func get(t *testing.T, name string) *Runtime {
	t.Helper()
	r, err := GetWithOptions(ctxFor(t), name, Options{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatalf("Get(%q): %v", name, err)
	}
	return r
}

// libcBanner runs the runtime's own libc.so.6 under its loader, which
// prints glibc's version banner.
func libcBanner(t *testing.T, r *Runtime) string {
	t.Helper()
	var libc string
	for _, d := range r.LibraryPath {
		if _, err := os.Stat(filepath.Join(d, "libc.so.6")); err == nil {
			libc = filepath.Join(d, "libc.so.6")
			break
		}
	}
	if libc == "" {
		t.Fatalf("no libc.so.6 in %v", r.LibraryPath)
	}
	out, err := r.Command(ctxFor(t), libc).CombinedOutput()
	if err != nil {
		t.Fatalf("running %s under %s: %v\n%s", libc, r.Loader, err, out)
	}
	return strings.SplitN(string(out), "\n", 2)[0]
}

func checkInside(t *testing.T, r *Runtime) {
	t.Helper()
	if !strings.HasPrefix(r.Loader, r.Root+"/") {
		t.Errorf("loader %s is outside the root %s", r.Loader, r.Root)
	}
	fi, err := os.Lstat(r.Loader)
	if err != nil || !fi.Mode().IsRegular() {
		t.Errorf("loader %s is not a regular file: %v %v", r.Loader, fi, err)
	}
	for _, d := range r.LibraryPath {
		if strings.Contains(d, "/compatbuild/runtimes/folder-links/") {
			// A link farm for the root's absolute symlinks: every
			// link must name a file inside the root.
			entries, _ := os.ReadDir(d)
			for _, e := range entries {
				if target, _ := os.Readlink(filepath.Join(d, e.Name())); !strings.HasPrefix(target, r.Root+"/") {
					t.Errorf("link farm %s: %s -> %s is outside the root %s", d, e.Name(), target, r.Root)
				}
			}
			continue
		}
		if !strings.HasPrefix(d, r.Root+"/") {
			t.Errorf("library dir %s is outside the root %s", d, r.Root)
		}
	}
}

func TestDebian11DefaultCache(t *testing.T) {
	xdg := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", xdg)
	r, err := Get(ctxFor(t), "debian:11")
	if err != nil {
		t.Fatal(err)
	}
	wantRoot := filepath.Join(xdg, "compatbuild", "runtimes", "debian-11-amd64")
	if r.Root != wantRoot {
		t.Errorf("Root = %s, want %s", r.Root, wantRoot)
	}
	for _, d := range []string{filepath.Join(xdg, "compatbuild"), filepath.Join(xdg, "compatbuild", "runtimes")} {
		fi, err := os.Stat(d)
		if err != nil {
			t.Fatal(err)
		}
		if perm := fi.Mode().Perm(); perm != 0o700 {
			t.Errorf("%s has mode %v, want 0700", d, perm)
		}
	}
	if r.Name != "debian:11" || r.Arch != "amd64" || r.Glibc != "2.31" {
		t.Errorf("got Name %q Arch %q Glibc %q, want debian:11 amd64 2.31", r.Name, r.Arch, r.Glibc)
	}
	checkInside(t, r)
	if b := libcBanner(t, r); !strings.Contains(b, "release version 2.31.") {
		t.Errorf("libc.so.6 banner %q does not say 2.31", b)
	}
	// No absolute symlink is left that could point at the host.
	filepath.WalkDir(r.Root, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type()&os.ModeSymlink != 0 {
			if target, _ := os.Readlink(p); strings.HasPrefix(target, "/") {
				t.Errorf("absolute symlink %s -> %s", p, target)
			}
		}
		return nil
	})
	// A second Get uses the cache: no new download is asked for.
	before := buildsIn(filepath.Join(xdg, "compatbuild", "runtimes"))
	r2, err := Get(ctxFor(t), "debian:bullseye")
	if err != nil {
		t.Fatal(err)
	}
	if r2.Root != r.Root {
		t.Errorf("alias debian:bullseye gave Root %s, want %s", r2.Root, r.Root)
	}
	if after := buildsIn(filepath.Join(xdg, "compatbuild", "runtimes")); after != before || before != 1 {
		t.Errorf("downloads asked for: %d before the second Get, %d after; want 1 and 1", before, after)
	}
}

func TestNamedRuntimesGlibc(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, glibc string }{{"debian:12", "2.36"}, {"debian:13", "2.41"}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := get(t, tc.name)
			checkInside(t, r)
			if r.Glibc != tc.glibc {
				t.Errorf("Glibc = %q, want %q", r.Glibc, tc.glibc)
			}
			if b := libcBanner(t, r); !strings.Contains(b, "release version "+tc.glibc+".") {
				t.Errorf("libc.so.6 banner %q does not say %s", b, tc.glibc)
			}
		})
	}
}

const cProgram = `#include <pthread.h>
#include <stdio.h>
static void *work(void *arg) { printf("hello from %s\n", (const char *)arg); return 0; }
int main(void) {
	pthread_t t;
	if (pthread_create(&t, 0, work, "a thread") != 0) return 2;
	pthread_join(t, 0);
	return 0;
}
`

const cxxProgram = `#include <iostream>
#include <string>
#include <vector>
int main() {
	std::vector<std::string> v{"hello", "from", "c++"};
	std::string s;
	for (auto &w : v) s += (s.empty() ? "" : " ") + w;
	std::cout << s << std::endl;
	return 0;
}
`

// compile builds src with the host compiler (gcc 12 on a glibc 2.36 host).
func compile(t *testing.T, compiler, lang, src string) string {
	t.Helper()
	if _, err := exec.LookPath(compiler); err != nil {
		t.Fatalf("the host %s is needed to build test programs: %v (apt-get install build-essential)", compiler, err)
	}
	out := filepath.Join(t.TempDir(), "prog")
	cmd := exec.Command(compiler, "-x", lang, "-o", out, "-", "-pthread")
	cmd.Stdin = strings.NewReader(src)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", compiler, err, b)
	}
	return out
}

func TestHostProgramFailsOnDebian11(t *testing.T) {
	t.Parallel()
	prog := compile(t, "gcc", "c", cProgram)
	r := get(t, "debian:11")
	out, err := r.Command(ctxFor(t), prog).CombinedOutput()
	if err == nil {
		t.Fatalf("a glibc 2.36 host program ran under debian:11; output:\n%s", out)
	}
	if _, ok := err.(*exec.ExitError); !ok {
		t.Fatalf("want the loader to fail, got %v", err)
	}
	if !strings.Contains(string(out), "version `GLIBC_2.34' not found") {
		t.Errorf("output does not name the missing GLIBC_2.34:\n%s", out)
	}
	if !strings.Contains(string(out), filepath.Join(r.Root, "")) {
		t.Errorf("error does not come from the runtime's libc:\n%s", out)
	}
	libs, err := r.Libraries(ctxFor(t), prog)
	if err == nil || !strings.Contains(err.Error(), "GLIBC_2.34") {
		t.Errorf("Libraries of a program that cannot load: %v, %v", libs, err)
	}
	if len(libs) == 0 || libs[0].Name != "libc.so.6" || !libs[0].InRuntime(r) {
		t.Errorf("Libraries did not list the runtime's libc.so.6: %+v", libs)
	}
}

func TestHostProgramRunsOnDebian12(t *testing.T) {
	t.Parallel()
	prog := compile(t, "gcc", "c", cProgram)
	for _, name := range []string{"debian:12", "debian:13"} {
		r := get(t, name)
		out, err := r.Command(ctxFor(t), prog).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, out)
		}
		if string(out) != "hello from a thread\n" {
			t.Errorf("%s: output %q", name, out)
		}
		libs, err := r.Libraries(ctxFor(t), prog)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, l := range libs {
			if l.Name == "libc.so.6" {
				found = true
				if !l.InRuntime(r) {
					t.Errorf("%s: libc.so.6 resolved to %s, outside %s", name, l.Path, r.Root)
				}
			}
		}
		if !found {
			t.Errorf("%s: libc.so.6 not in the library list %v", name, libs)
		}
	}
}

func TestCxxProgram(t *testing.T) {
	t.Parallel()
	prog := compile(t, "g++", "c++", cxxProgram)
	r := get(t, "debian:12")
	out, err := r.Command(ctxFor(t), prog).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if string(out) != "hello from c++\n" {
		t.Errorf("output %q", out)
	}
	libs, err := r.Libraries(ctxFor(t), prog)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"libstdc++.so.6", "libgcc_s.so.1", "libc.so.6", "libm.so.6"} {
		ok := false
		for _, l := range libs {
			if l.Name == want {
				ok = l.InRuntime(r)
				if !ok {
					t.Errorf("%s resolved to %q, outside %s", want, l.Path, r.Root)
				}
			}
		}
		if !ok {
			t.Errorf("%s is not loaded from the runtime: %+v", want, libs)
		}
	}

	// Under debian:11 the host's libstdc++ ABI and glibc are too new.
	r11 := get(t, "debian:11")
	out, err = r11.Command(ctxFor(t), prog).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "not found") {
		t.Errorf("host C++ program under debian:11: err %v, output:\n%s", err, out)
	}
}

// copyTree copies a runtime root with cp -a (keeping symlinks).
func copyTree(t *testing.T, from string) string {
	t.Helper()
	to := filepath.Join(t.TempDir(), "rootfs")
	if out, err := exec.Command("cp", "-a", from, to).CombinedOutput(); err != nil {
		t.Fatalf("cp -a: %v\n%s", err, out)
	}
	return to
}

func TestFolderRuntime(t *testing.T) {
	t.Parallel()
	src := get(t, "debian:11")
	prog := compile(t, "gcc", "c", cProgram)

	// As extracted from the package or a docker export: lib64's loader
	// is an absolute symlink, which must resolve inside the folder.
	plain := copyTree(t, src.Root)
	link := filepath.Join(plain, "lib64", "ld-linux-x86-64.so.2")
	os.Remove(link)
	if err := os.Symlink("/lib/x86_64-linux-gnu/ld-2.31.so", link); err != nil {
		t.Fatal(err)
	}

	// Merged /usr: lib is a relative symlink to usr/lib; the absolute
	// lib64 symlink goes through it.
	merged := copyTree(t, plain)
	mustRun(t, "sh", "-c", `cp -a lib/. usr/lib/ && rm -rf lib && ln -s usr/lib lib`, merged)

	// A symlink to the folder, given by a relative path.
	linkDir := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(plain, linkDir); err != nil {
		t.Fatal(err)
	}

	for _, root := range []string{plain, merged, linkDir} {
		r, err := Get(ctxFor(t), root)
		if err != nil {
			t.Fatalf("Get(%s): %v", root, err)
		}
		real, _ := filepath.EvalSymlinks(root)
		if r.Root != real || r.Name != real {
			t.Errorf("Root %s Name %s, want %s", r.Root, r.Name, real)
		}
		if r.Glibc != "2.31" || r.Arch != "amd64" {
			t.Errorf("%s: Glibc %q Arch %q, want 2.31 amd64", root, r.Glibc, r.Arch)
		}
		checkInside(t, r)
		if b := libcBanner(t, r); !strings.Contains(b, "release version 2.31.") {
			t.Errorf("%s: banner %q", root, b)
		}
		out, err := r.Command(ctxFor(t), prog).CombinedOutput()
		if err == nil || !strings.Contains(string(out), "version `GLIBC_2.34' not found") {
			t.Errorf("%s: host program: err %v, output:\n%s", root, err, out)
		}
	}

	// A relative path works too.
	wd, _ := os.Getwd()
	rel, err := filepath.Rel(wd, plain)
	if err != nil {
		t.Fatal(err)
	}
	if r, err := Get(ctxFor(t), rel); err != nil || r.Root != plain {
		t.Errorf("Get(%s) = %+v, %v", rel, r, err)
	}
}

func TestCommandEnvAndPath(t *testing.T) {
	t.Setenv("LD_PRELOAD", "/nonexistent/preload.so")
	r := &Runtime{Loader: "/x/ld.so", LibraryPath: []string{"/x/a", "/x/b"}}
	cmd := r.Command(context.Background(), "./prog", "arg1")
	// The launcher (which supervises what the program starts) runs the
	// loader explicitly: ./prog does not exist, so it has no PT_INTERP.
	if cmd.Args[0] != launchArgv0 {
		t.Fatalf("not started by the launcher: %q", cmd.Args)
	}
	args := cmd.Args[2:]
	want := []string{"/x/ld.so", "--inhibit-cache", "--library-path", "/x/a:/x/b"}
	if strings.Join(args[:4], " ") != strings.Join(want, " ") {
		t.Errorf("args %q", cmd.Args)
	}
	if !filepath.IsAbs(args[4]) || filepath.Base(args[4]) != "prog" || args[5] != "arg1" {
		t.Errorf("args %q", cmd.Args)
	}
	for _, kv := range cmd.Env {
		if strings.HasPrefix(kv, "LD_PRELOAD=") {
			t.Errorf("LD_PRELOAD kept: %s", kv)
		}
	}
	if cmd := r.Command(context.Background(), "no-such-program-compatbuild"); cmd.Err == nil {
		t.Errorf("a program not on PATH gave no error")
	}
}

func TestOtherArches(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ arch, loaderDir string }{{"i386", "i386-linux-gnu"}, {"arm64", "aarch64-linux-gnu"}} {
		t.Run(tc.arch, func(t *testing.T) {
			t.Parallel()
			cache := t.TempDir()
			r, err := GetWithOptions(ctxFor(t), "debian:11", Options{CacheDir: cache, Arch: tc.arch, Packages: []string{"libc6"}})
			if err != nil {
				t.Fatal(err)
			}
			if r.Arch != tc.arch || r.Glibc != "2.31" || filepath.Base(filepath.Dir(r.Loader)) != tc.loaderDir {
				t.Errorf("got %+v", r)
			}
			checkInside(t, r)
			// A non-default package set gets its own cache entry.
			if !strings.HasPrefix(filepath.Base(r.Root), "debian-11-"+tc.arch+"-") {
				t.Errorf("Root %s", r.Root)
			}
			if _, err := os.Stat(filepath.Join(r.Root, "usr/lib", tc.loaderDir, "libstdc++.so.6")); err == nil {
				t.Errorf("libstdc++6 was fetched though only libc6 was asked for")
			}
			// The folder detects the architecture by itself.
			f, err := FromFolder(r.Root, "")
			if err != nil || f.Arch != tc.arch || f.Loader != r.Loader {
				t.Errorf("FromFolder: %+v, %v", f, err)
			}
			if tc.arch == "i386" {
				// An x86_64 kernel runs i386 code: the runtime really works.
				if b := libcBanner(t, r); !strings.Contains(b, "release version 2.31.") {
					t.Errorf("banner %q", b)
				}
			}
		})
	}
}
