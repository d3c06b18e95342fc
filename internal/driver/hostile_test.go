package driver

// The hostile world (issue 10): bad response files, odd output spellings,
// compilers that die or loop, interrupted links. Each test names the kind
// of input it stands for.

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"compatbuild/internal/abidb"
	"compatbuild/internal/libcompat"
	"compatbuild/internal/procgroup"
)

// drive runs the driver for 2.17 with compiler and returns what it
// printed, its exit code and its error.
func drive(t *testing.T, ctx context.Context, compiler []string, args ...string) (string, int, error) {
	t.Helper()
	var out bytes.Buffer
	code, err := Run(ctx, Options{Glibc: abidb.MustParseVersion("2.17"), Compiler: compiler, Stdout: &out, Stderr: &out}, args)
	return out.String(), code, err
}

// oneLine asserts a driver refusal: exit 2 and a one-line message with
// want in it.
func oneLine(t *testing.T, what string, code int, err error, want string) {
	t.Helper()
	if err == nil || code != 2 || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
		t.Errorf("%s: exit %d, err %v; want exit 2 and one line saying %q", what, code, err, want)
	}
}

// unprovidedLib writes a library source that calls a function glibc added
// after 2.17 and the catalogue refuses below its release: linked for 2.17
// it would fail to load, so the driver must find and remove it.
func unprovidedLib(t *testing.T, dir string) string {
	src := filepath.Join(dir, "p.c")
	os.WriteFile(src, []byte(unprovidedCall(t)), 0o644)
	return src
}

// unprovidedCall is C source for a function f calling unprovidedSymbol.
func unprovidedCall(t *testing.T) string {
	sym := unprovidedSymbol(t)
	return "extern int " + sym + "();\nint f(void) { return " + sym + "(); }\n"
}

// unprovidedSymbol names a libc function glibc added after 2.17 that the
// catalogue refuses below its release (read from the catalogue, so the
// tests follow it as polyfills are added).
func unprovidedSymbol(t *testing.T) string {
	t.Helper()
	entries, err := libcompat.Catalogue()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Table == "libc" && e.Status == libcompat.StatusRefused && !strings.HasPrefix(e.Symbol, "_") {
			return e.Symbol
		}
	}
	t.Fatal("the catalogue refuses no libc function any more: give this test another symbol compatbuild cannot provide")
	return ""
}

// Response files that never end, loop, or never arrive give one line and
// exit 2, for compile-only calls too; none hangs or exhausts memory.
func TestResponseFilesAreBounded(t *testing.T) {
	dir := t.TempDir()
	self := filepath.Join(dir, "self.rsp")
	os.WriteFile(self, []byte("-c x.c @"+self+"\n"), 0o644)
	small := filepath.Join(dir, "small.rsp")
	os.WriteFile(small, []byte("x.o\n"), 0o644)
	many := filepath.Join(dir, "many.rsp")
	os.WriteFile(many, bytes.Repeat([]byte("@"+small+"\n"), maxResponseFiles+1), 0o644)
	huge := filepath.Join(dir, "huge.rsp")
	if f, err := os.Create(huge); err == nil {
		f.Truncate(maxResponseBytes + 1) // sparse: no disk used
		f.Close()
	}
	fifo := filepath.Join(dir, "fifo.rsp")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	old := responseWait
	responseWait = 300 * time.Millisecond
	defer func() { responseWait = old }()

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"endless (@/dev/zero), link", []string{"@/dev/zero", "-o", filepath.Join(dir, "x")}, "more than 32 MiB"},
		{"endless (@/dev/zero), compile only", []string{"-c", "x.c", "@/dev/zero"}, "more than 32 MiB"},
		{"random bytes (@/dev/urandom)", []string{"-c", "@/dev/urandom"}, "more than 32 MiB"},
		{"huge", []string{"@" + huge}, "more than 32 MiB"},
		{"includes itself", []string{"@" + self}, "includes itself"},
		{"too many", []string{"@" + many}, "more than 2000 response files"},
		{"FIFO nobody writes", []string{"-c", "@" + fifo}, "delivered no end of data"},
		{"directory", []string{"@" + dir}, "is a directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			_, code, err := drive(t, context.Background(), []string{"gcc"}, tc.args...)
			oneLine(t, tc.name, code, err, tc.want)
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

// A response file that is a pipe (bash's @<(...)) is read by the driver,
// so the compiler gets its content in a file of the driver's, and the
// output it names is found and checked.
func TestResponseFileFromAPipe(t *testing.T) {
	dir := t.TempDir()
	src := unprovidedLib(t, dir)
	so := filepath.Join(dir, "libp.so")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	go func() {
		w.WriteString("-shared -fPIC " + src + " -o " + so + "\n")
		w.Close()
	}()
	out, code, err := drive(t, context.Background(), []string{"gcc"}, "@/proc/self/fd/"+strconv.Itoa(int(r.Fd())))
	if err != nil || code != 1 || !strings.Contains(out, unprovidedSymbol(t)+" is undefined") {
		t.Errorf("exit %d, err %v:\n%s", code, err, out)
	}
	if _, err := os.Stat(so); !os.IsNotExist(err) {
		t.Error("the library named in the pipe was not checked and removed")
	}
}

// Every spelling of the output reaches the check: a library that would
// fail to load on 2.17 is found and removed, however it was named, and a
// stale a.out in the directory is left alone.
func TestEveryOutputSpellingIsChecked(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	// Two ways a link fails its check: an undefined symbol only a newer
	// glibc defines, and a version above the target (the host's libc.so.6
	// named as an input binds pthread_create@GLIBC_2.34). The second one
	// relinks to trace the forcing symbols, which must not write X again.
	undefined := unprovidedLib(t, dir)
	above := filepath.Join(dir, "above.c")
	os.WriteFile(above, []byte("#include <pthread.h>\nstatic void *run(void *a) { return a; }\nint f(void) { pthread_t t; return pthread_create(&t, 0, run, 0); }\n"), 0o644)
	os.WriteFile("link.rsp", []byte("-Wl,-o,X\n"), 0o644)
	os.WriteFile("ld.rsp", []byte("-o X\n"), 0o644)
	stale := []byte("a stale a.out from another build\n")
	os.WriteFile("a.out", stale, 0o644)
	kinds := []struct {
		name   string
		inputs []string
		want   string
	}{
		{"undefined", []string{undefined}, "X would fail to load"},
		{"above", []string{above, "/lib/x86_64-linux-gnu/libc.so.6"}, "X needs glibc 2.34, above the target 2.17; removed it"},
	}
	for _, kind := range kinds {
		for _, spelling := range [][]string{
			{"-o", "X"}, {"-oX"}, {"--output=X"}, {"--output", "X"},
			{"-Wl,-o,X"}, {"-Wl,-oX"}, {"-Wl,--output=X"}, {"-Wl,--output,X"}, {"-Xlinker", "-o", "-Xlinker", "X"},
			{"-Wl,-o", "-Wl,X"}, {"-o", "Y", "-Wl,-o,X"}, {"@link.rsp"}, {"-Wl,@ld.rsp"},
		} {
			t.Run(kind.name+" "+strings.Join(spelling, " "), func(t *testing.T) {
				args := append(append([]string{"-shared", "-fPIC"}, kind.inputs...), spelling...)
				out, code, err := drive(t, context.Background(), []string{"gcc"}, args...)
				if err != nil || code != 1 || !strings.Contains(out, kind.want) {
					t.Errorf("exit %d, err %v:\n%s", code, err, out)
				}
				if _, err := os.Stat("X"); !os.IsNotExist(err) {
					t.Error("X was left behind")
				}
				if data, _ := os.ReadFile("a.out"); !bytes.Equal(data, stale) {
					t.Error("the stale a.out was judged or touched")
				}
				os.Remove("Y")
			})
		}
	}
	t.Run("clang", func(t *testing.T) {
		out, code, err := drive(t, context.Background(), []string{"clang"}, "-shared", "-fPIC", undefined, "-Wl,--output=X")
		if err != nil || code != 1 || !strings.Contains(out, "X would fail to load") {
			t.Errorf("exit %d, err %v:\n%s", code, err, out)
		}
	})
}

// fakeCompiler writes a shell script that runs body with the arguments
// in "$@" and the output path in $out.
func fakeCompiler(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "fakecc")
	script := "#!/bin/sh\nout=a.out\nprev=\nfor a in \"$@\"; do [ \"$prev\" = -o ] && out=$a; prev=$a; done\n" + body + "\n"
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// A compiler killed by a signal during the link is reported in words,
// with 128+N, and what it wrote is removed.
func TestKilledCompilerIsReported(t *testing.T) {
	cc := fakeCompiler(t, `gcc "$@" && kill -SEGV $$`)
	exe := filepath.Join(t.TempDir(), "prog")
	_, code, err := drive(t, context.Background(), []string{cc}, "testdata/program.c", "-o", exe)
	if code != 139 || err == nil || !strings.Contains(err.Error(), "fakecc was killed by SIGSEGV (signal 11) during the link; removed "+exe) {
		t.Errorf("exit %d, err %v", code, err)
	}
	if _, err := os.Stat(exe); !os.IsNotExist(err) {
		t.Error("the output of the killed link was left")
	}
}

// An output that is not ELF at all is reported and removed.
func TestNonELFOutputIsRemoved(t *testing.T) {
	cc := fakeCompiler(t, `echo 'version https://git-lfs.github.com/spec/v1' > "$out"`)
	exe := filepath.Join(t.TempDir(), "libplugin.so")
	_, code, err := drive(t, context.Background(), []string{cc}, "x.o", "-o", exe)
	oneLine(t, "non-ELF output", code, err, "removed it")
	if _, err := os.Stat(exe); !os.IsNotExist(err) {
		t.Error("the non-ELF output was left")
	}
}

// alive reports whether a process with pid exists and is not a zombie.
func alive(pid int) bool {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	f := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+1:]))
	return len(f) > 0 && f[0] != "Z"
}

// An interrupted link (the context cancelled by a signal, as
// procgroup.Notify does on SIGTERM) stops the compiler and its children,
// removes the output it wrote, says so and returns 128+N.
func TestInterruptedLinkCleansUp(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "child.pid")
	// The compiler links, then a child of it keeps the link going.
	cc := fakeCompiler(t, `gcc "$@" || exit 1; sleep 60 & echo $! > `+pidFile+`; wait`)
	exe := filepath.Join(dir, "prog")
	ctx, cancel := context.WithCancelCause(context.Background())
	go func() {
		for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if data, _ := os.ReadFile(pidFile); bytes.HasSuffix(data, []byte("\n")) {
				break // written whole
			}
		}
		cancel(&procgroup.Interrupted{Signal: syscall.SIGTERM})
	}()
	_, code, err := drive(t, ctx, []string{cc}, "testdata/program.c", "-o", exe)
	if code != 143 || err == nil || !strings.Contains(err.Error(), "interrupted by SIGTERM; removed "+exe) {
		t.Errorf("exit %d, err %v", code, err)
	}
	if _, err := os.Stat(exe); !os.IsNotExist(err) {
		t.Error("the interrupted link's output was left")
	}
	data, _ := os.ReadFile(pidFile)
	pid, _ := strconv.Atoi(strings.TrimSpace(string(data)))
	// It closes its stderr (which the driver waits on) a moment before
	// the kernel marks it dead.
	for deadline := time.Now().Add(2 * time.Second); pid != 0 && alive(pid) && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	if pid == 0 || alive(pid) {
		t.Errorf("the compiler's child (pid %d) outlived the interrupted link", pid)
	}
}

// A compiler command that runs compatbuild (a launcher in front of the
// wrapper) is never used, and a driver started by a driver's compiler
// refuses at once.
func TestNoLoops(t *testing.T) {
	t.Setenv("COMPATBUILD_CC", "")
	t.Setenv("CC", "ccache compatbuild-cc-2.17")
	if cc := DefaultCompiler(false); len(cc) != 1 || cc[0] != "gcc" {
		t.Errorf("CC=%q gives the compiler %q, want gcc", os.Getenv("CC"), cc)
	}
	_, code, err := drive(t, context.Background(), []string{"ccache", "/opt/bin/compatbuild-cc-2.17"}, "x.c")
	oneLine(t, "launcher in front of the wrapper", code, err, "runs compatbuild itself")

	// What a driver's child sees: the marker.
	env := childEnv(context.Background())
	found := false
	for _, kv := range env {
		found = found || strings.HasPrefix(kv, reentryVar+"=")
	}
	if !found {
		t.Fatal("the compiler's environment lacks the re-entry marker")
	}
	t.Setenv(reentryVar, "ccache compatbuild-cc-2.17")
	_, code, err = drive(t, context.Background(), []string{"gcc"}, "-c", "x.c")
	oneLine(t, "re-entered driver", code, err, "started again by the compiler it runs (ccache compatbuild-cc-2.17)")
}

// -static in the compiler command (CC="gcc -static") is refused like one
// on the command line, and the message says where it came from.
func TestStaticInCompilerCommand(t *testing.T) {
	_, code, err := drive(t, context.Background(), []string{"gcc", "-static"}, "testdata/program.c", "-o", filepath.Join(t.TempDir(), "p"))
	oneLine(t, `CC="gcc -static"`, code, err, `-static is not supported`)
	if err != nil && !strings.Contains(err.Error(), `in the compiler command "gcc -static"`) {
		t.Errorf("the refusal does not say -static came from the compiler command: %v", err)
	}
}

// A cache under a path with a space, comma, quote, parentheses and '*'
// links, and the program runs on glibc 2.31.
func TestOddCachePath(t *testing.T) {
	rt := debian11(t)
	cache := filepath.Join(t.TempDir(), "Jane Doe, O'Brien (x*)", ".cache")
	t.Setenv("XDG_CACHE_HOME", cache)
	prog := filepath.Join(t.TempDir(), "program")
	plugin := filepath.Join(t.TempDir(), "libplugin.so")
	mustLink(t, false, "2.17", "-O2", "-D_FILE_OFFSET_BITS=64", "-shared", "-fPIC", "testdata/plugin.c", "-o", plugin)
	mustLink(t, false, "2.17", "-O2", "-D_FILE_OFFSET_BITS=64", "testdata/program.c", "-o", prog)
	entries, _ := filepath.Glob(filepath.Join(cache, "compatbuild", "sysroot", "x86_64-glibc2.17-*"))
	if len(entries) != 1 {
		t.Fatalf("the sysroot is not in the odd cache: %v", entries)
	}
	if out, err := run(t, rt, prog, plugin); err != nil || out != wantProgramOutput {
		t.Errorf("under glibc 2.31: %v\n%s", err, out)
	}
}

// A link that only asks the linker for its version writes nothing; an
// output an earlier build left is neither judged nor removed.
func TestVersionLinkLeavesEarlierOutput(t *testing.T) {
	exe := filepath.Join(t.TempDir(), "app")
	earlier := []byte("an earlier build's output\n")
	os.WriteFile(exe, earlier, 0o755)
	out, code, err := drive(t, context.Background(), []string{"gcc"}, "testdata/program.c", "-Wl,--version", "-o", exe)
	if err != nil || code != 0 || !strings.Contains(out, "wrote no "+exe) {
		t.Errorf("exit %d, err %v:\n%s", code, err, out)
	}
	if data, _ := os.ReadFile(exe); !bytes.Equal(data, earlier) {
		t.Error("the earlier output was judged or removed")
	}
}

// Outputs that are streams or devices cannot be removed once written, so a
// link to one is refused before it runs; /dev/null keeps nothing and
// stays allowed.
func TestStreamOutputsAreRefused(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "to-stdout")
	os.Symlink("/dev/stdout", link)
	for _, out := range []string{"/dev/stdout", "/dev/fd/1", "/proc/self/fd/1", fifo, link} {
		_, code, err := drive(t, context.Background(), []string{"gcc"}, "testdata/program.c", "-o", out)
		oneLine(t, "-o "+out, code, err, "cannot do for a stream or device")
	}
	if _, err := os.Lstat("/dev/stdout"); err != nil {
		t.Errorf("/dev/stdout is gone: %v", err)
	}
	out, code, err := drive(t, context.Background(), []string{"gcc"}, "testdata/program.c", "-o", "/dev/null")
	if code != 0 || err != nil {
		t.Errorf("-o /dev/null: exit %d, %v\n%s", code, err, out)
	}
}

// A compiler that is compatbuild under another name (a link called gcc
// ahead on PATH, CC naming one) is refused like one named compatbuild-cc:
// otherwise the sysroot's compiles would run compatbuild with compiler
// arguments.
func TestCompilerThatIsCompatbuildUnderAnotherName(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	gcc := filepath.Join(dir, "gcc")
	if err := os.Symlink(self, gcc); err != nil {
		t.Fatal(err)
	}
	err = checkReentry([]string{gcc})
	if err == nil || !strings.Contains(err.Error(), "runs compatbuild itself") {
		t.Errorf("a link to compatbuild named gcc: %v", err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	lookPaths.Lock()
	delete(lookPaths.found, "gcc")
	lookPaths.Unlock()
	t.Cleanup(func() {
		lookPaths.Lock()
		delete(lookPaths.found, "gcc")
		lookPaths.Unlock()
	})
	if err := checkReentry([]string{"gcc"}); err == nil {
		t.Error("gcc found on PATH as a link to compatbuild was accepted")
	}
	if err := checkReentry([]string{"/usr/bin/gcc"}); err != nil {
		t.Errorf("the real gcc: %v", err)
	}
}
