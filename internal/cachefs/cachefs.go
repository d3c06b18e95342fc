// Package cachefs holds the few file operations compatbuild's caches
// (sysroots, runtimes, dlopen hosts, wrappers) are built from, so that all
// of them follow one rule: assemble under a temporary name, fsync, rename.
// A reader then sees a complete entry or none, even with many concurrent
// writers and across a crash.
package cachefs

import (
	"os"
	"sync"
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

// WriteFiles is WriteFile for every path of files, concurrently: fsyncs
// issued together share the file system's journal commits, where one
// after another each waits for its own. It returns the first error, after
// every write has ended.
func WriteFiles(files map[string][]byte, perm os.FileMode) error {
	var fns []func() error
	for path, data := range files {
		fns = append(fns, func() error { return WriteFile(path, data, perm) })
	}
	return concurrently(fns)
}

// SyncAll is Sync for every path, concurrently (see WriteFiles).
func SyncAll(paths []string) error {
	var fns []func() error
	for _, path := range paths {
		fns = append(fns, func() error { return Sync(path) })
	}
	return concurrently(fns)
}

// concurrently runs fns, at most 16 at a time, and returns the first
// error of the first failing function in fns' order.
func concurrently(fns []func() error) error {
	errs := make([]error, len(fns))
	limit := make(chan struct{}, 16)
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Add(1)
		limit <- struct{}{}
		go func() {
			defer wg.Done()
			errs[i] = fn()
			<-limit
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
