package check

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"compatbuild/internal/elfinfo/elftest"
)

// TestPeakMemoryOfAParallelCheck checks a directory of hostile and large
// inputs in a child process with 8 workers and measures its peak RSS
// (the kernel's VmHWM; rusage's maxrss would count the parent's memory
// shared before exec): files claiming gigabytes take nothing, and files with large
// real tables are read within the shared budget, so the peak stays within
// 64 MiB plus the largest real table, not 8 times it.
func TestPeakMemoryOfAParallelCheck(t *testing.T) {
	if dir := os.Getenv("CHECK_PEAK_DIR"); dir != "" {
		rep := Paths([]string{dir}, abidbVersion("2.17"))
		fmt.Printf("checked %d files, %d errors\n", rep.Totals.Files, rep.Totals.Errors)
		fmt.Printf("peak %d\n", elftest.PeakRSS())
		os.Exit(0)
	}
	dir := t.TempDir()
	base := elftest.Spec{
		Needed:  []string{"libc.so.6"},
		Needs:   []elftest.Need{{File: "libc.so.6", Versions: []string{"GLIBC_2.2.5"}}},
		Imports: []elftest.Import{{Name: "memcpy", File: "libc.so.6", Version: "GLIBC_2.2.5"}},
	}
	write := func(name string, spec elftest.Spec, size int64) {
		data, _ := elftest.Build(spec)
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if size > 0 {
			os.Truncate(p, size)
		}
	}
	// Large real tables: 1.25 M defined symbols (30 MB of .dynsym) and
	// 30 MB of .dynstr each.
	const defined, pad = 1_250_000, 30 << 20
	largest := int64(pad)
	for i := range 8 {
		spec := base
		spec.Defined, spec.StringPad = defined, pad
		write(fmt.Sprintf("big%d.so", i), spec, 0)
	}
	overlap := base
	overlap.SharedAux = 9000
	for i := range 8 {
		write(fmt.Sprintf("overlap%d.so", i), overlap, 0)
		claim := base
		claim.ClaimSymbols = 1 << 28
		write(fmt.Sprintf("claim%d.so", i), claim, 0)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestPeakMemoryOfAParallelCheck$")
	cmd.Env = append(os.Environ(), "CHECK_PEAK_DIR="+dir, "GOMAXPROCS=8")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "checked 24 files, 16 errors") {
		t.Fatalf("child: %v\n%s", err, out)
	}
	rss := elftest.ParsePeak(t, string(out))
	limit := int64(64<<20) + largest
	t.Logf("peak RSS %d MiB for 8 files of %d MiB tables with 8 workers (limit %d MiB)", rss>>20, largest>>20, limit>>20)
	if rss > limit {
		t.Errorf("peak RSS %d MiB, above %d MiB", rss>>20, limit>>20)
	}
}
