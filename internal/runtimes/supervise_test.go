package runtimes

import (
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
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
				cmd := r.Command(ctx, prog, mode)
				setPIDNS(t, cmd, pidns)
				strays := TrackStrays(cmd)
				out, err := cmd.Output()
				m := regexp.MustCompile(`child (\d+)`).FindSubmatch(out)
				if m == nil {
					t.Fatalf("no child pid in %q (%v)", out, err)
				}
				pid, _ := strconv.Atoi(string(m[1]))
				if syscall.Kill(pid, 0) != syscall.ESRCH {
					t.Errorf("the child %d survives the run", pid)
					syscall.Kill(pid, syscall.SIGKILL)
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
