package libcompat

import (
	"path/filepath"
	"strings"
	"testing"
)

// Our _dl_find_object, compiled under another name, must give the same
// answers as the host glibc's real one.
func TestDlFindObjectMatchesGlibc(t *testing.T) {
	needTools(t)
	srcDir := t.TempDir()
	if err := extractSources(srcDir); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	run(t, dir, "gcc", append(compileFlags(srcDir, arches["x86_64"]),
		"-I"+filepath.Join(srcDir, "src/x86_64"), "-I"+filepath.Join(srcDir, "src/common/include"),
		"-D_dl_find_object=compat_dl_find_object",
		"-o", "compat.o", filepath.Join(srcDir, "src/common/polyfill/dl_find_object.c"))...)
	writeFile(t, dir, "so.c", "int so_data = 1; int so_fn(int x) { return x + so_data; }\n")
	writeFile(t, dir, "t.c", `
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <dlfcn.h>
#include <sys/auxv.h>
int compat_dl_find_object(void *, struct dl_find_object *);
static int failures;
int global_data = 5;
static void compare(const char *what, void *addr, int want_found) {
	struct dl_find_object a, b;
	memset(&a, 0x55, sizeof a);
	memset(&b, 0x55, sizeof b);
	int ra = _dl_find_object(addr, &a), rb = compat_dl_find_object(addr, &b);
	if (ra != rb || ra != (want_found ? 0 : -1)) {
		printf("FAIL %s %p: glibc %d, ours %d\n", what, addr, ra, rb);
		failures++;
		return;
	}
	if (ra != 0)
		return;
	if (a.dlfo_flags != b.dlfo_flags || a.dlfo_map_start != b.dlfo_map_start || a.dlfo_map_end != b.dlfo_map_end ||
	    a.dlfo_link_map != b.dlfo_link_map || a.dlfo_eh_frame != b.dlfo_eh_frame) {
		printf("FAIL %s %p:\n glibc flags %llx map %p-%p link_map %p eh %p\n ours  flags %llx map %p-%p link_map %p eh %p\n",
		       what, addr, a.dlfo_flags, a.dlfo_map_start, a.dlfo_map_end, (void *)a.dlfo_link_map, a.dlfo_eh_frame,
		       b.dlfo_flags, b.dlfo_map_start, b.dlfo_map_end, (void *)b.dlfo_link_map, b.dlfo_eh_frame);
		failures++;
	}
	if ((char *)b.dlfo_map_start > (char *)addr || (char *)addr >= (char *)b.dlfo_map_end || b.dlfo_link_map == NULL) {
		printf("FAIL %s: %p not in %p-%p or no link_map\n", what, addr, b.dlfo_map_start, b.dlfo_map_end);
		failures++;
	}
}
int main(int argc, char **argv) {
	(void)argc;
	int local = 0;
	void *h = dlopen(argv[1], RTLD_NOW);
	if (!h) { printf("dlopen: %s\n", dlerror()); return 1; }
	compare("main", (void *)&main, 1);
	compare("compare", (void *)&compare, 1);
	compare("global_data", &global_data, 1);
	compare("so_fn", dlsym(h, "so_fn"), 1);
	compare("so_data", dlsym(h, "so_data"), 1);
	compare("libc malloc", dlsym(RTLD_DEFAULT, "malloc"), 1);
	compare("libc dlopen", dlsym(RTLD_DEFAULT, "dlopen"), 1);
	void *vdso = (void *)getauxval(AT_SYSINFO_EHDR);
	if (vdso) compare("vdso", (char *)vdso + 16, 1);
	compare("stack", &local, 0);
	compare("null page", (void *)16, 0);
	struct dl_find_object r;
	if (compat_dl_find_object((void *)&main, &r) != 0 || r.dlfo_eh_frame == NULL) {
		printf("FAIL main has no eh_frame\n");
		failures++;
	}
	dlclose(h);
	compare("main after dlclose", (void *)&main, 1);
	if (failures) return 1;
	puts("OK");
	return 0;
}
`)
	run(t, dir, "gcc", "-shared", "-fPIC", "-O1", "so.c", "-o", "so.so")
	run(t, dir, "gcc", "-O1", "-Wall", "t.c", "compat.o", "-o", "t", "-ldl")
	if out := run(t, dir, "./t", filepath.Join(dir, "so.so")); strings.TrimSpace(out) != "OK" {
		t.Errorf("output:\n%s", out)
	}
}

const cxxSo = `
#include <stdexcept>
__attribute__((noinline)) static void so_thrower(int x) { if (x) throw std::runtime_error("inside"); }
extern "C" int so_catch_inside(int x) {
	try { so_thrower(x); } catch (const std::runtime_error &) { return 1; }
	return 0;
}
extern "C" void so_throw_out(int x) { if (x) throw 42; }
`

const cxxMain = `
#include <cstdio>
#include <stdexcept>
#include <dlfcn.h>
__attribute__((noinline)) static void thrower(int x) { if (x) throw std::runtime_error("boom"); }
__attribute__((noinline)) static int middle(int x) { thrower(x); return 0; }
int main(int argc, char **argv) {
	try { middle(argc); std::puts("no throw"); return 1; }
	catch (const std::exception &e) { std::printf("caught %s\n", e.what()); }
	if (argc < 2) return 0;
	void *h = dlopen(argv[1], RTLD_NOW);
	if (!h) { std::printf("dlopen: %s\n", dlerror()); return 1; }
	int (*inside)(int) = (int (*)(int))dlsym(h, "so_catch_inside");
	void (*out)(int) = (void (*)(int))dlsym(h, "so_throw_out");
	std::printf("inside %d\n", inside(argc));
	try { out(argc); std::puts("no throw"); return 1; }
	catch (int v) { std::printf("caught %d from so\n", v); }
	return 0;
}
`

// gcc 12's libgcc_eh.a (pulled in by -static-libgcc/-static-libstdc++)
// calls _dl_find_object for every frame it unwinds. With our definition
// linked in (and not glibc's), exceptions must still work within a
// program, within a dlopen'ed library, and from the library into the
// program. A stub that reports "not found" must break them, which shows
// the test exercises the function.
func TestDlFindObjectUnwinding(t *testing.T) {
	needTools(t, "g++")
	f := build217(t)
	dir := t.TempDir()
	writeFile(t, dir, "so.cc", cxxSo)
	writeFile(t, dir, "main.cc", cxxMain)
	static := []string{"-O1", "-static-libgcc", "-static-libstdc++", "-Wl,--undefined=_dl_find_object"}
	run(t, dir, "g++", append([]string{"-shared", "-fPIC", "so.cc", "-o", "so.so"}, append(static, f.Polyfill)...)...)
	run(t, dir, "g++", append([]string{"main.cc", "-o", "main", "-ldl"}, append(static, f.Polyfill)...)...)
	definesItself(t, filepath.Join(dir, "main"), "_dl_find_object")
	definesItself(t, filepath.Join(dir, "so.so"), "_dl_find_object")
	want := "caught boom\ninside 1\ncaught 42 from so\n"
	if got := run(t, dir, "./main", filepath.Join(dir, "so.so")); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}

	// Negative control.
	writeFile(t, dir, "broken.c", "int _dl_find_object(void *pc, void *r) { (void)pc; (void)r; return -1; }\n")
	run(t, dir, "gcc", "-c", "-fPIC", "broken.c")
	run(t, dir, "g++", append([]string{"main.cc", "broken.o", "-o", "broken", "-ldl"}, static...)...)
	if out, err := runErr(dir, "./broken"); err == nil {
		t.Errorf("with a _dl_find_object that finds nothing, the exception test still passed:\n%s", out)
	}
}
