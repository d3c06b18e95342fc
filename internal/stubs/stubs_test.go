package stubs

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fooLib is the small library most tests use: a compat and a default
// version of foo, a plain function, an object, a TLS variable, a weak
// symbol, an unversioned symbol and a version node without symbols.
func fooLib() Library {
	return Library{
		Soname:   "libfoo.so.1",
		Versions: append(ChainedVersions("FOO_1", "FOO_2"), Version{Name: "FOO_EMPTY"}, Version{Name: "FOO_PRIVATE"}),
		Needed:   []string{"libc.so.6", "libm.so.6"},
		Symbols: []Symbol{
			{Name: "foo", Version: "FOO_1"},
			{Name: "foo", Version: "FOO_2", Default: true},
			{Name: "bar", Version: "FOO_1", Default: true},
			{Name: "baz", Version: "FOO_1", Default: true, Kind: Object, Size: 24},
			{Name: "baz", Version: "FOO_2", Kind: Object, Size: 40},
			{Name: "tiny", Version: "FOO_2", Default: true, Kind: Object, Size: 1},
			{Name: "empty_obj", Version: "FOO_2", Default: true, Kind: Object, Size: 0},
			{Name: "tlsvar", Version: "FOO_2", Default: true, Kind: TLS, Size: 8},
			{Name: "tlsbuf", Version: "FOO_PRIVATE", Default: true, Kind: TLS, Size: 100},
			{Name: "weakfn", Version: "FOO_2", Default: true, Weak: true},
			{Name: "plain", Kind: Func},
		},
	}
}

func mustArch(t testing.TB, name string) Arch {
	t.Helper()
	a, err := ArchByName(name)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func mustBuild(t testing.TB, arch Arch, lib Library) []byte {
	t.Helper()
	b, err := Build(arch, lib)
	if err != nil {
		t.Fatalf("Build(%s, %s): %v", arch.Name, lib.Soname, err)
	}
	return b
}

func symID(name, version string, def bool) string {
	switch {
	case version == "":
		return name
	case def:
		return name + "@@" + version
	}
	return name + "@" + version
}

func TestHashFunctions(t *testing.T) {
	// Known values (GNU ones as published with the .gnu.hash write-ups).
	// TestHashAgainstSystemLibc checks the reference functions against
	// tables written by GNU ld.
	for _, c := range []struct {
		s        string
		elf, gnu uint32
	}{
		{"", 0, 0x00001505},
		{"printf", 0x077905a6, 0x156b2bb8},
		{"exit", 0x0006cf04, 0x7c967e3f},
		{"syscall", 0x0b09985c, 0xbac212a0},
		{"flapenguin.me", 0x03987915, 0x8ae9f18e},
	} {
		if got := elfHash(c.s); got != c.elf || got != elfHashRef(c.s) {
			t.Errorf("elfHash(%q) = %#x, want %#x", c.s, got, c.elf)
		}
		if got := gnuHash(c.s); got != c.gnu || got != gnuHashRef(c.s) {
			t.Errorf("gnuHash(%q) = %#x, want %#x", c.s, got, c.gnu)
		}
	}
}

// TestHashAgainstSystemLibc runs the hash-table lookups of checkHashTables
// over a library linked by GNU ld, which validates the reference hash
// functions and lookup code the other tests rely on.
func TestHashAgainstSystemLibc(t *testing.T) {
	var path string
	for _, p := range []string{"/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6", "/lib64/libc.so.6"} {
		if _, err := os.Stat(p); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		t.Skip("no x86_64 libc.so.6 found")
	}
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Section(".hash") == nil || f.Section(".gnu.hash") == nil {
		t.Skip(path + " lacks .hash or .gnu.hash")
	}
	syms, err := f.DynamicSymbols()
	if err != nil {
		t.Fatal(err)
	}
	checkHashTables(t, mustArch(t, "x86_64"), f, syms)
}

func TestRoundTripAllArches(t *testing.T) {
	for _, name := range ArchNames() {
		t.Run(name, func(t *testing.T) {
			arch := mustArch(t, name)
			lib := fooLib()
			checkELF(t, arch, lib, mustBuild(t, arch, lib))
		})
	}
}

func TestRoundTripEdgeCases(t *testing.T) {
	arch := mustArch(t, "x86_64")
	cases := map[string]Library{
		"no symbols, no versions": {Soname: "libempty.so.0"},
		"versions only":           {Soname: "libv.so.1", Versions: Versions("V1", "V2")},
		"unversioned only":        {Soname: "libu.so.1", Symbols: []Symbol{{Name: "f"}, {Name: "o", Kind: Object, Size: 3}}},
		"tls only":                {Soname: "libt.so.1", Versions: Versions("T"), Symbols: []Symbol{{Name: "t", Version: "T", Default: true, Kind: TLS}}},
		"hidden only":             {Soname: "libh.so.1", Versions: Versions("H"), Symbols: []Symbol{{Name: "h", Version: "H"}}},
	}
	for name, lib := range cases {
		t.Run(name, func(t *testing.T) {
			checkELF(t, arch, lib, mustBuild(t, arch, lib))
			for _, a := range []string{"i386", "s390x"} {
				checkELF(t, mustArch(t, a), lib, mustBuild(t, mustArch(t, a), lib))
			}
		})
	}
}

// readelfCheck runs readelf over the file and fails on any warning or
// error; it returns stdout.
func readelfCheck(t *testing.T, path string, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command("readelf", append(args, path)...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil || stderr.Len() > 0 || strings.Contains(stdout.String(), "Warning") {
		t.Fatalf("readelf %v %s: %v\nstderr:\n%s", args, path, err, stderr.String())
	}
	return stdout.String()
}

func needTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s not installed", name)
	}
}

func TestReadelf(t *testing.T) {
	needTool(t, "readelf")
	dir := t.TempDir()
	for _, name := range ArchNames() {
		t.Run(name, func(t *testing.T) {
			arch := mustArch(t, name)
			lib := fooLib()
			path := filepath.Join(dir, name+".so")
			if err := os.WriteFile(path, mustBuild(t, arch, lib), 0o644); err != nil {
				t.Fatal(err)
			}
			out := readelfCheck(t, path, "-W", "--dyn-syms", "-V")
			// Through the dynamic section (DT_HASH/DT_GNU_HASH sized) too, and
			// everything else readelf can check.
			outD := readelfCheck(t, path, "-W", "-D", "--dyn-syms")
			readelfCheck(t, path, "-W", "-a", "-I")
			for _, s := range lib.Symbols {
				id := symID(s.Name, s.Version, s.Default)
				re := " " + id + "\n"
				if !strings.Contains(out, re) {
					t.Errorf("readelf --dyn-syms lacks %q", id)
				}
				if !strings.Contains(outD, re) {
					t.Errorf("readelf -D --dyn-syms lacks %q", id)
				}
			}
			for _, want := range []string{
				"Flags: BASE  Index: 1  Cnt: 1  Name: libfoo.so.1",
				"Flags: none  Index: 2  Cnt: 1  Name: FOO_1",
				"Flags: none  Index: 3  Cnt: 2  Name: FOO_2",
				"Parent 1: FOO_1",
				"Index: 5  Cnt: 1  Name: FOO_PRIVATE",
			} {
				if !strings.Contains(out, want) {
					t.Errorf("readelf -V lacks %q", want)
				}
			}
			if t.Failed() {
				t.Logf("readelf output:\n%s", out)
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	for _, name := range []string{"x86_64", "s390x", "arm"} {
		arch := mustArch(t, name)
		a := mustBuild(t, arch, fooLib())
		b := mustBuild(t, arch, fooLib())
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two builds differ", name)
		}
		big := bigLib(2500)
		c := mustBuild(t, arch, big)
		for range 3 {
			if d := mustBuild(t, arch, bigLib(2500)); !bytes.Equal(c, d) {
				t.Fatalf("%s: two builds of a big library differ", name)
			}
		}
		// Write and Build agree.
		var buf bytes.Buffer
		if err := Write(&buf, arch, big); err != nil || !bytes.Equal(buf.Bytes(), c) {
			t.Errorf("%s: Write differs from Build (err %v)", name, err)
		}
	}
}

// bigLib is a libc-sized library: n symbols over 40 chained versions, with
// every 10th name also having an older compat version.
func bigLib(n int) Library {
	var names []string
	for i := range 40 {
		names = append(names, fmt.Sprintf("GLIBC_2.%d", i))
	}
	lib := Library{Soname: "libc.so.6", Versions: append(ChainedVersions(names...), Version{Name: "GLIBC_PRIVATE"}), Needed: []string{"ld-linux-x86-64.so.2"}}
	for i := 0; len(lib.Symbols) < n; i++ {
		s := Symbol{Name: fmt.Sprintf("sym_%d_%x", i, i*7919), Version: names[(i*7)%len(names)], Default: true}
		switch i % 17 {
		case 3:
			s.Kind, s.Size = Object, uint64(i%300)
		case 5:
			s.Kind, s.Size = TLS, uint64(i%20)
		}
		if i%10 == 0 && s.Version != names[0] {
			lib.Symbols = append(lib.Symbols, Symbol{Name: s.Name, Version: names[0], Kind: s.Kind, Size: s.Size / 2})
		}
		lib.Symbols = append(lib.Symbols, s)
	}
	return lib
}

func TestBigLibrary(t *testing.T) {
	lib := bigLib(2500)
	for _, name := range []string{"x86_64", "i386", "s390x"} {
		arch := mustArch(t, name)
		start := time.Now()
		b := mustBuild(t, arch, lib)
		t.Logf("%s: %d symbols -> %d bytes in %v", name, len(lib.Symbols), len(b), time.Since(start))
		checkELF(t, arch, lib, b)
		if _, err := exec.LookPath("readelf"); err == nil {
			path := filepath.Join(t.TempDir(), "libc.so.6")
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			readelfCheck(t, path, "-W", "-a", "-D", "-I")
		}
	}
}

func BenchmarkBuildLibc(b *testing.B) {
	lib := bigLib(2500)
	arch := mustArch(b, "x86_64")
	for b.Loop() {
		if _, err := Build(arch, lib); err != nil {
			b.Fatal(err)
		}
	}
}

func TestErrors(t *testing.T) {
	x86 := mustArch(t, "x86_64")
	good := func() Library { return fooLib() }
	cases := []struct {
		name string
		arch Arch
		lib  func() Library
		want string
	}{
		{"empty soname", x86, func() Library { l := good(); l.Soname = ""; return l }, "empty soname"},
		{"unknown version", x86, func() Library {
			l := good()
			l.Symbols = append(l.Symbols, Symbol{Name: "q", Version: "FOO_9", Default: true})
			return l
		}, `symbol q@FOO_9: version "FOO_9" is not in Versions`},
		{"duplicate symbol", x86, func() Library { l := good(); l.Symbols = append(l.Symbols, l.Symbols[0]); return l }, "foo@FOO_1 defined twice"},
		{"two defaults", x86, func() Library {
			l := good()
			l.Symbols = append(l.Symbols, Symbol{Name: "bar", Version: "FOO_2", Default: true})
			return l
		}, "two default versions"},
		{"unversioned and default", x86, func() Library {
			l := good()
			l.Symbols = append(l.Symbols, Symbol{Name: "bar"})
			return l
		}, "two default versions"},
		{"duplicate version", x86, func() Library { l := good(); l.Versions = append(l.Versions, Version{Name: "FOO_1"}); return l }, `version "FOO_1" defined twice`},
		{"bad parent", x86, func() Library { l := good(); l.Versions[1].Parents = []string{"NOPE"}; return l }, `parent "NOPE"`},
		{"empty symbol name", x86, func() Library { l := good(); l.Symbols[2].Name = ""; return l }, "Symbols[2]: empty name"},
		{"NUL in name", x86, func() Library { l := good(); l.Symbols[2].Name = "a\x00b"; return l }, "NUL"},
		{"empty needed", x86, func() Library { l := good(); l.Needed = []string{""}; return l }, "Needed[0]"},
		{"bad kind", x86, func() Library { l := good(); l.Symbols[0].Kind = 7; return l }, "invalid kind"},
		{"huge size", x86, func() Library { l := good(); l.Symbols[3].Size = 1 << 50; return l }, "too large"},
		{"too big for 32-bit", mustArch(t, "i386"), func() Library {
			l := good()
			for i := range 8 {
				l.Symbols = append(l.Symbols, Symbol{Name: fmt.Sprint("big", i), Kind: Object, Size: 1 << 30})
			}
			return l
		}, "32-bit"},
		{"TLS too big for 32-bit", mustArch(t, "arm"), func() Library {
			l := good()
			l.Symbols = append(l.Symbols, Symbol{Name: "hugetls", Kind: TLS, Size: 1 << 33})
			return l
		}, "32-bit"},
		{"func too big for 32-bit", mustArch(t, "i386"), func() Library {
			l := good()
			l.Symbols = append(l.Symbols, Symbol{Name: "hugefn", Size: 1 << 33})
			return l
		}, "too large"},
		{"zero arch", Arch{}, good, "no ELF machine"},
		{"bad page size", func() Arch { a := x86; a.PageSize = 3000; return a }(), good, "page size"},
		{"bad class", func() Arch { a := x86; a.Class = 9; return a }(), good, "ELF class"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := Build(c.arch, c.lib())
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to contain %q", err, c.want)
			}
			if b != nil {
				t.Errorf("output returned along with error")
			}
			if !strings.HasPrefix(err.Error(), "stubs: ") {
				t.Errorf("error lacks package context: %v", err)
			}
			if err := Write(&bytes.Buffer{}, c.arch, c.lib()); err == nil {
				t.Errorf("Write succeeded")
			}
		})
	}
	if _, err := ArchByName("mips"); err == nil || !strings.Contains(err.Error(), `"mips"`) {
		t.Errorf("ArchByName(mips) = %v", err)
	}
}

func TestArchByName(t *testing.T) {
	for alias, want := range map[string]struct {
		m elf.Machine
		c elf.Class
		d elf.Data
	}{
		"x86_64":      {elf.EM_X86_64, elf.ELFCLASS64, elf.ELFDATA2LSB},
		"amd64":       {elf.EM_X86_64, elf.ELFCLASS64, elf.ELFDATA2LSB},
		"i686":        {elf.EM_386, elf.ELFCLASS32, elf.ELFDATA2LSB},
		"arm64":       {elf.EM_AARCH64, elf.ELFCLASS64, elf.ELFDATA2LSB},
		"armhf":       {elf.EM_ARM, elf.ELFCLASS32, elf.ELFDATA2LSB},
		"ppc64le":     {elf.EM_PPC64, elf.ELFCLASS64, elf.ELFDATA2LSB},
		"s390x":       {elf.EM_S390, elf.ELFCLASS64, elf.ELFDATA2MSB},
		"riscv64":     {elf.EM_RISCV, elf.ELFCLASS64, elf.ELFDATA2LSB},
		"powerpc64le": {elf.EM_PPC64, elf.ELFCLASS64, elf.ELFDATA2LSB},
	} {
		a, err := ArchByName(alias)
		if err != nil || a.Machine != want.m || a.Class != want.c || a.Data != want.d {
			t.Errorf("ArchByName(%q) = %+v, %v", alias, a, err)
		}
		if (a.ByteOrder() == binary.BigEndian) != (want.d == elf.ELFDATA2MSB) {
			t.Errorf("%s: ByteOrder %v", alias, a.ByteOrder())
		}
	}
}
