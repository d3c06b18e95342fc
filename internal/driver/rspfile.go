package driver

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
	"time"
)

// Response files (@file) are read as gcc reads them (libiberty's
// expandargv; clang reads them the same way on Linux): the argument
// @path is replaced, in place, by the arguments the file holds, split by
// splitResponseFile; nested @file arguments are read relative to the
// working directory; an @path that cannot be opened stays a literal
// argument (an input named "@path"); a directory is an error.
//
// What the file names is bounded, because the driver reads it before the
// compiler does and a hostile or broken one must end in a one-line error,
// not a hang or an out-of-memory crash:
//
//   - at most maxResponseFiles expansions in all (gcc's own limit: it
//     stops with "too many @-files encountered");
//   - at most maxResponseBytes read from all of them together (@/dev/zero
//     or @/dev/urandom never end);
//   - a file that includes itself, directly or through others, is an
//     error at once (gcc would expand it 2000 times first);
//   - a file that is not a regular file (a FIFO, a pipe such as bash's
//     @<(...), a terminal) must deliver its content within responseWait,
//     counted from the open: a FIFO nobody writes to does not hang the
//     build.
//
// Reading a pipe takes its content away from the compiler. When that
// happens (expansion.consumed), the driver gives the compiler the whole
// expanded command line in a response file of its own instead.
const (
	maxResponseFiles = 2000
	maxResponseBytes = 32 << 20
)

// responseWait is a variable for tests.
var responseWait = 10 * time.Second

// expansion is a command line with its response files read.
type expansion struct {
	args     []string // as the compiler sees them
	files    int      // response files expanded
	consumed bool     // one of them was a pipe, FIFO or device, now read
	bytes    int64
}

// expandArgs reads the response files among args (see above).
func expandArgs(args []string) (*expansion, error) {
	e := &expansion{}
	out, err := e.expand(args, nil)
	if err != nil {
		return nil, err
	}
	e.args = out
	return e, nil
}

// fileID identifies a file by device and inode, to catch loops.
type fileID struct{ dev, ino uint64 }

func (e *expansion) expand(args []string, chain []fileID) ([]string, error) {
	if !hasResponseFile(args) {
		return args, nil
	}
	var out []string
	for _, a := range args {
		if len(a) < 2 || a[0] != '@' {
			out = append(out, a)
			continue
		}
		data, id, ok, err := e.read(a[1:])
		if err != nil {
			return nil, err
		}
		if !ok {
			out = append(out, a) // as gcc: a literal argument
			continue
		}
		for _, c := range chain {
			if c == id && id != (fileID{}) {
				return nil, fmt.Errorf("response file %s includes itself (through @%s), so it never ends: remove the loop", a[1:], a[1:])
			}
		}
		inner, err := e.expand(splitResponseFile(string(data)), append(chain, id))
		if err != nil {
			return nil, err
		}
		out = append(out, inner...)
	}
	return out, nil
}

func hasResponseFile(args []string) bool {
	for _, a := range args {
		if len(a) > 1 && a[0] == '@' {
			return true
		}
	}
	return false
}

// read returns the content of one response file; ok is false when it
// cannot be opened, which makes @path a literal argument.
func (e *expansion) read(path string) (data []byte, id fileID, ok bool, err error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fileID{}, false, nil
	}
	if st.IsDir() {
		return nil, fileID{}, false, fmt.Errorf("response file @%s is a directory", path)
	}
	if e.files++; e.files > maxResponseFiles {
		return nil, fileID{}, false, fmt.Errorf("more than %d response files (@%s and those it names): gcc stops there too; flatten them", maxResponseFiles, path)
	}
	if sys, ok := st.Sys().(*syscall.Stat_t); ok {
		id = fileID{uint64(sys.Dev), sys.Ino}
	}
	budget := maxResponseBytes - e.bytes
	if st.Mode().IsRegular() {
		if st.Size() > budget {
			return nil, id, false, tooBig(path)
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, fileID{}, false, nil
		}
		defer f.Close()
		data, err = io.ReadAll(io.LimitReader(f, budget+1))
		if err != nil {
			return nil, id, false, fmt.Errorf("reading response file @%s: %v", path, err)
		}
	} else {
		e.consumed = true
		if data, err = readSpecial(path, budget); err != nil {
			return nil, id, false, err
		}
	}
	if int64(len(data)) > budget {
		return nil, id, false, tooBig(path)
	}
	e.bytes += int64(len(data))
	return data, id, true, nil
}

func tooBig(path string) error {
	return fmt.Errorf("response file @%s: the response files of this command line hold more than %d MiB, which no real command line needs: is @%s the file you meant?", path, maxResponseBytes>>20, path)
}

// readSpecial reads a FIFO, pipe or device, at most budget+1 bytes and
// for at most responseWait.
func readSpecial(path string, budget int64) ([]byte, error) {
	deadline := time.Now().Add(responseWait)
	type opened struct {
		f   *os.File
		err error
	}
	ch := make(chan opened, 1)
	// Opening a FIFO blocks until a writer opens it too.
	go func() {
		f, err := os.Open(path)
		ch <- opened{f, err}
	}()
	var f *os.File
	select {
	case o := <-ch:
		if o.err != nil {
			return nil, fmt.Errorf("reading response file @%s: %v", path, o.err)
		}
		f = o.f
	case <-time.After(responseWait):
		// Unblock the open by being its writer, then close both.
		if w, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			w.Close()
		}
		go func() {
			if o := <-ch; o.f != nil {
				o.f.Close()
			}
		}()
		return nil, noData(path)
	}
	defer f.Close()
	f.SetReadDeadline(deadline) // works for pipes, FIFOs and terminals
	data, err := io.ReadAll(io.LimitReader(f, budget+1))
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return nil, noData(path)
	}
	if err != nil && !errors.Is(err, fs.ErrClosed) {
		return nil, fmt.Errorf("reading response file @%s: %v", path, err)
	}
	return data, nil
}

func noData(path string) error {
	return fmt.Errorf("response file @%s is a FIFO, pipe or terminal that delivered no end of data within %v: write it to a regular file", path, responseWait)
}
