package driver

import (
	"debug/elf"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// definesSymbol reports whether the ELF file defines name itself.
func definesSymbol(t *testing.T, path, name string) bool {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	syms, _ := f.Symbols()
	for _, s := range syms {
		if s.Name == name && s.Section != elf.SHN_UNDEF {
			return true
		}
	}
	return false
}

// On a cold cache the polyfill archive is a placeholder; the first link
// that needs a polyfill builds it and links again, whether the link failed
// (an executable) or succeeded with the symbol left undefined (a shared
// library, which may link with undefined symbols).
func TestPolyfillsBuiltOnFirstNeed(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	dir := t.TempDir()
	src := filepath.Join(dir, "r.c")
	os.WriteFile(src, []byte("#include <sys/random.h>\nint fill(void *p) { return (int)getrandom(p, 8, 0); }\nint main(void) { char b[8]; return fill(b) != 8; }\n"), 0o644)
	plain := filepath.Join(dir, "plain.c")
	os.WriteFile(plain, []byte("int main(void) { return 0; }\n"), 0o644)

	// A link that needs no polyfill leaves the placeholder alone.
	mustLink(t, false, "2.17", plain, "-o", filepath.Join(dir, "plain"))
	roots, _ := filepath.Glob(filepath.Join(os.Getenv("XDG_CACHE_HOME"), "compatbuild", "sysroot", "x86_64-glibc2.17-*", "libcompat_polyfill.a"))
	if len(roots) != 1 {
		t.Fatalf("sysroot archives: %v", roots)
	}
	if st, _ := os.Stat(roots[0]); st.Size() != int64(len("!<arch>\n")) {
		t.Errorf("polyfills built without need (%d bytes)", st.Size())
	}

	so := filepath.Join(dir, "libr.so")
	mustLink(t, false, "2.17", "-shared", "-fPIC", src, "-o", so)
	if !definesSymbol(t, so, "getrandom") {
		t.Error("the shared library does not define the getrandom polyfill")
	}
	exe := filepath.Join(dir, "r")
	mustLink(t, false, "2.17", src, "-o", exe)
	if !definesSymbol(t, exe, "getrandom") {
		t.Error("the executable does not define the getrandom polyfill")
	}
	if out, err := run(t, debian11(t), exe); err != nil {
		t.Errorf("under 2.31: %v\n%s", err, out)
	}
}

// A shared library may link with an undefined symbol; one that only a
// newer glibc has, and the catalogue refuses, would make it fail to load
// on the target, so the link fails and gives the catalogue's reason.
func TestSharedLibraryWithNewerUndefinedSymbolFails(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "p.c")
	os.WriteFile(src, []byte("#define _GNU_SOURCE\n#include <pthread.h>\nint f(pthread_attr_t *a) { return pthread_setattr_default_np(a); }\n"), 0o644)
	so := filepath.Join(dir, "libp.so")
	out, code := link(t, false, "2.17", "-shared", "-fPIC", src, "-o", so)
	if code != 1 || !strings.Contains(out, "pthread_setattr_default_np is undefined: it is in glibc 2.18 and later") ||
		!strings.Contains(out, "compatbuild cannot provide it: glibc 2.17 keeps the default stack and guard size of new threads inside libpthread") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	if _, err := os.Stat(so); !os.IsNotExist(err) {
		t.Error("the broken library was left behind")
	}
}
