package verify

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"compatbuild/internal/driver"
	"compatbuild/internal/target"
)

// TestCrossPluginLoadedByHost: a plugin built for each ABI's first glibc
// release is loaded (dlopen RTLD_NOW) and called by verify's host, which
// verify builds with that ABI's cross compiler for the runtime's glibc, on
// a runtime of the plugin's own architecture (picked from the artifact)
// under qemu-user, the host started through its PT_INTERP (qemu-user -L).
// Debian 13's fetched runtime is merged-/usr without the /lib link (which
// base-files, not libc6, makes), so its riscv64 host still starts as an
// explicit ld.so, said in the reason.
func TestCrossPluginLoadedByHost(t *testing.T) {
	for _, c := range []struct{ triple, runtime string }{
		{"i686-linux-gnu", "debian:11"},
		{"aarch64-linux-gnu", "debian:11"},
		{"arm-linux-gnueabihf", "debian:11"},
		{"powerpc64le-linux-gnu", "debian:12"},
		{"s390x-linux-gnu", "debian:12"},
		{"riscv64-linux-gnu", "debian:13"},
	} {
		tg, _ := target.Parse(c.triple)
		t.Run(tg.ABI, func(t *testing.T) {
			t.Parallel()
			cc, err := driver.CompilerFor(tg, false)
			if err != nil {
				t.Fatal(err)
			}
			lib := filepath.Join(t.TempDir(), "libgood.so")
			var log bytes.Buffer
			code, err := driver.Run(context.Background(), driver.Options{Glibc: tg.First, Target: tg, Compiler: cc, Stdout: &log, Stderr: &log},
				[]string{"-O2", "-shared", "-fPIC", "testdata/lib.c", "-o", lib})
			if err != nil || code != 0 {
				t.Fatalf("link: %d %v\n%s", code, err, log.String())
			}
			o := opts(c.runtime)
			o.Call = "hello"
			rep, err := Run(context.Background(), []string{lib}, o)
			if err != nil {
				t.Fatal(err)
			}
			res := rep.Results[0]
			if res.Status != Pass || res.Output != "hello from the library: 42\n" || rep.Runtimes[0].Arch != tg.Debian ||
				(!tg.Native() && c.runtime != "debian:13" && res.Start != "interpreter") {
				t.Errorf("%s on %s (%s): %s (start %q): %s\n%s", tg.ABI, c.runtime, rep.Runtimes[0].Arch, res.Status, res.Start, res.Reason, res.Output)
			}
		})
	}
}

// TestCrossProgramStartsThroughItsInterpreter: a program cross-built for a
// foreign ABI starts under qemu-user as on the target, through its own
// PT_INTERP loaded from inside the runtime (qemu-user -L), not as an
// explicit 'ld.so PROG'; the C library it reports is the runtime's.
func TestCrossProgramStartsThroughItsInterpreter(t *testing.T) {
	for _, triple := range []string{"aarch64-linux-gnu", "arm-linux-gnueabihf"} {
		tg, _ := target.Parse(triple)
		t.Run(tg.ABI, func(t *testing.T) {
			t.Parallel()
			cc, err := driver.CompilerFor(tg, false)
			if err != nil {
				t.Fatal(err)
			}
			prog := filepath.Join(t.TempDir(), "startinfo")
			var log bytes.Buffer
			code, err := driver.Run(context.Background(), driver.Options{Glibc: tg.First, Target: tg, Compiler: cc, Stdout: &log, Stderr: &log},
				[]string{"-O2", "-fPIE", "-pie", "testdata/startinfo.c", "-o", prog})
			if err != nil || code != 0 {
				t.Fatalf("link: %d %v\n%s", code, err, log.String())
			}
			o := opts("debian:11")
			o.Args = []string{"-o", "given"}
			r := verifyOK(t, o, prog).Results[0]
			if r.Status != Pass || r.Start != "interpreter" || !strings.HasPrefix(r.Output, "libc 2.31 opt given") {
				t.Errorf("%s: %s (start %q): %s\n%s", tg.ABI, r.Status, r.Start, r.Reason, r.Output)
			}
		})
	}
}
