package driver

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"compatbuild/internal/abidb"
)

const profiledProgram = `#include <stdio.h>
__attribute__((noinline)) int work(int n) { int s = 0; for (int i = 0; i < n; i++) s += i % 7; return s; }
int main(void) { int s = 0; for (int i = 0; i < 3; i++) s += work(1000 + i); printf("sum %d\n", s); return 0; }
`

// A program built with -pg for 2.17 starts with the sysroot's gcrt1.o
// (built on first need): under glibc 2.31 it runs, and writes a gmon.out
// that gprof reads, with the calls counted.
func TestProfilingWithPg(t *testing.T) {
	rt := debian11(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "prof.c")
	if err := os.WriteFile(src, []byte(profiledProgram), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"-pie", "-no-pie"} {
		t.Run(mode, func(t *testing.T) {
			prog := filepath.Join(dir, "prof"+mode)
			mustLink(t, false, "2.17", "-pg", "-O1", mode, src, "-o", prog)
			checkFloor(t, prog, abidb.MustParseVersion("2.17"))
			run := t.TempDir()
			cmd := rt.Command(context.Background(), prog)
			cmd.Dir = run
			if out, err := cmd.CombinedOutput(); err != nil || string(out) != "sum 9003\n" {
				t.Fatalf("under 2.31: %v\n%s", err, out)
			}
			gmon := filepath.Join(run, "gmon.out")
			if _, err := os.Stat(gmon); err != nil {
				t.Fatalf("no profile written: %v", err)
			}
			out, err := exec.Command("gprof", "-b", "-p", prog, gmon).CombinedOutput()
			if err != nil || !regexp.MustCompile(`(?m)\s3\s.*\swork$`).Match(out) {
				t.Errorf("gprof does not count 3 calls of work: %v\n%s", err, out)
			}
		})
	}
}
