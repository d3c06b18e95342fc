package cargo

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// checkRustStd refuses, before cargo starts, a target whose standard
// library the Rust toolchain lacks: rustc would fail on every crate with
// "can't find crate for `std`". The toolchain is the one cargo runs
// ($RUSTC, or rustc with the +toolchain override).
func checkRustStd(ctx context.Context, inv *invocation, triple string) error {
	rustc := os.Getenv("RUSTC")
	if rustc == "" {
		rustc = "rustc"
	}
	var args []string
	if inv.toolchain != "" {
		args = append(args, inv.toolchain)
	}
	args = append(args, "--print", "sysroot")
	out, err := exec.CommandContext(ctx, rustc, args...).Output()
	if err != nil {
		return nil // cargo itself reports a missing or broken rustc
	}
	sysroot := strings.TrimSpace(string(out))
	dir := filepath.Join(sysroot, "lib", "rustlib", triple, "lib")
	if matches, _ := filepath.Glob(filepath.Join(dir, "libstd-*.rlib")); len(matches) > 0 {
		return nil
	}
	return fmt.Errorf("the Rust standard library for %s is not installed (no %s): run 'rustup target add %s' (it downloads the target's std), or use a toolchain that has it; Debian's libstd-rust-dev:<arch> serves Debian's own rustc only", triple, dir, triple)
}
