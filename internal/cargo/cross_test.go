package cargo

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"compatbuild/internal/verify"
)

// rustStdFor reports whether the default toolchain has the target's std.
func rustStdFor(t *testing.T, triple string) bool {
	t.Helper()
	out, err := exec.Command("rustc", "--print", "sysroot").Output()
	if err != nil {
		t.Fatalf("rustc --print sysroot: %v", err)
	}
	m, _ := filepath.Glob(filepath.Join(strings.TrimSpace(string(out)), "lib", "rustlib", triple, "lib", "libstd-*.rlib"))
	return len(m) > 0
}

// A Rust cdylib for aarch64, the floor from [package.metadata.compatbuild]:
// where the toolchain has aarch64's standard library it is built, links
// through compatbuild-aarch64-linux-gnu-cc-X.Y and loads under arm64 glibc
// 2.31 through qemu-user; where it has not (rustup target add needs the
// network), compatbuild refuses before cargo runs, in one line that says
// how to get it.
func TestCdylibForAarch64(t *testing.T) {
	const triple = "aarch64-unknown-linux-gnu"
	dir := crate(t, "hello-cdylib")
	manifest := filepath.Join(dir, "Cargo.toml")
	data, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, manifest, string(data)+"\n[package.metadata.compatbuild]\nglibc = \"2.17\"\n")
	if !rustStdFor(t, triple) {
		code, _, _, err := compatCargo(t, dir, "build", "--offline", "--release", "--target", triple)
		if code != 2 || err == nil || !strings.Contains(err.Error(), "rustup target add "+triple) || strings.Contains(err.Error(), "\n") {
			t.Errorf("without aarch64's std: exit %d, err %v; want exit 2 and one line naming 'rustup target add %s'", code, err, triple)
		}
		if _, err := os.Stat(filepath.Join(dir, "target", triple)); err == nil {
			t.Errorf("target/%s exists: cargo ran without the target's std", triple)
		}
		t.Logf("the toolchain has no std for %s: the refusal is what is tested here", triple)
		return
	}
	stderr := mustCompatCargo(t, dir, "build", "--offline", "--release", "--target", triple)
	if !strings.Contains(stderr, "compatbuild-aarch64-linux-gnu-cc-2.17") || !strings.Contains(stderr, "within glibc 2.17") {
		t.Errorf("aarch64 build did not link through the aarch64 wrapper for 2.17:\n%s", stderr)
	}
	lib := filepath.Join(dir, "target", triple, "release", "libhello_cdylib.so")
	rep, err := verify.Run(t.Context(), []string{lib}, verify.Options{Runtimes: []string{"debian:11"}, RuntimeCacheDir: runtimeCache, Call: "compat_hello"})
	if err != nil {
		t.Fatal(err)
	}
	if r := rep.Results[0]; r.Status != verify.Pass || r.Output != wantHello {
		t.Errorf("aarch64 cdylib under arm64 glibc 2.31: %s %s\n%s", r.Status, r.Reason, r.Output)
	}
}
