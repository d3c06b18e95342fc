package driver

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"syscall"

	"compatbuild/internal/cachefs"
)

// The compilers of a link get a TMPDIR of their own, emptied when the link
// ends: gcc interrupted by a signal sometimes leaves its temporary files
// (ccXXXXXX.s, .o, .res) behind, a race in its cleanup that plain gcc
// shows too (2 runs in 40 here).
//
// Making and removing a directory for every link costs a journal update
// each; on a busy disk that was 1 to 5 ms, a tenth of a link. So the
// directories are reused: $TMPDIR/compatbuild-<uid>/<n>, each claimed by
// one link at a time with flock, emptied when claimed (after a process
// killed outright) and when released. A warm link then spends a handful
// of system calls on it and changes nothing on disk.

// maxTempSlots bounds the reusable directories (one per concurrent link).
const maxTempSlots = 64

// tempDir is a claimed private directory.
type tempDir struct {
	path string
	lock *os.File // holds the flock; nil for a one-off directory
}

// claimTempDir claims a reusable directory, or makes a one-off one when
// none can be used (the base is not safely ours, flock is unsupported,
// every slot is busy).
func claimTempDir() (*tempDir, error) {
	if d := claimSlot(); d != nil {
		return d, nil
	}
	dir, err := os.MkdirTemp(cachefs.TempRoot(), "compatbuild-")
	if err != nil {
		return nil, fmt.Errorf("creating a temporary directory: %v; set TMPDIR to a directory you can write to", err)
	}
	return &tempDir{path: dir}, nil
}

func claimSlot() *tempDir {
	base := filepath.Join(cachefs.TempRoot(), "compatbuild-"+strconv.Itoa(os.Geteuid()))
	if !privateDir(base) {
		if err := os.Mkdir(base, 0o700); err != nil || !privateDir(base) {
			return nil // someone else's, or a symbolic link: not used
		}
	}
	for n := range maxTempSlots {
		slot := filepath.Join(base, strconv.Itoa(n))
		f, err := os.Open(slot)
		if errors.Is(err, os.ErrNotExist) {
			if os.Mkdir(slot, 0o700) != nil && !privateDir(slot) {
				return nil
			}
			f, err = os.Open(slot)
		}
		if err != nil {
			return nil
		}
		switch err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); {
		case err == nil:
			d := &tempDir{path: slot, lock: f}
			if !privateDir(slot) {
				d.release()
				return nil
			}
			d.empty()
			return d
		case errors.Is(err, syscall.EWOULDBLOCK):
			f.Close() // in use by another link
		default:
			f.Close()
			return nil // flock unsupported here
		}
	}
	return nil
}

// privateDir reports whether path is a directory (not a link to one) of
// this user that no one else can enter.
func privateDir(path string) bool {
	var st syscall.Stat_t
	return syscall.Lstat(path, &st) == nil && st.Mode&syscall.S_IFMT == syscall.S_IFDIR &&
		st.Uid == uint32(os.Geteuid()) && st.Mode&0o077 == 0
}

// empty removes whatever is in the directory, reading it through the
// descriptor that holds the lock.
func (d *tempDir) empty() {
	if _, err := d.lock.Seek(0, io.SeekStart); err != nil {
		return
	}
	for {
		names, err := d.lock.Readdirnames(64)
		for _, n := range names {
			os.RemoveAll(filepath.Join(d.path, n))
		}
		if err != nil || len(names) == 0 {
			return
		}
	}
}

// release empties the directory and gives it back (or removes a one-off).
func (d *tempDir) release() {
	if d.lock == nil {
		os.RemoveAll(d.path)
		return
	}
	d.empty()
	d.lock.Close() // drops the flock
}
