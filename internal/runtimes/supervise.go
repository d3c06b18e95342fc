package runtimes

// Nothing a program starts outlives its run. A program may fork children
// that ignore SIGTERM, or daemonize (fork, setsid, fork again): neither its
// process group nor its parent links then lead to what is left. So the
// launcher that [Runtime.Command] returns supervises the program:
//
//   - Where the kernel allows a PID namespace (as root, or in a user
//     namespace of the user's own), the program runs under an init of a new
//     PID namespace (the launcher's child, in the same namespaces as the
//     mounts of StartInterpreter). When the program ends, the init kills
//     every process left in the namespace (kill(-1), which setsid cannot
//     escape), reaps them, and reports the program's wait status and how
//     many it killed. If the launcher dies, the init dies with it
//     (PR_SET_PDEATHSIG) and the kernel kills the whole namespace.
//   - Elsewhere the launcher is a child subreaper (PR_SET_CHILD_SUBREAPER):
//     every orphan of the program is reparented to it, and when the program
//     ends it kills and reaps its children until none is left.
//
// The launcher then ends as the program did: the same exit status, or
// death by the same signal, so callers see the program's own status. The
// program is never PID 1 itself: an init gets no default signal actions,
// so abort() or a SIGTERM would not end it as on the target.

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

// superviseMain is the launcher verify starts.
func superviseMain(spec launchSpec, argv []string) int {
	if !spec.PIDNS {
		const prSetChildSubreaper = 36
		syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 1, 0)
	}
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	var (
		child   int
		err     error
		statusR *os.File
	)
	if spec.Mount || spec.PIDNS || spec.Mode == StartInterpreter || spec.Mode == "probe" {
		child, statusR, err = startNS(spec, argv)
	} else {
		var exe string
		if exe, err = prepare(spec); err == nil {
			child, err = syscall.ForkExec(exe, argv, &syscall.ProcAttr{Env: programEnv(spec), Files: []uintptr{0, 1, 2},
				Sys: &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}})
			if err != nil {
				err = fmt.Errorf("%s: %v", spec.Prog, err)
			}
		}
	}
	if err != nil {
		return launchFail("%v", err)
	}
	// A stop signal kills the program (and with an init, its namespace);
	// the child is not reaped before done is closed, so its pid is ours.
	var mu sync.Mutex
	reaped := false
	go func() {
		for range sigs {
			mu.Lock()
			if !reaped {
				if statusR != nil {
					// The init kills the program and counts what is
					// left; if it cannot, the namespace dies with it.
					syscall.Kill(child, syscall.SIGTERM)
					time.AfterFunc(2*time.Second, func() {
						mu.Lock()
						if !reaped {
							syscall.Kill(child, syscall.SIGKILL)
						}
						mu.Unlock()
					})
				} else {
					syscall.Kill(child, syscall.SIGKILL)
				}
			}
			mu.Unlock()
		}
	}()
	var ws syscall.WaitStatus
	for {
		// Wait without reaping first, so the signal goroutine above never
		// signals a reused pid.
		if err := waitNoReap(child); err == syscall.EINTR {
			continue
		}
		break
	}
	mu.Lock()
	reaped = true
	syscall.Wait4(child, &ws, 0, nil)
	mu.Unlock()
	strays := 0
	if statusR != nil {
		if line, err := bufio.NewReader(statusR).ReadString('\n'); err == nil {
			var st uint32
			if _, err := fmt.Sscan(line, &st, &strays); err == nil {
				ws = syscall.WaitStatus(st)
			}
		}
	} else {
		strays = killChildren()
	}
	if spec.Strays != "" {
		os.WriteFile(spec.Strays, []byte(strconv.Itoa(strays)+"\n"), 0o600)
	}
	if spec.Mode == "probe" {
		return ws.ExitStatus()
	}
	return endAs(ws)
}

// wallFlag waits for children however they signal their parent.
const wallFlag = 0x40000000 // __WALL

// startNS starts the launcher's second part in spec's namespaces and
// returns its pid and the pipe its report comes through (with PIDNS).
func startNS(spec launchSpec, argv []string) (int, *os.File, error) {
	self, err := os.Executable()
	if err != nil {
		return 0, nil, err
	}
	var r, w *os.File
	if spec.PIDNS {
		if r, w, err = os.Pipe(); err != nil {
			return 0, nil, err
		}
		// The write end is inherited at its own number; the init makes
		// it close-on-exec before the program starts.
		if _, _, e := syscall.Syscall(syscall.SYS_FCNTL, w.Fd(), syscall.F_SETFD, 0); e != 0 {
			return 0, nil, e
		}
		spec.StatusFD = int(w.Fd())
	}
	spec.Role = "ns"
	data, err := json.Marshal(spec)
	if err != nil {
		return 0, nil, err
	}
	pid, err := syscall.ForkExec(self, append([]string{launchArgv0, string(data)}, argv...),
		&syscall.ProcAttr{Env: os.Environ(), Files: []uintptr{0, 1, 2}, Sys: nsAttr(spec)})
	if w != nil {
		w.Close()
	}
	if err != nil {
		return 0, nil, fmt.Errorf("entering a private namespace: %v", err)
	}
	return pid, r, nil
}

// nsMain runs in the namespaces: it prepares the program's start and
// either becomes the program (no PID namespace) or runs it as the
// namespace's init.
func nsMain(spec launchSpec, argv []string) int {
	if spec.Mode == "probe" {
		if err := privateMounts(); err != nil {
			return launchFail("%v", err)
		}
		if spec.PIDNS {
			if err := mountProc(); err != nil {
				return launchFail("%v", err)
			}
		}
		return 0
	}
	exe, err := prepare(spec)
	if err != nil {
		return launchFail("%v", err)
	}
	if spec.PIDNS {
		if !spec.Mount && spec.Mode != StartInterpreter {
			if err := privateMounts(); err != nil {
				return launchFail("%v", err)
			}
		}
		if err := mountProc(); err != nil {
			return launchFail("%v", err)
		}
	}
	dropAmbientCaps()
	if !spec.PIDNS {
		err := syscall.Exec(exe, argv, programEnv(spec))
		return launchFail("%s: %v", spec.Prog, err)
	}
	syscall.CloseOnExec(spec.StatusFD)
	status := os.NewFile(uintptr(spec.StatusFD), "status")
	pid, err := syscall.ForkExec(exe, argv, &syscall.ProcAttr{Env: programEnv(spec), Files: []uintptr{0, 1, 2}})
	if err != nil {
		return launchFail("%s: %v", progName(spec), err)
	}
	// The launcher's SIGTERM (a timeout, an interrupt) kills the program;
	// the rest of the namespace is killed and counted below.
	var done atomic.Bool
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGTERM)
	go func() {
		for range sigs {
			if !done.Load() {
				syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	}()
	var ws syscall.WaitStatus
	for {
		// Orphans are reparented to this init; reap them as they end.
		got, err := syscall.Wait4(-1, &ws, wallFlag, nil)
		if err == syscall.EINTR {
			continue
		}
		if err != nil || got == pid {
			break
		}
	}
	done.Store(true)
	n := killNamespace()
	fmt.Fprintf(status, "%d %d\n", uint32(ws), n)
	return 0
}

func progName(spec launchSpec) string {
	if spec.Prog != "" {
		return spec.Prog
	}
	return spec.Exe
}

// killNamespace, in a PID namespace's init, kills every other process of
// the namespace and reaps it; it returns how many were still running.
func killNamespace() int {
	reapDone()
	n := 0
	for syscall.Kill(-1, syscall.SIGKILL) == nil {
		for {
			var ws syscall.WaitStatus
			if _, err := syscall.Wait4(-1, &ws, wallFlag, nil); err != nil && err != syscall.EINTR {
				break
			}
			n++
		}
	}
	return n
}

// reapDone reaps children that have already ended (they are no strays).
func reapDone() {
	for {
		var ws syscall.WaitStatus
		if pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG|wallFlag, nil); pid <= 0 || err != nil {
			return
		}
	}
}

// killChildren, in a child subreaper, kills its children and those
// reparented to it as their parents die, until none is left, and returns
// how many were still running. Only unreaped children are signalled, so
// no pid can have been reused.
func killChildren() int {
	n := 0
	for {
		reapDone()
		kids := children(os.Getpid())
		if len(kids) == 0 {
			return n
		}
		for _, k := range kids {
			syscall.Kill(k, syscall.SIGKILL)
			n++
		}
		for _, k := range kids {
			var ws syscall.WaitStatus
			syscall.Wait4(k, &ws, wallFlag, nil)
		}
	}
}

// children lists the live (not zombie) processes whose parent is ppid, from
// /proc.
func children(ppid int) []int {
	entries, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		data, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// "pid (comm) S ppid ...": comm may hold anything, ")" too.
		s := string(data)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) < 2 || f[0] == "Z" || f[0] == "X" {
			continue
		}
		if p, _ := strconv.Atoi(f[1]); p == ppid {
			out = append(out, pid)
		}
	}
	return out
}

// endAs ends the launcher as ws says the program ended: with its exit
// status, or killed by its signal (default action restored, no core).
func endAs(ws syscall.WaitStatus) int {
	if !ws.Signaled() {
		return ws.ExitStatus()
	}
	sig := ws.Signal()
	syscall.Setrlimit(syscall.RLIMIT_CORE, &syscall.Rlimit{})
	// The Go runtime's handler would turn a SIGSEGV or SIGABRT into a
	// crash report: put the default action back under it.
	var sa struct {
		handler  uintptr
		flags    uint64
		restorer uintptr
		mask     uint64
	}
	syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&sa)), 0, 8, 0, 0)
	var set [2]uint32
	set[(int(sig)-1)/32] = 1 << ((uint(sig) - 1) % 32)
	syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, 1 /* SIG_UNBLOCK */, uintptr(unsafe.Pointer(&set)), 0, 8, 0, 0)
	syscall.Tgkill(os.Getpid(), syscall.Gettid(), sig)
	time.Sleep(time.Second)
	return 128 + int(sig)
}

// TrackStrays makes cmd (from [Runtime.Command], [Runtime.CommandEnv] or
// [DirectCommand]) record how many processes the program left running
// when it ended, which the launcher killed. Call it before cmd starts;
// call the returned function after cmd ends: it returns that number (0 if
// none or unknown) and removes the record.
func TrackStrays(cmd *exec.Cmd) func() int {
	none := func() int { return 0 }
	if len(cmd.Args) < 2 || cmd.Args[0] != launchArgv0 {
		return none
	}
	var spec launchSpec
	if json.Unmarshal([]byte(cmd.Args[1]), &spec) != nil {
		return none
	}
	f, err := os.CreateTemp("", "compatbuild-strays-")
	if err != nil {
		return none
	}
	f.Close()
	spec.Strays = f.Name()
	data, _ := json.Marshal(spec)
	cmd.Args[1] = string(data)
	return func() int {
		defer os.Remove(f.Name())
		data, _ := os.ReadFile(f.Name())
		n, _ := strconv.Atoi(strings.TrimSpace(string(data)))
		return n
	}
}

// waitNoReap waits for the child pid to end and leaves it unreaped.
func waitNoReap(pid int) error {
	const pPID, wExited, wNowait = 1, 4, 0x01000000
	var info [128]byte // siginfo_t
	_, _, e := syscall.Syscall6(syscall.SYS_WAITID, pPID, uintptr(pid), uintptr(unsafe.Pointer(&info[0])), wExited|wNowait|wallFlag, 0, 0)
	if e != 0 {
		return e
	}
	return nil
}

// DirectCommand returns a command that runs prog (a statically linked
// program, which needs no runtime) as the kernel starts it, under the same
// supervision as [Runtime.Command]: nothing it starts outlives it.
func DirectCommand(ctx context.Context, prog string, args ...string) *exec.Cmd {
	path, err := resolveProg(prog)
	if err == nil {
		spec := launchSpec{Mode: execMode, Exe: path, Prog: path, PIDNS: pidNamespaces()}
		if cmd, err := launcherCommand(ctx, spec, os.Environ(), append([]string{path}, args...)); err == nil {
			return cmd
		}
	}
	return exec.CommandContext(ctx, prog, args...)
}

// ProcessesNamed lists the pids of this machine's processes whose name
// (/proc/PID/comm) is name: how a test finds, from outside, a process that
// ran in a PID namespace with a /proc of its own.
func ProcessesNamed(name string) []int {
	var pids []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if comm, err := os.ReadFile(filepath.Join("/proc", e.Name(), "comm")); err == nil && strings.TrimSpace(string(comm)) == name {
			pids = append(pids, pid)
		}
	}
	return pids
}
