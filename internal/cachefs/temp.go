package cachefs

import (
	"os"
	"syscall"
)

// TempRoot is the directory for compatbuild's temporary files: $TMPDIR
// when it is a directory this user can write to, else /tmp or /var/tmp,
// the order in which gcc (libiberty's choose_tmpdir) picks its own, so
// compatbuild works wherever the plain compiler does (a CI job with
// TMPDIR pointing at a directory it never created). os.TempDir() as the
// last answer, for an error that names it.
func TempRoot() string {
	for _, d := range []string{os.Getenv("TMPDIR"), "/tmp", "/var/tmp"} {
		if d == "" {
			continue
		}
		if fi, err := os.Stat(d); err == nil && fi.IsDir() && syscall.Access(d, 7 /* R_OK|W_OK|X_OK */) == nil {
			return d
		}
	}
	return os.TempDir()
}
