package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func run(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = Main(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestUsageErrorsAreOneLineWithExit2(t *testing.T) {
	for _, args := range [][]string{
		{"check", "--glibc", "2.x", "/usr/bin/ls"},
		{"check", "--glibc", "2.99", "/usr/bin/ls"},
		{"check"},
		{"no-such-command"},
		{"explain", "--arch", "mips", "memcpy"},
		{"explain"},
		{"explain", "--headers", "2.x", "totalorder"},
		{"check", "--no-such-flag", "x"},
		{"env", "--glibc"},
		{"sysroot", "--prune", "--glibc", "2.17"},
		{"sysroot", "stray"},
	} {
		code, _, stderr := run(args...)
		if code != ExitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, ExitUsage)
		}
		if lines := strings.Count(strings.TrimSpace(stderr), "\n"); lines != 0 || !strings.HasPrefix(stderr, "compatbuild") {
			t.Errorf("%v: want one 'compatbuild: ...' line, got %q", args, stderr)
		}
	}
	_, _, stderr := run("check", "--glibc", "2.99", "x")
	if !strings.Contains(stderr, "2.17 to 2.44") {
		t.Errorf("unknown version error does not say what is accepted: %q", stderr)
	}
}

func TestCheckExitCodes(t *testing.T) {
	if code, out, _ := run("check", "--glibc", "2.17", "/usr/bin/ls"); code != ExitFail || !strings.HasPrefix(out, "ABOVE  /usr/bin/ls: needs glibc 2.34") {
		t.Errorf("ls above 2.17: exit %d\n%s", code, out)
	}
	if code, out, _ := run("check", "--glibc", "2.36", "/usr/bin/ls"); code != ExitOK || !strings.HasPrefix(out, "OK ") {
		t.Errorf("ls within 2.36: exit %d\n%s", code, out)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "bad.so"), []byte("\x7fELF\x02\x01\x01"), 0o644)
	if code, out, _ := run("check", "--glibc", "2.36", dir, "/usr/bin/ls"); code != ExitUsage || !strings.Contains(out, "ERROR  "+filepath.Join(dir, "bad.so")) || !strings.Contains(out, "OK     /usr/bin/ls") {
		t.Errorf("broken file: exit %d\n%s", code, out)
	}
	if code, out, _ := run("check", "--json", "/usr/bin/ls"); code != ExitOK || !strings.Contains(out, `"schema": "compatbuild.check/v1"`) {
		t.Errorf("json: exit %d\n%s", code, out)
	}
}

func TestHelpTeaches(t *testing.T) {
	code, out, errOut := run("check", "--help")
	if errOut != "" {
		t.Errorf("--help wrote to stderr: %q", errOut)
	}
	if code != ExitOK || !strings.Contains(out, "Examples:") || !strings.Contains(out, "-glibc") {
		t.Errorf("check --help: exit %d\n%s", code, out)
	}
	if code, out, _ := run("--help"); code != ExitOK || !strings.Contains(out, "explain") {
		t.Errorf("--help: exit %d\n%s", code, out)
	}
}

func TestExplain(t *testing.T) {
	code, out, _ := run("explain", "stat")
	if code != ExitOK || !strings.Contains(out, "GLIBC_2.33") || !strings.Contains(out, "__xstat") {
		t.Errorf("explain stat: exit %d\n%s", code, out)
	}
	code, out, _ = run("explain", "pthread_create")
	if !strings.Contains(out, "libpthread.so.0  GLIBC_2.2.5") || !strings.Contains(out, "2.17–2.33") || !strings.Contains(out, "at 2.34: pthread_create@GLIBC_2.34 from libc.so.6") {
		t.Errorf("explain pthread_create: exit %d\n%s", code, out)
	}
	if _, out, _ := run("explain", "sys_errlist"); !strings.Contains(out, "at 2.34: not linkable (compat-only in libc.so.6 since 2.32)") {
		t.Errorf("explain sys_errlist:\n%s", out)
	}
	// Newer symbols get the catalogue's answer for older targets.
	for sym, want := range map[string]string{
		"res_search":                 "at 2.28: compatbuild binds it to __res_search in libresolv.so.2, in libcompat_polyfill.a",
		"getrandom":                  "at 2.17: compatbuild links its own getrandom (internal/libcompat/src/common/polyfill/syscalls.c)",
		"pthread_setattr_default_np": "at 2.17: not linkable (compatbuild cannot provide it: glibc 2.17 keeps",
	} {
		if _, out, _ := run("explain", sym); !strings.Contains(out, want) {
			t.Errorf("explain %s:\n%s\nwant %q", sym, out, want)
		}
	}
	if _, out, _ := run("explain", "memcpy"); strings.Contains(out, "compatbuild") {
		t.Errorf("explain memcpy talks about the catalogue:\n%s", out)
	}
	if code, _, stderr := run("explain", "no_such_symbol_xyz"); code != ExitFail || !strings.Contains(stderr, "check the spelling") {
		t.Errorf("unknown symbol: exit %d %q", code, stderr)
	}
}

func TestCheckWithNoELFIsAnError(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "README"), []byte("text"), 0o644)
	code, out, stderr := run("check", "--glibc", "2.17", dir)
	if code != ExitUsage || out != "" || !strings.Contains(stderr, "no ELF executable or shared library found in "+dir) {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	code, out, _ = run("check", filepath.Join(dir, "missing"))
	if code != ExitUsage || !strings.Contains(out, "ERROR  "+filepath.Join(dir, "missing")+": no such file or directory") {
		t.Errorf("missing path: exit %d\n%s", code, out)
	}
}

// sysroot --prune reports what it removed and what it kept.
func TestSysrootPrune(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	stale := filepath.Join(cache, "compatbuild", "sysroot", "x86_64-glibc2.17-00000000000000000000")
	if err := os.MkdirAll(stale, 0o700); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(stale, "libc.so.6"), make([]byte, 4096), 0o600)
	if code, out, _ := run("sysroot", "--glibc", "2.28"); code != ExitOK || !strings.Contains(out, "x86_64-glibc2.28-") {
		t.Fatalf("building a sysroot: exit %d, %q", code, out)
	}
	code, out, stderr := run("sysroot", "--prune")
	if code != ExitOK || !strings.Contains(out, "removed "+stale+" (4 KB): built by another compatbuild or compiler") ||
		!strings.HasSuffix(out, "1 removed (4 KB freed), 1 kept\n") {
		t.Errorf("exit %d\n%s%s", code, out, stderr)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Error("the stale sysroot is still there")
	}
}
