package buildenv

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"compatbuild/internal/abidb"
)

// The kind: a wrapper directory that exists but is not what compatbuild
// installs (a link deleted or pointing elsewhere, an emptied directory as
// a CI cache restore leaves it, a file in its place). Each is repaired with
// a note, never a permanent error.
func TestDamagedWrappersAreRepaired(t *testing.T) {
	exe := "/usr/local/bin/compatbuild-under-test"
	v := abidb.MustParseVersion("2.17")
	var notes bytes.Buffer
	Notes = &notes
	t.Cleanup(func() { Notes = os.Stderr })
	for _, tc := range []struct {
		name, want string
		damage     func(dir, cc string)
	}{
		{"deleted link", "compatbuild-cc-2.17 is missing", func(dir, cc string) { os.Remove(cc) }},
		{"retargeted link", "points to /usr/bin/gcc", func(dir, cc string) { os.Remove(cc); os.Symlink("/usr/bin/gcc", cc) }},
		{"emptied directory", "is missing", func(dir, cc string) { os.RemoveAll(dir); os.Mkdir(dir, 0o700) }},
		{"a file in its place", "not a directory", func(dir, cc string) { os.RemoveAll(dir); os.WriteFile(dir, nil, 0o600) }},
		{"a regular file for a link", "is not a symlink", func(dir, cc string) { os.Remove(cc); os.WriteFile(cc, []byte("#!/bin/sh\n"), 0o700) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("XDG_CACHE_HOME", t.TempDir())
			cc, _, err := Wrappers(exe, v)
			if err != nil {
				t.Fatal(err)
			}
			tc.damage(filepath.Dir(cc), cc)
			notes.Reset()
			cc2, cxx2, err := Wrappers(exe, v)
			if err != nil {
				t.Fatalf("after the damage: %v", err)
			}
			for _, w := range []string{cc2, cxx2} {
				if to, err := os.Readlink(w); err != nil || to != exe {
					t.Errorf("%s -> %q, %v; want %s", w, to, err, exe)
				}
			}
			if got := notes.String(); !strings.Contains(got, "were damaged") || !strings.Contains(got, tc.want) {
				t.Errorf("note = %q, want one saying %q", got, tc.want)
			}
			notes.Reset()
			if _, _, err := Wrappers(exe, v); err != nil || notes.Len() != 0 {
				t.Errorf("the repaired directory: %v, note %q", err, notes.String())
			}
			leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(filepath.Dir(cc)), ".*"))
			if len(leftovers) != 0 {
				t.Errorf("leftovers in the wrapper root: %v", leftovers)
			}
		})
	}
}
