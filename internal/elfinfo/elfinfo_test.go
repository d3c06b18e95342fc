package elfinfo

import (
	"bytes"
	"debug/elf"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func buildSharedLib(t testing.TB) []byte {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "lib.c")
	os.WriteFile(src, []byte("#include <pthread.h>\n#include <string.h>\nvoid *f(void *a, void *b) { pthread_t t; pthread_create(&t, 0, f, 0); return memcpy(a, b, 3); }\n"), 0o644)
	out := filepath.Join(dir, "lib.so")
	if msg, err := exec.Command("gcc", "-shared", "-fPIC", "-Wl,-soname,libdemo.so.1", "-o", out, src).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, msg)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestReadSharedLibrary(t *testing.T) {
	data := buildSharedLib(t)
	f, err := Read("lib.so", bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if f.ABI != "x86_64" || f.Kind != SharedLibrary || f.Soname != "libdemo.so.1" || f.Order != "little" {
		t.Errorf("got %+v", f)
	}
	imports := map[string]string{}
	for _, im := range f.Imports {
		imports[im.Name] = im.Version + " " + im.Library
	}
	if imports["pthread_create"] != "GLIBC_2.34 libc.so.6" || imports["memcpy"] != "GLIBC_2.14 libc.so.6" {
		t.Errorf("imports = %v", imports)
	}
	var needs []string
	for _, n := range f.Needs {
		needs = append(needs, n.Library+":"+n.Version)
	}
	if got := strings.Join(needs, " "); !strings.Contains(got, "libc.so.6:GLIBC_2.34") || !strings.Contains(got, "libc.so.6:GLIBC_2.14") {
		t.Errorf("needs = %s", got)
	}
}

func TestNotELFAndTruncated(t *testing.T) {
	if _, err := Read("x", strings.NewReader("#!/bin/sh\n"), 10); !errors.Is(err, ErrNotELF) {
		t.Errorf("shell script: %v, want ErrNotELF", err)
	}
	data := buildSharedLib(t)
	for _, n := range []int{4, 16, 63, 64, 200, len(data) / 2} {
		_, err := Read("cut.so", bytes.NewReader(data[:n]), int64(n))
		if err == nil || !strings.HasPrefix(err.Error(), "cut.so: malformed ELF file") {
			t.Errorf("truncated to %d bytes: err = %v", n, err)
		}
	}
}

func TestUnsupportedArchitecture(t *testing.T) {
	data := buildSharedLib(t)
	// Rewrite e_machine to MIPS: a well-formed file of an ABI we do not have.
	data[18], data[19] = byte(elf.EM_MIPS), 0
	_, err := Read("mips.so", bytes.NewReader(data), int64(len(data)))
	if err == nil || !strings.Contains(err.Error(), "unsupported architecture EM_MIPS") || !strings.Contains(err.Error(), "supports x86_64") {
		t.Errorf("err = %v", err)
	}
}

func TestHostFiles(t *testing.T) {
	for path, kind := range map[string]Kind{"/usr/bin/ls": PIEExecutable, "/usr/lib/x86_64-linux-gnu/libc.so.6": SharedLibrary} {
		f, err := ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if f.Kind != kind {
			t.Errorf("%s kind %s, want %s", path, f.Kind, kind)
		}
	}
}

// FuzzRead feeds mutated ELF files to the reader: it must return a File or
// an error, never panic or hang. Seeds are a real shared library and
// executable; the fuzzer truncates them, corrupts offsets and counts.
func FuzzRead(f *testing.F) {
	f.Add(buildSharedLib(f))
	if exe, err := os.ReadFile("/usr/bin/true"); err == nil {
		f.Add(exe)
	}
	f.Add([]byte("\x7fELF"))
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := Read("fuzz", bytes.NewReader(data), int64(len(data)))
		if err == nil && info == nil {
			t.Fatal("nil File without error")
		}
		if err != nil && !errors.Is(err, ErrNotELF) && !strings.HasPrefix(err.Error(), "fuzz: ") {
			t.Fatalf("error does not name the file: %v", err)
		}
	})
}

func TestUnboundSymbolsWithoutVersionNeeds(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "u.c")
	os.WriteFile(src, []byte("extern int host_api(int);\nextern int maybe(void) __attribute__((weak));\nint f(void) { return host_api(1) + (maybe ? maybe() : 0); }\n"), 0o644)
	so := filepath.Join(dir, "u.so")
	if msg, err := exec.Command("gcc", "-shared", "-fPIC", "-nostdlib", "-o", so, src).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, msg)
	}
	f, err := ReadFile(so)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Needs) != 0 || len(f.Unbound) != 1 || f.Unbound[0] != "host_api" {
		t.Errorf("needs %v, unbound %v; want none and [host_api] (weak maybe is not listed)", f.Needs, f.Unbound)
	}
}
