package check

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"compatbuild/internal/abidb"
)

// The kind: a named path check cannot judge is an error naming what it is
// and what to check instead, whether named alone or with files it does
// judge; found while walking, it is skipped quietly. Members: an object
// file, an ar archive, a GNU thin archive, a text file.
func TestNamedObjectsAndArchivesAreErrors(t *testing.T) {
	dir := t.TempDir()
	prog := compile(t, "int main(void) { return 0; }\n")
	src := filepath.Join(dir, "p.c")
	os.WriteFile(src, []byte("int f(void) { return 1; }\n"), 0o644)
	obj, lib, thin := filepath.Join(dir, "p.o"), filepath.Join(dir, "libp.a"), filepath.Join(dir, "libthin.a")
	for _, cmd := range [][]string{{"gcc", "-c", "-o", obj, src}, {"ar", "rcs", lib, obj}, {"ar", "rcsT", thin, obj}} {
		if msg, err := exec.Command(cmd[0], cmd[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", cmd, err, msg)
		}
	}
	text := filepath.Join(dir, "libplugin.so")
	os.WriteFile(text, []byte("version https://git-lfs.github.com/spec/v1\n"), 0o644)
	want := map[string]string{
		obj:  "an object file (ELF relocatable): not linked yet, so nothing loads it as it is; check the linked program or library",
		lib:  "a static archive (ar): its objects are linked into a program or library; check that",
		thin: "a static archive (ar)",
		text: "not an ELF file",
	}
	target := abidb.MustParseVersion("2.17")
	for path, msg := range want {
		for _, args := range [][]string{{path}, {prog, path}, {path, prog}} {
			rep := Paths(args, target)
			if rep.ExitCode() != 2 || rep.Totals.Errors != 1 || rep.Totals.Files != len(args) {
				t.Errorf("%v: exit %d, totals %+v", args, rep.ExitCode(), rep.Totals)
				continue
			}
			for _, r := range rep.Files {
				if r.Path == path && (r.Status != StatusError || !strings.Contains(r.Error, path+": "+msg)) {
					t.Errorf("%v: %s: %s %q", args, path, r.Status, r.Error)
				}
			}
		}
	}
	// In a walked directory they are not what the user asked about.
	os.WriteFile(filepath.Join(dir, "prog"), mustRead(t, prog), 0o755)
	if rep := Paths([]string{dir}, target); rep.Totals.Errors != 0 || rep.Totals.Files != 1 {
		t.Errorf("walked: exit %d, totals %+v", rep.ExitCode(), rep.Totals)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
