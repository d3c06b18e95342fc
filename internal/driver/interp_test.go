package driver

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The kind: a link whose output names a program interpreter other than
// the target ABI's standard loader (-Wl,--dynamic-linker, -Xlinker
// -dynamic-linker, a compiler spec) produced a program that starts on no
// standard distribution: it is removed and refused with the fix. A shared
// library's PT_INTERP is ignored by the loader that maps it, and the
// standard path spelled out passes.
func TestNonStandardInterpreterIsRefused(t *testing.T) {
	dir := t.TempDir()
	for i, args := range [][]string{
		{"-Wl,--dynamic-linker=/nix/store/abcd-glibc-2.38/lib/ld-linux-x86-64.so.2"},
		{"-Wl,-dynamic-linker,/opt/custom/ld.so"},
		{"-no-pie", "-Xlinker", "--dynamic-linker", "-Xlinker", "/lib/ld-linux.so.2"},
	} {
		exe := filepath.Join(dir, "prog"+string(rune('a'+i)))
		out, code, err := drive(t, context.Background(), []string{"gcc"}, append(args, "testdata/program.c", "-o", exe)...)
		// Like any floor breach: exit 1, one line naming the file and the fix.
		if code != 1 || err != nil || strings.Count(strings.TrimSpace(out), "\n") != 0 ||
			!strings.Contains(out, "compatbuild: "+exe+": its program interpreter (PT_INTERP)") ||
			!strings.Contains(out, "patchelf --set-interpreter /lib64/ld-linux-x86-64.so.2; removed it") {
			t.Errorf("%v: exit %d, %v\n%s", args, code, err, out)
		}
		if _, err := os.Stat(exe); !os.IsNotExist(err) {
			t.Errorf("%v: the output was left", args)
		}
	}
	exe := filepath.Join(dir, "std")
	if out, code, err := drive(t, context.Background(), []string{"gcc"}, "-Wl,--dynamic-linker=/lib64/ld-linux-x86-64.so.2", "testdata/program.c", "-o", exe); code != 0 || err != nil {
		t.Fatalf("standard loader spelled out: exit %d, %v\n%s", code, err, out)
	}
	if msg, err := exec.Command(exe).CombinedOutput(); err != nil {
		t.Errorf("standard loader: %v\n%s", err, msg)
	}
}
