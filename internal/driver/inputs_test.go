package driver

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The kind: a link's shared inputs from outside the sysroot load on the
// target too. Members: -l through -L, a library named by path, and a
// library that one of those needs through its RUNPATH. Each above the
// target fails the link with the library named; each built for the target
// passes, and the program then runs under real glibc 2.31.
func TestVendoredLibrariesAreJudged(t *testing.T) {
	dir := t.TempDir()
	lib := filepath.Join(dir, "vendor")
	os.MkdirAll(lib, 0o755)
	write := func(name, src string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(src), 0o644)
		return p
	}
	worker := write("worker.c", `#include <pthread.h>
#include <stdio.h>
int helper(void);
static void *w(void *a) { return a; }
int work(void) { pthread_t t; pthread_create(&t, 0, w, 0); pthread_join(t, 0); return helper(); }
`)
	helper := write("helper.c", "int helper(void) { return 42; }\n")
	app := write("app.c", "#include <stdio.h>\nint work(void);\nint main(void) { printf(\"work %d\\n\", work()); return 0; }\n")
	// libhelper is fine; libworker, built by the host gcc, needs 2.34.
	mustLink(t, false, "2.17", "-shared", "-fPIC", "-Wl,-soname,libhelper.so", helper, "-o", filepath.Join(lib, "libhelper.so"))
	hostBuild := func() {
		cmd := exec.Command("gcc", "-shared", "-fPIC", "-Wl,-soname,libworker.so", worker, "-o", filepath.Join(lib, "libworker.so"),
			"-L"+lib, "-lhelper", "-Wl,-rpath,$ORIGIN")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("gcc: %v\n%s", err, out)
		}
	}
	hostBuild()
	out := filepath.Join(dir, "app")
	for _, args := range [][]string{
		{app, "-L" + lib, "-lworker", "-Wl,-rpath,$ORIGIN/vendor", "-o", out},
		{app, filepath.Join(lib, "libworker.so"), "-Wl,-rpath,$ORIGIN/vendor", "-o", out},
		{app, "-Wl,-L," + lib, "-Wl,-lworker", "-Wl,-rpath,$ORIGIN/vendor", "-o", out},
	} {
		stderr, code := link(t, false, "2.17", args...)
		if code != 1 || !strings.Contains(stderr, "libworker.so, which the link used, needs glibc 2.34, above the target 2.17") ||
			!strings.Contains(stderr, "GLIBC_2.34") || !strings.Contains(stderr, "pthread_create") {
			t.Errorf("link %v: exit %d\n%s", args, code, stderr)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("link %v: the output was left in place", args)
		}
	}

	// Built for the target, the same link passes and the program runs on
	// Debian 11's glibc, loading both vendored libraries.
	mustLink(t, false, "2.17", "-shared", "-fPIC", "-Wl,-soname,libworker.so", worker, "-o", filepath.Join(lib, "libworker.so"),
		"-L"+lib, "-lhelper", "-Wl,-rpath,$ORIGIN")
	mustLink(t, false, "2.17", app, "-L"+lib, "-lworker", "-Wl,-rpath,$ORIGIN/vendor", "-o", out)
	if got, err := run(t, debian11(t), out); err != nil || got != "work 42\n" {
		t.Fatalf("app under glibc 2.31: %v\n%s", err, got)
	}

	// A dependency of a vendored library is judged too: libhelper, needed
	// through libworker's RUNPATH, rebuilt by the host gcc with a 2.34 need.
	cmd := exec.Command("gcc", "-shared", "-fPIC", "-Wl,-soname,libhelper.so", "-x", "c", "-", "-o", filepath.Join(lib, "libhelper.so"))
	cmd.Stdin = strings.NewReader("#include <pthread.h>\nstatic void *w(void *a) { return a; }\nint helper(void) { pthread_t t; pthread_create(&t, 0, w, 0); pthread_join(t, 0); return 42; }\n")
	if o, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, o)
	}
	stderr, code := link(t, false, "2.17", app, "-L"+lib, "-lworker", "-Wl,-rpath,$ORIGIN/vendor", "-o", out)
	if code != 1 || !strings.Contains(stderr, "libhelper.so, which the link used, needs glibc 2.34") {
		t.Errorf("libhelper above the target: exit %d\n%s", code, stderr)
	}
}

// System libraries found through -L are the target's to provide: a link
// that names the host's library directory is not failed for them.
func TestSystemLibraryDirectoriesAreNotJudged(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "z.c")
	os.WriteFile(src, []byte("#include <zlib.h>\nint main(void) { return zlibVersion()[0] == 0; }\n"), 0o644)
	if _, err := os.Stat("/usr/include/zlib.h"); err != nil {
		t.Fatal("zlib.h missing: CI installs zlib1g-dev (see .ci/run)")
	}
	mustLink(t, false, "2.17", src, "-L/usr/lib/x86_64-linux-gnu", "-lz", "-o", filepath.Join(dir, "z"))
}
