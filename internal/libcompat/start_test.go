package libcompat

import (
	"context"
	"debug/elf"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// orderProg records the order in which the start-up and shut-down hooks run.
const orderProg = `
#include <stdio.h>
#include <stdlib.h>
static void pre(int argc, char **argv, char **envp) { (void)argv; (void)envp; printf("preinit %d\n", argc); }
__attribute__((section(".preinit_array"), used)) static void (*pre_p)(int, char **, char **) = pre;
__attribute__((constructor)) static void ctor(void) { printf("ctor\n"); }
__attribute__((destructor)) static void dtor(void) { printf("dtor\n"); }
static void ae(void) { printf("atexit\n"); }
extern const int _IO_stdin_used;
int main(int argc, char **argv) { (void)argv; atexit(ae); printf("main %d %x\n", argc, _IO_stdin_used); return 0; }
`

const wantOrder = "preinit 1\nctor\nmain 1 20001\natexit\ndtor\n"

// linkStart links orderProg with our start files the way a compiler driver
// would, non-PIE (crt1.o) or PIE (Scrt1.o), and runs it.
func linkStart(t *testing.T, f *Files, pie bool, extra ...string) string {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, dir, "order.c", orderProg)
	crt, begin, end, mode, pic := f.Crt1, "crtbegin.o", "crtend.o", "-no-pie", "-fno-pie"
	if pie {
		crt, begin, end, mode, pic = f.Scrt1, "crtbeginS.o", "crtendS.o", "-pie", "-fPIE"
	}
	run(t, dir, "gcc", "-c", "-O1", pic, "order.c")
	args := []string{mode, "-nostartfiles", crt, f.Crti, gccFile(t, begin), "order.o"}
	args = append(args, extra...)
	args = append(args, "-lc", f.Nonshared, gccFile(t, end), f.Crtn, "-o", "order")
	run(t, dir, "gcc", args...)
	exe := filepath.Join(dir, "order")
	ef, err := elf.Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	isPIE := ef.Type == elf.ET_DYN
	ef.Close()
	if isPIE != pie {
		t.Errorf("linked executable: PIE=%v, want %v", isPIE, pie)
	}
	return run(t, dir, exe)
}

// Start files for targets >= 2.34 run against the host's glibc 2.36.
func TestStartFilesModern(t *testing.T) {
	needTools(t)
	f, err := Build(context.Background(), []string{"gcc"}, Target{Arch: "x86_64", Glibc: Version{2, 36}, Has: func(string) bool { return true }}, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if f.CSUStart {
		t.Error("2.36 build uses old-style start files")
	}
	for _, pie := range []bool{false, true} {
		if got := linkStart(t, f, pie); got != wantOrder {
			t.Errorf("pie=%v: got\n%s\nwant\n%s", pie, got, wantOrder)
		}
	}
	for _, obj := range []string{f.Crt1, f.Scrt1} {
		undef := undefinedIn(t, obj)
		if undef["__libc_csu_init"] || undef["__libc_csu_fini"] || !undef["__libc_start_main"] || !undef["main"] {
			t.Errorf("%s: undefined symbols %v", filepath.Base(obj), keys(undef))
		}
	}
}

// Start files for targets < 2.34 pass __libc_csu_init/fini. The host
// glibc still has the old __libc_start_main@GLIBC_2.2.5, which honours a
// non-NULL init argument for old binaries; a shim binds our crt1.o to it so
// the old-style start-up path really runs.
func TestStartFilesCSU(t *testing.T) {
	needTools(t)
	f := build217(t)
	if !f.CSUStart {
		t.Fatal("2.17 build does not use old-style start files")
	}
	for _, obj := range []string{f.Crt1, f.Scrt1} {
		undef := undefinedIn(t, obj)
		for _, s := range []string{"__libc_csu_init", "__libc_csu_fini", "__libc_start_main", "main"} {
			if !undef[s] {
				t.Errorf("%s does not reference %s (undefined: %v)", filepath.Base(obj), s, keys(undef))
			}
		}
	}
	// Scrt1.o must be position independent: no absolute relocations.
	data := readFileT(t, f.Scrt1)
	for typ, syms := range relocTypes(t, "Scrt1.o", data) {
		if typ == elf.R_X86_64_32 || typ == elf.R_X86_64_32S || typ == elf.R_X86_64_64 {
			t.Errorf("Scrt1.o: absolute relocation %v against %v", typ, syms)
		}
	}
	checkStartData(t, f.Crt1)

	shimDir := t.TempDir()
	writeFile(t, shimDir, "shim.S", compatShim(map[string]string{"__libc_start_main": "GLIBC_2.2.5"}))
	run(t, shimDir, "gcc", "-c", "shim.S")
	shim := filepath.Join(shimDir, "shim.o")
	for _, pie := range []bool{false, true} {
		if got := linkStart(t, f, pie, shim); got != wantOrder {
			t.Errorf("pie=%v: got\n%s\nwant\n%s", pie, got, wantOrder)
		}
	}
}

// _IO_stdin_used is a 4-byte 0x20001 in a read-only section; data_start
// and __data_start are defined.
func checkStartData(t *testing.T, path string) {
	t.Helper()
	ef, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ef.Close()
	syms, _ := ef.Symbols()
	found := map[string]elf.Symbol{}
	for _, s := range syms {
		if s.Section != elf.SHN_UNDEF {
			found[s.Name] = s
		}
	}
	io, ok := found["_IO_stdin_used"]
	if !ok || io.Size != 4 || elf.ST_BIND(io.Info) != elf.STB_GLOBAL {
		t.Fatalf("_IO_stdin_used: %+v", io)
	}
	sec := ef.Sections[io.Section]
	if sec.Flags&elf.SHF_WRITE != 0 || !strings.HasPrefix(sec.Name, ".rodata") {
		t.Errorf("_IO_stdin_used in %s (flags %v)", sec.Name, sec.Flags)
	}
	b, _ := sec.Data()
	if v := ef.ByteOrder.Uint32(b[io.Value:]); v != 0x20001 {
		t.Errorf("_IO_stdin_used = %#x", v)
	}
	for _, s := range []string{"data_start", "__data_start", "_start"} {
		if _, ok := found[s]; !ok {
			t.Errorf("%s not defined", s)
		}
	}
}

// libc_nonshared.a linked into a shared library: it loads with dlopen, its
// atexit handler runs at dlclose (so __dso_handle is the library's), its
// fork handlers run and are removed at dlclose.
func TestNonsharedInSharedLibrary(t *testing.T) {
	needTools(t)
	f := build217(t)
	dir := t.TempDir()
	writeFile(t, dir, "lib.c", `
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
static void handler(void) { printf("so atexit\n"); fflush(stdout); }
/* One write(2) per line: parent and child share the output pipe, and a
   single small write is atomic there, so lines never interleave. */
static void say(const char *line) { fflush(stdout); write(1, line, strlen(line)); }
static void prepare(void) { say("so prepare\n"); }
static void parent(void) { say("so parent\n"); }
static void child(void) { say("so child\n"); }
int so_register(void) { return atexit(handler) | pthread_atfork(prepare, parent, child); }
`)
	writeFile(t, dir, "main.c", `
#include <stdio.h>
#include <dlfcn.h>
#include <unistd.h>
#include <sys/wait.h>
static void forkwait(void) { fflush(stdout); pid_t p = fork(); if (p == 0) _exit(0); waitpid(p, 0, 0); }
int main(int argc, char **argv) {
	(void)argc;
	setvbuf(stdout, 0, _IONBF, 0);
	void *h = dlopen(argv[1], RTLD_NOW);
	if (!h) { printf("dlopen: %s\n", dlerror()); return 1; }
	int (*reg)(void) = (int (*)(void))dlsym(h, "so_register");
	if (!reg || reg() != 0) { printf("register failed\n"); return 1; }
	forkwait();
	printf("dlclose\n");
	dlclose(h);
	printf("after dlclose\n");
	forkwait();
	printf("end\n");
	return 0;
}
`)
	run(t, dir, "gcc", "-shared", "-fPIC", "-O1", "lib.c", f.Nonshared, "-o", "lib.so")
	run(t, dir, "gcc", "-O1", "main.c", "-o", "main", "-ldl")
	definesItself(t, filepath.Join(dir, "lib.so"), "atexit", "pthread_atfork")
	got := run(t, dir, "./main", filepath.Join(dir, "lib.so"))
	// The child's "so child" line may come before or after "so parent".
	lines := strings.Split(strings.TrimSpace(got), "\n")
	want := []string{"so prepare", "so parent", "so child", "dlclose", "so atexit", "after dlclose", "end"}
	sortedGot := append([]string{}, lines...)
	if len(lines) == len(want) {
		sort.Strings(sortedGot[1:3])
		sort.Strings(want[1:3])
	}
	if strings.Join(sortedGot, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant (any order of parent/child)\n%s", got, strings.Join(want, "\n"))
	}
}

// The pre-2.33 stat family in libc_nonshared.a calls __xstat & co. with
// _STAT_VER; the host still has those as compatibility symbols, bound here
// through a shim. Results are compared with the kernel's.
func TestNonsharedStat(t *testing.T) {
	needTools(t)
	f := build217(t)
	dir := t.TempDir()
	writeFile(t, dir, "shim.S", compatShim(map[string]string{
		"__xstat": "GLIBC_2.2.5", "__fxstat": "GLIBC_2.2.5", "__lxstat": "GLIBC_2.2.5", "__fxstatat": "GLIBC_2.4",
		"__xstat64": "GLIBC_2.2.5", "__fxstat64": "GLIBC_2.2.5", "__lxstat64": "GLIBC_2.2.5", "__fxstatat64": "GLIBC_2.4",
		"__xmknod": "GLIBC_2.2.5", "__xmknodat": "GLIBC_2.4",
	}))
	writeFile(t, dir, "t.c", checkPrelude+`
#include <unistd.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
int main(int argc, char **argv) {
	(void)argc;
	struct stat st, k;
	struct stat64 st64;
	char link[512], fifo[512], fifo2[512];
	CHECK(syscall(SYS_stat, "/", &k) == 0);
	memset(&st, 0, sizeof st);
	CHECK(stat("/", &st) == 0 && st.st_ino == k.st_ino && st.st_dev == k.st_dev && st.st_mode == k.st_mode);
	CHECK(stat64("/", &st64) == 0 && st64.st_ino == k.st_ino);
	int fd = open("/", O_RDONLY);
	CHECK(fstat(fd, &st) == 0 && st.st_ino == k.st_ino);
	CHECK(fstat64(fd, &st64) == 0 && st64.st_ino == k.st_ino);
	CHECK(fstatat(AT_FDCWD, "/", &st, 0) == 0 && st.st_ino == k.st_ino);
	CHECK(fstatat64(AT_FDCWD, "/", &st64, 0) == 0 && st64.st_ino == k.st_ino);
	snprintf(link, sizeof link, "%s/link", argv[1]);
	CHECK(symlink("/", link) == 0);
	CHECK(lstat(link, &st) == 0 && S_ISLNK(st.st_mode));
	CHECK(lstat64(link, &st64) == 0 && S_ISLNK(st64.st_mode));
	CHECK(fstatat(AT_FDCWD, link, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode));
	snprintf(fifo, sizeof fifo, "%s/fifo", argv[1]);
	CHECK(mknod(fifo, S_IFIFO | 0600, 0) == 0 && stat(fifo, &st) == 0 && S_ISFIFO(st.st_mode));
	snprintf(fifo2, sizeof fifo2, "%s/fifo2", argv[1]);
	CHECK(mknodat(AT_FDCWD, fifo2, S_IFIFO | 0600, 0) == 0 && stat(fifo2, &st) == 0 && S_ISFIFO(st.st_mode));
	errno = 0;
	CHECK(stat("/nonexistent/x", &st) == -1 && errno == ENOENT);
	DONE();
}`)
	run(t, dir, "gcc", "-c", "shim.S")
	run(t, dir, "gcc", "-O1", "-D_LARGEFILE64_SOURCE", "t.c", "shim.o", f.Nonshared, "-o", "t")
	definesItself(t, filepath.Join(dir, "t"), "stat", "fstat", "lstat", "fstatat", "stat64", "fstat64", "lstat64", "fstatat64", "mknod", "mknodat")
	imp := importedSymbols(t, filepath.Join(dir, "t"))
	if imp["__xstat"] != "GLIBC_2.2.5" {
		t.Errorf("program does not import __xstat@GLIBC_2.2.5: %v", imp)
	}
	if out := run(t, dir, "./t", dir); strings.TrimSpace(out) != "OK" {
		t.Errorf("output:\n%s", out)
	}
}

func undefinedIn(t *testing.T, path string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, s := range elfSymbols(t, path, readFileT(t, path)) {
		if s.Section == elf.SHN_UNDEF && s.Name != "" {
			out[s.Name] = true
		}
	}
	return out
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
