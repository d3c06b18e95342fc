package elfinfo

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"syscall"
)

// window reads byte ranges of one file, refusing any range the file does
// not hold. Every count a file claims becomes a range here before anything
// is allocated for it, so a header that claims more than the file holds is
// an error, not an allocation: memory per file is bounded by the bytes that
// are really there.
//
// Small reads are served from one cached block, so walking version-need
// records or hash chains costs one read, not one per record.
type window struct {
	r    io.ReaderAt
	size uint64
	// blk caches the bytes at [blkOff, blkOff+len(blk)).
	blk    []byte
	blkOff uint64
}

// blockSize is what one small read fetches around its range.
const blockSize = 16 << 10

// sparseCheckMin is the size from which a range is checked for holes: a
// sparse file can claim gigabytes that occupy no disk and make a reader
// allocate them all. Real dynamic tables never contain a hole.
const sparseCheckMin = 1 << 20

func (w *window) check(off, n uint64, what string) error {
	if off > w.size || n > w.size-off {
		return fmt.Errorf("%s claims bytes %d..%d, beyond the file's %d", what, off, off+n, w.size)
	}
	return nil
}

// bytes returns n bytes at off. The slice may alias the cache: callers
// copy what they keep.
func (w *window) bytes(off, n uint64, what string) ([]byte, error) {
	if err := w.check(off, n, what); err != nil {
		return nil, err
	}
	if off >= w.blkOff && off+n <= w.blkOff+uint64(len(w.blk)) {
		return w.blk[off-w.blkOff : off-w.blkOff+n], nil
	}
	if n > blockSize {
		return w.read(off, n, what)
	}
	end := min(off+blockSize, w.size)
	if cap(w.blk) < blockSize {
		w.blk = make([]byte, blockSize)
	}
	w.blk = w.blk[:end-off]
	if _, err := w.r.ReadAt(w.blk, int64(off)); err != nil && err != io.EOF {
		w.blk = w.blk[:0]
		return nil, fmt.Errorf("reading %s: %v", what, err)
	}
	w.blkOff = off
	return w.blk[:n], nil
}

// read returns a fresh slice with n bytes at off, after making sure a
// large range is backed by data.
func (w *window) read(off, n uint64, what string) ([]byte, error) {
	if err := w.check(off, n, what); err != nil {
		return nil, err
	}
	if n >= sparseCheckMin {
		if err := w.holeFree(off, n, what); err != nil {
			return nil, err
		}
	}
	buf := make([]byte, n)
	if _, err := w.r.ReadAt(buf, int64(off)); err != nil && !(err == io.EOF && n == 0) {
		return nil, fmt.Errorf("reading %s: %v", what, err)
	}
	return buf, nil
}

// seekHole is lseek's SEEK_HOLE (Linux, FreeBSD, Solaris).
const seekHole = 4

// holeFree fails when [off, off+n) of a regular file contains a hole. A
// reader that is not a file, or a file system without SEEK_HOLE (which
// then reports the end of the file), passes.
func (w *window) holeFree(off, n uint64, what string) error {
	f, ok := w.r.(*os.File)
	if !ok {
		return nil
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return nil
	}
	var hole int64 = -1
	rc.Control(func(fd uintptr) {
		// pread does not use the file offset, so moving it is harmless.
		h, err := syscall.Seek(int(fd), int64(off), seekHole)
		if err == nil {
			hole = h
		}
	})
	if hole >= 0 && uint64(hole) < off+n {
		return fmt.Errorf("%s claims %d bytes at %d, but the file holds no data from %d (a sparse file): malformed", what, n, off, hole)
	}
	return nil
}

// strtab is a string table whose lookups are bounded in total: names may
// share bytes (linkers merge "foo" into the tail of "barfoo"), but a
// crafted file could point thousands of symbols into one long string and
// turn a small file into quadratic time and copies. The scan budget is
// linear in the table's size; spending it is malformed.
type strtab struct {
	buf  []byte
	scan int
	seen map[uint64]string // names already read, by offset
}

func newStrtab(buf []byte) *strtab {
	return &strtab{buf: buf, scan: 4*len(buf) + 64<<10, seen: map[uint64]string{}}
}

// at returns the NUL-terminated string at off.
func (t *strtab) at(off uint64, what string) (string, error) {
	if s, ok := t.seen[off]; ok {
		return s, nil
	}
	if off >= uint64(len(t.buf)) {
		return "", fmt.Errorf("%s: string offset %d beyond the string table's %d bytes", what, off, len(t.buf))
	}
	n := bytes.IndexByte(t.buf[off:], 0)
	if n < 0 {
		return "", fmt.Errorf("%s: string at %d is not NUL-terminated", what, off)
	}
	if t.scan -= n + 1; t.scan < 0 {
		return "", fmt.Errorf("%s: names overlap far more than any linker makes them (string table of %d bytes)", what, len(t.buf))
	}
	s := string(t.buf[off : off+uint64(n)])
	t.seen[off] = s
	return s, nil
}
