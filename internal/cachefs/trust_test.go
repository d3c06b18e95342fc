package cachefs

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A cache directory another user could write to, or that another user
// owns, is refused with the fix in the message; a private one, and one
// below a sticky world-writable directory like /tmp, is accepted.
func TestCheckTrusted(t *testing.T) {
	base := t.TempDir()
	mk := func(name string, mode os.FileMode) string {
		p := filepath.Join(base, name)
		if err := os.MkdirAll(p, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	refused := func(dir, offender, want string) {
		t.Helper()
		err := CheckTrusted(dir)
		var ue *UntrustedError
		if !errors.As(err, &ue) {
			t.Fatalf("CheckTrusted(%s) = %v, want a refusal", dir, err)
		}
		if ue.Dir != offender || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("CheckTrusted(%s): offender %s, message %q; want offender %s and %q on one line", dir, ue.Dir, err, offender, want)
		}
	}

	private := mk("private/cache", 0o700)
	if err := CheckTrusted(private); err != nil {
		t.Errorf("private directory refused: %v", err)
	}
	readable := mk("readable", 0o755)
	if err := CheckTrusted(readable); err != nil {
		t.Errorf("a 0755 directory is refused (only writing matters): %v", err)
	}

	open := mk("open", 0o777)
	refused(open, open, "chmod go-w "+open)
	group := mk("group", 0o770)
	refused(group, group, "writable by its group (mode 0770)")

	// Above the cache: a group-writable parent lets others swap the cache
	// out; a sticky one (like /tmp) does not.
	loose := mk("loose", 0o775)
	inLoose := mk("loose/cache", 0o700)
	refused(inLoose, loose, ", a directory above it, is writable")
	sticky := mk("sticky", 0o777|os.ModeSticky)
	inSticky := mk("sticky/cache", 0o700)
	if err := CheckTrusted(inSticky); err != nil {
		t.Errorf("cache under a sticky directory refused: %v", err)
	}
	if err := CheckTrusted(filepath.Join(sticky, "missing")); err == nil || errors.As(err, new(*UntrustedError)) {
		t.Errorf("a missing directory: %v, want the stat error", err)
	}

	// Symbolic links are followed: the real directory is judged.
	link := filepath.Join(base, "link")
	if err := os.Symlink(open, link); err != nil {
		t.Fatal(err)
	}
	refused(link, open, "writable by group and others")

	// Owned by another user.
	other := mk("other", 0o700)
	if os.Geteuid() == 0 {
		if err := os.Chown(other, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		refused(other, other, "uid 65534")
		refused(other, other, "rm -rf "+other)
	} else {
		// Unprivileged, a directory of another user is at hand: root's.
		refused("/", "/", "uid 0")
	}

	// PrivateDir creates what is missing with mode 0700 and then checks.
	made := filepath.Join(base, "private", "new", "dir")
	if err := PrivateDir(made); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(made); st.Mode().Perm() != 0o700 {
		t.Errorf("PrivateDir made mode %v", st.Mode())
	}
	if err := PrivateDir(filepath.Join(open, "sub")); err == nil {
		t.Error("PrivateDir accepted a directory below a world-writable one")
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"/home/jane/.cache": "/home/jane/.cache",
		"/home/Jane Doe":    "'/home/Jane Doe'",
		"it's":              `'it'\''s'`,
		"":                  "''",
		"a*b":               "'a*b'",
	} {
		if got := ShellQuote(in); got != want {
			t.Errorf("ShellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

// A cache directory not created yet below an untrusted directory is
// refused before anything is created there.
func TestPrivateDirCreatesNothingUnderAnUntrustedDirectory(t *testing.T) {
	loose := filepath.Join(t.TempDir(), "loose")
	os.Mkdir(loose, 0o777)
	os.Chmod(loose, 0o777)
	err := PrivateDir(filepath.Join(loose, "compatbuild", "runtimes"))
	var ue *UntrustedError
	if !errors.As(err, &ue) || ue.Dir != loose {
		t.Fatalf("err = %v, want an UntrustedError naming %s", err, loose)
	}
	if _, err := os.Stat(filepath.Join(loose, "compatbuild")); !os.IsNotExist(err) {
		t.Errorf("%s/compatbuild was created before the refusal", loose)
	}
}
