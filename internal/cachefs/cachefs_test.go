package cachefs

import (
	"fmt"
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

// WriteFiles and SyncAll do every file and report a failure of any.
func TestWriteFilesAndSyncAll(t *testing.T) {
	dir := t.TempDir()
	files := map[string][]byte{}
	var paths []string
	for i := range 40 {
		p := filepath.Join(dir, fmt.Sprint(i))
		files[p] = []byte(fmt.Sprint("file ", i))
		paths = append(paths, p)
	}
	if err := WriteFiles(files, 0o640); err != nil {
		t.Fatal(err)
	}
	for p, want := range files {
		data, err := os.ReadFile(p)
		if err != nil || string(data) != string(want) {
			t.Errorf("%s: %q, %v; want %q", p, data, err, want)
		}
		if st, err := os.Stat(p); err != nil || st.Mode().Perm() != 0o640 {
			t.Errorf("%s: mode %v, %v", p, st.Mode(), err)
		}
	}
	if err := SyncAll(paths); err != nil {
		t.Errorf("SyncAll: %v", err)
	}
	missing := filepath.Join(dir, "missing")
	if err := SyncAll(append(paths, missing)); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("SyncAll with a missing file: %v, want its error", err)
	}
	files[filepath.Join(dir, "no", "such")] = nil
	if err := WriteFiles(files, 0o640); err == nil {
		t.Error("WriteFiles into a missing directory succeeded")
	}
}
