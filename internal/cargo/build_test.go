package cargo

// End-to-end tests: real cargo builds of the crates in testdata through
// Run, with a real compatbuild binary behind the compiler wrappers, and the
// artifacts loaded and run under Debian bullseye's glibc 2.31 with
// internal/verify. They need cargo and rustc, gcc, and the Debian packages
// librust-libc-dev and librust-cc-dev (crate sources used as an offline
// cargo source; crates.io is not reachable).

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"compatbuild/internal/abidb"
	"compatbuild/internal/check"
	"compatbuild/internal/runtimes"
	"compatbuild/internal/verify"
)

var (
	compatbuildExe string // the binary the wrappers link to
	runtimeCache   string // named runtimes, shared with the other packages' tests
)

// debianRegistry holds crate sources from Debian's librust-*-dev packages.
const debianRegistry = "/usr/share/cargo/registry"

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "compatbuild-cargo-test-")
	if err != nil {
		panic(err)
	}
	compatbuildExe = filepath.Join(dir, "compatbuild")
	// A fuzzing run (FuzzScanTOML) needs no compatbuild binary, and its
	// workers each start here.
	fuzzing := slices.ContainsFunc(os.Args, func(a string) bool { return strings.HasPrefix(a, "-test.fuzz") })
	if !fuzzing {
		if out, err := exec.Command("go", "build", "-o", compatbuildExe, "compatbuild/cmd/compatbuild").CombinedOutput(); err != nil {
			panic("building compatbuild: " + string(out))
		}
	}
	runtimeCache, _ = runtimes.DefaultCacheDir()
	// Sysroots and wrappers start cold in a private cache.
	os.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "cache"))
	for _, v := range []string{"COMPATBUILD_GLIBC", "COMPATBUILD_CC", "COMPATBUILD_CXX", "RUSTFLAGS", "CARGO_ENCODED_RUSTFLAGS",
		"CARGO_BUILD_RUSTFLAGS", "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS", "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER",
		"CARGO_BUILD_TARGET", "CARGO_TARGET_DIR", "CARGO_BUILD_TARGET_DIR", "CC", "CXX", "CC_x86_64_unknown_linux_gnu", "CXX_x86_64_unknown_linux_gnu"} {
		os.Unsetenv(v)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// needRust fails the test when the Rust toolchain or Debian's crate
// sources are missing: CI must install them.
func needRust(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("cargo"); err != nil {
		t.Fatal("cargo not found: install Rust (rustup, or apt-get install cargo)")
	}
	for _, crate := range []string{"libc-0.2", "cc-1."} {
		m, _ := filepath.Glob(filepath.Join(debianRegistry, crate+"*"))
		if len(m) == 0 {
			t.Fatalf("no %s* crate in %s: apt-get install librust-libc-dev librust-cc-dev", crate, debianRegistry)
		}
	}
}

// offlineConfig makes cargo take crates from Debian's registry directory.
const offlineConfig = `[source.crates-io]
replace-with = "debian"

[source.debian]
directory = "` + debianRegistry + `"
`

// crate copies testdata/name into a temporary workspace with the offline
// cargo config, so target/ is never written into the repository.
func crate(t *testing.T, name string) string {
	t.Helper()
	needRust(t)
	dst := filepath.Join(t.TempDir(), name)
	if err := os.CopyFS(dst, os.DirFS(filepath.Join("testdata", name))); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dst, ".cargo", "config.toml"), offlineConfig)
	return dst
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// compatCargo runs 'compatbuild cargo args...' in dir through Run.
func compatCargo(t *testing.T, dir string, args ...string) (code int, stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	code, err = Run(context.Background(), Options{Args: args, Exe: compatbuildExe, Dir: dir, Stdout: &out, Stderr: &errb})
	return code, out.String(), errb.String(), err
}

func mustCompatCargo(t *testing.T, dir string, args ...string) string {
	t.Helper()
	code, stdout, stderr, err := compatCargo(t, dir, args...)
	if err != nil || code != 0 {
		t.Fatalf("compatbuild cargo %v: exit %d, %v\nstdout:\n%s\nstderr:\n%s", args, code, err, stdout, stderr)
	}
	return stderr
}

// plainCargo runs cargo itself, the way a user would without compatbuild.
func plainCargo(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("cargo", args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("cargo %v: %v\n%s", args, err, out)
	}
}

// floorByReadelf derives the glibc floor from binutils, independently of
// compatbuild's own ELF reader.
func floorByReadelf(t *testing.T, path string) abidb.Version {
	t.Helper()
	out, err := exec.Command("readelf", "-V", "-W", path).Output()
	if err != nil {
		t.Fatalf("readelf %s: %v", path, err)
	}
	var floor abidb.Version
	for _, f := range strings.Fields(string(out)) {
		if v, err := abidb.ParseVersion(strings.TrimPrefix(f, "GLIBC_")); err == nil && strings.HasPrefix(f, "GLIBC_") && floor.Less(v) {
			floor = v
		}
	}
	return floor
}

func floorOf(t *testing.T, path string) abidb.Version {
	t.Helper()
	rep := check.Paths([]string{path}, abidb.Version{})
	if len(rep.Files) != 1 || rep.Files[0].Glibc == nil {
		t.Fatalf("check %s: %+v", path, rep.Files)
	}
	return abidb.MustParseVersion(rep.Files[0].Glibc.Floor)
}

// onDebian11 verifies artifacts under real glibc 2.31.
func onDebian11(t *testing.T, path string, opts verify.Options) verify.Result {
	t.Helper()
	opts.Runtimes, opts.RuntimeCacheDir = []string{"debian:11"}, runtimeCache
	rep, err := verify.Run(context.Background(), []string{path}, opts)
	if err != nil {
		t.Fatalf("verify %s: %v", path, err)
	}
	if len(rep.Results) != 1 {
		t.Fatalf("verify %s: %d results", path, len(rep.Results))
	}
	return rep.Results[0]
}

var glibcNotFound = regexp.MustCompile("version `GLIBC_2\\.3[2-9]' not found")

const wantHello = "hello from rust: pid>0 true, main thread-local 2, threads [1, 2, 3, 4]\n"

// The case from the blog post: a Rust cdylib using the libc crate, std
// threads, a thread-local and println!, loaded with dlopen on an older
// distro.
func TestCdylibLoadsOnGlibc231(t *testing.T) {
	dir := crate(t, "hello-cdylib")
	zero := 0
	call := verify.Options{Call: "compat_hello", ExpectReturn: &zero}

	// Plain cargo: the library needs glibc 2.34 and debian:11 refuses it.
	plainCargo(t, dir, "build", "--release", "--offline")
	plain := filepath.Join(dir, "target", "release", "libhello_cdylib.so")
	res := onDebian11(t, plain, call)
	if res.Status != verify.Fail || !glibcNotFound.MatchString(res.LoaderError) {
		t.Errorf("plain cargo build under glibc 2.31: %s, loader error %q; want a failure with version `GLIBC_2.3x' not found", res.Status, res.LoaderError)
	}

	stderr := mustCompatCargo(t, dir, "build", "--release", "--glibc", "2.17", "--offline")
	lib := filepath.Join(dir, "target", "x86_64-unknown-linux-gnu", "release", "libhello_cdylib.so")
	if !strings.Contains(stderr, "OK     target/x86_64-unknown-linux-gnu/release/libhello_cdylib.so: needs glibc 2.1") ||
		!strings.Contains(stderr, "1 file: 1 within glibc 2.17, 0 above, 0 errors") {
		t.Errorf("no floor report for the cdylib:\n%s", stderr)
	}
	target := abidb.MustParseVersion("2.17")
	if f := floorByReadelf(t, lib); target.Less(f) {
		t.Errorf("readelf: %s needs glibc %s, above 2.17", lib, f)
	}
	if f := floorOf(t, lib); target.Less(f) {
		t.Errorf("check: %s needs glibc %s, above 2.17", lib, f)
	}
	// Rust std's weak references to newer glibc functions stay unbound
	// (NULL at run time), not versioned.
	syms, err := exec.Command("readelf", "--dyn-syms", "-W", lib).Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(syms), "\n") {
		if strings.Contains(line, "__cxa_thread_atexit_impl") && (!strings.Contains(line, " WEAK ") || strings.Contains(line, "@")) {
			t.Errorf("__cxa_thread_atexit_impl (glibc 2.18) should be an unversioned weak reference: %s", strings.TrimSpace(line))
		}
	}
	res = onDebian11(t, lib, call)
	if res.Status != verify.Pass || !strings.Contains(res.Output, wantHello) {
		t.Errorf("compatbuild cargo build under glibc 2.31: %s: %s\noutput:\n%s", res.Status, res.Reason, res.Output)
	}
}

// A program with arguments and threads, C code built by its build script
// with the cc crate, and a proc-macro; built with the cargo-zigbuild style
// target. Build scripts and proc-macros must still be linked for the host.
func TestBinaryWithBuildScriptRunsOnGlibc231(t *testing.T) {
	dir := crate(t, "args-bin")
	args := []string{"one", "two words"}
	const want = "args: [\"one\", \"two words\"]\nthreads: [0, 55, 210]\nnative: 1\nmacro: made by a proc-macro\npanics unwound: main true, thread true\n"

	plainCargo(t, dir, "build", "--release", "--offline")
	res := onDebian11(t, filepath.Join(dir, "target", "release", "args-bin"), verify.Options{Args: args})
	if res.Status != verify.Fail || !glibcNotFound.MatchString(res.LoaderError) {
		t.Errorf("plain cargo build under glibc 2.31: %s, loader error %q; want a failure with version `GLIBC_2.3x' not found", res.Status, res.LoaderError)
	}

	stderr := mustCompatCargo(t, dir, "build", "--release", "--offline", "--target", "x86_64-unknown-linux-gnu.2.17")
	if !regexp.MustCompile(`C compiler: \S*/compatbuild-cc-2\.17\n`).MatchString(stderr) {
		t.Errorf("the cc crate did not get the compatbuild wrapper as CC_x86_64_unknown_linux_gnu:\n%s", stderr)
	}
	if !strings.Contains(stderr, "(from --target x86_64-unknown-linux-gnu.2.17)") {
		t.Errorf("the floor's source is not named:\n%s", stderr)
	}
	prog := filepath.Join(dir, "target", "x86_64-unknown-linux-gnu", "release", "args-bin")
	if f := floorByReadelf(t, prog); abidb.MustParseVersion("2.17").Less(f) {
		t.Errorf("readelf: args-bin needs glibc %s, above 2.17", f)
	}
	res = onDebian11(t, prog, verify.Options{Args: args})
	if res.Status != verify.Pass || res.Output != want {
		t.Errorf("compatbuild cargo build under glibc 2.31: %s: %s\noutput:\n%s\nwant:\n%s", res.Status, res.Reason, res.Output, want)
	}

	// Host artifacts were linked by plain cc for this machine's glibc.
	host := abidb.MustParseVersion("2.34")
	for _, pattern := range []string{"target/release/build/args-bin-*/build-script-build", "target/release/deps/libargs_macro-*.so"} {
		m, _ := filepath.Glob(filepath.Join(dir, pattern))
		if len(m) == 0 {
			t.Errorf("no %s", pattern)
		}
		for _, p := range m {
			if f := floorOf(t, p); f.Less(host) {
				t.Errorf("%s needs glibc %s: it was linked through compatbuild, but host artifacts must link for the host", p, f)
			}
		}
	}
}

// The floor declared once in Cargo.toml; the command line still wins.
func TestFloorFromPackageMetadata(t *testing.T) {
	dir := crate(t, "hello-cdylib")
	manifest := filepath.Join(dir, "Cargo.toml")
	data, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, manifest, string(data)+"\n[package.metadata.compatbuild]\nglibc = \"2.28\"\n")

	stderr := mustCompatCargo(t, dir, "build", "--offline")
	if !strings.Contains(stderr, "building for glibc 2.28 (from [package.metadata.compatbuild] of hello-cdylib)") ||
		!strings.Contains(stderr, "1 file: 1 within glibc 2.28, 0 above, 0 errors") {
		t.Errorf("floor not taken from package metadata:\n%s", stderr)
	}
	t.Setenv("COMPATBUILD_GLIBC", "2.31")
	stderr = mustCompatCargo(t, dir, "build", "--offline", "--glibc=2.17")
	if !strings.Contains(stderr, "building for glibc 2.17 (from --glibc)") || !strings.Contains(stderr, "within glibc 2.17") {
		t.Errorf("--glibc does not win over COMPATBUILD_GLIBC and metadata:\n%s", stderr)
	}
	lib := filepath.Join(dir, "target", "x86_64-unknown-linux-gnu", "debug", "libhello_cdylib.so")
	if f := floorByReadelf(t, lib); abidb.MustParseVersion("2.17").Less(f) {
		t.Errorf("after --glibc 2.17 the debug cdylib needs glibc %s: switching floors did not relink", f)
	}
}

// Without any floor nothing is built.
func TestNoFloorRefuses(t *testing.T) {
	dir := crate(t, "args-bin")
	code, _, _, err := compatCargo(t, dir, "build", "--offline")
	if code != 2 || err == nil || !strings.Contains(err.Error(), "no glibc floor given") || strings.Contains(err.Error(), "\n") {
		t.Errorf("exit %d, err %v; want exit 2 and a one-line 'no glibc floor given'", code, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "target")); err == nil {
		t.Errorf("target/ exists: something was built without a floor")
	}
}

// A call the floor does not have, and compatbuild cannot provide (the
// catalogue refuses it), fails the link, and the driver says why.
func TestLinkAboveFloorFails(t *testing.T) {
	needRust(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "Cargo.toml"), "[package]\nname = \"sigmask\"\nversion = \"0.1.0\"\nedition = \"2021\"\n")
	writeFile(t, filepath.Join(dir, "src", "main.rs"), `extern "C" {
    fn pthread_setattr_default_np(attr: *const u8) -> i32;
}
fn main() {
    println!("{}", unsafe { pthread_setattr_default_np(std::ptr::null()) });
}
`)
	code, _, stderr, err := compatCargo(t, dir, "build", "--glibc", "2.17")
	if err != nil || code == 0 {
		t.Fatalf("exit %d, err %v: a link needing pthread_setattr_default_np (glibc 2.18) passed for 2.17\n%s", code, err, stderr)
	}
	// rustc links with rust-lld by default ("undefined symbol: X"); the
	// driver's own explanation follows when it recognises the message.
	if !strings.Contains(stderr, "undefined symbol: pthread_setattr_default_np") && !strings.Contains(stderr, "pthread_setattr_default_np is in glibc 2.18 and later") {
		t.Errorf("the failed link does not name pthread_setattr_default_np:\n%s", stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "target", "x86_64-unknown-linux-gnu", "debug", "sigmask")); err == nil {
		t.Errorf("a binary was left behind after the failed link")
	}
}

// The user's rustflags, from each place cargo takes them, survive next to
// compatbuild's linker flag: the crate does not compile without the cfg,
// and the binary must still be linked for 2.17.
func TestUserRustflagsKept(t *testing.T) {
	needRust(t)
	cases := []struct {
		name, config string
		env          map[string]string
	}{
		{name: "build.rustflags", config: "[build]\nrustflags = [\"--cfg\", \"user_flag\"]\n"},
		{name: "target rustflags", config: "[target.x86_64-unknown-linux-gnu]\nrustflags = [\"--cfg\", \"user_flag\"]\n"},
		{name: "target rustflags string", config: "[target.x86_64-unknown-linux-gnu]\nrustflags = \"--cfg user_flag\"\n"},
		{name: "cfg target rustflags", config: "[target.'cfg(target_os = \"linux\")']\nrustflags = [\"--cfg\", \"user_flag\"]\n"},
		{name: "RUSTFLAGS", env: map[string]string{"RUSTFLAGS": "--cfg user_flag"}},
		{name: "CARGO_ENCODED_RUSTFLAGS", env: map[string]string{"CARGO_ENCODED_RUSTFLAGS": "--cfg\x1fuser_flag"}},
		{name: "CARGO_BUILD_RUSTFLAGS", env: map[string]string{"CARGO_BUILD_RUSTFLAGS": "--cfg user_flag"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "Cargo.toml"), "[package]\nname = \"flags\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[lints.rust]\nunexpected_cfgs = \"allow\"\n")
			writeFile(t, filepath.Join(dir, "src", "main.rs"), "#[cfg(not(user_flag))]\ncompile_error!(\"the user's rustflags were lost\");\nfn main() { println!(\"ok\"); }\n")
			if c.config != "" {
				writeFile(t, filepath.Join(dir, ".cargo", "config.toml"), c.config)
			}
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			mustCompatCargo(t, dir, "build", "--glibc", "2.17")
			prog := filepath.Join(dir, "target", "x86_64-unknown-linux-gnu", "debug", "flags")
			if f := floorByReadelf(t, prog); abidb.MustParseVersion("2.17").Less(f) {
				t.Errorf("the binary needs glibc %s: compatbuild's linker flag was lost", f)
			}
		})
	}
}

// TestBuildScriptBypassIsCaught: a build script that runs gcc by name
// writes a shared library needing this machine's glibc into its OUT_DIR;
// the build fails naming it, while the build script itself (a host
// program in target/debug) is not judged. --scan-skip leaves the file out.
func TestBuildScriptBypassIsCaught(t *testing.T) {
	dir := crate(t, "gcc-build-script")
	code, _, stderr, err := compatCargo(t, dir, "build", "--glibc", "2.17", "--offline")
	if err != nil || code != 1 {
		t.Fatalf("compatbuild cargo build: exit %d, %v; want 1\n%s", code, err, stderr)
	}
	above := regexp.MustCompile(`ABOVE  target/x86_64-unknown-linux-gnu/debug/build/gcc-build-script-[0-9a-f]+/out/libside\.so: needs glibc 2\.33`)
	if !above.MatchString(stderr) || strings.Contains(stderr, "build-script-build") {
		t.Errorf("want libside.so reported above 2.17, and the build script not judged:\n%s", stderr)
	}
	plainCargo(t, dir, "clean")
	mustCompatCargo(t, dir, "build", "--glibc", "2.17", "--offline", "--scan-skip", "libside.so")
	if m, _ := filepath.Glob(filepath.Join(dir, "target/x86_64-unknown-linux-gnu/debug/build/*/out/libside.so")); len(m) != 1 {
		t.Errorf("the build after cargo clean wrote no libside.so")
	}
}
