package main

// What of a wheel verify imports, proved with real wheels under Debian
// 11's Python 3.9. The kinds:
//   - every extension module is imported by its dotted name, also one no
//     package imports at import time (pkg/_native.abi3.so beside an empty
//     pkg/__init__.py), so a module that cannot load fails the wheel;
//   - extension modules of another architecture than the runtime's fail
//     the wheel, naming them, before anything runs;
//   - entries that are not import names (auditwheel's pkg.libs/, no
//     top_level.txt, as maturin, meson-python and hatch build) are not
//     imported: a repaired wheel passes.

import (
	"archive/zip"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// nativeC is an abi3 extension module pkg._native whose answer() returns
// what the bundled library libdep's dep() does (or 42 without it); built
// plainly on this machine it needs GLIBC_2.34 (pthread_create).
const nativeC = `#include <Python.h>
#include <pthread.h>
#ifdef WITH_DEP
int dep(void);
#else
static int dep(void) { return 42; }
#endif
static void *worker(void *arg) { return arg; }
static PyObject *answer(PyObject *self, PyObject *args) {
	pthread_t t; void *out = NULL;
	(void)self; (void)args;
	if (pthread_create(&t, NULL, worker, (void *)(size_t)dep()) != 0 || pthread_join(t, &out) != 0)
		return PyErr_Format(PyExc_OSError, "threads failed");
	return PyLong_FromLong((long)(size_t)out);
}
static PyMethodDef methods[] = {{"answer", answer, METH_NOARGS, ""}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_native", NULL, -1, methods};
PyMODINIT_FUNC PyInit__native(void) { return PyModule_Create(&module); }
`

// zipWheel writes a wheel named name into dir holding files (name ->
// content, or "@PATH" for the bytes of the file PATH).
func zipWheel(t *testing.T, dir, name string, files map[string]string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w := zip.NewWriter(f)
	for n, content := range files {
		if len(content) > 0 && content[0] == '@' {
			data, err := os.ReadFile(content[1:])
			if err != nil {
				t.Fatal(err)
			}
			content = string(data)
		}
		fw, _ := w.Create(n)
		fw.Write([]byte(content))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return p
}

func TestWheelImportsEveryExtensionModule(t *testing.T) {
	t.Parallel()
	inc := pythonInclude(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "native.c")
	os.WriteFile(src, []byte(nativeC), 0o644)
	os.WriteFile(filepath.Join(dir, "arm.c"), []byte("void *PyInit__native(void) { return 0; }\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "dep.c"), []byte("int dep(void) { return 7; }\n"), 0o644)
	abi3 := []string{"-O2", "-shared", "-fPIC", "-I" + inc, "-DPy_LIMITED_API=0x03070000"}
	good := filepath.Join(dir, "good", "_native.abi3.so")
	plain := filepath.Join(dir, "plain", "_native.abi3.so")
	repaired := filepath.Join(dir, "repaired", "_native.abi3.so")
	libdep := filepath.Join(dir, "repaired", "libdep-1a2b3c4d.so")
	arm := filepath.Join(dir, "arm", "_native.abi3.so")
	for _, d := range []string{good, plain, repaired, arm} {
		os.MkdirAll(filepath.Dir(d), 0o755)
	}
	mustCB(t, dir, append([]string{"cc", "--glibc", "2.17"}, append(abi3, "-o", good, src)...)...)
	mustCB(t, dir, "cc", "--glibc", "2.17", "-shared", "-fPIC", "-Wl,-soname,libdep-1a2b3c4d.so", "-o", libdep, filepath.Join(dir, "dep.c"))
	// auditwheel's layout: the module finds its bundled library through
	// an RPATH into pkg.libs.
	mustCB(t, dir, append([]string{"cc", "--glibc", "2.17"}, append(abi3, "-DWITH_DEP", "-Wl,-rpath,$ORIGIN/../pkg.libs", "-o", repaired, src, libdep)...)...)
	for _, c := range [][]string{
		append([]string{"gcc"}, append(abi3, "-o", plain, src)...),
		// aarch64 has no Python headers here; the module's entry point is
		// what makes it one.
		{"aarch64-linux-gnu-gcc", "-shared", "-fPIC", "-o", arm, filepath.Join(dir, "arm.c")},
	} {
		if out, err := exec.Command(c[0], c[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", c, err, out)
		}
	}
	const tag = "pkg-1.0-cp37-abi3-linux_x86_64.whl"
	wheel := func(sub string, files map[string]string) string {
		os.MkdirAll(filepath.Join(dir, sub), 0o755)
		files["pkg/__init__.py"] = ""
		files["pkg-1.0.dist-info/WHEEL"] = "Wheel-Version: 1.0\n"
		return zipWheel(t, filepath.Join(dir, sub), tag, files)
	}

	// The empty __init__.py imports nothing: the module is imported by
	// its own name, and judged.
	whl := wheel("w-good", map[string]string{"pkg/_native.abi3.so": "@" + good})
	out, code := verifyCB(t, dir, "--on", "debian:11", "--call", "answer", "--expect-return", "42", whl)
	wantVerify(t, out, code, 0, "PASS "+whl+" on debian:11 (glibc 2.31, python3.9): imported pkg, pkg._native; answer() returned 42")
	whl = wheel("w-plain", map[string]string{"pkg/_native.abi3.so": "@" + plain})
	out, code = verifyCB(t, dir, "--on", "debian:11", whl)
	wantVerify(t, out, code, 1, "FAIL "+whl, "version `GLIBC_2.34' not found")

	// auditwheel-repaired: pkg.libs/ is no import name, and the bundled
	// library loads through the module's RPATH.
	whl = wheel("w-repaired", map[string]string{"pkg/_native.abi3.so": "@" + repaired, "pkg.libs/libdep-1a2b3c4d.so": "@" + libdep})
	out, code = verifyCB(t, dir, "--on", "debian:11", "--call", "answer", "--expect-return", "7", whl)
	wantVerify(t, out, code, 0, "imported pkg, pkg._native; answer() returned 7")

	// An x86_64-tagged wheel with only an aarch64 module, and one with
	// both.
	whl = wheel("w-arm", map[string]string{"pkg/_native.abi3.so": "@" + arm})
	out, code = verifyCB(t, dir, "--on", "debian:11", whl)
	wantVerify(t, out, code, 1, "the wheel holds no extension module for x86_64 (pkg/_native.abi3.so is aarch64)")
	whl = wheel("w-mixed", map[string]string{"pkg/_native.abi3.so": "@" + good, "pkg/sub/_native.abi3.so": "@" + arm, "pkg/sub/__init__.py": ""})
	out, code = verifyCB(t, dir, "--on", "debian:11", whl)
	wantVerify(t, out, code, 1, "not all for x86_64 (pkg/sub/_native.abi3.so is aarch64)")
}
