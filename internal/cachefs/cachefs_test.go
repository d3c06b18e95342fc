package cachefs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteFileAndSync(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	if err := WriteFile(p, []byte("abc"), 0o600); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(p); string(data) != "abc" {
		t.Errorf("content %q", data)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode())
	}
	for _, path := range []string{p, dir} {
		if err := Sync(path); err != nil {
			t.Errorf("Sync(%s): %v", path, err)
		}
	}
	if err := Sync(filepath.Join(dir, "missing")); err == nil {
		t.Error("Sync of a missing file succeeded")
	}
	if err := WriteFile(filepath.Join(dir, "no", "such", "dir"), nil, 0o600); err == nil {
		t.Error("WriteFile into a missing directory succeeded")
	}
}

func TestCheckPrivate(t *testing.T) {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := CheckPrivate(dir); err != nil {
		t.Errorf("a private directory: %v", err)
	}
	for _, mode := range []os.FileMode{0o770, 0o707, 0o777} {
		os.Chmod(dir, mode)
		if err := CheckPrivate(dir); err == nil || !strings.Contains(err.Error(), "chmod go-w "+dir) {
			t.Errorf("mode %o: %v", mode, err)
		}
	}
	os.Chmod(dir, 0o755) // readable by others is fine: nobody else can write
	if err := CheckPrivate(dir); err != nil {
		t.Errorf("mode 755: %v", err)
	}
	if os.Geteuid() == 0 {
		if err := os.Chown(dir, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		if err := CheckPrivate(dir); err == nil || !strings.Contains(err.Error(), "belongs to uid 65534") {
			t.Errorf("another user's directory: %v", err)
		}
	}
	f := filepath.Join(t.TempDir(), "file")
	os.WriteFile(f, nil, 0o600)
	if err := CheckPrivate(f); err == nil {
		t.Errorf("a file passed")
	}
}
