package driver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"compatbuild/internal/cachefs"
	"compatbuild/internal/procgroup"
)

// How a link ends when it does not end well. An interrupted link (SIGINT,
// SIGTERM, SIGHUP to compatbuild) or one whose compiler a signal killed
// (a crash, the OOM killer) may leave a half-written output; an
// incremental build would take it as up to date. So the output goes, and
// only then is anything printed: with stderr a closed pipe the printing
// may fail, the removal must not depend on it. The exit status is 128+N
// for signal N, as a shell reports a killed command.

// outputFile is the link's output as it was before the link.
type outputFile struct {
	path    string
	existed bool
	before  syscall.Stat_t
}

func snapshotOutput(path string) outputFile {
	o := outputFile{path: path}
	o.existed = syscall.Stat(path, &o.before) == nil
	return o
}

// unchanged reports whether the output is there and as it was before the
// link (same inode, size, modification and change times).
func (o outputFile) unchanged() bool {
	var now syscall.Stat_t
	return o.existed && syscall.Stat(o.path, &now) == nil && now.Dev == o.before.Dev && now.Ino == o.before.Ino &&
		now.Size == o.before.Size && now.Mtim == o.before.Mtim && now.Ctim == o.before.Ctim
}

// removeIfWritten removes the output if the link created or changed it
// (a file that is as it was before belongs to an earlier build) and it is
// a regular file (not /dev/null). It reports whether it removed it.
func (o outputFile) removeIfWritten() bool {
	var now syscall.Stat_t
	if o.path == "" || syscall.Stat(o.path, &now) != nil || now.Mode&syscall.S_IFMT != syscall.S_IFREG || o.unchanged() {
		return false
	}
	return os.Remove(o.path) == nil
}

// killedError is a compiler that a signal ended, not one the driver sent.
type killedError struct {
	compiler string
	sig      syscall.Signal
}

func (e *killedError) Error() string {
	return fmt.Sprintf("the compiler %s %s", e.compiler, procgroup.Describe(e.sig))
}

// codeOf is the exit code for a failed runLink.
func codeOf(code int, err error) int {
	var ke *killedError
	switch {
	case errors.As(err, &ke):
		return 128 + int(ke.sig)
	case err != nil:
		return 2
	}
	return code
}

// finish turns an interruption or a killed compiler into the output's
// removal and a message, in that order.
func finish(ctx context.Context, stderr io.Writer, out outputFile, code int, err error) (int, error) {
	removed := func() string {
		if out.removeIfWritten() {
			return fmt.Sprintf("; removed %s, which it may have left half-written", out.path)
		}
		return ""
	}
	if sig, ok := procgroup.SignalOf(ctx); ok {
		msg := "interrupted by " + procgroup.Name(sig) + removed()
		return 128 + int(sig), &Error{Msg: msg, Code: 128 + int(sig)}
	}
	var ke *killedError
	if errors.As(err, &ke) {
		code, msg := 128+int(ke.sig), ke.Error()
		if out.path != "" {
			msg += " during the link" + removed()
		}
		return code, &Error{Msg: msg, Code: code}
	}
	return code, err
}

// rspFiles are response files the driver writes for the compiler; they
// live in one private temporary directory until the link is done.
type rspFiles struct{ dir string }

// flat writes args to a response file and returns the command line that
// names it.
func (r *rspFiles) flat(args []string) ([]string, error) {
	if r.dir == "" {
		dir, err := os.MkdirTemp(cachefs.TempRoot(), "compatbuild-rsp-")
		if err != nil {
			return nil, fmt.Errorf("writing a response file: %v", err)
		}
		r.dir = dir
	}
	f, err := os.CreateTemp(r.dir, "args-*.rsp")
	if err != nil {
		return nil, fmt.Errorf("writing a response file: %v", err)
	}
	_, err = f.WriteString(joinResponseFile(args))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("writing a response file: %v", err)
	}
	return []string{"@" + f.Name()}, nil
}

func (r *rspFiles) remove() {
	if r.dir != "" {
		os.RemoveAll(r.dir)
	}
}

// fromCompiler says where an option came from when the compiler command
// carries it (CC="gcc -static"), so the fix names the right place.
func fromCompiler(compiler []string, opt string) string {
	if slices.Contains(compiler[1:], opt) {
		return fmt.Sprintf(" (it is in the compiler command %q: fix CC or COMPATBUILD_CC)", strings.Join(compiler, " "))
	}
	return ""
}

// checkOutputPath refuses a link output that is a stream or a device
// (-o /dev/stdout, /dev/fd/N, a FIFO, a symlink to one): the driver checks
// what a link wrote and removes it when it would not load on the target,
// which it cannot do once the bytes have gone down a pipe. /dev/null keeps
// nothing and is allowed.
func checkOutputPath(out, glibc string) error {
	if out == "/dev/null" {
		return nil
	}
	// Each hop of a symlink chain counts: /dev/stdout leads through
	// /proc/self/fd/1 to whatever stdout is, a regular file included.
	p := out
	for range 40 {
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil
		}
		if abs != "/dev/null" && (strings.HasPrefix(abs, "/dev/") || strings.HasPrefix(abs, "/proc/")) {
			return streamOutput(out, glibc)
		}
		fi, err := os.Lstat(abs)
		if err != nil {
			return nil // not there yet: the link creates a file
		}
		if fi.Mode()&os.ModeSymlink == 0 {
			if !fi.Mode().IsRegular() && !fi.IsDir() {
				return streamOutput(out, glibc)
			}
			return nil
		}
		to, err := os.Readlink(abs)
		if err != nil {
			return nil
		}
		if !filepath.IsAbs(to) {
			to = filepath.Join(filepath.Dir(abs), to)
		}
		p = to
	}
	return nil
}

func streamOutput(out, glibc string) error {
	return errorf("-o %s: compatbuild checks a linked output and removes it when it would not load on glibc %s, which it cannot do for a stream or device; link to a file and copy that", out, glibc)
}
