package verify

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"compatbuild/internal/abidb"
	"compatbuild/internal/driver"
	"compatbuild/internal/runtimes"
	"compatbuild/internal/sysroot"
)

// Nothing an artifact starts outlives verify: a program that ignores
// SIGTERM and leaves a child in pause() when it times out, and one whose
// daemon left the process group with setsid() while the program itself
// exited 0. Each child is checked dead by its pid when verify returns, and
// the result says that verify had to kill it.
func TestNothingOutlivesVerify(t *testing.T) {
	prog := filepath.Join(t.TempDir(), "strays")
	if err := driverLink("2.17", "-O2", "../runtimes/testdata/strays.c", "-o", prog); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"hang", "daemon"} {
		t.Run(mode, func(t *testing.T) {
			token := fmt.Sprintf("stray%d", rand.Uint32())
			o := opts("debian:11")
			o.Args = []string{mode, token}
			o.Timeout = 2 * time.Second
			r := verifyOK(t, o, prog).Results[0]
			if !strings.Contains(r.Output, "child "+token) {
				t.Fatalf("the child did not start: %q: %+v", r.Output, r)
			}
			if pids := runtimes.ProcessesNamed(token); len(pids) > 0 {
				t.Errorf("the child survives verify: %v", pids)
				for _, pid := range pids {
					syscall.Kill(pid, syscall.SIGKILL)
				}
			}
			if r.KilledLeftovers != 1 || !strings.HasSuffix(r.Reason, "(it left 1 process running, which verify killed)") {
				t.Errorf("the result does not say a process was killed: %+v", r)
			}
			switch mode {
			case "hang":
				if r.Status != Fail || !r.TimedOut || !strings.HasPrefix(r.Reason, "timed out after 2s and was killed") {
					t.Errorf("%+v", r)
				}
			case "daemon":
				if r.Status != Pass {
					t.Errorf("%+v", r)
				}
			}
		})
	}
}

// A program whose PT_INTERP is not where the target's glibc has its loader
// fails, with the path it names and the one it should, before it runs:
// the kind is any --dynamic-linker the target lacks (a Nix store loader, a
// private path, another ABI's loader).
func TestNonstandardInterpreterFails(t *testing.T) {
	dir := t.TempDir()
	for _, interp := range []string{
		"/nix/store/abcd-glibc-2.38/lib/ld-linux-x86-64.so.2",
		"/opt/custom/ld.so",
		"/lib/ld-linux.so.2",
	} {
		prog := filepath.Join(dir, strings.NewReplacer("/", "_").Replace(interp))
		sysrootLink(t, "2.17", "-O2", "-Wl,--dynamic-linker="+interp, "testdata/prog.c", "-o", prog)
		r := verifyOK(t, opts("debian:11"), prog).Results[0]
		want := "the program names the interpreter " + interp + " (PT_INTERP), but the target's glibc has its x86_64 loader at /lib64/ld-linux-x86-64.so.2"
		if r.Status != Fail || !strings.HasPrefix(r.Reason, want) || !strings.Contains(r.Reason, "relink without -Wl,--dynamic-linker") {
			t.Errorf("%s: %s: %s", interp, r.Status, r.Reason)
		}
	}
	// Debian's own second path to its loader is where the runtime holds it.
	prog := filepath.Join(dir, "multiarch")
	sysrootLink(t, "2.17", "-O2", "-Wl,--dynamic-linker=/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", "testdata/prog.c", "-o", prog)
	if r := verifyOK(t, opts("debian:11"), prog).Results[0]; r.Status != Pass {
		t.Errorf("the runtime's own loader path: %s: %s", r.Status, r.Reason)
	}
}

// sysrootLink links as the driver does, against the sysroot of glibc, but
// without the driver's output check, which refuses a program interpreter
// other than the ABI's standard one: what verify must judge on its own
// (a program linked elsewhere, or patched afterwards).
func sysrootLink(t *testing.T, glibc string, args ...string) {
	t.Helper()
	cc := driver.SysrootCompiler()
	sr, err := sysroot.Ensure(context.Background(), sysroot.Spec{Arch: "x86_64", Glibc: abidb.MustParseVersion(glibc), CC: cc})
	if err != nil {
		t.Fatal(err)
	}
	flags := []string{"-B" + sr.Dir + "/", "-L" + sr.Dir, "-Xlinker", "-rpath-link", "-Xlinker", sr.Dir, "-Wl,--allow-shlib-undefined"}
	cmd := exec.Command(cc[0], append(append(cc[1:], flags...), args...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", cmd, err, out)
	}
}
