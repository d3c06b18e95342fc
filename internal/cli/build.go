package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"unsafe"

	"compatbuild/internal/abidb"
	"compatbuild/internal/buildenv"
	"compatbuild/internal/procgroup"
	"compatbuild/internal/target"
)

// floorFlag reads --glibc or COMPATBUILD_GLIBC for commands with flags.
func floorFlag(value string) (abidb.Version, error) {
	if value == "" {
		value = os.Getenv("COMPATBUILD_GLIBC")
	}
	if value == "" {
		return abidb.Version{}, buildenv.ErrNoFloor
	}
	v, _, err := floorFrom([]string{"--glibc", value})
	return v, err
}

// floorAndTargetFlags reads --glibc and --target (or their variables) and
// checks the floor against the target's first release.
func floorAndTargetFlags(glibc, tv string) (abidb.Version, target.Target, error) {
	v, err := floorFlag(glibc)
	if err != nil {
		return abidb.Version{}, target.Target{}, err
	}
	t, err := targetFrom(tv)
	if err != nil {
		return abidb.Version{}, target.Target{}, err
	}
	return v, t, t.CheckRelease(v)
}

const envHelp = `
Prints the environment that makes a build compile and link through
compatbuild for the given glibc: CC and CXX point at compatbuild-cc-X.Y and
compatbuild-c++-X.Y (links to this compatbuild), COMPATBUILD_CC/CXX keep your
real compilers, and cargo (CC_x86_64_unknown_linux_gnu, the target linker)
and cgo (CGO_ENABLED=1) get theirs. MAKEFLAGS gives make CC and CXX as
command-line variables, which beat a Makefile's own CC = gcc; LDSHARED and
LDCXXSHARED are the link commands of Python's distutils and setuptools.
Every link checks its own output; 'compatbuild exec' also checks what the
build wrote without linking through compatbuild.

With --target TRIPLE the wrappers are compatbuild-<triple>-cc-X.Y,
COMPATBUILD_CC/CXX are the cross compilers and COMPATBUILD_TARGET the
target; cargo gets CC_<rust triple> and CARGO_TARGET_<TRIPLE>_LINKER, cgo
GOARCH (and GOARM for arm), and AR, RANLIB and STRIP point at the target's
binutils when installed.

Examples:
  eval "$(compatbuild env --glibc 2.17)" && make
  eval "$(compatbuild env --glibc 2.17 --target aarch64-linux-gnu)" && make
  compatbuild env --glibc 2.28 --json`

func runEnv(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("env", "[--glibc X.Y] [--target TRIPLE] [--json]", envHelp, stderr)
	glibc := fs.String("glibc", "", "target glibc (default: $COMPATBUILD_GLIBC)")
	tv := targetFlag(fs)
	asJSON := fs.Bool("json", false, "print a JSON object instead of shell exports")
	if stop, code := parseFlags(fs, args, stdout, stderr); stop {
		return code
	}
	if fs.NArg() != 0 {
		return fail(stderr, "env takes no arguments; see 'compatbuild env --help'")
	}
	v, t, err := floorAndTargetFlags(*glibc, *tv)
	if err != nil {
		return fail(stderr, "env: %v", err)
	}
	vars, err := buildenv.VarsFor(v, t)
	if err != nil {
		return fail(stderr, "env: %v", err)
	}
	if *asJSON {
		obj := map[string]string{}
		for _, kv := range vars {
			obj[kv.Name] = kv.Value
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(obj)
		return ExitOK
	}
	for _, kv := range vars {
		fmt.Fprintf(stdout, "export %s=%s\n", kv.Name, shellQuote(kv.Value))
	}
	return ExitOK
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

const execHelp = `
Runs any build command (make, autotools, meson, ninja, a script) with the
environment of 'compatbuild env', so every C/C++ compile and link goes
through compatbuild for the given glibc. make gets CC and CXX as
command-line variables (through MAKEFLAGS), so a Makefile's own CC = gcc
does not win; Python's distutils and setuptools get LDSHARED.
` + scanHelp + `

Exit status: the command's when it fails, or 128+N (with a line saying so)
when signal N killed it; else 1 when an output is above the target, 0
otherwise. SIGTERM and SIGHUP sent to compatbuild are passed on to the
command.

Examples:
  compatbuild exec --glibc 2.17 -- make -j8
  compatbuild exec --glibc 2.17 --target aarch64-linux-gnu -- make -j8
  compatbuild exec --glibc 2.17 -- sh -c './configure && make'`

func runExec(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("exec", "[--glibc X.Y] [--target TRIPLE] [--no-scan] [--scan-skip PATTERN] -- COMMAND [ARGS...]", execHelp, stderr)
	glibc := fs.String("glibc", "", "target glibc (default: $COMPATBUILD_GLIBC)")
	tv := targetFlag(fs)
	var scan scanOptions
	scan.register(fs)
	if stop, code := parseFlags(fs, args, stdout, stderr); stop {
		return code
	}
	if fs.NArg() == 0 {
		return fail(stderr, "exec needs a command: compatbuild exec --glibc 2.17 -- make")
	}
	v, t, err := floorAndTargetFlags(*glibc, *tv)
	if err != nil {
		return fail(stderr, "exec: %v", err)
	}
	return runWatched(v, t, fs.Args(), nil, scan, stdout, stderr)
}

// runWithEnv runs argv with the compat environment plus extra variables.
func runWithEnv(v abidb.Version, t target.Target, argv []string, extra []buildenv.Var, stdout, stderr io.Writer) int {
	vars, err := buildenv.VarsFor(v, t)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	path, err := exec.LookPath(argv[0])
	if err != nil {
		return fail(stderr, "%s: command not found", argv[0])
	}
	cmd := exec.Command(path, argv[1:]...)
	cmd.Env = buildenv.Apply(os.Environ(), append(vars, extra...))
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, stdout, stderr
	return runForwarding(cmd, argv[0], stderr)
}

// runForwarding runs cmd to its end and returns its exit status, 128+N
// (with a line saying so) when signal N killed it. The command shares
// compatbuild's process group, so the terminal's Ctrl-C and Ctrl-Z reach
// it directly and job control works as without compatbuild; compatbuild
// stays alive meanwhile and passes on the signals sent to it alone:
// SIGTERM and SIGHUP (a CI runner's cancel, a closed session), and SIGINT
// unless it came from the terminal, which sent it to the command too.
func runForwarding(cmd *exec.Cmd, name string, stderr io.Writer) int {
	procgroup.CatchSIGPIPE()
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, procgroup.Stopping...)
	defer signal.Stop(sigs)
	if err := cmd.Start(); err != nil {
		return fail(stderr, "running %s: %v", name, err)
	}
	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			select {
			case s := <-sigs:
				if s == syscall.SIGINT && terminalForeground() {
					continue
				}
				cmd.Process.Signal(s)
			case <-done:
				return
			}
		}
	}()
	err := cmd.Wait()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &exit):
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			fmt.Fprintf(stderr, "compatbuild: %s %s\n", name, procgroup.Describe(ws.Signal()))
			return 128 + int(ws.Signal())
		}
		return exit.ExitCode()
	}
	return fail(stderr, "running %s: %v", name, err)
}

// terminalForeground reports whether compatbuild's process group is the
// foreground group of its terminal: then the terminal's signals reach
// the whole group, the child included.
func terminalForeground() bool {
	for fd := 0; fd <= 2; fd++ {
		pgrp, err := unixTcgetpgrp(fd)
		if err == nil {
			return pgrp == syscall.Getpgrp()
		}
	}
	return false
}

func unixTcgetpgrp(fd int) (int, error) {
	var pgrp int32
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), syscall.TIOCGPGRP, uintptr(unsafe.Pointer(&pgrp))); errno != 0 {
		return 0, errno
	}
	return int(pgrp), nil
}

const cmakeHelp = `
Writes a CMake toolchain file that compiles and links with compatbuild for
the given glibc. The compiler wrappers carry the floor in their names
(compatbuild-cc-2.17), so builds driven by the generated makefiles or ninja
files link for the right glibc without any environment. The real compilers
are gcc/g++ unless COMPATBUILD_CC/COMPATBUILD_CXX are set when building.

For this machine's own architecture the file declares no cross build: the
outputs run here, so try_run and check_c_source_runs work as usual. With
--target TRIPLE of another architecture it is a cross build: the file sets
CMAKE_SYSTEM_NAME and CMAKE_SYSTEM_PROCESSOR, the target's wrappers
(compatbuild-<triple>-cc-X.Y), Debian's /usr/<triple> as the find root for
libraries, headers and packages, and qemu-user as the emulator for try_run
(i386 has none: its test programs need i386 libraries to run here).

Examples:
  compatbuild cmake-toolchain --glibc 2.17 -o compat.cmake
  compatbuild cmake-toolchain --glibc 2.17 --target aarch64-linux-gnu -o arm64.cmake
  cmake -S . -B build -DCMAKE_TOOLCHAIN_FILE=$PWD/compat.cmake && cmake --build build`

func runCMakeToolchain(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("cmake-toolchain", "[--glibc X.Y] [--target TRIPLE] [-o FILE]", cmakeHelp, stderr)
	glibc := fs.String("glibc", "", "target glibc (default: $COMPATBUILD_GLIBC)")
	tv := targetFlag(fs)
	out := fs.String("o", "", "write the toolchain file here instead of standard output")
	if stop, code := parseFlags(fs, args, stdout, stderr); stop {
		return code
	}
	if fs.NArg() != 0 {
		return fail(stderr, "cmake-toolchain takes no arguments; see 'compatbuild cmake-toolchain --help'")
	}
	v, t, err := floorAndTargetFlags(*glibc, *tv)
	if err != nil {
		return fail(stderr, "cmake-toolchain: %v", err)
	}
	exe, err := buildenv.Self()
	if err != nil {
		return fail(stderr, "cmake-toolchain: %v", err)
	}
	cc, cxx, err := buildenv.WrappersFor(exe, v, t)
	if err != nil {
		return fail(stderr, "cmake-toolchain: %v", err)
	}
	if strings.ContainsAny(cc, "$\\\";") {
		// CMake writes the compiler path into a quoted argument of its own
		// (CMakeCCompiler.cmake) and reads it back, expanding ${...} and
		// escapes: the build would look for another file.
		return fail(stderr, "cmake-toolchain: the compiler wrapper's path %s holds a '$', '\\', '\"' or ';', which CMake expands when it reads the path back, so it would look for another file: set XDG_CACHE_HOME to a directory without them", cc)
	}
	// CMAKE_SYSTEM_NAME makes CMAKE_CROSSCOMPILING true: only for another
	// architecture than this machine's. For its own, the outputs run here
	// (see buildenv.CrossCompiling).
	system := "# Not a cross build: the outputs run on this machine, so try_run and\n# check_c_source_runs work as usual.\n"
	cross := buildenv.CrossCompiling(t)
	if cross {
		system = "set(CMAKE_SYSTEM_NAME Linux)\nset(CMAKE_SYSTEM_PROCESSOR " + t.CMake + ")\n"
	}
	text := fmt.Sprintf(`# CMake toolchain file written by compatbuild: output loads on glibc %[1]s and later.
%[4]sset(CMAKE_C_COMPILER %[2]s)
set(CMAKE_CXX_COMPILER %[3]s)
`, v, cmakeLiteral(cc), cmakeLiteral(cxx), system)
	if !cross {
		text += `# Headers and host libraries stay the host's; glibc itself comes from the
# compatbuild sysroot the wrappers add to every link.
`
	} else {
		text += fmt.Sprintf(`# Libraries, headers and packages of the target come from Debian's
# multiarch cross root; programs run at build time are this machine's.
# glibc itself comes from the compatbuild sysroot the wrappers add.
set(CMAKE_FIND_ROOT_PATH %[1]s)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
`, cmakeLiteral("/usr/"+t.Triple))
		if t.Qemu != "" && !t.Native() {
			text += fmt.Sprintf("set(CMAKE_CROSSCOMPILING_EMULATOR %s -L %s)\n", t.Qemu, cmakeLiteral("/usr/"+t.Triple))
		}
	}
	text += cmakeStaticCheck
	if *out == "" {
		fmt.Fprint(stdout, text)
		return ExitOK
	}
	if err := os.WriteFile(*out, []byte(text), 0o644); err != nil {
		return fail(stderr, "cmake-toolchain: %v", err)
	}
	return ExitOK
}

// cmakeStaticCheck refuses -static in link flags before anything builds:
// a static program carries the build machine's glibc. Flags known when the
// toolchain file is read (-D cache entries, LDFLAGS) are checked at once,
// before compiler detection; flags and target properties a CMakeLists sets
// are checked when the top directory has been read (CMake 3.19+), still
// before the build. -static-libgcc and -static-libstdc++ are fine.
const cmakeStaticCheck = `
# Refuse -static (and -static-pie) in link flags before anything builds.
if(NOT CMAKE_PROJECT_NAME STREQUAL "CMAKE_TRY_COMPILE" AND NOT COMPATBUILD_STATIC_CHECKED)
  set(COMPATBUILD_STATIC_CHECKED ON)
  set(_compatbuild_static_re "(^|[ ;:>\"'])(-static|--static|-static-pie)($|[ ;>\"'])")
  function(_compatbuild_refuse where value)
    if("${value}" MATCHES "${_compatbuild_static_re}")
      message(FATAL_ERROR "compatbuild: ${where} holds ${CMAKE_MATCH_2} (${value}): a static program carries the build machine's glibc, which is no build for an old glibc; remove it (compatbuild links glibc dynamically; -static-libgcc and -static-libstdc++ are fine)")
    endif()
  endfunction()
  function(_compatbuild_check_variables)
    foreach(var CMAKE_EXE_LINKER_FLAGS CMAKE_SHARED_LINKER_FLAGS CMAKE_MODULE_LINKER_FLAGS CMAKE_C_FLAGS CMAKE_CXX_FLAGS)
      foreach(suffix "" _DEBUG _RELEASE _RELWITHDEBINFO _MINSIZEREL)
        _compatbuild_refuse("${var}${suffix}" "${${var}${suffix}}")
      endforeach()
    endforeach()
  endfunction()
  _compatbuild_refuse("the LDFLAGS environment variable" "$ENV{LDFLAGS}")
  _compatbuild_refuse("the CFLAGS environment variable" "$ENV{CFLAGS}")
  _compatbuild_refuse("the CXXFLAGS environment variable" "$ENV{CXXFLAGS}")
  _compatbuild_check_variables()
  if(CMAKE_VERSION VERSION_GREATER_EQUAL 3.19)
    function(_compatbuild_check_targets dir)
      get_property(targets DIRECTORY "${dir}" PROPERTY BUILDSYSTEM_TARGETS)
      foreach(t IN LISTS targets)
        foreach(prop LINK_OPTIONS INTERFACE_LINK_OPTIONS LINK_FLAGS LINK_LIBRARIES INTERFACE_LINK_LIBRARIES)
          get_target_property(value "${t}" ${prop})
          if(value)
            _compatbuild_refuse("target ${t}'s ${prop}" "${value}")
          endif()
        endforeach()
      endforeach()
      get_property(subdirs DIRECTORY "${dir}" PROPERTY SUBDIRECTORIES)
      foreach(sub IN LISTS subdirs)
        _compatbuild_check_targets("${sub}")
      endforeach()
    endfunction()
    function(_compatbuild_check_all)
      _compatbuild_check_variables()
      _compatbuild_check_targets("${CMAKE_SOURCE_DIR}")
    endfunction()
    cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}" CALL _compatbuild_check_all)
  endif()
endif()
`

// cmakeLiteral writes s as a CMake bracket argument, [==[...]==], in
// which nothing is expanded or escaped: a path holding ${HOME}, $ENV{X},
// a backslash, a quote or a ';' stays exactly that path.
func cmakeLiteral(s string) string {
	eq := ""
	for strings.Contains(s, "]"+eq+"]") {
		eq += "="
	}
	return "[" + eq + "[" + s + "]" + eq + "]"
}

const goHelp = `
Runs the go command with cgo compiling and linking through compatbuild for
the given glibc (CC, CXX, CGO_ENABLED=1), and with external linking, so the
final link goes through compatbuild too and is checked. --glibc, --target,
--no-scan and --scan-skip may come first or anywhere before the package
arguments.
` + scanHelp + `

GOARCH (from the environment, or --target TRIPLE) picks the target: with
GOARCH=arm64 cgo compiles and links with the aarch64 cross compiler
through compatbuild-aarch64-linux-gnu-cc-X.Y (GOARCH 386, arm with GOARM=7,
ppc64le, s390x and riscv64 likewise).

Examples:
  compatbuild go build --glibc 2.17 -o app ./cmd/app
  GOARCH=arm64 compatbuild go build --glibc 2.17 -o app-arm64 ./cmd/app
  COMPATBUILD_GLIBC=2.28 compatbuild go test ./...`

func runGo(args []string, stdout, stderr io.Writer) int {
	if len(args) == 1 && (args[0] == "--help" || args[0] == "-h") {
		fmt.Fprintf(stdout, "Usage: compatbuild go [--glibc X.Y] [--target TRIPLE] [--no-scan] [--scan-skip PATTERN] GO-ARGS...\n\n%s\n", strings.TrimSpace(goHelp))
		return ExitOK
	}
	// --glibc, --target and the scan options may come first or right
	// after the go subcommand ("compatbuild go build --glibc 2.17 ./...").
	var value, tv string
	var scan scanOptions
	rest := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		n, err := scan.take(args, i)
		if err != nil {
			return fail(stderr, "go: %v", err)
		}
		if n > 0 {
			i += n - 1
			continue
		}
		switch {
		case args[i] == "--glibc" && i+1 < len(args) && value == "":
			value = args[i+1]
			i++
		case strings.HasPrefix(args[i], "--glibc=") && value == "":
			value = strings.TrimPrefix(args[i], "--glibc=")
		case args[i] == "--target" && i+1 < len(args) && tv == "":
			tv = args[i+1]
			i++
		case strings.HasPrefix(args[i], "--target=") && tv == "":
			tv = strings.TrimPrefix(args[i], "--target=")
		default:
			rest = append(rest, args[i])
		}
	}
	if goarch := os.Getenv("GOARCH"); tv == "" && goarch != "" {
		t, err := target.ByGOARCH(goarch)
		if err != nil {
			return fail(stderr, "go: %v", err)
		}
		tv = t.Triple
	} else if tv == "" {
		tv = target.Host().Triple // not COMPATBUILD_TARGET: go builds for GOARCH
	}
	v, t, err := floorAndTargetFlags(value, tv)
	if err != nil {
		return fail(stderr, "go: %v", err)
	}
	if goarch := os.Getenv("GOARCH"); goarch != "" && goarch != t.GOARCH {
		return fail(stderr, "go: GOARCH=%s but --target %s is GOARCH=%s: give one", goarch, t.Triple, t.GOARCH)
	}
	if len(rest) == 0 {
		return fail(stderr, "go: give a go command, e.g. compatbuild go build --glibc 2.17 ./...")
	}
	if flag, where := buildenv.GoStaticFlag(rest[1:], os.Getenv("GOFLAGS"), os.Getenv("CGO_LDFLAGS")); flag != "" {
		return fail(stderr, "go: %s asks for %s: %v", where, flag, buildenv.ErrStatic)
	}
	extra := []buildenv.Var{{Name: "GOFLAGS", Value: strings.TrimSpace(os.Getenv("GOFLAGS") + " -ldflags=-linkmode=external")}}
	return runWatched(v, t, append([]string{"go"}, rest...), extra, scan, stdout, stderr)
}
