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
	"sync"
	"syscall"
	"time"
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
// before it is killed outright.
const grace = 3 * time.Second

// Prepare makes cmd start in a process group of its own and makes
// cancelling its context stop the whole group: with the signal that
// interrupted compatbuild (so gcc removes its temporary files, as it would
// on the terminal's Ctrl-C), else SIGTERM, and SIGKILL for what is left
// after a grace period. Call it before cmd.Start; cmd must come from
// exec.CommandContext.
func Prepare(ctx context.Context, cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
	cmd.Cancel = func() error {
		sig, ok := SignalOf(ctx)
		if !ok {
			sig = syscall.SIGTERM
		}
		err := signalGroup(cmd.Process, sig)
		time.AfterFunc(grace, func() { signalGroup(cmd.Process, syscall.SIGKILL) })
		return err
	}
	cmd.WaitDelay = grace + time.Second
}

// signalGroup signals the process group that p leads, while p is not
// reaped yet: a group id lives as long as its leader's pid, so once the
// leader is reaped the number may name someone else's group. os.Process
// checks through a pidfd, which a reused pid cannot fool.
func signalGroup(p *os.Process, sig syscall.Signal) error {
	if err := p.Signal(syscall.Signal(0)); err != nil {
		return err
	}
	return syscall.Kill(-p.Pid, sig)
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
