package driver

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"compatbuild/internal/abidb"
	"compatbuild/internal/cachefs"
)

// The compilers' temporary directory is claimed by one link at a time,
// reused, and emptied; a base directory that is not safely this user's
// is not used.
func TestTempDirSlots(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	a, err := claimTempDir()
	if err != nil {
		t.Fatal(err)
	}
	b, err := claimTempDir()
	if err != nil {
		t.Fatal(err)
	}
	if a.path == b.path || a.lock == nil || b.lock == nil {
		t.Fatalf("two links share %s / %s, or no slots: %+v %+v", a.path, b.path, a, b)
	}
	// What a killed compiler leaves is gone when the slot is given back.
	os.WriteFile(filepath.Join(a.path, "ccAbCdEf.s"), []byte("x"), 0o600)
	os.Mkdir(filepath.Join(a.path, "sub"), 0o700)
	a.release()
	if left, _ := os.ReadDir(a.path); len(left) != 0 {
		t.Errorf("released slot holds %d entries", len(left))
	}
	c, err := claimTempDir()
	if err != nil || c.path != a.path {
		t.Errorf("the free slot was not reused: %s, want %s (%v)", c.path, a.path, err)
	}
	b.release()
	c.release()

	// Another user's (or a world-open) base: a one-off directory instead.
	other := t.TempDir()
	t.Setenv("TMPDIR", other)
	base := filepath.Join(other, "compatbuild-"+strconv.Itoa(os.Geteuid()))
	os.Mkdir(base, 0o777)
	os.Chmod(base, 0o777)
	d, err := claimTempDir()
	if err != nil || d.lock != nil || filepath.Dir(d.path) != other {
		t.Errorf("with an open base: %+v, %v; want a one-off directory", d, err)
	}
	d.release()
	if _, err := os.Stat(d.path); !os.IsNotExist(err) {
		t.Error("the one-off directory was not removed")
	}
}

// A TMPDIR that is not there does not stop a link the plain compiler
// would make: like gcc, the driver takes /tmp (or /var/tmp) instead.
func TestMissingTMPDIR(t *testing.T) {
	t.Setenv("TMPDIR", filepath.Join(t.TempDir(), "not-there"))
	exe := filepath.Join(t.TempDir(), "prog")
	var out bytes.Buffer
	code, err := Run(context.Background(), Options{Glibc: abidb.MustParseVersion("2.17"), Compiler: []string{"gcc"}, Stdout: &out, Stderr: &out}, []string{"testdata/program.c", "-o", exe})
	if code != 0 || err != nil {
		t.Fatalf("exit %d, %v\n%s", code, err, out.String())
	}
	if got := cachefs.TempRoot(); got != "/tmp" && got != "/var/tmp" {
		t.Errorf("tempRoot() = %q with TMPDIR missing", got)
	}
}
