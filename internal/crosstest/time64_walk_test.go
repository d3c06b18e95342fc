package crosstest

import (
	"path/filepath"
	"strings"
	"testing"

	"compatbuild/internal/abidb"
	"compatbuild/internal/target"
)

// TestCrossTime64Walk: nftw, ftw and glob under -D_TIME_BITS=64
// -D_FILE_OFFSET_BITS=64 over files whose times are after 2038
// (testdata/time64_walk.c: FTW_PHYS, FTW_CHDIR from a relative start,
// FTW_DEPTH, dangling links, paths past PATH_MAX, glob with and without
// GLOB_ALTDIRFUNC). Built for the ABI's first release it prints, under
// Debian 11's glibc 2.31 (the target's walks, each entry stat'ed again
// through statx) and under Debian 12's glibc 2.36 (glibc's own time64
// walks, found at run time), what the same program built for 2.36 prints
// under 2.36, and every time it prints is exact. On i386 again with statx
// taken away by a seccomp filter (a kernel before 4.11): the times are
// fstatat64's 32 bits, for glibc 2.36's own walk and the polyfill's alike.
func TestCrossTime64Walk(t *testing.T) {
	for _, triple := range []string{"i686-linux-gnu", "arm-linux-gnueabihf"} {
		tg, _ := target.Parse(triple)
		t.Run(tg.ABI, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			old, cur := filepath.Join(dir, "old"), filepath.Join(dir, "new")
			flags := []string{"-O2", "-D_TIME_BITS=64", "-D_FILE_OFFSET_BITS=64", "testdata/time64_walk.c"}
			crossLink(t, tg, false, tg.First, append(flags, "-o", old)...)
			crossLink(t, tg, false, abidb.MustParseVersion("2.36"), append(flags, "-o", cur)...)
			want, err := run(t, archRuntime(t, "debian:12", tg), cur)
			for _, line := range []string{
				"  /f F mtime 4102444800.123456789 atime ok ok\n",
				"  /link SL mtime 4165516800.123456789 atime ok ok\n",
				"  /sub/g F mtime -1000000000.123456789 atime ok ok\n",
				"nftw past PATH_MAX: 0 1 level 41\n",
				"  gl_stat saw f ok sub ok\n",
				"glob GLOB_MARK no wildcard: 0 /sub/\n",
			} {
				if !strings.Contains(want, line) {
					err = errNoLine(line)
				}
			}
			if err != nil || strings.Contains(want, "WRONG") {
				t.Fatalf("glibc 2.36's own functions under %s: %v\n%s", tg.Debian, err, want)
			}
			for _, rt := range []string{"debian:11", "debian:12"} {
				got, err := run(t, archRuntime(t, rt, tg), old)
				if err != nil || got != want {
					t.Errorf("built for %s, under %s: %v\n%s\nwant (2.36's own):\n%s", tg.First, rt, err, got, want)
				}
			}
			if tg.ABI != "i386" {
				return
			}
			// A kernel without statx: glibc 2.34's stat reads the 32-bit
			// fstatat64, and the polyfill's walk gives the same times.
			want, err = run(t, archRuntime(t, "debian:12", tg), cur, "nostatx")
			if err != nil || !strings.Contains(want, "  /f F mtime -192522496.123456789 atime WRONG WRONG\n") {
				t.Fatalf("glibc 2.36's own functions without statx: %v\n%s", err, want)
			}
			for _, rt := range []string{"debian:11", "debian:12"} {
				got, err := run(t, archRuntime(t, rt, tg), old, "nostatx")
				if err != nil || got != want {
					t.Errorf("built for %s, under %s without statx: %v\n%s\nwant (2.36's own):\n%s", tg.First, rt, err, got, want)
				}
			}
		})
	}
}

type errNoLine string

func (e errNoLine) Error() string { return "no line " + strings.TrimSpace(string(e)) }
