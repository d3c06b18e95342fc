package runtimes

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A PIE that uses copy-relocated data, started each of the three ways under
// Debian 13's glibc 2.41 (newer than the host's, so the version it prints
// tells the runtime's C library from the host's). Only the explicit loader
// start maps the program without the kernel (AT_BASE 0, /proc/self/exe is
// the loader); the other two are the way the target system starts it.
func TestStartThroughTheInterpreter(t *testing.T) {
	t.Parallel()
	r := get(t, "debian:13")
	prog := filepath.Join(t.TempDir(), "startinfo")
	if out, err := exec.Command("gcc", "-O2", "-fPIE", "-pie", "-o", prog, "testdata/startinfo.c").CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	if how := r.How(prog); how != StartInterpreter {
		t.Errorf("How = %s; this machine allows mount namespaces (unshare), so programs must start through their interpreter", how)
	}
	hostLoader, _ := os.Stat("/lib64/ld-linux-x86-64.so.2")
	mountsBefore, _ := os.ReadFile("/proc/self/mountinfo")
	for _, tc := range []struct {
		force       Start
		atBase, exe string
	}{
		{StartInterpreter, "1", prog},
		{StartCopy, "1", "/tmp/compatbuild-run-"},
		{StartExplicit, "0", r.Loader},
	} {
		t.Run(string(tc.force), func(t *testing.T) {
			r := *r
			r.Start = tc.force
			if how := r.How(prog); how != tc.force {
				t.Fatalf("How = %s", how)
			}
			out, err := r.Command(ctxFor(t), prog, "-o", "x").CombinedOutput()
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			f := strings.Fields(string(out))
			if len(f) < 10 || f[1] != "2.41" || f[3] != "x" || f[5] == "0" || f[7] != tc.atBase || !strings.HasPrefix(f[9], tc.exe) {
				t.Errorf("got %q; want glibc 2.41, -o x, an environment, at_base %s, exe %s", out, tc.atBase, tc.exe)
			}
		})
	}
	// Nothing leaked into the host's mount namespace.
	if after, _ := os.ReadFile("/proc/self/mountinfo"); string(after) != string(mountsBefore) {
		t.Errorf("the host's mounts changed:\n%s\nbefore:\n%s", after, mountsBefore)
	}
	if now, _ := os.Stat("/lib64/ld-linux-x86-64.so.2"); hostLoader != nil && !os.SameFile(now, hostLoader) {
		t.Errorf("the host's loader was replaced")
	}
}

// A program whose PT_INTERP the host lacks cannot have the loader mounted
// over it; it runs from a private copy instead.
func TestStartWithoutTheHostInterpreterPath(t *testing.T) {
	t.Parallel()
	r := get(t, "debian:13")
	prog := filepath.Join(t.TempDir(), "startinfo")
	if out, err := exec.Command("gcc", "-O2", "-Wl,--dynamic-linker=/nonexistent/compatbuild/ld-linux-x86-64.so.2", "-o", prog, "testdata/startinfo.c").CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	if how := r.How(prog); how != StartCopy {
		t.Fatalf("How = %s, want %s", how, StartCopy)
	}
	out, err := r.Command(ctxFor(t), prog).CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "libc 2.41 ") {
		t.Errorf("%v: %s", err, out)
	}
}

// The launcher's own failures are one line and exit 127, never a run.
func TestLauncherFailureIsOneLine(t *testing.T) {
	t.Parallel()
	r := &Runtime{Name: "broken", Loader: "/nonexistent/ld.so", LibraryPath: []string{"/nonexistent"}, Start: StartInterpreter}
	out, err := r.Command(ctxFor(t), "/bin/true").CombinedOutput()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != launcherExitCode || strings.Count(strings.TrimSpace(string(out)), "\n") != 0 ||
		!strings.Contains(string(out), "bind-mounting the runtime's loader") {
		t.Errorf("%v: %q", err, out)
	}
}

// What runs under a runtime cannot change it.
func TestRuntimeIsReadOnlyForWhatRuns(t *testing.T) {
	t.Parallel()
	r := get(t, "debian:13")
	out, err := r.Command(ctxFor(t), "/bin/sh", "-c", "touch "+filepath.Join(r.Root, "new")+" 2>&1; echo $?").CombinedOutput()
	if _, serr := os.Stat(filepath.Join(r.Root, "new")); serr == nil || err != nil || !strings.Contains(string(out), "Read-only file system") {
		t.Errorf("a program changed the runtime: %v, %s", err, out)
	}
}

// TestCommandEnvSetAfterwards: a caller that sets the returned command's
// Env, as for any exec.Cmd, gives the program exactly that environment
// (loader variables aside), whichever way the program is started.
func TestCommandEnvSetAfterwards(t *testing.T) {
	t.Parallel()
	// The host's env(1) needs the host's glibc 2.36: Debian 13's 2.41 runs it.
	rt := get(t, "debian:13")
	cmd := rt.Command(ctxFor(t), "/usr/bin/env")
	cmd.Env = []string{"A=1", "LD_PRELOAD=/nonexistent.so"}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var got []string
	for _, kv := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if !strings.HasPrefix(kv, "LD_LIBRARY_PATH=") {
			got = append(got, kv)
		}
	}
	if strings.Join(got, " ") != "A=1" {
		t.Errorf("the program saw %q, want only A=1 (and LD_LIBRARY_PATH)", out)
	}
}

// TestRuntimeDataOverHosts: what runs sees the runtime's /usr/share and
// /usr/lib where the runtime has a path (a directory this machine lacks),
// and this machine's everywhere else.
func TestRuntimeDataOverHosts(t *testing.T) {
	t.Parallel()
	r := get(t, "debian:13")
	pick := func(in, notIn string) string {
		entries, _ := os.ReadDir(in)
		for _, e := range entries {
			if _, err := os.Lstat(filepath.Join(notIn, e.Name())); err != nil && e.IsDir() {
				return "/usr/share/doc/" + e.Name()
			}
		}
		t.Fatalf("every directory of %s is in %s too", in, notIn)
		return ""
	}
	runtimeOnly := pick(filepath.Join(r.Root, "usr/share/doc"), "/usr/share/doc")
	hostOnly := pick("/usr/share/doc", filepath.Join(r.Root, "usr/share/doc"))
	script := "test -d " + runtimeOnly + " && test -d " + hostOnly + " && echo both"
	out, err := r.Command(ctxFor(t), "/bin/sh", "-c", script).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "both" {
		t.Errorf("%s: %v %s", script, err, out)
	}
}
