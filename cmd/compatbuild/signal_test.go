package main

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// descendants returns the pids of the running processes below pid.
func descendants(pid int) []int {
	parent := map[int]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		data, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold blanks, so read after ')'.
		s := string(data)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) > 1 && f[0] != "Z" {
			parent[p], _ = strconv.Atoi(f[1])
		}
	}
	var out []int
	want := map[int]bool{pid: true}
	for changed := true; changed; {
		changed = false
		for p, pp := range parent {
			if want[pp] && !want[p] {
				want[p], changed = true, true
				out = append(out, p)
			}
		}
	}
	return out
}

func running(pid int) bool {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(data)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	return len(f) > 0 && f[0] != "Z"
}

// A signal during a runtime's first fetch stops apt-get and its download
// methods and leaves no partial cache entry; compatbuild exits 128+N.
// The mirror is a local server that never answers, so the fetch is
// reliably in progress when the signal comes.
func TestSignalDuringRuntimeFetch(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	requested := make(chan struct{}, 1)
	go func() {
		var held []net.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
			select {
			case requested <- struct{}{}:
			default:
			}
		}
	}()
	cache := t.TempDir()
	cmd := exec.Command(compatbuild, "verify", "--on", "debian:11", "/bin/true")
	cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+cache, "COMPATBUILD_DEBIAN_MIRROR=http://"+l.Addr().String()+"/debian")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-requested:
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("apt-get never reached the mirror:\n%s", out.String())
	}
	below := descendants(cmd.Process.Pid)
	t.Logf("processes below compatbuild: %v", below)
	if len(below) == 0 {
		t.Fatalf("no apt-get below compatbuild")
	}
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("compatbuild did not stop within 30s of SIGTERM")
	}
	if code := cmd.ProcessState.ExitCode(); code != 128+int(syscall.SIGTERM) || !strings.Contains(out.String(), "interrupted by terminated") {
		t.Errorf("exit %d, want %d:\n%s", code, 128+int(syscall.SIGTERM), out.String())
	}
	deadline := time.Now().Add(10 * time.Second)
	for _, p := range below {
		for running(p) && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		if running(p) {
			cmdline, _ := os.ReadFile("/proc/" + strconv.Itoa(p) + "/cmdline")
			t.Errorf("process %d (%s) still runs after compatbuild stopped", p, strings.ReplaceAll(string(cmdline), "\x00", " "))
		}
	}
	left, _ := filepath.Glob(filepath.Join(cache, "compatbuild", "runtimes", "*"))
	for _, p := range left {
		if !strings.HasSuffix(p, ".lock") {
			t.Errorf("left in the runtime cache: %s", p)
		}
	}
}
