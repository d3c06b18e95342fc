package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"compatbuild/internal/abidb"
	"compatbuild/internal/buildenv"
	"compatbuild/internal/outputs"
	"compatbuild/internal/target"
)

// scanOptions are the output check's options, shared by exec, go and
// cargo: --no-scan turns it off, --scan-skip PATTERN (repeatable) leaves
// out files the build only runs on this machine.
type scanOptions struct {
	off  bool
	skip []string
}

const scanHelp = `
After the command succeeds, every ELF executable and shared library it
created or changed under the working directory is checked: one that did not
link through compatbuild (a Makefile that runs gcc by name, a Python
extension linked with distutils' own command) and needs a newer glibc than
the target fails the command, with its floor and the likely cause. Tools the
build compiles only to run them here can be left out with --scan-skip; huge
trees can skip the check with --no-scan.`

func (s *scanOptions) register(fs *flag.FlagSet) {
	fs.BoolVar(&s.off, "no-scan", false, "do not check the executables and shared libraries the command wrote")
	fs.Func("scan-skip", "leave files or directories matching `PATTERN` (a path under the working directory or a base name, glob syntax) out of the check; repeatable", func(p string) error {
		if _, err := filepath.Match(p, ""); err != nil || p == "" {
			return fmt.Errorf("%q is not a pattern", p)
		}
		s.skip = append(s.skip, p)
		return nil
	})
}

// take reads the scan options from args[i] (and args[i+1]) for commands
// that parse their own arguments; n is how many arguments it used.
func (s *scanOptions) take(args []string, i int) (n int, err error) {
	a := args[i]
	switch {
	case a == "--no-scan":
		s.off = true
		return 1, nil
	case a == "--scan-skip":
		if i+1 >= len(args) {
			return 0, fmt.Errorf("--scan-skip needs a pattern, e.g. --scan-skip 'tools/*'")
		}
		a, n = "--scan-skip="+args[i+1], 2
	case strings.HasPrefix(a, "--scan-skip="):
		n = 1
	default:
		return 0, nil
	}
	p := strings.TrimPrefix(a, "--scan-skip=")
	if _, err := filepath.Match(p, ""); err != nil || p == "" {
		return 0, fmt.Errorf("--scan-skip %q: not a pattern", p)
	}
	s.skip = append(s.skip, p)
	return n, nil
}

// runWatched runs argv like runWithEnv and then checks what it wrote under
// the working directory (unless scan.off): exit 1 when an output of t's
// ABI that did not link through compatbuild is above the target glibc.
func runWatched(v abidb.Version, t target.Target, argv []string, extra []buildenv.Var, scan scanOptions, stdout, stderr io.Writer) int {
	if scan.off {
		return runWithEnv(v, t, argv, extra, stdout, stderr)
	}
	dir, err := os.Getwd()
	if err != nil {
		return fail(stderr, "current directory: %v", err)
	}
	w, err := outputs.Start(dir)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	defer w.Close()
	name, value := w.Env()
	code := runWithEnv(v, t, argv, append(extra, buildenv.Var{Name: name, Value: value}), stdout, stderr)
	if code != ExitOK {
		return code
	}
	began := time.Now()
	res, err := w.Check(outputs.Options{Target: v, ABI: t.ABI, Skip: scan.skip})
	if err != nil {
		return fail(stderr, "%v; --no-scan skips this check", err)
	}
	if took := time.Since(began); took > 2*time.Second {
		fmt.Fprintf(stderr, "compatbuild: note: checking what the command wrote took %.1f s (%d files); --no-scan skips it\n", took.Seconds(), res.Walked)
	}
	res.Write(stderr, v, "--no-scan")
	if len(res.Above) > 0 {
		return ExitFail
	}
	return ExitOK
}
