package check

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"compatbuild/internal/abidb"
	"compatbuild/internal/elfinfo"
	"compatbuild/internal/stubs"
	"compatbuild/internal/sysroot"
)

// crossABIs are the GNU binutils (installed by .ci/run) that assemble and
// link for each ABI, and the node memcpy has at 2.27 there.
var crossABIs = []struct {
	abi, as, ld string
	asFlags     []string
	ldFlags     []string
	word        string // data directive for a pointer
	memcpy      string // memcpy's default node at glibc 2.27
	class       string
	order       string
}{
	{"x86_64", "as", "ld", nil, nil, ".quad", "GLIBC_2.14", "ELFCLASS64", "little"},
	{"i386", "as", "ld", []string{"--32"}, []string{"-m", "elf_i386"}, ".long", "GLIBC_2.0", "ELFCLASS32", "little"},
	{"aarch64", "aarch64-linux-gnu-as", "aarch64-linux-gnu-ld", nil, nil, ".quad", "GLIBC_2.17", "ELFCLASS64", "little"},
	{"arm", "arm-linux-gnueabihf-as", "arm-linux-gnueabihf-ld", nil, nil, ".long", "GLIBC_2.4", "ELFCLASS32", "little"},
	{"powerpc64le", "powerpc64le-linux-gnu-as", "powerpc64le-linux-gnu-ld", nil, nil, ".quad", "GLIBC_2.17", "ELFCLASS64", "little"},
	{"s390x", "s390x-linux-gnu-as", "s390x-linux-gnu-ld", nil, nil, ".quad", "GLIBC_2.2", "ELFCLASS64", "big"},
	{"riscv64", "riscv64-linux-gnu-as", "riscv64-linux-gnu-ld", nil, nil, ".quad", "GLIBC_2.27", "ELFCLASS64", "little"},
}

// For every ABI, 32/64-bit and both byte orders: a shared library that
// points at memcpy, linked by that ABI's GNU ld against compatbuild's stub
// libc of glibc 2.27, is read and judged by check with the right ABI and
// the floor memcpy's node implies.
func TestEveryABI(t *testing.T) {
	target := abidb.MustParseVersion("2.27")
	for _, c := range crossABIs {
		t.Run(c.abi, func(t *testing.T) {
			dir := t.TempDir()
			db := abidb.MustLoad(c.abi)
			so := filepath.Join(dir, "libuse.so")
			crossLink(t, c.abi, crossLibc(t, c.abi, dir, target), so, "-shared")
			info, err := elfinfo.ReadFile(so)
			if err != nil {
				t.Fatal(err)
			}
			if info.ABI != c.abi || info.Class.String() != c.class || info.Order != c.order {
				t.Errorf("read as %s %v %s, want %s %s %s", info.ABI, info.Class, info.Order, c.abi, c.class, c.order)
			}
			r, err := Analyze(info, abidb.MustParseVersion("2.17"))
			if err != nil {
				t.Fatal(err)
			}
			want, _ := db.NodeRelease(c.memcpy)
			if r.Glibc.Floor != want.String() {
				t.Errorf("floor %s, want %s (memcpy@%s)", r.Glibc.Floor, want, c.memcpy)
			}
			if want.Less(abidb.MustParseVersion("2.18")) != (r.Status == StatusOK) {
				t.Errorf("status %s for floor %s against 2.17", r.Status, r.Glibc.Floor)
			}
			if len(r.Glibc.Requires) != 1 || r.Glibc.Requires[0].Symbols[0] != "memcpy" || r.Glibc.Requires[0].Library != "libc.so.6" {
				t.Errorf("requires %+v", r.Glibc.Requires)
			}
		})
	}
}

func crossABI(t *testing.T, abi string) (as, ld []string, word string) {
	t.Helper()
	for _, c := range crossABIs {
		if c.abi != abi {
			continue
		}
		for _, tool := range []string{c.as, c.ld} {
			if _, err := exec.LookPath(tool); err != nil {
				t.Fatalf("%s is not installed: .ci/run installs the binutils for every ABI", tool)
			}
		}
		return append([]string{c.as}, c.asFlags...), append([]string{c.ld}, c.ldFlags...), c.word
	}
	t.Fatalf("no cross binutils for %s", abi)
	return nil, nil, ""
}

// crossLibc writes compatbuild's stub libc.so.6 of glibc target for abi
// into dir.
func crossLibc(t *testing.T, abi, dir string, target abidb.Version) string {
	t.Helper()
	desc, err := sysroot.StubLibrary(abidb.MustLoad(abi), "libc", target)
	if err != nil {
		t.Fatal(err)
	}
	arch, err := stubs.ArchByName(abi)
	if err != nil {
		t.Fatal(err)
	}
	data, err := stubs.Build(arch, desc)
	if err != nil {
		t.Fatal(err)
	}
	libc := filepath.Join(dir, "libc.so.6")
	os.WriteFile(libc, data, 0o644)
	return libc
}

// crossLink links, with abi's GNU ld and the extra ld arguments, an
// object that points at memcpy against libc into out.
func crossLink(t *testing.T, abi, libc, out string, ldArgs ...string) {
	t.Helper()
	as, ld, word := crossABI(t, abi)
	src, obj := out+".s", out+".o"
	attrs := ""
	if abi == "arm" {
		// Tag_ABI_VFP_args (28) = 1: floats in VFP registers, as every
		// armhf compiler marks its objects; without it GNU ld marks the
		// program soft-float (EF_ARM_ABI_FLOAT_SOFT), an armel program.
		attrs = "\t.eabi_attribute 28, 1\n"
	}
	os.WriteFile(src, []byte(attrs+"\t.data\n\t.globl ptr\nptr:\n\t"+word+" memcpy\n"), 0o644)
	for _, cmd := range [][]string{
		append(as, "-o", obj, src),
		append(append(append(ld, ldArgs...), "-o", out, obj), libc),
	} {
		if msg, err := exec.Command(cmd[0], cmd[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", cmd, err, msg)
		}
	}
}
