package main

// Extension modules proved the way users load them: built for glibc 2.17
// with the project's own build tool through compatbuild, then loaded by
// the real old systems' own Python and Node.js (Debian 11's 3.9 and
// 12.22, Debian 13's 3.13), which compatbuild verify fetches into the
// runtimes. The same sources built plainly fail there with the loader's
// GLIBC error.

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// verifyCB runs compatbuild verify with the user's runtime cache (the
// runtimes' fetching is tested in internal/runtimes).
func verifyCB(t *testing.T, dir string, args ...string) (string, int) {
	t.Helper()
	base := filepath.Dir(filepath.Dir(os.Getenv("COMPATBUILD_TEST_RUNTIMES")))
	return cb(t, dir, []string{"XDG_CACHE_HOME=" + base}, append([]string{"verify"}, args...)...)
}

func wantVerify(t *testing.T, out string, code, wantCode int, wants ...string) {
	t.Helper()
	if code != wantCode {
		t.Errorf("verify exit %d, want %d\n%s", code, wantCode, out)
	}
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Errorf("verify output lacks %q:\n%s", w, out)
		}
	}
}

// debianPython is Debian's own Python 3 with setuptools and build (the
// ones .ci/run installs), not a pyenv or venv one earlier on PATH.
const debianPython = "/usr/bin/python3"

func pythonInclude(t *testing.T) string {
	t.Helper()
	out, err := exec.Command(debianPython, "-c", `import sysconfig; print(sysconfig.get_paths()["include"])`).Output()
	inc := strings.TrimSpace(string(out))
	if _, serr := os.Stat(filepath.Join(inc, "Python.h")); err != nil || serr != nil {
		t.Fatalf("Debian's Python headers are missing (%v): .ci/run installs python3-dev", err)
	}
	return inc
}

func TestPythonExtensionModuleAndWheel(t *testing.T) {
	t.Parallel()
	inc := pythonInclude(t)
	dir := copyDir(t, "pyext")
	mustCB(t, dir, "exec", "--glibc", "2.17", "--", debianPython, "-m", "build", "--wheel", "--no-isolation", "--outdir", "dist")
	wheels, _ := filepath.Glob(filepath.Join(dir, "dist", "*.whl"))
	mods, _ := filepath.Glob(filepath.Join(dir, "build", "lib*", "hello.abi3.so"))
	if len(wheels) != 1 || filepath.Base(wheels[0]) != "compatbuild_hello-1.0-cp37-abi3-linux_x86_64.whl" || len(mods) != 1 {
		t.Fatalf("python -m build made wheels %q and modules %q", wheels, mods)
	}
	assertWithin(t, "2.17", mods[0])

	out, code := verifyCB(t, dir, "--on", "debian:11,debian:13", "--host", "python3", "--call", "hello", "--expect-return", "42", mods[0])
	wantVerify(t, out, code, 0, "(glibc 2.31, python3.9): imported hello; hello() returned 42", "(glibc 2.41, python3.13): imported hello; hello() returned 42")
	out, code = verifyCB(t, dir, "--on", "debian:11,debian:13", "--call", "hello", "--expect-return", "42", wheels[0])
	wantVerify(t, out, code, 0, "(glibc 2.31, python3.9): imported hello; hello() returned 42", "(glibc 2.41, python3.13): imported hello; hello() returned 42")

	// The same module built plainly on this machine needs glibc 2.34.
	plain := filepath.Join(dir, "plain", "hello.abi3.so")
	os.MkdirAll(filepath.Dir(plain), 0o755)
	if out, err := exec.Command("gcc", "-O2", "-shared", "-fPIC", "-I"+inc, "-DPy_LIMITED_API=0x03070000", "-o", plain, filepath.Join(dir, "hello.c")).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	out, code = verifyCB(t, dir, "--on", "debian:11", "--host", "python3", plain)
	wantVerify(t, out, code, 1, "version `GLIBC_2.34' not found (required by "+plain+")")

	// A version-specific module (CPython 3.11's ABI) loads on the runtime
	// whose Python is 3.11 and is skipped, with the reason, on the others.
	specific := filepath.Join(dir, "cp311", "hello.cpython-311-x86_64-linux-gnu.so")
	os.MkdirAll(filepath.Dir(specific), 0o755)
	mustCB(t, dir, "cc", "--glibc", "2.17", "-O2", "-shared", "-fPIC", "-I"+inc, "-o", specific, filepath.Join(dir, "hello.c"))
	out, code = verifyCB(t, dir, "--on", "all", "--host", "python3", "--call", "hello", specific)
	wantVerify(t, out, code, 0, "PASS "+specific+" on debian:12 (glibc 2.36, python3.11)",
		"SKIP "+specific+" on debian:11 (glibc 2.31, python3.9): Python 3.9 imports extension modules named",
		"SKIP "+specific+" on debian:13", "1 pass, 0 fail, 2 skipped")
}

// nodeGyp finds node-gyp: Debian's package, or the copy npm bundles.
func nodeGyp(t *testing.T) []string {
	t.Helper()
	if p, err := exec.LookPath("node-gyp"); err == nil {
		return []string{p}
	}
	if root, err := exec.Command("npm", "root", "-g").Output(); err == nil {
		p := filepath.Join(strings.TrimSpace(string(root)), "npm", "node_modules", "node-gyp", "bin", "node-gyp.js")
		if _, err := os.Stat(p); err == nil {
			return []string{"node", p}
		}
	}
	t.Fatal("node-gyp not found: .ci/run installs it (Debian's node-gyp, or npm's bundled copy)")
	return nil
}

// nodeHeaders returns the prefix whose include/node holds node_api.h.
func nodeHeaders(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat("/usr/include/node/node_api.h"); err != nil {
		t.Fatal("Node.js headers (/usr/include/node/node_api.h) are missing: .ci/run installs them (libnode-dev)")
	}
	return "/usr"
}

func TestNodeAPIAddon(t *testing.T) {
	t.Parallel()
	prefix := nodeHeaders(t)
	dir := copyDir(t, "napi")
	gyp := nodeGyp(t)
	mustCB(t, dir, append([]string{"exec", "--glibc", "2.17", "--"}, append(gyp, "rebuild", "--nodedir="+prefix)...)...)
	addon := filepath.Join(dir, "build", "Release", "addon.node")
	assertWithin(t, "2.17", addon)
	out, code := verifyCB(t, dir, "--on", "all", "--host", "node", "--call", "hello", "--expect-return", "42", addon)
	wantVerify(t, out, code, 0, "(glibc 2.31, node): loaded; hello() returned 42", "(glibc 2.36, node): loaded; hello() returned 42", "(glibc 2.41, node): loaded; hello() returned 42")

	plain := filepath.Join(dir, "plain", "addon.node")
	os.MkdirAll(filepath.Dir(plain), 0o755)
	if out, err := exec.Command("gcc", "-O2", "-shared", "-fPIC", "-I"+prefix+"/include/node", "-DNAPI_VERSION=4", "-DNODE_GYP_MODULE_NAME=addon",
		"-o", plain, filepath.Join(dir, "addon.c")).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	out, code = verifyCB(t, dir, "--on", "debian:11", "--host", "node", plain)
	wantVerify(t, out, code, 1, "version `GLIBC_2.34' not found (required by "+plain+")")
}

// Any program of the runtime's packages can be the host.
func TestHostCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := filepath.Join(dir, "answer.c")
	os.WriteFile(src, []byte("#include <pthread.h>\nstatic void *w(void *a) { return a; }\nint answer(void) { pthread_t t; void *r; pthread_create(&t, 0, w, (void *)42); pthread_join(t, &r); return (int)(long)r; }\n"), 0o644)
	lib := filepath.Join(dir, "libanswer.so")
	mustCB(t, dir, "cc", "--glibc", "2.17", "-shared", "-fPIC", "-o", lib, src)
	host := `python3.9 -c "import ctypes, sys; sys.exit(ctypes.CDLL(sys.argv[1]).answer() - 42)" {}`
	out, code := verifyCB(t, dir, "--on", "debian:11", "--package", "python3.9", "--host", host, lib)
	wantVerify(t, out, code, 0, "PASS "+lib+" on debian:11 (glibc 2.31, python3.9): exit status 0")
	out, code = verifyCB(t, dir, "--on", "debian:11", "--host", "no-such-program {}", lib)
	wantVerify(t, out, code, 1, "runtime debian:11 has no program no-such-program", "add the Debian package that has it with --package")
}
