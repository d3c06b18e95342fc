package driver

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"compatbuild/internal/abidb"
)

// What the driver checks after a link is the file the compiler wrote,
// wherever the command line names it, and only that.
func TestOutputsTheDriverChecks(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "p.c")
	// pthread_setattr_default_np (2.18) is one the catalogue refuses.
	os.WriteFile(src, []byte("#define _GNU_SOURCE\n#include <pthread.h>\nint f(pthread_attr_t *a) { return pthread_setattr_default_np(a); }\n"), 0o644)
	hello := filepath.Join(dir, "hello.c")
	os.WriteFile(hello, []byte("#include <stdio.h>\nint main(void) { puts(\"hi\"); return 0; }\n"), 0o644)

	t.Run("response file", func(t *testing.T) {
		// The output named only inside @file is found and checked: a
		// library that needs pthread_setattr_default_np (2.18) fails for
		// 2.17 and goes.
		so := filepath.Join(dir, "lib p.so")
		rsp := filepath.Join(dir, "link.rsp")
		os.WriteFile(rsp, []byte("-shared -fPIC\n"+src+"\n-o '"+so+"'\n"), 0o644)
		out, code := link(t, false, "2.17", "@"+rsp)
		if code != 1 || !strings.Contains(out, "pthread_setattr_default_np is undefined") {
			t.Errorf("exit %d:\n%s", code, out)
		}
		if _, err := os.Stat(so); !os.IsNotExist(err) {
			t.Error("the broken library was left behind")
		}
	})
	t.Run("option in a response file", func(t *testing.T) {
		// -z pack-relative-relocs inside @file is dropped for 2.17 as
		// on the command line: no DT_RELR, no GLIBC_ABI_DT_RELR need.
		exe := filepath.Join(dir, "relr")
		rsp := filepath.Join(dir, "relr.rsp")
		os.WriteFile(rsp, []byte("-Wl,-z,pack-relative-relocs\n"+hello+"\n-o "+exe+"\n"), 0o644)
		out, code := link(t, false, "2.17", "@"+rsp)
		if code != 0 || !strings.Contains(out, "dropped -z pack-relative-relocs") {
			t.Fatalf("exit %d:\n%s", code, out)
		}
		if dyn, _ := exec.Command("readelf", "-d", exe).CombinedOutput(); strings.Contains(string(dyn), "RELR") {
			t.Errorf("the output has DT_RELR:\n%s", dyn)
		}
		checkFloor(t, exe, abidb.MustParseVersion("2.17"))
		if leftovers, _ := filepath.Glob(filepath.Join(os.TempDir(), "compatbuild-rsp-*")); len(leftovers) != 0 {
			t.Errorf("rewritten response files left behind: %v", leftovers)
		}
	})
	t.Run("dry run", func(t *testing.T) {
		exe := filepath.Join(dir, "dry")
		out, code := link(t, false, "2.17", "-###", hello, "-o", exe)
		if code != 0 || !strings.Contains(out, "compatbuild/sysroot/x86_64-glibc2.17-") {
			t.Errorf("exit %d; the shown commands do not use the sysroot:\n%s", code, out)
		}
		if _, err := os.Stat(exe); !os.IsNotExist(err) {
			t.Error("-### produced an output")
		}
	})
	t.Run("dev null", func(t *testing.T) {
		if out, code := link(t, false, "2.17", hello, "-o", os.DevNull); code != 0 {
			t.Errorf("a link test to /dev/null failed (%d):\n%s", code, out)
		}
		// A "does it link?" probe gets the target's answer: a link to
		// /dev/null that needs a newer glibc (the host's libc.so.6
		// named) fails as the same link to a file does.
		above := filepath.Join(dir, "above.c")
		os.WriteFile(above, []byte("#include <pthread.h>\nstatic void *run(void *a) { return a; }\nint main(void) { pthread_t t; return pthread_create(&t, 0, run, 0); }\n"), 0o644)
		out, code := link(t, false, "2.17", above, "/lib/x86_64-linux-gnu/libc.so.6", "-o", os.DevNull)
		if code != 1 || !strings.Contains(out, "needs glibc 2.34, above the target 2.17") || !strings.Contains(out, "the link wrote to /dev/null") {
			t.Errorf("a link to /dev/null above the target: exit %d\n%s", code, out)
		}
		if _, err := os.Lstat(os.DevNull); err != nil {
			t.Errorf("/dev/null is gone: %v", err)
		}
	})
	t.Run("no output", func(t *testing.T) {
		exe := filepath.Join(dir, "none")
		out, code := link(t, false, "2.17", hello, "-Wl,--version", "-o", exe)
		if code != 0 || !strings.Contains(out, "GNU ld") || !strings.Contains(out, "wrote no "+exe+", so there is nothing to check") {
			t.Errorf("exit %d:\n%s", code, out)
		}
	})
}
