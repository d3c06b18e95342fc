package elfinfo

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"compatbuild/internal/elfinfo/elftest"
)

// The kind: the loader judges a file by its program headers, so check does
// too, and any file whose section headers tell a different story is an
// error. Members: a file with no section headers at all (judged as the
// loader judges it), section headers pointing elsewhere, of another type,
// or counting differently.

var plainSpec = elftest.Spec{
	Soname: "libcraft.so.1",
	Needed: []string{"libc.so.6"},
	Needs:  []elftest.Need{{File: "libc.so.6", Versions: []string{"GLIBC_2.2.5", "GLIBC_2.34"}}},
	Imports: []elftest.Import{
		{Name: "pthread_create", File: "libc.so.6", Version: "GLIBC_2.34"},
		{Name: "memcpy", File: "libc.so.6", Version: "GLIBC_2.2.5"},
	},
}

func readBytes(t *testing.T, name string, data []byte) (*File, error) {
	t.Helper()
	return Read(name, bytes.NewReader(data), int64(len(data)))
}

func TestCraftedFileWithAndWithoutSections(t *testing.T) {
	for _, sections := range []bool{false, true} {
		spec := plainSpec
		spec.Sections = sections
		data, _ := elftest.Build(spec)
		f, err := readBytes(t, "craft.so", data)
		if err != nil {
			t.Fatalf("sections=%v: %v", sections, err)
		}
		var imports []string
		for _, im := range f.Imports {
			imports = append(imports, im.Name+"@"+im.Version)
		}
		if f.Soname != "libcraft.so.1" || len(f.Needs) != 2 || !slices.Equal(imports, []string{"pthread_create@GLIBC_2.34", "memcpy@GLIBC_2.2.5"}) {
			t.Errorf("sections=%v: soname %q needs %v imports %v", sections, f.Soname, f.Needs, imports)
		}
	}
}

func TestStrippedSectionsAreJudgedByProgramHeaders(t *testing.T) {
	objcopy, err := exec.LookPath("llvm-objcopy")
	if err != nil {
		t.Fatal("llvm-objcopy not found: CI installs llvm (see .ci/run)")
	}
	app := filepath.Join(t.TempDir(), "app")
	data, err := os.ReadFile("/usr/bin/true")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(app, data, 0o755)
	if out, err := exec.Command(objcopy, "--strip-sections", app).CombinedOutput(); err != nil {
		t.Fatalf("llvm-objcopy: %v\n%s", err, out)
	}
	if ef, err := elf.Open(app); err == nil {
		if len(ef.Sections) > 0 {
			t.Fatalf("llvm-objcopy left %d sections", len(ef.Sections))
		}
		ef.Close()
	}
	// It still runs: the loader never needed the sections.
	if out, err := exec.Command(app).CombinedOutput(); err != nil {
		t.Fatalf("stripped app does not run: %v\n%s", err, out)
	}
	f, err := ReadFile(app)
	if err != nil {
		t.Fatal(err)
	}
	if f.Kind != PIEExecutable || !slices.Contains(f.Needed, "libc.so.6") {
		t.Errorf("kind %s needed %v", f.Kind, f.Needed)
	}
	var found bool
	for _, im := range f.Imports {
		if im.Name == "__libc_start_main" && im.Version == "GLIBC_2.34" {
			found = true
		}
	}
	if !found {
		t.Errorf("imports %v lack __libc_start_main@GLIBC_2.34", f.Imports)
	}
}

// sectionHeader returns the file offset of the header of the first section
// of a type in a 64-bit little-endian file.
func sectionHeader(t *testing.T, data []byte, typ elf.SectionType) int {
	t.Helper()
	ef, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	shoff := binary.LittleEndian.Uint64(data[40:])
	for i, s := range ef.Sections {
		if s.Type == typ {
			return int(shoff) + 64*i
		}
	}
	t.Fatalf("no %v section", typ)
	return 0
}

func TestSectionHeadersThatDisagreeAreErrors(t *testing.T) {
	lib := buildSharedLib(t)
	corrupt := []struct {
		name  string
		typ   elf.SectionType
		field int // offset within the section header
		value uint64
		size  int
		want  string
	}{
		{"verneed offset", elf.SHT_GNU_VERNEED, 24, 0x40, 8, "disagree about DT_VERNEED"},
		{"verneed address", elf.SHT_GNU_VERNEED, 16, 0x40, 8, "disagree about DT_VERNEED"},
		{"verneed type", elf.SHT_GNU_VERNEED, 4, uint64(elf.SHT_PROGBITS), 4, "disagree about DT_VERNEED"},
		{"verneed count", elf.SHT_GNU_VERNEED, 44, 0, 4, "disagree about DT_VERNEED"},
		{"versym offset", elf.SHT_GNU_VERSYM, 24, 0x40, 8, "disagree about DT_VERSYM"},
		{"dynsym size", elf.SHT_DYNSYM, 32, 24, 8, "disagree about DT_SYMTAB"},
		{"dynamic offset", elf.SHT_DYNAMIC, 24, 0x40, 8, "disagree about the dynamic section"},
	}
	for _, c := range corrupt {
		data := slices.Clone(lib)
		at := sectionHeader(t, data, c.typ) + c.field
		if c.size == 8 {
			binary.LittleEndian.PutUint64(data[at:], c.value)
		} else {
			binary.LittleEndian.PutUint32(data[at:], uint32(c.value))
		}
		_, err := readBytes(t, "lib.so", data)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s corrupted: err = %v, want %q", c.name, err, c.want)
		}
	}
	// A section header table beyond the end of the file cannot be read.
	data := slices.Clone(lib)
	binary.LittleEndian.PutUint64(data[40:], uint64(len(data)))
	if _, err := readBytes(t, "lib.so", data); err == nil || !strings.Contains(err.Error(), "section headers cannot be read") {
		t.Errorf("e_shoff past the end: err = %v", err)
	}
}

// The kind: every count or size a file claims is bounded by the bytes it
// holds. Members: records that share entries (quadratic expansion), a
// symbol count beyond the file, a huge table in a sparse file, names that
// all point into one long string, and loops.
func TestHostileCountsAreErrors(t *testing.T) {
	shared := plainSpec
	shared.SharedAux = 4500
	data, _ := elftest.Build(shared)
	start := time.Now()
	if _, err := readBytes(t, "overlap.so", data); err == nil || !strings.Contains(err.Error(), "reached twice") {
		t.Errorf("%d-byte file with shared version need entries: err = %v", len(data), err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v", d)
	}

	claim := plainSpec
	claim.ClaimSymbols = 1 << 28
	data, _ = elftest.Build(claim)
	if _, err := readBytes(t, "claim.so", data); err == nil || !strings.Contains(err.Error(), "claims 268435456 symbols") {
		t.Errorf("DT_HASH claiming 2^28 symbols: err = %v", err)
	}

	// DT_VERNEEDNUM must count what the chain holds.
	data, l := elftest.Build(plainSpec)
	for i := 0; ; i++ {
		at := l.Dynamic + 16*i
		if elf.DynTag(binary.LittleEndian.Uint64(data[at:])) == elf.DT_VERNEEDNUM {
			binary.LittleEndian.PutUint64(data[at+8:], 5)
			break
		}
	}
	if _, err := readBytes(t, "num.so", data); err == nil || !strings.Contains(err.Error(), "DT_VERNEEDNUM says 5") {
		t.Errorf("DT_VERNEEDNUM 5 for 1 record: err = %v", err)
	}

	// Symbols whose names all start inside one long string.
	long := plainSpec
	long.Imports = nil
	name := strings.Repeat("x", 20000)
	for i := 0; i < 2000; i++ {
		long.Imports = append(long.Imports, elftest.Import{Name: name, File: "libc.so.6", Version: "GLIBC_2.34"})
	}
	data, l = elftest.Build(long)
	if _, err := readBytes(t, "names.so", data); err != nil {
		t.Fatalf("one shared name: %v", err) // the same offset: legal, and scanned each time
	}
	// Point each symbol one byte further into the string: distinct suffixes.
	for i := 1; i <= 2000; i++ {
		at := l.Dynsym + 24*i
		binary.LittleEndian.PutUint32(data[at:], binary.LittleEndian.Uint32(data[at:])+uint32(i))
	}
	if _, err := readBytes(t, "suffixes.so", data); err == nil || !strings.Contains(err.Error(), "names overlap") {
		t.Errorf("2000 symbols into one 20 KB name: err = %v", err)
	}
}

// sparseFile writes a file that claims a symbol table of the given size,
// backed by a hole.
func sparseFile(t *testing.T, dir string, symbols uint32) string {
	t.Helper()
	spec := plainSpec
	spec.ClaimSymbols = symbols
	data, _ := elftest.Build(spec)
	size := uint64(len(data)) + uint64(symbols)*26 + 4096
	// The one PT_LOAD maps the whole (sparse) file.
	binary.LittleEndian.PutUint64(data[64+32:], size)
	binary.LittleEndian.PutUint64(data[64+40:], size)
	path := filepath.Join(dir, fmt.Sprintf("sparse-%d.so", symbols))
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, int64(size)); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSparseFileClaimsAreErrors(t *testing.T) {
	dir := t.TempDir()
	// 20 M symbols: 520 MB of tables in a file that holds a few KB.
	if _, err := ReadFile(sparseFile(t, dir, 20_000_000)); err == nil || !strings.Contains(err.Error(), "sparse file") {
		t.Errorf("520 MB of claimed tables in a hole: err = %v", err)
	}
	// 300 M symbols (the 7 GB case): over any real file's tables.
	if _, err := ReadFile(sparseFile(t, dir, 300_000_000)); err == nil || !strings.Contains(err.Error(), "more than any real file") {
		t.Errorf("7.8 GB of claimed tables: err = %v", err)
	}
}

func TestFIFOAndDeviceAreErrorsNotHangs(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "libplugin.so")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{fifo, "/dev/zero"} {
		done := make(chan error, 1)
		go func() { _, err := ReadFile(path); done <- err }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "not an ELF file") {
				t.Errorf("%s: err = %v", path, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: ReadFile hangs", path)
		}
	}
}

// TestPeakMemory reads each hostile input in a fresh process and measures
// its peak RSS (the kernel's VmHWM for the process): it stays within 64 MB, though the inputs claim
// gigabytes. The child is this test binary, told by an environment
// variable to read the files and exit.
func TestPeakMemory(t *testing.T) {
	if path := os.Getenv("ELFINFO_READ_FILES"); path != "" {
		for _, p := range strings.Split(path, ":") {
			_, err := ReadFile(p)
			fmt.Printf("read %s: %v\n", p, err)
		}
		fmt.Printf("peak %d\n", elftest.PeakRSS())
		os.Exit(0)
	}
	dir := t.TempDir()
	shared := plainSpec
	shared.SharedAux = 9000
	data, _ := elftest.Build(shared)
	overlap := filepath.Join(dir, "overlap.so")
	os.WriteFile(overlap, data, 0o644)
	inputs := map[string][]string{
		"overlapping version needs": {overlap},
		"sparse 520 MB tables":      {sparseFile(t, dir, 20_000_000)},
		"sparse 7.8 GB tables":      {sparseFile(t, dir, 300_000_000)},
		"real libc.so.6":            {"/usr/lib/x86_64-linux-gnu/libc.so.6"},
	}
	for name, files := range inputs {
		cmd := exec.Command(os.Args[0], "-test.run=^TestPeakMemory$")
		cmd.Env = append(os.Environ(), "ELFINFO_READ_FILES="+strings.Join(files, ":"))
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "read "+files[0]) {
			t.Fatalf("%s: child: %v\n%s", name, err, out)
		}
		t.Logf("%s", out)
		rss := elftest.ParsePeak(t, string(out)) >> 10
		t.Logf("%s: peak RSS %d KiB", name, rss)
		if rss > 64<<10 {
			t.Errorf("%s: peak RSS %d KiB, above 64 MiB", name, rss)
		}
	}
}

// FuzzReadBounded checks, besides FuzzRead's no-panic rule, that memory is
// bounded by the input: what one Read allocates stays within a constant
// factor of the file's size (plus the fixed read block), whatever the
// file claims.
func FuzzReadBounded(f *testing.F) {
	for _, spec := range []elftest.Spec{plainSpec, {Needs: plainSpec.Needs, Sections: true, SharedAux: 3}} {
		data, _ := elftest.Build(spec)
		f.Add(data)
	}
	f.Add(buildSharedLib(f))
	f.Fuzz(func(t *testing.T, data []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		Read("fuzz", bytes.NewReader(data), int64(len(data)))
		runtime.ReadMemStats(&after)
		if got, limit := after.TotalAlloc-before.TotalAlloc, uint64(64*len(data)+1<<20); got > limit {
			t.Fatalf("read of %d bytes allocated %d bytes (limit %d)", len(data), got, limit)
		}
	})
}
