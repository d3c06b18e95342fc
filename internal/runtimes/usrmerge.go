package runtimes

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Merged /usr. Debian 12 supports only the merged-/usr layout (its release
// notes: upgrades to bookworm require it, usrmerge did it on older
// systems), and Debian 13's packages ship their files under /usr only,
// with base-files making /bin, /sbin, /lib and the /libNN directories
// symbolic links into /usr. Packages extracted with dpkg-deb -x get
// neither: a fetched debian:13 runtime has no /lib, so a program whose
// PT_INTERP is /lib/ld-linux-riscv64-lp64d.so.1 finds no loader there;
// a debian:12 runtime has /lib and /usr/lib as two directories. So a
// fetched runtime of a merged-/usr release is merged as such a system is:
// what dpkg put in /bin, /sbin, /lib* moves into its /usr twin, and the
// top-level names become links into /usr.

// mergedDirs are the top-level directories a merged-/usr system links
// into /usr (base-files and usrmerge's list; the /libNN ones only where
// the architecture has them).
var mergedDirs = []string{"bin", "sbin", "lib", "lib32", "lib64", "libo32", "libx32"}

// mergeUsr merges root's top-level directories into root/usr. It runs
// before absolute symlinks are made relative; relative ones are rewritten
// for their new place. A name under both /X and /usr/X with different
// contents is an error, as it is for usrmerge.
func mergeUsr(root string) error {
	for _, d := range mergedDirs {
		top, usr := filepath.Join(root, d), filepath.Join(root, "usr", d)
		fi, err := os.Lstat(top)
		switch {
		case err == nil && fi.Mode()&fs.ModeSymlink != 0:
			continue
		case err == nil && fi.IsDir():
			if err := moveTree(root, "/"+d, "/usr/"+d); err != nil {
				return err
			}
			if err := os.RemoveAll(top); err != nil {
				return err
			}
		case err == nil:
			return fmt.Errorf("merging /usr: /%s is neither a directory nor a link", d)
		default:
			// Only what the release has: bin, sbin and lib always
			// (base-files makes them), /libNN where /usr/libNN exists.
			if _, err := os.Stat(usr); err != nil && d != "bin" && d != "sbin" && d != "lib" {
				continue
			}
		}
		if err := os.MkdirAll(usr, 0o755); err != nil {
			return err
		}
		if err := os.Symlink("usr/"+d, top); err != nil {
			return err
		}
	}
	return nil
}

// moveTree moves every file under root+from to the same place under
// root+to (paths inside root).
func moveTree(root, from, to string) error {
	return filepath.WalkDir(filepath.Join(root, from), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel := strings.TrimPrefix(p, filepath.Join(root, from))
		dst := filepath.Join(root, to, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if _, err := os.Lstat(dst); err == nil {
			if !sameEntry(p, dst) {
				return fmt.Errorf("merging /usr: both %s and %s exist and differ", from+rel, to+rel)
			}
			return os.Remove(p)
		}
		if d.Type()&fs.ModeSymlink != 0 {
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			if !filepath.IsAbs(target) {
				// The same file seen from the link's new directory.
				abs := filepath.Join(filepath.Dir(from+rel), target)
				if target, err = filepath.Rel(filepath.Dir(to+rel), abs); err != nil {
					return err
				}
			}
			if err := os.Symlink(target, dst); err != nil {
				return err
			}
			return os.Remove(p)
		}
		return os.Rename(p, dst)
	})
}

// sameEntry reports whether a and b are the same link or hold the same
// bytes.
func sameEntry(a, b string) bool {
	ta, errA := os.Readlink(a)
	tb, errB := os.Readlink(b)
	if errA == nil || errB == nil {
		return errA == nil && errB == nil && filepath.Base(ta) == filepath.Base(tb)
	}
	da, errA := os.ReadFile(a)
	db, errB := os.ReadFile(b)
	return errA == nil && errB == nil && bytes.Equal(da, db)
}
