package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCargoHelp(t *testing.T) {
	code, stdout, _ := run("cargo", "--help")
	for _, want := range []string{"Usage: compatbuild cargo", "[package.metadata.compatbuild] glibc", "--target x86_64-unknown-linux-gnu.X.Y", "compatbuild cargo build --release --glibc 2.17"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("help lacks %q:\n%s", want, stdout)
		}
	}
	if code != ExitOK {
		t.Errorf("exit %d", code)
	}
	if _, usage, _ := run("--help"); !strings.Contains(usage, "\n  cargo ") {
		t.Errorf("cargo is not in the command list:\n%s", usage)
	}
}

// Usage errors: one line, exit 2, nothing run.
func TestCargoUsageErrors(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Cargo.toml"), []byte("[package]\nname = \"p\"\nversion = \"0.1.0\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "src"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "src", "lib.rs"), nil, 0o644)
	t.Chdir(dir)
	t.Setenv("COMPATBUILD_GLIBC", "")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"cargo", "build"}, "no glibc floor given"},
		{[]string{"cargo", "build", "--glibc", "2.99"}, "2.17 to 2.44"},
		{[]string{"cargo", "build", "--target", "aarch64-unknown-linux-musl", "--glibc", "2.17"}, "Linux glibc targets"},
		{[]string{"cargo", "build", "--target", "riscv64gc-unknown-linux-gnu", "--glibc", "2.17"}, "first glibc release for riscv64-linux-gnu is 2.27"},
		{[]string{"cargo", "nextest", "run"}, "compatbuild exec -- cargo nextest"},
	} {
		code, _, stderr := run(c.args...)
		if code != ExitUsage || !strings.HasPrefix(stderr, "compatbuild: cargo: ") || strings.Count(strings.TrimSpace(stderr), "\n") != 0 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and one line containing %q", c.args, code, stderr, c.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "target")); err == nil {
		t.Errorf("target/ exists: cargo ran despite a usage error")
	}
}
