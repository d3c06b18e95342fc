package runtimes

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Nothing a program starts outlives it, under either supervisor (the init
// of a PID namespace, or the launcher as a child subreaper): a child that
// ignores SIGTERM and outlives a timed-out parent, and a daemon that left
// the process group with setsid() while its parent exited 0. Each child is
// checked dead by its pid after the command returns, and the launcher
// says how many it killed.
func TestNothingOutlivesTheProgram(t *testing.T) {
	t.Parallel()
	r := get(t, "debian:13")
	prog := filepath.Join(t.TempDir(), "strays")
	if out, err := exec.Command("gcc", "-O2", "-o", prog, "testdata/strays.c").CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	if !pidNamespaces() {
		t.Fatal("this machine allows no PID namespace (unshare CLONE_NEWPID); the tests need one")
	}
	for _, pidns := range []bool{true, false} {
		for _, mode := range []string{"hang", "daemon"} {
			name := mode + "/subreaper"
			if pidns {
				name = mode + "/pid-namespace"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
				defer cancel()
				token := strayToken()
				cmd := r.Command(ctx, prog, mode, token)
				setPIDNS(t, cmd, pidns)
				strays := TrackStrays(cmd)
				out, err := cmd.Output()
				if !strings.Contains(string(out), "child "+token) {
					t.Fatalf("the child did not start: %q (%v)", out, err)
				}
				if pids := ProcessesNamed(token); len(pids) > 0 {
					t.Errorf("the child survives the run: %v", pids)
					for _, pid := range pids {
						syscall.Kill(pid, syscall.SIGKILL)
					}
				}
				if n := strays(); n < 1 {
					t.Errorf("the launcher reported %d processes killed", n)
				}
				ee, _ := err.(*exec.ExitError)
				switch mode {
				case "hang":
					if ee == nil || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
						t.Errorf("a timed-out program ended %v, want killed by SIGKILL", err)
					}
				case "daemon":
					if err != nil {
						t.Errorf("the daemon's parent exited 0, the command says %v", err)
					}
				}
			})
		}
	}
}

// A program killed by a signal is seen killed by that signal through the
// launcher, and its exit status passes unchanged.
func TestLauncherEndsAsTheProgram(t *testing.T) {
	t.Parallel()
	r := get(t, "debian:13")
	for _, tc := range []struct {
		script string
		sig    syscall.Signal
		code   int
	}{{"kill -SEGV $$", syscall.SIGSEGV, -1}, {"kill -ABRT $$", syscall.SIGABRT, -1}, {"exit 7", 0, 7}} {
		err := r.Command(ctxFor(t), "/bin/sh", "-c", tc.script).Run()
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Errorf("%s: %v", tc.script, err)
			continue
		}
		ws := ee.Sys().(syscall.WaitStatus)
		if tc.sig != 0 && (!ws.Signaled() || ws.Signal() != tc.sig) || tc.sig == 0 && ws.ExitStatus() != tc.code {
			t.Errorf("%s: ended %v", tc.script, err)
		}
	}
}

func setPIDNS(t *testing.T, cmd *exec.Cmd, on bool) {
	t.Helper()
	var spec launchSpec
	if cmd.Args[0] != launchArgv0 || json.Unmarshal([]byte(cmd.Args[1]), &spec) != nil {
		t.Fatalf("not a launcher command: %q", cmd.Args)
	}
	spec.PIDNS = on
	data, _ := json.Marshal(spec)
	cmd.Args[1] = string(data)
}

// strayToken is a process name (comm, at most 15 bytes) no other process
// on the machine has.
func strayToken() string {
	return fmt.Sprintf("stray%d", rand.Uint32())
}

// In a PID namespace the program sees one set of pids: /proc is the
// namespace's, so its PID 1 is the launcher's init and /proc/$$ is the
// shell itself, as on a real system (not this machine's PID 1 and
// whatever process has the shell's namespace pid here).
func TestPIDNamespaceHasItsOwnProc(t *testing.T) {
	t.Parallel()
	r := get(t, "debian:13")
	if !pidNamespaces() {
		t.Fatal("this machine allows no PID namespace (unshare CLONE_NEWPID); the tests need one")
	}
	cmd := r.Command(ctxFor(t), "/bin/sh", "-c", `tr '\0' ' ' < /proc/1/cmdline | cut -c1-40; cut -d' ' -f2 /proc/$$/stat`)
	setPIDNS(t, cmd, true)
	out, err := cmd.Output()
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if err != nil || len(lines) != 2 || !strings.HasPrefix(lines[0], launchArgv0) || lines[1] != "(sh)" {
		t.Errorf("/proc is not the namespace's: %q, %v", out, err)
	}
}
