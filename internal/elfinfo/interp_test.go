package elfinfo

import (
	"bytes"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The kind: PT_INTERP is read as the kernel reads it (the first PT_INTERP,
// 2 to PATH_MAX bytes, ending in NUL, the path up to its first NUL), from
// the program headers, whatever the sections say. Members: the default
// loader, one named with --dynamic-linker, none (a shared library), and
// segments the kernel refuses.
func TestInterpIsReadFromTheProgramHeaders(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "p.c")
	os.WriteFile(src, []byte("int main(void) { return 0; }\n"), 0o644)
	build := func(name string, args ...string) string {
		out := filepath.Join(dir, name)
		if msg, err := exec.Command("gcc", append([]string{"-o", out, src}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("gcc %v: %v\n%s", args, err, msg)
		}
		return out
	}
	for _, c := range []struct {
		name, want string
		args       []string
	}{
		{"std", "/lib64/ld-linux-x86-64.so.2", nil},
		{"nix", "/nix/store/abcd-glibc-2.38/lib/ld-linux-x86-64.so.2", []string{"-Wl,--dynamic-linker=/nix/store/abcd-glibc-2.38/lib/ld-linux-x86-64.so.2"}},
		{"nopie", "/opt/custom/ld.so", []string{"-no-pie", "-Wl,--dynamic-linker=/opt/custom/ld.so"}},
		{"lib.so", "", []string{"-shared", "-fPIC"}},
	} {
		f, err := ReadFile(build(c.name, c.args...))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if f.Interp != c.want {
			t.Errorf("%s: Interp = %q, want %q", c.name, f.Interp, c.want)
		}
	}

	// Damage the segment of a copy of "std" the ways the kernel refuses.
	data, err := os.ReadFile(filepath.Join(dir, "std"))
	if err != nil {
		t.Fatal(err)
	}
	ef, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var ph int // index of PT_INTERP
	var off uint64
	for i, p := range ef.Progs {
		if p.Type == elf.PT_INTERP {
			ph, off = i, p.Off
			break
		}
	}
	phoff := int(ef.FileHeader.ByteOrder.Uint64(data[32:])) + ph*56
	setSize := func(d []byte, n uint64) {
		ef.ByteOrder.PutUint64(d[phoff+32:], n)
		ef.ByteOrder.PutUint64(d[phoff+40:], n)
	}
	for name, damage := range map[string]func(d []byte){
		"1 byte":      func(d []byte) { setSize(d, 1) },
		"over 4096":   func(d []byte) { setSize(d, 4097) },
		"no NUL":      func(d []byte) { d[off+uint64(len("/lib64/ld-linux-x86-64.so.2"))] = 'x' },
		"beyond file": func(d []byte) { ef.ByteOrder.PutUint64(d[phoff+8:], uint64(len(d))) },
	} {
		d := bytes.Clone(data)
		damage(d)
		_, err := Read("p", bytes.NewReader(d), int64(len(d)))
		if err == nil || !strings.Contains(err.Error(), "malformed") {
			t.Errorf("%s: err = %v, want a malformed-file error", name, err)
		}
	}
	// An embedded NUL ends the path, as for the kernel's open.
	d := bytes.Clone(data)
	d[off+5] = 0 // "/lib6"
	if f, err := Read("p", bytes.NewReader(d), int64(len(d))); err != nil {
		t.Errorf("embedded NUL: %v", err)
	} else if f.Interp != "/lib6" {
		t.Errorf("embedded NUL: Interp = %q, want /lib6", f.Interp)
	}
}
