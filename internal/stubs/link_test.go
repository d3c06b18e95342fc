package stubs

import (
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// These tests link real programs against stubs with the machine's toolchain
// and check, with debug/elf, what the linker bound to.

const progC = `
extern int foo(void);
extern int bar(void);
extern char baz[24];
extern __thread long tlsvar;
int main(void) { return foo() + bar() + baz[3] + (int)tlsvar; }
`

// writeStub writes lib into dir under its soname, plus a lib<name>.so
// symlink for -l<name>.
func writeStub(t *testing.T, dir string, arch Arch, lib Library) string {
	t.Helper()
	path := filepath.Join(dir, lib.Soname)
	if err := os.WriteFile(path, mustBuild(t, arch, lib), 0o644); err != nil {
		t.Fatal(err)
	}
	if i := strings.Index(lib.Soname, ".so."); i > 0 {
		if err := os.Symlink(lib.Soname, filepath.Join(dir, lib.Soname[:i+3])); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// run runs a command in dir and returns its combined output.
func run(dir, name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// mustRun runs a command that must succeed silently: linker warnings about
// a stub are failures too.
func mustRun(t *testing.T, dir, name string, args ...string) {
	t.Helper()
	out, err := run(dir, name, args...)
	if err != nil || strings.TrimSpace(out) != "" {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

func needCC(t *testing.T, args ...string) {
	t.Helper()
	needTool(t, "gcc")
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "t.c"), "int x;\n")
	if out, err := run(dir, "gcc", append(args, "-c", "t.c")...); err != nil {
		t.Skipf("gcc %v cannot compile: %v\n%s", args, err, out)
	}
}

// linkers returns the -fuse-ld variants gcc can use here.
func linkers(t *testing.T) []string {
	ls := []string{"bfd"}
	for _, l := range []struct{ name, bin string }{{"gold", "ld.gold"}, {"lld", "ld.lld"}} {
		if _, err := exec.LookPath(l.bin); err == nil {
			ls = append(ls, l.name)
		} else {
			t.Logf("%s not installed; not testing -fuse-ld=%s", l.bin, l.name)
		}
	}
	return ls
}

func openELF(t *testing.T, path string) *elf.File {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func dynSym(t *testing.T, f *elf.File, name string) (elf.Symbol, int) {
	t.Helper()
	syms, err := f.DynamicSymbols()
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range syms {
		if s.Name == name {
			return s, i + 1
		}
	}
	t.Fatalf("no dynamic symbol %q", name)
	return elf.Symbol{}, 0
}

// checkImport checks that name is an undefined dynamic symbol bound to
// version of lib.
func checkImport(t *testing.T, f *elf.File, name, version, lib string) {
	t.Helper()
	s, _ := dynSym(t, f, name)
	if s.Section != elf.SHN_UNDEF || s.Version != version || s.Library != lib || s.VersionIndex.IsHidden() {
		t.Errorf("%s: section %v version %q library %q hidden %v; want undefined %s from %s", name, s.Section, s.Version, s.Library, s.VersionIndex.IsHidden(), version, lib)
	}
}

// copyRelocs returns the dynamic symbol indices of the copy relocations.
func copyRelocs(t *testing.T, f *elf.File) []int {
	t.Helper()
	var idx []int
	for _, sec := range f.Sections {
		if sec.Type != elf.SHT_RELA && sec.Type != elf.SHT_REL {
			continue
		}
		data, err := sec.Data()
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case f.Machine == elf.EM_X86_64 && sec.Type == elf.SHT_RELA:
			for i := 0; i+24 <= len(data); i += 24 {
				info := f.ByteOrder.Uint64(data[i+8:])
				if elf.R_X86_64(elf.R_TYPE64(info)) == elf.R_X86_64_COPY {
					idx = append(idx, int(elf.R_SYM64(info)))
				}
			}
		case f.Machine == elf.EM_386 && sec.Type == elf.SHT_REL:
			for i := 0; i+8 <= len(data); i += 8 {
				info := f.ByteOrder.Uint32(data[i+4:])
				if elf.R_386(elf.R_TYPE32(info)) == elf.R_386_COPY {
					idx = append(idx, int(elf.R_SYM32(info)))
				}
			}
		}
	}
	return idx
}

// checkProgram checks a program linked against fooLib: functions and TLS
// bound to the default versions, baz copied with the size of baz@@FOO_1
// (24), not of the hidden baz@FOO_2 (40).
func checkProgram(t *testing.T, path string) {
	t.Helper()
	f := openELF(t, path)
	if libs, _ := f.ImportedLibraries(); !slices.Contains(libs, "libfoo.so.1") {
		t.Errorf("DT_NEEDED = %q, want libfoo.so.1 (the stub's soname)", libs)
	}
	checkImport(t, f, "foo", "FOO_2", "libfoo.so.1")
	checkImport(t, f, "bar", "FOO_1", "libfoo.so.1")
	checkImport(t, f, "tlsvar", "FOO_2", "libfoo.so.1")
	baz, bazIdx := dynSym(t, f, "baz")
	if baz.Size != 24 || baz.Section == elf.SHN_UNDEF || elf.ST_TYPE(baz.Info) != elf.STT_OBJECT || baz.Version != "FOO_1" || baz.Library != "libfoo.so.1" {
		t.Errorf("baz = %+v; want a 24-byte copy of baz@FOO_1 from libfoo.so.1", baz)
	}
	if cr := copyRelocs(t, f); !slices.Contains(cr, bazIdx) {
		t.Errorf("no copy relocation for baz (dynsym %d); copy relocations: %v", bazIdx, cr)
	}
	needs, err := f.DynamicVersionNeeds()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range needs {
		if n.Name == "libfoo.so.1" {
			for _, d := range n.Needs {
				got = append(got, d.Dep)
			}
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, []string{"FOO_1", "FOO_2"}) {
		t.Errorf("versions needed from libfoo.so.1 = %q, want [FOO_1 FOO_2]", got)
	}
}

func TestLinkExecutable(t *testing.T) {
	needCC(t)
	for _, ld := range linkers(t) {
		for _, mode := range []string{"-pie", "-no-pie"} {
			t.Run(ld+mode, func(t *testing.T) {
				dir := t.TempDir()
				writeStub(t, dir, mustArch(t, "x86_64"), fooLib())
				writeFile(t, filepath.Join(dir, "prog.c"), progC)
				pic := "-fPIE"
				if mode == "-no-pie" {
					pic = "-fno-pie"
				}
				mustRun(t, dir, "gcc", pic, mode, "-fuse-ld="+ld, "prog.c", "-o", "prog", "-L.", "-l:libfoo.so.1")
				checkProgram(t, filepath.Join(dir, "prog"))
			})
		}
	}
}

func TestLinkViaSymlink(t *testing.T) {
	needCC(t)
	dir := t.TempDir()
	writeStub(t, dir, mustArch(t, "x86_64"), fooLib())
	writeFile(t, filepath.Join(dir, "prog.c"), progC)
	mustRun(t, dir, "gcc", "prog.c", "-o", "prog", "-L.", "-lfoo")
	checkProgram(t, filepath.Join(dir, "prog"))
}

// hiddenLib exports foo only as the compat version foo@FOO_1.
func hiddenLib() Library {
	return Library{
		Soname:   "libfoo.so.1",
		Versions: Versions("FOO_1", "FOO_2"),
		Symbols:  []Symbol{{Name: "foo", Version: "FOO_1"}, {Name: "other", Version: "FOO_2", Default: true}},
	}
}

func TestLinkHiddenOnlyFails(t *testing.T) {
	needCC(t)
	for _, ld := range linkers(t) {
		t.Run(ld, func(t *testing.T) {
			dir := t.TempDir()
			writeStub(t, dir, mustArch(t, "x86_64"), hiddenLib())
			writeFile(t, filepath.Join(dir, "prog.c"), "extern int foo(void);\nint main(void) { return foo(); }\n")
			out, err := run(dir, "gcc", "-fuse-ld="+ld, "prog.c", "-o", "prog", "-L.", "-l:libfoo.so.1")
			if err == nil {
				t.Fatalf("linking against hidden-only foo@FOO_1 succeeded:\n%s", out)
			}
			if !strings.Contains(out, "foo") {
				t.Errorf("link failed, but not over foo:\n%s", out)
			}
			// Control: the same program without the reference links, so the
			// failure above is about the hidden version and nothing else.
			writeFile(t, filepath.Join(dir, "ok.c"), "extern int other(void);\nint main(void) { return other(); }\n")
			mustRun(t, dir, "gcc", "-fuse-ld="+ld, "ok.c", "-o", "ok", "-L.", "-l:libfoo.so.1")
			checkImport(t, openELF(t, filepath.Join(dir, "ok")), "other", "FOO_2", "libfoo.so.1")
		})
	}
}

// TestLinkExplicitCompatVersion shows the hidden symbol is really there: an
// explicit .symver reference binds to it.
func TestLinkExplicitCompatVersion(t *testing.T) {
	needCC(t)
	dir := t.TempDir()
	writeStub(t, dir, mustArch(t, "x86_64"), hiddenLib())
	writeFile(t, filepath.Join(dir, "prog.c"), `
extern int foo(void);
__asm__(".symver foo, foo@FOO_1");
int main(void) { return foo(); }
`)
	mustRun(t, dir, "gcc", "prog.c", "-o", "prog", "-L.", "-l:libfoo.so.1")
	f := openELF(t, filepath.Join(dir, "prog"))
	s, _ := dynSym(t, f, "foo")
	if s.Section != elf.SHN_UNDEF || s.Version != "FOO_1" || s.Library != "libfoo.so.1" {
		t.Errorf("foo = %+v, want undefined foo@FOO_1 from libfoo.so.1", s)
	}
}

func TestLinkSharedLibrary(t *testing.T) {
	needCC(t)
	for _, ld := range linkers(t) {
		t.Run(ld, func(t *testing.T) {
			dir := t.TempDir()
			writeStub(t, dir, mustArch(t, "x86_64"), fooLib())
			writeFile(t, filepath.Join(dir, "use.c"), "extern int foo(void);\nint use(void) { return foo(); }\n")
			mustRun(t, dir, "gcc", "-shared", "-fPIC", "-fuse-ld="+ld, "use.c", "-o", "libuse.so", "-L.", "-l:libfoo.so.1")
			f := openELF(t, filepath.Join(dir, "libuse.so"))
			checkImport(t, f, "foo", "FOO_2", "libfoo.so.1")
			needs, err := f.DynamicVersionNeeds()
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, n := range needs {
				for _, d := range n.Needs {
					got = append(got, n.Name+":"+d.Dep)
				}
			}
			if !slices.Contains(got, "libfoo.so.1:FOO_2") || slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, "libfoo.so.1:") && s != "libfoo.so.1:FOO_2" }) {
				t.Errorf("verneed = %q, want libfoo.so.1:FOO_2 only from libfoo", got)
			}
		})
	}
}

// TestLinkI386 links 32-bit objects (no 32-bit libc needed: ld is driven
// directly) against an i386 stub.
func TestLinkI386(t *testing.T) {
	needCC(t, "-m32")
	needTool(t, "ld")
	dir := t.TempDir()
	lib := fooLib()
	lib.Needed = nil // no i386 libc.so.6 to satisfy ld's DT_NEEDED search
	writeStub(t, dir, mustArch(t, "i386"), lib)
	writeFile(t, filepath.Join(dir, "prog.c"), progC)
	mustRun(t, dir, "gcc", "-m32", "-fno-pic", "-fno-stack-protector", "-c", "prog.c")
	mustRun(t, dir, "ld", "-m", "elf_i386", "-e", "main", "--dynamic-linker", "/lib/ld-linux.so.2", "-o", "prog", "prog.o", "-L.", "-l:libfoo.so.1")
	checkProgram(t, filepath.Join(dir, "prog"))

	writeFile(t, filepath.Join(dir, "use.c"), "extern int foo(void);\nint use(void) { return foo(); }\n")
	mustRun(t, dir, "gcc", "-m32", "-fPIC", "-c", "use.c")
	mustRun(t, dir, "ld", "-m", "elf_i386", "-shared", "-o", "libuse.so", "use.o", "-L.", "-l:libfoo.so.1")
	checkImport(t, openELF(t, filepath.Join(dir, "libuse.so")), "foo", "FOO_2", "libfoo.so.1")
}

// TestLinkBigLibrary links against a libc-sized stub and binds a compat
// name to its default version.
func TestLinkBigLibrary(t *testing.T) {
	needCC(t)
	dir := t.TempDir()
	lib := bigLib(2500)
	lib.Soname = "libbig.so.6"
	lib.Needed = nil
	writeStub(t, dir, mustArch(t, "x86_64"), lib)
	// Symbol 10 has a compat version at GLIBC_2.0 and a default one.
	name := fmt.Sprintf("sym_%d_%x", 10, 10*7919)
	var def Symbol
	for _, s := range lib.Symbols {
		if s.Name == name && s.Default {
			def = s
		}
	}
	if def.Name == "" {
		t.Fatal("bigLib changed; update the test")
	}
	writeFile(t, filepath.Join(dir, "prog.c"), fmt.Sprintf("extern int %[1]s(void);\nint main(void) { return %[1]s(); }\n", name))
	mustRun(t, dir, "gcc", "prog.c", "-o", "prog", "-L.", "-l:libbig.so.6")
	checkImport(t, openELF(t, filepath.Join(dir, "prog")), def.Name, def.Version, "libbig.so.6")
	if def.Version == "GLIBC_2.0" {
		t.Fatal("test needs a symbol whose default version is not the compat one")
	}
}

// crossTools says how to assemble and link for each predefined arch with
// GNU binutils (cross binutils such as binutils-aarch64-linux-gnu for the
// foreign ones; the test skips an arch whose tools are not installed).
var crossTools = []struct {
	arch, as, ld string
	asFlags      []string
	ldFlags      []string
}{
	{"x86_64", "as", "ld", []string{"--64"}, []string{"-m", "elf_x86_64"}},
	{"i386", "as", "ld", []string{"--32"}, []string{"-m", "elf_i386"}},
	{"aarch64", "aarch64-linux-gnu-as", "aarch64-linux-gnu-ld", nil, nil},
	{"arm", "arm-linux-gnueabihf-as", "arm-linux-gnueabihf-ld", []string{"-march=armv7-a", "-mfloat-abi=hard"}, nil},
	{"armel", "arm-linux-gnueabihf-as", "arm-linux-gnueabihf-ld", []string{"-march=armv5te", "-mfloat-abi=soft"}, nil},
	{"powerpc64le", "powerpc64le-linux-gnu-as", "powerpc64le-linux-gnu-ld", nil, nil},
	{"s390x", "s390x-linux-gnu-as", "s390x-linux-gnu-ld", nil, nil},
	{"riscv64", "riscv64-linux-gnu-as", "riscv64-linux-gnu-ld", nil, nil},
}

// dataRefs references the stub's symbols through address-sized data
// words, which every target can assemble the same way.
const dataRefs = `
	.data
	.globl ptrs
ptrs:
	.dc.a foo
	.dc.a bar
	.dc.a baz
`

// TestLinkCrossArches links a shared library for each arch against that
// arch's stub with GNU ld, checking the bindings and that a compat-only
// symbol is rejected.
func TestLinkCrossArches(t *testing.T) {
	covered := map[string]bool{}
	for _, ct := range crossTools {
		covered[ct.arch] = true
		t.Run(ct.arch, func(t *testing.T) {
			needTool(t, ct.as)
			needTool(t, ct.ld)
			dir := t.TempDir()
			lib := fooLib()
			lib.Needed = nil // no target libc for ld's DT_NEEDED search
			writeStub(t, dir, mustArch(t, ct.arch), lib)
			writeFile(t, filepath.Join(dir, "use.s"), dataRefs)
			mustRun(t, dir, ct.as, append(slices.Clone(ct.asFlags), "-o", "use.o", "use.s")...)
			sub := filepath.Join(dir, "hidden")
			if err := os.Mkdir(sub, 0o755); err != nil {
				t.Fatal(err)
			}
			h := hiddenLib()
			h.Symbols = append(h.Symbols, Symbol{Name: "bar", Version: "FOO_2", Default: true}, Symbol{Name: "baz", Version: "FOO_2", Default: true, Kind: Object, Size: 8})
			writeStub(t, sub, mustArch(t, ct.arch), h)

			// GNU ld for the target, and lld (multi-target) when installed.
			lds := []string{ct.ld}
			if _, err := exec.LookPath("ld.lld"); err == nil {
				// Probe without the stub: lld 14 crashes on any s390x input.
				if out, err := run(dir, "ld.lld", append(slices.Clone(ct.ldFlags), "-shared", "-o", "probe.so", "use.o")...); err != nil {
					t.Logf("ld.lld cannot link plain %s objects; not testing it: %v\n%.300s", ct.arch, err, out)
				} else {
					lds = append(lds, "ld.lld")
				}
			}
			for _, linker := range lds {
				ld := func(out, lib string) (string, error) {
					return run(dir, linker, append(slices.Clone(ct.ldFlags), "-shared", "-z", "defs", "-o", out, "use.o", lib)...)
				}
				if out, err := ld("libuse.so", "libfoo.so.1"); err != nil || strings.TrimSpace(out) != "" {
					t.Fatalf("%s: %v\n%s", linker, err, out)
				}
				f := openELF(t, filepath.Join(dir, "libuse.so"))
				if f.Machine != mustArch(t, ct.arch).Machine {
					t.Fatalf("%s linked %v, want %v", linker, f.Machine, mustArch(t, ct.arch).Machine)
				}
				checkImport(t, f, "foo", "FOO_2", "libfoo.so.1")
				checkImport(t, f, "bar", "FOO_1", "libfoo.so.1")
				checkImport(t, f, "baz", "FOO_1", "libfoo.so.1")

				out, err := ld("libuse2.so", filepath.Join("hidden", "libfoo.so.1"))
				if err == nil || !strings.Contains(out, "foo") {
					t.Errorf("%s: linking against compat-only foo@FOO_1: err %v\n%s", linker, err, out)
				}
			}
		})
	}
	for _, n := range ArchNames() {
		if !covered[n] {
			t.Errorf("no cross tools entry for %s", n)
		}
	}
}
