// Package cargo runs cargo so that what it builds for the target loads on
// an old glibc: the target's crates link through compatbuild's compiler
// driver (-C linker=compatbuild-cc-X.Y, in the target's rustflags), C code
// that build scripts compile with the cc crate uses compatbuild's wrappers
// (CC_x86_64_unknown_linux_gnu, CXX_...), and build scripts and
// proc-macros, which run on the build machine, are built and linked for it
// as usual. The target triple is always passed explicitly, which is what
// keeps cargo from applying the target's rustflags to those host
// artifacts; artifacts land in target/x86_64-unknown-linux-gnu/<profile>.
//
// With --target (or build.target) another Rust triple of a compatbuild
// target (aarch64-unknown-linux-gnu, ...) links through that target's
// wrapper and cross compiler; its standard library must be installed.
//
// The floor comes from --glibc, a cargo-zigbuild style
// --target x86_64-unknown-linux-gnu.2.17, COMPATBUILD_GLIBC, or Cargo.toml
// ([package.metadata.compatbuild] glibc = "2.17", or the workspace's), in
// that order; without one the command refuses to run. After 'cargo build'
// and 'cargo rustc' every executable and shared library cargo reports is
// checked against the floor.
package cargo

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"compatbuild/internal/buildenv"
	"compatbuild/internal/check"
	"compatbuild/internal/target"
)

// Options configure one 'compatbuild cargo' run.
type Options struct {
	// Args are the arguments after 'compatbuild cargo': cargo's, plus
	// --glibc X.Y anywhere before "--".
	Args []string
	// Exe is the compatbuild executable the compiler wrappers link to;
	// empty means the running one.
	Exe string
	// Cargo is the cargo command; empty means $CARGO, else cargo.
	Cargo string
	// Dir is the directory cargo runs in; empty means the current one.
	Dir            string
	Stdout, Stderr io.Writer
}

// Error is a failure of compatbuild itself (not of cargo): a one-line
// message and the exit code to use.
type Error struct {
	Msg  string
	Code int
}

func (e *Error) Error() string { return e.Msg }

func usageError(err error) error { return &Error{Msg: err.Error(), Code: 2} }

// Run runs cargo and returns the exit code: cargo's own when it fails,
// else 1 if an artifact needs a newer glibc than the floor, else 0.
// A non-nil error is compatbuild's (bad arguments, no floor, no cargo).
func Run(ctx context.Context, opt Options) (int, error) {
	inv, err := parseArgs(opt.Args)
	if err != nil {
		return 2, usageError(err)
	}
	k, err := inv.kind()
	if err != nil {
		return 2, usageError(err)
	}
	cargo, err := cargoCommand(opt.Cargo)
	if err != nil {
		return 2, err
	}
	dir := opt.Dir
	if dir == "" {
		if dir, err = os.Getwd(); err != nil {
			return 2, usageError(fmt.Errorf("current directory: %v", err))
		}
	}
	if k == kindPlain {
		return runCargo(ctx, cargo, dir, inv.command(k, nil), os.Environ(), opt.Stdout, opt.Stderr, readNone, nil)
	}

	floor, err := resolveFloor(inv, os.Getenv("COMPATBUILD_GLIBC"), func() (*metadata, error) {
		return readMetadata(ctx, cargo, dir, inv)
	})
	if err != nil {
		return 2, usageError(err)
	}
	if inv.target == "" {
		// build.target of the config: the same as --target.
		cfg, err := readConfig(dir, inv.configs, os.Getenv, os.LookupEnv)
		if err != nil {
			return 2, usageError(err)
		}
		if cfg.buildTarget != "" {
			t, g, err := splitTarget(cfg.buildTarget)
			if err != nil || g != "" {
				return 2, usageError(fmt.Errorf("%s sets the build target to %s; compatbuild cargo builds for one of %s: pass --target or unset it", cfg.buildTargetFrom, cfg.buildTarget, rustTargets()))
			}
			inv.target = t
		}
	}
	tg, triple := inv.linkTarget(), inv.rustTarget()
	if err := tg.CheckRelease(floor.Glibc); err != nil {
		return 2, usageError(err)
	}
	if err := checkRustStd(ctx, inv, triple); err != nil {
		return 2, usageError(err)
	}
	cfg, err := readConfigFor(triple, dir, inv.configs, os.Getenv, os.LookupEnv)
	if err != nil {
		return 2, usageError(err)
	}
	if err := checkCrtStatic(cfg, os.LookupEnv, rustcArgs(inv), floor.Glibc.String()); err != nil {
		return 2, usageError(err)
	}
	vars, err := environmentFor(floor, opt.Exe, tg, triple)
	if err != nil {
		return 2, usageError(err)
	}
	plan, err := planLinker(cfg, os.LookupEnv, varValue(vars, "CC"))
	if err != nil {
		return 2, usageError(err)
	}
	vars = append(vars, plan.env...)
	if !inv.quiet {
		fmt.Fprintf(opt.Stderr, "compatbuild: building for glibc %s (from %s): %s links through %s\n", floor.Glibc, floor.From, triple, filepath.Base(varValue(vars, "CC")))
	}
	if cfg.linker != "" && !isWrapper(cfg.linker) {
		fmt.Fprintf(opt.Stderr, "compatbuild: note: the linker %s (%s) is not used for %s; compatbuild links with %s: set COMPATBUILD_CC=%s if it is a C compiler driver\n", cfg.linker, cfg.linkerFrom, triple, varValue(vars, "COMPATBUILD_CC"), cfg.linker)
	}
	watch, err := watchOutputs(inv, dir)
	if err != nil {
		return 2, err
	}
	if watch != nil {
		defer watch.Close()
		name, value := watch.Env()
		vars = append(vars, buildenv.Var{Name: name, Value: value})
	}
	env := buildenv.Apply(os.Environ(), vars)

	mode := readNone
	if k == kindReport {
		_, mode = inv.messageFormat()
	}
	var artifacts []string
	code, err := runCargo(ctx, cargo, dir, inv.command(k, plan.configArgs), env, opt.Stdout, opt.Stderr, mode, &artifacts)
	if err != nil || code != 0 {
		return code, err
	}
	if k == kindReport {
		code = report(opt.Stderr, dir, artifacts, floor, triple)
	}
	if watch != nil {
		if c, err := checkOutputs(watch, inv.scanSkip, floor, tg, triple, opt.Stderr); err != nil || c != 0 {
			return c, err
		}
	}
	return code, nil
}

// rustcArgs are the arguments 'cargo rustc -- ARGS' passes to rustc ("--"
// first); other subcommands pass theirs to the program or test binary.
func rustcArgs(inv *invocation) []string {
	if inv.sub == "rustc" {
		return inv.tail
	}
	return nil
}

func cargoCommand(name string) (string, error) {
	if name == "" {
		name = os.Getenv("CARGO")
	}
	if name == "" {
		name = "cargo"
	}
	path, err := exec.LookPath(name)
	if err != nil {
		return "", &Error{Msg: fmt.Sprintf("cargo not found (%s): install Rust (rustup or your distro's cargo) or set CARGO", name), Code: 2}
	}
	return path, nil
}

// environment is buildenv's environment for the floor, with the wrappers
// pointing at exe, the user's CC_/CXX_<triple> kept as the real compilers,
// and no target linker variable (the linker comes in through rustflags, so
// it does not reach build scripts).
func environment(floor Floor, exe string) ([]buildenv.Var, error) {
	return environmentFor(floor, exe, target.Host(), buildenv.RustTarget)
}

// environmentFor is environment for the ABI tg and the Rust triple rust
// (which names tg: armv7-unknown-linux-gnueabihf or
// arm-unknown-linux-gnueabihf are both arm).
func environmentFor(floor Floor, exe string, tg target.Target, rust string) ([]buildenv.Var, error) {
	vars, err := buildenv.VarsFor(floor.Glibc, tg)
	if err != nil {
		return nil, err
	}
	triple := strings.ReplaceAll(rust, "-", "_")
	cc, cxx := varValue(vars, "CC"), varValue(vars, "CXX")
	if exe != "" {
		if cc, cxx, err = buildenv.WrappersFor(exe, floor.Glibc, tg); err != nil {
			return nil, err
		}
	}
	if triple != tg.EnvTriple() {
		// The cc crate reads the variables of the triple cargo builds for.
		vars = append(vars, buildenv.Var{Name: "CC_" + triple}, buildenv.Var{Name: "CXX_" + triple})
	}
	linkerVar := "CARGO_TARGET_" + envTripleOf(rust) + "_LINKER"
	genericLinker := "CARGO_TARGET_" + strings.ToUpper(tg.EnvTriple()) + "_LINKER"
	// The make and Python variables name the wrappers too.
	defCC, defCXX := varValue(vars, "CC"), varValue(vars, "CXX")
	out := vars[:0]
	for _, v := range vars {
		switch v.Name {
		case "MAKEFLAGS", "LDSHARED", "LDCXXSHARED":
			v.Value = strings.ReplaceAll(strings.ReplaceAll(v.Value, defCXX, cxx), defCC, cc)
		case "CC", "CC_" + triple:
			v.Value = cc
		case "CXX", "CXX_" + triple:
			v.Value = cxx
		case "COMPATBUILD_CC":
			if own := os.Getenv("CC_" + triple); os.Getenv("COMPATBUILD_CC") == "" && own != "" && !isWrapper(own) {
				v.Value = own
			}
		case "COMPATBUILD_CXX":
			if own := os.Getenv("CXX_" + triple); os.Getenv("COMPATBUILD_CXX") == "" && own != "" && !isWrapper(own) {
				v.Value = own
			}
		case linkerVar, genericLinker:
			continue
		}
		out = append(out, v)
	}
	return out, nil
}

func varValue(vars []buildenv.Var, name string) string {
	for _, v := range vars {
		if v.Name == name {
			return v.Value
		}
	}
	return ""
}

func isWrapper(cmd string) bool {
	f := strings.Fields(cmd)
	if len(f) == 0 {
		return false
	}
	_, _, ok := buildenv.ParseWrapperName(filepath.Base(f[0]))
	return ok
}

// runCargo runs cargo; in readOwn and readTee modes it reads cargo's JSON
// messages from standard output and collects the artifacts.
func runCargo(ctx context.Context, cargo, dir string, args, env []string, stdout, stderr io.Writer, mode int, artifacts *[]string) (int, error) {
	cmd := exec.CommandContext(ctx, cargo, args...)
	cmd.Dir, cmd.Env = dir, env
	cmd.Stdin, cmd.Stderr = os.Stdin, stderr
	var pipe io.ReadCloser
	if mode == readNone {
		cmd.Stdout = stdout
	} else {
		var err error
		if pipe, err = cmd.StdoutPipe(); err != nil {
			return 2, err
		}
	}
	if err := cmd.Start(); err != nil {
		return 2, &Error{Msg: fmt.Sprintf("running cargo: %v", err), Code: 2}
	}
	// An interrupt reaches cargo too (same process group); wait for it to
	// stop instead of leaving it behind.
	interrupts := make(chan os.Signal, 1)
	signal.Notify(interrupts, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(interrupts)
	var readErr error
	if pipe != nil {
		*artifacts, readErr = readMessages(pipe, stdout, mode == readTee)
		io.Copy(io.Discard, pipe)
	}
	err := cmd.Wait()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return exit.ExitCode(), nil
	case err != nil:
		return 2, &Error{Msg: fmt.Sprintf("running cargo: %v", err), Code: 2}
	case readErr != nil:
		return 2, &Error{Msg: fmt.Sprintf("reading cargo's messages: %v", readErr), Code: 2}
	}
	return 0, nil
}

// message is the part of a cargo JSON message compatbuild reads.
type message struct {
	Reason string `json:"reason"`
	Target struct {
		Kind []string `json:"kind"`
	} `json:"target"`
	Filenames  []string `json:"filenames"`
	Executable *string  `json:"executable"`
}

// readMessages passes on what is not a cargo message (or everything, with
// tee) and returns the linked artifacts cargo reports: executables and
// shared libraries of the target's crates, in order, without repeats.
func readMessages(r io.Reader, w io.Writer, tee bool) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	br := bufio.NewReader(r)
	for {
		line, err := br.ReadBytes('\n')
		if len(line) > 0 {
			var m message
			isMsg := bytes.HasPrefix(line, []byte("{")) && json.Unmarshal(line, &m) == nil && m.Reason != ""
			if !isMsg || tee {
				if _, werr := w.Write(line); werr != nil {
					return out, werr
				}
			}
			if isMsg && m.Reason == "compiler-artifact" && linkedKind(m.Target.Kind) {
				if m.Executable != nil && *m.Executable != "" {
					add(*m.Executable)
				}
				for _, f := range m.Filenames {
					if strings.HasSuffix(f, ".so") {
						add(f)
					}
				}
			}
		}
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
	}
}

// linkedKind: target kinds whose artifacts are linked for the target
// (build scripts and proc-macros are built for the host).
func linkedKind(kinds []string) bool {
	for _, k := range kinds {
		switch k {
		case "custom-build", "proc-macro":
			return false
		}
	}
	return len(kinds) > 0
}

// report checks each artifact against the floor and returns the exit code.
func report(w io.Writer, dir string, artifacts []string, floor Floor, triple string) int {
	if len(artifacts) == 0 {
		fmt.Fprintf(w, "compatbuild: cargo built no executable or shared library for %s; nothing to check\n", triple)
		return 0
	}
	// cargo reports artifacts in the order its parallel jobs finish.
	artifacts = slices.Sorted(slices.Values(artifacts))
	shown := make([]string, len(artifacts))
	for i, a := range artifacts {
		shown[i] = a
		if rel, err := filepath.Rel(dir, a); err == nil && !strings.HasPrefix(rel, "..") {
			shown[i] = rel
		}
	}
	rep := check.Paths(artifacts, floor.Glibc)
	for _, f := range rep.Files {
		for i, a := range artifacts {
			if f.Path == a {
				f.Path = shown[i]
			}
		}
	}
	fmt.Fprintf(w, "compatbuild: glibc floor of what cargo built (target glibc %s):\n", floor.Glibc)
	rep.WriteText(w)
	return rep.ExitCode()
}
