package libcompat

import (
	"bufio"
	"bytes"
	"context"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// crossABIs are the ABIs besides x86_64 with the Debian cross compiler
// that builds for them (CI installs gcc-<triple>) and the first release
// each can target.
var crossABIs = []struct {
	arch, triple string
	first        Version
}{
	{"i386", "i686-linux-gnu", Version{2, 17}},
	{"aarch64", "aarch64-linux-gnu", Version{2, 17}},
	{"arm", "arm-linux-gnueabihf", Version{2, 17}},
	{"powerpc64le", "powerpc64le-linux-gnu", Version{2, 19}},
	{"s390x", "s390x-linux-gnu", Version{2, 17}},
	{"riscv64", "riscv64-linux-gnu", Version{2, 27}},
}

func crossCC(t *testing.T, triple string) []string {
	t.Helper()
	cc := triple + "-gcc"
	if _, err := exec.LookPath(cc); err != nil {
		t.Fatalf("%s not found: the cross tests need Debian's gcc-%s (.ci/run installs it)", cc, triple)
	}
	return []string{cc}
}

// TestCrossBuildEveryPart: for every ABI, at its first release (old-style
// start, stat wrappers) and at 2.34 (new-style start), the start files and
// libc_nonshared.a compile with that ABI's cross compiler into objects of
// that machine, with no TLS.
func TestCrossBuildEveryPart(t *testing.T) {
	for _, abi := range crossABIs {
		t.Run(abi.arch, func(t *testing.T) {
			t.Parallel()
			cc := crossCC(t, abi.triple)
			for _, v := range []Version{abi.first, {2, 34}} {
				tg := Target{Arch: abi.arch, Glibc: v, Has: func(string) bool { return false }}
				// The polyfills are compiled for every ABI by the
				// end-to-end tests (internal/crosstest), which build each
				// ABI's whole archive.
				parts := StartFiles | Nonshared
				files, err := BuildParts(context.Background(), cc, tg, t.TempDir(), parts)
				if err != nil {
					t.Fatalf("%s %s: %v", abi.arch, v, err)
				}
				wantMachine := arches[abi.arch].machine
				for _, p := range []string{files.Scrt1, files.Crti, files.Crtn, files.Nonshared, files.Polyfill} {
					if p != files.Polyfill {
						checkObjects(t, p, wantMachine)
					}
				}
				start := readSymbols(t, files.Scrt1)
				_, csu := start["__libc_csu_init"]
				if csu != v.Less(Version{2, 34}) {
					t.Errorf("%s %s: Scrt1.o references __libc_csu_init: %v", abi.arch, v, csu)
				}
				for _, want := range []string{"_start", "_IO_stdin_used", "__libc_start_main", "main"} {
					if _, ok := start[want]; !ok {
						t.Errorf("%s %s: Scrt1.o has no %s", abi.arch, v, want)
					}
				}
				ns, _, _, err := ArchiveSymbols(tg)
				if err != nil {
					t.Fatal(err)
				}
				if got := slices.Contains(ns, "__stack_chk_fail_local"); got != (abi.arch == "i386") {
					t.Errorf("%s: libc_nonshared.a defines __stack_chk_fail_local: %v (only i386 code calls it)", abi.arch, got)
				}
			}
		})
	}
}

// checkObjects reads an object or every member of an archive: each is an
// ELF file of the machine, and none uses initial-exec or local-exec TLS
// (which makes a shared library fail to dlopen).
func checkObjects(t *testing.T, path string, machine elf.Machine) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var members [][]byte
	if bytes.HasPrefix(data, []byte("!<arch>\n")) {
		members = arMembers(t, data)
	} else {
		members = [][]byte{data}
	}
	for _, m := range members {
		f, err := elf.NewFile(bytes.NewReader(m))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if f.Machine != machine {
			t.Errorf("%s: machine %v, want %v", path, f.Machine, machine)
		}
		for _, s := range f.Sections {
			if s.Flags&elf.SHF_TLS != 0 {
				t.Errorf("%s: has a TLS section %s", path, s.Name)
			}
		}
		f.Close()
	}
}

// arMembers splits a System V ar archive as writeArchive makes it.
func arMembers(t *testing.T, data []byte) [][]byte {
	t.Helper()
	var out [][]byte
	p := 8
	for p+60 <= len(data) {
		hdr := data[p : p+60]
		var size int
		for _, c := range strings.TrimSpace(string(hdr[48:58])) {
			size = size*10 + int(c-'0')
		}
		name := strings.TrimSpace(string(hdr[0:16]))
		body := data[p+60 : p+60+size]
		if name != "/" && name != "//" {
			out = append(out, body)
		}
		p += 60 + size + size%2
	}
	return out
}

func readSymbols(t *testing.T, path string) map[string]elf.Symbol {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	syms, err := f.Symbols()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]elf.Symbol{}
	for _, s := range syms {
		out[s.Name] = s
	}
	return out
}

// TestSyscallNumbersMatchHeaders: the system call numbers spelled out in
// each src/<arch>/arch.h are the ones the target's own <asm/unistd.h>
// (from Debian's linux-libc-dev-<arch>-cross) defines.
func TestSyscallNumbersMatchHeaders(t *testing.T) {
	defRe := regexp.MustCompile(`^#define\s+COMPAT_SYS_(\w+)\s+(\d+)`)
	for _, abi := range append([]struct {
		arch, triple string
		first        Version
	}{{"x86_64", "x86_64-linux-gnu", Version{2, 17}}}, crossABIs...) {
		t.Run(abi.arch, func(t *testing.T) {
			cc := []string{"gcc"}
			if abi.arch != "x86_64" {
				cc = crossCC(t, abi.triple)
			}
			data, err := sources.ReadFile("src/" + arches[abi.arch].dir + "/arch.h")
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]string{}
			var probe strings.Builder
			probe.WriteString("#include <asm/unistd.h>\n")
			sc := bufio.NewScanner(bytes.NewReader(data))
			for sc.Scan() {
				if m := defRe.FindStringSubmatch(sc.Text()); m != nil {
					want[m[1]] = m[2]
					probe.WriteString("N " + m[1] + " __NR_" + m[1] + "\n")
				}
			}
			if len(want) < 6 {
				t.Fatalf("arch.h of %s defines only %d system calls", abi.arch, len(want))
			}
			src := filepath.Join(t.TempDir(), "probe.c")
			os.WriteFile(src, []byte(probe.String()), 0o644)
			out, err := exec.Command(cc[0], "-E", "-P", src).CombinedOutput()
			if err != nil {
				t.Fatalf("%s -E: %v\n%s", cc[0], err, out)
			}
			for _, line := range strings.Split(string(out), "\n") {
				f := strings.Fields(line)
				if len(f) < 3 || f[0] != "N" {
					continue
				}
				expr := strings.Join(f[2:], "")
				expr = strings.TrimSuffix(strings.TrimPrefix(expr, "(0+"), ")")
				if strings.HasPrefix(expr, "__NR_") && len(want[f[1]]) == 3 && want[f[1]] >= "424" {
					// Newer than these headers; from 424 on every
					// architecture has the same numbers.
					delete(want, f[1])
					continue
				}
				if expr != want[f[1]] {
					t.Errorf("%s: arch.h says SYS_%s is %s, <asm/unistd.h> says %s", abi.arch, f[1], want[f[1]], strings.Join(f[2:], " "))
				}
				delete(want, f[1])
			}
			if len(want) > 0 {
				t.Errorf("%s: not checked: %v", abi.arch, want)
			}
		})
	}
}

// TestCrossAliasThunks: on every ABI with assembly thunks, an alias entry's
// member (here strlen under another name) links into a PIE executable and,
// run under qemu-user with the cross toolchain's own glibc, passes its
// argument through and returns the target's result. powerpc64le builds
// none (see archInfo.thunks).
func TestCrossAliasThunks(t *testing.T) {
	for _, abi := range crossABIs {
		t.Run(abi.arch, func(t *testing.T) {
			t.Parallel()
			arch := arches[abi.arch]
			objs := []object{{member: "compat_alias_strlen", symbols: []string{"compat_alias_strlen"}, thunk: "strlen"}}
			if arch.thunks == "" {
				if got := withoutThunks(objs, arch); len(got) != 0 {
					t.Errorf("%s builds alias thunks: %v", abi.arch, got)
				}
				return
			}
			cc := crossCC(t, abi.triple)
			work := t.TempDir()
			if err := extractSources(work); err != nil {
				t.Fatal(err)
			}
			os.Mkdir(filepath.Join(work, "polyfill"), 0o755)
			jobs, err := objectJobs("polyfill", objs, arch)
			if err != nil {
				t.Fatal(err)
			}
			if err := compileAll(context.Background(), cc, work, arch, jobs, buildOptions{}); err != nil {
				t.Fatal(err)
			}
			thunk := filepath.Join(work, "thunk.o")
			os.WriteFile(thunk, jobs[0].data, 0o644)
			checkObjects(t, thunk, arch.machine)
			if s := readSymbols(t, thunk)["compat_alias_strlen"]; elf.ST_VISIBILITY(s.Other) != elf.STV_HIDDEN || elf.ST_TYPE(s.Info) != elf.STT_FUNC {
				t.Errorf("thunk symbol %+v is not a hidden function", s)
			}
			src := filepath.Join(work, "main.c")
			os.WriteFile(src, []byte("#include <stdio.h>\nextern unsigned long compat_alias_strlen(const char *);\nint main(void) { printf(\"%lu\\n\", compat_alias_strlen(\"thunked\")); return 0; }\n"), 0o644)
			prog := filepath.Join(work, "prog")
			if out, err := exec.Command(cc[0], "-O2", "-fPIE", "-pie", src, thunk, "-o", prog).CombinedOutput(); err != nil {
				t.Fatalf("link: %v\n%s", err, out)
			}
			var run *exec.Cmd
			if abi.arch == "i386" {
				// x86_64 kernels run i386 programs; loader and libc from
				// the cross toolchain's root.
				run = exec.Command("/usr/"+abi.triple+"/lib/ld-linux.so.2", "--library-path", "/usr/"+abi.triple+"/lib", prog)
			} else {
				run = exec.Command(qemuFor(t, abi.arch), "-L", "/usr/"+abi.triple, prog)
			}
			out, err := run.CombinedOutput()
			if err != nil || string(out) != "7\n" {
				t.Errorf("thunked strlen on %s: %v, output %q; want 7", abi.arch, err, out)
			}
		})
	}
}

func qemuFor(t *testing.T, arch string) string {
	t.Helper()
	name := map[string]string{"aarch64": "qemu-aarch64", "arm": "qemu-arm", "s390x": "qemu-s390x", "riscv64": "qemu-riscv64", "powerpc64le": "qemu-ppc64le"}[arch]
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s not found: install qemu-user (.ci/run does)", name)
	}
	return p
}
