package driver

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"compatbuild/internal/procgroup"
)

// killGrace is how long an interrupted compiler's group gets to end after
// the forwarded signal before it is killed.
const killGrace = 3 * time.Second

// runLink runs one compiler invocation and waits for it. Stdin is
// inherited; stdout goes to stdout (directly when it is a file); stderr is
// returned, not shown, so that a link the driver retries does not show the
// first attempt's errors.
//
// The compiler runs in a process group of its own (see package
// procgroup): cancelling ctx signals the whole group, with the signal that
// interrupted compatbuild when that is the cause (gcc then removes its
// temporary files, as on the terminal's Ctrl-C), else SIGKILL; what is
// left after a grace period gets SIGKILL. A compiler ended by a signal
// nobody here sent is a *killedError.
//
// Why not os/exec: the first process os/exec starts in a program probes
// pidfd support by starting and reaping one more process, which on the
// virtual machines builds run on costs about 0.4 ms, a tenth of what
// compatbuild may add to a 20 ms link. syscall.ForkExec and wait4 start
// exactly one process.
//
// The driver waits by reading stderr to its end, not in wait4: a goroutine
// parked on a pipe leaves every P idle, so the runtime's monitor thread
// sleeps, while one blocked in a system call keeps it waking from every
// 20 µs on (measured around a 20 ms child: 72 context switches and 4.0 ms
// of CPU against 26 and 3.4 ms, CPU a small machine's linker wants).
// wait4 then only reaps the process.
func runLink(ctx context.Context, compiler string, args []string, stdout io.Writer) (int, []byte, error) {
	errR, errW, err := os.Pipe()
	if err != nil {
		return 0, nil, errorf("running %s: %v", compiler, err)
	}
	defer errR.Close()
	files := []uintptr{stdinFD(), 1, errW.Fd()}
	var outW *os.File // the write end of stdout's pipe, when there is one
	var copied chan error
	if f, ok := stdout.(*os.File); ok {
		files[1] = f.Fd()
	} else {
		var outR *os.File
		if outR, outW, err = os.Pipe(); err != nil {
			errW.Close()
			return 0, nil, errorf("running %s: %v", compiler, err)
		}
		files[1] = outW.Fd()
		copied = make(chan error, 1)
		go func() {
			_, err := io.Copy(stdout, outR)
			outR.Close()
			copied <- err
		}()
	}
	argv := append([]string{compiler}, args...)
	pid, err := syscall.ForkExec(compiler, argv, &syscall.ProcAttr{Env: childEnv(ctx), Files: files, Sys: &syscall.SysProcAttr{Setpgid: true}})
	// The parent's copies of the write ends must go, or reading never ends.
	errW.Close()
	if outW != nil {
		outW.Close()
	}
	if err != nil {
		if copied != nil {
			<-copied
		}
		return 0, nil, errorf("running %s: %v", compiler, err)
	}
	// Cancelling signals the compiler's group until its leader is about
	// to be reaped; the lock keeps a signal from reaching a group whose id
	// a new process took over.
	var reaping sync.Mutex
	done := false
	signalGroup := func(sig syscall.Signal) {
		reaping.Lock()
		defer reaping.Unlock()
		if !done {
			syscall.Kill(-pid, sig)
		}
	}
	if ctx.Done() != nil {
		stop := context.AfterFunc(ctx, func() {
			sig, ok := procgroup.SignalOf(ctx)
			if !ok {
				sig = syscall.SIGKILL
			}
			signalGroup(sig)
			if sig != syscall.SIGKILL {
				time.AfterFunc(killGrace, func() { signalGroup(syscall.SIGKILL) })
			}
		})
		defer stop()
	}
	var diag bytes.Buffer
	diag.ReadFrom(errR) // until the compiler and its children close stderr
	reaping.Lock()
	done = true
	reaping.Unlock()
	var status syscall.WaitStatus
	for {
		_, err = syscall.Wait4(pid, &status, 0, nil)
		if err != syscall.EINTR {
			break
		}
	}
	if copied != nil {
		<-copied
	}
	if err != nil {
		return 0, nil, errorf("waiting for %s: %v", compiler, err)
	}
	if status.Signaled() {
		if ctx.Err() != nil {
			return 0, diag.Bytes(), errorf("running %s: %v", compiler, context.Cause(ctx))
		}
		return 128 + int(status.Signal()), diag.Bytes(), &killedError{compiler: filepath.Base(compiler), sig: status.Signal()}
	}
	return status.ExitStatus(), diag.Bytes(), nil
}

// stdinFD is the descriptor the compiler gets as stdin: the driver's own,
// or /dev/null when the driver was started with descriptor 0 closed.
func stdinFD() uintptr {
	if _, _, errno := syscall.Syscall(syscall.SYS_FCNTL, 0, syscall.F_GETFD, 0); errno == 0 {
		return 0
	}
	if null := devNull(); null != nil {
		return null.Fd()
	}
	return 0
}

// devNull is opened once and kept for the life of the process.
var devNull = sync.OnceValue(func() *os.File {
	f, _ := os.Open(os.DevNull)
	return f
})
