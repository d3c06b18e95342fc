package main

// Static builds are refused before any work, in the user's own terms: the
// message names the flag the user wrote and where, and nothing was
// compiled. The time each refusal took is logged (bench/ holds timings;
// the budget is under a second).

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func refused(t *testing.T, dir string, env []string, want []string, args ...string) {
	t.Helper()
	start := time.Now()
	out, code := cb(t, dir, env, args...)
	t.Logf("refused in %v", time.Since(start).Round(time.Millisecond))
	if code != 2 {
		t.Errorf("exit %d, want 2\n%s", code, out)
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
}

func TestCargoCrtStaticIsRefusedUpFront(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"Cargo.toml":  "[package]\nname = \"p\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
		"src/main.rs": "fn main() {}\n",
	})
	refused(t, dir, []string{"RUSTFLAGS=-C target-feature=+crt-static"},
		[]string{`RUSTFLAGS sets "-C target-feature=+crt-static"`, "x86_64-unknown-linux-musl"},
		"cargo", "build", "--glibc", "2.17")
	writeTree(t, dir, map[string]string{".cargo/config.toml": "[target.x86_64-unknown-linux-gnu]\nrustflags = [\"-C\", \"target-feature=+crt-static\"]\n"})
	refused(t, dir, nil, []string{"target.x86_64-unknown-linux-gnu.rustflags sets \"-C target-feature=+crt-static\""},
		"cargo", "build", "--glibc", "2.17")
	if _, err := os.Stat(filepath.Join(dir, "target")); err == nil {
		t.Errorf("cargo ran: target/ exists")
	}
}

func TestGoStaticIsRefusedUpFront(t *testing.T) {
	t.Parallel()
	dir := copyDir(t, "cgo")
	refused(t, dir, nil, []string{`-extldflags "-static"`, "asks for -static"},
		"go", "build", "--glibc", "2.17", "-ldflags", `-linkmode external -extldflags "-static"`, "-o", "app", ".")
	refused(t, dir, []string{"CGO_LDFLAGS=-static"}, []string{"CGO_LDFLAGS asks for -static"},
		"go", "build", "--glibc", "2.17", "-o", "app", ".")
	if _, err := os.Stat(filepath.Join(dir, "app")); err == nil {
		t.Errorf("go built app")
	}
}

func TestCMakeStaticIsRefusedBeforeTheBuild(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("cmake"); err != nil {
		t.Fatal("cmake is not installed: .ci/run installs it (apt-get install cmake)")
	}
	dir := copyDir(t, "cmake")
	toolchain := filepath.Join(dir, "compat.cmake")
	mustCB(t, dir, "cmake-toolchain", "--glibc", "2.17", "-o", toolchain)
	lists, _ := os.ReadFile(filepath.Join(dir, "CMakeLists.txt"))
	os.WriteFile(filepath.Join(dir, "CMakeLists.txt"), append(lists, "\nif(STATIC_APP)\n  target_link_options(app PRIVATE -static)\nendif()\n"...), 0o644)
	for _, tc := range []struct {
		name string
		args []string
		env  []string
		want string
	}{
		{"cache variable", []string{"-DCMAKE_EXE_LINKER_FLAGS=-static"}, nil, "CMAKE_EXE_LINKER_FLAGS holds -static"},
		{"LDFLAGS", nil, []string{"LDFLAGS=-Wl,-O1 -static"}, "the LDFLAGS environment variable holds -static"},
		{"target option", []string{"-DSTATIC_APP=ON"}, nil, "target app's LINK_OPTIONS holds -static"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			build := filepath.Join(t.TempDir(), "build")
			cmd := exec.Command("cmake", append([]string{"-S", dir, "-B", build, "-DCMAKE_TOOLCHAIN_FILE=" + toolchain}, tc.args...)...)
			cmd.Env = append(os.Environ(), tc.env...)
			start := time.Now()
			out, err := cmd.CombinedOutput()
			t.Logf("configure refused in %v", time.Since(start).Round(time.Millisecond))
			flat := strings.Join(strings.Fields(string(out)), " ")
			if err == nil || !strings.Contains(flat, "compatbuild: "+tc.want) {
				t.Errorf("configure: %v, want a refusal with %q:\n%s", err, tc.want, out)
			}
			if _, err := os.Stat(filepath.Join(build, "Makefile")); err == nil {
				t.Errorf("the build files were generated")
			}
		})
	}
	// -static-libgcc is no static program.
	build := filepath.Join(t.TempDir(), "build")
	if out, err := exec.Command("cmake", "-S", dir, "-B", build, "-DCMAKE_TOOLCHAIN_FILE="+toolchain, "-DCMAKE_EXE_LINKER_FLAGS=-static-libgcc").CombinedOutput(); err != nil {
		t.Errorf("-static-libgcc refused: %v\n%s", err, out)
	}
}

func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
