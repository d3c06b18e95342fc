// Package procgroup runs compatbuild's child processes (compilers, linkers)
// so that an interrupted compatbuild leaves none behind, and turns the
// signals that interrupt compatbuild into a context cause.
//
// Why process groups: a compiler driver (gcc, clang) runs its own
// children (cc1, as, collect2, ld). Killing the driver alone leaves them
// running as orphans: an ld that goes on writing an output compatbuild has
// already removed, or a cc1 writing into a temporary directory being
// deleted. Each child therefore starts in a process group of its own, and
// stopping it signals the whole group.
package procgroup

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

// Interrupted is the cause of a context that Notify cancelled: the process
// received Signal.
type Interrupted struct {
	Signal syscall.Signal
}

func (e *Interrupted) Error() string { return "interrupted by " + Name(e.Signal) }

// SignalOf reports the signal that cancelled ctx, if a signal did.
func SignalOf(ctx context.Context) (syscall.Signal, bool) {
	var in *Interrupted
	if errors.As(context.Cause(ctx), &in) {
		return in.Signal, true
	}
	return 0, false
}

// Stopping are the signals that ask compatbuild to stop: from a terminal
// (SIGINT), a CI runner or timeout (SIGTERM), a closed session (SIGHUP).
var Stopping = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP}

// Notify returns a context that is cancelled, with an *Interrupted cause,
// when the process receives one of Stopping; the process then goes on
// running, so it can stop its children and clean up. stop (which may be
// called more than once) ends the catching and restores the default
// actions; signals caught before it stay recorded in ctx. Notify also
// calls CatchSIGPIPE.
func Notify(parent context.Context) (ctx context.Context, stop func()) {
	CatchSIGPIPE()
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 4)
	signal.Notify(ch, Stopping...)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-ch:
				cancel(&Interrupted{Signal: s.(syscall.Signal)})
			case <-done:
				return
			}
		}
	}()
	var once sync.Once
	return ctx, func() {
		once.Do(func() {
			signal.Stop(ch)
			close(done)
			// A signal that arrived before Stop is in ch or already in ctx.
			for len(ch) > 0 {
				cancel(&Interrupted{Signal: (<-ch).(syscall.Signal)})
			}
		})
	}
}

// CatchSIGPIPE makes a write to a closed pipe (stdout or stderr read by
// a program that has gone) fail with EPIPE instead of killing the process,
// for the rest of its life: compatbuild's cleanups and last messages must
// not die half-way. Programs it starts get the default action back (exec
// resets caught signals).
func CatchSIGPIPE() {
	catchPipe.Do(func() { signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE) })
}

var catchPipe sync.Once

// grace is how long a group gets to end after the signal that stops it
// before it is killed outright. A variable for tests.
var grace = 3 * time.Second

// Group is a command started in a process group of its own (see
// [Prepare]).
//
// Why the leader stays unreaped: a process group id is the leader's pid,
// and the kernel hands that number to no new process while any member of
// the group (a zombie leader too) is left. Once the leader is reaped and
// its last child has gone, the number may name someone else's process or
// group. A compiler that ends on SIGTERM may leave a child that ignores
// it; that child is only reached through the group id after the leader
// has exited. So [Group.Wait] waits for the leader without reaping it
// (waitid with WNOWAIT), kills what is left of a group that was asked to
// stop, and only then reaps the leader: every signal to the group is sent
// while the zombie leader holds its id.
type Group struct {
	cmd *exec.Cmd
	mu  sync.Mutex
	// managed: the leader is reaped by Wait, after waitNoReap; until
	// Wait marks it reaped, the group id is ours.
	managed bool
	reaped  bool
	// stopAt is when stopping was asked (zero: not asked).
	stopAt time.Time
}

// Prepare makes cmd start in a process group of its own and makes
// cancelling its context stop the whole group: with the signal that
// interrupted compatbuild (so gcc removes its temporary files, as it would
// on the terminal's Ctrl-C), else SIGTERM, and SIGKILL for what is left
// after a grace period, even when the leader has ended by then. Call it
// before cmd.Start; cmd must come from exec.CommandContext. Run the
// command with the returned Group's Run (or Start and Wait): a command
// waited for by cmd.Wait itself is reaped behind the Group's back, and
// then nothing is signalled once the leader is gone.
func Prepare(ctx context.Context, cmd *exec.Cmd) *Group {
	g := &Group{cmd: cmd}
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
	cmd.Cancel = func() error {
		sig, ok := SignalOf(ctx)
		if !ok {
			sig = syscall.SIGTERM
		}
		g.mu.Lock()
		if g.stopAt.IsZero() {
			g.stopAt = time.Now()
		}
		g.mu.Unlock()
		err := g.signal(sig)
		time.AfterFunc(grace, func() { g.signal(syscall.SIGKILL) })
		return err
	}
	cmd.WaitDelay = grace + time.Second
	return g
}

// Run starts the command and waits for it (see [Group.Wait]).
func (g *Group) Run() error {
	if err := g.cmd.Start(); err != nil {
		return err
	}
	return g.Wait()
}

// Wait waits for the command's leader to end, then, if stopping was
// asked, gives the rest of its group what is left of the grace period and
// kills whatever remains, then reaps the leader and waits for the command
// as exec.Cmd.Wait does.
func (g *Group) Wait() error {
	pid := g.cmd.Process.Pid
	g.mu.Lock()
	g.managed = true
	g.mu.Unlock()
	for waitNoReap(pid) == syscall.EINTR {
	}
	g.mu.Lock()
	stopAt := g.stopAt
	g.mu.Unlock()
	if !stopAt.IsZero() {
		// The zombie leader holds the group id: the group is ours.
		for time.Since(stopAt) < grace && groupMembers(pid) > 0 {
			time.Sleep(10 * time.Millisecond)
		}
		syscall.Kill(-pid, syscall.SIGKILL)
	}
	g.mu.Lock()
	g.reaped = true
	g.mu.Unlock()
	return g.cmd.Wait()
}

// signal signals the group while its id is known to be the leader's: the
// leader not reaped yet (with Wait), else, for a command its caller waits
// for itself, only while the leader is alive. os.Process checks through
// a pidfd, which a reused pid cannot fool.
func (g *Group) signal(sig syscall.Signal) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	p := g.cmd.Process
	switch {
	case g.reaped:
		return os.ErrProcessDone
	case !g.managed:
		if err := p.Signal(syscall.Signal(0)); err != nil {
			return err
		}
	}
	return syscall.Kill(-p.Pid, sig)
}

// waitNoReap waits for the child pid to end and leaves it unreaped.
func waitNoReap(pid int) error {
	const pPID, wExited, wNowait = 1, 4, 0x01000000
	var info [128]byte // siginfo_t
	_, _, e := syscall.Syscall6(syscall.SYS_WAITID, pPID, uintptr(pid), uintptr(unsafe.Pointer(&info[0])), wExited|wNowait, 0, 0)
	if e != 0 {
		return e
	}
	return nil
}

// groupMembers counts the live (not zombie) processes of group pgid other
// than its leader, from /proc.
func groupMembers(pgid int) int {
	entries, _ := os.ReadDir("/proc")
	n := 0
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == pgid {
			continue
		}
		data, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// "pid (comm) S ppid pgrp ...": comm may hold anything, ")" too.
		s := string(data)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) < 3 || f[0] == "Z" || f[0] == "X" {
			continue
		}
		if g, _ := strconv.Atoi(f[2]); g == pgid {
			n++
		}
	}
	return n
}

// Name is the conventional name of sig ("SIGTERM"), for messages.
func Name(sig syscall.Signal) string {
	if n, ok := names[sig]; ok {
		return n
	}
	return fmt.Sprintf("signal %d", int(sig))
}

var names = map[syscall.Signal]string{
	syscall.SIGHUP: "SIGHUP", syscall.SIGINT: "SIGINT", syscall.SIGQUIT: "SIGQUIT",
	syscall.SIGILL: "SIGILL", syscall.SIGTRAP: "SIGTRAP", syscall.SIGABRT: "SIGABRT",
	syscall.SIGBUS: "SIGBUS", syscall.SIGFPE: "SIGFPE", syscall.SIGKILL: "SIGKILL",
	syscall.SIGUSR1: "SIGUSR1", syscall.SIGSEGV: "SIGSEGV", syscall.SIGUSR2: "SIGUSR2",
	syscall.SIGPIPE: "SIGPIPE", syscall.SIGALRM: "SIGALRM", syscall.SIGTERM: "SIGTERM",
	syscall.SIGXCPU: "SIGXCPU", syscall.SIGXFSZ: "SIGXFSZ", syscall.SIGSYS: "SIGSYS",
}

// Describe says how a process that a signal ended died, for messages:
// "was killed by SIGSEGV (signal 11)".
func Describe(sig syscall.Signal) string {
	return fmt.Sprintf("was killed by %s (signal %d)", Name(sig), int(sig))
}
