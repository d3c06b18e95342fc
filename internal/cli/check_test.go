package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The kind: every path named on the command line is judged or is an
// error, and a gate can never be switched off by an empty value. Members:
// --glibc "" (an unset CI variable), a symlinked directory, a non-ELF file
// named like a library (a git-lfs pointer), a FIFO, a device, unknown
// --manylinux and --distro names.
func TestNamedPathsAreJudgedOrErrors(t *testing.T) {
	for _, args := range [][]string{
		{"check", "--glibc", "", "/usr/bin/ls"},
		{"check", "--glibc=", "/usr/bin/ls"},
		{"check", "--manylinux", "", "/usr/bin/ls"},
		{"check", "--manylinux", "manylinux_2_99", "/usr/bin/ls"},
		{"check", "--distro", "rhel", "/usr/bin/ls"},
		{"check", "--distro", "plan9:4", "/usr/bin/ls"},
		{"check", "--distro", "rhel:7,", "/usr/bin/ls"},
	} {
		code, _, stderr := run(args...)
		if code != ExitUsage || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("%q: exit %d, stderr %q", args, code, stderr)
		}
	}

	dir := t.TempDir()
	real := filepath.Join(dir, "real")
	os.MkdirAll(real, 0o755)
	data, _ := os.ReadFile("/usr/bin/ls")
	os.WriteFile(filepath.Join(real, "ls"), data, 0o755)
	link := filepath.Join(dir, "link")
	os.Symlink(real, link)
	if code, out, _ := run("check", "--glibc", "2.17", link); code != ExitFail || !strings.Contains(out, "ABOVE  "+filepath.Join(link, "ls")) {
		t.Errorf("symlinked directory: exit %d\n%s", code, out)
	}

	lfs := filepath.Join(dir, "libplugin.so")
	os.WriteFile(lfs, []byte("version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\nsize 12345\n"), 0o644)
	if code, out, _ := run("check", "--glibc", "2.17", lfs); code != ExitUsage || !strings.Contains(out, "ERROR  "+lfs+": not an ELF file") {
		t.Errorf("git-lfs pointer named: exit %d\n%s", code, out)
	}
	// Walking a directory still skips non-ELF files quietly.
	os.Rename(lfs, filepath.Join(real, "README"))
	if code, out, _ := run("check", "--glibc", "2.36", real); code != ExitOK || strings.Contains(out, "README") {
		t.Errorf("walked directory: exit %d\n%s", code, out)
	}

	fifo := filepath.Join(dir, "fifo.so")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{fifo, "/dev/zero"} {
		done := make(chan string, 1)
		go func() {
			code, out, _ := run("check", "--glibc", "2.17", p)
			done <- strings.TrimSpace(out) + " exit " + string(rune('0'+code))
		}()
		select {
		case got := <-done:
			if !strings.Contains(got, "ERROR  "+p) || !strings.HasSuffix(got, "exit 2") {
				t.Errorf("%s named: %s", p, got)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("check %s hangs", p)
		}
	}
}

// The loader reads program headers, so check does: a program without
// section headers still runs and still needs glibc 2.34.
func TestStrippedSectionsStillNeed234(t *testing.T) {
	app := filepath.Join(t.TempDir(), "app")
	data, _ := os.ReadFile("/usr/bin/true")
	os.WriteFile(app, data, 0o755)
	if out, err := exec.Command("llvm-objcopy", "--strip-sections", app).CombinedOutput(); err != nil {
		t.Fatalf("llvm-objcopy (CI installs llvm): %v\n%s", err, out)
	}
	code, out, _ := run("check", "--glibc", "2.17", app)
	if code != ExitFail || !strings.Contains(out, "ABOVE  "+app+": needs glibc 2.34, above the floor 2.17") || !strings.Contains(out, "__libc_start_main") {
		t.Errorf("exit %d\n%s", code, out)
	}
}

func TestCheckGatesOnTheCommandLine(t *testing.T) {
	// /usr/bin/true of Debian 12 needs glibc 2.34 and nothing else:
	// within debian:12 and manylinux_2_34, above rhel:8 and manylinux2014.
	code, out, _ := run("check", "--distro", "debian:12", "--manylinux", "manylinux_2_34", "/usr/bin/true")
	if code != ExitOK || !strings.Contains(out, "within manylinux_2_34_x86_64, debian:12") {
		t.Errorf("within: exit %d\n%s", code, out)
	}
	code, out, _ = run("check", "--distro", "rhel:8", "--manylinux", "manylinux2014", "/usr/bin/true")
	if code != ExitFail || !strings.Contains(out, "not within manylinux_2_17_x86_64, rhel:8") || !strings.Contains(out, "the target has RHEL 8's glibc 2.28") {
		t.Errorf("above: exit %d\n%s", code, out)
	}
	// A library no distro data covers fails a distro gate: it cannot be
	// vouched for. /usr/bin/ls needs libselinux.so.1.
	code, out, _ = run("check", "--distro", "debian:12", "/usr/bin/ls")
	if code != ExitFail || !strings.Contains(out, "libselinux.so.1 is not part of Debian 12 (bookworm) as compatbuild knows it") {
		t.Errorf("ls against debian:12: exit %d\n%s", code, out)
	}
}
