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
	// program's PT_INTERP path, an empty file over /etc/ld.so.cache, and
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
	StartCopy Start = "private-copy"
	// StartExplicit: the last resort, `ld.so --library-path DIRS PROG`.
	StartExplicit Start = "explicit-loader"
)

// Describe says in a few words how a program was started, for results.
func (s Start) Describe() string {
	switch s {
	case StartInterpreter:
		return "started through its PT_INTERP, the runtime's loader standing there (private mount namespace)"
	case StartCopy:
		return "started through its PT_INTERP in a private copy naming the runtime's loader (no mount namespace allowed here)"
	case StartExplicit:
		return "started as 'ld.so PROG' (explicit loader: no mount namespace and no private copy possible)"
	}
	return string(s)
}

// launchArgv0 marks a re-executed compatbuild (or test binary) as the
// launcher: argv is [launchArgv0, spec JSON, program argv...].
const launchArgv0 = "compatbuild-runtime-launcher"

// launchSpec tells the launcher what to do.
type launchSpec struct {
	Mode   Start  `json:"mode"`             // StartInterpreter or StartCopy; "probe" tests namespaces
	Loader string `json:"loader,omitempty"` // host path of the runtime's loader
	Interp string `json:"interp,omitempty"` // the program's PT_INTERP
	Prog   string `json:"prog,omitempty"`   // absolute path of the program
	Root   string `json:"root,omitempty"`   // the runtime's root, made read-only
	// LibraryPath is the program's LD_LIBRARY_PATH. The rest of its
	// environment is the launcher's own (the returned command's Env, so a
	// caller may set it as for any exec.Cmd); the library path travels
	// here because the launcher itself must not run with the runtime's
	// libraries first.
	LibraryPath string `json:"library_path,omitempty"`
}

// programEnv is the environment the launcher gives the program: its own,
// without loader variables, with the runtime's library path.
func programEnv(spec launchSpec) []string {
	return setEnv(cleanEnv(os.Environ()), "LD_LIBRARY_PATH", spec.LibraryPath)
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

func launcherMain(specJSON string, argv []string) int {
	var spec launchSpec
	fail := func(format string, args ...any) int {
		fmt.Fprintf(os.Stderr, "compatbuild: starting a program under a runtime: "+format+"\n", args...)
		return launcherExitCode
	}
	if err := json.Unmarshal([]byte(specJSON), &spec); err != nil {
		return fail("bad launcher arguments: %v", err)
	}
	runtime.LockOSThread()
	switch spec.Mode {
	case "probe":
		if err := privateMounts(); err != nil {
			return fail("%v", err)
		}
		return 0
	case StartInterpreter:
		if err := privateMounts(); err != nil {
			return fail("%v", err)
		}
		if err := syscall.Mount(spec.Loader, spec.Interp, "", syscall.MS_BIND, ""); err != nil {
			return fail("bind-mounting the runtime's loader over %s: %v", spec.Interp, err)
		}
		// What runs cannot change the runtime (Python would write
		// __pycache__ into its standard library, for one).
		if spec.Root != "" {
			if err := syscall.Mount(spec.Root, spec.Root, "", syscall.MS_BIND|syscall.MS_REC, ""); err != nil {
				return fail("making the runtime %s read-only: %v", spec.Root, err)
			}
			if err := syscall.Mount("", spec.Root, "", syscall.MS_BIND|syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
				return fail("making the runtime %s read-only: %v", spec.Root, err)
			}
		}
		if _, err := os.Stat("/etc/ld.so.cache"); err == nil {
			if err := syscall.Mount("/dev/null", "/etc/ld.so.cache", "", syscall.MS_BIND, ""); err != nil {
				return fail("hiding the host's /etc/ld.so.cache: %v", err)
			}
		}
		dropAmbientCaps()
		err := syscall.Exec(spec.Prog, argv, programEnv(spec))
		return fail("%s: %v", spec.Prog, err)
	case StartCopy:
		exe, err := patchedCopy(spec.Prog, spec.Loader)
		if err != nil {
			return fail("%v", err)
		}
		err = syscall.Exec(exe, argv, programEnv(spec))
		return fail("%s: %v", spec.Prog, err)
	}
	return fail("unknown mode %q", spec.Mode)
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
// mount namespace (as root, or in a user namespace); probed once.
var namespaces = sync.OnceValue(func() bool {
	cmd, err := launcherCommand(context.Background(), launchSpec{Mode: "probe"}, os.Environ(), nil)
	if err != nil {
		return false
	}
	return cmd.Run() == nil
})

// launcherCommand returns the command that runs the launcher with spec.
func launcherCommand(ctx context.Context, spec launchSpec, env, argv []string) (*exec.Cmd, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding compatbuild's own executable to start programs with: %v", err)
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
	attr := &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNS}
	if spec.Mode == "probe" || spec.Mode == StartInterpreter {
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
	} else {
		attr = nil
	}
	cmd.SysProcAttr = attr
	return cmd, nil
}

// How returns the way [Runtime.Command] starts prog on this machine.
func (r *Runtime) How(prog string) Start {
	how, _ := r.how(prog)
	return how
}

func (r *Runtime) how(prog string) (Start, string) {
	if len(r.Emulator) > 0 {
		// qemu-user runs the loader; the kernel cannot exec the program.
		return StartExplicit, ""
	}
	force := r.Start
	interp, err := Interpreter(prog)
	if force == StartExplicit || err != nil || interp == "" {
		return StartExplicit, ""
	}
	if force == StartInterpreter {
		return StartInterpreter, interp
	}
	if _, err := os.Stat(interp); err == nil && force != StartCopy && namespaces() {
		return StartInterpreter, interp
	}
	// /proc/self/fd/NNNN plus its NUL must fit where PT_INTERP was.
	if len(interp) >= len("/proc/self/fd/1000") {
		return StartCopy, interp
	}
	return StartExplicit, ""
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
