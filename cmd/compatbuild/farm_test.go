package main

// Compile farms compose with compatbuild: the user's compiler command may
// start with a launcher (CC="ccache gcc", CC="distcc gcc"), and rustc may
// run under a wrapper (RUSTC_WRAPPER=sccache). Compile-only calls go
// through the launcher to the farm untouched; links run here, through the
// stub sysroot, and are checked. Each test proves the farm did the
// compiling and that the artifacts need no more than glibc 2.17 and run
// under 2.31.

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func needTool(t *testing.T, name, pkg string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Fatalf("%s is not installed: .ci/run installs it (apt-get install %s)", name, pkg)
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// buildFarmProject builds testdata/farm with make through compatbuild
// exec, CC being the user's compiler command, and checks and runs it.
func buildFarmProject(t *testing.T, dir string, env []string) {
	t.Helper()
	out, code := cb(t, dir, env, "exec", "--glibc", "2.17", "--", "make", "--no-print-directory")
	if code != 0 {
		t.Fatalf("make through compatbuild exec: exit %d\n%s", code, out)
	}
	assertWithin(t, "2.17", filepath.Join(dir, "app"), filepath.Join(dir, "libcounter.so"))
	if got := runOld(t, filepath.Join(dir, "app")); got != "counter 2\n" {
		t.Errorf("app under 2.31 printed %q", got)
	}
}

func TestDistccFarm(t *testing.T) {
	t.Parallel()
	needTool(t, "distccd", "distcc")
	port := freePort(t)
	logs := &strings.Builder{}
	d := exec.Command("distccd", "--no-detach", "--daemon", "--listen", "127.0.0.1", "--port", fmt.Sprint(port),
		"--allow", "127.0.0.1", "--log-stderr", "--log-level", "info", "--jobs", "2")
	d.Stderr = logs
	d.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := d.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		syscall.Kill(-d.Process.Pid, syscall.SIGTERM)
		d.Wait()
	})
	for i := 0; ; i++ {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			c.Close()
			break
		}
		if i > 100 {
			t.Fatalf("distccd does not listen: %v\n%s", err, logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
	dir := copyDir(t, "farm")
	// DISTCC_FALLBACK=0: a job the farm cannot take fails instead of
	// quietly compiling here.
	buildFarmProject(t, dir, []string{"CC=distcc gcc", fmt.Sprintf("DISTCC_HOSTS=127.0.0.1:%d/2", port), "DISTCC_FALLBACK=0", "DISTCC_DIR=" + t.TempDir()})
	time.Sleep(200 * time.Millisecond) // the daemon logs after answering
	for _, src := range []string{"main.c", "counter.c"} {
		if !strings.Contains(logs.String(), "COMPILE_OK") || !strings.Contains(logs.String(), src) {
			t.Errorf("distccd compiled no %s:\n%s", src, logs)
		}
	}
}

func TestCcacheFarm(t *testing.T) {
	t.Parallel()
	needTool(t, "ccache", "ccache")
	cache := t.TempDir()
	env := []string{"CC=ccache gcc", "CCACHE_DIR=" + cache}
	dir := copyDir(t, "farm")
	buildFarmProject(t, dir, env)
	if out, err := exec.Command("make", "-C", dir, "clean").CombinedOutput(); err != nil {
		t.Fatalf("make clean: %v\n%s", err, out)
	}
	buildFarmProject(t, dir, env)
	stats, _ := exec.Command("env", "CCACHE_DIR="+cache, "ccache", "--print-stats").Output()
	if !strings.Contains(string(stats), "direct_cache_hit\t2") && !strings.Contains(string(stats), "preprocessed_cache_hit\t2") {
		t.Errorf("the second build took no compile from ccache:\n%s", stats)
	}
}

func TestSccacheRustcWrapper(t *testing.T) {
	t.Parallel()
	needTool(t, "sccache", "sccache")
	needTool(t, "cargo", "cargo")
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"Cargo.toml":  "[package]\nname = \"farm\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
		"src/lib.rs":  "use std::thread;\n\npub fn threads() -> u64 {\n    (0..4u64).map(|i| thread::spawn(move || i * 10)).map(|h| h.join().unwrap()).sum()\n}\n",
		"src/main.rs": "fn main() {\n    println!(\"threads {}\", farm::threads());\n}\n",
	})
	env := []string{"RUSTC_WRAPPER=sccache", "SCCACHE_DIR=" + t.TempDir(), fmt.Sprintf("SCCACHE_SERVER_PORT=%d", freePort(t)), "SCCACHE_IDLE_TIMEOUT=60"}
	t.Cleanup(func() {
		stop := exec.Command("sccache", "--stop-server")
		stop.Env = append(os.Environ(), env...)
		stop.Run()
	})
	for i := 0; i < 2; i++ {
		os.RemoveAll(filepath.Join(dir, "target"))
		if out, code := cb(t, dir, env, "cargo", "build", "--release", "--glibc", "2.17"); code != 0 {
			t.Fatalf("compatbuild cargo build with sccache: exit %d\n%s", code, out)
		}
	}
	bin := filepath.Join(dir, "target", "x86_64-unknown-linux-gnu", "release", "farm")
	assertWithin(t, "2.17", bin)
	if got := runOld(t, bin); got != "threads 60\n" {
		t.Errorf("under 2.31: %q", got)
	}
	stats := exec.Command("sccache", "--show-stats")
	stats.Env = append(os.Environ(), env...)
	out, _ := stats.Output()
	if !strings.Contains(string(out), "Cache hits (Rust)") {
		t.Errorf("the second build took no crate from sccache:\n%s", out)
	}
}
