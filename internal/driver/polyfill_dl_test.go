package driver

// Polyfills that live with the loader and threads: _dl_find_object and
// thread-local destructors, also across dlclose.

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"compatbuild/internal/abidb"
)

// TestPolyfillDlFindObject: C++ exceptions thrown across frames, out of a
// dlopen'ed library into the program and through the library's frames,
// with static libstdc++ and libgcc, whose unwinder calls _dl_find_object
// (glibc 2.35). Below 2.35 both files carry the polyfill.
func TestPolyfillDlFindObject(t *testing.T) {
	old, cur := debian11(t), debian13(t)
	for _, ts := range behaviourTargets {
		t.Run(ts, func(t *testing.T) {
			t.Parallel()
			target := abidb.MustParseVersion(ts)
			dir := t.TempDir()
			prog, lib := filepath.Join(dir, "unwind_main"), filepath.Join(dir, "libunwind_test.so")
			src := filepath.Join("testdata", "polyfills")
			mustLink(t, true, ts, "-O2", "-Wall", "-shared", "-fPIC", "-static-libstdc++", "-static-libgcc",
				filepath.Join(src, "unwind_lib.cc"), "-o", lib)
			mustLink(t, true, ts, "-O2", "-Wall", "-static-libstdc++", "-static-libgcc",
				filepath.Join(src, "unwind_main.cc"), "-o", prog)
			for _, f := range []string{prog, lib} {
				checkFloor(t, f, target)
				checkSymbolUse(t, f, target, []string{"_dl_find_object"})
			}
			if !v231.Less(target) {
				runUnder(t, old, "glibc 2.31", wantUnwind, prog, lib)
			}
			runUnder(t, cur, "glibc 2.41", wantUnwind, prog, lib)
		})
	}
}

const wantThreadDtors = `thread uses first and second
  +first
  +second
  first second
  ~second
  ~first
  +late
  ~first met late
  ~late
joined
main uses first and second
  +first
  +second
  first second
main returns
  ~second
  ~first
  +late
  ~first met late
  ~late
~static
`

// wantThreadDtorsSingle: the same program without threads prints the
// main thread's part.
var wantThreadDtorsSingle = wantThreadDtors[strings.Index(wantThreadDtors, "main uses"):]

// TestPolyfillThreadDestructors: C++ thread_local destructors through
// -static-libstdc++, whose __cxa_thread_atexit calls
// __cxa_thread_atexit_impl (glibc 2.18). Below 2.18 the program carries the
// polyfill and must print exactly what glibc's own prints: per-thread
// destructors at thread end, newest first, re-registration during
// destruction, the main thread's before static destructors. A program
// without threads must not need libpthread for it.
func TestPolyfillThreadDestructors(t *testing.T) {
	old, cur := debian11(t), debian13(t)
	for _, ts := range behaviourTargets {
		t.Run(ts, func(t *testing.T) {
			t.Parallel()
			target := abidb.MustParseVersion(ts)
			dir := t.TempDir()
			src := filepath.Join("testdata", "polyfills", "thread_dtors.cc")
			for _, variant := range []struct {
				name, want string
				flags      []string
			}{{"threads", wantThreadDtors, nil}, {"single", wantThreadDtorsSingle, []string{"-DSINGLE"}}} {
				prog := filepath.Join(dir, variant.name)
				args := append([]string{"-O2", "-Wall", "-static-libstdc++", "-static-libgcc"}, variant.flags...)
				mustLink(t, true, ts, append(args, src, "-o", prog)...)
				checkFloor(t, prog, target)
				checkSymbolUse(t, prog, target, []string{"__cxa_thread_atexit_impl"})
				if variant.name == "single" && target.Less(v234) {
					if needed := readNeeded(t, prog); slices.Contains(needed, "libpthread.so.0") {
						t.Errorf("%s for %s needs libpthread.so.0: %v", variant.name, ts, needed)
					}
				}
				if !v231.Less(target) {
					runUnder(t, old, "glibc 2.31", variant.want, prog)
				}
				runUnder(t, cur, "glibc 2.41", variant.want, prog)
			}
		})
	}
}

// TestPolyfillThreadDestructorsUnload: a dlopen'ed plugin's thread_local
// destructors around dlclose, under glibc 2.31. glibc keeps the plugin
// until the outliving thread ends; a plugin built for 2.17 carries the
// polyfill, which on a glibc that has the function (2.18 and later) hands
// every registration to it, so both behave alike. (The polyfill's own
// answer, for a real 2.17, is libcompat's TestThreadDestructorsFallback.)
func TestPolyfillThreadDestructorsUnload(t *testing.T) {
	rt := debian11(t)
	dir := t.TempDir()
	src := filepath.Join("testdata", "polyfills")
	host := filepath.Join(dir, "host")
	mustLink(t, false, "2.17", "-O2", "-Wall", filepath.Join(src, "thread_dtors_host.c"), "-o", host, "-ldl", "-lpthread")
	want := map[string]string{
		"2.17": "early thread: plugin-tl\n  ~plugin-tl\nlate thread: plugin-tl\nmain: plugin-tl\ndlclose: 0\nlate thread ends after dlclose\n  ~plugin-tl\ndone\n  ~plugin-tl\n",
		"2.28": "early thread: plugin-tl\n  ~plugin-tl\nlate thread: plugin-tl\nmain: plugin-tl\ndlclose: 0\nlate thread ends after dlclose\n  ~plugin-tl\ndone\n  ~plugin-tl\n",
	}
	for _, ts := range []string{"2.17", "2.28"} {
		plugin := filepath.Join(dir, "libplugin-"+ts+".so")
		mustLink(t, true, ts, "-O2", "-Wall", "-shared", "-fPIC", "-static-libstdc++", "-static-libgcc",
			filepath.Join(src, "thread_dtors_plugin.cc"), "-o", plugin)
		checkSymbolUse(t, plugin, abidb.MustParseVersion(ts), []string{"__cxa_thread_atexit_impl"})
		runUnder(t, rt, "glibc 2.31", want[ts], host, plugin)
	}
}

// TestThreadDestructorsBeforeExitHandlers: a program built for 2.17 runs
// its thread_local destructors before the exit handlers registered after
// them (a function-local static constructed later), as glibc orders them,
// on every glibc that has __cxa_thread_atexit_impl.
func TestThreadDestructorsBeforeExitHandlers(t *testing.T) {
	prog := filepath.Join(t.TempDir(), "order")
	mustLink(t, true, "2.17", "-O2", "-static-libstdc++", "-static-libgcc", filepath.Join("testdata", "polyfills", "thread_dtors_order.cc"), "-o", prog)
	checkSymbolUse(t, prog, abidb.MustParseVersion("2.17"), []string{"__cxa_thread_atexit_impl"})
	want := "t.x 1\nT dtor, pool alive 1\npool dtor\n"
	runUnder(t, debian11(t), "glibc 2.31", want, prog)
	runUnder(t, debian13(t), "glibc 2.41", want, prog)
}
