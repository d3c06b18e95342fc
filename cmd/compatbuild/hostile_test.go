package main

// The hostile world, end to end (issue 10): signals, loops, other users'
// directories, odd cache paths, closed pipes. The fault-injection and
// signal tests are in faults_test.go.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"compatbuild/internal/libcompat"
)

// exec and go exit 128+N when the command dies of signal N, and say so.
func TestExecAndGoReportSignals(t *testing.T) {
	dir := t.TempDir()
	out, code := cb(t, dir, nil, "exec", "--glibc", "2.17", "--", "sh", "-c", "kill -KILL $$")
	if code != 137 || !strings.Contains(out, "compatbuild: sh was killed by SIGKILL (signal 9)") {
		t.Errorf("exec: exit %d, %q; want 137 and a line naming SIGKILL", code, out)
	}
	// A go command that dies of SIGTERM.
	bin := t.TempDir()
	os.WriteFile(filepath.Join(bin, "go"), []byte("#!/bin/sh\nkill -TERM $$\n"), 0o755)
	out, code = cb(t, dir, []string{"PATH=" + bin + ":" + os.Getenv("PATH")}, "go", "build", "--glibc", "2.17", ".")
	if code != 143 || !strings.Contains(out, "compatbuild: go was killed by SIGTERM (signal 15)") {
		t.Errorf("go: exit %d, %q; want 143 and a line naming SIGTERM", code, out)
	}
}

// SIGTERM sent to compatbuild exec alone (a CI runner's cancel) reaches
// the build command, and compatbuild exits with the command's status.
func TestExecForwardsSIGTERM(t *testing.T) {
	cmd := exec.Command(compatbuild, "exec", "--glibc", "2.17", "--", "sh", "-c",
		`trap 'echo trapped; exit 7' TERM; echo ready; while :; do sleep 0.05; done`)
	cmd.Env = os.Environ()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() || lines.Text() != "ready" {
		t.Fatalf("the command did not start: %q", lines.Text())
	}
	cmd.Process.Signal(syscall.SIGTERM)
	var rest []string
	for lines.Scan() {
		rest = append(rest, lines.Text())
	}
	err = cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 7 || strings.Join(rest, "\n") != "trapped" {
		t.Errorf("exit %v, output %q; want the command's trap to run and exit 7", err, rest)
	}
}

// wrapperPath is the compatbuild-cc-2.17 wrapper 'compatbuild env' names.
func wrapperPath(t *testing.T, env []string) string {
	t.Helper()
	cmd := exec.Command(compatbuild, "env", "--glibc", "2.17", "--json")
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("compatbuild env: %v", err)
	}
	var vars map[string]string
	if err := json.Unmarshal(out, &vars); err != nil {
		t.Fatal(err)
	}
	return vars["CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER"]
}

// runBounded runs cmd for at most a minute: a loop must not hang the test.
func runBounded(t *testing.T, cmd *exec.Cmd) (string, error) {
	t.Helper()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return out.String(), err
	case <-time.After(time.Minute):
		cmd.Process.Kill()
		<-done
		t.Fatalf("%v still running after a minute: a loop", cmd.Args)
		return "", nil
	}
}

// CC="ccache compatbuild-cc-2.17" (a launcher in front of the wrapper)
// compiles and links through the wrapper once, with no loop; a real
// compiler command that runs compatbuild is refused in one line, and so
// is a compiler that calls compatbuild back some other way.
func TestLauncherInFrontOfWrapper(t *testing.T) {
	if _, err := exec.LookPath("ccache"); err != nil {
		t.Fatal("ccache is not installed: .ci/run installs it (apt-get install ccache)")
	}
	dir := copyDir(t, "make")
	wrapper := wrapperPath(t, nil)
	base := append(os.Environ(), "CCACHE_DIR="+t.TempDir(), "COMPATBUILD_CC=", "COMPATBUILD_GLIBC=")
	cc := "ccache " + wrapper
	for _, args := range [][]string{
		{"-O2", "-c", "counter.c", "-o", "counter.o"},
		{"-O2", "main.c", "counter.o", "-o", "app"},
	} {
		cmd := exec.Command("ccache", append([]string{wrapper}, args...)...)
		cmd.Dir = dir
		cmd.Env = append(base, "CC="+cc)
		if out, err := runBounded(t, cmd); err != nil {
			t.Fatalf("CC=%q %v: %v\n%s", cc, args, err, out)
		}
	}
	assertWithin(t, "2.17", filepath.Join(dir, "app"))
	if got := runOld(t, filepath.Join(dir, "app")); got != "counter 2\n" {
		t.Errorf("printed %q", got)
	}

	// The same command as the real compiler: refused, not looped.
	cmd := exec.Command(wrapper, "main.c", "counter.c", "-o", "app2")
	cmd.Dir = dir
	cmd.Env = append(base, "COMPATBUILD_CC="+cc)
	out, err := runBounded(t, cmd)
	if err == nil || !strings.Contains(out, "runs compatbuild itself") || strings.Count(strings.TrimSpace(out), "\n") != 0 {
		t.Errorf("COMPATBUILD_CC=%q: %v, %q; want a one-line refusal", cc, err, out)
	}
	// A compiler script that calls the wrapper back: caught on re-entry.
	mygcc := filepath.Join(t.TempDir(), "mygcc")
	os.WriteFile(mygcc, []byte("#!/bin/sh\nexec "+wrapper+" \"$@\"\n"), 0o755)
	cmd = exec.Command(wrapper, "main.c", "counter.c", "-o", "app3")
	cmd.Dir = dir
	cmd.Env = append(base, "COMPATBUILD_CC="+mygcc)
	out, err = runBounded(t, cmd)
	if err == nil || !strings.Contains(out, "started again by the compiler it runs ("+mygcc+")") {
		t.Errorf("a compiler that calls compatbuild back: %v, %q", err, out)
	}
}

// A cache path with a space, quote, comma, parentheses, '*' and "${HOME}"
// works through make (exec) and eval'd env; the CMake toolchain file
// takes all but the '$', which CMake itself would expand, and refuses that
// one in a line.
func TestOddCachePathThroughBuildSystems(t *testing.T) {
	odd := filepath.Join(t.TempDir(), "Jane Doe ${HOME} (x*), O'Brien")
	env := []string{"XDG_CACHE_HOME=" + filepath.Join(odd, "cache")}

	dir := copyDir(t, "make")
	if out, code := cb(t, dir, env, "exec", "--glibc", "2.17", "--", "make", "--no-print-directory"); code != 0 {
		t.Fatalf("exec make: exit %d\n%s", code, out)
	}
	assertWithin(t, "2.17", filepath.Join(dir, "app"), filepath.Join(dir, "libcounter.so"))
	if got := runOld(t, filepath.Join(dir, "app")); got != "counter 2\n" {
		t.Errorf("make: printed %q", got)
	}

	dir = copyDir(t, "make")
	exports, code := cb(t, dir, env, "env", "--glibc", "2.17")
	if code != 0 {
		t.Fatalf("env: %s", exports)
	}
	sh := exec.Command("sh", "-c", exports+"\n$CC -O2 -shared -fPIC counter.c -o libcounter.so && $CC main.c -L. -lcounter -Wl,-rpath,'$ORIGIN' -o app\n")
	sh.Dir = dir
	if out, err := sh.CombinedOutput(); err != nil {
		t.Fatalf("eval'd env: %v\n%s\n%s", err, exports, out)
	}
	assertWithin(t, "2.17", filepath.Join(dir, "app"))

	dir = copyDir(t, "cmake")
	toolchain := filepath.Join(dir, "compat.cmake")
	out, code := cb(t, dir, env, "cmake-toolchain", "--glibc", "2.17", "-o", toolchain)
	if code != 2 || !strings.Contains(out, "which CMake expands") || strings.Count(strings.TrimSpace(out), "\n") != 0 {
		t.Errorf("cmake-toolchain with a '$' in the cache path: exit %d, %q; want a one-line refusal", code, out)
	}
	env = []string{"XDG_CACHE_HOME=" + filepath.Join(t.TempDir(), "Jane Doe (x*), O'Brien", "cache")}
	if out, code := cb(t, dir, env, "cmake-toolchain", "--glibc", "2.17", "-o", toolchain); code != 0 {
		t.Fatalf("cmake-toolchain: %s", out)
	}
	build := filepath.Join(dir, "build")
	for _, args := range [][]string{
		{"-S", dir, "-B", build, "-DCMAKE_TOOLCHAIN_FILE=" + toolchain, "-DCMAKE_BUILD_TYPE=Release"},
		{"--build", build},
	} {
		cmd := exec.Command("cmake", args...)
		cmd.Env = append(os.Environ(), env...)
		if out, err := cmd.CombinedOutput(); err != nil {
			data, _ := os.ReadFile(toolchain)
			t.Fatalf("cmake %v: %v\n%s\ntoolchain:\n%s", args, err, out, data)
		}
	}
	assertWithin(t, "2.17", filepath.Join(build, "app"), filepath.Join(build, "libcounter.so"))
	if got := runOld(t, filepath.Join(build, "app")); got != "counter 2\n" {
		t.Errorf("cmake: printed %q", got)
	}
}

// A cache directory other users can write to, or one another user owns,
// is refused with the fix, before anything in it is used.
func TestUntrustedCacheIsRefused(t *testing.T) {
	dir := copyDir(t, "make")
	cache := t.TempDir()
	own := filepath.Join(cache, "compatbuild")
	if err := os.MkdirAll(own, 0o700); err != nil {
		t.Fatal(err)
	}
	env := []string{"XDG_CACHE_HOME=" + cache}
	os.Chmod(own, 0o777)
	out, code := cb(t, dir, env, "cc", "--glibc", "2.17", "main.c", "counter.c", "-o", "app")
	if code != 2 || !strings.Contains(out, "chmod go-w "+own) {
		t.Errorf("world-writable cache: exit %d, %q", code, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "app")); err == nil {
		t.Error("linked with an untrusted cache")
	}
	if os.Geteuid() != 0 {
		t.Fatal("the other-owner case needs root to give a directory away (CI runs as root)")
	}
	os.Chmod(own, 0o700)
	os.Chown(own, 65534, 65534)
	for _, args := range [][]string{{"cc", "--glibc", "2.17", "main.c", "counter.c", "-o", "app"}, {"env", "--glibc", "2.17"}} {
		out, code = cb(t, dir, env, args...)
		if code != 2 || !strings.Contains(out, "belongs to") || !strings.Contains(out, "not to you") {
			t.Errorf("%v with a cache owned by another user: exit %d, %q", args[0], code, out)
		}
	}
}

// With stderr a closed pipe, a link that fails its check still removes
// its output: compatbuild is not killed by SIGPIPE half-way.
func TestClosedStderrStillRemovesOutput(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "p.c"), []byte(unprovidedCall(t)), 0o644)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	cmd := exec.Command(compatbuild, "cc", "--glibc", "2.17", "-shared", "-fPIC", "p.c", "-o", "libp.so")
	cmd.Dir = dir
	cmd.Stderr = w
	err = cmd.Run()
	w.Close()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Errorf("exit %v; want 1 (a failed check), not death by SIGPIPE", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "libp.so")); !os.IsNotExist(err) {
		t.Error("the library that fails to load on 2.17 was left behind")
	}
}

// unprovidedCall is C source for a function f calling unprovidedSymbol: a
// library calling it links for 2.17 but would not load there.
func unprovidedCall(t *testing.T) string {
	sym := unprovidedSymbol(t)
	return "extern int " + sym + "();\nint f(void) { return " + sym + "(); }\n"
}

// unprovidedSymbol names a libc function glibc added after 2.17 that
// compatbuild refuses below its release, read from the catalogue so the
// tests follow it as polyfills are added.
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
