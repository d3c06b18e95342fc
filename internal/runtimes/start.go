package runtimes

import (
	"context"
	"debug/elf"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"compatbuild/internal/cachefs"
)

// Start is how a program is started under a runtime. The target system
// starts a dynamically linked program through the kernel: execve reads the
// program's PT_INTERP (/lib64/ld-linux-x86-64.so.2), maps that loader, and
// the loader maps the program. Starting the loader explicitly
// (`ld.so PROG`) is not the same: the loader then maps the program itself,
// and old loaders get some programs wrong that way (glibc 2.17's ld.so
// mishandles a PIE's copy relocations, so a correct program that uses
// stdout crashes). So compatbuild makes the runtime's loader stand where
// PT_INTERP points and lets the kernel start the program, in the first of
// these ways the machine allows.
type Start string

const (
	// StartInterpreter: in a private mount namespace (a user namespace too
	// when not root), the runtime's loader is bind-mounted over the
	// program's PT_INTERP path, the runtime's programs (its /bin/sh) over
	// this machine's of the same paths (programs.go), an empty file over
	// /etc/ld.so.cache, and
	// the runtime's root is made read-only (nothing that runs can change
	// the cached runtime);
	// the program is started by execve as on the target, with the
	// runtime's library directories in LD_LIBRARY_PATH.
	StartInterpreter Start = "interpreter"
	// StartCopy: without namespaces, a private copy of the program whose
	// PT_INTERP names the runtime's loader (through /proc/self/fd/N, a
	// short path to a descriptor of the loader) is started by execve. The
	// copy is unlinked before it runs, so $ORIGIN and /proc/self/exe do
	// not name the original's directory: $ORIGIN entries of DT_RPATH and
	// DT_RUNPATH are expanded with it and put first in LD_LIBRARY_PATH,
	// and the host's /etc/ld.so.cache is not hidden (libraries the
	// runtime lacks may come from it; [Runtime.Libraries] shows those).
	// Programs the artifact starts (system()'s /bin/sh) are this
	// machine's, started with the runtime's libraries in LD_LIBRARY_PATH:
	// most fail, and verify says so.
	StartCopy Start = "private-copy"
	// StartExplicit: the last resort, `ld.so --library-path DIRS PROG`.
	// Programs the artifact starts are this machine's and run on this
	// machine's glibc (the library path is not inherited).
	StartExplicit Start = "explicit-loader"
)

// launchArgv0 marks a re-executed compatbuild (or test binary) as the
// launcher: argv is [launchArgv0, spec JSON, program argv...].
const launchArgv0 = "compatbuild-runtime-launcher"

// launchSpec tells the launcher what to do.
type launchSpec struct {
	Mode   Start  `json:"mode"`             // StartInterpreter, StartCopy, execMode; "probe" tests namespaces
	Loader string `json:"loader,omitempty"` // host path of the runtime's loader
	Interp string `json:"interp,omitempty"` // the program's PT_INTERP
	Prog   string `json:"prog,omitempty"`   // absolute path of the program
	Root   string `json:"root,omitempty"`   // the runtime's root, made read-only
	// Exe is the file execMode starts (the runtime's loader, qemu-user, a
	// static program); argv is then its whole argv.
	Exe string `json:"exe,omitempty"`
	// LibraryPath is the program's LD_LIBRARY_PATH. The rest of its
	// environment is the launcher's own (the returned command's Env, so a
	// caller may set it as for any exec.Cmd); the library path travels
	// here because the launcher itself must not run with the runtime's
	// libraries first.
	LibraryPath string `json:"library_path,omitempty"`
	// Mount: the program runs in a private mount namespace (a user
	// namespace too when not root), with the runtime read-only and the
	// host's ld.so.cache hidden; StartInterpreter also mounts the loader.
	Mount bool `json:"mount,omitempty"`
	// PIDNS: the program runs under an init of a new PID namespace (see
	// supervise.go); otherwise the launcher is a child subreaper.
	PIDNS bool `json:"pidns,omitempty"`
	// Strays, when set, is a file the launcher writes the number of
	// processes it had to kill into (see [TrackStrays]).
	Strays string `json:"strays,omitempty"`
	// Role is "" for the launcher verify starts and "ns" for the process
	// it starts in the namespaces; StatusFD is where an "ns" init reports
	// the program's wait status and its strays.
	Role     string `json:"role,omitempty"`
	StatusFD int    `json:"status_fd,omitempty"`
}

// execMode starts spec.Exe with argv as given.
const execMode Start = "exec"

// programEnv is the environment the launcher gives the program: its own,
// without loader variables, with the runtime's library path.
func programEnv(spec launchSpec) []string {
	env := cleanEnv(os.Environ())
	if spec.LibraryPath == "" {
		return env
	}
	return setEnv(env, "LD_LIBRARY_PATH", spec.LibraryPath)
}

// The launcher must run before anything else in whichever binary links
// this package (compatbuild itself, or a test binary that runs programs
// under a runtime), so it starts from init rather than from a main that a
// test binary would not have.
func init() {
	if len(os.Args) >= 2 && os.Args[0] == launchArgv0 {
		os.Exit(launcherMain(os.Args[1], os.Args[2:]))
	}
}

// launcherExitCode is the launcher's own failure status (the program was
// never started); its message on stderr starts with "compatbuild: ".
const launcherExitCode = 127

func launchFail(format string, args ...any) int {
	fmt.Fprintf(os.Stderr, "compatbuild: starting a program under a runtime: "+format+"\n", args...)
	return launcherExitCode
}

func launcherMain(specJSON string, argv []string) int {
	var spec launchSpec
	if err := json.Unmarshal([]byte(specJSON), &spec); err != nil {
		return launchFail("bad launcher arguments: %v", err)
	}
	runtime.LockOSThread()
	if spec.Role == "ns" {
		return nsMain(spec, argv)
	}
	return superviseMain(spec, argv)
}

// prepare makes what spec.Mode needs (mounts, a private copy) and returns
// the file to execve. It runs in the process that starts the program.
func prepare(spec launchSpec) (string, error) {
	if spec.Mount || spec.Mode == StartInterpreter {
		if err := privateMounts(); err != nil {
			return "", err
		}
	}
	if spec.Mode == StartInterpreter {
		if spec.Root != "" {
			if err := mountData(spec.Root); err != nil {
				return "", err
			}
		}
		if err := syscall.Mount(spec.Loader, spec.Interp, "", syscall.MS_BIND, ""); err != nil {
			return "", fmt.Errorf("bind-mounting the runtime's loader over %s: %v", spec.Interp, err)
		}
		if spec.Root != "" {
			if err := mountPrograms(spec.Root); err != nil {
				return "", err
			}
		}
	}
	if spec.Mount || spec.Mode == StartInterpreter {
		// What runs cannot change the runtime (Python would write
		// __pycache__ into its standard library, for one).
		if spec.Root != "" {
			if err := syscall.Mount(spec.Root, spec.Root, "", syscall.MS_BIND|syscall.MS_REC, ""); err != nil {
				return "", fmt.Errorf("making the runtime %s read-only: %v", spec.Root, err)
			}
			if err := syscall.Mount("", spec.Root, "", syscall.MS_BIND|syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
				return "", fmt.Errorf("making the runtime %s read-only: %v", spec.Root, err)
			}
		}
		if _, err := os.Stat("/etc/ld.so.cache"); err == nil {
			if err := syscall.Mount("/dev/null", "/etc/ld.so.cache", "", syscall.MS_BIND, ""); err != nil {
				return "", fmt.Errorf("hiding the host's /etc/ld.so.cache: %v", err)
			}
		}
	}
	switch spec.Mode {
	case StartInterpreter:
		return spec.Prog, nil
	case StartCopy:
		return patchedCopy(spec.Prog, spec.Loader)
	case execMode:
		return spec.Exe, nil
	}
	return "", fmt.Errorf("unknown mode %q", spec.Mode)
}

// mountProc mounts a /proc of the launcher's new PID namespace over the
// host's. Without it the program would read the host's view: its getpid()
// and fork() answers are the namespace's pids, but /proc (fdinfo's Pid:,
// /proc/<pid>) would show the host's, which no real system does.
func mountProc() error {
	if err := syscall.Mount("proc", "/proc", "proc", syscall.MS_NOSUID|syscall.MS_NODEV|syscall.MS_NOEXEC, ""); err != nil {
		return fmt.Errorf("mounting /proc for the PID namespace: %v", err)
	}
	return nil
}

// privateMounts makes every mount of the launcher's namespace private, so
// nothing it mounts propagates back to the host's namespace.
func privateMounts() error {
	if err := syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("making the private mount namespace's mounts private: %v", err)
	}
	return nil
}

// dropAmbientCaps clears the capabilities the launcher was given in a user
// namespace (ambient, and the inheritable bit that carried it), so the
// program runs without them. Capabilities are per thread: the launcher's
// thread is locked and execs the program itself.
func dropAmbientCaps() {
	const prCapAmbient, prCapAmbientClearAll = 47, 4
	syscall.RawSyscall6(syscall.SYS_PRCTL, prCapAmbient, prCapAmbientClearAll, 0, 0, 0, 0)
	if os.Geteuid() == 0 {
		return // root keeps root's capabilities, as on the target
	}
	hdr := struct {
		version uint32
		pid     int32
	}{version: 0x20080522} // _LINUX_CAPABILITY_VERSION_3
	var data [2]struct{ effective, permitted, inheritable uint32 }
	if _, _, e := syscall.RawSyscall(syscall.SYS_CAPGET, uintptr(unsafe.Pointer(&hdr)), uintptr(unsafe.Pointer(&data[0])), 0); e != 0 {
		return
	}
	data[0].inheritable, data[1].inheritable = 0, 0
	syscall.RawSyscall(syscall.SYS_CAPSET, uintptr(unsafe.Pointer(&hdr)), uintptr(unsafe.Pointer(&data[0])), 0)
}

// patchedCopy writes a copy of prog whose PT_INTERP is /proc/self/fd/N, N
// an open descriptor of loader, and returns a /proc/self/fd path of the
// copy, already unlinked. Both descriptors are close-on-exec: the kernel
// opens the program and its interpreter before it closes them.
func patchedCopy(prog, loader string) (string, error) {
	data, err := os.ReadFile(prog)
	if err != nil {
		return "", err
	}
	lf, err := os.Open(loader)
	if err != nil {
		return "", fmt.Errorf("opening the runtime's loader: %v", err)
	}
	interp := fmt.Sprintf("/proc/self/fd/%d", lf.Fd())
	off, size, err := interpRange(prog)
	if err != nil {
		return "", err
	}
	if uint64(len(interp)) >= size || off+size > uint64(len(data)) {
		return "", fmt.Errorf("%s: its PT_INTERP has no room for %s", prog, interp)
	}
	copy(data[off:off+size], make([]byte, size))
	copy(data[off:], interp)
	tmp, err := os.CreateTemp(cachefs.TempRoot(), "compatbuild-run-")
	if err != nil {
		return "", fmt.Errorf("writing a private copy of %s: %v", prog, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return "", fmt.Errorf("writing a private copy of %s: %v", prog, err)
	}
	if err := tmp.Chmod(0o700); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	// A file still open for writing cannot be executed (ETXTBSY).
	ro, err := os.Open(tmp.Name())
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("/proc/self/fd/%d", ro.Fd()), nil
}

// interpRange returns the file offset and size of prog's PT_INTERP string.
func interpRange(prog string) (off, size uint64, err error) {
	f, err := elf.Open(prog)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return p.Off, p.Filesz, nil
		}
	}
	return 0, 0, fmt.Errorf("%s has no PT_INTERP", prog)
}

// Interpreter returns prog's PT_INTERP path, or "" for a program without
// one (statically linked).
func Interpreter(prog string) (string, error) {
	f, err := elf.Open(prog)
	if err != nil {
		return "", err
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type != elf.PT_INTERP {
			continue
		}
		buf := make([]byte, min(p.Filesz, 4096))
		if _, err := p.ReadAt(buf, 0); err != nil {
			return "", fmt.Errorf("%s: reading PT_INTERP: %v", prog, err)
		}
		s, _, _ := strings.Cut(string(buf), "\x00")
		return s, nil
	}
	return "", nil
}

// namespaces reports whether this machine lets compatbuild make a private
// mount namespace (as root, or in a user namespace); pidNamespaces whether
// a PID namespace too. Probed once each.
var (
	namespaces    = sync.OnceValue(func() bool { return pidNamespaces() || probe(false) })
	pidNamespaces = sync.OnceValue(func() bool { return probe(true) })
)

func probe(pidns bool) bool {
	cmd, err := launcherCommand(context.Background(), launchSpec{Mode: "probe", PIDNS: pidns}, os.Environ(), nil)
	if err != nil {
		return false
	}
	return cmd.Run() == nil
}

// launcherCommand returns the command that runs the launcher with spec.
// Cancelling ctx sends the launcher SIGTERM: it kills the program and
// everything the program started, and ends as the program did (SIGKILL).
func launcherCommand(ctx context.Context, spec launchSpec, env, argv []string) (*exec.Cmd, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding compatbuild's own executable to start programs with: %v", err)
	}
	if spec.Mode == "probe" {
		spec.Mount = true
	}
	data, err := json.Marshal(spec)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, self)
	cmd.Args = append([]string{launchArgv0, string(data)}, argv...)
	// The launcher runs in the program's environment minus the loader
	// variables (it must not load the runtime's libraries itself) and
	// hands it on with spec.LibraryPath.
	cmd.Env = cleanEnv(env)
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 5 * time.Second
	return cmd, nil
}

// nsAttr is how the launcher starts the process that runs in spec's
// namespaces.
func nsAttr(spec launchSpec) *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if spec.PIDNS {
		attr.Cloneflags |= syscall.CLONE_NEWPID
	}
	// A PID namespace needs a mount namespace too: its init mounts a
	// /proc of the new namespace (see mountProc).
	if spec.Mount || spec.Mode == StartInterpreter || spec.PIDNS {
		attr.Cloneflags |= syscall.CLONE_NEWNS
		if os.Geteuid() != 0 {
			// An unprivileged user gets the right to mount in a user
			// namespace of its own, mapped to itself; the ambient
			// capability survives the launcher's execve and is dropped
			// before the program's.
			uid, gid := os.Getuid(), os.Getgid()
			attr.Cloneflags |= syscall.CLONE_NEWUSER
			attr.UidMappings = []syscall.SysProcIDMap{{ContainerID: uid, HostID: uid, Size: 1}}
			attr.GidMappings = []syscall.SysProcIDMap{{ContainerID: gid, HostID: gid, Size: 1}}
			attr.AmbientCaps = []uintptr{21} // CAP_SYS_ADMIN
		}
	}
	return attr
}

// How returns the way [Runtime.Command] starts prog on this machine.
func (r *Runtime) How(prog string) Start {
	how, _, _ := r.how(prog)
	return how
}

// StartReason says why prog does not start through its PT_INTERP as on
// the target ("" when it does), for results.
func (r *Runtime) StartReason(prog string) string {
	how, _, why := r.how(prog)
	switch how {
	case StartInterpreter:
		return ""
	case StartCopy:
		return "started through its PT_INTERP in a private copy naming the runtime's loader (" + why + ")"
	}
	return "started as 'ld.so PROG' (explicit loader: " + why + ")"
}

// how returns the way prog starts, its PT_INTERP, and why it is not
// StartInterpreter.
func (r *Runtime) how(prog string) (Start, string, string) {
	force := r.Start
	interp, err := Interpreter(prog)
	switch {
	case err != nil:
		return StartExplicit, "", "its program headers are unreadable: " + err.Error()
	case interp == "":
		return StartExplicit, "", "it has no PT_INTERP"
	case force == StartExplicit:
		return StartExplicit, "", "asked for"
	}
	if len(r.Emulator) > 0 {
		// qemu-user's -L ROOT loads PT_INTERP from inside the root, as
		// the target's kernel would from its own /.
		if r.HasLoaderAt(interp) {
			return StartInterpreter, interp, ""
		}
		return StartExplicit, "", fmt.Sprintf("the runtime has no loader at its PT_INTERP %s for qemu-user to load", interp)
	}
	if force == StartInterpreter {
		return StartInterpreter, interp, ""
	}
	ns := namespaces()
	if _, err := os.Stat(interp); err == nil && force != StartCopy && ns {
		return StartInterpreter, interp, ""
	}
	why := "no mount namespace allowed here"
	if ns {
		why = "this machine has no file at its PT_INTERP " + interp + " to mount the loader over"
	}
	if force == StartCopy {
		why = "asked for"
	}
	// /proc/self/fd/NNNN plus its NUL must fit where PT_INTERP was.
	if len(interp) >= len("/proc/self/fd/1000") {
		return StartCopy, interp, why
	}
	return StartExplicit, "", why + ", and its PT_INTERP " + interp + " is too short for a private copy to name the loader"
}

// originDirs expands the $ORIGIN entries of prog's DT_RPATH and
// DT_RUNPATH with prog's directory (for StartCopy, whose copy has no
// directory of its own).
func originDirs(prog string) []string {
	f, err := elf.Open(prog)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	for _, tag := range []elf.DynTag{elf.DT_RPATH, elf.DT_RUNPATH} {
		vals, _ := f.DynString(tag)
		for _, v := range vals {
			for _, d := range strings.Split(v, ":") {
				if !strings.Contains(d, "$ORIGIN") && !strings.Contains(d, "${ORIGIN}") {
					continue
				}
				d = strings.ReplaceAll(strings.ReplaceAll(d, "${ORIGIN}", "$ORIGIN"), "$ORIGIN", filepath.Dir(prog))
				out = append(out, filepath.Clean(d))
			}
		}
	}
	return out
}

// setEnv returns env with name=value, replacing any earlier value.
func setEnv(env []string, name, value string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return append(out, name+"="+value)
}
