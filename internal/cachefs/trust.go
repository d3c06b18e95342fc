package cachefs

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// What a cache directory must be, and why: compatbuild puts the cache's
// files into every program it links (start files, linker scripts, stub
// libraries) and runs what it caches (verify's runtimes and hosts). A
// directory that another local user can write to, or that another user
// owns, lets that user add their own code to every program the victim
// builds. compatbuild therefore refuses such a directory, as ssh refuses
// an authorized_keys file and gpg a home directory that others can write:
//
//   - the cache directory itself must belong to the user compatbuild runs
//     as and must not be writable by group or others;
//   - every directory above it must belong to that user or to root and
//     must not be writable by group or others, unless it has the sticky
//     bit (like /tmp), where others can add names but not rename or remove
//     the user's.
//
// Symbolic links on the way are resolved first and the real path is
// checked. Reading is not policed (a 0755 cache is fine): integrity, not
// secrecy, is what a build depends on.

// UntrustedError says why a cache directory is refused and how to fix it.
type UntrustedError struct {
	Dir    string // the offending directory (the cache or one above it)
	Cache  string // the cache directory that was asked about
	Reason string
	Fix    string
}

func (e *UntrustedError) Error() string {
	if e.Dir != e.Cache {
		return fmt.Sprintf("refusing the cache directory %s: %s, a directory above it, %s, so another user could change what compatbuild links into your programs; %s", e.Cache, e.Dir, strings.TrimPrefix(e.Reason, "it "), e.Fix)
	}
	return fmt.Sprintf("refusing the cache directory %s: %s, so another user could change what compatbuild links into your programs; %s", e.Dir, e.Reason, e.Fix)
}

// CheckTrusted verifies that dir, an existing cache directory, can be
// trusted (see above). It returns an *UntrustedError naming the fix, or
// the error of reading the path.
func CheckTrusted(dir string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return err
	}
	return checkFrom(real, real, true)
}

// checkFrom checks real and every directory above it; leaf says whether
// real is the cache directory itself (which must be the user's own) or
// the nearest existing directory above one not created yet, for which
// the rule of the directories above applies (root's /tmp is fine).
func checkFrom(real, cache string, leaf bool) error {
	uid := uint32(os.Geteuid())
	for p := real; ; p, leaf = filepath.Dir(p), false {
		st, err := os.Stat(p)
		if err != nil {
			return err
		}
		sys, ok := st.Sys().(*syscall.Stat_t)
		if !ok {
			return fmt.Errorf("cannot read the owner of %s", p)
		}
		mode := st.Mode()
		switch {
		case leaf && !st.IsDir():
			return fmt.Errorf("cache directory %s is not a directory: remove it", p)
		case sys.Uid != uid && (leaf || sys.Uid != 0):
			return &UntrustedError{Dir: p, Cache: cache,
				Reason: fmt.Sprintf("it belongs to %s, not to you (%s)", userName(sys.Uid), userName(uid)),
				Fix:    fixOwner(p, cache, leaf)}
		case mode.Perm()&0o022 != 0 && (leaf || mode&os.ModeSticky == 0):
			return &UntrustedError{Dir: p, Cache: cache,
				Reason: fmt.Sprintf("it is writable by %s (mode %04o)", writers(mode), mode.Perm()),
				Fix:    "run: chmod go-w " + ShellQuote(p)}
		}
		if p == filepath.Dir(p) {
			return nil
		}
	}
}

// PrivateDir creates dir (and missing parents) with mode 0700 if it does
// not exist, then checks it with CheckTrusted.
func PrivateDir(dir string) error {
	// What is above a directory not there yet is checked before anything
	// is created under it.
	if abs, err := filepath.Abs(dir); err == nil {
		p := abs
		for {
			if _, err := os.Lstat(p); err == nil || p == filepath.Dir(p) {
				break
			}
			p = filepath.Dir(p)
		}
		if p != abs {
			real, err := filepath.EvalSymlinks(p)
			if err != nil {
				return err
			}
			if err := checkFrom(real, abs, false); err != nil {
				return err
			}
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating cache directory %s: %v", dir, err)
	}
	return CheckTrusted(dir)
}

func fixOwner(p, cache string, leaf bool) string {
	if leaf {
		return "remove it (as its owner or root: rm -rf " + ShellQuote(p) + ") or set XDG_CACHE_HOME to a directory of your own"
	}
	return "set XDG_CACHE_HOME to a directory of your own, outside " + ShellQuote(p)
}

func writers(mode os.FileMode) string {
	switch {
	case mode&0o020 != 0 && mode&0o002 != 0:
		return "group and others"
	case mode&0o020 != 0:
		return "its group"
	}
	return "others"
}

// userName names uid from /etc/passwd when it is there. (os/user would
// bring cgo, and with it a dynamically linked compatbuild, for a name only
// error messages show.)
func userName(uid uint32) string {
	id := strconv.FormatUint(uint64(uid), 10)
	if data, err := os.ReadFile("/etc/passwd"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if f := strings.Split(line, ":"); len(f) > 2 && f[2] == id && f[0] != "" {
				return "user " + f[0] + " (uid " + id + ")"
			}
		}
	}
	return "uid " + id
}

// ShellQuote quotes s for a POSIX shell when it needs quoting, so the
// commands that error messages suggest can be pasted as they are.
func ShellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./+=:@%,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
