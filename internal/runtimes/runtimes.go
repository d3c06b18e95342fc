// Package runtimes provides real old-glibc runtimes to run built binaries
// under, without containers.
//
// A runtime is a directory holding a glibc dynamic loader (ld.so) and
// libraries. Named runtimes ("debian:11", "debian:12", "debian:13") are
// fetched with the machine's own apt configuration into a private apt setup
// in the user cache, extracted with dpkg-deb, and reused afterwards. Any other
// extracted root filesystem (for example from `docker export`) can be used by
// passing its path as the name.
//
// A program is started as the target system starts it: by execve, through
// its own PT_INTERP, with the runtime's loader standing there (see [Start]
// for the ways, most faithful first, and what each gives up), its needed
// libraries taken from the runtime's library directories first and the
// host's ld.so.cache hidden. Libraries that the runtime does not have can
// still come from the loader's built-in default directories
// (/lib/<triplet>, /usr/lib/<triplet>) of the host; use
// [Runtime.Libraries] to see where each one resolved.
//
// # Fetching
//
// The Debian mirror is the first "deb" source with a plain Debian suite and
// the main component in /etc/apt/sources.list or /etc/apt/sources.list.d
// (*.list, *.sources), or $COMPATBUILD_DEBIAN_MIRROR. A private sources.list
// names only the wanted suite, with Debian's archive keyring as signed-by;
// apt-get update and apt-get install --download-only run with their own
// Dir::State, Dir::Cache and APT::Architecture (and an empty dpkg status),
// so the system's apt state is untouched and the packages come with
// everything they depend on. Every named runtime also holds its release's
// /bin/sh (dash, see programs.go), and those of merged-/usr releases are
// merged as such a system is (see usrmerge.go). The mirror must be
// exactly one URI.
// [Options.Progress] is told what a first fetch fetches and how far it is.
//
// # Cache layout
//
//	$XDG_CACHE_HOME/compatbuild/runtimes/       (0700; ~/.cache if unset)
//	  debian-11-amd64/                          extracted root, default packages
//	    .compatbuild-runtime.json               written last: marks it complete
//	    .compatbuild-manifest                   every file and its SHA-256
//	    .compatbuild-stamp                      inode, ctime, size when last hashed
//	    lib/x86_64-linux-gnu/ld-2.31.so ...
//	  debian-11-arm64-<hash>/                   another package set
//	  .debian-11-amd64.lock                     flock held while fetching
//	  .tmp-debian-11-amd64-*/                   a fetch in progress (apt state,
//	                                            .debs, root), renamed into place
//
// Absolute symlinks in a fetched root are rewritten to relative ones. The
// cache directory must be private (owner and mode checked), and a cached
// runtime is checked against its manifest before use: a damaged one is an
// error that names the file and says which directory to remove.
package runtimes

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
)

// Runtime is a glibc runtime that programs can be run under.
type Runtime struct {
	// Name is the runtime's name ("debian:11") or, for a folder runtime,
	// the folder's absolute path.
	Name string
	// Arch is the Debian architecture name of the runtime ("amd64").
	Arch string
	// Glibc is the glibc version of the runtime ("2.31").
	Glibc string
	// Root is the runtime's root directory.
	Root string
	// Loader is the host path of the dynamic loader, with all symlinks
	// resolved inside Root.
	Loader string
	// LibraryPath lists the host paths of the runtime's library
	// directories, in search order, symlinks resolved inside Root.
	LibraryPath []string
	// Start, when set, is the way [Runtime.Command] must start programs;
	// empty means the most faithful way this machine allows (see [Start]).
	Start Start
	// Emulator is the command that runs the runtime's programs on this
	// machine (Debian's qemu-user, e.g. [/usr/bin/qemu-aarch64]), empty
	// when the machine runs them itself. Emulated programs always start
	// through the runtime's loader (StartExplicit).
	Emulator []string
}

// Options changes how [GetWithOptions] finds or fetches a runtime.
type Options struct {
	// Arch is the Debian architecture ("amd64", "arm64", "i386"...). Empty
	// means the host's architecture for named runtimes and "detect" for
	// folder runtimes.
	Arch string
	// Packages are the Debian packages a named runtime is made of. Empty
	// means DefaultPackages(). libc6 is always included.
	Packages []string
	// CacheDir is where named runtimes are kept. Empty means
	// DefaultCacheDir().
	CacheDir string

	// Progress, when set, is told what a first fetch fetches (release,
	// packages, size); nil keeps quiet.
	Progress io.Writer
	// ProgressLine adds, on Progress, one rewritten line of how far the
	// download is: for a terminal only.
	ProgressLine bool

	// aptEtc is the apt configuration directory to read mirrors from
	// (tests only; empty means /etc/apt).
	aptEtc string
}

// DefaultPackages returns the packages a named runtime is made of by
// default: the C library and the GCC runtime libraries C++ programs need.
func DefaultPackages() []string {
	return []string{"libc6", "libgcc-s1", "libstdc++6"}
}

// Names returns the names of the known named runtimes, sorted.
func Names() []string {
	names := make([]string, 0, len(debianReleases))
	for _, r := range debianReleases {
		names = append(names, r.name)
	}
	slices.Sort(names)
	return names
}

// DefaultCacheDir returns the directory named runtimes are cached in:
// $XDG_CACHE_HOME/compatbuild/runtimes, or ~/.cache/compatbuild/runtimes.
func DefaultCacheDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("finding the cache directory: %v; set XDG_CACHE_HOME or HOME", err)
	}
	return filepath.Join(base, "compatbuild", "runtimes"), nil
}

// Get returns the runtime called name, fetching it first if it is a named
// runtime that is not cached yet. name is one of Names() or the path of a
// folder holding an extracted root filesystem.
func Get(ctx context.Context, name string) (*Runtime, error) {
	return GetWithOptions(ctx, name, Options{})
}

// GetWithOptions is [Get] with options.
func GetWithOptions(ctx context.Context, name string, opts Options) (*Runtime, error) {
	if rel, ok := lookupRelease(name); ok {
		return getDebian(ctx, rel, opts)
	}
	if looksLikePath(name) {
		return FromFolder(name, opts.Arch)
	}
	return nil, fmt.Errorf("unknown runtime %q: use one of %s, or the path of an extracted root filesystem", name, strings.Join(Names(), ", "))
}

func looksLikePath(name string) bool {
	if strings.ContainsRune(name, os.PathSeparator) || name == "." || name == ".." {
		return true
	}
	fi, err := os.Stat(name)
	return err == nil && fi.IsDir()
}

// Command returns a command that runs prog with args under the runtime,
// started as the target system starts it (see [Start]; [Runtime.How] says
// which way this machine allows): prog's needed libraries resolve from the
// runtime's LibraryPath first, and the host's ld.so.cache is not used. A
// prog without a slash is looked up in the host's PATH. The environment is
// the current one without LD_PRELOAD and LD_AUDIT, which would inject host
// libraries.
func (r *Runtime) Command(ctx context.Context, prog string, args ...string) *exec.Cmd {
	return r.CommandEnv(ctx, nil, prog, args...)
}

// CommandEnv is [Runtime.Command] with env as the program's environment
// (nil means the current one); LD_PRELOAD, LD_AUDIT and LD_LIBRARY_PATH
// are replaced as for Command. Setting the returned command's Env
// afterwards works too, as for any exec.Cmd: the program gets that
// environment, cleaned the same way. The returned command's Args are the
// launcher's: show [Runtime.How] and prog's own argv to users instead.
func (r *Runtime) CommandEnv(ctx context.Context, env []string, prog string, args ...string) *exec.Cmd {
	if env == nil {
		env = os.Environ()
	}
	env = cleanEnv(env)
	path, lookErr := resolveProg(prog)
	if lookErr == nil {
		how, interp, _ := r.how(path)
		libs := r.LibraryPath
		if how == StartCopy {
			libs = append(originDirs(path), libs...)
		}
		spec := launchSpec{Mode: how, Loader: r.Loader, Interp: interp, Prog: path, Root: r.Root,
			LibraryPath: strings.Join(libs, ":"), PIDNS: pidNamespaces()}
		argv := append([]string{path}, args...)
		switch {
		case len(r.Emulator) > 0 && how == StartInterpreter:
			// qemu-user loads the program's PT_INTERP from inside the
			// root (-L), and the program's library path is set for the
			// program (-E), not for qemu itself.
			spec.Mode, spec.Exe, spec.LibraryPath, spec.Mount = execMode, r.Emulator[0], "", namespaces()
			argv = append(append(slices.Clone(r.Emulator), "-L", r.Root, "-E", "LD_LIBRARY_PATH="+strings.Join(libs, ":")), argv...)
		case how == StartExplicit:
			spec.Mode, spec.LibraryPath = execMode, ""
			argv = append(append(r.loaderArgs(), path), args...)
			if len(r.Emulator) > 0 {
				spec.Exe = r.Emulator[0]
				argv = append(append(slices.Clone(r.Emulator), r.Loader), argv...)
			} else {
				spec.Exe = r.Loader
				argv = append([]string{r.Loader}, argv...)
			}
		}
		if cmd, err := launcherCommand(ctx, spec, env, argv); err == nil {
			return cmd
		}
	}
	argv := append(r.loaderArgs(), path)
	argv = append(argv, args...)
	cmd := r.loaderCommand(ctx, argv)
	cmd.Env = env
	if lookErr != nil {
		cmd.Err = lookErr
	}
	return cmd
}

// loaderCommand runs the runtime's loader with args, under the emulator
// for a foreign architecture.
func (r *Runtime) loaderCommand(ctx context.Context, args []string) *exec.Cmd {
	if len(r.Emulator) > 0 {
		argv := append(append(r.Emulator[1:len(r.Emulator):len(r.Emulator)], r.Loader), args...)
		return exec.CommandContext(ctx, r.Emulator[0], argv...)
	}
	return exec.CommandContext(ctx, r.Loader, args...)
}

func (r *Runtime) loaderArgs() []string {
	return []string{"--inhibit-cache", "--library-path", strings.Join(r.LibraryPath, ":")}
}

func resolveProg(prog string) (string, error) {
	if !strings.Contains(prog, "/") {
		p, err := exec.LookPath(prog)
		if err != nil {
			return prog, fmt.Errorf("running %s under a runtime: %v; give a path to the program", prog, err)
		}
		prog = p
	}
	// The loader searches its library path for a name without a slash, so
	// make the program path explicit.
	if abs, err := filepath.Abs(prog); err == nil {
		return abs, nil
	}
	return prog, nil
}

func cleanEnv(env []string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if strings.HasPrefix(kv, "LD_PRELOAD=") || strings.HasPrefix(kv, "LD_AUDIT=") {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// Library is one shared library a program needs, and where the runtime's
// loader found it.
type Library struct {
	Name string // the DT_NEEDED name, e.g. "libc.so.6"
	Path string // the host path it resolved to; empty if not found
}

// InRuntime reports whether the library resolved inside the runtime root.
func (l Library) InRuntime(r *Runtime) bool {
	if l.Path == "" {
		return false
	}
	for _, d := range r.LibraryPath {
		if strings.HasPrefix(l.Path, d+"/") {
			return true
		}
	}
	return strings.HasPrefix(l.Path, r.Root+"/")
}

// Libraries lists the shared libraries prog loads under the runtime (the
// loader's --list). Missing libraries have an empty Path. A library whose
// Path is outside the runtime (see [Library.InRuntime]) came from the host's
// default directories because the runtime lacks it. If the loader fails (a
// missing library or symbol version), the libraries it listed are returned
// with the error.
func (r *Runtime) Libraries(ctx context.Context, prog string) ([]Library, error) {
	path, err := resolveProg(prog)
	if err != nil {
		return nil, err
	}
	argv := append(r.loaderArgs(), "--list", path)
	cmd := r.loaderCommand(ctx, argv)
	cmd.Env = cleanEnv(os.Environ())
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, runErr := cmd.Output()
	var libs []Library
	for _, line := range strings.Split(string(out), "\n") {
		line = strings.TrimSpace(line)
		name, rest, ok := strings.Cut(line, " => ")
		if !ok {
			continue
		}
		lib := Library{Name: name}
		if !strings.HasPrefix(rest, "not found") {
			if i := strings.LastIndex(rest, " ("); i >= 0 {
				rest = rest[:i]
			}
			lib.Path = rest
		}
		libs = append(libs, lib)
	}
	// Version mismatches are reported on stderr with exit status 0.
	if runErr != nil || strings.TrimSpace(stderr.String()) != "" {
		if runErr == nil {
			runErr = errors.New("loader reported errors")
		}
		msg := stderr.String()
		if strings.TrimSpace(msg) == "" {
			msg = string(out)
		}
		return libs, fmt.Errorf("listing the libraries of %s under %s: %v: %s", prog, r.Name, runErr, lastLine(msg))
	}
	return libs, nil
}

// aptError returns apt's first error line ("E: Failed to fetch ...": the
// later ones are summaries), else the last non-empty line.
func aptError(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); strings.HasPrefix(l, "E:") {
			return l
		}
	}
	return lastLine(s)
}

// lastLine returns the last non-empty line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" {
			return l
		}
	}
	return "(no output)"
}

// hostArch returns the Debian architecture name of the host.
func hostArch() (string, error) {
	m := map[string]string{
		"amd64": "amd64", "arm64": "arm64", "386": "i386", "arm": "armhf",
		"ppc64le": "ppc64el", "s390x": "s390x", "riscv64": "riscv64",
		"mips64le": "mips64el", "loong64": "loong64",
	}
	if a, ok := m[runtime.GOARCH]; ok {
		return a, nil
	}
	return "", errors.New("no Debian architecture known for GOARCH " + runtime.GOARCH + "; set Options.Arch")
}
