package cachefs

import (
	"os"
	"path/filepath"
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
