// Package verify proves that ELF artifacts (and Python wheels) load and
// run under real glibc runtimes, without containers, the way their users
// run them.
//
// Each artifact is tried on each runtime (see internal/runtimes: Debian's
// glibc fetched through apt and cached, or an extracted root filesystem).
// Every program is started as the target starts it: through its own
// PT_INTERP, the runtime's loader standing there (runtimes.Start says how,
// and the result records it).
//
//   - a shared library is loaded by a host (Options.Host): by default with
//     dlopen(RTLD_NOW) by a small program that compatbuild builds, with its
//     own driver, for the runtime's glibc; or by the runtime's own Python
//     (extension modules), Node.js (N-API addons), or any program of its
//     packages. The loader's or the import's exact error is reported.
//     Optionally a named function with no arguments is called.
//   - a wheel is installed into a private directory and its top-level
//     packages imported by the runtime's Python, after pip's tag rules
//     (another Python: skip; a manylinux tag above the runtime: fail).
//   - a dynamically linked executable is run with the given arguments; its
//     exit status and output are reported.
//   - a statically linked executable is run directly (it carries its own C
//     library, so the runtime does not matter, and the result says so).
//
// A host reports the C library it runs on; anything but the runtime's
// fails the cell. A run also fails when one of the artifact's (or the
// host's) libraries was not found in the runtime (or the --lib-path
// directories) and the loader fell back to the host's own /lib or
// /usr/lib: such a run proves nothing about the target system.
package verify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"compatbuild/internal/cachefs"
	"compatbuild/internal/elfinfo"
	"compatbuild/internal/runtimes"
)

// DefaultRuntime is the runtime used when none is named: the oldest glibc
// compatbuild can fetch, because what loads there loads on the newer ones
// far more often than the other way round.
const DefaultRuntime = "debian:11"

// AllRuntimes is the runtime name that stands for every named runtime.
const AllRuntimes = "all"

// DefaultTimeout bounds one run of one artifact on one runtime.
const DefaultTimeout = 60 * time.Second

// MaxOutput is how many bytes of an artifact's output a result keeps.
const MaxOutput = 64 << 10

// Options say where and how to verify.
type Options struct {
	// Runtimes are runtime names ("debian:11", see runtimes.Names), "all",
	// or paths of extracted root filesystems. Empty means DefaultRuntime.
	Runtimes []string
	// Packages are Debian packages added to named runtimes besides
	// runtimes.DefaultPackages() (e.g. "zlib1g" for libz.so.1).
	Packages []string
	// LibPath are directories searched for the artifacts' libraries
	// before the runtime's own (a plugin's sibling libraries).
	LibPath []string
	// Arch is the architecture of the runtimes (Debian's name, arm64, or
	// any spelling internal/target knows). Empty means the artifacts'
	// own. Runtimes of a foreign architecture run under qemu-user.
	Arch string

	// Call names a function `void f(void)` that each shared library must
	// export; it is called after dlopen.
	Call string
	// ExpectReturn, with Call, makes the function `int f(void)` and
	// requires it to return this value.
	ExpectReturn *int

	// Args are the arguments executables are run with.
	Args []string
	// ExpectExit is the exit status an executable (or a host command)
	// must end with.
	ExpectExit int

	// Host is what loads shared libraries: "" or HostDlopen for
	// compatbuild's dlopen host, HostPython (the runtime's own Python 3
	// imports extension modules), HostNode (the runtime's Node.js
	// requires N-API addons), or a command 'PROG ARGS {}' of the runtime's
	// packages, run with the artifact's path in place of {}. Wheels
	// always go to the runtime's Python.
	Host string

	// Timeout bounds each run; zero means DefaultTimeout.
	Timeout time.Duration

	// RuntimeCacheDir is where named runtimes are cached; empty means
	// runtimes.DefaultCacheDir().
	RuntimeCacheDir string
	// HostCacheDir is where dlopen hosts are cached; empty means
	// HostCacheRoot().
	HostCacheDir string
	// Progress, when set, is told what a first runtime fetch fetches;
	// with ProgressLine (a terminal), also how far it is. nil keeps quiet.
	Progress     io.Writer
	ProgressLine bool
}

// Status is a cell's verdict.
type Status string

const (
	Pass Status = "pass"
	Fail Status = "fail"
	// Skip: the artifact is not for this runtime's host (a CPython 3.9
	// module on a runtime whose Python is 3.13); nothing was run.
	Skip Status = "skip"
)

// Artifact is one file to verify.
type Artifact struct {
	Path string `json:"path"` // as given
	Kind string `json:"kind"` // shared-library, executable, pie-executable, static-executable, static-pie-executable, wheel
	ABI  string `json:"abi"`  // x86_64, ...; "any" for a pure-Python wheel
	abs  string
	// wheel holds a wheel's tags (Kind KindWheel).
	wheel wheelTags
}

// Runtime is one runtime artifacts were tried on.
type Runtime struct {
	Name   string `json:"name"`   // as given: "debian:11" or the folder path
	Glibc  string `json:"glibc"`  // "2.31"
	Arch   string `json:"arch"`   // Debian architecture, "amd64"
	Root   string `json:"root"`   // absolute path of the root filesystem
	Folder bool   `json:"folder"` // true for a user-given root filesystem
	rt     *runtimes.Runtime
}

// Library is a library an artifact loaded from outside the runtime.
type Library struct {
	Name string `json:"name"` // DT_NEEDED name, "libz.so.1"
	Path string `json:"path"` // where the loader found it on the host
}

// Call is what happened to the --call function.
type Call struct {
	Name     string `json:"name"`
	Called   bool   `json:"called"`   // the function was entered
	Returned bool   `json:"returned"` // and returned to the host
	Value    *int   `json:"value"`    // its return value (int mode only)
}

// Result is one cell of the matrix: one artifact on one runtime.
type Result struct {
	Artifact string `json:"artifact"`
	Runtime  string `json:"runtime"`
	Glibc    string `json:"glibc"`
	Status   Status `json:"status"`
	// Reason is one line: why it failed, or what passed.
	Reason string `json:"reason"`
	// LoaderError is the dynamic loader's message (dlerror() for shared
	// libraries, the loader's line for executables), "" if none.
	LoaderError string `json:"loader_error"`
	// ExitCode is the process's exit status (-1 if killed by a signal or
	// never started). For shared libraries it is the host's: 0 unless the
	// load failed or the library's code exited or crashed the host.
	ExitCode int    `json:"exit_code"`
	Signal   string `json:"signal"` // "SIGSEGV" when killed by a signal
	TimedOut bool   `json:"timed_out"`
	// Output is the combined stdout and stderr of the run, at most
	// MaxOutput bytes; OutputTruncated says whether more was cut.
	Output          string `json:"output"`
	OutputTruncated bool   `json:"output_truncated"`
	Call            *Call  `json:"call"`
	// HostLibraries are libraries the runtime did not have, which the
	// loader took from the host's default directories instead.
	HostLibraries []Library `json:"host_libraries"`
	// Command is the command line that was run: the program (the host
	// program for a shared library) and its arguments.
	Command []string `json:"command"`
	// Host is what loaded a shared library or wheel: "dlopen",
	// "python3.9", "node", or the host command's program; "" for
	// executables.
	Host string `json:"host"`
	// Start is how the program was started (runtimes.Start): "interpreter"
	// (through its PT_INTERP, as the target starts it), "private-copy",
	// "explicit-loader", or "direct" for a static executable.
	Start string `json:"start"`
	// KilledLeftovers is how many processes the run left running when it
	// ended, which verify killed (see runtimes.TrackStrays).
	KilledLeftovers int `json:"killed_leftovers"`
}

// Report is the whole matrix.
type Report struct {
	Artifacts []Artifact `json:"artifacts"`
	Runtimes  []Runtime  `json:"runtimes"`
	// Results are in artifact order, then runtime order.
	Results []Result `json:"results"`
}

// Failed reports whether any cell failed, or none passed nor was
// inconclusive (everything skipped proves nothing).
func (r *Report) Failed() bool {
	has := func(s Status) bool {
		return slices.ContainsFunc(r.Results, func(res Result) bool { return res.Status == s })
	}
	return has(Fail) || (!has(Pass) && !has(Inconclusive))
}

// Run verifies every artifact on every runtime. An error means nothing
// was verified: bad artifacts, unknown runtimes, a failed fetch or a host
// that could not be built. It may hold several lines, one per problem.
func Run(ctx context.Context, paths []string, opts Options) (*Report, error) {
	if len(paths) == 0 {
		return nil, errors.New("no artifact given: name the shared libraries or executables to verify")
	}
	if opts.ExpectReturn != nil && opts.Call == "" {
		return nil, errors.New("an expected return value needs a function to call: add --call NAME")
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	host, err := parseHost(opts.Host)
	if err != nil {
		return nil, err
	}
	arts, err := readArtifacts(paths)
	if err != nil {
		return nil, err
	}
	if err := checkHostKinds(arts, host); err != nil {
		return nil, err
	}
	libPath, err := checkLibPath(opts.LibPath)
	if err != nil {
		return nil, err
	}
	namedArch, err := runtimeArch(arts, opts.Arch)
	if err != nil {
		return nil, err
	}
	if opts.Arch != "" {
		opts.Arch = namedArch // folders too: the Debian name of the one given
	}
	rts, err := getRuntimes(ctx, opts, arts, host, namedArch)
	if err != nil {
		return nil, err
	}
	if err := checkArches(arts, rts); err != nil {
		return nil, err
	}
	hosts := map[string]string{} // runtime name -> dlopen host
	if slices.ContainsFunc(arts, func(a Artifact) bool {
		return a.Kind == string(elfinfo.SharedLibrary) && hostFor(a, host).kind == HostDlopen
	}) {
		for _, rt := range rts {
			v, err := HostGlibc(rt.Glibc)
			if err != nil {
				return nil, fmt.Errorf("runtime %s: %v", rt.Name, err)
			}
			h, err := EnsureHostFor(ctx, opts.HostCacheDir, v, rt.Arch)
			if err != nil {
				return nil, err
			}
			hosts[rt.Name] = h
		}
	}
	sites, cleanup, err := installWheels(arts)
	defer cleanup()
	if err != nil {
		return nil, err
	}
	rep := &Report{Artifacts: arts, Runtimes: rts}
	smoke := smokeCache{}
	for _, a := range arts {
		for _, rt := range rts {
			rep.Results = append(rep.Results, runOne(ctx, a, rt, runSetup{dlopenHost: hosts[rt.Name], host: host, site: sites[a.abs], libPath: libPath, smoke: smoke}, opts))
		}
	}
	return rep, nil
}

// checkHostKinds refuses artifacts the chosen host cannot load.
func checkHostKinds(arts []Artifact, h hostSpec) error {
	var errs []error
	for _, a := range arts {
		switch {
		case a.Kind == KindWheel && h.kind != HostDlopen && h.kind != HostPython:
			errs = append(errs, fmt.Errorf("%s is a wheel, which only Python loads; drop --host %s", a.Path, h))
		case (h.kind == HostPython || h.kind == HostNode) && a.Kind != string(elfinfo.SharedLibrary) && a.Kind != KindWheel:
			errs = append(errs, fmt.Errorf("%s is an executable; --host %s loads extension modules (shared libraries): verify executables without --host", a.Path, h))
		case h.kind == HostNode && !strings.HasSuffix(a.Path, ".node"):
			// require() takes any other name for JavaScript and fails
			// with "Invalid or unexpected token".
			errs = append(errs, fmt.Errorf("%s: node's require() loads an N-API addon only from a file named *.node; rename it or copy it (cp %s %s.node)", a.Path, a.Path, strings.TrimSuffix(a.Path, ".so")))
		}
	}
	return errors.Join(errs...)
}

// runtimeNames expands "all" and comma-separated lists, keeps the first
// of duplicates and defaults to DefaultRuntime.
func runtimeNames(given []string) []string {
	var names []string
	add := func(n string) {
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	for _, g := range given {
		for _, n := range strings.Split(g, ",") {
			n = strings.TrimSpace(n)
			switch n {
			case "":
			case AllRuntimes:
				for _, r := range runtimes.Names() {
					add(r)
				}
			default:
				add(n)
			}
		}
	}
	if len(names) == 0 {
		names = []string{DefaultRuntime}
	}
	return names
}

// getRuntimes resolves the runtimes: folders and unknown names first (they
// are cheap and fail fast), named ones after (they may be fetched).
// Named runtimes are fetched for namedArch; folders are of opts.Arch, or
// detected.
func getRuntimes(ctx context.Context, opts Options, arts []Artifact, host hostSpec, namedArch string) ([]Runtime, error) {
	names := runtimeNames(opts.Runtimes)
	got := make([]*runtimes.Runtime, len(names))
	var errs []error
	for pass := 0; pass < 2; pass++ {
		for i, n := range names {
			named := strings.HasPrefix(n, "debian:") && !strings.Contains(n, "/")
			if named != (pass == 1) || (pass == 1 && len(errs) > 0) {
				continue
			}
			if !named && len(opts.Packages) > 0 {
				errs = append(errs, fmt.Errorf("--package %s: runtime %s is a folder, which verify does not install into; install the package into that root filesystem, or verify on debian:11, debian:12 or debian:13", strings.Join(opts.Packages, ","), n))
				continue
			}
			ropts := runtimes.Options{CacheDir: opts.RuntimeCacheDir, Progress: opts.Progress, ProgressLine: opts.ProgressLine, Arch: opts.Arch}
			if named {
				ropts.Arch = namedArch
			}
			extra, err := hostPackages(n, arts, host)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if pkgs := append(slices.Clone(opts.Packages), extra...); len(pkgs) > 0 {
				ropts.Packages = append(runtimes.DefaultPackages(), pkgs...)
			}
			rt, err := runtimes.GetWithOptions(ctx, n, ropts)
			if err != nil {
				errs = append(errs, oneLine(err))
				continue
			}
			got[i] = rt
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	var out []Runtime
	seen := map[string]bool{}
	for i, rt := range got {
		// rt.Name is the canonical name ("debian:bullseye" is "debian:11")
		// or the folder's resolved path.
		if seen[rt.Name] {
			continue
		}
		seen[rt.Name] = true
		folder := !slices.Contains(runtimes.Names(), rt.Name)
		out = append(out, Runtime{Name: names[i], Glibc: rt.Glibc, Arch: rt.Arch, Root: rt.Root, Folder: folder, rt: rt})
	}
	return out, nil
}

func oneLine(err error) error {
	msg := strings.Join(strings.Fields(err.Error()), " ")
	return errors.New(msg)
}

// abiOfArch maps Debian architectures to compatbuild ABI names.
var abiOfArch = map[string]string{
	"amd64": "x86_64", "i386": "i386", "arm64": "aarch64", "armhf": "arm", "armel": "arm",
	"ppc64el": "powerpc64le", "s390x": "s390x", "riscv64": "riscv64",
}

func checkArches(arts []Artifact, rts []Runtime) error {
	var errs []error
	for _, rt := range rts {
		want := abiOfArch[rt.Arch]
		for _, a := range arts {
			if a.ABI != want && a.ABI != "any" {
				errs = append(errs, fmt.Errorf("%s is %s but runtime %s is %s (%s); verify it on a runtime of its own architecture", a.Path, a.ABI, rt.Name, rt.Arch, want))
			}
		}
	}
	return errors.Join(errs...)
}

// runSetup is what Run prepared for runOne.
type runSetup struct {
	dlopenHost string // the dlopen host built for this runtime
	host       hostSpec
	site       site // a wheel's install
	libPath    []string
	smoke      smokeCache // hosts that start without the artifact
}

// runOne verifies one artifact on one runtime.
func runOne(ctx context.Context, a Artifact, rt Runtime, setup runSetup, opts Options) (res Result) {
	res = Result{Artifact: a.Path, Runtime: rt.Name, Glibc: rt.Glibc}
	r := *rt.rt
	r.LibraryPath = append(slices.Clip(setup.libPath), rt.rt.LibraryPath...)
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()

	static := a.Kind == "static-executable" || a.Kind == "static-pie-executable"
	loads := a.Kind == string(elfinfo.SharedLibrary) || a.Kind == KindWheel
	h := hostFor(a, setup.host)
	prog := hostProgram{path: a.abs, args: opts.Args}
	checked := []string{a.abs} // files whose libraries must come from the runtime
	var err error
	switch {
	case static:
	case h.kind == "command":
		prog, err = commandProgram(&r, a, h)
		checked = append(checked, prog.path)
	case !loads:
	case h.kind == HostDlopen:
		prog = hostProgram{name: HostDlopen, path: setup.dlopenHost, args: []string{a.abs}, protocol: true}
		if opts.Call != "" {
			prog.args = append(prog.args, opts.Call, callMode(opts))
		}
	case h.kind == HostPython:
		var version string
		prog, version, err = pythonProgram(&r, a, setup.site, opts)
		if err == nil && a.Kind == KindWheel {
			skip, fail := wheelVerdict(a.wheel, version, rt.Glibc, rt.Name)
			res.Host = prog.name
			switch {
			case skip != "":
				res.Status, res.Reason = Skip, skip
				return res
			case fail != "":
				return failed(res, fail)
			}
			if why := moduleArchVerdict(setup.site.mods, abiOfArch[rt.Arch], rt.Name); why != "" {
				return failed(res, why)
			}
			checked = sharedObjects(setup.site.dir)
		}
		checked = append(checked, prog.path)
	case h.kind == HostNode:
		prog, err = nodeProgram(&r, a, opts)
		checked = append(checked, prog.path)
	}
	res.Host = prog.name
	if err != nil {
		return failed(res, oneLine(err).Error())
	}
	if why := setup.smoke.hostBroken(ctx, &r, h.kind, prog); why != "" {
		res.Status, res.Reason = Inconclusive, why
		return res
	}
	if opts.Call != "" && prog.protocol {
		res.Call = &Call{Name: opts.Call}
	}

	if !static && !loads && h.kind != "command" {
		if why := interpVerdict(a, &r); why != "" {
			return failed(res, why)
		}
	}
	var cmd *exec.Cmd
	if static {
		cmd, res.Start = runtimes.DirectCommand(ctx, prog.path, prog.args...), "direct"
	} else {
		cmd = r.CommandEnv(ctx, hostEnv(os.Environ(), prog.env), prog.path, prog.args...)
		res.Start = string(r.How(prog.path))
	}
	res.Command = shownCommand(prog)
	var report *os.File
	if prog.protocol {
		f, err := os.CreateTemp(cachefs.TempRoot(), "compatbuild-verify-")
		if err != nil {
			return failed(res, fmt.Sprintf("creating a temporary file: %v", err))
		}
		defer os.Remove(f.Name())
		defer f.Close()
		report = f
		cmd.ExtraFiles = []*os.File{f}
	}
	out := &capped{max: MaxOutput}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.WaitDelay = 2 * time.Second
	leftovers := runtimes.TrackStrays(cmd)
	runErr := cmd.Run()
	res.KilledLeftovers = leftovers()
	defer func() {
		if n := res.KilledLeftovers; n > 0 && res.Status != Skip {
			res.Reason += fmt.Sprintf(" (it left %d process%s running, which verify killed)", n, map[bool]string{true: "", false: "es"}[n == 1])
		}
	}()
	res.Output, res.OutputTruncated = out.buf.String(), out.dropped > 0
	res.ExitCode, res.Signal = exitStatus(cmd)
	if ctx.Err() == context.DeadlineExceeded {
		res.TimedOut = true
		return failed(res, fmt.Sprintf("timed out after %v and was killed", opts.Timeout))
	}
	if res.ExitCode == -1 && res.Signal == "" {
		return failed(res, fmt.Sprintf("could not run: %v", runErr))
	}

	switch {
	case static:
		res = judgeExecutable(res, prog.path, opts.ExpectExit)
		if res.Status == Pass {
			res.Reason += " (statically linked: it carries its own C library, the runtime's glibc was not used)"
		}
		return res
	case prog.protocol:
		res = judgeLibrary(res, report, rt.Glibc, opts)
		if res.Status == Skip {
			return res
		}
	default:
		res = judgeExecutable(res, prog.path, opts.ExpectExit)
	}
	if why := r.StartReason(prog.path); why != "" {
		res.Reason += " (" + why + ")"
	}
	res = judgeForeign(res, r.Root, rt.Glibc, []string{a.abs, prog.path})
	return checkHostLibraries(parent, res, &r, checked, setup.libPath)
}

// shownCommand is the command line a result shows: the program and its
// arguments, with compatbuild's own host scripts named rather than
// printed.
func shownCommand(p hostProgram) []string {
	out := []string{p.path}
	for _, a := range p.args {
		switch a {
		case pythonHost:
			a = "<compatbuild's Python host, internal/verify/host/python_host.py>"
		case nodeHost:
			a = "<compatbuild's Node.js host, internal/verify/host/node_host.js>"
		}
		out = append(out, a)
	}
	return out
}

func failed(res Result, reason string) Result {
	res.Status, res.Reason = Fail, reason
	return res
}

func exitStatus(cmd *exec.Cmd) (code int, signal string) {
	if cmd.ProcessState == nil {
		return -1, ""
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return -1, signalName(ws.Signal())
	}
	return cmd.ProcessState.ExitCode(), ""
}

func signalName(s syscall.Signal) string {
	names := map[syscall.Signal]string{
		syscall.SIGSEGV: "SIGSEGV", syscall.SIGABRT: "SIGABRT", syscall.SIGBUS: "SIGBUS",
		syscall.SIGILL: "SIGILL", syscall.SIGFPE: "SIGFPE", syscall.SIGKILL: "SIGKILL",
		syscall.SIGTERM: "SIGTERM", syscall.SIGTRAP: "SIGTRAP", syscall.SIGPIPE: "SIGPIPE",
		syscall.SIGSYS: "SIGSYS", syscall.SIGINT: "SIGINT", syscall.SIGQUIT: "SIGQUIT",
	}
	if n, ok := names[s]; ok {
		return n
	}
	return "signal " + strconv.Itoa(int(s))
}
