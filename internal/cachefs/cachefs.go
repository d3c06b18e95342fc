// Package cachefs holds the few file operations compatbuild's caches
// (sysroots, runtimes, dlopen hosts, wrappers) are built from, so that all
// of them follow one rule: assemble under a temporary name, fsync, rename.
// A reader then sees a complete entry or none, even with many concurrent
// writers and across a crash.
package cachefs

import (
	"os"
)

// Sync fsyncs a file or a directory (for a directory: its entries, which
// makes a rename into it durable).
func Sync(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// WriteFile writes data to path and fsyncs it before returning.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
