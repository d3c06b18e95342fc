package verify

import (
	"path/filepath"
	"strings"
	"testing"
)

// A program that starts system programs (system(), popen(), posix_spawnp
// of sh) runs the target's /bin/sh under verify, as on the target: every
// runtime carries its release's dash, standing at /bin/sh in the mount
// namespace. This machine's sh would fail on the old glibc ("version
// 'GLIBC_2.34' not found (required by sh)").
func TestProgramStartsTheTargetsShell(t *testing.T) {
	prog := filepath.Join(t.TempDir(), "children")
	if err := driverLink("2.17", "-O2", "testdata/children.c", "-o", prog); err != nil {
		t.Fatal(err)
	}
	rep := verifyOK(t, opts("debian:11", "debian:12"), prog)
	for _, r := range rep.Results {
		if r.Status != Pass || r.Output != "system=768\npopen=hi\nspawn=4\n" {
			t.Errorf("%s: %s: %s; output %q", r.Runtime, r.Status, r.Reason, r.Output)
		}
	}
}

// A program the runtime lacks (ls, of coreutils) is this machine's: when
// it cannot run on the runtime's glibc the cell is inconclusive and names
// it, and with its package the target's ls runs and the cell passes.
func TestForeignProgramIsNamed(t *testing.T) {
	prog := filepath.Join(t.TempDir(), "children")
	if err := driverLink("2.17", "-O2", "testdata/children.c", "-o", prog); err != nil {
		t.Fatal(err)
	}
	o := opts("debian:11")
	o.Args = []string{"ls / >/dev/null"}
	rep := verifyOK(t, o, prog)
	r := rep.Results[0]
	if r.Status != Inconclusive || !strings.Contains(r.Reason, "the artifact started /usr/bin/ls, this machine's program, which cannot run on glibc 2.31") ||
		!strings.Contains(r.Reason, "(it needs GLIBC_2.34); add its package with --package coreutils to verify") {
		t.Errorf("got %s: %s", r.Status, r.Reason)
	}
	if rep.Failed() || !rep.Inconclusive() {
		t.Errorf("Failed %v, Inconclusive %v: want an inconclusive report that did not fail", rep.Failed(), rep.Inconclusive())
	}
	o.Packages = []string{"coreutils"}
	if r := verifyOK(t, o, prog).Results[0]; r.Status != Pass {
		t.Errorf("with coreutils: %s: %s", r.Status, r.Reason)
	}
}

// The loader's refusal names the program; a file of the runtime, the
// artifact and its host are never foreign.
func TestForeignProgramParsing(t *testing.T) {
	out := "sh: /rt/lib/libc.so.6: version `GLIBC_2.34' not found (required by sh)\n"
	if p, need := foreignProgram(out, "/rt", nil); !strings.HasSuffix(p, "/sh") || need != "2.34" {
		t.Errorf("got %q %q", p, need)
	}
	// One line per missing version: the newest is what it needs.
	out = "/bin/bash: /rt/lib/libc.so.6: version `GLIBC_2.33' not found (required by /bin/bash)\n" +
		"/bin/bash: /rt/lib/libc.so.6: version `GLIBC_2.36' not found (required by /bin/bash)\n" +
		"/bin/bash: /rt/lib/libc.so.6: version `GLIBC_2.34' not found (required by /lib/x86_64-linux-gnu/libtinfo.so.6)\n"
	if p, need := foreignProgram(out, "/rt", nil); p != "/bin/bash" || need != "2.36" {
		t.Errorf("got %q %q, want /bin/bash 2.36", p, need)
	}
	if h := packageHint("/usr/bin/bash"); h != "add its package with --package bash" {
		t.Errorf("bash's package: %q", h)
	}
	if h := packageHint("/nonexistent/prog"); !strings.Contains(h, "--package NAME") {
		t.Errorf("an unknown program's package: %q", h)
	}
	out = "/rt/usr/bin/python3.9: /rt/lib/libc.so.6: version 'GLIBC_2.99' not found (required by /rt/usr/bin/python3.9)\n"
	if p, _ := foreignProgram(out, "/rt", nil); p != "" {
		t.Errorf("a runtime's program was called foreign: %q", p)
	}
	out = "/a/prog: /rt/lib/libc.so.6: version `GLIBC_2.34' not found (required by /a/prog)\n"
	if p, _ := foreignProgram(out, "/rt", []string{"/a/prog"}); p != "" {
		t.Errorf("the artifact was called foreign: %q", p)
	}
}
