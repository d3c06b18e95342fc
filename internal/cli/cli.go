// Package cli implements compatbuild's command line: it parses arguments,
// calls the packages that do the work and maps outcomes to exit codes.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"compatbuild/internal/buildenv"
	"compatbuild/internal/demo"
)

// Exit codes shared by all commands.
const (
	ExitOK    = 0
	ExitFail  = 1 // the command ran and the answer is "no"
	ExitUsage = 2 // bad arguments or unreadable input
)

type command struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

var commands []command

func init() {
	commands = []command{
		{"check", "report the glibc (and libstdc++/libgcc) floor of ELF files and what forces it", runCheck},
		{"cc", "compile and link C for a target glibc with your own compiler", runCC},
		{"c++", "the same for C++", runCXX},
		{"sysroot", "build and print the cached stub sysroot for a target glibc", runSysroot},
		{"env", "print the environment for compat builds (eval in a shell, or --json)", runEnv},
		{"exec", "run any build command (make, meson, ...) in that environment", runExec},
		{"cmake-toolchain", "write a CMake toolchain file for a target glibc", runCMakeToolchain},
		{"go", "run the go command with cgo building for a target glibc", runGo},
		{"cargo", "run cargo so target artifacts link for a target glibc; build scripts stay host", runCargo},
		{"demo", "build a built-in example plugin and show its glibc floor and why", runDemo},
		{"explain", "show a glibc symbol's history: libraries, versions, releases", runExplain},
		{"verify", "prove artifacts load and run under real old glibc runtimes, no container", runVerify},
	}
}

const usageHead = `compatbuild makes and checks Linux binaries that load on old glibc.

Usage:
  compatbuild <command> [arguments]

Commands:
`

func usage(w io.Writer) {
	fmt.Fprint(w, usageHead)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-16s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, "\nRun 'compatbuild <command> --help' for a command's options and examples.\n")
}

// MainAs runs compatbuild as invoked through argv0: a link named
// compatbuild-cc or compatbuild-c++ behaves as 'compatbuild cc'/'c++'.
func MainAs(argv0 string, args []string, stdout, stderr io.Writer) int {
	if w, ok := buildenv.ParseWrapper(filepath.Base(argv0)); ok {
		if w.Glibc != "" && !hasLeadingFloor(args) {
			// compatbuild-cc-2.17: the floor is part of the name.
			args = append([]string{"--glibc", w.Glibc}, args...)
		}
		if !w.Target.IsHost() {
			// compatbuild-aarch64-linux-gnu-cc-2.17: so is the target.
			args = append([]string{"--target", w.Target.Triple}, args...)
		}
		return runCompiler(w.CXX, args, stdout, stderr)
	}
	return Main(args, stdout, stderr)
}

func hasLeadingFloor(args []string) bool {
	return len(args) > 0 && (args[0] == "--glibc" || strings.HasPrefix(args[0], "--glibc="))
}

// Main runs compatbuild with args (without the program name) and returns
// the process exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return ExitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		usage(stdout)
		return ExitOK
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "compatbuild: unknown command %q; run 'compatbuild --help' for the list\n", args[0])
	return ExitUsage
}

// newFlags makes a FlagSet whose --help prints help text and examples.
// The flag package's own printing is silenced: parseFlags decides what is
// shown, so a bad flag is one line and --help is printed once.
func newFlags(name, synopsis, help string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		out := fs.Output()
		fmt.Fprintf(out, "Usage: %s\n\n%s\n", strings.TrimSpace("compatbuild "+name+" "+synopsis), strings.TrimSpace(help))
		n := 0
		fs.VisitAll(func(*flag.Flag) { n++ })
		if n > 0 {
			fmt.Fprint(out, "\nOptions:\n")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parseFlags parses and reports whether the caller should stop, with the
// exit code to use: help (on stdout) is success, a bad flag a one-line
// usage error on stderr.
func parseFlags(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) (stop bool, code int) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			fs.Usage()
			return true, ExitOK
		}
		fmt.Fprintf(stderr, "compatbuild %s: %v; see 'compatbuild %s --help'\n", fs.Name(), err, fs.Name())
		return true, ExitUsage
	}
	return false, ExitOK
}

func fail(stderr io.Writer, format string, args ...any) int {
	fmt.Fprintf(stderr, "compatbuild: "+format+"\n", args...)
	return ExitUsage
}

const demoHelp = `
Builds a small built-in example plugin (pthreads, stat, fcntl) with your C
compiler ($CC or cc) and shows what compatbuild says about it: which glibc it
needs, which symbols force that, and which distros it therefore cannot load on.`

func runDemo(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("demo", "", demoHelp, stderr)
	if stop, code := parseFlags(fs, args, stdout, stderr); stop {
		return code
	}
	if err := demo.Run(stdout); err != nil {
		return fail(stderr, "demo: %v", err)
	}
	return ExitOK
}
