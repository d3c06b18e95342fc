package libcompat

import (
	"path/filepath"
	"testing"
)

// TestThreadDestructorsFallback: the __cxa_thread_atexit_impl polyfill's
// own answer, which a real glibc 2.17 gets (on every later glibc the
// polyfill hands the call to glibc's function, which the driver's tests
// run). Compiled with the lookup skipped, linked into the driver tests'
// thread_local program with -static-libstdc++, it prints exactly what the
// same program prints with glibc's own function: destructors at each
// thread's end, newest first, one registered during destruction, the main
// thread's at exit; with and without threads.
func TestThreadDestructorsFallback(t *testing.T) {
	needTools(t, "g++")
	srcDir := t.TempDir()
	if err := extractSources(srcDir); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	obj := filepath.Join(dir, "impl.o")
	run(t, srcDir, "gcc", append(compileFlags(srcDir, arches["x86_64"]),
		"-DCOMPAT_OBJ_cxa_thread_atexit_impl", "-DCOMPAT_TEST_OWN_TLS_DTORS", "-o", obj,
		filepath.Join(srcDir, "src/common/polyfill/cxa_thread_atexit_impl.c"))...)
	prog, err := filepath.Abs(filepath.Join("..", "driver", "testdata", "polyfills", "thread_dtors.cc"))
	if err != nil {
		t.Fatal(err)
	}
	for _, variant := range [][]string{nil, {"-DSINGLE"}} {
		flags := append([]string{"-O2", "-static-libstdc++", "-static-libgcc", "-pthread"}, variant...)
		own := filepath.Join(dir, "own")
		glibc := filepath.Join(dir, "glibc")
		run(t, dir, "g++", append(flags, prog, obj, "-o", own)...)
		run(t, dir, "g++", append(flags, prog, "-o", glibc)...)
		definesItself(t, own, "__cxa_thread_atexit_impl")
		if got, want := run(t, dir, own), run(t, dir, glibc); got != want {
			t.Errorf("%v: the polyfill printed\n%s\nglibc's function\n%s", variant, got, want)
		}
	}
}
