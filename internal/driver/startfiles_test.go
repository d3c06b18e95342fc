package driver

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The kind: an executable whose start code is not the sysroot's. The
// compiler falls back to the host's crt1.o/Scrt1.o whenever the sysroot's
// is missing when it searches (deleted after the driver checked the
// sysroot, a cache cleaner racing the link), and the host's start code
// passes no constructors to a pre-2.34 __libc_start_main: the program
// links, its versions look fine, and its constructors never run on the
// target. The note in compatbuild's start files is what tells the two
// apart.
func TestHostStartFilesAreRefused(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // this test damages its sysroot
	// The compiler deletes the sysroot's start files just before it runs,
	// as a cleaner racing the link would.
	cc := fakeCompiler(t, `for a in "$@"; do case $a in -B*) rm -f "${a#-B}Scrt1.o" "${a#-B}crt1.o";; esac; done
exec gcc "$@"`)
	dir := t.TempDir()
	for _, mode := range []string{"-pie", "-no-pie"} {
		exe := filepath.Join(dir, "prog"+mode)
		_, code, err := drive(t, context.Background(), []string{cc}, mode, "testdata/program.c", "-o", exe)
		oneLine(t, mode+" with the host's start files", code, err, "linked without compatbuild's start files")
		if _, err := os.Stat(exe); !os.IsNotExist(err) {
			t.Errorf("%s: the output with the host's start files was left", mode)
		}
		// The next link repairs the sysroot and passes.
		out, code, err := drive(t, context.Background(), []string{"gcc"}, mode, "testdata/program.c", "-o", exe)
		if code != 0 || err != nil {
			t.Fatalf("%s: the link after the damage: exit %d, %v\n%s", mode, code, err, out)
		}
		if msg, err := exec.Command(exe).CombinedOutput(); err != nil {
			t.Errorf("%s: the repaired link's program: %v\n%s", mode, err, msg)
		}
	}
}

// -nostartfiles and -nostdlib say the user links start code of their own:
// no note is asked for.
func TestOwnStartCodeIsTheUsers(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "start.c")
	os.WriteFile(src, []byte("void _start(void) { __builtin_trap(); }\n"), 0o644)
	for _, flag := range []string{"-nostartfiles", "-nostdlib"} {
		exe := filepath.Join(dir, "own"+flag)
		out, code, err := drive(t, context.Background(), []string{"gcc"}, flag, src, "-o", exe)
		if code != 0 || err != nil || strings.Contains(out, "start files") {
			t.Errorf("%s: exit %d, %v\n%s", flag, code, err, out)
		}
		if _, err := os.Stat(exe); err != nil {
			t.Errorf("%s: %v", flag, err)
		}
	}
}

// The same kind reached on purpose: -nostartfiles with the host's start
// files named. Another glibc's start file is refused before the link
// (below 2.34, where its start code would skip the constructors); the
// user's own start code, which does not call __libc_start_main, is not.
func TestHostStartFilesNamedAreRefused(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "prog")
	host := "/usr/lib/x86_64-linux-gnu/"
	_, code, err := drive(t, context.Background(), []string{"gcc"}, "-nostartfiles", host+"Scrt1.o", host+"crti.o", host+"crtn.o", "testdata/program.c", "-o", exe)
	oneLine(t, "the host's Scrt1.o named", code, err, "is another glibc's start file")
	if _, err := os.Stat(exe); !os.IsNotExist(err) {
		t.Error("an output was written")
	}
	own := filepath.Join(dir, "crt1.o")
	src := filepath.Join(dir, "start.c")
	os.WriteFile(src, []byte("void _start(void) { __builtin_trap(); }\n"), 0o644)
	if out, err := exec.Command("gcc", "-c", src, "-o", own).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	if out, code, err := drive(t, context.Background(), []string{"gcc"}, "-nostartfiles", "-nostdlib", own, "-o", exe); code != 0 || err != nil {
		t.Errorf("the user's own crt1.o: exit %d, %v\n%s", code, err, out)
	}
}
