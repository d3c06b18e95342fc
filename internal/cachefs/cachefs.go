// Package cachefs holds the few file operations compatbuild's caches
// (sysroots, runtimes, dlopen hosts, wrappers) are built from, so that all
// of them follow one rule: assemble under a temporary name, fsync, rename.
// A reader then sees a complete entry or none, even with many concurrent
// writers and across a crash.
package cachefs

import (
	"fmt"
	"os"
	"syscall"
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

// CheckPrivate refuses a cache directory that someone else could have
// written to, as ssh and gpg refuse their directories: dir (symbolic links
// followed) must be a directory owned by the effective user and not
// writable by group or others. Another local user who could write there
// could plant a file that every later build or run trusts. The error is
// one line that says how to fix it.
func CheckPrivate(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("cache path %s is not a directory; remove it", dir)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	if uid := os.Geteuid(); int(st.Uid) != uid {
		return fmt.Errorf("cache directory %s belongs to uid %d, not to you (uid %d), so its contents cannot be trusted; remove it, or set XDG_CACHE_HOME to a directory of your own", dir, st.Uid, uid)
	}
	if perm := fi.Mode().Perm(); perm&0o022 != 0 {
		return fmt.Errorf("cache directory %s is writable by group or others (mode %04o), so its contents cannot be trusted; run chmod go-w %s, or remove it", dir, perm, dir)
	}
	return nil
}
