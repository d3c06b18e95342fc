package check

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The kind: what a user ships is a set, and a file's verdict includes the
// bundled libraries the loader will load with it. Members: a library found
// through RUNPATH $ORIGIN/deps, one found transitively through the
// bundled library's own RUNPATH, one that lies in the tree but on no
// search path (not loaded from there), and a wheel whose members are read
// from the zip in place.

func gcc(t *testing.T, out, src string, args ...string) {
	t.Helper()
	c := out + ".c"
	os.WriteFile(c, []byte(src), 0o644)
	cmd := exec.Command("gcc", append([]string{"-shared", "-fPIC", "-o", out, c}, args...)...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, msg)
	}
	os.Remove(c)
}

const workerSource = `#include <pthread.h>
int helper(void);
static void *w(void *a) { return a; }
int work(void) { pthread_t t; pthread_create(&t, 0, w, 0); pthread_join(t, 0); return helper(); }
`

// bundle lays out dist/libplugin.so → deps/libworker.so (GLIBC_2.34) →
// deps/libhelper.so, all through RUNPATH $ORIGIN.
func bundle(t *testing.T, root string) (plugin, worker string) {
	deps := filepath.Join(root, "deps")
	os.MkdirAll(deps, 0o755)
	gcc(t, filepath.Join(deps, "libhelper.so"), "int helper(void) { return 42; }", "-Wl,-soname,libhelper.so")
	worker = filepath.Join(deps, "libworker.so")
	gcc(t, worker, workerSource, "-Wl,-soname,libworker.so", "-L"+deps, "-lhelper", "-Wl,-rpath,$ORIGIN")
	plugin = filepath.Join(root, "libplugin.so")
	gcc(t, plugin, "int work(void);\nint plugin_entry(void) { return work(); }", "-L"+deps, "-lworker", "-Wl,-rpath,$ORIGIN/deps", "-Wl,-rpath-link,"+deps)
	return plugin, worker
}

func TestBundleFloorNamesTheLibraryThatForcesIt(t *testing.T) {
	dir := t.TempDir()
	plugin, worker := bundle(t, dir)
	// A library that needs libworker.so without a RUNPATH to find it.
	loose := filepath.Join(dir, "other", "libloose.so")
	os.MkdirAll(filepath.Dir(loose), 0o755)
	gcc(t, loose, "int work(void);\nint loose(void) { return work(); }", "-L"+filepath.Dir(worker), "-lworker")

	rep := Paths([]string{dir}, abidbVersion("2.17"))
	byPath := map[string]*FileReport{}
	for _, r := range rep.Files {
		byPath[r.Path] = r
	}
	p := byPath[plugin]
	if p == nil || p.Bundle == nil {
		t.Fatalf("no bundle for %s: %+v", plugin, rep.Files)
	}
	if p.Glibc.Floor == "2.34" || p.Bundle.Glibc.Floor != "2.34" || p.Bundle.ForcedBy != worker || p.Status != StatusAbove {
		t.Errorf("own floor %s, effective %s forced by %q, status %s", p.Glibc.Floor, p.Bundle.Glibc.Floor, p.Bundle.ForcedBy, p.Status)
	}
	if !slices.Contains(p.Bundle.Loads, worker) || !slices.Contains(p.Bundle.Loads, filepath.Join(dir, "deps", "libhelper.so")) {
		t.Errorf("loads %v: want libworker and, through its RUNPATH, libhelper", p.Bundle.Loads)
	}
	if l := byPath[loose]; l == nil || l.Bundle != nil {
		t.Errorf("libloose, without a RUNPATH to the tree, loads nothing from it: %+v", l)
	}
	var text bytes.Buffer
	rep.WriteText(&text)
	for _, want := range []string{"ABOVE  " + plugin + ": needs glibc 2.34 (through " + worker + "), above the floor 2.17", "pthread_create"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, text.String())
		}
	}
	// The plugin alone, without the set, is within 2.17.
	if rep := Paths([]string{plugin}, abidbVersion("2.17")); rep.ExitCode() != 0 {
		t.Errorf("plugin alone: exit %d", rep.ExitCode())
	}
}

// buildWheel builds a real wheel with setuptools (python3 -m build, Debian's
// packages) whose extension module loads a bundled libworker.so through
// RUNPATH $ORIGIN/libs/deps.
func buildWheel(t *testing.T) string {
	t.Helper()
	src := t.TempDir()
	pkg := filepath.Join(src, "cbdemo")
	bundle(t, filepath.Join(pkg, "libs"))
	os.Remove(filepath.Join(pkg, "libs", "libplugin.so"))
	os.WriteFile(filepath.Join(pkg, "__init__.py"), nil, 0o644)
	os.WriteFile(filepath.Join(pkg, "_ext.c"), []byte(`#include <Python.h>
int work(void);
static PyObject *run(PyObject *self, PyObject *args) { return PyLong_FromLong(work()); }
static PyMethodDef methods[] = {{"run", run, METH_NOARGS, ""}, {0}};
static struct PyModuleDef mod = {PyModuleDef_HEAD_INIT, "_ext", 0, -1, methods};
PyMODINIT_FUNC PyInit__ext(void) { return PyModule_Create(&mod); }
`), 0o644)
	os.WriteFile(filepath.Join(src, "setup.py"), []byte(`from setuptools import setup, Extension
setup(name="cbdemo", version="1.0", packages=["cbdemo"],
      package_data={"cbdemo": ["libs/deps/*.so"]},
      ext_modules=[Extension("cbdemo._ext", ["cbdemo/_ext.c"], library_dirs=["cbdemo/libs/deps"],
                             libraries=["worker"], extra_link_args=["-Wl,-rpath,$ORIGIN/libs/deps", "-Wl,-rpath-link,cbdemo/libs/deps"])])
`), 0o644)
	out := filepath.Join(t.TempDir(), "dist")
	cmd := exec.Command("/usr/bin/python3", "-m", "build", "--wheel", "--no-isolation", "--outdir", out, src)
	cmd.Dir = src
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("python3 -m build (CI installs python3-build, python3-dev): %v\n%s", err, msg)
	}
	wheels, _ := filepath.Glob(filepath.Join(out, "*.whl"))
	if len(wheels) != 1 {
		t.Fatalf("built %v", wheels)
	}
	return wheels[0]
}

func TestWheelIsReadInPlaceAndItsTagJudged(t *testing.T) {
	whl := buildWheel(t)
	if !strings.HasSuffix(whl, "-linux_x86_64.whl") {
		t.Fatalf("setuptools built %s", whl)
	}
	// Its members are compressed: the reader streams them from the zip.
	z, err := zip.OpenReader(whl)
	if err != nil {
		t.Fatal(err)
	}
	deflated := 0
	for _, f := range z.File {
		if f.Method == zip.Deflate && strings.HasSuffix(f.Name, ".so") {
			deflated++
		}
	}
	z.Close()
	if deflated < 2 {
		t.Fatalf("%d deflated .so members", deflated)
	}

	rep := Paths([]string{whl}, abidbVersion("2.17"))
	if len(rep.Wheels) != 1 {
		t.Fatalf("wheels %+v", rep.Wheels)
	}
	w := rep.Wheels[0]
	if w.Tag != "manylinux_2_34_x86_64" || w.Members != 3 || len(w.Overclaims) != 0 {
		t.Errorf("wheel %+v: want manylinux_2_34_x86_64 from the bundled libworker, 3 ELF members, no overclaim of linux_x86_64", w)
	}
	var ext *FileReport
	for _, r := range rep.Files {
		if strings.HasSuffix(r.Path, ".so") && strings.Contains(r.Path, "!cbdemo/_ext") {
			ext = r
		}
	}
	if ext == nil || ext.Bundle == nil || !strings.HasSuffix(ext.Bundle.ForcedBy, "!cbdemo/libs/deps/libworker.so") || ext.Status != StatusAbove {
		t.Errorf("extension module report %+v", ext)
	}

	// The same wheel renamed to claim manylinux2014 claims more than its
	// contents allow: the check fails and says so.
	claim := filepath.Join(t.TempDir(), "cbdemo-1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl")
	data, _ := os.ReadFile(whl)
	os.WriteFile(claim, data, 0o644)
	rep = Paths([]string{claim}, abidbVersion("2.44"))
	if rep.ExitCode() != 1 || len(rep.Wheels[0].Overclaims) != 2 {
		t.Errorf("claiming manylinux2014: exit %d, overclaims %v", rep.ExitCode(), rep.Wheels[0].Overclaims)
	}
	var text bytes.Buffer
	rep.WriteText(&text)
	if !strings.Contains(text.String(), "the file name claims more than that: manylinux2014_x86_64 (the contents need manylinux_2_34_x86_64)") {
		t.Errorf("text:\n%s", text.String())
	}
	var doc map[string]any
	var js bytes.Buffer
	rep.WriteJSON(&js)
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil || doc["wheels"] == nil {
		t.Errorf("JSON lacks wheels: %v\n%s", err, js.String())
	}
}

// A zip member read backwards and forwards through the stream reader
// returns the bytes of the member.
func TestStreamReaderRereads(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("big.bin")
	data := make([]byte, prefixKeep+300<<10)
	for i := range data {
		data[i] = byte(i * 7)
	}
	w.Write(data)
	zw.Close()
	zr, _ := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	ra := memberReader(bytes.NewReader(buf.Bytes()), zr.File[0])
	for _, off := range []int64{prefixKeep + 1000, 10, prefixKeep + 200<<10, prefixKeep - 5, 0, int64(len(data)) - 8} {
		got := make([]byte, 8)
		if _, err := ra.ReadAt(got, off); err != nil && err != io.EOF {
			t.Fatalf("at %d: %v", off, err)
		}
		if !bytes.Equal(got, data[off:off+8]) {
			t.Errorf("at %d: %v, want %v", off, got, data[off:off+8])
		}
	}
}

// A pure-Python wheel named on the command line is an error (nothing to
// judge); found while walking a directory, it is skipped like any non-ELF
// file.
func TestPureWheel(t *testing.T) {
	dir := t.TempDir()
	whl := filepath.Join(dir, "pure-1.0-py3-none-any.whl")
	f, _ := os.Create(whl)
	zw := zip.NewWriter(f)
	w, _ := zw.Create("pure/__init__.py")
	w.Write([]byte("x = 1\n"))
	zw.Close()
	f.Close()
	if rep := Paths([]string{whl}, abidbVersion("2.17")); rep.ExitCode() != 2 || !strings.Contains(rep.Files[0].Error, "pure-Python wheel") {
		t.Errorf("named pure wheel: exit %d, files %+v", rep.ExitCode(), rep.Files)
	}
	data, _ := os.ReadFile("/usr/bin/true")
	os.WriteFile(filepath.Join(dir, "true"), data, 0o755)
	if rep := Paths([]string{dir}, abidbVersion("2.36")); rep.ExitCode() != 0 || len(rep.Files) != 1 {
		t.Errorf("walked: exit %d, files %+v", rep.ExitCode(), rep.Files)
	}
}
