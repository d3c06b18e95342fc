package procgroup

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func alive(pid int) bool {
	// A zombie is dead for our purpose.
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	f := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+1:]))
	return len(f) > 0 && f[0] != "Z"
}

// Cancelling the context of a prepared command ends its children too: a
// compiler's cc1 or ld must not outlive it.
func TestPrepareStopsTheWholeGroup(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	ctx, cancel := context.WithCancel(context.Background())
	// The grandchild ignores nothing but outlives its parent unless the
	// group is signalled.
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", "sleep 60 & echo $! > "+pidFile+"; wait")
	Prepare(ctx, cmd)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var grandchild int
	for deadline := time.Now().Add(10 * time.Second); grandchild == 0 && time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		data, _ := os.ReadFile(pidFile)
		grandchild, _ = strconv.Atoi(strings.TrimSpace(string(data)))
	}
	if grandchild == 0 {
		t.Fatal("the child did not start its own child")
	}
	cancel()
	start := time.Now()
	cmd.Wait()
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("stopping took %v: SIGTERM did not end the group", d)
	}
	for deadline := time.Now().Add(5 * time.Second); alive(grandchild) && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if alive(grandchild) {
		syscall.Kill(grandchild, syscall.SIGKILL)
		t.Error("the grandchild outlived its cancelled parent")
	}
}

const helperEnv = "PROCGROUP_TEST_HELPER"

// TestHelperProcess is the child of the tests below; run directly it does
// nothing.
func TestHelperProcess(t *testing.T) {
	switch os.Getenv(helperEnv) {
	case "sigpipe":
		// stderr is a pipe nobody reads: the write fails, the process
		// lives on and says so on stdout.
		_, stop := Notify(context.Background())
		defer stop()
		_, err := os.Stderr.WriteString("into a closed pipe\n")
		os.Stdout.WriteString("survived: " + strconv.FormatBool(err != nil) + "\n")
	case "interrupt":
		ctx, stop := Notify(context.Background())
		defer stop()
		os.Stdout.WriteString("ready\n")
		select {
		case <-ctx.Done():
			sig, _ := SignalOf(ctx)
			os.Stdout.WriteString("cause: " + Name(sig) + "\n")
		case <-time.After(20 * time.Second):
			os.Stdout.WriteString("no signal\n")
		}
	}
}

func helper(t *testing.T, mode string) *exec.Cmd {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"="+mode)
	return cmd
}

// A write to a closed stderr does not kill a process that called Notify.
func TestNotifySurvivesClosedStderr(t *testing.T) {
	cmd := helper(t, "sigpipe")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	cmd.Stderr = w
	out, err := cmd.Output()
	w.Close()
	if err != nil || !strings.Contains(string(out), "survived: true") {
		t.Errorf("err %v, output %q: SIGPIPE killed the process", err, out)
	}
}

// SIGTERM, SIGINT and SIGHUP cancel the context with the signal as cause,
// and the process goes on.
func TestNotifyCancelsWithTheSignal(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP} {
		cmd := helper(t, "interrupt")
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := bufio.NewScanner(stdout)
		if !lines.Scan() || lines.Text() != "ready" {
			t.Fatalf("helper said %q", lines.Text())
		}
		cmd.Process.Signal(sig)
		lines.Scan()
		got := lines.Text()
		for lines.Scan() {
		}
		cmd.Wait()
		if got != "cause: "+Name(sig) {
			t.Errorf("%s: helper said %q", Name(sig), got)
		}
	}
}

func TestNames(t *testing.T) {
	if Name(syscall.SIGTERM) != "SIGTERM" || Name(syscall.Signal(64)) != "signal 64" {
		t.Errorf("names: %s, %s", Name(syscall.SIGTERM), Name(syscall.Signal(64)))
	}
	if d := Describe(syscall.SIGSEGV); d != "was killed by SIGSEGV (signal 11)" {
		t.Errorf("Describe: %q", d)
	}
}

// A compiler that ends on SIGTERM may leave a child that ignores it: the
// SIGKILL after the grace period still reaches it, though the leader has
// exited by then (the zombie leader holds the group id until it is).
func TestStopKillsTheGroupAfterTheLeaderExits(t *testing.T) {
	defer func(g time.Duration) { grace = g }(grace)
	grace = 300 * time.Millisecond
	pidFile := filepath.Join(t.TempDir(), "pid")
	ctx, cancel := context.WithCancel(context.Background())
	script := `sh -c 'trap "" TERM; echo $$ > ` + pidFile + `.tmp; mv ` + pidFile + `.tmp ` + pidFile + `; while :; do sleep 0.05; done' &
trap 'exit 1' TERM
wait`
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", script)
	group := Prepare(ctx, cmd)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var child int
	for deadline := time.Now().Add(10 * time.Second); child == 0 && time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		data, _ := os.ReadFile(pidFile)
		child, _ = strconv.Atoi(strings.TrimSpace(string(data)))
	}
	if child == 0 {
		t.Fatal("the compiler-like script did not start its child")
	}
	cancel()
	err := group.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.ExitStatus() != 1 {
		t.Errorf("the leader ended with %v, want exit status 1 from its SIGTERM trap", err)
	}
	for deadline := time.Now().Add(5 * time.Second); alive(child) && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if alive(child) {
		syscall.Kill(child, syscall.SIGKILL)
		t.Fatal("the child that ignores SIGTERM outlived its stopped compiler")
	}
}

// A command that ends by itself is waited for as exec.Cmd.Wait does, and
// nothing is signalled afterwards.
func TestRunWithoutStop(t *testing.T) {
	cmd := exec.CommandContext(context.Background(), "/bin/sh", "-c", "echo out; exit 3")
	var out strings.Builder
	cmd.Stdout = &out
	err := Prepare(context.Background(), cmd).Run()
	if cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != 3 || out.String() != "out\n" || err == nil {
		t.Errorf("err %v, output %q, state %v", err, out.String(), cmd.ProcessState)
	}
}
